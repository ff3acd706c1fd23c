"""Facts every formatter derives the same way: finding order, fingerprints, counts, verdict.

Keeping them in one place means the JSON, SARIF, Markdown and HTML reports of one audit agree
on how many findings fail the gate and in which order they are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from openesx_license.gate.identity import finding_identity, with_identities
from openesx_license.model import (
    AuditResult,
    ComponentSummary,
    FileRecord,
    Finding,
    FindingStatus,
    Severity,
)


def stable_fingerprint(finding: Finding) -> str:
    """The finding's fingerprint: the gate's one when set, else the gate's recipe applied now.

    The recipe (:mod:`openesx_license.gate.identity`) hashes rule, path, target and
    the normalised evidence line — never a line number — so it survives code moving.
    """
    return finding.fingerprint or finding_identity(finding)


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
    computed = with_identities(findings)
    return tuple(
        f if f.fingerprint else replace(f, fingerprint=c.fingerprint)
        for f, c in zip(findings, computed, strict=True)
    )


def sorted_findings(result: AuditResult) -> list[Finding]:
    """The audit's findings, fingerprinted, in report order (see :func:`sort_key`)."""
    return sorted(fingerprinted(result.findings), key=sort_key)


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


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files`` (``many`` for irregular plurals: entry, entries)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


#: component classes whose files go out with the open release (SBOMs, NOTICE)
RELEASED_CLASSES = ("open", "third-party")


@dataclass(frozen=True, kw_only=True)
class ReleaseScope:
    """What the open release ships: the files of open and third-party components."""

    components: tuple[ComponentSummary, ...]  # released components, in policy order
    files: dict[str, tuple[FileRecord, ...]]  # component name -> its files, by path
    excluded: dict[str, tuple[str, ...]]  # 'proprietary' / 'unmapped' -> component names
    excluded_files: dict[str, int]  # 'proprietary' / 'unmapped' -> number of files left out

    def comment(self, release_name: str) -> str:
        """One paragraph saying what is in the document and what was left out, and why."""
        parts = [
            f"Files of the open and third-party components of the {release_name} open release."
        ]
        if self.excluded_files.get("proprietary"):
            names = ", ".join(self.excluded.get("proprietary", ())) or "proprietary components"
            parts.append(
                f"Proprietary components are excluded ({names}: "
                f"{plural(self.excluded_files['proprietary'], 'file')}); "
                "they are not part of the release."
            )
        if self.excluded_files.get("unmapped"):
            parts.append(
                f"{plural(self.excluded_files['unmapped'], 'file')} that no component of the "
                "policy claims are excluded too (see the unmapped-file findings)."
            )
        return " ".join(parts)


def release_scope(result: AuditResult) -> ReleaseScope:
    """Split the audited files into what the open release ships and what it leaves out.

    A policy without components describes the whole tree as the release: every file then
    belongs to one open component named after the release.
    """
    if not result.components:
        name = result.release_name or "release"
        whole = ComponentSummary(
            name=name, component_class="open", declared_license=None, files=len(result.scan.files)
        )
        return ReleaseScope(
            components=(whole,),
            files={name: tuple(sorted(result.scan.files, key=lambda r: r.path))},
            excluded={},
            excluded_files={},
        )
    classes = {c.name: c.component_class for c in result.components}
    released = [c for c in result.components if c.component_class in RELEASED_CLASSES]
    by_component: dict[str, list[FileRecord]] = {c.name: [] for c in released}
    excluded: dict[str, set[str]] = {}
    excluded_files: Counter[str] = Counter()
    for rec in sorted(result.scan.files, key=lambda r: r.path):
        cls = classes.get(rec.component or "", "unmapped")
        if rec.component in by_component:
            by_component[rec.component].append(rec)
            continue
        bucket = "proprietary" if cls == "proprietary" else "unmapped"
        excluded_files[bucket] += 1
        if rec.component:
            excluded.setdefault(bucket, set()).add(rec.component)
    return ReleaseScope(
        components=tuple(released),
        files={name: tuple(recs) for name, recs in by_component.items()},
        excluded={k: tuple(sorted(v)) for k, v in excluded.items()},
        excluded_files=dict(excluded_files),
    )
