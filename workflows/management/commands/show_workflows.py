"""`python manage.py show_workflows [key ...] [--format table|dot]`: the workflows as the code
enforces them, read from `workflows.metadata`, as text tables or Graphviz digraphs.

Render the graphs with Graphviz, e.g. `python manage.py show_workflows --format dot | dot -Tsvg -O`
(one SVG per workflow).
"""

import textwrap

from django.core.management.base import BaseCommand, CommandError

from workflows.metadata import TransitionInfo, WorkflowInfo, describe
from workflows.registry import WORKFLOWS

# Long lists and sentences wrap onto more lines of the same cell.
WRAP_AT = 40


class Command(BaseCommand):
    help = "Print each workflow's statuses and transitions (from the code) as tables or DOT."

    def add_arguments(self, parser):
        parser.add_argument(
            "keys", nargs="*", metavar="key", help=f"Workflows to show: {', '.join(WORKFLOWS)}."
        )
        parser.add_argument(
            "--format", dest="output_format", choices=("table", "dot"), default="table"
        )

    def handle(self, *args, keys, output_format, **options):
        unknown = [key for key in keys if key not in WORKFLOWS]
        if unknown:
            raise CommandError(
                f"Unknown workflow {', '.join(unknown)}; choose from {', '.join(WORKFLOWS)}."
            )
        render = dot if output_format == "dot" else table
        infos = [describe(key) for key in dict.fromkeys(keys or WORKFLOWS)]
        self.stdout.write("\n".join(render(info) for info in infos), ending="")


def table(info: WorkflowInfo) -> str:
    title = f"{info.key}: {info.name}"
    statuses = []
    for key, label in info.statuses:
        marks = ["initial"] if key == info.initial_status else []
        if not _leaving(info, key):
            marks.append("terminal")
        subs = ", ".join(sub_key for sub_key, _ in info.sub_statuses.get(key, ()))
        statuses.append([key, label, ", ".join(marks), textwrap.wrap(subs, WRAP_AT)])
    transitions = [
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
    notes = []
    if rules.via_release:
        notes.append("only by delivering a release")
    if rules.posted_as_reply:
        notes.append(f"{rules.message} posted as a public reply")
    elif rules.message:
        notes.append(f"{rules.message} shown to the customer")
    if rules.internal_note:
        notes.append("note is internal")
    for condition in t.conditions:
        notes += textwrap.wrap(f"if: {condition}", WRAP_AT, subsequent_indent="  ")
    if rules.notifies:
        notes.append(f"notifies: {', '.join(rules.notifies)}")
    return notes


def _grid(header: list[str], rows: list[list]) -> str:
    """A plain-text table; a cell given as a list of lines spans that many lines."""

    def lines(cell) -> list[str]:
        return list(cell) if isinstance(cell, list | tuple) else [str(cell)]

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
        attributes = {"label": f"{label}\n{key}"}
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
