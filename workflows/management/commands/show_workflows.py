"""`python manage.py show_workflows [key ...] [--format table|dot|markdown]`: the workflows as the
code enforces them, read from `workflows.metadata`, as text tables, Graphviz digraphs or Markdown.

Render the graphs with Graphviz, e.g. `python manage.py show_workflows --format dot | dot -Tsvg -O`
(one SVG per workflow). The Markdown is the repository's docs/workflows.md:
`python manage.py show_workflows --format markdown > docs/workflows.md` (tests/test_docs.py fails
when the two differ).
"""

import inspect
import textwrap
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import DurationField

from cases.models import Queue
from workflows.declarations import AUTO_CLOSE, REMINDER, Timer
from workflows.metadata import TransitionInfo, WorkflowInfo, describe
from workflows.milestones import first_response_due_after_priority_change
from workflows.registry import WORKFLOWS
from workflows.transitions import public_message, stamp_customer_action

# Long lists and sentences wrap onto more lines of the same cell.
WRAP_AT = 40
# A table cell: one line, or the lines it spans.
Cell = str | list[str]


class Command(BaseCommand):
    help = (
        "Print each workflow's statuses and transitions (from the code) as tables, DOT or "
        "Markdown (docs/workflows.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "keys", nargs="*", metavar="key", help=f"Workflows to show: {', '.join(WORKFLOWS)}."
        )
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=("table", "dot", "markdown"),
            default="table",
        )

    def handle(self, *args: Any, keys: list[str], output_format: str, **options: Any) -> None:
        unknown = [key for key in keys if key not in WORKFLOWS]
        if unknown:
            raise CommandError(
                f"Unknown workflow {', '.join(unknown)}; choose from {', '.join(WORKFLOWS)}."
            )
        infos = [describe(key) for key in dict.fromkeys(keys or WORKFLOWS)]
        if output_format == "markdown":
            self.stdout.write(markdown(infos), ending="")
            return
        render: Callable[[WorkflowInfo], str] = dot if output_format == "dot" else table
        self.stdout.write("\n".join(render(info) for info in infos), ending="")


def table(info: WorkflowInfo) -> str:
    title = f"{info.key}: {info.name}"
    statuses: list[list[Cell]] = []
    for key, label in info.statuses:
        marks = ["initial"] if key == info.initial_status else []
        if not _leaving(info, key):
            marks.append("terminal")
        subs = ", ".join(sub_key for sub_key, _ in info.sub_statuses.get(key, ()))
        statuses.append([key, label, ", ".join(marks), textwrap.wrap(subs, WRAP_AT)])
    transitions: list[list[Cell]] = [
        [
            t.name,
            t.label,
            textwrap.wrap(", ".join(t.sources), WRAP_AT),
            t.target,
            ", ".join(t.roles),
            _payload(t),
            "yes" if t.rules.automatic else "no",
            _notes(t),
        ]
        for t in info.transitions
    ]
    return "\n".join(
        [
            title,
            "=" * len(title),
            "",
            "Statuses",
            _grid(["status", "label", "flags", "sub-statuses"], statuses),
            "",
            "Transitions",
            _grid(
                ["transition", "label", "from", "to", "who", "payload", "automatic", "rules"],
                transitions,
            ),
            "payload: name = required, name (staff) = required from agents and managers, "
            "[name] = optional",
            "",
            "",
        ]
    )


def _leaving(info: WorkflowInfo, status: str) -> bool:
    return any(status in t.sources for t in info.transitions)


def _payload(t: TransitionInfo) -> list[str]:
    """Each field the transition takes, marked with whether (and from whom) it is required."""
    required = [name for name in t.rules.fields if name in t.rules.requires]
    staff = [f"{name} (staff)" for name in t.rules.fields if name in t.rules.staff_requires]
    optional = [
        f"[{name}]"
        for name in t.rules.fields
        if name not in t.rules.requires and name not in t.rules.staff_requires
    ]
    return required + staff + optional


