"""Writing the dependency graph as GraphML, DOT or JSON, at file or component level.

* ``graphml``: networkx's writer, after every attribute is made a GraphML scalar: evidence
  becomes ``evidence`` = ``path:line: text`` plus ``evidence_path``/``evidence_line``/
  ``evidence_text``, tuples and dicts become JSON strings, None is left out.
* ``dot``: written by hand so that every id and label is quoted and escaped; edges are
  labelled with their kind (and symbol), GPL-only symbol edges drawn bold red, external nodes
  dashed.
* ``json``: node-link form (``nodes``, ``links``) with the evidence as
  ``{path, line, text, kind}``; ``schema_version`` and ``level`` at the top.

Output is deterministic: nodes and edges are written in sorted order.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

import networkx as nx

from openesx_license.errors import UsageError
from openesx_license.graph.paths import component_graph
from openesx_license.model import Evidence

FORMATS = ("graphml", "dot", "json")
LEVELS = ("file", "component")
JSON_SCHEMA_VERSION = "1.0"


def _evidence_dict(evidence: Evidence) -> dict[str, Any]:
    return {
        "path": evidence.path,
        "line": evidence.line,
        "text": evidence.text,
        "kind": evidence.kind,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Evidence):
        return _evidence_dict(value)
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v) for v in items]
    return value


def _sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, Any, dict[str, Any]]]:
    def order(edge: tuple[str, str, Any, dict[str, Any]]) -> tuple[str, str, str, int, str]:
        source, target, _, data = edge
        evidence = data.get("evidence")
        line = evidence.line or 0 if isinstance(evidence, Evidence) else 0
        return (source, target, str(data.get("kind", "")), line, str(data.get("symbol") or ""))

    return sorted(graph.edges(keys=True, data=True), key=order)


def _scalar_attributes(data: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    for key, value in data.items():
        if isinstance(value, Enum):
            value = value.value
        if value is None:
            continue
        if isinstance(value, Evidence):
            out["evidence"] = f"{value.path}:{value.line or ''}: {value.text}"
            out["evidence_path"] = value.path
            if value.line is not None:
                out["evidence_line"] = value.line
            out["evidence_text"] = value.text
        elif isinstance(value, (bool, int, float, str)):
            out[key] = value
        else:
            out[key] = json.dumps(_jsonable(value), sort_keys=True, default=str)
    return out


def _one_type_per_key(rows: list[dict[str, str | int | float | bool]]) -> None:
    """GraphML declares one type per attribute: a key whose values mix types becomes text."""
    types: dict[str, set[type]] = {}
    for attrs in rows:
        for key, value in attrs.items():
            types.setdefault(key, set()).add(type(value))
    mixed = {key for key, found in types.items() if len(found) > 1}
    if mixed:
        for attrs in rows:
            for key in mixed & attrs.keys():
                attrs[key] = str(attrs[key])


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML text of ``graph`` (readable back with ``networkx.read_graphml``)."""
    flat = nx.MultiDiGraph()
    for key in ("root", "level"):
        if key in graph.graph:
            flat.graph[key] = str(graph.graph[key])
    nodes = [(node, _scalar_attributes(graph.nodes[node])) for node in sorted(graph.nodes)]
    edges = [(s, t, _scalar_attributes(d)) for s, t, _, d in _sorted_edges(graph)]
    _one_type_per_key([attrs for _, attrs in nodes])
    _one_type_per_key([attrs for _, _, attrs in edges])
    for node, attrs in nodes:
        flat.add_node(node, **attrs)
    for number, (source, target, attrs) in enumerate(edges):
        flat.add_edge(source, target, key=number, **attrs)
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def to_json(graph: nx.MultiDiGraph, level: str) -> str:
    """Node-link JSON of ``graph`` with evidence as objects."""
    nodes = [{"id": node, **_jsonable(dict(graph.nodes[node]))} for node in sorted(graph.nodes)]
    links = [
        {"source": source, "target": target, **_jsonable(dict(data))}
        for source, target, _key, data in _sorted_edges(graph)
    ]
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "level": level,
        "directed": True,
        "multigraph": True,
        "graph": {"root": graph.graph.get("root"), "stats": _jsonable(graph.graph.get("stats"))},
        "nodes": nodes,
        "links": links,
    }
    return json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\n"


def dot_quote(text: str) -> str:
    """``text`` as a DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


_CLASS_COLOURS = {
    "open": "#2e7d32",
    "proprietary": "#c62828",
    "third-party": "#1565c0",
    "external": "#757575",
    "unmapped": "#757575",
}


def to_dot(graph: nx.MultiDiGraph, level: str) -> str:
    """DOT text of ``graph`` (Graphviz), every id and label quoted."""
    lines = [f"digraph {dot_quote('dependencies-' + level)} {{", "  rankdir=LR;"]
    lines.append('  node [shape=box, fontname="Helvetica", fontsize=10];')
    lines.append('  edge [fontname="Helvetica", fontsize=8];')
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        cls = str(attrs.get("component_class") or ("external" if attrs.get("external") else ""))
        label = node
        if level == "component":
            label = f"{node}\n{cls} - {attrs.get('files', 0)} files"
        elif attrs.get("component"):
            label = f"{node}\n[{attrs['component']}]"
        parts = [f"label={dot_quote(label)}"]
        if cls in _CLASS_COLOURS:
            parts.append(f"color={dot_quote(_CLASS_COLOURS[cls])}")
        if attrs.get("external"):
            parts.append('style="dashed"')
        lines.append(f"  {dot_quote(node)} [{', '.join(parts)}];")
    for source, target, _key, data in _sorted_edges(graph):
        label = str(data.get("kind", ""))
        if data.get("symbol"):
            label += f": {data['symbol']}"
        if "count" in data:
            label += f" ({data['count']})"
        parts = [f"label={dot_quote(label)}"]
        evidence = data.get("evidence")
        if isinstance(evidence, Evidence):
            tooltip = f"{evidence.path}:{evidence.line or ''}: {evidence.text}"
            parts.append(f"tooltip={dot_quote(tooltip)}")
        if data.get("gpl_only"):
            parts.append('color="red", style="bold"')
        lines.append(f"  {dot_quote(source)} -> {dot_quote(target)} [{', '.join(parts)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(graph: nx.MultiDiGraph, fmt: str, level: str = "file") -> str:
    """``graph`` (the file-level graph of :func:`~.build_graph`) as ``fmt`` at ``level``.

    ``fmt`` is one of :data:`FORMATS`, ``level`` one of :data:`LEVELS` ('component' condenses
    first with :func:`~.component_graph`). Raises
    :class:`~openesx_license.errors.UsageError` for an unknown format or level.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown graph format {fmt!r} (choose one of {', '.join(FORMATS)})")
    if level not in LEVELS:
        raise UsageError(f"unknown graph level {level!r} (choose one of {', '.join(LEVELS)})")
    view = component_graph(graph) if level == "component" else graph
    if fmt == "graphml":
        return to_graphml(view)
    if fmt == "dot":
        return to_dot(view, level)
    return to_json(view, level)
