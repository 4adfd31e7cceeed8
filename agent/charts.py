"""The Overview's charts as geometry: pure functions from numbers to rectangles, ticks and words,
which the templates (templates/agent/_chart_*.html) draw as server-side SVG.

No JavaScript and no inline style (the pages run under a strict Content-Security-Policy): the
geometry goes into SVG attributes, the colours into classes (`chart-tone--<tone>`, tokens of the
one stylesheet, so dark mode follows). Each SVG is stretched to its box (`preserveAspectRatio=
"none"`) and every word sits in HTML beside it, so labels keep their size at 375 px as at 1440 px.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agent.overview import Overview, side_rank

# A bar's viewBox: 100 wide, so that x and width read as percentages of the longest bar.
BAR_WIDTH = 100
BAR_HEIGHT = 10
# The columns' viewBox: 10 units a day (two columns of 4 and the gaps), 100 high.
SLOT_WIDTH = 10
COLUMN_WIDTH = 4
PLOT_HEIGHT = 100
# A value above zero stays visible as a sliver, however long the longest bar.
MIN_SEGMENT = 0.6

SIDE_TONES = {"support": "support", "customer": "customer", None: "nobody"}


@dataclass(frozen=True)
class Part:
    """One piece of a stacked bar, before geometry: how many, its colour class, its words."""

    value: int
    tone: str
    title: str


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    tone: str
    title: str


@dataclass(frozen=True)
class BarRow:
    """A labelled horizontal bar: `label` and `value` above it, `note` below, `summary` the
    SVG's accessible name (the numbers in words)."""

    label: str
    value: str
    summary: str
    segments: tuple[Segment, ...]
    note: str = ""


@dataclass(frozen=True)
class LegendItem:
    tone: str
    label: str


@dataclass(frozen=True)
class BarChart:
    rows: tuple[BarRow, ...]
    legend: tuple[LegendItem, ...] = ()
    width: int = BAR_WIDTH
    height: int = BAR_HEIGHT


def stacked_bar(
    label: str, parts: Sequence[Part], scale: int, *, value: str, summary: str, note: str = ""
) -> BarRow:
    """The parts laid end to end, `scale` being the full width (the longest bar of the chart,
    so that bars compare). A zero part takes no room; a scale of zero draws nothing."""
    segments = []
    x = 0.0
    for part in parts:
        if part.value <= 0 or scale <= 0:
            continue
        width = max(part.value / scale * BAR_WIDTH, MIN_SEGMENT)
        segments.append(Segment(round(x, 3), round(width, 3), part.tone, part.title))
        x += width
    return BarRow(label=label, value=value, summary=summary, segments=tuple(segments), note=note)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    tone: str


@dataclass(frozen=True)
class ColumnGroup:
    """One category (a day): its columns side by side, its words for a tooltip, and its tick
    label under the axis ("" for none); a `minor` tick is left out on a phone, where the labels
    would run into one another."""

    title: str
    tick: str
    columns: tuple[Column, ...]
    minor: bool = False


@dataclass(frozen=True)
class ColumnChart:
    groups: tuple[ColumnGroup, ...]
    gridlines: tuple[float, ...]
    axis: tuple[str, ...]
    legend: tuple[LegendItem, ...]
    summary: str
    width: int
    height: int = PLOT_HEIGHT


