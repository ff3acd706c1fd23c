"""The audit's verdict, computed in one place for the exit code and every report.

Two answers, said separately because they are different questions:

- **Release: ready / not ready** (:class:`AuditVerdict`): can the release go out under its
  licence? Not while an unresolved error-level finding stands or the release licence is
  blocked by files of the tree. The ``--fail-on`` threshold does not change this answer.
- **Gate: pass / fail / off** (:class:`GateVerdict`): does CI fail this run? New findings at
  or above ``--fail-on`` (``off`` for ``--fail-on never``).

``audit`` exits with :attr:`GateVerdict.exit_code`; the console summary and the JSON, SARIF,
Markdown and HTML reports all read :func:`audit_verdict`, with its one set of counts
(:class:`VerdictCounts`), so what CI does and what a reader is told cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from openesx_license.errors import UsageError
from openesx_license.model import (
    AuditResult,
    FailOn,
    Finding,
    FindingStatus,
    ReleaseOption,
    Severity,
)


def fails_gate(finding: Finding, fail_on: FailOn) -> bool:
    """True when ``finding`` counts against ``fail_on``: new, and at or above its severity."""
    threshold = FailOn(fail_on).threshold
    if threshold is None or finding.status is not FindingStatus.NEW:
        return False
    return finding.severity.rank >= threshold.rank


@dataclass(frozen=True, kw_only=True)
class GateVerdict:
    """How an audit fares against its ``--fail-on`` threshold (and ``--strict-baseline``)."""

    fail_on: FailOn
    failing: int  # new findings at or above fail_on
    stale_failing: int = 0  # stale baseline entries, when --strict-baseline makes them fail

    @property
    def passed(self) -> bool:
        """True when nothing fails the gate."""
        return self.failing == 0 and self.stale_failing == 0

    @property
    def off(self) -> bool:
        """True for ``--fail-on never``: the gate cannot fail on findings."""
        return self.fail_on is FailOn.NEVER and not self.stale_failing

    @property
    def label(self) -> str:
        """``pass``, ``fail`` or ``off`` (``--fail-on never``)."""
        if self.off:
            return "off"
        return "pass" if self.passed else "fail"

    @property
    def exit_code(self) -> int:
        """``audit``'s exit code for this verdict: 0 passed, 1 failed."""
        return 0 if self.passed else 1


def parse_fail_on(value: FailOn | str) -> FailOn:
    """``value`` as a :class:`FailOn`; a :class:`UsageError` naming ``--fail-on`` otherwise."""
    try:
        return FailOn(value)
    except ValueError:
        expected = ", ".join(f.value for f in FailOn)
        raise UsageError(f"--fail-on: expected one of {expected}, got {value!r}") from None


def gate_verdict(result: AuditResult, fail_on: FailOn | str | None = None) -> GateVerdict:
    """The verdict of ``result`` at its own ``fail_on`` (or the one given)."""
    threshold = parse_fail_on(fail_on if fail_on is not None else result.fail_on)
    failing = sum(fails_gate(f, threshold) for f in result.findings)
    stale = len(result.stale_baseline) if result.strict_baseline else 0
    return GateVerdict(fail_on=threshold, failing=failing, stale_failing=stale)


#: the rule whose findings are boundary crossings (counted apart: forbidden vs warning level)
CROSSING_RULE = "boundary-crossing"


@dataclass(frozen=True, kw_only=True)
class VerdictCounts:
    """One count of each kind, the same in every report and on the console."""

    files: int
    findings: int  # every status
    by_severity: dict[str, int]  # every status
    by_status: dict[str, int]
    blocking: int  # unresolved (new) error-level findings: they block the release
    review: int  # unresolved findings below error level: to look at
    accepted: int  # waived, baselined or decided
    failing: int  # new findings at or above --fail-on (the gate's count)
    forbidden_crossings: int  # boundary-crossing findings at error level
    warning_crossings: int  # boundary-crossing findings below error level (layers, facades)
    #: under --since: findings this change introduced / that were already in the tree
    introduced: int | None = None
    already_there: int | None = None


@dataclass(frozen=True, kw_only=True)
class AuditVerdict:
    """The answer every format states: release readiness and the gate, said separately."""

    release_name: str
    release_license: str
    ready: bool
    gate: GateVerdict
    counts: VerdictCounts
    #: the release licence's row of the options table (None when the audit computed none)
    option: ReleaseOption | None = None

    @property
    def release_label(self) -> str:
        """``ready`` or ``not ready``."""
        return "ready" if self.ready else "not ready"

    @property
    def words(self) -> str:
        """The verdict line every format prints: ``Release: not ready · Gate: off``."""
        return f"Release: {self.release_label} · Gate: {self.gate.label}"

    @property
    def license_blocked(self) -> bool:
        """True when files of the tree do not allow the release licence."""
        return self.option is not None and not self.option.allowed

    @property
    def blocked_once_removed(self) -> int:
        """Files that still block the release licence once the proprietary code is removed."""
        if self.option is None:
            return 0
        return self.option.blocking_files - self.option.proprietary_files

    def to_dict(self) -> dict[str, object]:
        """The verdict as JSON (``summary.verdict`` of findings.json; SARIF run properties)."""
        c = self.counts
        return {
            "release": self.release_label,
            "gate": self.gate.label,
            "release_license": self.release_license,
            "license_blocked": self.license_blocked,
            "blocking_files": self.option.blocking_files if self.option else 0,
            "proprietary_files": self.option.proprietary_files if self.option else 0,
            "blocked_once_proprietary_removed": self.blocked_once_removed,
            "blocking": c.blocking,
            "review": c.review,
            "accepted": c.accepted,
            "failing": c.failing,
            "forbidden_crossings": c.forbidden_crossings,
            "warning_crossings": c.warning_crossings,
            "introduced": c.introduced,
            "already_there": c.already_there,
        }


def audit_verdict(result: AuditResult) -> AuditVerdict:
    """The verdict of ``result`` (its own ``fail_on``): release readiness, gate and counts."""
    gate = gate_verdict(result)
    findings = result.findings
    unresolved = [f for f in findings if f.status is FindingStatus.NEW]
    blocking = sum(f.severity is Severity.ERROR for f in unresolved)
    severity = Counter(f.severity.value for f in findings)
    status = Counter(f.status.value for f in findings)
    crossings = [f for f in findings if f.rule == CROSSING_RULE]
    forbidden = sum(f.severity is Severity.ERROR for f in crossings)
    since = result.diff is not None or any(f.introduced is not None for f in findings)
    introduced = sum(f.introduced is not False for f in findings) if since else None
    counts = VerdictCounts(
        files=len(result.scan.files),
        findings=len(findings),
        by_severity={s.value: severity.get(s.value, 0) for s in Severity},
        by_status={s.value: status.get(s.value, 0) for s in FindingStatus},
        blocking=blocking,
        review=len(unresolved) - blocking,
        accepted=len(findings) - len(unresolved),
        failing=gate.failing,
        forbidden_crossings=forbidden,
        warning_crossings=len(crossings) - forbidden,
        introduced=introduced,
        already_there=None if introduced is None else len(findings) - introduced,
    )
    option = next((o for o in result.options if o.license == result.release_license), None)
    return AuditVerdict(
        release_name=result.release_name or "The release",
        release_license=result.release_license,
        ready=blocking == 0 and (option is None or option.allowed),
        gate=gate,
        counts=counts,
        option=option,
    )
