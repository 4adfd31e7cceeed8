"""What a transition says to the other side is a message of the conversation: a note that is not
internal (or customer_service's solution) is posted as a public comment by the person who acted,
linked to the history entry. It answers the customer (the First Response milestone ends, the
customer no longer waits), and the other side is told of it like of any reply, unless the
transition's own notification tells them now."""

from notifications.models import Kind, Notification
from services.conversation import comment_post
from tests.workflows.walking import reload, walk_to
from workflows.transitions import perform_transition


def _notified(case, kind):
    return list(
        Notification.objects.filter(case=case, kind=kind).values_list("recipient", flat=True)
    )


def test_a_transition_note_from_support_answers_the_customer(make_case, agent, customer):
    case = make_case("technical_support")
    assert reload(case).awaiting_answer_since is not None

    perform_transition(case_id=case.pk, name="start_work", actor=agent, note="Looking at it now.")

    case = reload(case)
    assert case.first_responded_at is not None
    assert case.awaiting_answer_since is None
    comment = case.comments.get(body="Looking at it now.")
    assert (comment.author, comment.internal) == (agent, False)
    assert case.history.get(transition="start_work").comment == comment


def test_the_customer_is_emailed_a_transition_note_from_support(make_case, agent, customer):
    case = make_case("technical_support")

    perform_transition(case_id=case.pk, name="start_work", actor=agent, note="Looking at it now.")

    assert _notified(case, Kind.PUBLIC_REPLY) == [customer.pk]


def test_a_transition_without_a_note_is_no_answer(make_case, agent):
    case = make_case("technical_support")

    perform_transition(case_id=case.pk, name="start_work", actor=agent)

    case = reload(case)
    assert case.first_responded_at is None
    assert case.awaiting_answer_since is not None
    assert not case.comments.exists()
    assert not _notified(case, Kind.PUBLIC_REPLY)


def test_an_internal_note_of_a_transition_stays_internal(make_case, agent, cast):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    comments_before = case.comments.count()

    perform_transition(case_id=case.pk, name="block", actor=agent, note="Bug #123 upstream.")

    case = reload(case)
    assert case.comments.count() == comments_before
    assert not case.comments.filter(body="Bug #123 upstream.").exists()
    assert case.history.get(transition="block").comment is None


def test_a_transition_that_tells_the_customer_itself_sends_no_second_email(make_case, agent, cast):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    before = set(Notification.objects.filter(case=case).values_list("pk", flat=True))

    perform_transition(case_id=case.pk, name="request_info", actor=agent, note="Which version?")

    new = Notification.objects.filter(case=case).exclude(pk__in=before)
    assert [row.kind for row in new] == [Kind.INFO_REQUESTED]
    assert reload(case).comments.filter(body="Which version?").exists()


def test_customer_service_posts_its_solution_with_the_note(make_case, agent, cast):
    case = walk_to(make_case("customer_service"), "open", cast)

    perform_transition(
        case_id=case.pk,
        name="propose_solution",
        actor=agent,
        note="Here is what we did.",
        close_notes="Refunded the duplicate charge.",
    )

    case = reload(case)
    assert case.first_responded_at is not None
    entry = case.history.get(transition="propose_solution")
    assert entry.comment.body == "Here is what we did."
    assert entry.payload["close_notes"] == "Refunded the duplicate charge."
    assert case.close_notes == "Refunded the duplicate charge."


def test_customer_service_solution_alone_is_the_message(make_case, agent, cast):
    case = walk_to(make_case("customer_service"), "open", cast)

    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Refunded it."
    )

    assert reload(case).history.get(transition="propose_solution").comment.body == "Refunded it."


def test_a_customer_who_acts_waits_for_an_answer(make_case, agent, customer, cast):
    case = walk_to(make_case("technical_support"), "solution_proposed", cast)
    assert reload(case).awaiting_answer_since is None

    perform_transition(
        case_id=case.pk, name="reject_solution", actor=customer, note="Still broken."
    )

    case = reload(case)
    assert case.awaiting_answer_since is not None
    assert case.comments.filter(body="Still broken.", author=customer).exists()
    # The owner hears of it by the rejection's own notification, not twice.
    assert not _notified(case, Kind.PUBLIC_REPLY)


def test_a_customer_reply_waits_until_supports_next_public_message(
    make_case, agent, customer, cast
):
    case = make_case("technical_support")
    comment_post(case_id=case.pk, actor=agent, body="We are on it.")
    assert reload(case).awaiting_answer_since is None

    comment_post(case_id=case.pk, actor=customer, body="Any news?")
    waiting_since = reload(case).awaiting_answer_since
    comment_post(case_id=case.pk, actor=customer, body="Hello?")
    assert reload(case).awaiting_answer_since == waiting_since
    comment_post(case_id=case.pk, actor=agent, body="Internal only.", internal=True)
    assert reload(case).awaiting_answer_since == waiting_since

    comment_post(case_id=case.pk, actor=agent, body="Fixed in 4.2.")

    assert reload(case).awaiting_answer_since is None
