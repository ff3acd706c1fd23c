"""The gate verdict: one computation behind the exit code and every report."""

from __future__ import annotations

import pytest

from openesx_license.errors import UsageError
from openesx_license.gate.verdict import gate_verdict
from openesx_license.model import AuditResult, Finding, FindingStatus, ScanResult, Severity


def result_with(*findings: Finding) -> AuditResult:
    return AuditResult(
        tool_version="t", root="/r", policy_path=None, release_name="r",
        release_license="GPL-2.0-only", generated_at="2026-01-01T00:00:00+00:00",
        tree_hash="x", scan=ScanResult(root="/r", files=()), findings=findings,
    )  # fmt: skip


def finding(severity: Severity, status: FindingStatus = FindingStatus.NEW) -> Finding:
    return Finding(rule="r", severity=severity, path="a.c", line=1, component=None,
                   message="m", status=status)  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "fail_on", "code"),
    [
        ((), "error", 0),
        ((finding(Severity.WARNING),), "error", 0),
        ((finding(Severity.WARNING),), "warning", 1),
        ((finding(Severity.ERROR),), "error", 1),
        ((finding(Severity.ERROR),), "never", 0),
        ((finding(Severity.NOTE),), "warning", 0),
        ((finding(Severity.ERROR, FindingStatus.WAIVED),), "error", 0),
        ((finding(Severity.ERROR, FindingStatus.BASELINED),), "warning", 0),
    ],
)
def test_gate_exit_code(findings: tuple[Finding, ...], fail_on: str, code: int) -> None:
    assert gate_verdict(result_with(*findings), fail_on).exit_code == code


def test_gate_rejects_unknown_threshold() -> None:
    with pytest.raises(UsageError, match="--fail-on"):
        gate_verdict(result_with(), "fatal")
