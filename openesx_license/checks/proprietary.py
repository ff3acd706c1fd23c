"""The ``proprietary-code`` rule: proprietary code where only open or third-party code may be.

Evidence that a file of an open or third-party component is proprietary:

- a hit of one of the policy's ``[markers] proprietary`` ("VMware Confidential");
- a proprietary licence the file states itself: an SPDX tag naming a proprietary
  ``LicenseRef-`` (``LicenseRef-VMware-Proprietary``), or a licence text ScanCode recognises
  as a *named* proprietary licence;
- ScanCode's *generic* ``commercial-license`` and ``proprietary-license`` hits only in the
  file's own licence context (:func:`generic_hit_in_context`): they match any sentence about
  a commercial or proprietary licence, and README prose about another product ("... remains
  available under a commercial license") or a notice string a program prints is not the
  file's licence. Such a hit counts when the file is not prose (a doc file), the hit lies in
  a comment (or a licence file), not in program text, and the file states no open licence
  beside it.

A proprietary component nested inside an open component's folder (``tools/xenmon/**``
inside ``tools/**``) is said once per component, as a note: the more specific glob already
decides each file's component, so the layout of the policy is one fact, not a leak per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from openesx_license._util.globs import glob_matches, normalise, specificity
from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import Check, register
from openesx_license.config.model import Component, ComponentClass
from openesx_license.model import (
    DetectionMethod,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    LicenseDetection,
    Severity,
)

#: A licence that marks a file as proprietary (``LicenseRef-VMware-Proprietary``,
#: ScanCode's ``LicenseRef-scancode-proprietary-license``, ``...-commercial-license``).
PROPRIETARY_LICENSE = re.compile(
    r"LicenseRef-[A-Za-z0-9.\-]*(?:proprietary|commercial|confidential)[A-Za-z0-9.\-]*",
    re.IGNORECASE,
)

#: ScanCode's catch-all keys: they match any sentence that mentions such a licence
GENERIC_PROPRIETARY = frozenset(
    {"LicenseRef-scancode-commercial-license", "LicenseRef-scancode-proprietary-license"}
)

#: the start of a line that is a comment in C-family, shell, Makefile, assembler or m4 text
_COMMENT_START = re.compile(r"\s*(?:/\*|\*|//|#(?!\s*(?:include|define|if|el|endif|undef|"
                            r"pragma|error|warning|line)\b)|;|--|dnl\b|@c\b|\.\\\")")  # fmt: skip


def _is_proprietary(expression: str | None) -> list[str]:
    return sorted(set(PROPRIETARY_LICENSE.findall(expression or "")))


def _in_block_comment(lines: list[str], number: int) -> bool:
    """Whether line ``number`` (1-based) starts inside a ``/* ... */`` comment (strings and
    ``//`` comments of the lines before are skipped)."""
    inside = False
    for line in lines[: number - 1]:
        i, n = 0, len(line)
        while i < n:
            if inside:
                end = line.find("*/", i)
                if end < 0:
                    break
                inside, i = False, end + 2
                continue
            c = line[i]
            if c == '"' or c == "'":
                close = i + 1
                while close < n and line[close] != c:
                    close += 2 if line[close] == "\\" else 1
                i = close + 1
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                inside, i = True, i + 2
            else:
                i += 1
    return inside


def in_comment(text: str, line: int | None) -> bool:
    """Whether ``line`` of ``text`` is comment text (unknown line: True, nothing to refute)."""
    if line is None:
        return True
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return True
    return bool(_COMMENT_START.match(lines[line - 1])) or _in_block_comment(lines, line)


def generic_hit_in_context(
    record: FileRecord, detection: LicenseDetection, text: str | None
) -> bool:
    """Whether a generic ``commercial-license``/``proprietary-license`` hit is the file's own
    licence: the file is not prose, the hit is comment (or licence-file) text, not program
    text, and no open licence is stated beside it. ``text`` is the file's content (None when
    it could not be read: the comment test is then skipped)."""
    if record.kind is FileKind.DOC:
        return False
    others = [
        d
        for d in record.detections
        if d is not detection and d.valid and d.license_expression
        and not _is_proprietary(d.license_expression)
    ]  # fmt: skip
    if others:
        return False
    if record.kind is FileKind.LICENSE or text is None:
        return True
    return in_comment(text, detection.start_line)


def proprietary_evidence(record: FileRecord, text: str | None) -> tuple[list[str], list[Evidence]]:
    """The proprietary licences ``record`` states itself and their evidence (see the module
    docstring for which detections count)."""
    licenses: set[str] = set()
    evidence: list[Evidence] = []
    # an expression no detection explains (a record from elsewhere) cannot be judged: it counts
    detected = {k for d in record.detections for k in _is_proprietary(d.license_expression)}
    licenses.update(set(_is_proprietary(record.detected_license_expression)) - detected)
    for det in record.detections:
        found = _is_proprietary(det.license_expression)
        if not found:
            continue
        generic = det.method is DetectionMethod.LICENSE_TEXT and all(
            key in GENERIC_PROPRIETARY for key in found
        )
        if generic and not generic_hit_in_context(record, det, text):
            continue
        licenses.update(found)
        evidence.append(
            Evidence(
                path=record.path,
                line=det.start_line,
                text=det.matched_text or det.license_expression,
                kind="license",
            )
        )
    return sorted(licenses), evidence


def _read(root: object, path: str) -> str | None:
    if not root:
        return None
    try:
        return (Path(str(root)) / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _describe(component: Component) -> str:
    return f"{component.name}, {component.component_class.value}"


@register
class ProprietaryCode(Check):
    """Proprietary code where only open or third-party code may be."""

    id: ClassVar[str] = "proprietary-code"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "Proprietary file or marker inside an open component"
    description: ClassVar[str] = (
        "A file of an open or third-party component carries a proprietary marker (for example "
        "a 'VMware Confidential' banner) or states a proprietary licence of its own "
        "(LicenseRef-*-Proprietary; ScanCode's generic commercial/proprietary-license hits "
        "only in the file's own licence comment, with no open licence beside them, never in "
        "prose or program strings). Releasing it would publish code the company has not "
        "agreed to open. A proprietary component nested in an open component's folder is "
        "noted once per component (severity note)."
    )
    guidance: ClassVar[str] = (
        "Find out whether the file really is proprietary. If it is, move it into a proprietary "
        "component's folder (and out of the release); if it was cleared for release, get the "
        "marker removed by its owner and replace the header with the release licence's SPDX "
        "tag. If a legal reviewer concludes the file's licence is an open one (the detection "
        "is wrong), record a 'concluded-license' decision (docs/decisions.md). This rule "
        "cannot be waived: a confidential file must never ship. For the nesting note, make "
        "sure the release packaging leaves the nested folder out."
    )
    waivable: ClassVar[bool] = False
    settle: ClassVar[str | None] = (
        "When the licence found is not the file's (a detection error), a legal reviewer "
        "records the file's real licence: `openesx-license decide FINGERPRINT --kind "
        "concluded-license --license SPDX-EXPR` (docs/decisions.md); the decision is pinned to "
        "the file's content and lapses when it changes. A proprietary marker is a fact, not a "
        "detection: only its owner removing it settles the finding. No waiver or baseline."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Marker hits and proprietary licences in open/third-party files; one note per
        proprietary component nested inside an open component's tree."""
        yield from self._nested(ctx)
        root = ctx.graph.graph.get("root")
        for path in sorted(ctx.files):
            component = ctx.components.component_for(path)
            if component is None or component.component_class is ComponentClass.PROPRIETARY:
                continue
            finding = self._stated(ctx.files[path], component, root)
            if finding is not None:
                yield finding

    def _stated(self, record: FileRecord, component: Component, root: object) -> Finding | None:
        path = record.path
        evidence = [
            Evidence(path=path, line=hit.line, text=hit.text, kind="marker")
            for hit in record.markers
        ]
        needs_text = any(
            d.method is DetectionMethod.LICENSE_TEXT and _is_proprietary(d.license_expression)
            for d in record.detections
        )
        licenses, license_evidence = proprietary_evidence(
            record, _read(root, path) if needs_text else None
        )
        evidence.extend(e for e in license_evidence if not any(m.line == e.line for m in evidence))
        if not evidence and not licenses:
            return None
        what = (
            f"proprietary marker {record.markers[0].marker!r}"
            if record.markers
            else f"proprietary licence {licenses[0]}"
        )
        return self.finding(
            path=path,
            line=evidence[0].line if evidence else None,
            component=component.name,
            target=record.markers[0].marker if record.markers else licenses[0],
            message=f"{path} ({_describe(component)}) carries a {what}",
            evidence=tuple(evidence),
        )

    def _nested(self, ctx: CheckContext) -> Iterator[Finding]:
        """One note per (proprietary component, open component whose folder holds files of
        it), on the first such file."""
        # globs that claim a folder of their own ('vmkernel/**'), not catch-alls ('**', '*.c')
        open_globs = [
            (glob, c)
            for c in ctx.policy.components
            if c.component_class is ComponentClass.OPEN
            for glob in c.paths
            if "/" in normalise(glob)[: specificity(glob).literal_prefix]
        ]
        nested: dict[tuple[str, str], list[str]] = {}
        globs: dict[tuple[str, str], str] = {}
        components: Mapping[str, Component] = {c.name: c for c in ctx.policy.components}
        for path in sorted(ctx.files):
            component = ctx.components.component_for(path)
            if component is None or component.component_class is not ComponentClass.PROPRIETARY:
                continue
            inside = next(((g, c) for g, c in open_globs if glob_matches(g, path)), None)
            if inside is None:
                continue
            key = (component.name, inside[1].name)
            nested.setdefault(key, []).append(path)
            globs.setdefault(key, inside[0])
        for (name, outer), paths in sorted(nested.items()):
            first = paths[0]
            own = ctx.components.matching_glob(first)
            yield self.finding(
                path=first,
                line=None,
                component=name,
                target=outer,
                severity=Severity.NOTE,
                message=(
                    f"proprietary component {name} ({len(paths)} file"
                    f"{'' if len(paths) == 1 else 's'}, e.g. {first}) lies inside the folder of "
                    f"open component {outer} (glob {globs[(name, outer)]!r}); its own glob "
                    f"{own!r} decides their component: keep the folder out of the open release"
                ),
                evidence=(
                    Evidence(
                        path=first,
                        line=None,
                        text=f"claimed by {name} via {own!r}; also matches "
                        f"{components[outer].name}'s {globs[(name, outer)]!r}",
                        kind="file",
                    ),
                ),
                data={"files": len(paths), "nested_in": outer},
            )
