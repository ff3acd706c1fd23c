"""The release-licence options table: could the open components go out under each candidate?

For every candidate licence (the release licence first), each source, header or build file of
an open component is judged with
:func:`~openesx_license.licensing.expression.outbound_verdict`; a file whose licence
does not allow the candidate blocks it. Proprietary code inside the audited tree (files of a
proprietary component, or open files carrying a proprietary marker) blocks every candidate: it
must be removed before any release. Files the tables cannot judge are counted, not blocking.
Docs and licence texts are not judged: ScanCode finds licence *mentions* in prose, and a
COPYING file is the text of a licence, not code under it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from openesx_license.config.model import ComponentClass, Policy
from openesx_license.licensing.expression import outbound_verdict
from openesx_license.licensing.knowledge import LicenseKnowledge
from openesx_license.model import Blocker, ComponentBlock, FileKind, FileRecord, ReleaseOption

#: how many grouped blockers of each sort (proprietary, licence) a row keeps, worst first
TOP_BLOCKERS = 10
#: the file kinds whose licence decides a release (see the module docstring)
JUDGED_KINDS = (FileKind.SOURCE, FileKind.HEADER, FileKind.BUILD)

_REMOVE = "proprietary code in the tree blocks every licence: remove it before release"

_Group = tuple[str | None, str | None, str]  # component, licence expression, reason


def is_proprietary_blocker(blocker: Blocker) -> bool:
    """True for a blocker that is proprietary code (it blocks every candidate)."""
    return _REMOVE in blocker.reason


def release_options(
    files: Mapping[str, FileRecord],
    policy: Policy,
    knowledge: LicenseKnowledge,
    *,
    top: int = TOP_BLOCKERS,
) -> tuple[ReleaseOption, ...]:
    """One :class:`ReleaseOption` for the release licence, then each other candidate.

    ``files`` already carry their ``component`` and concluded licence. Blockers are grouped by
    (component, licence expression, reason): one entry names the first file and the count;
    up to ``top`` proprietary groups come first, then up to ``top`` licence groups.
    """
    classes = {c.name: c.component_class for c in policy.components}
    # the release licence first (the policy's candidates are "besides the release licence")
    candidates = tuple(dict.fromkeys((policy.release.license, *policy.release.candidates)))
    proprietary: dict[_Group, list[str]] = defaultdict(list)
    judged: list[FileRecord] = []
    for path in sorted(files):
        record = files[path]
        cls = classes.get(record.component or "")
        reason = _proprietary_reason(record, cls)
        if reason is not None:
            proprietary[(record.component, record.license_expression, reason)].append(path)
        elif cls is ComponentClass.OPEN and record.kind in JUDGED_KINDS:
            judged.append(record)
    rows = []
    for candidate in candidates:
        groups: dict[_Group, list[str]] = defaultdict(list)
        undetermined = 0
        for record in judged:
            if not record.license_expression:
                undetermined += 1
                continue
            verdict = outbound_verdict(record.license_expression, candidate, knowledge)
            if verdict.allowed:
                continue
            if not verdict.known:
                undetermined += 1
                continue
            groups[(record.component, record.license_expression, verdict.reason)].append(
                record.path
            )
        rows.append(_row(candidate, proprietary, groups, undetermined, top))
    return tuple(rows)


def _proprietary_reason(record: FileRecord, cls: ComponentClass | None) -> str | None:
    if cls is ComponentClass.PROPRIETARY:
        return f"file of proprietary component {record.component}; {_REMOVE}"
    if cls is ComponentClass.OPEN and record.markers:
        hit = record.markers[0]
        return f"proprietary marker {hit.marker!r} (line {hit.line}); {_REMOVE}"
    return None


def _ranked(groups: Mapping[_Group, list[str]], top: int) -> list[Blocker]:
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0]))
    out = []
    for (component, expression, reason), paths in ordered[:top]:
        more = f" ({len(paths)} files like this)" if len(paths) > 1 else ""
        out.append(
            Blocker(
                path=paths[0],
                component=component,
                license_expression=expression,
                reason=reason + more,
            )
        )
    return out


def _row(
    candidate: str,
    proprietary: Mapping[_Group, list[str]],
    licence: Mapping[_Group, list[str]],
    undetermined: int,
    top: int,
) -> ReleaseOption:
    removed = {p for paths in proprietary.values() for p in paths}
    blocking = removed | {p for paths in licence.values() for p in paths}
    components = sorted({c for (c, _, _) in (*proprietary, *licence) if c})
    return ReleaseOption(
        license=candidate,
        allowed=not blocking,
        blocking_files=len(blocking),
        blocking_components=tuple(components),
        blockers=tuple(_ranked(proprietary, top) + _ranked(licence, top)),
        undetermined_files=undetermined,
        proprietary_files=len(removed),
        components=_cells(proprietary, licence),
    )


def _cells(
    proprietary: Mapping[_Group, list[str]], licence: Mapping[_Group, list[str]]
) -> tuple[ComponentBlock, ...]:
    """Per blocking component: its proprietary files, its licence blockers and their licences."""
    owned: dict[str, set[str]] = defaultdict(set)
    blocked: dict[str, set[str]] = defaultdict(set)
    licences: dict[str, Counter[str]] = defaultdict(Counter)
    for (component, _, _), paths in proprietary.items():
        owned[component or "(unmapped)"].update(paths)
    for (component, expression, _), paths in licence.items():
        blocked[component or "(unmapped)"].update(paths)
        licences[component or "(unmapped)"][expression or "no licence"] += len(paths)
    return tuple(
        ComponentBlock(
            component=name,
            proprietary_files=len(owned[name]),
            # a file with a marker and a bad licence is counted once, as proprietary
            license_files=len(blocked[name] - owned[name]),
            licenses=tuple(lic for lic, _ in licences[name].most_common()),
            example=min(blocked[name] - owned[name] or owned[name]),
        )
        for name in sorted(set(owned) | set(blocked))
    )