def axis_top(largest: int) -> int:
    """The top of a value axis with a line at half of it: the smallest 2 x 1, 2 or 5 x 10^n
    that holds `largest`, so both lines fall on round numbers."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if 2 * step * factor >= largest:
                return 2 * step * factor
        step *= 10


def grouped_columns(
    groups: Sequence[tuple[str, str, bool, Sequence[int]]],
    tones: Sequence[str],
    *,
    legend: Sequence[LegendItem],
    summary: str,
) -> ColumnChart:
    """Groups of columns side by side (one per tone) on a shared value axis from zero; each group
    given as (title, tick label, minor tick, values)."""
    top = axis_top(max((value for *_words, values in groups for value in values), default=0))
    drawn = []
    for index, (title, tick, minor, values) in enumerate(groups):
        columns = []
        offset = (SLOT_WIDTH - COLUMN_WIDTH * len(values)) / 2
        for place, (value, tone) in enumerate(zip(values, tones, strict=True)):
            if value <= 0:
                continue
            height = value / top * PLOT_HEIGHT
            columns.append(
                Column(
                    x=round(index * SLOT_WIDTH + offset + place * COLUMN_WIDTH, 3),
                    y=round(PLOT_HEIGHT - height, 3),
                    width=COLUMN_WIDTH,
                    height=round(height, 3),
                    tone=tone,
                )
            )
        drawn.append(ColumnGroup(title=title, tick=tick, columns=tuple(columns), minor=minor))
    return ColumnChart(
        groups=tuple(drawn),
        gridlines=(0, PLOT_HEIGHT / 2, PLOT_HEIGHT),
        axis=(str(top), str(top // 2), "0"),
        legend=tuple(legend),
        summary=summary,
        width=len(groups) * SLOT_WIDTH,
    )


# The Overview's charts ------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCharts:
    open_by_status: BarChart
    created_closed: ColumnChart | None
    first_response: BarChart
    backlog: BarChart | None
    satisfaction: BarChart | None


def side_label(side: str | None) -> str:
    """The legend's words for a side."""
    if side == "customer":
        return _("Waiting on customer")
    if side == "support":
        return _("Waiting on support")
    return _("Waiting on nobody")


def side_phrase(side: str | None) -> str:
    """The same inside a sentence ("3 waiting on support")."""
    if side == "customer":
        return _("waiting on customer")
    if side == "support":
        return _("waiting on support")
    return _("waiting on nobody")


def cases_text(count: int) -> str:
    return ngettext("%(n)d case", "%(n)d cases", count) % {"n": count}


def charts_for(overview: Overview) -> OverviewCharts:
    return OverviewCharts(
        open_by_status=open_by_status_chart(overview),
        created_closed=created_closed_chart(overview),
        first_response=first_response_chart(overview),
        backlog=backlog_chart(overview),
        satisfaction=satisfaction_chart(overview),
    )


def open_by_status_chart(overview: Overview) -> BarChart:
    """A bar per queue, a segment per status (and side), coloured by who holds the next move."""
    queues = overview.open_by_status
    scale = max((queue.total for queue in queues), default=0)
    rows = []
    sides_seen: set[str | None] = set()
    for queue in queues:
        sided: list[tuple[str | None, Part]] = []
        per_side: dict[str | None, int] = {}
        for status in queue.statuses:
            for side, count in status.by_side:
                sides_seen.add(side)
                per_side[side] = per_side.get(side, 0) + count
                words = f"{status.label} ({side_phrase(side)}): {cases_text(count)}"
                sided.append((side, Part(count, SIDE_TONES[side], words)))
        # Support's work first, then the customers' turn, as the legend reads; statuses keep
        # their workflow order within a side (the sort is stable).
        parts = [part for _side, part in sorted(sided, key=lambda item: side_rank(item[0]))]
        split = ", ".join(
            f"{count} {side_phrase(side)}"
            for side, count in sorted(per_side.items(), key=lambda item: side_rank(item[0]))
        )
        summary = _("%(queue)s: %(cases)s open, %(split)s.") % {
            "queue": queue.queue,
            "cases": cases_text(queue.total),
            "split": split,
        }
        rows.append(stacked_bar(queue.queue, parts, scale, value=str(queue.total), summary=summary))
    legend = tuple(
        LegendItem(SIDE_TONES[side], side_label(side))
        for side in sorted(sides_seen | {"support", "customer"}, key=side_rank)
    )
    return BarChart(rows=tuple(rows), legend=legend)


def short_day(day: date) -> str:
    return date_format(day, "j M")


