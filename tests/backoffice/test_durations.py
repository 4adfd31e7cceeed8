"""Durations in days and hours: shown in words, typed as two numbers, kept to the minute."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backoffice.durations import DaysHoursField, DaysHoursWidget, days_and_hours, in_words


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(days=14), "14 days"),
        (timedelta(hours=8), "8 hours"),
        (timedelta(days=1, hours=12), "1 day 12 hours"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(0), "0 minutes"),
        (None, ""),
    ],
)
def test_a_duration_in_words(duration, words):
    assert in_words(duration) == words


@pytest.mark.parametrize(
    ("duration", "pair"),
    [
        (timedelta(days=14), (14, Decimal(0))),
        (timedelta(days=1, hours=12), (1, Decimal(12))),
        (timedelta(minutes=30), (0, Decimal("0.5"))),
        (timedelta(hours=10), (0, Decimal(10))),
    ],
)
def test_a_duration_as_days_and_hours(duration, pair):
    assert days_and_hours(duration) == pair


def test_a_duration_shown_and_saved_again_stays_what_it_was():
    field = DaysHoursField()
    for minutes in (20, 50, 61, 1439, 10_000):
        duration = timedelta(minutes=minutes)
        days, hours = days_and_hours(duration)
        assert field.clean([str(days), str(hours)]) == duration, minutes


def test_the_widget_draws_two_labelled_number_inputs():
    html = DaysHoursWidget().render("timer", timedelta(days=2, hours=3), {"id": "id_timer"})
    assert '<input type="number" name="timer_0" value="2"' in html
    assert '<input type="number" name="timer_1" value="3"' in html
    assert '<label class="days-hours-unit" for="id_timer_0">days</label>' in html
    assert '<label class="days-hours-unit" for="id_timer_1">hours</label>' in html
    # The field's own label names the days input.
    assert DaysHoursWidget().id_for_label("id_timer") == "id_timer_0"


def test_bounds_are_said_in_words():
    field = DaysHoursField(minimum=timedelta(hours=1), maximum=timedelta(days=2))
    with pytest.raises(ValidationError, match="At least 1 hour"):
        field.clean(["0", "0.5"])
    with pytest.raises(ValidationError, match="At most 2 days"):
        field.clean(["2", "1"])
    with pytest.raises(ValidationError, match="At most 2 days"):
        field.clean(["99999999999999", "0"])
