"""The forbidden-path search against a plain per-file breadth-first search on random graphs:
the same (file, component) pairs, each with a path of the same (shortest) length."""

from __future__ import annotations

import dataclasses
from collections import deque

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from openesx_license.checks.boundaries import NodeComponents, forbidden_paths
from openesx_license.config.components import ComponentMap
from openesx_license.config.loader import parse_policy
from openesx_license.config.model import BoundaryRule, Component
from openesx_license.model import Evidence

POLICY = parse_policy(
    """
[release]
name = "t"
license = "GPL-2.0-only"
[[component]]
name = "open"
class = "open"
paths = ["o/**"]
[[component]]
name = "vendor"
class = "third-party"
paths = ["v/**"]
[[component]]
name = "p1"
class = "proprietary"
paths = ["p1/**"]
[[component]]
name = "p2"
class = "proprietary"
paths = ["p2/**"]
[[rule]]
name = "no"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
edges = ["include", "symbol"]
""",
    source="p.toml",
)
NODES = [f"{d}/{i}.c" for d in ("o", "v", "p1", "p2", "x") for i in range(4)]


def reference(g: nx.MultiDiGraph, rule: BoundaryRule, comp: NodeComponents) -> dict:
    """Per-file BFS through files outside the `from` side, stopping at `to` files."""
    out: dict[tuple[str, str], int] = {}
    for source in sorted(n for n in g if rule.source.matches(comp(n))):
        seen, queue = {source: 0}, deque([source])
        while queue:
            node = queue.popleft()
            for _, target, data in g.out_edges(node, data=True):
                if data["kind"] not in rule.edges or target in seen:
                    continue
                seen[target] = seen[node] + 1
                component: Component | None = comp(target)
                if rule.target.matches(component):
                    assert component is not None
                    key = (source, component.name)
                    out[key] = min(out.get(key, 99), seen[target])
                elif rule.transitive and not rule.source.matches(component):
                    queue.append(target)
    return out


@settings(max_examples=150, deadline=None)
@given(
    edges=st.lists(
        st.tuples(
            st.sampled_from(NODES), st.sampled_from(NODES), st.sampled_from(["include", "link"])
        ),
        max_size=40,
    ),
    transitive=st.booleans(),
)
def test_forbidden_paths_match_a_per_file_search(
    edges: list[tuple[str, str, str]], transitive: bool
) -> None:
    g = nx.MultiDiGraph()
    g.add_nodes_from(NODES, external=False)
    for line, (s, t, kind) in enumerate(edges, start=1):
        if s != t:
            g.add_edge(s, t, kind=kind, evidence=Evidence(path=s, line=line, text="", kind=kind))
    rule = dataclasses.replace(POLICY.rules[0], transitive=transitive)
    comp = NodeComponents(ComponentMap(POLICY), g)
    found = {(s, c.name): path for s, c, path in forbidden_paths(g, rule, comp)}
    assert {k: len(p) for k, p in found.items()} == reference(g, rule, comp)
    for (source, name), path in found.items():
        assert path[0][0] == source and comp(path[-1][1]).name == name  # type: ignore[union-attr]
        assert all(a[1] == b[0] for a, b in zip(path, path[1:], strict=False))  # a connected chain
        assert all(not rule.source.matches(comp(hop[0])) for hop in path[1:])
