"""Questions asked of the graph: the component view and the shortest dependency path."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from typing import Any

import networkx as nx

#: component name of files no component claims, and of external nodes without an owner
UNMAPPED = "(unmapped)"
EXTERNAL = "(external)"


def _evidence_key(data: dict[str, Any]) -> tuple[str, int, str]:
    evidence = data.get("evidence")
    if evidence is None:
        return ("", 0, "")
    return (evidence.path, evidence.line or 0, evidence.text)


def component_of_node(graph: nx.MultiDiGraph, node: str) -> str:
    """The component a node belongs to for the component view (UNMAPPED/EXTERNAL if none)."""
    attrs = graph.nodes[node]
    if attrs.get("component"):
        return str(attrs["component"])
    return EXTERNAL if attrs.get("external") else UNMAPPED


def component_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The file graph condensed to components: one node per component, one edge per kind.

    Nodes carry ``component_class``, ``files`` (number of file nodes) and ``external``; an
    edge ``A -> B`` (key = kind) carries ``kind``, ``count`` (file edges condensed into it),
    ``gpl_only`` (any of them), ``evidence`` (that of the first file edge, ordered by path and
    line, so the choice is stable) and ``source_file``/``target_file`` of that edge. Edges
    inside one component are dropped.
    """
    view = nx.MultiDiGraph()
    view.graph.update({k: v for k, v in graph.graph.items() if k in ("root", "stats")})
    view.graph["level"] = "component"
    for node, attrs in graph.nodes(data=True):
        name = component_of_node(graph, node)
        if name not in view:
            view.add_node(
                name,
                component_class=attrs.get("component_class")
                or ("external" if name == EXTERNAL else "unmapped"),
                files=0,
                external=name == EXTERNAL,
            )
        if not attrs.get("external"):
            view.nodes[name]["files"] += 1
    best: dict[tuple[str, str, str], tuple[tuple[str, str, str, int, str], dict[str, Any]]] = {}
    counts: dict[tuple[str, str, str], int] = {}
    gpl: dict[tuple[str, str, str], bool] = {}
    for source, target, data in graph.edges(data=True):
        a, b = component_of_node(graph, source), component_of_node(graph, target)
        if a == b:
            continue
        key = (a, b, str(data.get("kind")))
        counts[key] = counts.get(key, 0) + 1
        gpl[key] = gpl.get(key, False) or bool(data.get("gpl_only"))
        rank = (source, target, *_evidence_key(data))
        if key not in best or rank < best[key][0]:
            best[key] = (rank, data)
    for key in sorted(counts):
        a, b, kind = key
        rank, data = best[key]
        view.add_edge(
            a,
            b,
            key=kind,
            kind=kind,
            count=counts[key],
            gpl_only=gpl[key],
            evidence=data.get("evidence"),
            symbol=data.get("symbol"),
            source_file=rank[0],
            target_file=rank[1],
        )
    return view


def shortest_dependency_path(
    graph: nx.MultiDiGraph,
    source: str,
    is_target: Callable[[str], bool],
    edge_kinds: Collection[str],
) -> list[tuple[str, str, dict[str, Any]]] | None:
    """The shortest chain of edges (of ``edge_kinds``) from ``source`` to a node that
    ``is_target``; None when there is none, ``[]`` when ``source`` itself is a target.

    Breadth-first; ties are broken deterministically: neighbours in sorted order, and between
    parallel edges the one with the smallest (kind, evidence path, line). Each element is
    ``(u, v, data)`` with the edge's attribute dict.
    """
    if source not in graph:
        return None
    if is_target(source):
        return []
    kinds = set(edge_kinds)
    parent: dict[str, tuple[str, dict[str, Any]]] = {}
    seen = {source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        choices: dict[str, dict[str, Any]] = {}
        for _, succ, data in graph.out_edges(node, data=True):
            if data.get("kind") not in kinds or succ in seen:
                continue
            known = choices.get(succ)
            if known is None or (data["kind"], *_evidence_key(data)) < (
                known["kind"],
                *_evidence_key(known),
            ):
                choices[succ] = data
        for succ in sorted(choices):
            seen.add(succ)
            parent[succ] = (node, choices[succ])
            if is_target(succ):
                path: list[tuple[str, str, dict[str, Any]]] = []
                current = succ
                while current != source:
                    prev, data = parent[current]
                    path.append((prev, current, data))
                    current = prev
                path.reverse()
                return path
            queue.append(succ)
    return None
