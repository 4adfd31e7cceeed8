"""Each workflow's longest happy path, walked over HTTP the way its people walk it: the customer
opens the case, replies fire the automatic transitions, agents request theirs by name, releases
deliver fixes; at the end the history tells the whole story, in order."""

import pytest


@pytest.fixture
def people(api, customer, agent, manager):
    return {"customer": api(customer), "agent": api(agent), "manager": api(manager)}


class Walk:
    """Drives one case over HTTP and checks the status after every step."""

    def __init__(self, people, case_id):
        self.people = people
        self.case_id = case_id

    def transition(self, who, name, expected, **payload):
        response = self.people[who].post(
            f"/api/cases/{self.case_id}/transitions/{name}/", payload, format="json"
        )
        assert response.status_code == 200, (name, response.json())
        assert response.json()["status"] == expected, name
        return response.json()

    def reply(self, who, body, expected):
        response = self.people[who].post(
            f"/api/cases/{self.case_id}/comments/", {"body": body}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["case_status"] == expected
        return response.json()

    def edit(self, who, expected, **fields):
        response = self.people[who].patch(f"/api/cases/{self.case_id}/", fields, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == expected
        return response.json()

    def history(self, who="customer"):
        response = self.people[who].get(f"/api/cases/{self.case_id}/history/")
        assert response.status_code == 200
        return [
            (row["transition"], row["source"], row["target"], row["actor"], row["actor_role"])
            for row in response.json()
        ]


def open_case(people, queue, subject="It broke"):
    response = people["customer"].post(
        "/api/cases/",
        {"queue": queue.pk, "subject": subject, "description": "Details.", "priority": "high"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Walk(people, response.json()["id"]), response.json()


def test_technical_support_from_new_to_closed(people, queues, customer, agent):
    walk, case = open_case(people, queues["technical_support"])
    assert case["status"] == "new"

    walk.reply("agent", "We are looking into it.", "work_in_progress")
    walk.transition("agent", "request_info", "pending_customer")
    walk.reply("customer", "Version 2.3, logs attached.", "customer_replied")
    walk.transition("agent", "block", "blocked", note="Bug 4711 in the driver.")
    walk.transition("agent", "start_work", "work_in_progress")
    walk.transition("agent", "propose_solution", "solution_proposed", note="Install 2.4.")
    walk.transition("customer", "reject_solution", "work_in_progress", note="Still broken.")
    walk.transition("agent", "propose_solution", "solution_proposed", note="Install 2.4.1.")
    closed = walk.transition("customer", "accept_solution", "closed")

    assert closed["closed_at"] is not None
    assert closed["assignee"] == agent.pk
    assert closed["first_responded_at"] is not None
    assert closed["available_transitions"] == []
    c, a = customer.pk, agent.pk
    assert walk.history() == [
        ("start_work", "new", "work_in_progress", a, "agent"),
        ("request_info", "work_in_progress", "pending_customer", a, "agent"),
        ("customer_reply", "pending_customer", "customer_replied", c, "customer"),
        ("block", "customer_replied", "blocked", a, "agent"),
        ("start_work", "blocked", "work_in_progress", a, "agent"),
        ("propose_solution", "work_in_progress", "solution_proposed", a, "agent"),
        ("reject_solution", "solution_proposed", "work_in_progress", c, "customer"),
        ("propose_solution", "work_in_progress", "solution_proposed", a, "agent"),
        ("accept_solution", "solution_proposed", "closed", c, "customer"),
    ]

    repeat = people["customer"].post(f"/api/cases/{case['id']}/repeat/", {}, format="json")
    assert repeat.status_code == 201
    assert (repeat.json()["status"], repeat.json()["repeat_of"]) == ("new", case["id"])


def test_support_center_from_new_to_closed(people, queues, customer, agent):
    walk, case = open_case(people, queues["support_center"])
    assert case["status"] == "new"

    walk.transition("agent", "start_progress", "in_progress")
    pending = walk.transition("agent", "set_pending", "pending", sub_status="customer_input")
    assert pending["sub_status"] == "customer_input"
    walk.reply("customer", "Here is the screenshot.", "update_received")
    walk.transition("agent", "set_pending", "pending", sub_status="development")
    walk.transition("agent", "start_progress", "in_progress")
    walk.transition("agent", "provide_answer", "awaiting_customer_confirmation", note="Reboot.")
    walk.reply("customer", "Rebooting did not help.", "reopened")
    walk.transition("agent", "provide_answer", "awaiting_customer_confirmation", note="Patch.")
    closed = walk.transition("customer", "confirm", "closed")

    assert closed["sub_status"] is None
    assert closed["closed_at"] is not None
    c, a = customer.pk, agent.pk
    assert walk.history() == [
        ("start_progress", "new", "in_progress", a, "agent"),
        ("set_pending", "in_progress", "pending", a, "agent"),
        ("customer_update", "pending", "update_received", c, "customer"),
        ("set_pending", "update_received", "pending", a, "agent"),
        ("start_progress", "pending", "in_progress", a, "agent"),
        ("provide_answer", "in_progress", "awaiting_customer_confirmation", a, "agent"),
        ("customer_comment", "awaiting_customer_confirmation", "reopened", c, "customer"),
        ("provide_answer", "reopened", "awaiting_customer_confirmation", a, "agent"),
        ("confirm", "awaiting_customer_confirmation", "closed", c, "customer"),
    ]
    conversation = people["customer"].get(f"/api/cases/{case['id']}/comments/").json()
    assert [comment["body"] for comment in conversation] == [
        "Here is the screenshot.",
        "Reboot.",
        "Rebooting did not help.",
        "Patch.",
    ]

    clone = people["agent"].post(f"/api/cases/{case['id']}/repeat/", {}, format="json")
    assert clone.status_code == 201
    assert (clone.json()["requester"], clone.json()["repeat_of"]) == (customer.pk, case["id"])


def test_customer_service_from_new_to_closed_with_survey(people, queues, customer, agent, manager):
    walk, case = open_case(people, queues["customer_service"])
    assert case["status"] == "new"

    assigned = walk.edit("manager", "new", assignee=agent.pk)
    assert assigned["available_transitions"] == ["assign_to_me", "close"]  # the manager's view
    walk.transition("agent", "accept", "open")
    walk.transition("agent", "request_info", "awaiting_info")
    walk.reply("customer", "The order number is 1234.", "open")
    walk.transition("agent", "request_info", "awaiting_info")
    walk.edit("customer", "open", description="Order 1234, paid twice.")
    walk.transition("agent", "request_info", "awaiting_info")
    walk.transition("agent", "open_case", "open")
    resolved = walk.transition("agent", "propose_solution", "resolved", close_notes="Refund 1.")
    assert resolved["close_notes"] == "Refund 1."
    walk.transition("customer", "reject_solution", "open")
    walk.transition("agent", "propose_solution", "resolved", close_notes="Refund issued.")
    closed = walk.transition("customer", "accept_solution", "closed")

    assert closed["close_notes"] == "Refund issued."
    c, a = customer.pk, agent.pk
    assert walk.history() == [
        ("accept", "new", "open", a, "agent"),
        ("request_info", "open", "awaiting_info", a, "agent"),
        ("customer_update", "awaiting_info", "open", c, "customer"),
        ("request_info", "open", "awaiting_info", a, "agent"),
        ("customer_update", "awaiting_info", "open", c, "customer"),
        ("request_info", "open", "awaiting_info", a, "agent"),
        ("open_case", "awaiting_info", "open", a, "agent"),
        ("propose_solution", "open", "resolved", a, "agent"),
        ("reject_solution", "resolved", "open", c, "customer"),
        ("propose_solution", "open", "resolved", a, "agent"),
        ("accept_solution", "resolved", "closed", c, "customer"),
    ]

    survey = people["customer"].post(
        f"/api/cases/{case['id']}/survey/", {"rating": 4, "comment": "Took a while."}, format="json"
    )
    assert survey.status_code == 201
    assert survey.json()["rating"] == 4


def test_release_tracking_from_open_to_closed_through_two_releases(people, queues, customer, agent):
    walk, case = open_case(people, queues["release_tracking"])
    assert case["status"] == "open"
    agents = people["agent"]

    def ship(name):
        release = agents.post(
            "/api/releases/", {"name": name, "queue": queues["release_tracking"].pk}, format="json"
        ).json()
        added = agents.post(
            f"/api/releases/{release['id']}/cases/", {"case": case["id"]}, format="json"
        )
        assert added.json()["cases"] == [case["id"]]
        delivered = agents.post(f"/api/releases/{release['id']}/deliver/")
        assert delivered.status_code == 200
        assert delivered.json()["delivered_at"] is not None

    walk.transition("agent", "assign", "ticket_assigned", assignee=agent.pk)
    walk.transition("agent", "start_investigation", "investigation_underway")
    walk.transition("agent", "request_customer_response", "waiting_for_customer_response")
    walk.reply("customer", "It happens on every export.", "waiting_for_customer_response")
    walk.transition("agent", "send_to_development", "send_to_development")
    walk.transition("agent", "add_to_backlog", "backlog")
    walk.transition("agent", "start_development", "development_in_progress")
    walk.transition("agent", "block", "blocked", note="Waiting for the library fix.")
    walk.transition("agent", "start_development", "development_in_progress")
    walk.transition("agent", "submit_for_testing", "testing_and_verification")
    walk.transition("agent", "mark_done", "done_awaiting_release")
    ship("2026.12.1")
    walk.transition("customer", "reject_solution", "solution_rejected", note="Still crashes.")
    walk.transition("agent", "send_to_development", "send_to_development")
    walk.transition("agent", "start_development", "development_in_progress")
    walk.transition("agent", "submit_for_testing", "testing_and_verification")
    walk.transition("agent", "mark_done", "done_awaiting_release")
    ship("2026.12.2")
    walk.transition("agent", "resolve", "resolved")
    closed = walk.transition("customer", "close", "closed")

    assert closed["available_transitions"] == ["reopen"]
    c, a = customer.pk, agent.pk
    assert walk.history() == [
        ("assign", "open", "ticket_assigned", a, "agent"),
        ("start_investigation", "ticket_assigned", "investigation_underway", a, "agent"),
        (
            "request_customer_response",
            "investigation_underway",
            "waiting_for_customer_response",
            a,
            "agent",
        ),
        ("send_to_development", "waiting_for_customer_response", "send_to_development", a, "agent"),
        ("add_to_backlog", "send_to_development", "backlog", a, "agent"),
        ("start_development", "backlog", "development_in_progress", a, "agent"),
        ("block", "development_in_progress", "blocked", a, "agent"),
        ("start_development", "blocked", "development_in_progress", a, "agent"),
        ("submit_for_testing", "development_in_progress", "testing_and_verification", a, "agent"),
        ("mark_done", "testing_and_verification", "done_awaiting_release", a, "agent"),
        ("deliver_release", "done_awaiting_release", "release_delivered", a, "agent"),
        ("reject_solution", "release_delivered", "solution_rejected", c, "customer"),
        ("send_to_development", "solution_rejected", "send_to_development", a, "agent"),
        ("start_development", "send_to_development", "development_in_progress", a, "agent"),
        ("submit_for_testing", "development_in_progress", "testing_and_verification", a, "agent"),
        ("mark_done", "testing_and_verification", "done_awaiting_release", a, "agent"),
        ("deliver_release", "done_awaiting_release", "release_delivered", a, "agent"),
        ("resolve", "release_delivered", "resolved", a, "agent"),
        ("close", "resolved", "closed", c, "customer"),
    ]
    history = people["customer"].get(f"/api/cases/{case['id']}/history/").json()
    assert next(row for row in history if row["transition"] == "block")["note"] is None
