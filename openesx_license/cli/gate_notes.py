"""What the audit summary says about the gate: diff mode, baseline, waivers (``audit``)."""

from __future__ import annotations

from collections import Counter

from openesx_license.model import AuditResult, FindingStatus

SHOWN = 10


def gate_lines(result: AuditResult, *, strict_baseline: bool = False) -> list[str]:
    """Lines for the audit summary: what --since compared, what the baseline and waivers
    accepted, which baseline entries are stale (and whether that fails the gate)."""
    lines: list[str] = []
    if result.diff is not None:
        d = result.diff
        lines.append(
            f"Diff mode: since {d.ref} ({d.commit[:12]}), {d.changed_files} changed file(s); "
            f"{d.unchanged_findings} older finding(s) not shown (IP findings and waiver "
            "findings are always shown)"
        )
    status = Counter(f.status for f in result.findings)
    if status[FindingStatus.WAIVED]:
        lines.append(f"Waived: {status[FindingStatus.WAIVED]} finding(s) (see status_note)")
    if result.baseline_path:
        lines.append(
            f"Baseline {result.baseline_path}: {status[FindingStatus.BASELINED]} finding(s) "
            "accepted, not counted by the gate"
        )
    if result.stale_baseline:
        verdict = "fails the gate (--strict-baseline)" if strict_baseline else "shrink it"
        lines.append(
            f"Fixed since the baseline: {len(result.stale_baseline)} entr"
            f"{'y' if len(result.stale_baseline) == 1 else 'ies'} match no finding any more; "
            f"{verdict}: re-run `openesx-license baseline` to drop them"
        )
        lines.extend(
            f"  {e.rule:<20} {e.path} ({e.fingerprint[:12]})" for e in result.stale_baseline[:SHOWN]
        )
        if len(result.stale_baseline) > SHOWN:
            lines.append(f"  ... and {len(result.stale_baseline) - SHOWN} more")
    return lines
