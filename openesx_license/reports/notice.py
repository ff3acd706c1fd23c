"""``NOTICE.txt``: the attribution file that ships with the open release.

It lists every part of the release that is third-party or licensed differently from the release
licence, grouped by component and licence expression, with the copyright holders of each group
(spellings merged, :mod:`.holders`) and the licence notice its files carry
(:mod:`.carried_text`: the real copyright lines and text, not a template); then the text of
every licence those parts and the release itself use: the text a licence file of the release
carries (its ``COPYING``, a ``LICENSE``) where there is one, else ScanCode Toolkit's licence data
(see :mod:`openesx_license.reports.license_data`), never retyped. Documentation files are not
attributed by the licences their prose names, and licence *references* (ScanCode's
``unknown-license-reference``: "see the file COPYING") pull in no text. Proprietary components
are not part of the release and never appear.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from openesx_license.model import AuditResult, FileKind, FileRecord
from openesx_license.reports.carried_text import CarriedText, best_carried
from openesx_license.reports.common import plural, release_scope
from openesx_license.reports.holders import merge_holders
from openesx_license.reports.license_data import license_keys, license_text, spdx_expression
from openesx_license.reports.registry import Formatter, ReportFormat

WIDTH = 79
RULE = "=" * WIDTH
THIN = "-" * WIDTH
#: paths listed per group before "... and N more" (holders are always listed in full)
MAX_PATHS = 25
NO_LICENSE = "(no licence found)"


@dataclass(frozen=True, kw_only=True)
class AttributionGroup:
    """Files of one component under one licence expression, with their holders."""

    component: str
    component_class: str
    license_expression: str  # SPDX, or NO_LICENSE
    paths: tuple[str, ...]
    holders: tuple[str, ...]
    #: the licence notice the group's files carry (None: tags or references only)
    notice: CarriedText | None = None


def is_reference(key: str) -> bool:
    """True for a licence key that only says "a licence is referred to here"."""
    return key.endswith("-reference")


def attribution_groups(result: AuditResult) -> list[AttributionGroup]:
    """The parts to attribute: third-party files, and open files under another licence."""
    scope = release_scope(result)
    release = spdx_expression(result.release_license)
    root = Path(result.root)
    shown = merge_holders(h.holder for rec in result.scan.files for h in rec.holders)
    groups: list[AttributionGroup] = []
    for comp in scope.components:
        by_license: dict[str, list[FileRecord]] = defaultdict(list)
        for rec in scope.files.get(comp.name, ()):
            if rec.kind is FileKind.DOC:
                continue  # prose names licences; that is not the licence of the document
            expr = spdx_expression(rec.license_expression)
            if comp.component_class != "third-party" and (expr is None or expr == release):
                continue  # open code under the release licence (or none: a finding says so)
            by_license[expr or NO_LICENSE].append(rec)
        for expr in sorted(by_license, key=lambda e: (e == NO_LICENSE, e.lower())):
            recs = by_license[expr]
            holders = {
                shown.get(h.holder.strip(), h.holder.strip())
                for rec in recs
                for h in rec.holders
                if h.holder.strip()
            }
            groups.append(
                AttributionGroup(
                    component=comp.name,
                    component_class=comp.component_class,
                    license_expression=expr,
                    paths=tuple(rec.path for rec in recs),
                    holders=tuple(sorted(holders, key=lambda h: (h.casefold(), h))),
                    notice=best_carried(recs, root),
                )
            )
    return groups


def _paths_block(paths: tuple[str, ...]) -> list[str]:
    lines = [f"    {p}" for p in paths[:MAX_PATHS]]
    if len(paths) > MAX_PATHS:
        lines.append(f"    ... and {plural(len(paths) - MAX_PATHS, 'more file')}")
    return lines


def carried_licence_files(result: AuditResult) -> dict[str, CarriedText]:
    """Licence id -> the text a licence file of the release carries for it (COPYING...)."""
    scope = release_scope(result)
    root = Path(result.root)
    out: dict[str, CarriedText] = {}
    for recs in scope.files.values():
        for rec in recs:
            expr = spdx_expression(rec.license_expression)
            if rec.kind is not FileKind.LICENSE or expr is None or " " in expr or expr in out:
                continue
            carried = best_carried([rec], root)
            if carried is not None:
                out[expr] = carried
    return out


def _license_section(
    spdx_id: str, used_by: list[str], carried: CarriedText | None = None
) -> list[str]:
    known = license_text(spdx_id)
    where = ", ".join(used_by[:10]) + (
        f" and {len(used_by) - 10} more" if len(used_by) > 10 else ""
    )
    title = f"{spdx_id}: {known.name}" if known and known.name != spdx_id else spdx_id
    lines = [RULE, title, RULE, ""]
    if carried is not None:
        lines.append(f"Text as {carried.path} carries it (lines {carried.start_line}-"
                     f"{carried.end_line}).")  # fmt: skip
        lines.append("")
        lines.extend(carried.text.splitlines())
    elif known is not None and known.text:
        lines.append(f"Text from ScanCode Toolkit's licence data (key {known.scancode_key}).")
        lines.append("")
        lines.extend(known.text.splitlines())
    elif known is not None:
        lines.extend(
            textwrap.wrap(
                f"ScanCode Toolkit's licence data holds no text for {known.name}; the licence "
                f"statements in the files themselves apply ({where}).",
                WIDTH,
            )
        )
    else:
        lines.extend(
            textwrap.wrap(
                f"{spdx_id} is not in ScanCode Toolkit's licence data; the licence statements "
                f"in the files themselves apply ({where}).",
                WIDTH,
            )
        )
    lines.append("")
    return lines


def render_notice(result: AuditResult) -> str:
    """The whole NOTICE text."""
    groups = attribution_groups(result)
    scope = release_scope(result)
    head = f"NOTICE for the {result.release_name} open release"
    lines = [head, "=" * len(head), ""]
    intro = (
        f"{result.release_name} is released under {result.release_license}. This file lists "
        f"the parts of it that are third-party or licensed differently, grouped by component "
        f"and licence, with their copyright holders, followed by the full text of every "
        f"licence used."
    )
    lines.extend(textwrap.wrap(intro, WIDTH))
    lines.append("")
    if scope.excluded_files.get("proprietary"):
        lines.extend(
            textwrap.wrap(
                "Proprietary components are not part of the release and are not listed.", WIDTH
            )
        )
        lines.append("")
    short_hash = result.tree_hash[:12] if result.tree_hash else "unknown"
    lines.append(
        f"Generated by openesx-license {result.tool_version} on {result.generated_at[:10]} "
        f"from tree {short_hash}."
    )
    lines.append("")
    lines += [RULE, "Attributions", RULE, ""]
    if not groups:
        lines += ["Every file of the release is under the release licence.", ""]
    used_by: dict[str, list[str]] = defaultdict(list)
    for key in license_keys(result.release_license):
        used_by[key].append(f"the release licence, {result.release_license}")
    for group in groups:
        label = "third-party" if group.component_class == "third-party" else "open"
        lines.append(f"{group.component} ({label}): {group.license_expression}")
        lines.append(f"  {plural(len(group.paths), 'file')}:")
        lines.extend(_paths_block(group.paths))
        if group.holders:
            lines.append("  Copyright holders:")
            lines.extend(f"    {h}" for h in group.holders)
        else:
            lines.append("  Copyright holders: none stated in the files")
        if group.notice is not None:
            n = group.notice
            lines.append(f"  Notice, as {n.path} carries it (lines {n.start_line}-{n.end_line}):")
            lines.append("")
            lines.extend(f"    {line}" if line else "" for line in n.text.splitlines())
        lines.append("")
        for key in license_keys(group.license_expression):
            if is_reference(key):
                continue
            if group.component not in used_by[key]:
                used_by[key].append(group.component)
    # the template text of a licence only where no file of the release carries its own
    carried = carried_licence_files(result)
    for group in groups:
        keys = license_keys(group.license_expression)
        if group.notice is not None and len(keys) == 1 and keys[0] not in carried:
            carried[keys[0]] = group.notice
    lines += [RULE, "Licence texts", RULE, ""]
    lines.extend(f"  {key}" for key in sorted(used_by, key=str.lower))
    lines.append("")
    for key in sorted(used_by, key=str.lower):
        lines.extend(_license_section(key, used_by[key], carried.get(key)))
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


class NoticeFormatter(Formatter):
    """``NOTICE.txt``: attributions and licence texts of the open release."""

    format: ClassVar[ReportFormat] = ReportFormat.NOTICE
    filename: ClassVar[str | None] = "NOTICE.txt"
    description: ClassVar[str] = "attribution file: holders and full licence texts"

    def render(self, result: AuditResult) -> str:
        """The NOTICE text."""
        return render_notice(result)
