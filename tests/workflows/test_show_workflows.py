"""`show_workflows` prints what `workflows.metadata` reads off the code: every status and every
transition, as text tables or as Graphviz digraphs."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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


def parse_dot(text: str) -> dict[str, dict]:
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
        assert info.transition(attributes["label"]).target == target


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
