"""findings.sarif: schema-valid SARIF 2.1.0 within GitHub code scanning's limits."""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

from openesx_license.checks.registry import all_checks
from openesx_license.model import AuditResult, Evidence, Finding, Severity
from openesx_license.pipeline import repository_prefix
from openesx_license.reports.sarif import FINGERPRINT_KEY, RULES_URI, render_sarif, sarif_log
from tests.helpers.report_fixtures import build_awkward_result
from tests.helpers.schema_checks import sarif_schema, validate

REPO = Path(__file__).resolve().parents[3]


def _run(result: AuditResult) -> dict[str, Any]:
    return json.loads(render_sarif(result))["runs"][0]


def test_sarif_is_schema_valid(awkward_result: AuditResult) -> None:
    validate(json.loads(render_sarif(awkward_result)), sarif_schema())


def test_every_registered_rule_is_described(awkward_result: AuditResult) -> None:
    rules = {r["id"]: r for r in _run(awkward_result)["tool"]["driver"]["rules"]}
    for rule_id, rule in all_checks().items():
        desc = rules[rule_id]
        assert desc["shortDescription"]["text"] == rule.title
        assert rule.guidance in desc["help"]["markdown"]
        assert desc["defaultConfiguration"]["level"] == rule.severity.value
        assert 1 <= len(desc["properties"]["tags"]) <= 20
    # rules used by findings are described even when no module registered them (yet)
    assert {f.rule for f in awkward_result.findings} <= set(rules)


def test_results_point_into_srcroot(awkward_result: AuditResult) -> None:
    run = _run(awkward_result)
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].endswith("/")
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert not loc["artifactLocation"]["uri"].startswith("/")
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert "vmkernel/dir%20with%20spaces/util%20file.c" in uris


def test_region_only_when_line_known(awkward_result: AuditResult) -> None:
    by_rule = {r["ruleId"]: r for r in _run(awkward_result)["results"]}
    assert by_rule["boundary-crossing"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12
    }
    assert "region" not in by_rule["unknown-license"]["locations"][0]["physicalLocation"]


