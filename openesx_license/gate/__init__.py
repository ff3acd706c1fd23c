"""The CI gate: fingerprints, waivers, baseline and diff mode, applied to the checks' findings.

:func:`apply_gate` runs after every check (and after the copied-code stage) and decides which
findings count against ``--fail-on``. In order:

1. the policy's waivers are validated (a waiver of a non-waivable rule is a policy error);
2. every finding gets a stable fingerprint (:mod:`.identity`); reviewed decisions mark the
   findings they settle ``decided``, lapsed and stale decisions become findings
   (:mod:`.decisions`);
3. waivers mark findings ``waived``; expired and stale waivers become findings (:mod:`.waivers`);
4. a baseline marks the findings it recorded ``baselined``; entries that match nothing are
   returned as stale (the problem was fixed); a non-waivable finding is never baselined;
5. with a change set (``--since REF``) only the findings *introduced* since REF are kept: a
   finding is introduced when its own path or the path of any hop of its evidence is among the
   files changed since REF. The graph is still built and checked whole, so a new ``#include``
   that opens a long transitive path to proprietary code is caught — its evidence starts in
   the changed file. Findings of non-waivable rules (IP leaks) and the gate's own findings
   (expired or stale waivers, which the clock or the policy introduce) are always kept.
   Every kept finding says whether this change introduced it (``introduced``): an IP finding
   already in the tree still fails the gate, but reports show it as already there, not new.

Non-waivable findings therefore always count: no baseline, waiver or ``--since`` hides them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openesx_license.checks.registry import get_check
from openesx_license.config.model import Policy
from openesx_license.errors import BaselineError, PolicyError
from openesx_license.gate.acceptance import finding_is_waivable
from openesx_license.gate.baseline import Baseline, load_baseline, record_baseline
from openesx_license.gate.decisions import apply_decisions
from openesx_license.gate.identity import finding_identity, with_identities
from openesx_license.gate.waivers import apply_waivers, waiver_problems
from openesx_license.inventory.changes import ChangeSet, changed_files
from openesx_license.model import DiffSummary, Finding, FindingStatus, StaleBaselineEntry

__all__ = [
    "Baseline",
    "GateOutcome",
    "apply_gate",
    "finding_identity",
    "with_identities",
    "GatePlan",
    "prepare_gate",
    "introduced_since",
    "load_baseline",
    "record_baseline",
]


@dataclass(frozen=True, kw_only=True)
class GateOutcome:
    """What the gate decided."""

    findings: tuple[Finding, ...]  # fingerprinted, statuses set; filtered in diff mode
    stale_baseline: tuple[StaleBaselineEntry, ...] = ()
    #: findings left out in diff mode because nothing they involve changed since the ref
    unchanged: int = 0
    diff: DiffSummary | None = None


@dataclass(frozen=True, kw_only=True)
class GatePlan:
    """The gate's inputs, loaded and checked before the (long) scan so that a bad baseline, an
    unknown ``--since`` revision or an unusable waiver fails in a second, not after minutes."""

    root: Path
    policy: Policy
    baseline: Baseline | None = None
    changes: ChangeSet | None = None

    def apply(self, findings: Sequence[Finding], *, today: dt.date) -> GateOutcome:
        """Run :func:`apply_gate` with these inputs; fill in the diff summary."""
        outcome = apply_gate(
            findings,
            self.policy,
            today=today,
            baseline=self.baseline,
            changed=self.changes.paths if self.changes is not None else None,
            policy_path=display_path(self.policy.source, self.root),
            root=self.root,
        )
        if self.changes is None:
            return outcome
        diff = DiffSummary(
            ref=self.changes.ref,
            commit=self.changes.commit,
            changed_files=len(self.changes.paths),
            unchanged_findings=outcome.unchanged,
        )
        return replace(outcome, diff=diff)


def prepare_gate(
    root: Path, policy: Policy, *, baseline: Path | None = None, since: str | None = None
) -> GatePlan:
    """Load the baseline (refusing non-waivable entries), list the changes since ``since``
    and validate the waivers. Raises BaselineError, UsageError or PolicyError."""
    problems = waiver_problems(policy)
    if problems:
        raise PolicyError(policy.source, problems)
    return GatePlan(
        root=root,
        policy=policy,
        baseline=load_baseline(baseline, policy) if baseline is not None else None,
        changes=changed_files(root, since) if since is not None else None,
    )


def display_path(source: str, root: Path) -> str:
    """How findings name the policy file: relative to ``root`` when inside it, else as given."""
    if source.startswith("<"):
        return source
    try:
        return Path(source).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return source


def apply_gate(
    findings: Sequence[Finding],
    policy: Policy,
    *,
    today: dt.date,
    baseline: Baseline | None = None,
    changed: Collection[str] | None = None,
    policy_path: str | None = None,
    root: Path | None = None,
) -> GateOutcome:
    """Fingerprint ``findings`` and apply waivers, ``baseline`` and the ``changed`` paths.

    ``changed`` is the set of paths changed since the ``--since`` revision (None: no diff
    mode). ``policy_path`` is how findings about waivers name the policy file; ``root`` is the
    audited tree, where the content a decision judged is read again (default: the current
    folder). Raises
    :class:`PolicyError` for unusable waivers and :class:`BaselineError` when the baseline
    would accept a non-waivable finding.
    """
    problems = waiver_problems(policy)
    if problems:
        raise PolicyError(policy.source, problems)
    fingerprinted = with_identities(findings)
    decided = apply_decisions(fingerprinted, policy.decisions, root or Path("."))
    waived = apply_waivers(decided.findings, policy, today=today, policy_path=policy_path)
    current = (
        list(waived.findings)
        + list(with_identities(waived.waiver_findings))
        + list(with_identities(decided.decision_findings))
    )
    stale: tuple[StaleBaselineEntry, ...] = ()
    if baseline is not None:
        current, stale = _apply_baseline(current, baseline, policy)
    unchanged = 0
    if changed is not None:
        kept = [f for f in current if _kept_in_diff(f, changed, policy)]
        unchanged = len(current) - len(kept)
        current = [replace(f, introduced=_introduced(f, changed)) for f in kept]
    return GateOutcome(findings=tuple(current), stale_baseline=stale, unchanged=unchanged)


def _apply_baseline(
    findings: list[Finding], baseline: Baseline, policy: Policy
) -> tuple[list[Finding], tuple[StaleBaselineEntry, ...]]:
    entries = baseline.by_fingerprint()
    refused = [
        f for f in findings if f.fingerprint in entries and not finding_is_waivable(f, policy)
    ]
    if refused:
        names = "\n".join(
            f"  {f.rule} at {f.path}:{f.line or '-'} ({f.fingerprint})" for f in refused
        )
        raise BaselineError(
            f"{baseline.source}: refused: the baseline tries to accept findings of rules that "
            f"can never be baselined (an IP leak is never grandfathered):\n{names}\n"
            "Remove these entries and fix the code."
        )
    out: list[Finding] = []
    used: set[str] = set()
    for finding in findings:
        entry = entries.get(finding.fingerprint)
        if entry is not None:
            used.add(entry.fingerprint)
            if finding.status is FindingStatus.NEW:
                finding = replace(
                    finding,
                    status=FindingStatus.BASELINED,
                    status_note=f"accepted in baseline {baseline.source} on {entry.created}",
                )
        out.append(finding)
    stale = tuple(
        StaleBaselineEntry(fingerprint=e.fingerprint, rule=e.rule, path=e.path)
        for e in baseline.entries
        if e.fingerprint not in used
    )
    return out, stale


def introduced_since(finding: Finding, changed: Collection[str]) -> bool:
    """True when ``finding``'s path or any of its evidence paths changed (see the module doc)."""
    return finding.path in changed or any(hop.path in changed for hop in finding.evidence)


def _introduced(finding: Finding, changed: Collection[str]) -> bool:
    """Did this change introduce ``finding``? The gate's own findings (an expired or stale
    waiver) are news of this run; the rest by :func:`introduced_since`."""
    rule = get_check(finding.rule)
    return (rule is not None and rule.emitted_by == "gate") or introduced_since(finding, changed)


def _kept_in_diff(finding: Finding, changed: Collection[str], policy: Policy) -> bool:
    rule = get_check(finding.rule)
    if rule is not None and rule.emitted_by == "gate":
        return True
    if not finding_is_waivable(finding, policy):
        return True
    return introduced_since(finding, changed)
