"""The gate's outcome, computed in one place for the exit code and every report.

``audit`` exits with :attr:`GateVerdict.exit_code`; the JSON, SARIF, Markdown and HTML
reports state the same verdict, so what CI does and what a reader is told cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from openesx_license.errors import UsageError
from openesx_license.model import AuditResult, FailOn, Finding, FindingStatus


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
    def label(self) -> str:
        """``pass`` or ``fail``."""
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
