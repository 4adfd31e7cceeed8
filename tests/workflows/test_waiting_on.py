"""Who a case waits on: each workflow module's declaration, as `workflows.metadata` tells it, held
to an independent copy of ui.md's table; and the queryset helper behind the "Waiting on you",
"Needs response" and "Waiting on customer" lists."""

import re

import pytest

from cases.models import Case
from tests.workflows.spec_tables import TABLES
from tests.workflows.waiting_tables import WAITING_ON, side_of
from tests.workflows.walking import reload, walk_to
from workflows.declarations import ON_CUSTOMER, ON_NOBODY, ON_SUPPORT, Definition
from workflows.metadata import case_wait, cases_waiting_on, describe, waiting_on_q
from workflows.transitions import perform_transition

EVERY_STATUS = [
    (workflow, status) for workflow, table in TABLES.items() for status in table.status_keys
]
EVERY_ENTRY = [(workflow, entry) for workflow, table in WAITING_ON.items() for entry in table]
PENDING_SUB_STATUSES = [key for key, _ in TABLES["support_center"].sub_statuses["pending"]]


def _split(entry):
    return entry if isinstance(entry, tuple) else (entry, "")


def test_the_copy_of_the_table_names_every_status_of_every_workflow():
    named = {(workflow, _split(entry)[0]) for workflow, entry in EVERY_ENTRY}

    assert named == set(EVERY_STATUS)


@pytest.mark.parametrize(("workflow", "entry"), EVERY_ENTRY)
def test_each_status_waits_on_the_side_of_the_ui_table(workflow, entry):
    status, sub_status = _split(entry)
    side, shown_as = WAITING_ON[workflow][entry]
    info = describe(workflow)

    actual = (info.waiting_on(status, sub_status), info.waiting_shown_as(status, sub_status))

    assert actual == (side, shown_as)


@pytest.mark.parametrize("workflow", list(TABLES))
def test_a_closed_case_waits_on_nobody(workflow):
    assert describe(workflow).waiting_on("closed") is None


@pytest.mark.parametrize("sub_status", PENDING_SUB_STATUSES)
def test_pending_in_support_center_waits_on_whom_its_sub_status_names(sub_status):
    info = describe("support_center")

    assert info.waiting_on("pending", sub_status) == (
        "customer" if sub_status == "customer_input" else "support"
    )


def test_a_case_waits_on_the_side_of_its_status_and_sub_status(make_case, cast, agent):
    case = walk_to(make_case("support_center"), "in_progress", cast)
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    wait = case_wait(reload(case))

    assert (wait.side, wait.shown_as) == ("support", "Development")


def test_a_workflow_that_leaves_a_status_out_is_refused():
    with pytest.raises(ValueError, match="every status"):
        Definition(
            key="kanban",
            name="Kanban",
            statuses=(("todo", "To do"), ("closed", "Closed")),
            initial="todo",
            waiting_on={"closed": ON_NOBODY},
        )


def test_a_workflow_whose_closed_status_waits_on_someone_is_refused():
    with pytest.raises(ValueError, match="nobody"):
        Definition(
            key="kanban",
            name="Kanban",
            statuses=(("todo", "To do"), ("closed", "Closed")),
            initial="todo",
            waiting_on={"todo": ON_SUPPORT, "closed": ON_CUSTOMER},
        )


def test_a_workflow_that_leaves_a_sub_status_out_is_refused():
    with pytest.raises(ValueError, match="every sub-status"):
        Definition(
            key="kanban",
            name="Kanban",
            statuses=(("todo", "To do"), ("closed", "Closed")),
            initial="todo",
            sub_statuses={"todo": (("soon", "Soon"), ("later", "Later"))},
            waiting_on={"todo": ON_SUPPORT, "closed": ON_NOBODY},
            sub_status_waiting_on={"todo": {"soon": ON_CUSTOMER}},
        )


@pytest.fixture
def one_case_per_wait(make_case, cast, agent):
    """A case in every status of every workflow, and one pending case per sub-status of
    support_center; each with the side the ui table gives it."""
    made = {}
    for workflow, status in EVERY_STATUS:
        case = walk_to(make_case(workflow), status, cast)
        made[case.pk] = side_of(workflow, case.status, case.sub_status)
    for sub_status in PENDING_SUB_STATUSES:
        case = walk_to(make_case("support_center"), "in_progress", cast)
        perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status=sub_status)
        made[case.pk] = side_of("support_center", "pending", sub_status)
    return made


@pytest.mark.parametrize("side", ["customer", "support", None])
def test_the_queryset_helper_selects_exactly_the_cases_waiting_on_a_side(one_case_per_wait, side):
    expected = {pk for pk, waits_on in one_case_per_wait.items() if waits_on == side}

    selected = set(cases_waiting_on(Case.objects.all(), side).values_list("pk", flat=True))

    assert selected == expected


def test_the_queryset_helper_agrees_with_each_case(one_case_per_wait):
    for case in Case.objects.all():
        assert Case.objects.filter(waiting_on_q(case_wait(case).side), pk=case.pk).exists()


def test_the_queryset_helper_filters_on_workflow_and_status_columns():
    """Built from (workflow, status[, sub_status]) pairs, which the case indexes serve."""
    sql = str(Case.objects.filter(waiting_on_q("customer")).order_by().query)
    where = sql.split(" WHERE ", 1)[1]

    columns = set(re.findall(r'"cases_case"\."(\w+)"', where))

    assert columns == {"workflow", "status", "sub_status"}


def test_a_workflow_that_does_not_say_what_a_status_means_is_refused():
    with pytest.raises(ValueError, match="what every status means"):
        Definition(
            key="kanban",
            name="Kanban",
            statuses=(("todo", "To do"), ("closed", "Closed")),
            initial="todo",
            waiting_on={"todo": ON_SUPPORT, "closed": ON_NOBODY},
            meanings={"todo": "Someone will do it."},
        )
