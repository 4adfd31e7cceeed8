"""`show_workflows` prints what `workflows.metadata` reads off the code: every status and every
transition, as text tables, as Graphviz digraphs or as Markdown (docs/workflows.md)."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cases.models import Queue
from workflows.management.commands.show_workflows import _markdown_table
from workflows.metadata import describe
from workflows.registry import WORKFLOWS

GRAPH = re.compile(r'^digraph "(?P<key>[^"]+)" \{\n(?P<body>.*?)^\}\n', re.MULTILINE | re.DOTALL)
EDGE = re.compile(r'^\s*"(?P<source>[^"]+)" -> "(?P<target>[^"]+)" \[(?P<attributes>.*)\];$')
NODE = re.compile(r'^\s*"(?P<node>[^"]+)" \[(?P<attributes>.*)\];$')
ATTRIBUTE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def show(*args) -> str:
    out = StringIO()
    call_command("show_workflows", *args, stdout=out)
    return out.getvalue()


def parse_dot(text: str) -> dict[str, dict[str, Any]]:
    """Each digraph's nodes and edges, with their attributes (enough DOT for our output)."""
    graphs = {}
    for graph in GRAPH.finditer(text):
        nodes, edges = {}, []
        for line in graph["body"].splitlines():
            if edge := EDGE.match(line):
                attributes = dict(ATTRIBUTE.findall(edge["attributes"]))
                edges.append((edge["source"], edge["target"], attributes))
            elif node := NODE.match(line):
                nodes[node["node"]] = dict(ATTRIBUTE.findall(node["attributes"]))
        graphs[graph["key"]] = {"nodes": nodes, "edges": edges}
    return graphs


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_table_lists_every_status_with_its_label(key):
    output = show(key)
    for status, label in describe(key).statuses:
        assert re.search(rf"^{re.escape(status)}\s+{re.escape(label)}(\s|$)", output, re.M), status


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_table_lists_every_transition_with_label_target_and_roles(key):
    # Statuses and transitions may share a name (send_to_development): read the second table.
    lines = show(key).split("\nTransitions\n")[1].splitlines()
    for transition in describe(key).transitions:
        row = next(
            (line for line in lines if re.match(rf"{re.escape(transition.name)}\s", line)), None
        )
        assert row is not None, transition.name
        assert transition.label in row
        assert f"  {transition.target}  " in row
        assert ", ".join(transition.roles) in row
        assert ("yes" if transition.rules.automatic else "no") in row.split()


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_table_names_every_source_of_every_transition(key):
    output = show(key)
    # Sources wrap over several lines of their cell: compare the words the table shows.
    words = set(re.findall(r"[a-z_]+", output))
    for transition in describe(key).transitions:
        assert set(transition.sources) <= words, transition.name


def test_without_keys_every_workflow_is_shown():
    output = show()
    for key in WORKFLOWS:
        assert f"{key}: {describe(key).name}" in output


def test_named_workflows_only_are_shown():
    output = show("customer_service")
    assert "customer_service: " in output
    assert "release_tracking: " not in output


def test_dot_is_one_digraph_per_workflow():
    output = show("--format", "dot")
    assert list(parse_dot(output)) == list(WORKFLOWS)
    assert output.count("{") == output.count("}")


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_dot_has_an_edge_per_source_and_transition(key):
    info = describe(key)
    graph = parse_dot(show(key, "--format", "dot"))[key]
    edges = [(s, t, a) for s, t, a in graph["edges"] if s in dict(info.statuses)]
    assert sorted((source, a["label"]) for source, _, a in edges) == sorted(
        (source, t.name) for t in info.transitions for source in t.sources
    )
    for _, target, attributes in edges:
        transition = info.transition(attributes["label"])
        assert transition is not None
        assert transition.target == target


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_dot_nodes_are_the_statuses_with_their_labels(key):
    info = describe(key)
    nodes = parse_dot(show(key, "--format", "dot"))[key]["nodes"]
    for status, label in info.statuses:
        assert nodes[status]["label"] == f"{label}\\n{status}"


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_dot_marks_the_initial_status_and_dashes_automatic_transitions(key):
    info = describe(key)
    graph = parse_dot(show(key, "--format", "dot"))[key]
    starts = [target for source, target, _ in graph["edges"] if source not in graph["nodes"]]
    assert starts == []
    entry = [t for s, t, _ in graph["edges"] if graph["nodes"].get(s, {}).get("shape") == "point"]
    assert entry == [info.initial_status]
    for _, _, attributes in graph["edges"]:
        transition = info.transition(attributes["label"])
        if transition is not None:
            assert (attributes.get("style") == "dashed") == transition.rules.automatic


