"""The numbers of the agent's Overview (/agent/overview/), as plain dataclasses.

Every section is one or two SQL aggregates over the cases the reader may see (live ones only,
`agent.access.workspace_cases`), so the page runs the same number of queries for ten cases or a
million. Labels come from the workflows' own declarations (`workflows.metadata`), and "open"
means what the case lists mean by it (`workflows.metadata.closed_cases`). `agent.charts` draws
them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agent.access import workspace_cases
from cases.models import Case, Queue, Survey, User
from cases.roles import role_of
from workflows.metadata import closed_cases, describe

PERIOD_DAYS = 30
RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Period:
    """The last 30 days as the calendar of the current time zone has them: today and the 29 days
    before it, from midnight of the first. Every "last 30 days" of the page is this one window,
    so the sections agree with one another."""

    days: tuple[date, ...]
    start: datetime
    end: datetime
    now: datetime


def last_days(now: datetime, count: int = PERIOD_DAYS) -> Period:
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    days = tuple(today - timedelta(days=back) for back in range(count - 1, -1, -1))
    start = timezone.make_aware(datetime.combine(days[0], time.min), zone)
    end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    return Period(days=days, start=start, end=end, now=now)


# 1. Open cases by status ------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    """The open cases of one queue in one status. `waiting_on` is the side the status itself
    waits on (its pill); `by_side` splits the count where a sub-status changes the side (Support
    Center's Pending waits on the customer for their input, on support otherwise)."""

    status: str
    label: str
    waiting_on: str | None
    cases: int
    by_side: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True)
class QueueStatuses:
    queue: str
    statuses: tuple[StatusCount, ...]

    @property
    def total(self) -> int:
        return sum(status.cases for status in self.statuses)


def open_by_status(cases: QuerySet[Case]) -> list[QueueStatuses]:
    """Open cases per queue and status (statuses in their workflow's order), in one query."""
    # Grouped by the queue's id alone, its name read apart: with the name in the GROUP BY,
    # PostgreSQL sorted every open case (on disk, at a million) instead of hashing a few groups.
    rows = (
        cases.exclude(closed_cases())
        .values("queue_id", "workflow", "status", "sub_status")
        .annotate(cases=Count("id"))
        .order_by()
    )
    names = dict(Queue.objects.values_list("id", "name"))
    # queue -> (workflow, status) -> side -> cases, the queues by name.
    queues: dict[tuple[int, str], dict[tuple[str, str], dict[str | None, int]]] = {}
    for row in sorted(rows, key=lambda row: (names.get(row["queue_id"], ""), row["queue_id"])):
        info = describe(row["workflow"])
        side = info.waiting_on(row["status"], row["sub_status"])
        statuses = queues.setdefault((row["queue_id"], names.get(row["queue_id"], "")), {})
        sides = statuses.setdefault((row["workflow"], row["status"]), defaultdict(int))
        sides[side] += row["cases"]
    result = []
    for (_queue_id, name), statuses in queues.items():
        counts = []
        for (workflow, status), sides in statuses.items():
            info = describe(workflow)
            counts.append(
                StatusCount(
                    status=status,
                    label=info.label(status),
                    waiting_on=info.waiting_on(status),
                    cases=sum(sides.values()),
                    by_side=tuple(sorted(sides.items(), key=lambda item: side_rank(item[0]))),
                )
            )
        order = {key: index for index, (key, _label) in enumerate(_statuses_of(statuses))}
        counts.sort(key=lambda count: order.get(count.status, len(order)))
        result.append(QueueStatuses(queue=name, statuses=tuple(counts)))
    return result


def _statuses_of(statuses: dict[tuple[str, str], dict[str | None, int]]) -> list[tuple[str, str]]:
    """The declared statuses of the workflows a queue's cases run on (one, unless the queue
    changed its workflow while cases were open)."""
    declared: list[tuple[str, str]] = []
    for workflow in dict.fromkeys(workflow for workflow, _status in statuses):
        declared.extend(describe(workflow).statuses)
    return declared


def side_rank(side: str | None) -> int:
    """Support first, then the customer, then nobody: charts and tables start with what the
    team has to do."""
    return {"support": 0, "customer": 1}.get(side or "", 2)


# 2. Created vs closed per day -----------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    created: int
    closed: int


