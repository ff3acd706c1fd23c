"""SBOM identity defaults and the component edges as SPDX relationships."""

from __future__ import annotations

import dataclasses
import json

from openesx_license.model import AuditResult, ComponentEdge
from openesx_license.reports.cyclonedx import render_cyclonedx
from openesx_license.reports.sbom_identity import package_relationships
from openesx_license.reports.spdx import render_spdx


def _edge(source: str, target: str, *kinds: str, count: int = 1) -> ComponentEdge:
    return ComponentEdge(source=source, target=target, kinds=kinds, count=count, crossing=False)


def test_relationship_types_from_edge_kinds() -> None:
    edges = [
        _edge("build", "drivers", "link", count=2),
        _edge("drivers", "vmkernel", "include", "symbol", count=13),
        _edge("vmkernel", "vmotion", "copy", "include"),  # vmotion is not released
        _edge("tools", "vmkernel", "copy"),
    ]
    rels = package_relationships(edges, {"build", "drivers", "vmkernel", "tools"})
    assert [(r.source, r.type, r.target, r.kinds) for r in rels] == [
        ("build", "STATIC_LINK", "drivers", ("link",)),
        ("drivers", "DEPENDS_ON", "vmkernel", ("include", "symbol")),
        ("tools", "OTHER", "vmkernel", ("copy",)),
    ]


def test_spdx_packages_carry_identity_and_graph_relationships(awkward_result: AuditResult) -> None:
    names = [c.name for c in awkward_result.components if c.component_class != "proprietary"]
    assert len(names) >= 2
    first, second = names[0], names[1]
    components = tuple(
        dataclasses.replace(c, version="9.9", supplier="Person: A B", purl="pkg:generic/x@9.9")
        if c.name == second
        else c
        for c in awkward_result.components
    )
    result = dataclasses.replace(
        awkward_result,
        components=components,
        component_edges=(_edge(first, second, "link", "include"),),
    )
    doc = json.loads(render_spdx(result))
    packages = {p["name"]: p for p in doc["packages"]}
    assert packages[second]["versionInfo"] == "9.9"
    assert packages[second]["supplier"] == "Person: A B"
    assert packages[second]["externalRefs"] == [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceLocator": "pkg:generic/x@9.9",
            "referenceType": "purl",
        }
    ]
    open_package = packages[first]
    assert open_package["versionInfo"] == result.tree_hash
    assert open_package["supplier"] == f"Organization: {result.release_name}"
    types = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    }
    first_id, second_id = packages[first]["SPDXID"], packages[second]["SPDXID"]
    assert (first_id, "STATIC_LINK", second_id) in types
    assert (first_id, "DEPENDS_ON", second_id) in types
    bom = json.loads(render_cyclonedx(result))
    by_name = {c["name"]: c for c in bom["components"]}
    assert by_name[second]["version"] == "9.9"
    assert by_name[second]["purl"] == "pkg:generic/x@9.9"
    assert by_name[first]["version"] == result.tree_hash
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert f"component:{second}" in deps[f"component:{first}"]
