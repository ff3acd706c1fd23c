"""Recording a reviewed decision (``openesx-license decide``): from a finding of the last
audit's ``findings.json`` to a ``[[decision]]`` appended to the policy's decisions file.

The content a decision is pinned to is computed from the audited tree *as it is now*, with the
finding as ``findings.json`` describes it (its path, evidence and copied regions): run
``decide`` on the tree the reviewer looked at, right after the audit. The file is rewritten
atomically (a temporary file in the same folder, then a rename) and the whole new file is
validated before it replaces the old one, so a bad value never lands in it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openesx_license._util.fs import atomic_write_text
from openesx_license.config.decisions import parse_decisions
from openesx_license.errors import UsageError
from openesx_license.gate.decisions import file_content, finding_content
from openesx_license.model import Decision, DecisionKind, Evidence, Finding, Severity


def read_findings(path: Path) -> dict[str, Any]:
    """The ``findings.json`` at ``path`` (a :class:`UsageError` naming it when unusable)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no findings.json: run `openesx-license audit` first (or pass --findings)"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read findings.json: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise UsageError(f"{path}: not a findings.json (no 'findings' list)")
    return doc


def _finding(entry: Mapping[str, Any]) -> Finding:
    return Finding(
        rule=str(entry["rule"]),
        severity=Severity(entry.get("severity", "error")),
        path=str(entry["path"]),
        line=entry.get("line"),
        component=entry.get("component"),
        message=str(entry.get("message", "")),
        evidence=tuple(
            Evidence(
                path=e["path"], line=e.get("line"), text=e.get("text", ""), kind=e.get("kind", "")
            )  # fmt: skip
            for e in entry.get("evidence", [])
        ),
        target=entry.get("target"),
        fingerprint=str(entry.get("fingerprint", "")),
        data=dict(entry.get("data") or {}),
    )


def new_decision(
    doc: Mapping[str, Any],
    fingerprint: str,
    *,
    kind: DecisionKind,
    reviewer: str,
    reason: str,
    upstream: str | None = None,
    license: str | None = None,
    today: dt.date | None = None,
    source: str = "",
) -> Decision:
    """The decision about the finding ``fingerprint`` of ``doc`` (a findings.json), pinned to
    the content of the tree at ``doc['root']``. A ``concluded-license`` decision is about the
    finding's *file* (its licence), so it names the path and pins the file's content."""
    entry = next((f for f in doc["findings"] if f.get("fingerprint") == fingerprint), None)
    if entry is None:
        raise UsageError(
            f"no finding with fingerprint {fingerprint!r} in the findings.json given; "
            "`findings.json` lists each finding's 'fingerprint'"
        )
    root = Path(str(doc.get("root", ".")))
    finding = _finding(entry)
    if kind is DecisionKind.CONCLUDED_LICENSE:
        content = file_content(root, finding.path)
        if content is None:
            raise UsageError(f"{root / finding.path}: cannot read the file the decision is about")
        return Decision(kind=kind, reviewer=reviewer, date=(today or dt.date.today()).isoformat(),
                        reason=reason, content=content, path=finding.path, license=license,
                        source=source)  # fmt: skip
    return Decision(
        kind=kind,
        reviewer=reviewer,
        date=(today or dt.date.today()).isoformat(),
        reason=reason,
        content=finding_content(root, finding),
        finding=fingerprint,
        upstream=upstream,
        license=license,
        source=source,
    )


def decision_toml(decision: Decision, *, finding: Mapping[str, Any] | None = None) -> str:
    """One ``[[decision]]`` table (with a comment saying what it is about)."""
    lines = ["", "[[decision]]"]
    if finding is not None:
        where = f"{finding.get('path')}:{finding.get('line') or '-'}"
        lines.insert(1, f"# {finding.get('rule')} at {where}")
    fields: list[tuple[str, str | None]] = [
        ("kind", decision.kind.value),
        ("finding", decision.finding),
        ("path", decision.path),
        ("content", decision.content),
        ("reviewer", decision.reviewer),
        ("reason", decision.reason),
        ("upstream", decision.upstream),
        ("license", decision.license),
    ]
    for key, value in fields:
        if value is not None:
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        if key == "reviewer":
            lines.append(f"date = {decision.date}")
    return "\n".join(lines) + "\n"


def append_decision(path: Path, table: str, *, display: str) -> tuple[Decision, ...]:
    """Append ``table`` to the decisions file at ``path`` (created when missing), atomically,
    after validating the whole new file; returns its decisions. Raises PolicyError naming
    ``display`` when the existing file or the new table is invalid."""
    old = path.read_text(encoding="utf-8") if path.exists() else (
        "# Reviewed decisions (docs/decisions.md), appended by `openesx-license decide`.\n"
    )  # fmt: skip
    if old and not old.endswith("\n"):
        old += "\n"
    text = old + table
    decisions = parse_decisions(text, source=display)
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the decisions: {exc.strerror or exc}") from exc
    return decisions