def _notes(t: TransitionInfo) -> list[str]:
    rules = t.rules
    notes: list[str] = []
    if rules.via_release:
        notes.append("only by delivering a release")
    if rules.message:
        notes.append(f"{rules.message} is what the customer decides on")
    if rules.internal_note:
        notes.append("note is internal")
    for condition in t.conditions:
        notes += textwrap.wrap(f"if: {condition}", WRAP_AT, subsequent_indent="  ")
    if rules.notifies:
        notes.append(f"notifies: {', '.join(rules.notifies)}")
    return notes


def _grid(header: list[str], rows: list[list[Cell]]) -> str:
    """A plain-text table; a cell given as a list of lines spans that many lines."""

    def lines(cell: Cell) -> list[str]:
        return list(cell) if isinstance(cell, list) else [cell]

    cells = [[lines(cell) for cell in row] for row in rows]
    widths = [
        max([len(title)] + [len(line) for row in cells for line in row[column]])
        for column, title in enumerate(header)
    ]

    def render(row: list[list[str]]) -> list[str]:
        height = max(len(cell) for cell in row) or 1
        return [
            "  ".join(
                (cell[index] if index < len(cell) else "").ljust(width)
                for cell, width in zip(row, widths, strict=True)
            ).rstrip()
            for index in range(height)
        ]

    out = render([[title] for title in header])
    out.append("  ".join("-" * width for width in widths))
    for row in cells:
        out += render(row)
    return "\n".join(out)


def dot(info: WorkflowInfo) -> str:
    """One digraph: a node per status (the initial one entered from a start point, terminal ones
    double-bordered), an edge per (source, transition); automatic transitions are dashed."""
    lines = [
        f"digraph {_quote(info.key)} {{",
        f"  label={_quote(f'{info.name} ({info.key})')};",
        "  labelloc=t;",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "__start" [shape="point", label=""];',
    ]
    for key, label in info.statuses:
        attributes: dict[str, str] = {"label": f"{label}\n{key}"}
        if not _leaving(info, key):
            attributes["peripheries"] = "2"
        if key == info.initial_status:
            attributes["style"] = "rounded,bold"
        lines.append(f"  {_quote(key)} [{_attributes(attributes)}];")
    lines.append(f'  "__start" -> {_quote(info.initial_status)} [label="initial"];')
    for t in info.transitions:
        attributes = {"label": t.name, "tooltip": f"{t.label} ({', '.join(t.roles)})"}
        if t.rules.automatic:
            attributes["style"] = "dashed"
        for source in t.sources:
            lines.append(f"  {_quote(source)} -> {_quote(t.target)} [{_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{name}={_quote(value)}" for name, value in attributes.items())


