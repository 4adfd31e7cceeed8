"""The `web` template tags: times, people and status pills."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import engines
from django.utils import timezone

from tests.factories import UserFactory

NOW = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)


def render(source, **context):
    return engines["django"].from_string("{% load web %}" + source).render(context)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (NOW - timedelta(seconds=20), "just now"),
        (NOW - timedelta(minutes=1), "1 minute ago"),
        (NOW - timedelta(minutes=59), "59 minutes ago"),
        (NOW - timedelta(hours=2, minutes=10), "2 hours ago"),
        (NOW - timedelta(days=1), "1 day ago"),
        (NOW - timedelta(days=6, hours=23), "6 days ago"),
        (NOW + timedelta(hours=3, minutes=1), "in 3 hours"),
        (NOW + timedelta(days=2), "in 2 days"),
    ],
)
def test_recent_times_read_relative_with_the_exact_time_as_title(moment, words):
    html = render("{% time at %}", at=moment)

    iso = moment.isoformat().replace("+00:00", "Z")
    exact = f"{moment:%-d %B %Y, %H:%M} UTC"
    assert html == f'<time datetime="{iso}" title="{exact}" data-relative>{words}</time>'


@pytest.mark.usefixtures("frozen")
def test_times_more_than_a_week_away_read_as_a_date():
    past = NOW - timedelta(days=8)
    future = NOW + timedelta(days=14)

    assert render("{% time at %}", at=past) == (
        '<time datetime="2026-11-23T14:05:00Z" title="23 November 2026, 14:05 UTC">'
        "23 November 2026</time>"
    )
    assert ">15 December 2026</time>" in render("{% time at %}", at=future)


@pytest.mark.usefixtures("frozen")
def test_times_can_be_asked_for_as_a_date_or_a_date_and_time():
    at = NOW + timedelta(days=2)

    assert render('{% time at "date" %}', at=at).endswith(">3 December 2026</time>")
    assert render('{% time at "datetime" %}', at=at).endswith(">3 December 2026, 14:05 UTC</time>")
    assert "data-relative" not in render('{% time at "date" %}', at=at)


@pytest.mark.usefixtures("frozen")
def test_times_are_shown_in_the_readers_time_zone_and_name_it():
    with timezone.override("Europe/Berlin"):
        html = render('{% time at "datetime" %}', at=NOW)

    assert html == (
        '<time datetime="2026-12-01T14:05:00Z" title="1 December 2026, 15:05 CET">'
        "1 December 2026, 15:05 CET</time>"
    )


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("America/New_York", "1 December 2026, 09:05 EST"),
        ("Asia/Dubai", "1 December 2026, 18:05 UTC+4"),
        ("Asia/Kathmandu", "1 December 2026, 19:50 UTC+5:45"),
        ("America/Sao_Paulo", "1 December 2026, 11:05 UTC-3"),
    ],
)
def test_a_zone_without_an_abbreviation_is_named_by_its_offset(zone, words):
    with timezone.override(zone):
        html = render('{% time at "datetime" %}', at=NOW)

    assert html.endswith(f'title="{words}">{words}</time>')


@pytest.mark.usefixtures("frozen")
def test_the_same_moment_reads_in_each_readers_own_zone_one_after_the_other():
    """Formatted times are kept (a list repeats the same minutes): never one reader's wall clock
    for another's, although both are the same instant."""
    with timezone.override("Europe/Berlin"):
        berlin = render('{% time at "datetime" %}', at=NOW)
    with timezone.override("Asia/Tokyo"):
        tokyo = render('{% time at "datetime" %} {% time at "date" %}', at=NOW)

    assert berlin.endswith(">1 December 2026, 15:05 CET</time>")
    assert ">1 December 2026, 23:05 JST</time> " in tokyo


@pytest.mark.usefixtures("frozen")
def test_a_date_is_the_day_in_the_readers_zone():
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)

    with timezone.override("Asia/Tokyo"):
        html = render('{% time at "date" %}', at=late)

    assert html.endswith(' title="2 December 2026, 08:30 JST">2 December 2026</time>')


def test_no_time_renders_nothing():
    assert render("{% time at %}", at=None) == ""


@pytest.mark.django_db
def test_people_are_shown_by_full_name():
    user = UserFactory.build(username="alice", first_name="Alice", last_name="Archer")

    assert render("{{ user|person }}", user=user) == "Alice Archer"


@pytest.mark.django_db
def test_people_without_a_name_are_shown_by_username():
    assert render("{{ user|person }}", user=UserFactory.build(username="alice")) == "alice"


def test_nobody_is_shown_as_nothing():
    assert render("{{ user|person }}", user=None) == ""


def test_person_names_are_escaped():
    user = UserFactory.build(username="x", first_name="<b>Eve</b>")

    assert render("{{ user|person }}", user=user) == "&lt;b&gt;Eve&lt;/b&gt;"


@pytest.mark.parametrize(
    ("waiting_on", "variant"),
    [("customer", "pill--customer"), ("support", "pill--support"), (None, "pill--closed")],
)
def test_the_status_pill_is_coloured_by_who_holds_the_next_move(waiting_on, variant):
    html = render('{% status_pill "Pending" "Customer input" side %}', side=waiting_on)

    assert html.strip() == (
        f'<span class="pill {variant}"><span class="pill__status">Pending</span> '
        '<span class="pill__sub">Customer input</span></span>'
    )


def test_a_breach_takes_the_warning_colour_and_keeps_the_words():
    html = render('{% status_pill "New" "" "support" True %}')

    assert (
        html.strip()
        == '<span class="pill pill--breach"><span class="pill__status">New</span></span>'
    )