def created_and_closed(cases: QuerySet[Case], period: Period) -> list[DayCount]:
    """Cases created and cases closed (`closed_at`) on each day of the period, days with
    neither included: two grouped queries, the days filled in here."""
    zone = timezone.get_current_timezone()
    created = _per_day(cases, "created_at", period, zone)
    closed = _per_day(cases, "closed_at", period, zone)
    return [
        DayCount(day=day, created=created.get(day, 0), closed=closed.get(day, 0))
        for day in period.days
    ]


def _per_day(cases: QuerySet[Case], field: str, period: Period, zone: tzinfo) -> dict[date, int]:
    rows = (
        cases.filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
        .annotate(day=TruncDate(field, tzinfo=zone))
        .values("day")
        .annotate(cases=Count("id"))
        .order_by()
    )
    return {row["day"]: row["cases"] for row in rows}


# 3. First response ----------------------------------------------------------------------


@dataclass(frozen=True)
class FirstResponseRow:
    """One queue's cases created in the period and how their First Response milestone went:
    `breached` (stamped by the sweep, answered after the due time, or overdue and still
    unanswered), `in_time` (answered before it was due), the rest still waiting and not yet due.
    `median` is the median time to the first response of the answered ones."""

    queue: str
    created: int
    breached: int
    in_time: int
    median: timedelta | None

    @property
    def waiting(self) -> int:
        return self.created - self.breached - self.in_time

    @property
    def median_text(self) -> str:
        return duration_in_words(self.median) if self.median is not None else ""


def breached_q(now: datetime) -> Q:
    """The First Response milestone missed, whether or not the sweep has stamped it yet."""
    return (
        Q(first_response_breached_at__isnull=False)
        | Q(first_responded_at__gt=F("first_response_due_at"))
        | Q(first_responded_at__isnull=True, first_response_due_at__lte=now)
    )


def first_responses(cases: QuerySet[Case], period: Period) -> list[FirstResponseRow]:
    """Per queue, over the cases created in the period: the breaches (one grouped query) and the
    median time to first response (one query with window functions)."""
    created = cases.filter(created_at__gte=period.start, created_at__lt=period.end)
    answered = Q(first_responded_at__isnull=False)
    breached = breached_q(period.now)
    rows = (
        created.values("queue_id", "queue__name")
        .annotate(
            created=Count("id"),
            breached=Count("id", filter=breached),
            answered=Count("id", filter=answered),
            answered_breached=Count("id", filter=answered & breached),
        )
        .order_by("queue__name", "queue_id")
    )
    medians = median_first_response(created)
    return [
        FirstResponseRow(
            queue=row["queue__name"],
            created=row["created"],
            breached=row["breached"],
            in_time=row["answered"] - row["answered_breached"],
            median=medians.get(row["queue_id"]),
        )
        for row in rows
    ]


def median_first_response(cases: QuerySet[Case]) -> dict[int, timedelta]:
    """The median of first_responded_at - created_at per queue id, in one query on SQLite and
    PostgreSQL alike (neither shares a median aggregate with the other): number the answered
    cases of each queue by their wait, count them, and keep only the middle row (odd count) or
    the two middle rows (even count), whose mean is the median."""
    wait = ExpressionWrapper(
        F("first_responded_at") - F("created_at"), output_field=DurationField()
    )
    middle = (
        cases.filter(first_responded_at__isnull=False)
        .annotate(
            wait=wait,
            position=Window(
                RowNumber(), partition_by=[F("queue_id")], order_by=[wait.asc(), F("id").asc()]
            ),
            answered=Window(Count("id"), partition_by=[F("queue_id")]),
        )
        # Rows (n + 1) // 2 to (n + 2) // 2: the middle one of 5 (3 to 3), two of 4 (2 to 3).
        .filter(position__gte=(F("answered") + 1) / 2, position__lte=(F("answered") + 2) / 2)
        .order_by()
        .values_list("queue_id", "wait")
    )
    waits: dict[int, list[timedelta]] = defaultdict(list)
    for queue_id, value in middle:
        waits[queue_id].append(value)
    return {queue_id: sum(values, timedelta()) / len(values) for queue_id, values in waits.items()}


