"""The graph's attribute schema, as types: what every node and edge of the file graph carries.

The dependency graph is a plain ``networkx.MultiDiGraph`` (so that exports, path searches and
the checks use networkx as it is); these ``TypedDict`` s say which attributes its nodes and
edges have, and :func:`file_node`/:func:`external_node` are the only places nodes are made.
"""

from __future__ import annotations

from typing import Any, TypedDict

from openesx_license.model import Evidence


class NodeAttributes(TypedDict):
    """A node: a file of the tree, or an external name (an unresolved include, an IP-index
    reference ``ipindex:<component>:<name>``) with ``external=True`` and ``kind='external'``."""

    component: str | None  # None when no component claims it
    component_class: str | None  # open | proprietary | third-party
    license: str | None  # the file's concluded licence expression
    kind: str  # the inventory's FileKind value, or 'external'
    external: bool


class EdgeAttributes(TypedDict, total=False):
    """An edge: the source depends on the target. ``kind``, ``evidence``, ``symbol``,
    ``gpl_only`` and ``external`` are always there; the others per kind: ``resolved_by``
    (include), ``condition``/``artefact``/``library``/``subdir`` (link), ``symbols``
    (symbol), ``module`` (import)."""

    kind: str  # an EdgeKind value
    evidence: Evidence  # the line that proves the edge, in the source file
    symbol: str | None
    gpl_only: bool
    external: bool
    resolved_by: str
    condition: str | None
    artefact: str | None
    library: str | None
    subdir: str | None
    symbols: Any
    module: str


def file_node(
    owner: tuple[str, str] | None, license_expression: str | None, kind: str
) -> NodeAttributes:
    """The attributes of a file of the tree owned by ``owner`` ((name, class) or None)."""
    return NodeAttributes(
        component=owner[0] if owner else None,
        component_class=owner[1] if owner else None,
        license=license_expression,
        kind=kind,
        external=False,
    )


def external_node(owner: tuple[str, str] | None) -> NodeAttributes:
    """The attributes of a name the tree does not hold."""
    return NodeAttributes(
        component=owner[0] if owner else None,
        component_class=owner[1] if owner else None,
        license=None,
        kind="external",
        external=True,
    )
