"""SPDX 2.3 and CycloneDX 1.6 SBOMs of the open release, validated by their own libraries."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from openesx_license.model import AuditResult, ComponentSummary
from openesx_license.reports.cyclonedx import render_cyclonedx
from openesx_license.reports.spdx import render_spdx
from tests.helpers.report_fixtures import SPACED_PATH, WITH_EXPR


def spdx_problems(text: str, tmp_path: Path) -> list[str]:
    """Parse the document back with spdx-tools and validate it fully."""
    path = tmp_path / "sbom.spdx.json"
    path.write_text(text, encoding="utf-8")
    document = parse_file(str(path))
    return [m.validation_message for m in validate_full_spdx_document(document)]


def cyclonedx_problems(text: str) -> list[str]:
    """Validate with cyclonedx-python-lib's strict 1.6 JSON validator."""
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    return [str(e) for e in (errors or [])]


@pytest.fixture
def spdx(awkward_result: AuditResult) -> dict[str, Any]:
    return json.loads(render_spdx(awkward_result))


@pytest.fixture
def cdx(awkward_result: AuditResult) -> dict[str, Any]:
    return json.loads(render_cyclonedx(awkward_result))


def _spdx_files(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["fileName"][2:]: f for f in doc["files"]}


def _cdx_files(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for c in doc["components"] for f in c.get("components", [])}


def test_spdx_is_valid(awkward_result: AuditResult, tmp_path: Path) -> None:
    assert spdx_problems(render_spdx(awkward_result), tmp_path) == []


def test_cyclonedx_is_valid(awkward_result: AuditResult) -> None:
    assert cyclonedx_problems(render_cyclonedx(awkward_result)) == []


def test_proprietary_files_left_out_and_said_so(spdx: dict[str, Any], cdx: dict[str, Any]) -> None:
    assert "vmotion/migrate.c" not in _spdx_files(spdx)
    assert "vmotion/migrate.c" not in _cdx_files(cdx)
    assert "vmotion" not in {p["name"] for p in spdx["packages"]}
    assert "Proprietary components are excluded (vmotion: 1 file)" in spdx["comment"]
    scope = {p["name"]: p["value"] for p in cdx["metadata"]["properties"]}["openesx:scope"]
    assert "Proprietary components are excluded" in scope
    # every other file is there
    assert len(_spdx_files(spdx)) == len(_cdx_files(cdx)) == 7


def test_spdx_file_facts(spdx: dict[str, Any]) -> None:
    files = _spdx_files(spdx)
    sched = files["vmkernel/sched.c"]
    assert sched["checksums"] == [{"algorithm": "SHA1", "checksumValue": "1" * 40}]
    assert "Jürgen Müller" in sched["copyrightText"]
    assert "株式会社 OpenESX" in sched["copyrightText"]
    assert files[SPACED_PATH]["fileName"] == f"./{SPACED_PATH}"
    bare = files["vmkernel/nolicense.c"]
    assert bare["licenseConcluded"] == "NOASSERTION"
    assert bare["licenseInfoInFiles"] == ["NONE"]
    assert bare["copyrightText"] == "NONE"
    uapi = files["include/uapi/linux/syscall.h"]
    assert uapi["licenseConcluded"] == WITH_EXPR
    assert uapi["licenseInfoInFiles"] == ["GPL-2.0-only WITH Linux-syscall-note", "MIT"]


def test_spdx_license_refs_have_extracted_info(spdx: dict[str, Any]) -> None:
    infos = {i["licenseId"]: i for i in spdx["hasExtractedLicensingInfos"]}
    assert set(infos) == {"LicenseRef-OpenESX-Custom", "LicenseRef-scancode-public-domain"}
    assert "vmkernel/custom.c" in infos["LicenseRef-OpenESX-Custom"]["comment"]
    assert infos["LicenseRef-scancode-public-domain"]["name"] == "Public Domain"


def test_spdx_structure(spdx: dict[str, Any]) -> None:
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in spdx["relationships"]
    }
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Package-release-OpenESX") in rels
    assert ("SPDXRef-Package-release-OpenESX", "CONTAINS", "SPDXRef-Package-vmkernel") in rels
    packages = {p["name"]: p for p in spdx["packages"]}
    assert packages["linux-uapi"]["licenseDeclared"] == WITH_EXPR
    assert packages["vmkernel"]["packageVerificationCode"]["packageVerificationCodeValue"]
    contained = sum(1 for r in rels if r[0] == "SPDXRef-Package-vmkernel")
    assert contained == 5


def test_cyclonedx_file_facts(cdx: dict[str, Any]) -> None:
    files = _cdx_files(cdx)
    uapi = files["include/uapi/linux/syscall.h"]
    assert uapi["licenses"] == [{"acknowledgement": "concluded", "expression": WITH_EXPR}]
    assert uapi["evidence"]["licenses"][0]["acknowledgement"] == "declared"
    assert uapi["hashes"] == [{"alg": "SHA-1", "content": "4" * 40}]
    assert "licenses" not in files["vmkernel/nolicense.c"]
    holders = [
        p["value"] for p in files["vmkernel/sched.c"]["properties"] if p["name"] == "openesx:holder"
    ]
    assert holders == ["Jürgen Müller", "株式会社 OpenESX"]
    assert files[SPACED_PATH]["bom-ref"] == f"file:{SPACED_PATH}"


def test_cyclonedx_dependencies_only_between_released(cdx: dict[str, Any]) -> None:
    refs = {d["ref"]: d.get("dependsOn", []) for d in cdx["dependencies"]}
    assert sorted(refs["release"]) == [
        "component:libpd",
        "component:linux-uapi",
        "component:vmkernel",
    ]
    assert all("vmotion" not in r for deps in refs.values() for r in deps)


