"""The first answer of every report: what blocks the release licence now, what still blocks
it once the proprietary code is removed, and the candidate x component blocker matrix.

Format-neutral (plain text and small dataclasses): the HTML report and the Markdown summary
say the same sentences and draw the same matrix from the release-licence options.
"""

from __future__ import annotations

from dataclasses import dataclass

from openesx_license.gate.verdict import AuditVerdict
from openesx_license.model import AuditResult, ComponentBlock, ReleaseOption


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _files(n: int) -> str:
    return f"{n:,} file" + ("" if n == 1 else "s")


def licence_blockers(option: ReleaseOption) -> str:
    """``drivers: 2 files, Apache-2.0, e.g. drivers/nvme/Kbuild``: the licence blockers."""
    parts = [
        f"{c.component}: {_files(c.license_files)}, {', '.join(c.licenses[:3])}"
        + (f", e.g. {c.example}" if c.example else "")
        for c in option.components
        if c.license_files
    ]
    return "; ".join(parts)


def blocker_sentences(result: AuditResult, verdict: AuditVerdict) -> tuple[str, str]:
    """What blocks the release licence now, and what still does once proprietary code is out."""
    option, lic = verdict.option, result.release_license
    if option is None:
        return "", ""
    now_parts = []
    owned = [c for c in option.components if c.proprietary_files]
    if owned:
        names = ", ".join(f"{c.component} {c.proprietary_files:,}" for c in owned)
        now_parts.append(f"{_files(option.proprietary_files)} of proprietary code ({names})")
    later_files = option.blocking_files - option.proprietary_files
    if later_files:
        now_parts.append(
            f"{_files(later_files)} whose licence does not allow it ({licence_blockers(option)})"
        )
    now = f"{lic} is blocked by {_join(now_parts)}." if now_parts else ""
    if not option.proprietary_files:
        return now, ""
    others = [o.license for o in result.options if o.allowed_once_removed and o.license != lic]
    then = f" Candidates allowed then: {', '.join(others)}." if others else ""
    if later_files:
        later = (
            f"{lic} is still blocked by {_files(later_files)} ({licence_blockers(option)}).{then}"
        )
    else:
        later = f"{lic} is allowed.{then}"
    return now, later


@dataclass(frozen=True, kw_only=True)
class MatrixRow:
    """One component of the blocker matrix: its cell under each candidate (None: no block)."""

    component: str
    component_class: str
    cells: tuple[ComponentBlock | None, ...]


def blocker_matrix(result: AuditResult) -> list[MatrixRow]:
    """Candidate x component: every component that blocks some candidate, proprietary first."""
    classes = {c.name: c.component_class for c in result.components}
    names = sorted(
        {c.component for o in result.options for c in o.components},
        key=lambda n: (classes.get(n) != "proprietary", n),
    )
    rows = []
    for name in names:
        cells = tuple(
            next((c for c in o.components if c.component == name), None) for o in result.options
        )
        rows.append(
            MatrixRow(component=name, component_class=classes.get(name, "unmapped"), cells=cells)
        )
    return rows
