"""Version, supplier and identifiers of the SBOMs' packages, shared by SPDX and CycloneDX.

NTIA's minimum elements ask every component for a supplier and a version. The policy gives
them per ``[[component]]`` (``version``, ``supplier``, ``purl``, ``cpe``); where it does not:

- the release itself and its **open** components are this tree: their version is the audit's
  tree hash (``git:<commit>`` or a hash over the inventory), their supplier the release's
  project (``Organization: <release name>``);
- a **third-party** component has no default: the SBOM says NOASSERTION (SPDX) or leaves the
  field out (CycloneDX), and NTIA conformance needs the policy to name it.

The component edges of the audit (the file graph condensed to component pairs) become SPDX
relationships: ``link`` edges ``STATIC_LINK`` (the source component's built artefact links the
target's code), ``include``/``symbol``/``import`` edges ``DEPENDS_ON``, ``copy`` edges ``OTHER``
(code copied from the target). No edge kind records that one component is generated from
another, so ``GENERATED_FROM`` is not written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openesx_license.model import AuditResult, ComponentEdge, ComponentSummary

#: edge kind -> SPDX relationship type name (source component -> target component)
SPDX_RELATIONSHIP = {
    "link": "STATIC_LINK",
    "include": "DEPENDS_ON",
    "symbol": "DEPENDS_ON",
    "import": "DEPENDS_ON",
    "copy": "OTHER",
}


def release_version(result: AuditResult) -> str:
    """The release's version: the audited tree's hash."""
    return result.tree_hash or "unknown"


def release_supplier(result: AuditResult) -> str:
    """The release's supplier: its own project."""
    return f"Organization: {result.release_name or 'release'}"


def component_version(comp: ComponentSummary, result: AuditResult) -> str | None:
    """The policy's version; an open component's default is the release's."""
    if comp.version:
        return comp.version
    return release_version(result) if comp.component_class == "open" else None


def component_supplier(comp: ComponentSummary, result: AuditResult) -> str | None:
    """The policy's supplier; an open component's default is the release's project."""
    if comp.supplier:
        return comp.supplier
    return release_supplier(result) if comp.component_class == "open" else None


def split_supplier(supplier: str) -> tuple[str, str]:
    """``("Organization", "X")`` of a normalised supplier."""
    kind, _, name = supplier.partition(":")
    return kind.strip(), name.strip()


@dataclass(frozen=True, kw_only=True)
class PackageRelationship:
    """One SPDX relationship between two released components, with what it condenses."""

    source: str
    target: str
    type: str  # SPDX RelationshipType name
    kinds: tuple[str, ...]
    count: int


def package_relationships(
    edges: Iterable[ComponentEdge], released: set[str]
) -> list[PackageRelationship]:
    """The component edges between released components as SPDX relationships, one per
    (source, target, type), in a stable order."""
    grouped: dict[tuple[str, str, str], tuple[set[str], int]] = {}
    for edge in edges:
        if edge.source not in released or edge.target not in released:
            continue
        if edge.source == edge.target:
            continue
        for kind in edge.kinds:
            rel_type = SPDX_RELATIONSHIP.get(kind)
            if rel_type is None:
                continue
            key = (edge.source, edge.target, rel_type)
            kinds, count = grouped.get(key, (set(), 0))
            kinds.add(kind)
            grouped[key] = (kinds, max(count, edge.count))
    return [
        PackageRelationship(source=s, target=t, type=rel, kinds=tuple(sorted(kinds)), count=count)
        for (s, t, rel), (kinds, count) in sorted(grouped.items())
    ]
