"""The rehearsal's verdicts: each a pure function of what the run journaled and what the database
and the mail servers hold afterwards (gathered by rehearsal.findings), so that each can be shown
to fail (tests/rehearsal/)."""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from rehearsal.load import Result
from rehearsal.processes import Outage

# A request cut within this long of a process's outage is still the kill's doing (a connection
# refused as the restarted process came up).
KILL_GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def requests_check(results: list[Result], outages: Mapping[str, list[Outage]]) -> Check:
    """Every request answered as expected (never a 5xx), but those cut by a kill: a connection
    refused or reset at the killed process, during its outage."""
    answered = [r for r in results if r.status is not None]
    server_errors = [r for r in answered if r.status is not None and r.status >= 500]
    unexpected = [r for r in answered if r.unexpected and r not in server_errors]
    cut = [r for r in results if r.status is None]
    excused = [
        r
        for r in cut
        if any(o.overlaps(r.at, r.ended, KILL_GRACE_SECONDS) for o in outages.get(r.node, []))
    ]
    stray = [r for r in cut if r not in excused]
    problems = [
        *(f"{r.status} {r.what} at {r.node}" for r in server_errors),
        *(f"{r.status} (expected {r.expected}) {r.what} at {r.node}" for r in unexpected),
        *(f"{r.error} {r.what} at {r.node}, which was up" for r in stray),
    ]
    detail = (
        f"{len(answered)} answered, {len(excused)} cut by a kill "
        f"({', '.join(sorted(Counter(r.error for r in excused)))})"
        if excused
        else f"{len(answered)} answered, none cut"
    )
    return Check("no request failed but those a kill cut", not problems, _with(detail, problems))


def writes_check(kind: str, expected: Iterable[str], found: Mapping[str, int]) -> Check:
    """Each acknowledged write (by its token) is in the database exactly once."""
    tokens = list(expected)
    missing = [t for t in tokens if found.get(t, 0) == 0]
    doubled = [t for t in tokens if found.get(t, 0) > 1]
    problems = [f"missing {t}" for t in missing] + [f"twice {t}" for t in doubled]
    return Check(
        f"every acknowledged {kind} is stored, once",
        bool(tokens) and not problems,
        _with(f"{len(tokens)} acknowledged, {len(tokens) - len(missing)} found", problems),
    )


def auto_close_check(closures: Mapping[str, tuple[bool, int]]) -> Check:
    """Every case seeded due for auto-close is closed, with exactly one auto-close in its
    history: `closures` maps its reference to (closed, number of auto-close entries)."""
    problems = [
        f"{ref}: {'closed' if closed else 'open'}, {entries} auto-closes"
        for ref, (closed, entries) in sorted(closures.items())
        if not closed or entries != 1
    ]
    return Check(
        "every due auto-close happened exactly once",
        bool(closures) and not problems,
        _with(f"{len(closures)} cases due", problems),
    )


def emails_check(
    received: Counter[str], recorded: Iterable[str], in_flight: Collection[str] = ()
) -> Check:
    """What arrived at the SMTP server, by Message-ID, against what the outbox recorded as sent:
    none lost (recorded, never arrived), none doubled (arrived twice), none unrecorded. An email
    still leased by a worker that was killed (`in_flight`) may have arrived unrecorded: delivery
    is at-least-once, and it goes again, under the same Message-ID, once its lease is over."""
    sent = Counter(recorded)
    lost = sorted(m for m in sent if received[m] == 0)
    doubled = sorted(m for m, n in received.items() if n > 1)
    unrecorded = sorted(m for m in received if m not in sent and m not in in_flight)
    problems = (
        [f"lost {m}" for m in lost]
        + [f"doubled {m}" for m in doubled]
        + [f"sent, not recorded {m}" for m in unrecorded]
    )
    detail = (
        f"{sum(received.values())} arrived, {sum(sent.values())} recorded as sent; "
        f"{len(lost)} lost, {len(doubled)} doubled"
        + (f", {len(in_flight)} in flight at a worker's kill" if in_flight else "")
    )
    return Check("emails sent equal notifications recorded", not problems, _with(detail, problems))


