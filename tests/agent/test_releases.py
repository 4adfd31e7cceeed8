"""Releases in the agent workspace (/agent/releases/): the list per queue with case counts and
the form that creates one; a release's page with its cases, Add case and Deliver release (asked
for first); a delivered release read-only; customers and strangers kept out; constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Release
from services.cases import case_create
from services.releases import release_add_case, release_create
from tests.factories import QueueFactory
from tests.portal.html import parse
from tests.workflows.walking import reload, walk_to
from workflows.transitions import deliver_release

LIST = reverse("agent:releases")
READY = "done_awaiting_release"
DELIVERED = "release_delivered"


def page_url(release):
    return reverse("agent:release", kwargs={"pk": release.pk})


def add_url(release):
    return reverse("agent:release_add_case", kwargs={"pk": release.pk})


def deliver_url(release):
    return reverse("agent:release_deliver", kwargs={"pk": release.pk})


def options(select):
    return {option.attrs["value"]: option.text() for option in select.find_all("option")}


def alerts(response):
    return " ".join(node.text() for node in parse(response.content).find_all(role="alert"))


@pytest.fixture
def rt_queue(queues):
    return queues["release_tracking"]


@pytest.fixture
def ready_case(customer, cast, rt_queue):
    """`ready_case(subject=..., queue=...)`: a case of the release_tracking queue (or of
    `queue`) that is done, awaiting release."""

    def make(subject="Export crashes", queue=None):
        case = case_create(
            actor=customer, queue=queue or rt_queue, subject=subject, description="Steps."
        )
        return walk_to(case, READY, cast)

    return make


@pytest.fixture
def release(agent, rt_queue):
    return release_create(actor=agent, name="2026.12.1", queue=rt_queue)


def fill(release, cases, agent):
    for case in cases:
        release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)
    return release


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_release_with_its_case_count_under_its_queue(
    desk, agent, rt_queue, release, ready_case
):
    fill(release, [ready_case(), ready_case()], agent)
    other_queue = QueueFactory(name="Mobile app", workflow="release_tracking")
    fill(
        release_create(actor=agent, name="1.4.0", queue=other_queue),
        [ready_case(queue=other_queue)],
        agent,
    )

    response = desk.get(LIST)

    assert response.status_code == 200
    page = parse(response.content)
    section = page.region(rt_queue.name)
    row = next(r for r in section.find_all("tr") if "2026.12.1" in r.text())
    assert row.find("a").attrs["href"] == page_url(release)
    assert row.find(data_label="Cases").text() == "2"
    assert row.find(data_label="Delivery").text() == "Not delivered"
    assert "1.4.0" not in section.text()
    assert "1.4.0" in page.region("Mobile app").text()


def test_a_delivered_release_shows_when_and_by_whom(desk, agent, release, ready_case):
    fill(release, [ready_case()], agent)
    deliver_release(release_id=release.pk, actor=agent)

    row = parse(desk.get(LIST).content).find("td", data_label="Delivery")

    assert "Delivered" in row.text()
    assert "by agnes" in row.text()
    assert row.exists("time")


def test_the_list_has_an_empty_state_without_releases(desk, rt_queue):
    page = parse(desk.get(LIST).content)

    assert "No releases yet" in page.text()
    assert not page.exists("table")


def test_the_queue_select_offers_only_queues_that_take_releases(desk, queues):
    select = parse(desk.get(LIST).content).region("New release").field("Queue")

    offered = set(options(select).values())
    assert "release_tracking" in offered
    assert not offered & {"technical_support", "support_center", "customer_service"}


# --- create -----------------------------------------------------------------------------------


def test_an_agent_creates_a_release_and_lands_on_its_page(desk, agent, rt_queue):
    response = desk.post(LIST, {"name": "2026.12.1", "queue": rt_queue.pk}, follow=True)

    created = Release.objects.get()
    assert (created.name, created.queue, created.created_by) == ("2026.12.1", rt_queue, agent)
    assert response.redirect_chain[-1] == (page_url(created), 302)
    status = parse(response.content).find(role="status")
    assert "“2026.12.1” was created" in status.text()


def test_a_duplicate_name_is_refused_beside_the_name_and_kept(desk, rt_queue, release):
    response = desk.post(LIST, {"name": "2026.12.1", "queue": rt_queue.pk})

    assert response.status_code == 400
    form = parse(response.content).region("New release")
    assert form.field("Name").attrs["value"] == "2026.12.1"
    assert "already has a release with this name" in form.find(class_="field--error").text()
    assert Release.objects.count() == 1


def test_a_blank_name_is_refused_beside_the_name(desk, rt_queue):
    response = desk.post(LIST, {"name": "   ", "queue": rt_queue.pk})

    assert response.status_code == 400
    form = parse(response.content).region("New release")
    assert "Enter a name for the release." in form.find(class_="field--error").text()
    assert "There is a problem" in form.text()
    assert not Release.objects.exists()


def test_a_queue_that_takes_no_release_is_refused_beside_the_queue(desk, queues):
    response = desk.post(LIST, {"name": "2026.12.1", "queue": queues["technical_support"].pk})

    assert response.status_code == 400
    form = parse(response.content).region("New release")
    assert "Choose a queue that takes releases." in form.find(class_="field--error").text()
    assert form.field("Name").attrs["value"] == "2026.12.1"
    assert not Release.objects.exists()


# --- a release's page ---------------------------------------------------------------------------


def test_the_release_page_lists_its_cases(desk, agent, release, ready_case):
    assigned = ready_case(subject="Export crashes on big files")
    fill(release, [assigned], agent)

    response = desk.get(page_url(release))

    assert response.status_code == 200
    page = parse(response.content)
    assert "2026.12.1" in page.find("h1").text()
    cases = page.region("Cases in this release")
    row = cases.find("tbody").find("tr")
    link = row.find("a")
    assert (link.text(), link.attrs["href"]) == (
        assigned.reference,
        f"/agent/cases/{assigned.reference}/",
    )
    assert row.find(data_label="Subject").text() == "Export crashes on big files"
    assert row.find(data_label="Status").text() == "Done Awaiting Release"
    assignee = reload(assigned).assignee
    expected = assignee.get_full_name() or assignee.username if assignee else "Unassigned"
    assert row.find(data_label="Assignee").text() == expected


def test_add_case_offers_only_the_queues_cases_ready_and_free(
    desk, agent, rt_queue, release, ready_case, case_in, make_case
):
    ready = ready_case(subject="Ready")
    not_ready = case_in("release_tracking", "testing_and_verification", subject="Not ready")
    other_queue = QueueFactory(name="Mobile app", workflow="release_tracking")
    elsewhere = ready_case(subject="Other queue", queue=other_queue)
    taken = ready_case(subject="Taken")
    fill(release_create(actor=agent, name="2026.12.0", queue=rt_queue), [taken], agent)

    select = parse(desk.get(page_url(release)).content).field("Add case")

    offered = options(select)
    assert str(ready.pk) in offered
    assert ready.reference in offered[str(ready.pk)]
    for absent in (not_ready, elsewhere, taken):
        assert str(absent.pk) not in offered


def test_an_agent_adds_a_ready_case(desk, release, ready_case):
    case = ready_case()

    response = desk.post(add_url(release), {"case": case.pk}, follow=True)

    assert response.redirect_chain[-1] == (page_url(release), 302)
    assert list(release.cases.all()) == [case]
    page = parse(response.content)
    assert f"{case.reference} was added to release" in page.find(role="status").text()
    assert case.reference in page.region("Cases in this release").text()


def test_a_case_not_ready_is_refused_with_the_reason(desk, release, case_in):
    case = case_in("release_tracking", "testing_and_verification")

    response = desk.post(add_url(release), {"case": case.pk})

    assert response.status_code == 409
    assert "Only cases that are Done Awaiting Release can join a release." in alerts(response)
    assert not release.cases.exists()


def test_a_case_of_another_queue_is_refused(desk, release, ready_case):
    other_queue = QueueFactory(name="Mobile app", workflow="release_tracking")
    case = ready_case(queue=other_queue)

    response = desk.post(add_url(release), {"case": case.pk})

    assert response.status_code == 409
    assert "another queue" in alerts(response)
    assert not release.cases.exists()


def test_a_case_already_in_another_release_is_refused(desk, agent, rt_queue, release, ready_case):
    case = ready_case()
    fill(release_create(actor=agent, name="2026.12.0", queue=rt_queue), [case], agent)

    response = desk.post(add_url(release), {"case": case.pk})

    assert response.status_code == 409
    assert "already waits in another release" in alerts(response)
    assert not release.cases.exists()


def test_adding_without_a_case_is_refused_beside_the_field(desk, release):
    response = desk.post(add_url(release), {"case": ""})

    assert response.status_code == 400
    form = parse(response.content).region("Add to this release")
    assert "Choose a case to add." in form.find(class_="field--error").text()


def test_adding_an_unknown_case_is_refused_with_a_message(desk, release):
    response = desk.post(add_url(release), {"case": 999_999})

    assert response.status_code == 404
    assert "No such case" in alerts(response)
    assert not release.cases.exists()


# --- deliver ----------------------------------------------------------------------------------


def test_the_page_offers_deliver_release_with_its_dialog(desk, agent, release, ready_case):
    fill(release, [ready_case()], agent)

    page = parse(desk.get(page_url(release)).content)

    delivery = page.region("Delivery")
    assert "Deliver release" in delivery.buttons()
    dialog = delivery.find("dialog")
    assert "Yes, deliver release" in [button.text() for button in dialog.find_all("button")]


def test_deliver_asks_for_confirmation_first_and_changes_nothing(desk, agent, release, ready_case):
    cases = [ready_case(), ready_case()]
    fill(release, cases, agent)

    response = desk.post(deliver_url(release))

    assert response.status_code == 200
    page = parse(response.content)
    assert "Yes, deliver release" in page.buttons()
    form = page.find("form", class_="confirmation")
    assert form.attrs["action"] == deliver_url(release)
    assert form.find("input", name="confirmed").attrs["value"] == "yes"
    assert [reload(case).status for case in cases] == [READY, READY]
    release.refresh_from_db()
    assert not release.is_delivered


def test_confirmed_delivery_moves_every_case_and_says_so(desk, agent, release, ready_case):
    cases = [ready_case(), ready_case()]
    fill(release, cases, agent)

    response = desk.post(deliver_url(release), {"confirmed": "yes"}, follow=True)

    assert response.redirect_chain[-1] == (page_url(release), 302)
    assert [reload(case).status for case in cases] == [DELIVERED, DELIVERED]
    release.refresh_from_db()
    assert (release.is_delivered, release.delivered_by) == (True, agent)
    page = parse(response.content)
    assert "2 cases are now Release Delivered" in page.find(role="status").text()
    statuses = [cell.text() for cell in page.find_all("td", data_label="Status")]
    assert statuses == ["Release Delivered", "Release Delivered"]


def test_delivering_an_empty_release_is_refused(desk, release):
    response = desk.post(deliver_url(release), {"confirmed": "yes"})

    assert response.status_code == 409
    assert "This release holds no case yet: add one before delivering it." in alerts(response)
    release.refresh_from_db()
    assert not release.is_delivered


def test_a_delivery_the_service_refuses_changes_nothing(desk, agent, release, ready_case):
    cases = [ready_case(), ready_case()]
    fill(release, cases, agent)
    # Behind the services' back (a bad data migration, say): the service stops the delivery.
    Case.objects.filter(pk=cases[1].pk).update(status="backlog")

    response = desk.post(deliver_url(release), {"confirmed": "yes"})

    assert response.status_code == 409
    assert "nothing was delivered" in alerts(response)
    assert [reload(case).status for case in cases] == [READY, "backlog"]
    release.refresh_from_db()
    assert not release.is_delivered


# --- a delivered release is read-only -----------------------------------------------------------


@pytest.fixture
def delivered(agent, release, ready_case):
    fill(release, [ready_case()], agent)
    deliver_release(release_id=release.pk, actor=agent)
    release.refresh_from_db()
    return release


def test_a_delivered_release_has_no_forms_and_says_when_it_was_delivered(desk, delivered):
    page = parse(desk.get(page_url(delivered)).content)

    assert not page.has_region("Add to this release")
    assert "Deliver release" not in page.buttons()
    assert "Add to release" not in page.buttons()
    assert not page.find_all("select")
    note = page.find(role="note")
    assert "Delivered by agnes" in note.text()
    assert note.exists("time")


def test_a_delivered_release_refuses_a_new_case(desk, delivered, ready_case):
    late = ready_case()

    response = desk.post(add_url(delivered), {"case": late.pk})

    assert response.status_code == 409
    assert "has been delivered" in alerts(response)
    assert late not in delivered.cases.all()


def test_a_delivered_release_refuses_a_second_delivery(desk, delivered):
    delivered_at = delivered.delivered_at

    for data in ({}, {"confirmed": "yes"}):
        response = desk.post(deliver_url(delivered), data)
        assert response.status_code == 409
        assert "has been delivered" in alerts(response)
    delivered.refresh_from_db()
    assert delivered.delivered_at == delivered_at


# --- who may come in ----------------------------------------------------------------------------


def requests_to(release, case):
    return [
        ("get", LIST, {}),
        ("post", LIST, {"name": "x", "queue": release.queue_id}),
        ("get", page_url(release), {}),
        ("post", add_url(release), {"case": case.pk}),
        ("post", deliver_url(release), {"confirmed": "yes"}),
    ]


def test_customers_are_sent_away_everywhere(browser, customer, release, ready_case):
    case = ready_case()
    client = browser(customer)

    for method, url, data in requests_to(release, case):
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert not response.url.startswith("/agent/"), url
    assert Release.objects.count() == 1
    assert not release.cases.exists()


def test_signed_out_visitors_are_asked_to_sign_in(browser, release, ready_case):
    case = ready_case()
    client = browser()

    for method, url, data in requests_to(release, case):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next="), url
    assert Release.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", "cases/"), ("post", "deliver/")],
)
def test_an_unknown_release_is_404(desk, db, method, path):
    response = getattr(desk, method)(f"/agent/releases/999999/{path}", {"confirmed": "yes"})

    assert response.status_code == 404


# --- queries ----------------------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_many_releases_as_for_one(
    desk, agent, rt_queue, ready_case, django_assert_max_num_queries
):
    fill(release_create(actor=agent, name="r0", queue=rt_queue), [ready_case()], agent)
    one = queries_for(desk, LIST)
    other_queue = QueueFactory(name="Mobile app", workflow="release_tracking")
    for number in range(1, 8):
        queue = rt_queue if number % 2 else other_queue
        release = release_create(actor=agent, name=f"r{number}", queue=queue)
        fill(release, [ready_case(queue=queue)], agent)
    deliver_release(release_id=release.pk, actor=agent)

    assert queries_for(desk, LIST) == one
    with django_assert_max_num_queries(8):
        desk.get(LIST)


def test_the_release_page_runs_as_many_queries_for_eight_cases_as_for_two(
    desk, agent, rt_queue, ready_case, django_assert_max_num_queries
):
    cases = [ready_case() for _ in range(12)]
    few = fill(release_create(actor=agent, name="few", queue=rt_queue), cases[:2], agent)
    many = fill(release_create(actor=agent, name="many", queue=rt_queue), cases[2:10], agent)
    # cases[10:] stay free: the Add case select of both pages lists them.

    assert queries_for(desk, page_url(few)) == queries_for(desk, page_url(many))
    with django_assert_max_num_queries(8):
        desk.get(page_url(many))
