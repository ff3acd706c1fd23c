"""Facts every formatter derives the same way: finding order, fingerprints, counts, verdict.

Keeping them in one place means the JSON, SARIF, Markdown and HTML reports of one audit agree
on how many findings fail the gate and in which order they are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.policy.gate.fingerprint import compute_fingerprint, fingerprint_findings

#: ``--fail-on`` value -> lowest severity rank that fails the gate (``never``: nothing fails)
_FAIL_ON_RANK = {"error": 3, "warning": 2, "note": 1, "never": 99}


def stable_fingerprint(finding: Finding) -> str:
    """The finding's fingerprint: the gate's one when set, else the gate's recipe applied now.

    The recipe (:mod:`openesx_license.policy.gate.fingerprint`) hashes rule, path, target and
    the normalised evidence line — never a line number — so it survives code moving.
    """
    return finding.fingerprint or compute_fingerprint(finding)


def sort_key(finding: Finding) -> tuple[int, str, str, int, str]:
    """Worst first, then by rule, path, line and target."""
    return (
        -finding.severity.rank,
        finding.rule,
        finding.path,
        finding.line or 0,
        finding.target or "",
    )


def fingerprinted(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """``findings`` with every fingerprint set (the gate's kept; identical ones numbered)."""
    if all(f.fingerprint for f in findings):
        return findings
    computed = fingerprint_findings(findings)
    return tuple(
        f if f.fingerprint else replace(f, fingerprint=c.fingerprint)
        for f, c in zip(findings, computed, strict=True)
    )


def sorted_findings(result: AuditResult) -> list[Finding]:
    """The audit's findings, fingerprinted, in report order (see :func:`sort_key`)."""
    return sorted(fingerprinted(result.findings), key=sort_key)


def fails_gate(finding: Finding, fail_on: str) -> bool:
    """True when ``finding`` counts against ``--fail-on`` (new, and severe enough)."""
    if finding.status is not FindingStatus.NEW:
        return False
    return finding.severity.rank >= _FAIL_ON_RANK.get(fail_on, 3)


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The gate's outcome as the reports state it."""

    fail_on: str
    failing: int  # new findings at or above fail_on
    passed: bool

    @property
    def label(self) -> str:
        """``pass`` or ``fail``."""
        return "pass" if self.passed else "fail"


def verdict(result: AuditResult) -> Verdict:
    """How the audit fares against its ``--fail-on`` threshold."""
    failing = sum(fails_gate(f, result.fail_on) for f in result.findings)
    return Verdict(fail_on=result.fail_on, failing=failing, passed=failing == 0)


def counts_by_rule(result: AuditResult) -> dict[str, int]:
    """Findings per rule id (every status), sorted by id."""
    return dict(sorted(Counter(f.rule for f in result.findings).items()))


def counts_by_severity(result: AuditResult) -> dict[str, int]:
    """Findings per severity (every status), every severity present, worst first."""
    counts = Counter(f.severity for f in result.findings)
    return {s.value: counts.get(s, 0) for s in sorted(Severity, key=lambda s: -s.rank)}


def counts_by_status(result: AuditResult) -> dict[str, int]:
    """Findings per status (new, baselined, waived), every status present."""
    counts = Counter(f.status for f in result.findings)
    return {s.value: counts.get(s, 0) for s in FindingStatus}


def counts_by_rule_and_severity(result: AuditResult) -> dict[str, dict[str, int]]:
    """Per rule: findings per severity and per status (for summary tables)."""
    table: dict[str, dict[str, int]] = {}
    for f in result.findings:
        row = table.setdefault(
            f.rule, {**{s.value: 0 for s in Severity}, **{s.value: 0 for s in FindingStatus}}
        )
        row[f.severity.value] += 1
        row[f.status.value] += 1
    return dict(sorted(table.items()))