def test_unknown_workflow_is_an_error():
    with pytest.raises(CommandError, match="no_such_workflow"):
        show("technical_support", "no_such_workflow")


def test_unknown_format_is_an_error():
    with pytest.raises(CommandError):
        show("--format", "svg")


def _markdown_sections(output: str) -> dict[str, str]:
    """Each workflow's section of the Markdown, by workflow name."""
    parts = re.split(r"^## (.+)$", output, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _table_rows(section: str, title: str) -> list[list[str]]:
    """The body rows of the table under `### title`, as lists of cells."""
    table = re.search(r"^\|.*?(?=\n\n|\Z)", section.split(f"### {title}\n")[1], re.M | re.S)
    assert table is not None, title
    return [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in table[0].splitlines()[2:]
    ]


def test_markdown_is_the_shared_rules_then_one_section_per_workflow_in_order() -> None:
    sections = _markdown_sections(show("--format", "markdown"))
    assert list(sections) == [
        "Rules every workflow shares",
        *(describe(key).name for key in WORKFLOWS),
    ]


def test_markdown_states_each_shared_rule_from_its_code() -> None:
    rules = _markdown_sections(show("--format", "markdown"))["Rules every workflow shares"]
    assert "raising the priority never makes a case overdue on the spot" in rules
    assert "`workflows.milestones.first_response_due_after_priority_change`" in rules


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_markdown_lists_every_status_with_its_label_flags_and_sub_statuses(key: str) -> None:
    info = describe(key)
    rows = _table_rows(_markdown_sections(show(key, "--format", "markdown"))[info.name], "Statuses")
    assert [(row[0], row[1]) for row in rows] == [(f"`{s}`", label) for s, label in info.statuses]
    by_status = {row[0].strip("`"): row for row in rows}
    assert "initial" in by_status[info.initial_status][2]
    for status, subs in info.sub_statuses.items():
        for sub_key, sub_label in subs:
            assert f"`{sub_key}` ({sub_label})" in by_status[status][3]


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_markdown_lists_every_transition_as_the_metadata_says(key: str) -> None:
    info = describe(key)
    section = _markdown_sections(show(key, "--format", "markdown"))[info.name]
    rows = {row[0].strip("`"): row for row in _table_rows(section, "Transitions")}
    assert list(rows) == [t.name for t in info.transitions]
    for t in info.transitions:
        _, label, sources, target, who, payload, performed, notes = rows[t.name]
        assert label == t.label
        assert sources == ", ".join(f"`{source}`" for source in t.sources)
        assert target == f"`{t.target}`"
        assert who.startswith(", ".join(t.roles))
        for name in t.rules.fields:
            assert f"`{name}` (" in payload, (t.name, name)
        for name in t.rules.requires:
            assert f"`{name}` (required)" in payload, (t.name, name)
        expected = "automatic" if t.rules.automatic else "manual"
        assert performed == ("release delivery" if t.rules.via_release else expected)
        assert performed == "manual" if t.manual else performed != "manual"
        for condition in t.conditions:
            assert f"if: {condition}" in notes


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_markdown_lists_the_timers_with_their_queue_settings(key: str) -> None:
    info = describe(key)
    section = _markdown_sections(show(key, "--format", "markdown"))[info.name]
    timers = WORKFLOWS[key].timers
    if not timers:
        assert "### Timers" not in section
        return
    rows = _table_rows(section, "Timers")
    assert [row[2] for row in rows] == [f"`{timer.after}`" for timer in timers]
    for row, timer in zip(rows, timers, strict=True):
        assert row[1].startswith(f"`{timer.status}`")
        days = getattr(Queue(), timer.after).days  # what a new queue gets
        assert row[3] == f"{days} day{'s' if days != 1 else ''}"


def test_markdown_escapes_pipes_in_cells() -> None:
    assert _markdown_table(["a"], [["x | y"]])[-1] == "| x \\| y |"
