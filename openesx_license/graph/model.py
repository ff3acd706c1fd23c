"""The graph's vocabulary: edge kinds and :class:`DependencyEdge`.

The dependency graph itself is a ``networkx.MultiDiGraph`` (see :mod:`.builder` for its node
and edge attributes); :class:`DependencyEdge` is how other stages hand edges *into* it (the
``copy`` edges of copied code, the references to a proprietary IP index) and how an edge reads
when taken out of it (:func:`edge_from_data`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openesx_license.model import Evidence

#: every edge kind, in the order reports list them
EDGE_KINDS = ("include", "link", "symbol", "import", "copy")

#: what an edge of each kind says, for docs, ``--help`` and report legends
EDGE_MEANINGS = {
    "include": "the source file #includes the target header",
    "link": "the built artefact of the source build file (or composite object) contains or "
    "links the target's code",
    "symbol": "the source file calls or references a function or global defined in the target",
    "import": "the source Python module imports the target module",
    "copy": "the source file contains code copied from the target",
}


@dataclass(frozen=True, kw_only=True)
class DependencyEdge:
    """One dependency: ``source`` depends on ``target`` (both paths relative to the root).

    ``external`` marks a target that is not a file of the tree (an unresolved ``<stdio.h>``,
    an ``ipindex:<component>:<name>`` reference); ``symbol`` names the function, global or
    module the edge is about; ``gpl_only`` is set when that symbol is exported with
    ``EXPORT_SYMBOL_GPL``.
    """

    source: str
    target: str
    kind: str
    evidence: Evidence
    symbol: str | None = None
    gpl_only: bool = False
    external: bool = False

    def __post_init__(self) -> None:
        if self.kind not in EDGE_KINDS:
            raise ValueError(f"unknown edge kind {self.kind!r} (expected one of {EDGE_KINDS})")

    def attributes(self) -> dict[str, Any]:
        """The edge attributes as stored in the graph."""
        return {
            "kind": self.kind,
            "evidence": self.evidence,
            "symbol": self.symbol,
            "gpl_only": self.gpl_only,
        }


def edge_from_data(source: str, target: str, data: Mapping[str, Any]) -> DependencyEdge:
    """Rebuild a :class:`DependencyEdge` from a graph edge ``(source, target, data)``."""
    evidence = data.get("evidence")
    if not isinstance(evidence, Evidence):
        evidence = Evidence(path=source, line=None, text="", kind=str(data.get("kind", "")))
    return DependencyEdge(
        source=source,
        target=target,
        kind=str(data["kind"]),
        evidence=evidence,
        symbol=data.get("symbol"),
        gpl_only=bool(data.get("gpl_only", False)),
        external=bool(data.get("external", False)),
    )