@dataclass(frozen=True)
class Event:
    """A line of REHEARSAL_EVENTS: a beat `sent` a task, or a worker `ran` one (wall time)."""

    event: str
    task: str
    id: str
    node: str
    at: float


def ticks_check(events: list[Event], periods: Mapping[str, int]) -> Check:
    """No periodic task ran twice for one tick: two runs of different messages of one task less
    than half its period apart are one tick sent twice (a message run twice, redelivered after
    a worker's death, is one id and is counted once)."""
    runs: dict[str, dict[str, float]] = defaultdict(dict)
    for event in events:
        if event.event == "ran" and event.task in periods:
            runs[event.task].setdefault(event.id, event.at)
    problems = []
    for task, first_runs in sorted(runs.items()):
        moments = sorted(first_runs.values())
        close = [b - a for a, b in pairwise(moments)]
        twice = [gap for gap in close if gap < periods[task] / 2]
        if twice:
            problems.append(f"{task}: {len(twice)} ticks ran twice ({twice[0]:.1f}s apart)")
    ticks = sum(len(r) for r in runs.values())
    return Check(
        "no periodic task ran twice for one tick",
        bool(ticks) and not problems,
        _with(f"{ticks} periodic runs of {len(runs)} tasks", problems),
    )


HELPER = "workflows.tasks.help_with_sweep"


def helpers_check(events: list[Event]) -> Check:
    """The backlog seeded due at the start was shared: a sweep that found it asked for a helper,
    and a worker ran it (that nothing was done twice, the auto-close and email checks say)."""
    runs = [event for event in events if event.event == "ran" and event.task == HELPER]
    nodes = sorted({event.node for event in runs})
    return Check(
        "a backlog was worked through by two workers",
        bool(runs),
        f"{len(runs)} helper runs" + (f" on {', '.join(nodes)}" if nodes else ""),
    )


def takeover_check(events: list[Event], killed: str, at: float) -> Check:
    """After the beat `killed` was killed (wall time `at`), another beat sent the periodic
    tasks."""
    after = [e for e in events if e.event == "sent" and e.at > at]
    by = Counter(e.node for e in after)
    ok = any(node != killed for node in by) and killed not in by
    detail = f"{killed} killed; sent since: " + (
        ", ".join(f"{node} {n}" for node, n in sorted(by.items())) or "nothing"
    )
    return Check("a standby beat took over", ok, detail)


def inbound_check(delivered: Iterable[str], taken: Mapping[str, tuple[int, int]]) -> Check:
    """Each email appended to the IMAP mailbox (by Message-ID) was taken in exactly once: one
    received message, posted as one comment. `taken` maps a Message-ID to (rows, comments)."""
    ids = list(delivered)
    problems = [
        f"{m}: {rows} received, {comments} comments"
        for m in ids
        for rows, comments in [taken.get(m, (0, 0))]
        if rows != 1 or comments != 1
    ]
    return Check(
        "mail in the IMAP mailbox taken in exactly once",
        bool(ids) and not problems,
        _with(f"{len(ids)} appended", problems),
    )


def _with(detail: str, problems: list[str]) -> str:
    if not problems:
        return detail
    shown = "; ".join(problems[:5])
    more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"{detail}; {shown}{more}"


def table(checks: list[Check]) -> str:
    """The verdicts as a table: PASS or FAIL, the check, what was seen."""
    width = max(len(c.name) for c in checks)
    lines = [f"{'':4}  {'check':{width}}  detail", f"{'':-<4}  {'':-<{width}}  {'':-<40}"]
    lines += [f"{'PASS' if c.ok else 'FAIL'}  {c.name:{width}}  {c.detail}" for c in checks]
    return "\n".join(lines)