def created_closed_chart(overview: Overview) -> ColumnChart | None:
    """Two columns a day, created then closed; a tick every seventh day counting back from
    today, so that today is always labelled (every fourteenth on a phone). None when nothing
    happened in the period."""
    days = overview.days
    created = sum(day.created for day in days)
    closed = sum(day.closed for day in days)
    if not created and not closed:
        return None
    last = len(days) - 1
    groups = []
    for index, day in enumerate(days):
        title = _("%(day)s: %(created)d created, %(closed)d closed") % {
            "day": date_format(day.day, "j F"),
            "created": day.created,
            "closed": day.closed,
        }
        back = last - index
        tick = short_day(day.day) if back % 7 == 0 else ""
        groups.append((title, tick, back % 14 != 0, (day.created, day.closed)))
    summary = _(
        "Cases created and closed per day from %(first)s to %(last)s: %(created)s created, "
        "%(closed)s closed in all; at most %(peak_created)d created and %(peak_closed)d "
        "closed in a day."
    ) % {
        "first": date_format(days[0].day, "j F"),
        "last": date_format(days[-1].day, "j F"),
        "created": created,
        "closed": closed,
        "peak_created": max(day.created for day in days),
        "peak_closed": max(day.closed for day in days),
    }
    return grouped_columns(
        groups,
        ("created", "closed"),
        legend=(LegendItem("created", _("Created")), LegendItem("closed", _("Closed"))),
        summary=summary,
    )


def first_response_chart(overview: Overview) -> BarChart:
    """A bar per queue of the cases created in the period: breached, answered in time, still
    waiting; the median time to first response below it."""
    rows_in = overview.first_response
    scale = max((row.created for row in rows_in), default=0)
    rows = []
    for row in rows_in:
        parts = (
            Part(row.breached, "breached", _("Breached: %(n)s") % {"n": cases_text(row.breached)}),
            Part(
                row.in_time,
                "in-time",
                _("Answered in time: %(n)s") % {"n": cases_text(row.in_time)},
            ),
            Part(
                row.waiting,
                "waiting",
                _("Not answered, not yet due: %(n)s") % {"n": cases_text(row.waiting)},
            ),
        )
        if row.median is not None:
            note = _("Median first response %(time)s") % {"time": row.median_text}
        else:
            note = _("No first response yet")
        summary = _(
            "%(queue)s: %(created)s created, %(breached)d breached, %(in_time)d answered in "
            "time, %(waiting)d not yet due. %(note)s."
        ) % {
            "queue": row.queue,
            "created": cases_text(row.created),
            "breached": row.breached,
            "in_time": row.in_time,
            "waiting": row.waiting,
            "note": note,
        }
        value = _("%(breached)d of %(created)d breached") % {
            "breached": row.breached,
            "created": row.created,
        }
        rows.append(stacked_bar(row.queue, parts, scale, value=value, summary=summary, note=note))
    legend = (
        LegendItem("breached", _("Breached")),
        LegendItem("in-time", _("Answered in time")),
        LegendItem("waiting", _("Not yet due")),
    )
    return BarChart(rows=tuple(rows), legend=legend)


def backlog_chart(overview: Overview) -> BarChart | None:
    """A bar per age bucket, youngest first. None when nothing is open."""
    buckets = overview.backlog
    scale = max((bucket.cases for bucket in buckets), default=0)
    if not scale:
        return None
    rows = tuple(
        stacked_bar(
            bucket.label,
            (Part(bucket.cases, "backlog", cases_text(bucket.cases)),),
            scale,
            value=str(bucket.cases),
            summary=_("%(age)s: %(cases)s open")
            % {"age": bucket.label, "cases": cases_text(bucket.cases)},
        )
        for bucket in buckets
    )
    return BarChart(rows=rows)


def rating_label(rating: int) -> str:
    return ngettext("%(n)d star", "%(n)d stars", rating) % {"n": rating}


def satisfaction_chart(overview: Overview) -> BarChart | None:
    """A bar per rating, 5 first, as a share of the surveys. None without a survey."""
    numbers = overview.satisfaction
    if not numbers.surveys:
        return None
    scale = max(count for _rating, count in numbers.ratings)
    rows = []
    for rating, count in numbers.ratings:
        share = round(count / numbers.surveys * 100)
        surveys = ngettext("%(n)d survey", "%(n)d surveys", count) % {"n": count}
        rows.append(
            stacked_bar(
                rating_label(rating),
                (Part(count, "rating", surveys),),
                scale,
                value=f"{count} ({share}%)",
                summary=_("%(rating)s: %(surveys)s, %(share)d%% of all")
                % {"rating": rating_label(rating), "surveys": surveys, "share": share},
            )
        )
    return BarChart(rows=tuple(rows))
