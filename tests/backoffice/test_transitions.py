"""Transitions from a case's change page, through workflows.transitions."""

import pytest

from cases.models import HistoryEntry
from tests.workflows.walking import walk_to


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_the_change_page_offers_a_button_per_available_transition(manager_client, case):
    page = manager_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert '<button type="submit" class="button">Start work</button>' in page
    assert '<button type="submit" class="button">Close</button>' in page
    assert "Propose solution" not in page  # not available while the case is new
    assert f"/admin/cases/case/{case.pk}/transition/start_work/" in page
    # The status stays read-only: no input for it.
    assert 'name="status"' not in page


@pytest.mark.django_db
def test_a_manager_runs_a_transition_with_its_note_and_the_history_records_it(
    manager_client, manager, case
):
    url = f"/admin/cases/case/{case.pk}/transition/start_work/"
    form = manager_client.get(url)
    assert form.status_code == 200
    assert 'name="note"' in form.content.decode()
    assert 'value="Start work"' in form.content.decode()

    response = manager_client.post(url, {"note": "On it."}, follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/cases/case/{case.pk}/change/"
    assert f"{case.reference}: Start work done." in messages_of(response)
    case.refresh_from_db()
    assert case.status == "work_in_progress"
    entry = HistoryEntry.objects.get(case=case, transition="start_work")
    assert entry.note == "On it." and entry.actor == manager and entry.actor_role == "manager"


@pytest.mark.django_db
def test_a_refused_transition_shows_the_service_message(manager_client, case):
    url = f"/admin/cases/case/{case.pk}/transition/propose_solution/"
    response = manager_client.post(url, {"note": "Reboot it."})
    assert response.status_code == 200
    assert "“Propose solution” is not possible while the case is New." in messages_of(response)
    assert 'value="Reboot it."' in response.content.decode() or "Reboot it." in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == "new"
    assert not HistoryEntry.objects.filter(case=case, transition="propose_solution").exists()


@pytest.mark.django_db
def test_a_required_note_is_asked_for(manager_client, case):
    response = manager_client.post(f"/admin/cases/case/{case.pk}/transition/close/", {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"


@pytest.mark.django_db
def test_a_deleted_case_refuses_with_a_message(manager_client, case):
    case.deleted_at = case.created_at
    case.save()
    page = manager_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Start work</button>" not in page
    response = manager_client.post(
        f"/admin/cases/case/{case.pk}/transition/start_work/", {"note": ""}
    )
    assert response.status_code == 200
    assert "This case is deleted; a manager can restore it." in messages_of(response)


@pytest.mark.django_db
def test_unknown_transitions_and_cases_answer_404(manager_client, case):
    assert manager_client.get(f"/admin/cases/case/{case.pk}/transition/nope/").status_code == 404
    assert manager_client.get("/admin/cases/case/999999/transition/close/").status_code == 404
    assert manager_client.get("/admin/cases/case/x/transition/close/").status_code == 404


@pytest.mark.django_db
def test_sub_status_is_a_select_of_labels(manager_client, make_case):
    case = make_case("support_center")
    url = f"/admin/cases/case/{case.pk}/transition/set_pending/"
    page = manager_client.get(url).content.decode()
    assert '<select name="sub_status"' in page
    response = manager_client.post(url, {"sub_status": "customer_input"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.sub_status) == ("pending", "customer_input")


@pytest.mark.django_db
def test_assignee_is_a_select_of_active_staff(manager_client, make_case, agent, customer):
    case = make_case("release_tracking")
    url = f"/admin/cases/case/{case.pk}/transition/assign/"
    page = manager_client.get(url).content.decode()
    assert f'<option value="{agent.pk}">' in page
    assert f'<option value="{customer.pk}">' not in page
    manager_client.post(url, {"assignee": agent.pk})
    case.refresh_from_db()
    assert case.assignee == agent


@pytest.mark.django_db
def test_an_agent_cannot_reach_the_transition_route(agent, case):
    from django.test import Client

    client = Client()
    client.force_login(agent)
    response = client.post(f"/admin/cases/case/{case.pk}/transition/start_work/", {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "new"


@pytest.mark.django_db
def test_the_case_page_has_nothing_to_save(manager_client, case):
    page = manager_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert manager_client.post(f"/admin/cases/case/{case.pk}/change/", {}).status_code == 403


@pytest.mark.django_db
def test_the_change_page_shows_the_workflow_and_status_in_words(manager_client, make_case, cast):
    case = walk_to(make_case("support_center"), "pending", cast)
    page = manager_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert '<div class="readonly">Support center</div>' in page
    assert '<div class="readonly">Pending: ' in page
    assert '<div class="readonly">support_center</div>' not in page
    assert "<td>Set pending</td>" in page and "<td>New → Pending</td>" in page  # the history
