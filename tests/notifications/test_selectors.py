"""A case's notifications, for support staff: every kind, however the case was read."""

import pytest

from cases.errors import Forbidden
from cases.models import Case
from notifications.selectors import notifications_of_case
from tests.workflows.walking import walk_to
from workflows.timers import with_upcoming


@pytest.mark.django_db
def test_every_kind_is_listed_even_for_a_case_read_with_its_timers(make_case, cast, agent):
    case = walk_to(make_case("technical_support"), "solution_proposed", cast)
    read_with_timers = with_upcoming(Case.objects.filter(pk=case.pk)).get()
    list(read_with_timers.notifications.all())  # the prefetch holds the timers' kinds only

    kinds = {row.kind for row in notifications_of_case(agent, read_with_timers)}
    plain = {row.kind for row in notifications_of_case(agent, case)}

    assert "solution_proposed" in kinds
    assert kinds == plain


@pytest.mark.django_db
def test_customers_are_refused(make_case, customer):
    with pytest.raises(Forbidden):
        notifications_of_case(customer, make_case("technical_support"))
