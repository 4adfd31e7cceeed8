"""Who sees which attachment (`cases.selectors.attachments_visible_to`, the one home of the
rule): the files of the cases one may see, but an internal note's files only for support staff."""

import pytest

from cases.errors import NotVisible
from cases.selectors import attachments_visible_to, visible_attachment
from services.attachments import attachment_add
from services.cases import case_delete
from services.conversation import comment_post
from tests.uploads import upload
from tests.workflows.walking import walk_to


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def files(make_case, customer, agent):
    """A case of org A with a file of its own, one on a public reply and one on an internal
    note."""
    case = make_case()
    own = attachment_add(case_id=case.pk, actor=customer, file=upload("own.png"))
    reply = comment_post(case_id=case.pk, actor=agent, body="Try this.", files=[upload("r.png")])
    note = comment_post(
        case_id=case.pk, actor=agent, body="Why.", internal=True, files=[upload("n.png")]
    )
    return {
        "own": own.pk,
        "reply": reply.attachments.get().pk,
        "note": note.attachments.get().pk,
        "case": case,
    }


def _visible(user):
    return set(attachments_visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize("person", ["agent", "manager"])
def test_support_staff_see_every_file_including_internal_notes(cast, files, person):
    assert _visible(cast[person]) == {files["own"], files["reply"], files["note"]}


@pytest.mark.parametrize("person", ["customer", "colleague"])
def test_customers_of_the_organization_see_every_file_but_internal_notes(request, files, person):
    user = request.getfixturevalue(person)

    assert _visible(user) == {files["own"], files["reply"]}


def test_a_customer_of_another_organization_sees_none(other_customer, files):
    assert _visible(other_customer) == set()


def test_a_customer_gets_no_file_of_an_internal_note_by_its_id(customer, files):
    with pytest.raises(NotVisible):
        visible_attachment(customer, files["note"])


def test_a_customer_of_another_organization_gets_no_file_by_its_id(other_customer, files):
    with pytest.raises(NotVisible):
        visible_attachment(other_customer, files["own"])


@pytest.mark.parametrize("attachment_id", ["x", None, 10**30, -1])
def test_a_nonsense_id_is_not_visible(customer, files, attachment_id):
    with pytest.raises(NotVisible):
        visible_attachment(customer, attachment_id)


def test_the_files_of_a_deleted_case_are_for_managers_only(cast, make_case, files):
    case = walk_to(make_case("customer_service"), "open", cast)
    kept = attachment_add(case_id=case.pk, actor=cast["customer"], file=upload())
    case_delete(case_id=case.pk, actor=cast["agent"])

    seen = {role: kept.pk in _visible(cast[role]) for role in ("customer", "agent", "manager")}

    assert seen == {"customer": False, "agent": False, "manager": True}
