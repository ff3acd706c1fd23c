"""Reviewed decisions applied to the findings (docs/decisions.md).

A decision settles one finding (by fingerprint) or the findings of one file (by path). It is
pinned to ``content``, the hash of what the reviewer judged:

- for a finding, :func:`finding_content`: the regions its evidence names, read from the tree
  (for ``copied-code`` the copied lines on both sides, without their line numbers, so that a
  copy moved by a few lines keeps its decision; for other findings each evidence hop's line
  and its number, or the whole file when a hop names no line);
- for a path, :func:`file_content`: the file's bytes.

A decision whose content still matches marks its findings ``decided`` (they stay in every
report, with the decision, and no longer fail the gate). When the content changed, the
decision *lapses*: the findings stay ``new`` and a ``lapsed-decision`` finding says which
decision needs a new review. A decision that matches no finding and no file any more is a
``stale-decision`` warning. ``concluded-license`` decisions also set the concluded licence of
their file before the checks run (:func:`concluded_licenses`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openesx_license.model import (
    Decision,
    DecisionKind,
    Evidence,
    FileRecord,
    Finding,
    FindingStatus,
    LicenseSource,
    Severity,
)

#: rules a decision about a finding or a file may settle (the IP rules and the licence ones a
#: concluded licence answers)
DECIDABLE_BY_PATH = frozenset({"copied-code", "proprietary-code"})


def _digest(parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return f"sha256:{digest.hexdigest()}"


def file_content(root: Path, path: str) -> str | None:
    """The content hash of the file at ``path`` (None when it cannot be read)."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return None
    return _digest([data])


def _regions(finding: Finding) -> list[tuple[str, int | None, int | None]]:
    """(path, first line, last line) of what a finding is about; lines None: the whole file."""
    if finding.rule == "copied-code":
        out: list[tuple[str, int | None, int | None]] = []
        lines = finding.data.get("open_lines")
        if isinstance(lines, list) and len(lines) == 2:
            out.append((finding.path, int(lines[0]), int(lines[1])))
        other, their = finding.data.get("proprietary_path"), finding.data.get("proprietary_lines")
        if isinstance(other, str) and isinstance(their, list) and len(their) == 2:
            out.append((other, int(their[0]), int(their[1])))
        if out:
            return out
    regions = [(e.path, e.line, e.line) for e in finding.evidence if e.kind != "waiver"]
    return regions or [(finding.path, None, None)]


def finding_content(root: Path, finding: Finding) -> str:
    """The content hash of the regions ``finding`` is about (see the module docstring); a
    region that cannot be read (a file of an IP index, absent from the tree) counts as its
    path and lines only."""
    parts: list[bytes] = []
    cache: dict[str, list[bytes] | None] = {}
    for path, first, last in sorted(set(_regions(finding)), key=lambda r: (r[0], r[1] or 0)):
        if path not in cache:
            try:
                cache[path] = (root / path).read_bytes().splitlines()
            except OSError:
                cache[path] = None
        lines = cache[path]
        if lines is not None and finding.rule == "copied-code":
            parts.append(f"{path}\0".encode())  # the copied text wherever it now stands
        else:
            parts.append(f"{path}\0{first}-{last}\0".encode())
        if lines is None:
            continue
        if first is None or last is None:
            parts.extend(lines)
        else:
            parts.extend(b" ".join(line.split()) for line in lines[first - 1 : last])
    return _digest(p + b"\n" for p in parts)


def concluded_licenses(
    files: Mapping[str, FileRecord], decisions: Sequence[Decision], root: Path
) -> dict[str, FileRecord]:
    """The records with each current ``concluded-license`` decision's licence as the file's
    concluded licence (``license_source = "decision"``); a decision whose file changed does
    not apply (it lapses in :func:`apply_decisions`)."""
    out = dict(files)
    for decision in decisions:
        if decision.kind is not DecisionKind.CONCLUDED_LICENSE or decision.path is None:
            continue
        record = out.get(decision.path)
        if record is None or file_content(root, decision.path) != decision.content:
            continue
        out[decision.path] = replace(
            record, license_expression=decision.license, license_source=LicenseSource.DECISION
        )
    return out


@dataclass(frozen=True, kw_only=True)
class DecisionOutcome:
    """The findings with decisions applied, and the gate's own findings about decisions."""

    findings: tuple[Finding, ...]
    decision_findings: tuple[Finding, ...] = ()


def _where(decision: Decision) -> str:
    return f"[[decision]] #{decision.index}"


def _about(decision: Decision) -> str:
    return f"finding {decision.finding}" if decision.finding else f"file {decision.path}"