def test_dependency_chain_as_related_locations_and_code_flow(
    awkward_result: AuditResult,
) -> None:
    res = next(r for r in _run(awkward_result)["results"] if r["ruleId"] == "boundary-crossing")
    related = res["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == [
        "vmkernel/sched.c",
        "vmkernel/migrate_api.h",
        "vmotion/migrate.c",
    ]
    assert res["message"]["text"].endswith(
        "\nPath: [vmkernel/sched.c:12](1) -> [vmkernel/migrate_api.h:4](2)"
        " -> [vmotion/migrate.c:40](3)"
    )
    flow = res["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [loc["kinds"] for loc in flow] == [["include"], ["symbol"], ["symbol"]]
    assert flow[2]["location"]["physicalLocation"]["region"]["startLine"] == 40


def test_accepted_findings_are_suppressed(awkward_result: AuditResult) -> None:
    by_rule = {r["ruleId"]: r for r in _run(awkward_result)["results"]}
    assert "suppressions" not in by_rule["boundary-crossing"]
    waived = by_rule["unknown-license"]["suppressions"][0]
    assert waived["kind"] == "external" and waived["status"] == "accepted"
    assert "generated file" in waived["justification"]
    assert by_rule["license-conflict"]["baselineState"] == "unchanged"
    assert by_rule["boundary-crossing"]["baselineState"] == "new"


def test_fingerprints_survive_line_shifts(awkward_result: AuditResult) -> None:
    def shifted(f: Finding) -> Finding:
        evidence = tuple(
            dataclasses.replace(e, line=(e.line or 0) + 7, text=f"  {e.text}  ") for e in f.evidence
        )
        return dataclasses.replace(f, line=(f.line or 0) + 7, evidence=evidence)

    moved = dataclasses.replace(
        awkward_result, findings=tuple(shifted(f) for f in awkward_result.findings)
    )
    before = [r["partialFingerprints"] for r in _run(awkward_result)["results"]]
    after = [r["partialFingerprints"] for r in _run(moved)["results"]]
    assert before == after
    assert len({fp[FINGERPRINT_KEY] for fp in before}) == len(before)
    # the gate's fingerprint wins when set
    assert {"f" * 32} <= {fp[FINGERPRINT_KEY] for fp in before}


def test_fingerprint_changes_with_target(awkward_result: AuditResult) -> None:
    base = awkward_result.findings[0]
    other = dataclasses.replace(base, target="vmotion/other.c")
    one = dataclasses.replace(awkward_result, findings=(base,))
    two = dataclasses.replace(awkward_result, findings=(other,))
    fp = [_run(r)["results"][0]["partialFingerprints"] for r in (one, two)]
    assert fp[0] != fp[1]


def _many(result: AuditResult, n: int, hops: int = 1) -> AuditResult:
    findings = tuple(
        Finding(
            rule="unmapped-file" if i % 2 else "denied-license",
            severity=Severity.NOTE if i % 2 else Severity.ERROR,
            path=f"src/file{i}.c",
            line=i + 1,
            component=None,
            message=f"finding {i}",
            evidence=tuple(
                Evidence(
                    path=f"src/hop{i}_{h}.c", line=h + 1, text=f"hop {h} of {i}", kind="include"
                )
                for h in range(hops)
            ),
        )
        for i in range(n)
    )
    return dataclasses.replace(result, findings=findings)


def test_results_truncated_worst_first_with_note(awkward_result: AuditResult) -> None:
    log = sarif_log(_many(awkward_result, 10), max_results=4)
    run = log["runs"][0]
    assert len(run["results"]) == 4
    assert {r["level"] for r in run["results"]} == {"error"}
    assert run["properties"]["resultsTruncated"] is True
    assert "6 of 10 findings left out" in run["properties"]["truncationNote"]
    validate(log, sarif_schema())


def test_related_locations_capped(awkward_result: AuditResult) -> None:
    res = _run(_many(awkward_result, 1, hops=1200))["results"][0]
    assert len(res["relatedLocations"]) == 1000
    assert len(res["codeFlows"][0]["threadFlows"][0]["locations"]) == 1200


def test_gzip_limit_trims_flows_then_results(awkward_result: AuditResult) -> None:
    big = _many(awkward_result, 200, hops=20)
    text = render_sarif(big, max_gzip_bytes=9_000)
    assert len(gzip.compress(text.encode())) <= 9_000
    run = json.loads(text)["runs"][0]
    assert run["properties"]["flowsTrimmed"] is True
    assert "codeFlows" not in run["results"][0]
    assert all("Path: [" not in r["message"]["text"] for r in run["results"])
    assert run["properties"]["resultsTruncated"] is True
    validate(json.loads(text), sarif_schema())


def test_rules_have_help_uri_at_their_docs_section_and_security_severity(
    awkward_result: AuditResult,
) -> None:
    from openesx_license.cli.rules import rules_markdown

    docs = (REPO / "docs" / "rules.md").read_text()
    assert docs == rules_markdown(), "regenerate: openesx-license rules --markdown > docs/rules.md"
    headings = {line[3:] for line in docs.splitlines() if line.startswith("## ")}
    rules = _run(awkward_result)["tool"]["driver"]["rules"]
    for rule in rules:
        uri = rule.get("helpUri")
        if rule["id"] in all_checks():
            assert uri == f"{RULES_URI}#{rule['id']}"
            assert rule["id"] in headings  # the anchor GitHub makes of "## <id>"
        severity = float(rule["properties"]["security-severity"])
        assert 0.0 < severity <= 10.0
        assert "security" in rule["properties"]["tags"]  # GitHub reads the severity only then
    by_id = {r["id"]: r for r in rules}
    assert by_id["proprietary-code"]["properties"]["security-severity"] == "9.5"
    assert float(by_id["stale-waiver"]["properties"]["security-severity"]) < 4.0


def test_automation_details_name_the_run(awkward_result: AuditResult) -> None:
    run = _run(awkward_result)
    assert run["automationDetails"]["id"] == f"openesx-license/{awkward_result.generated_at}"
    inside = dataclasses.replace(awkward_result, repository_prefix="hypervisor/")
    assert _run(inside)["automationDetails"]["id"].startswith("openesx-license/hypervisor/")


def test_paths_relative_to_the_repository_top_for_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    root = repo / "hypervisor" / "core"
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert repository_prefix(root) == "hypervisor/core/"
    assert repository_prefix(repo) == ""
    assert repository_prefix(tmp_path) is None
    result = dataclasses.replace(
        build_awkward_result(), root=str(root), repository_prefix="hypervisor/core/"
    )
    log = json.loads(render_sarif(result))
    validate(log, sarif_schema())
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["REPOROOT"]["uri"] == repo.resolve().as_uri() + "/"
    assert run["originalUriBaseIds"]["SRCROOT"] == {
        "uri": "hypervisor/core/",
        "uriBaseId": "REPOROOT",
        "description": {"text": "the audited source tree"},
    }
    res = next(r for r in run["results"] if r["ruleId"] == "boundary-crossing")
    loc = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "hypervisor/core/vmkernel/sched.c", "uriBaseId": "REPOROOT"}
    hops = [r["physicalLocation"]["artifactLocation"]["uri"] for r in res["relatedLocations"]]
    assert hops[-1] == "hypervisor/core/vmotion/migrate.c"
    top = dataclasses.replace(result, root=str(repo), repository_prefix="")
    run = json.loads(render_sarif(top))["runs"][0]
    res = next(r for r in run["results"] if r["ruleId"] == "boundary-crossing")
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "vmkernel/sched.c"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.resolve().as_uri() + "/"
