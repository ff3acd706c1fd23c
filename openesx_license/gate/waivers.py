"""Waivers: the policy's ``[[waiver]]`` tables applied to findings.

A waiver names a rule and either a path glob (matched against the finding's path) or an edge
``'from-glob -> to-glob'`` (the finding's path, and its target or the last hop of its evidence).
While it holds, each matching finding gets status ``waived`` and a ``status_note`` saying why,
who accepted it and until when. When ``today`` is past ``expires`` the waiver no longer holds:
its findings count again and an ``expired-waiver`` finding points at the waiver. A waiver that
matches nothing yields a ``stale-waiver`` finding. Findings of non-waivable rules are never
waived; a waiver naming such a rule is a policy error (:func:`waiver_problems`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openesx_license._util.globs import glob_matches
from openesx_license.checks.registry import get_check
from openesx_license.checks.waivers import ExpiredWaiver, StaleWaiver
from openesx_license.config.model import Policy, Waiver
from openesx_license.gate.acceptance import (
    finding_is_waivable,
    may_ever_be_waived,
    rule_may_ever_be_waived,
)
from openesx_license.model import Evidence, Finding, FindingStatus

_WAIVER_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*waiver[ \t]*\]\]", re.MULTILINE)


def waiver_problems(policy: Policy) -> list[str]:
    """Why some waivers of ``policy`` cannot be used (an empty list when all are fine)."""
    problems = []
    for waiver in policy.waivers:
        where = f"[[waiver]] #{waiver.index} 'rule'"
        if get_check(waiver.rule) is None:
            problems.append(f"{where}: unknown rule id {waiver.rule!r}")
        elif not rule_may_ever_be_waived(waiver.rule, policy):
            problems.append(f"{where}: {never_waivable(waiver.rule)}")
    return problems


def never_waivable(rule_id: str) -> str:
    """Why a waiver of ``rule_id`` (a rule whose findings can never be waived) is refused."""
    return f"findings of {rule_id!r} can never be waived" + (
        " (an IP rule: fix the code, or for boundary-crossing mark the policy "
        "[[rule]] table 'waivable = true' if a lawyer accepts the crossing)"
        if rule_id in ("proprietary-code", "copied-code", "boundary-crossing")
        else " (fix or remove the waiver itself)"
    )


def waiver_refusal(rule_id: str, tables_waivable: bool) -> str | None:
    """For the policy loader, which checks every key in one pass: why a ``[[waiver]]`` of
    ``rule_id`` is refused (a known rule that can never be waived), or None."""
    if get_check(rule_id) is None or may_ever_be_waived(rule_id, tables_waivable=tables_waivable):
        return None
    return never_waivable(rule_id)


def waiver_matches(waiver: Waiver, finding: Finding) -> bool:
    """True when ``waiver`` designates ``finding`` (rule, and path or edge globs)."""
    if waiver.rule != finding.rule:
        return False
    if waiver.path is not None and not glob_matches(waiver.path, finding.path):
        return False
    if waiver.edge is not None:
        ends = [part.strip() for part in waiver.edge.split("->")]
        if len(ends) != 2 or not glob_matches(ends[0], finding.path):
            return False
        far = [finding.target] if finding.target else []
        if finding.evidence:
            far.append(finding.evidence[-1].path)
        if not any(glob_matches(ends[1], end) for end in far):
            return False
    return True


def is_expired(waiver: Waiver, today: dt.date) -> bool:
    """A waiver holds through its ``expires`` day and lapses the day after."""
    return waiver.expires is not None and today > waiver.expires


def describe(waiver: Waiver) -> str:
    """One-line note for a waived finding: reason, owner, expiry."""
    parts = [f"waived by [[waiver]] #{waiver.index}: {waiver.reason}"]
    if waiver.owner:
        parts.append(f"owner {waiver.owner}")
    parts.append(f"expires {waiver.expires.isoformat()}" if waiver.expires else "no expiry")
    return "; ".join(parts)


@dataclass(frozen=True, kw_only=True)
class WaiverOutcome:
    """Findings after waivers, and the findings about the waivers themselves."""

    findings: tuple[Finding, ...]
    waiver_findings: tuple[Finding, ...]


def apply_waivers(
    findings: Sequence[Finding],
    policy: Policy,
    *,
    today: dt.date,
    policy_path: str | None = None,
) -> WaiverOutcome:
    """Mark waived findings and report expired and stale waivers.

    ``policy_path`` is how findings about a waiver name the policy file (relative to the
    audited root when the policy lives inside it); it defaults to ``policy.source``.
    """
    matched = {w.index: 0 for w in policy.waivers}
    out: list[Finding] = []
    for finding in findings:
        if finding.status is not FindingStatus.NEW or not finding_is_waivable(finding, policy):
            out.append(finding)
            continue
        hits = [w for w in policy.waivers if waiver_matches(w, finding)]
        for waiver in hits:
            matched[waiver.index] += 1
        holding = next((w for w in hits if not is_expired(w, today)), None)
        if holding is not None:
            finding = replace(finding, status=FindingStatus.WAIVED, status_note=describe(holding))
        elif hits:
            lapsed = ", ".join(f"#{w.index} on {w.expires}" for w in hits)
            finding = replace(finding, data={**finding.data, "expired_waiver": lapsed})
        out.append(finding)
    return WaiverOutcome(
        findings=tuple(out),
        waiver_findings=tuple(_waiver_findings(policy, matched, today, policy_path)),
    )


def _waiver_findings(
    policy: Policy, matched: dict[int, int], today: dt.date, policy_path: str | None
) -> list[Finding]:
    shown = policy_path or policy.source
    lines = _waiver_lines(policy.source)
    out: list[Finding] = []
    for waiver in policy.waivers:
        count = matched.get(waiver.index, 0)
        scope = f"path {waiver.path}" if waiver.path else f"edge {waiver.edge}"
        owner = f", owner {waiver.owner}" if waiver.owner else ""
        line = lines.get(waiver.index)
        evidence = (
            Evidence(
                path=shown,
                line=line,
                text=f"[[waiver]] rule = {waiver.rule!r}, {scope}, expires = {waiver.expires}",
                kind="waiver",
            ),
        )
        target = f"{waiver.rule} {scope}"
        data: dict[str, object] = {"waiver": waiver.index, "matched": count}
        if is_expired(waiver, today):
            counted = (
                f"its {count} finding{'s' if count != 1 else ''} count again"
                if count
                else "it matches no finding any more (remove it)"
            )
            out.append(
                ExpiredWaiver.finding(
                    path=shown,
                    line=line,
                    component=None,
                    message=(
                        f"[[waiver]] #{waiver.index} ({waiver.rule}, {scope}{owner}) expired on "
                        f"{waiver.expires}: {counted}; fix the findings or renew the waiver "
                        "with a new review"
                    ),
                    evidence=evidence,
                    target=target,
                    data=data,
                )
            )
        elif count == 0:
            out.append(
                StaleWaiver.finding(
                    path=shown,
                    line=line,
                    component=None,
                    message=(
                        f"[[waiver]] #{waiver.index} ({waiver.rule}, {scope}{owner}) matches no "
                        "finding: the problem is gone or the globs are wrong; remove or fix it"
                    ),
                    evidence=evidence,
                    target=target,
                    data=data,
                )
            )
    return out


def _waiver_lines(source: str) -> dict[int, int]:
    """Line of the n-th ``[[waiver]]`` header in the policy file (1-based n), when readable."""
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return {
        n: text.count("\n", 0, m.start()) + 1
        for n, m in enumerate(_WAIVER_HEADER.finditer(text), start=1)
    }