def duration_in_words(value: timedelta) -> str:
    """ "2 h 10 min", "3 days 4 h", "45 min": to the minute, two units at most, as a lead reads
    it at a glance."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return _("under 1 min")
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        return f"{text} {hours} h" if hours else text
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


# 4. Age of the open backlog -------------------------------------------------------------


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    cases: int


# (key, label, the youngest and the oldest age it holds): a case exactly 1 day old is in
# "1 to 3 days"; every bound belongs to the older bucket.
AGE_BUCKETS: tuple[tuple[str, Promise, timedelta | None, timedelta | None], ...] = (
    ("day", gettext_lazy("Under 1 day"), None, timedelta(days=1)),
    ("days3", gettext_lazy("1\N{EN DASH}3 days"), timedelta(days=1), timedelta(days=3)),
    ("days7", gettext_lazy("3\N{EN DASH}7 days"), timedelta(days=3), timedelta(days=7)),
    ("days30", gettext_lazy("7\N{EN DASH}30 days"), timedelta(days=7), timedelta(days=30)),
    ("older", gettext_lazy("Over 30 days"), timedelta(days=30), None),
)


def backlog_age(cases: QuerySet[Case], now: datetime) -> list[AgeBucket]:
    """Open cases by their age since created, one conditional count per bucket, one query."""
    counts = cases.exclude(closed_cases()).aggregate(
        **{
            key: Count("id", filter=_age_between(now, youngest, oldest))
            for key, _label, youngest, oldest in AGE_BUCKETS
        }
    )
    return [
        AgeBucket(key=key, label=str(label), cases=counts[key] or 0)
        for key, label, _youngest, _oldest in AGE_BUCKETS
    ]


def _age_between(now: datetime, youngest: timedelta | None, oldest: timedelta | None) -> Q:
    condition = Q()
    if youngest is not None:
        condition &= Q(created_at__lte=now - youngest)
    if oldest is not None:
        condition &= Q(created_at__gt=now - oldest)
    return condition


# 5. Satisfaction ------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    """The surveys answered in the period about cases the reader may see: how many, their
    average rating (None without any) and how many gave each rating, 5 first."""

    surveys: int
    average: float | None
    ratings: tuple[tuple[int, int], ...]


def satisfaction(cases: QuerySet[Case], period: Period) -> Satisfaction:
    """One aggregate: the count, the average and a conditional count per rating."""
    numbers = Survey.objects.filter(
        case__in=cases, created_at__gte=period.start, created_at__lt=period.end
    ).aggregate(
        surveys=Count("id"),
        average=Avg("rating"),
        **{f"rated_{rating}": Count("id", filter=Q(rating=rating)) for rating in RATINGS},
    )
    return Satisfaction(
        surveys=numbers["surveys"] or 0,
        average=float(numbers["average"]) if numbers["average"] is not None else None,
        ratings=tuple((rating, numbers[f"rated_{rating}"] or 0) for rating in reversed(RATINGS)),
    )


# The page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    period: Period
    open_by_status: list[QueueStatuses]
    days: list[DayCount]
    first_response: list[FirstResponseRow]
    backlog: list[AgeBucket]
    satisfaction: Satisfaction


# How long a computed overview is shown before it is computed again (per process: the default
# cache). Its aggregates read every open case, about a second at a million cases; a lead reading
# trends does not need them fresher than this, and the page says "As of" when they were taken.
FRESH_FOR = timedelta(minutes=1)


def overview_key(user: User) -> str:
    """Where the overview this reader is shown is kept (by role and time zone)."""
    return f"agent-overview:{role_of(user)}:{timezone.get_current_timezone_name()}"


def overview_shown_to(user: User) -> Overview:
    """The overview for this reader, computed at most once a minute for everyone who sees the
    same cases (the cache key is their role: visibility depends on nothing else for staff)."""
    key = overview_key(user)
    shown: Overview | None = cache.get(key)
    if shown is None:
        shown = overview_for(user)
        cache.set(key, shown, timeout=int(FRESH_FOR.total_seconds()))
    return shown


def overview_for(user: User, now: datetime | None = None) -> Overview:
    """Every section of the page for this reader: eight queries, whatever the number of cases."""
    now = now or timezone.now()
    period = last_days(now)
    cases = workspace_cases(user)
    return Overview(
        period=period,
        open_by_status=open_by_status(cases),
        days=created_and_closed(cases, period),
        first_response=first_responses(cases, period),
        backlog=backlog_age(cases, now),
        satisfaction=satisfaction(cases, period),
    )
