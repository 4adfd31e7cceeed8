"""The agent's Overview (/agent/overview/): each section's numbers on a small known dataset, who
may see the page, the table the spec names, and a query count that does not grow with the
cases, queues or surveys."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agent.charts import Part, axis_top, grouped_columns, stacked_bar
from agent.overview import duration_in_words, overview_for, overview_key
from cases.models import Case, Survey
from services.cases import case_create
from tests.factories import QueueFactory
from tests.portal.html import parse

URL = reverse("agent:overview")
# Noon on a Sunday in March (UTC); the 30 days run from 14 February to today.
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def stamp(case, **fields):
    """Set a case's times (or sub-status) as if it had lived them; the status itself always
    moves through the workflow (`case_in`)."""
    Case.objects.filter(pk=case.pk).update(**fields)


def created(make_case, when, workflow="technical_support", **fields):
    case = make_case(workflow, now=when)
    if fields:
        stamp(case, **fields)
    return case


def table_rows(table):
    return [
        [cell.text() for cell in row.find_all("td")] for row in table.find("tbody").find_all("tr")
    ]


def table_named(page, caption):
    return next(
        table for table in page.find_all("table") if table.find("caption").text() == caption
    )


# Who may see it -------------------------------------------------------------------------


def test_signed_out_visitors_sign_in_first(browser, db):
    response = browser().get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_customers_are_sent_to_the_portal(browser, customer):
    response = browser(customer).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:cases")


def test_agents_and_managers_get_the_page(browser, agent, manager):
    for user in (agent, manager):
        response = browser(user).get(URL)
        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("h1").text() == "Overview"
        assert page.find("a", href=URL).attrs["aria-current"] == "page"


# 1. Open cases by status ----------------------------------------------------------------


def test_open_cases_are_counted_per_queue_and_status_with_their_labels(agent, case_in):
    case_in("technical_support")
    case_in("technical_support")
    case_in("technical_support", "work_in_progress")
    case_in("technical_support", "closed")
    case_in("support_center", "pending")  # sub-status customer_input: waits on the customer
    stamp(case_in("support_center", "pending"), sub_status="development")

    queues = overview_for(agent).open_by_status

    assert [queue.queue for queue in queues] == ["support_center", "technical_support"]
    support_center, technical_support = queues
    assert [(s.label, s.cases) for s in technical_support.statuses] == [
        ("New", 2),
        ("Work in Progress", 1),
    ]
    assert technical_support.total == 3
    (pending,) = support_center.statuses
    assert (pending.label, pending.cases, pending.waiting_on) == ("Pending", 2, "support")
    assert dict(pending.by_side) == {"support": 1, "customer": 1}


def test_the_table_open_cases_by_status_has_a_row_per_queue_and_status(desk, case_in):
    case_in("technical_support")
    case_in("technical_support", "work_in_progress")
    case_in("customer_service", "awaiting_info")

    page = parse(desk.get(URL).content)
    table = table_named(page, "Open cases by status")

    assert [th.text() for th in table.find("thead").find_all("th")] == ["Queue", "Status", "Cases"]
    assert table_rows(table) == [
        ["customer_service", "Awaiting Info", "1"],
        ["technical_support", "New", "1"],
        ["technical_support", "Work in Progress", "1"],
    ]
    assert not any(ancestor.tag == "details" for ancestor in table.ancestors())
    region = page.region("Open cases by status")
    summaries = [svg.attrs["aria-label"] for svg in region.find_all("svg", role="img")]
    assert summaries == [
        "customer_service: 1 case open, 1 waiting on customer.",
        "technical_support: 2 cases open, 2 waiting on support.",
    ]


def test_deleted_cases_are_not_counted_even_for_a_manager(manager, case_in, frozen):
    kept = case_in("technical_support")
    gone = case_in("technical_support")
    stamp(kept, first_responded_at=NOW)
    stamp(gone, deleted_at=NOW, first_responded_at=NOW)
    Survey.objects.create(case=gone, respondent=gone.requester, rating=1)

    numbers = overview_for(manager)

    assert [queue.total for queue in numbers.open_by_status] == [1]
    assert numbers.days[-1].created == 1
    assert [row.created for row in numbers.first_response] == [1]
    assert sum(bucket.cases for bucket in numbers.backlog) == 1
    assert numbers.satisfaction.surveys == 0


# 2. Created vs closed per day -----------------------------------------------------------


def test_created_and_closed_are_counted_per_day_with_the_empty_days(agent, make_case, frozen):
    created(make_case, NOW)
    created(make_case, NOW - timedelta(days=2))
    created(make_case, NOW - timedelta(days=2, hours=3))
    # The first day of the 30 from its midnight; the day before is out.
    created(make_case, datetime(2026, 2, 14, 0, 0, tzinfo=UTC))
    created(make_case, datetime(2026, 2, 13, 23, 59, tzinfo=UTC))
    created(make_case, NOW - timedelta(days=40), closed_at=NOW - timedelta(days=3))
    created(make_case, NOW - timedelta(days=40), closed_at=NOW - timedelta(minutes=5))

    days = overview_for(agent).days

    assert len(days) == 30
    assert (days[0].day, days[-1].day) == (date(2026, 2, 14), TODAY)
    counts = {day.day: (day.created, day.closed) for day in days}
    assert counts[TODAY] == (1, 1)
    assert counts[date(2026, 3, 13)] == (2, 0)
    assert counts[date(2026, 3, 12)] == (0, 1)
    assert counts[date(2026, 2, 14)] == (1, 0)
    assert counts[date(2026, 3, 14)] == (0, 0)
    assert sum(day.created for day in days) == 4
    assert sum(1 for day in days if (day.created, day.closed) == (0, 0)) == 26


def test_the_days_follow_the_current_time_zone(agent, make_case, frozen):
    # 02:00 UTC on 15 March is still 14 March in New York.
    created(make_case, datetime(2026, 3, 15, 2, 0, tzinfo=UTC))
    with timezone.override("America/New_York"):
        days = overview_for(agent).days
    counts = {day.day: day.created for day in days}
    assert counts[date(2026, 3, 14)] == 1
    assert counts[TODAY] == 0


def test_the_days_table_lists_every_day_today_first(desk, make_case, frozen):
    created(make_case, NOW - timedelta(days=1))
    page = parse(desk.get(URL).content)
    region = page.region("Created vs closed per day, last 30 days")
    rows = table_rows(table_named(region, "Cases created and closed per day"))
    assert len(rows) == 30
    assert rows[0] == ["Sun 15 March", "0", "0"]
    assert rows[1] == ["Sat 14 March", "1", "0"]
    assert (
        region.find("svg", role="img")
        .attrs["aria-label"]
        .startswith(
            "Cases created and closed per day from 14 February to 15 March: 1 created, 0 closed"
        )
    )


# 3. First response ----------------------------------------------------------------------


def answered(make_case, workflow, minutes, **fields):
    when = NOW - timedelta(days=1)
    return created(
        make_case,
        when,
        workflow,
        first_responded_at=when + timedelta(minutes=minutes),
        **fields,
    )


def test_breaches_and_the_median_per_queue(agent, make_case, frozen):
    # technical_support: three answered (10, 30 and 20 min: median 20 min), one answered after
    # its due time, one stamped by the sweep, one overdue not yet stamped, one not yet due.
    for minutes in (10, 30, 20):
        answered(make_case, "technical_support", minutes)
    due = NOW - timedelta(days=1, hours=-1)
    answered(make_case, "technical_support", 24 * 60, first_response_due_at=due)
    created(
        make_case,
        NOW - timedelta(days=2),
        first_response_due_at=NOW + timedelta(hours=1),
        first_response_breached_at=NOW - timedelta(days=1),
    )
    created(make_case, NOW - timedelta(days=2), first_response_due_at=NOW - timedelta(hours=1))
    created(make_case, NOW - timedelta(hours=1))
    # support_center: four answered (10, 20, 40, 50 min: median 30 min).
    for minutes in (50, 10, 40, 20):
        answered(make_case, "support_center", minutes)
    # Created before the 30 days: not counted.
    created(make_case, NOW - timedelta(days=45), first_responded_at=NOW - timedelta(days=44))

    rows = {row.queue: row for row in overview_for(agent).first_response}

    technical = rows["technical_support"]
    assert (technical.created, technical.breached, technical.in_time, technical.waiting) == (
        7,
        3,
        3,
        1,
    )
    # The late answer counts in the median too: 10, 20, 30 and 1440 min.
    assert technical.median == timedelta(minutes=25)
    center = rows["support_center"]
    assert (center.created, center.breached, center.in_time) == (4, 0, 4)
    assert center.median == timedelta(minutes=30)
    assert set(rows) == {"technical_support", "support_center"}


def test_the_median_of_an_odd_count_is_the_middle_one(agent, make_case, frozen):
    for minutes in (130, 10, 500, 45, 70):
        answered(make_case, "customer_service", minutes)
    (row,) = overview_for(agent).first_response
    assert row.median == timedelta(minutes=70)
    assert row.median_text == "1 h 10 min"


def test_a_queue_with_no_answer_yet_has_no_median(agent, make_case, desk, frozen):
    created(make_case, NOW - timedelta(hours=2))
    (row,) = overview_for(agent).first_response
    assert row.median is None
    region = parse(desk.get(URL).content).region("First response, last 30 days")
    rows = table_rows(table_named(region, "First response per queue, last 30 days"))
    assert rows == [["technical_support", "1", "0", "0", "No first response yet"]]


def test_the_first_response_table_shows_the_median_in_words(desk, make_case, frozen):
    answered(make_case, "technical_support", 130)
    answered(make_case, "technical_support", 130, first_response_breached_at=NOW)
    region = parse(desk.get(URL).content).region("First response, last 30 days")
    rows = table_rows(table_named(region, "First response per queue, last 30 days"))
    assert rows == [["technical_support", "2", "1", "1", "2 h 10 min"]]
    assert region.find("span", class_="chart-bars__value").text() == "1 of 2 breached"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(seconds=20), "under 1 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=2, minutes=10, seconds=59), "2 h 10 min"),
        (timedelta(days=1, hours=3), "1 day 3 h"),
        (timedelta(days=2, minutes=5), "2 days"),
    ],
)
def test_durations_read_in_words(value, words):
    assert duration_in_words(value) == words


# 4. Age of the open backlog -------------------------------------------------------------


def test_open_cases_fall_in_their_age_bucket_bounds_to_the_older(agent, make_case, case_in):
    for age in (
        timedelta(hours=23, minutes=59),  # under 1 day
        timedelta(days=1),  # 1-3 days
        timedelta(days=2),
        timedelta(days=3),  # 3-7 days
        timedelta(days=7),  # 7-30 days
        timedelta(days=29, hours=23),
        timedelta(days=30),  # over 30 days
        timedelta(days=400),
    ):
        created(make_case, NOW - age)
    closed = case_in("technical_support", "closed")
    stamp(closed, created_at=NOW - timedelta(days=5))

    buckets = overview_for(agent, now=NOW).backlog

    assert [(bucket.label, bucket.cases) for bucket in buckets] == [
        ("Under 1 day", 1),
        ("1\N{EN DASH}3 days", 2),
        ("3\N{EN DASH}7 days", 1),
        ("7\N{EN DASH}30 days", 2),
        ("Over 30 days", 2),
    ]


# 5. Satisfaction ------------------------------------------------------------------------


def test_satisfaction_average_and_distribution(agent, customer, make_case, desk, frozen):
    for rating in (5, 4, 4, 2):
        Survey.objects.create(
            case=make_case("customer_service"), respondent=customer, rating=rating
        )
    old = Survey.objects.create(case=make_case("customer_service"), respondent=customer, rating=1)
    Survey.objects.filter(pk=old.pk).update(created_at=NOW - timedelta(days=31))

    numbers = overview_for(agent).satisfaction

    assert numbers.surveys == 4
    assert numbers.average == pytest.approx(3.75)
    assert numbers.ratings == ((5, 1), (4, 2), (3, 0), (2, 1), (1, 0))
    region = parse(desk.get(URL).content).region("Satisfaction, last 30 days")
    assert region.find("span", class_="overview__score-value").text() == "3.8"
    table = table_named(region, "Surveys per rating, last 30 days (average 3.75)")
    assert table_rows(table) == [["5", "1"], ["4", "2"], ["3", "0"], ["2", "1"], ["1", "0"]]


# A fresh install ------------------------------------------------------------------------


def test_a_fresh_install_shows_an_empty_state_in_every_section(desk):
    page = parse(desk.get(URL).content)
    for name, empty in (
        ("Open cases by status", "No open cases"),
        ("Created vs closed per day, last 30 days", "No cases created or closed in the last"),
        ("First response, last 30 days", "No cases created in the last 30 days"),
        ("Age of the open backlog", "No open backlog"),
        ("Satisfaction, last 30 days", "No surveys in the last 30 days"),
    ):
        region = page.region(name)
        assert empty in region.find(class_="empty").text()
        assert not region.exists("svg")
        assert not region.exists("table")


def test_every_chart_is_an_image_with_a_name_and_no_inline_style(desk, case_in, customer):
    case = case_in("customer_service", "resolved")
    Survey.objects.create(case=case, respondent=customer, rating=5)
    content = desk.get(URL).content.decode()
    page = parse(content)
    svgs = page.find_all("svg")
    assert len(svgs) >= 5
    for svg in svgs:
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-label"]
    assert "style=" not in content
    assert "<style" not in content
    assert "<script>" not in content


# Chart geometry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 2), (1, 2), (2, 2), (3, 4), (7, 10), (10, 10), (11, 20), (41, 100)]
)
def test_the_value_axis_ends_on_a_round_number_with_a_round_half(largest, top):
    assert axis_top(largest) == top


def test_a_stacked_bar_lays_its_parts_end_to_end_against_the_longest_bar():
    row = stacked_bar(
        "Queue",
        [Part(2, "support", "a"), Part(0, "customer", "b"), Part(1, "customer", "c")],
        4,
        value="3",
        summary="Queue: 3",
    )
    assert [(s.x, s.width, s.tone) for s in row.segments] == [
        (0, 50, "support"),
        (50, 25, "customer"),
    ]
    assert stacked_bar("Empty", [Part(0, "support", "")], 0, value="0", summary="").segments == ()


def test_grouped_columns_stand_on_the_axis_from_zero():
    chart = grouped_columns(
        [("day 1", "1 Mar", False, (3, 0)), ("day 2", "", True, (1, 4))],
        ("created", "closed"),
        legend=(),
        summary="",
    )
    assert chart.axis == ("4", "2", "0")
    assert chart.width == 20
    first, second = chart.groups
    assert [(c.x, c.y, c.height, c.tone) for c in first.columns] == [(1, 25, 75, "created")]
    assert [(c.x, c.y, c.height) for c in second.columns] == [(11, 75, 25), (15, 0, 100)]


# Queries --------------------------------------------------------------------------------


def test_the_overview_itself_is_eight_queries(agent, django_assert_num_queries):
    with django_assert_num_queries(8):
        overview_for(agent)


def test_the_page_runs_as_many_queries_for_many_cases_as_for_few(
    desk, agent, make_case, customer, queues, django_assert_num_queries, frozen
):
    created(make_case, NOW - timedelta(days=1), first_responded_at=NOW)
    with CaptureQueriesContext(connection) as few:
        assert desk.get(URL).status_code == 200

    extra = [QueueFactory(name=f"Extra {n}", workflow="support_center") for n in range(4)]
    for index in range(36):
        queue = (extra + list(queues.values()))[index % 8]
        case = case_create(
            actor=customer,
            queue=queue,
            subject=f"Case {index}",
            now=NOW - timedelta(days=index, hours=index),
        )
        stamp(
            case,
            first_responded_at=NOW - timedelta(days=index) if index % 3 else None,
            closed_at=NOW - timedelta(days=index % 5) if index % 4 == 0 else None,
        )
        if index % 2:
            Survey.objects.create(case=case, respondent=customer, rating=1 + index % 5)

    # The page shows a minute-old overview otherwise (see below); the session stays cached.
    cache.delete(overview_key(agent))
    with django_assert_num_queries(len(few)):
        response = desk.get(URL)
    assert response.status_code == 200
    page = parse(response.content)
    assert len(table_rows(table_named(page, "Open cases by status"))) == 8


def test_the_overview_is_computed_at_most_once_a_minute(desk, make_case, frozen):
    """Its aggregates read every open case (about a second at a million): one reader a minute
    pays for them, the others get the same figures, "As of" when they were taken."""
    make_case("technical_support")
    first = desk.get(URL)
    make_case("technical_support")
    with CaptureQueriesContext(connection) as again:
        second = desk.get(URL)
    with time_machine.travel(NOW + timedelta(minutes=1, seconds=1), tick=False):
        later = desk.get(URL)

    def counted(response):
        return [
            cells[2]
            for cells in table_rows(table_named(parse(response.content), "Open cases by status"))
        ]

    assert counted(first) == counted(second) == ["1"]
    assert len(again) < 8
    assert counted(later) == ["2"]
