"""Assertions helpers of the graph tests (a module with a unique name, importable by tests)."""

from __future__ import annotations

import networkx as nx


def edges_of(graph: nx.MultiDiGraph, kind: str) -> set[tuple[str, str]]:
    """The (source, target) pairs of the edges of one kind."""
    return {(u, v) for u, v, k in graph.edges(data="kind") if k == kind}


def edge_data(graph: nx.MultiDiGraph, source: str, target: str, kind: str) -> dict:
    """The attributes of the (first) edge of ``kind`` from ``source`` to ``target``."""
    for data in graph.get_edge_data(source, target, default={}).values():
        if data["kind"] == kind:
            return data
    raise AssertionError(f"no {kind} edge {source} -> {target}")
