"""findings.json: the versioned document validates against docs/findings.schema.json."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from openesx_license.model import SCHEMA_VERSION, AuditResult, FindingStatus
from openesx_license.reports.json_report import JsonFormatter, audit_to_dict
from tests.helpers.schema_checks import FINDINGS_SCHEMA, validate


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8"))


def test_awkward_result_is_schema_valid(
    awkward_result: AuditResult, schema: dict[str, Any]
) -> None:
    validate(json.loads(JsonFormatter().render(awkward_result)), schema)


def test_schema_rejects_what_it_should(awkward_result: AuditResult, schema: dict[str, Any]) -> None:
    good = audit_to_dict(awkward_result)
    broken = []
    for mutate in (
        lambda d: d.pop("schema_version"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0]["evidence"][0].pop("kind"),
        lambda d: d["findings"][0].update(rule="Boundary Crossing"),
        lambda d: d["files"][0].update(path="vmkernel\\sched.c"),
        lambda d: d["files"][0].update(license_source="guessed"),
        lambda d: d["summary"]["by_status"].pop("waived"),
        lambda d: d.update(extra=1),
    ):
        doc = copy.deepcopy(good)
        mutate(doc)
        try:
            validate(doc, schema)
        except AssertionError:
            continue
        broken.append(doc)
    assert broken == []


def test_document_keeps_every_fact(awkward_result: AuditResult) -> None:
    doc = audit_to_dict(awkward_result)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tool"] == {"name": "openesx-license", "version": "0.1.0"}
    assert doc["policy"]["release"] == {"name": "OpenESX", "license": "GPL-2.0-only"}
    assert doc["run"]["tree_hash"] == awkward_result.tree_hash
    files = {f["path"]: f for f in doc["files"]}
    assert [h["holder"] for h in files["vmkernel/sched.c"]["holders"]] == [
        "Jürgen Müller",
        "株式会社 OpenESX",
    ]
    assert files["vmkernel/nolicense.c"]["license_expression"] is None
    assert files["vmkernel/nolicense.c"]["license_source"] == "none"
    summary = doc["summary"]
    assert summary["by_rule"] == {
        "boundary-crossing": 1,
        "license-conflict": 1,
        "proprietary-code": 1,
        "unknown-license": 1,
    }
    assert summary["by_severity"] == {"error": 2, "warning": 1, "note": 1}
    assert summary["by_status"] == {"new": 2, "baselined": 1, "waived": 1, "decided": 0}
    assert summary["licenses"]["none"] == 1
    # one new error (the baselined error and the waived warning do not count)
    assert summary["gate"] == {
        "fail_on": "error",
        "failing": 1,
        "strict_baseline": False,
        "stale_failing": 0,
        "verdict": "fail",
    }
    assert doc["stale_baseline"] == [
        {"fingerprint": "e" * 32, "rule": "unmapped-file", "path": "old/gone.c"}
    ]


def test_findings_worst_first_with_evidence_chain(awkward_result: AuditResult) -> None:
    findings = audit_to_dict(awkward_result)["findings"]
    assert [f["severity"] for f in findings] == ["error", "error", "warning", "note"]
    crossing = findings[0]
    assert crossing["rule"] == "boundary-crossing"
    assert [e["kind"] for e in crossing["evidence"]] == ["include", "symbol", "symbol"]
    assert crossing["evidence"][0] == {
        "path": "vmkernel/sched.c",
        "line": 12,
        "text": '#include "migrate_api.h"',
        "kind": "include",
    }
    assert crossing["data"] == {"hops": 3, "rule_name": "open-must-not-reach-proprietary"}
    assert all(f["fingerprint"] for f in findings)
    assert findings[1]["fingerprint"] == "f" * 32  # the gate's own, untouched


def test_gate_verdict_follows_fail_on(awkward_result: AuditResult) -> None:
    for fail_on, failing in (("never", 0), ("error", 1), ("warning", 1), ("note", 2)):
        result = dataclasses.replace(awkward_result, fail_on=fail_on)
        gate = audit_to_dict(result)["summary"]["gate"]
        assert gate["failing"] == failing, fail_on
        assert gate["verdict"] == ("off" if fail_on == "never" else "fail" if failing else "pass")
    accepted = dataclasses.replace(
        awkward_result,
        findings=tuple(
            dataclasses.replace(f, status=FindingStatus.WAIVED) for f in awkward_result.findings
        ),
    )
    assert audit_to_dict(accepted)["summary"]["gate"]["verdict"] == "pass"


def test_output_is_utf8_not_escaped(awkward_result: AuditResult) -> None:
    text = JsonFormatter().render(awkward_result)
    assert "Jürgen Müller" in text and text.endswith("\n")


def test_summary_carries_the_one_verdict(awkward_result: AuditResult) -> None:
    off = dataclasses.replace(awkward_result, fail_on="never")
    verdict = audit_to_dict(off)["summary"]["verdict"]
    gate = audit_to_dict(off)["summary"]["gate"]
    assert verdict["gate"] == gate["verdict"] == "off"
    # one new error stands: the release is not ready, whatever the gate says
    assert verdict["release"] == "not ready" and verdict["blocking"] == 1
    assert (verdict["review"], verdict["accepted"]) == (1, 2)
    assert (verdict["forbidden_crossings"], verdict["warning_crossings"]) == (1, 0)
    assert verdict["introduced"] is None and verdict["already_there"] is None
    assert all("introduced" not in f for f in audit_to_dict(off)["findings"])