def _quote(text: str) -> str:
    """A DOT quoted string; a newline becomes DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def markdown(infos: list[WorkflowInfo]) -> str:
    """docs/workflows.md: a section per workflow with its statuses, transitions and timers."""
    out = [
        "# Workflows",
        "",
        "<!-- Generated from the code by `python manage.py show_workflows --format markdown >"
        " docs/workflows.md`: do not edit by hand (tests/test_docs.py fails when it is stale). -->",
        "",
        "Each queue follows one of these workflows. This page is generated from the django-fsm"
        " transitions that enforce them and the rules declared on them (`workflows.metadata`),"
        " the same data the API serves at `/api/workflows/`.",
        "",
        "- **who**: the roles that may perform a transition (a manager may do whatever an agent"
        " may; `system` is the automations).",
        "- **payload**: the fields a transition takes (`POST /api/cases/{id}/transitions/`).",
        "- **performed**: *manual* (asked for by name), *automatic* (fired by a reply, an edit or"
        " a timer) or *release delivery* (only by delivering a release).",
        "",
    ]
    out += [f"- [{info.name}](#{_slug(info.name)}) (`{info.key}`)" for info in infos]
    out += ["", *_shared_rules()]
    for info in infos:
        out += ["", *_markdown_workflow(info)]
    return "\n".join(out) + "\n"


# The rules every workflow shares, each told by the docstring of the code that applies it.
SHARED_RULES = (
    ("A transition's message", public_message),
    ("Who waits for an answer", stamp_customer_action),
    ("First response and a change of priority", first_response_due_after_priority_change),
)


def _shared_rules() -> list[str]:
    out = ["## Rules every workflow shares", ""]
    for title, rule in SHARED_RULES:
        text = " ".join((inspect.getdoc(rule) or "").split())
        out += [f"- **{title}** (`{rule.__module__}.{rule.__name__}`): {text}"]
    return out


def _markdown_workflow(info: WorkflowInfo) -> list[str]:
    out = [
        f"## {info.name}",
        "",
        f"Key `{info.key}`; a new case starts in `{info.initial_status}`.",
        "",
        "### Statuses",
        "",
        *_markdown_table(
            ["status", "label", "flags", "sub-statuses"],
            [
                [
                    f"`{key}`",
                    label,
                    ", ".join(_flags(info, key)),
                    ", ".join(
                        f"`{sub_key}` ({sub_label})"
                        for sub_key, sub_label in info.sub_statuses.get(key, ())
                    ),
                ]
                for key, label in info.statuses
            ],
        ),
        "",
        "### Transitions",
        "",
        *_markdown_table(
            ["transition", "label", "from", "to", "who", "payload", "performed", "rules"],
            [
                [
                    f"`{t.name}`",
                    t.label,
                    ", ".join(f"`{source}`" for source in t.sources),
                    f"`{t.target}`",
                    _who(t),
                    "<br>".join(_markdown_payload(t)),
                    _performed(t),
                    "<br>".join(_rules(t)),
                ]
                for t in info.transitions
            ],
        ),
    ]
    timers = WORKFLOWS[info.key].timers
    if timers:
        out += [
            "",
            "### Timers",
            "",
            "Once a case has stayed long enough in a status (the duration is a setting of its"
            " queue), the automations act, at most once per entry into that status.",
            "",
            *_markdown_table(
                ["action", "in status", "after (queue setting)", "default"],
                [
                    [
                        _timer_action(timer),
                        f"`{timer.status}`"
                        + (f" with sub-status `{timer.sub_status}`" if timer.sub_status else ""),
                        f"`{timer.after}`",
                        _duration(_default(timer.after)),
                    ]
                    for timer in timers
                ],
            ),
        ]
    return out


def _flags(info: WorkflowInfo, status: str) -> list[str]:
    flags = ["initial"] if status == info.initial_status else []
    if not _leaving(info, status):
        flags.append("terminal")
    return flags


def _who(t: TransitionInfo) -> str:
    check = t.permission.check_text
    return ", ".join(t.roles) + (f" (only {check})" if check else "")


def _markdown_payload(t: TransitionInfo) -> list[str]:
    """Each field the transition takes, required ones first (the order of `_payload`)."""
    rules = t.rules
    return (
        [f"`{name}` (required)" for name in rules.fields if name in rules.requires]
        + [
            f"`{name}` (required from agents and managers)"
            for name in rules.fields
            if name in rules.staff_requires
        ]
        + [
            f"`{name}` (optional)"
            for name in rules.fields
            if name not in rules.requires and name not in rules.staff_requires
        ]
    )


def _performed(t: TransitionInfo) -> str:
    if t.rules.via_release:
        return "release delivery"
    return "automatic" if t.rules.automatic else "manual"


def _rules(t: TransitionInfo) -> list[str]:
    rules = t.rules
    notes = [f"if: {condition}" for condition in t.conditions]
    if rules.message:
        notes.append(f"`{rules.message}` is what the customer decides on")
    if rules.internal_note:
        notes.append("the note is internal")
    if rules.notifies:
        notes.append("notifies: " + ", ".join(f"`{kind}`" for kind in rules.notifies))
    return notes


def _timer_action(timer: Timer) -> str:
    return {AUTO_CLOSE: "auto-close", REMINDER: "reminder"}[timer.action]


def _default(setting: str) -> timedelta:
    """The duration a new queue gets for a timer setting."""
    field = Queue._meta.get_field(setting)
    default = field.get_default() if isinstance(field, DurationField) else None
    if not isinstance(default, timedelta):
        raise TypeError(f"Queue.{setting} must be a duration with a default.")
    return default


def _duration(duration: timedelta) -> str:
    if duration % timedelta(days=1) == timedelta(0):
        days = duration // timedelta(days=1)
        return f"{days} day{'s' * (days != 1)}"
    hours = duration / timedelta(hours=1)
    return f"{hours:g} hour{'s' * (hours != 1)}"


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return [row(header), "|" + "---|" * len(header), *(row(cells) for cells in rows)]


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")
