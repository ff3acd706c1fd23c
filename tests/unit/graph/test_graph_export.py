"""Graph exports parse back; the component view and shortest paths behave."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from openesx_license.errors import UsageError
from openesx_license.graph import component_graph, shortest_dependency_path
from openesx_license.graph.export import dot_quote, export_graph
from openesx_license.model import DependencyEdge, Evidence

FILES = {
    "vmkernel/sched.c": (
        '#include "vmkernel/sched.h"\n#include "ha/ha.h"\nvoid s(void) { ha_go(); }\n'
    ),
    "vmkernel/sched.h": "",
    "ha/ha.h": "void ha_go(void);\n",
    "ha/ha.c": "void ha_go(void) { }\nEXPORT_SYMBOL_GPL(ha_go);\n#include <stdio.h>\n",
    'odd "name".c': "",
}


def _component_of(path: str) -> tuple[str, str] | None:
    if path.startswith("vmkernel/"):
        return ("vmkernel", "open")
    if path.startswith(("ha/", "ipindex:ha:")):
        return ("ha", "proprietary")
    return None


@pytest.fixture
def graph(graph_of):
    copy = DependencyEdge(
        source="vmkernel/sched.c",
        target="ipindex:ha:ha_secret.c",
        kind="copy",
        evidence=Evidence(path="vmkernel/sched.c", line=3, text="void s(void)", kind="copy"),
        external=True,
    )
    return graph_of(FILES, component_of=_component_of, extra_edges=[copy])


def test_extra_edges_create_external_nodes_with_their_component(graph):
    node = graph.nodes["ipindex:ha:ha_secret.c"]
    assert node["external"] is True
    assert (node["component"], node["component_class"]) == ("ha", "proprietary")
    (data,) = graph.get_edge_data("vmkernel/sched.c", "ipindex:ha:ha_secret.c").values()
    edge = DependencyEdge.from_graph("vmkernel/sched.c", "ipindex:ha:ha_secret.c", data)
    assert edge.kind == "copy" and edge.external is True and edge.evidence.line == 3


@pytest.mark.parametrize("level", ["file", "component"])
def test_graphml_parses_back_with_networkx(graph, level):
    text = export_graph(graph, "graphml", level)
    back = nx.read_graphml(io.StringIO(text))
    if level == "file":
        assert set(back.nodes) == set(graph.nodes)
        assert back.number_of_edges() == graph.number_of_edges()
        edges = [d for _, _, d in back.edges(data=True) if d["kind"] == "include"]
        assert any(d["evidence"] == 'vmkernel/sched.c:2: #include "ha/ha.h"' for d in edges)
        assert any(d["evidence_line"] == 2 for d in edges)
    else:
        assert {"vmkernel", "ha", "(unmapped)", "(external)"} <= set(back.nodes)


@pytest.mark.parametrize("level", ["file", "component"])
def test_json_is_node_link_with_evidence_objects(graph, level):
    document = json.loads(export_graph(graph, "json", level))
    assert document["level"] == level and document["multigraph"] is True
    ids = {n["id"] for n in document["nodes"]}
    for link in document["links"]:
        assert link["source"] in ids and link["target"] in ids
        assert set(link["evidence"]) == {"path", "line", "text", "kind"}
    if level == "file":
        gpl = [link for link in document["links"] if link["gpl_only"]]
        assert [link["symbol"] for link in gpl] == ["ha_go"]


def test_dot_quotes_every_id(graph):
    text = export_graph(graph, "dot", "file")
    assert text.startswith('digraph "dependencies-file" {')
    assert '"odd \\"name\\".c"' in text
    assert '"<stdio.h>"' in text
    assert 'color="red", style="bold"' in text  # the GPL-only symbol edge
    assert dot_quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_unknown_format_or_level_is_a_usage_error(graph):
    with pytest.raises(UsageError, match="unknown graph format 'svg'"):
        export_graph(graph, "svg", "file")
    with pytest.raises(UsageError, match="unknown graph level"):
        export_graph(graph, "json", "folder")


def test_component_graph_condenses_and_counts(graph):
    view = component_graph(graph)
    kinds = {(u, v, d["kind"]): d for u, v, d in view.edges(data=True)}
    include = kinds[("vmkernel", "ha", "include")]
    assert include["count"] == 1
    assert include["source_file"] == "vmkernel/sched.c"
    assert include["evidence"].line == 2
    assert kinds[("vmkernel", "ha", "symbol")]["gpl_only"] is True
    assert ("vmkernel", "vmkernel", "include") not in kinds  # inside one component: dropped
    assert view.nodes["vmkernel"]["files"] == 2
    assert view.nodes["ha"]["component_class"] == "proprietary"


def test_shortest_dependency_path_is_bfs_and_deterministic():
    g = nx.MultiDiGraph()

    def ev(path: str, line: int) -> Evidence:
        return Evidence(path=path, line=line, text="x", kind="include")

    g.add_edge("a", "c", kind="include", evidence=ev("a", 2))
    g.add_edge("a", "b", kind="include", evidence=ev("a", 1))
    g.add_edge("b", "t1", kind="include", evidence=ev("b", 1))
    g.add_edge("c", "t2", kind="include", evidence=ev("c", 1))
    g.add_edge("a", "t3", kind="symbol", evidence=ev("a", 9))
    g.add_edge("a", "b", kind="link", evidence=ev("a", 5))
    target = {"t1", "t2", "t3"}.__contains__
    path = shortest_dependency_path(g, "a", target, ["include", "link"])
    assert [(u, v, d["kind"]) for u, v, d in path] == [
        ("a", "b", "include"),
        ("b", "t1", "include"),
    ]
    assert shortest_dependency_path(g, "a", target, ["symbol"])[0][1] == "t3"
    assert shortest_dependency_path(g, "a", target, ["copy"]) is None
    assert shortest_dependency_path(g, "t1", target, ["include"]) == []
    assert shortest_dependency_path(g, "missing", target, ["include"]) is None


def test_boundary_path_through_the_real_graph(graph):
    def is_proprietary(node: str) -> bool:
        return graph.nodes[node].get("component_class") == "proprietary"

    path = shortest_dependency_path(graph, "vmkernel/sched.c", is_proprietary, ["include"])
    assert [(u, v) for u, v, _ in path] == [("vmkernel/sched.c", "ha/ha.h")]
    copy_path = shortest_dependency_path(graph, "vmkernel/sched.c", is_proprietary, ["copy"])
    assert copy_path[0][1] == "ipindex:ha:ha_secret.c"


def test_attributes_other_stages_add_still_export(graph):
    from openesx_license.model import FileKind, Severity

    graph.nodes["ha/ha.c"]["severity"] = Severity.ERROR
    graph.nodes["ha/ha.c"]["kinds"] = {FileKind.SOURCE, FileKind.HEADER}
    graph.graph["stats"]["when"] = object()
    back = nx.read_graphml(io.StringIO(export_graph(graph, "graphml", "file")))
    assert back.nodes["ha/ha.c"]["severity"] == "error"
    document = json.loads(export_graph(graph, "json", "file"))
    node = next(n for n in document["nodes"] if n["id"] == "ha/ha.c")
    assert node["severity"] == "error" and sorted(node["kinds"]) == ["header", "source"]


def test_graphml_with_mixed_attribute_types_stays_valid(graph):
    graph.nodes["ha/ha.c"]["rank"] = 3
    graph.nodes["ha/ha.h"]["rank"] = "high"
    back = nx.read_graphml(io.StringIO(export_graph(graph, "graphml", "file")))
    assert back.nodes["ha/ha.c"]["rank"] == "3" and back.nodes["ha/ha.h"]["rank"] == "high"
