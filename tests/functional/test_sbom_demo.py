"""The demo's SBOMs as downstream tools read them: NTIA minimum elements (the
``ntia-conformance-checker`` package), SPDX relationships from the graph, CycloneDX components
that Dependency-Track can match (version and purl)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from ntia_conformance_checker.sbom_checker import SbomChecker

from openesx_license.config.loader import load_policy
from openesx_license.pipeline import run_audit
from openesx_license.reports import write_reports
from openesx_license.resources import rules_file

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.scancode


@pytest.fixture(scope="module")
def sboms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("sbom-demo") / "openesx-mini"
    shutil.copytree(REPO / "examples" / "openesx-mini", tree)
    cache = tmp_path_factory.mktemp("sbom-cache")
    result = run_audit(tree, load_policy(rules_file("openesx.toml")), jobs=1, cache_dir=cache)
    out = tmp_path_factory.mktemp("sbom-out")
    write_reports(result, out, ["spdx", "cyclonedx"])
    return out


def test_ntia_minimum_elements_met(sboms: Path) -> None:
    checker = SbomChecker(str(sboms / "sbom.spdx.json"))
    assert not checker.parsing_error
    assert checker.components_without_versions == []
    assert checker.components_without_suppliers == []
    assert checker.dependency_relationships
    assert checker.ntia_minimum_elements_compliant


def test_spdx_relationships_from_the_graph(sboms: Path) -> None:
    doc = json.loads((sboms / "sbom.spdx.json").read_text())
    ids = {p["name"]: p["SPDXID"] for p in doc["packages"]}
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    }
    assert (ids["drivers"], "DEPENDS_ON", ids["vmkernel"]) in rels
    assert (ids["build"], "STATIC_LINK", ids["vmkernel"]) in rels
    assert (ids["vmkernel"], "DEPENDS_ON", ids["zlib"]) in rels
    assert "vmotion" not in ids  # proprietary: neither a package nor a relationship
    zlib = next(p for p in doc["packages"] if p["name"] == "zlib")
    assert zlib["versionInfo"] == "1.2.11"
    refs = {r["referenceType"]: r["referenceLocator"] for r in zlib["externalRefs"]}
    assert refs == {
        "purl": "pkg:github/madler/zlib@v1.2.11",
        "cpe23Type": "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*",
    }


def test_cyclonedx_components_have_version_and_purl(sboms: Path) -> None:
    text = (sboms / "sbom.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    by_name = {c["name"]: c for c in bom["components"]}
    assert all(c.get("version") for c in by_name.values())
    assert by_name["zlib"]["purl"] == "pkg:github/madler/zlib@v1.2.11"
    assert by_name["jsmn"]["supplier"]["name"] == "Serge Zaitsev"
    assert by_name["zlib"]["cpe"].startswith("cpe:2.3:a:zlib:zlib:")
    deps = {d["ref"]: set(d.get("dependsOn", [])) for d in bom["dependencies"]}
    assert "component:vmkernel" in deps["component:drivers"]