def apply_decisions(
    findings: Sequence[Finding], decisions: Sequence[Decision], root: Path
) -> DecisionOutcome:
    """Mark the findings current decisions settle ``decided``; lapsed and stale decisions
    become ``lapsed-decision`` and ``stale-decision`` findings (on the decisions file)."""
    by_print = {d.finding: d for d in decisions if d.finding}
    by_path: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.path:
            by_path.setdefault(d.path, []).append(d)
    used: set[int] = set()
    lapsed: dict[int, Finding] = {}
    out: list[Finding] = []
    for finding in findings:
        decision = by_print.get(finding.fingerprint)
        current = None
        content: str | None
        if decision is not None:
            used.add(decision.index)
            content = finding_content(root, finding)
            if content == decision.content:
                current = decision
            else:
                lapsed.setdefault(decision.index, _lapsed(decision, finding, content))
        for d in by_path.get(finding.path, ()):
            if not _settles_by_path(d, finding):
                continue
            used.add(d.index)
            content = file_content(root, d.path or "")
            if content == d.content:
                current = current or d
            else:
                lapsed.setdefault(d.index, _lapsed(d, finding, content))
        if current is not None and finding.status is FindingStatus.NEW:
            finding = replace(
                finding, status=FindingStatus.DECIDED, status_note=current.note, decision=current
            )
        out.append(finding)
    out = _with_copy_crossings(out)
    extra = list(lapsed.values())
    for d in decisions:
        if d.index in used:
            continue
        if d.path and d.kind is DecisionKind.CONCLUDED_LICENSE and (root / d.path).is_file():
            content = file_content(root, d.path)
            if content != d.content:
                extra.append(_lapsed(d, None, content))
            continue  # the licence it concludes is applied to the file (and may settle nothing)
        extra.append(_stale(d))
    return DecisionOutcome(findings=tuple(out), decision_findings=tuple(extra))


def _with_copy_crossings(findings: list[Finding]) -> list[Finding]:
    """A ``boundary-crossing`` made of one copy hop is the same fact as the ``copied-code``
    finding about that copy: the copy's decision settles it too."""
    copies = {
        (f.path, f.target): f.decision
        for f in findings
        if f.rule == "copied-code" and f.decision is not None
    }
    if not copies:
        return findings
    out = []
    for f in findings:
        reached = str(f.data.get("target_file", ""))
        if (
            f.rule == "boundary-crossing"
            and f.status is FindingStatus.NEW
            and f.data.get("hops") == 1
            and f.evidence
            and f.evidence[0].kind == "copy"
        ):
            decision = next(
                (
                    d
                    for (path, target), d in copies.items()
                    if path == f.path and target and reached.endswith(target)
                ),
                None,
            )
            if decision is not None:
                f = replace(f, status=FindingStatus.DECIDED, status_note=decision.note,
                            decision=decision)  # fmt: skip
        out.append(f)
    return out


def _settles_by_path(decision: Decision, finding: Finding) -> bool:
    if finding.rule not in DECIDABLE_BY_PATH:
        return False
    if decision.kind is DecisionKind.CONCLUDED_LICENSE:
        # a concluded licence answers a licence found in the file, not a marker banner
        return finding.rule == "proprietary-code" and all(
            e.kind == "license" for e in finding.evidence
        )
    return finding.rule == "copied-code"


def _lapsed(decision: Decision, finding: Finding | None, content: str | None) -> Finding:
    what = "the file is gone" if content is None else "what it judged has changed"
    return Finding(
        rule="lapsed-decision",
        severity=Severity.WARNING,
        path=decision.source,
        line=None,
        component=None,
        message=(
            f"{decision.source}: {_where(decision)} ({decision.kind}, {_about(decision)}, by "
            f"{decision.reviewer} on {decision.date}) has lapsed: {what}"
            + (f"; {finding.rule} at {finding.path} counts again" if finding else "")
        ),
        evidence=(
            Evidence(path=decision.source, line=None, text=decision.note, kind="decision"),
            *(
                (
                    Evidence(
                        path=finding.path, line=finding.line, text=finding.message, kind="file"
                    ),
                )  # fmt: skip
                if finding
                else ()
            ),
        ),
        target=decision.finding or decision.path,
        data={"decision": decision.index, "judged": decision.content, "now": content},
    )


def _stale(decision: Decision) -> Finding:
    return Finding(
        rule="stale-decision",
        severity=Severity.WARNING,
        path=decision.source,
        line=None,
        component=None,
        message=(
            f"{decision.source}: {_where(decision)} ({decision.kind}, {_about(decision)}) "
            "matches no finding or file any more: remove it"
        ),
        evidence=(Evidence(path=decision.source, line=None, text=decision.note, kind="decision"),),
        target=decision.finding or decision.path,
        data={"decision": decision.index},
    )
