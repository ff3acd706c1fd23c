"""The gate verdict: one computation behind the exit code and every report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openesx_license.errors import UsageError
from openesx_license.gate.verdict import audit_verdict, gate_verdict
from openesx_license.model import (
    AuditResult,
    FailOn,
    Finding,
    FindingStatus,
    ReleaseOption,
    ScanResult,
    Severity,
)


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


# --- the one verdict: release readiness and the gate, said apart ------------------------------


def _crossing(severity: Severity, introduced: bool | None = None) -> Finding:
    return Finding(rule="boundary-crossing", severity=severity, path="a.c", line=1,
                   component=None, message="m", introduced=introduced)  # fmt: skip


def _option(blocking: int, proprietary: int) -> ReleaseOption:
    return ReleaseOption(license="GPL-2.0-only", allowed=blocking == 0, blocking_files=blocking,
                         blocking_components=(), proprietary_files=proprietary)  # fmt: skip


def test_release_and_gate_are_said_apart() -> None:
    errors = result_with(finding(Severity.ERROR), finding(Severity.WARNING))
    off = audit_verdict(replace(errors, fail_on=FailOn.NEVER))
    assert off.words == "Release: not ready · Gate: off"
    assert off.gate.exit_code == 0 and not off.ready
    strict = audit_verdict(replace(errors, fail_on=FailOn.WARNING))
    assert strict.words == "Release: not ready · Gate: fail" and strict.gate.failing == 2
    warnings_only = audit_verdict(
        replace(result_with(finding(Severity.WARNING)), fail_on="warning")
    )
    assert warnings_only.words == "Release: ready · Gate: fail"  # points to review, not blockers
    assert (warnings_only.counts.blocking, warnings_only.counts.review) == (0, 1)


def test_a_blocked_release_licence_is_not_ready_without_findings() -> None:
    blocked = replace(result_with(), options=(_option(16, 14),))
    verdict = audit_verdict(blocked)
    assert not verdict.ready and verdict.license_blocked
    assert verdict.blocked_once_removed == 2
    assert verdict.to_dict()["blocked_once_proprietary_removed"] == 2
    assert audit_verdict(replace(result_with(), options=(_option(0, 0),))).ready


def test_one_count_of_each_kind() -> None:
    result = result_with(
        _crossing(Severity.ERROR, True),
        _crossing(Severity.ERROR, False),
        _crossing(Severity.WARNING, True),
        finding(Severity.ERROR, FindingStatus.WAIVED),
    )
    c = audit_verdict(result).counts
    assert (c.forbidden_crossings, c.warning_crossings) == (2, 1)
    assert (c.blocking, c.review, c.accepted, c.findings) == (2, 1, 1, 4)
    assert c.by_status == {"new": 3, "baselined": 0, "waived": 1, "decided": 0}
    assert (c.introduced, c.already_there) == (3, 1)
    assert audit_verdict(result_with(finding(Severity.ERROR))).counts.introduced is None