def test_unparsable_and_unknown_ids_stay_valid(awkward_result: AuditResult, tmp_path: Path) -> None:
    odd = tuple(
        dataclasses.replace(
            f,
            license_expression="MIT AND (",
            detected_license_expression="unknown OR Foo Bar-1.0",
        )
        if f.path == "vmkernel/sched.c"
        else f
        for f in awkward_result.scan.files
    )
    result = dataclasses.replace(
        awkward_result, scan=dataclasses.replace(awkward_result.scan, files=odd)
    )
    text = render_spdx(result)
    assert spdx_problems(text, tmp_path) == []
    sched = _spdx_files(json.loads(text))["vmkernel/sched.c"]
    assert sched["licenseConcluded"] == "NOASSERTION"
    assert cyclonedx_problems(render_cyclonedx(result)) == []


def test_policy_without_components_releases_everything(
    awkward_result: AuditResult, tmp_path: Path
) -> None:
    result = dataclasses.replace(awkward_result, components=(), component_edges=())
    doc = json.loads(render_spdx(result))
    assert len(doc["files"]) == len(awkward_result.scan.files)
    assert spdx_problems(render_spdx(result), tmp_path) == []
    assert cyclonedx_problems(render_cyclonedx(result)) == []


def test_empty_component_is_valid(awkward_result: AuditResult, tmp_path: Path) -> None:
    extra = ComponentSummary(
        name="docs", component_class="open", declared_license="CC-BY-4.0", files=0
    )
    result = dataclasses.replace(awkward_result, components=(*awkward_result.components, extra))
    assert spdx_problems(render_spdx(result), tmp_path) == []
    assert cyclonedx_problems(render_cyclonedx(result)) == []


def test_linear_validation_catches_broken_file_relationships(
    awkward_result: AuditResult,
) -> None:
    from spdx_tools.spdx.model import Relationship, RelationshipType

    from openesx_license.reports.spdx import spdx_document, validation_problems

    document = spdx_document(awkward_result)
    assert validation_problems(document) == []
    first = document.files[0].spdx_id
    document.relationships.append(
        Relationship("SPDXRef-Package-libpd", RelationshipType.CONTAINS, first)
    )
    document.relationships.append(Relationship("SPDXRef-File-2", RelationshipType.CONTAINS, first))
    document.relationships.append(
        Relationship("SPDXRef-Package-vmkernel", RelationshipType.DESCRIBES, "SPDXRef-Nowhere")
    )
    problems = validation_problems(document)
    assert any("SPDXRef-File-2 is not a package" in p for p in problems)
    assert any(f"file {first} is contained by 3 packages" in p for p in problems)
    assert any("SPDXRef-Nowhere" in p for p in problems)  # the library's own check


def test_standalone_exceptions_become_license_refs(
    awkward_result: AuditResult, tmp_path: Path
) -> None:
    """ScanCode's 'GPL-1.0-or-later AND Autoconf-exception-3.0' (seen on Xen) stays valid."""
    from openesx_license.reports.notice import render_notice

    seen_on_xen = "GPL-1.0-or-later AND (GPL-2.0-only AND Autoconf-exception-3.0) AND " + (
        "LicenseRef-scancode-generic-exception"
    )
    files = tuple(
        dataclasses.replace(
            f, license_expression=seen_on_xen, detected_license_expression=seen_on_xen
        )
        if f.path == "include/uapi/linux/syscall.h"
        else f
        for f in awkward_result.scan.files
    )
    result = dataclasses.replace(
        awkward_result, scan=dataclasses.replace(awkward_result.scan, files=files)
    )
    text = render_spdx(result)
    assert spdx_problems(text, tmp_path) == []
    doc = json.loads(text)
    infos = {i["licenseId"]: i for i in doc["hasExtractedLicensingInfos"]}
    autoconf = infos["LicenseRef-exception-Autoconf-exception-3.0"]
    assert "without the licence it modifies" in autoconf["comment"]
    assert "Autoconf" in autoconf["extractedText"] and len(autoconf["extractedText"]) > 200
    assert "LicenseRef-exception-scancode-generic-exception" in infos
    uapi = _spdx_files(doc)["include/uapi/linux/syscall.h"]
    assert "LicenseRef-exception-Autoconf-exception-3.0" in uapi["licenseConcluded"]
    cdx_text = render_cyclonedx(result)
    assert cyclonedx_problems(cdx_text) == []
    assert "LicenseRef-exception-Autoconf-exception-3.0" in cdx_text
    notice = render_notice(result)  # the NOTICE keeps the real id and its text
    assert "Autoconf-exception-3.0: " in notice
    assert "LicenseRef-exception-" not in notice


@pytest.mark.parametrize("drop", [0, 1])
def test_cyclonedx_files_added_to_the_json_as_the_library_writes_them(
    awkward_result: AuditResult, drop: int
) -> None:
    """The files are serialised one by one into the library's JSON (its sorted set of whole
    components took minutes for Linux): the text is the library's own, byte for byte; also
    with the files in reverse order (the library sorts them by path)."""
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat

    from openesx_license.reports.cyclonedx import cyclonedx_bom

    files = awkward_result.scan.files[drop:]
    result = dataclasses.replace(
        awkward_result, scan=dataclasses.replace(awkward_result.scan, files=files[::-1])
    )
    library = make_outputter(cyclonedx_bom(result), OutputFormat.JSON, SchemaVersion.V1_6)
    expected = library.output_as_string(indent=2) + "\n"
    assert sum(len(c.get("components", ())) for c in json.loads(expected)["components"]) > 2
    assert render_cyclonedx(result) == expected
