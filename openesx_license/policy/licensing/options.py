"""The release-licence options table: could the open components go out under each candidate?

For every candidate licence of the policy, each file of an open component is judged with
:func:`~openesx_license.policy.licensing.expression.outbound_verdict`; a file whose licence
does not allow the candidate blocks it. Proprietary code inside the audited tree (files of a
proprietary component, or open files carrying a proprietary marker) blocks every candidate: it
must be removed before any release. Files the tables cannot judge are counted, not blocking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from openesx_license.model import Blocker, FileRecord, ReleaseOption
from openesx_license.policy.licensing.expression import outbound_verdict
from openesx_license.policy.licensing.knowledge import LicenceKnowledge
from openesx_license.policy.model import ComponentClass, Policy

#: how many grouped blockers a row keeps (worst first)
TOP_BLOCKERS = 10

_REMOVE = "proprietary code in the tree blocks every licence: remove it before release"


def release_options(
    files: Mapping[str, FileRecord],
    policy: Policy,
    knowledge: LicenceKnowledge,
    *,
    top: int = TOP_BLOCKERS,
) -> tuple[ReleaseOption, ...]:
    """One :class:`ReleaseOption` for the release licence, then each other candidate.

    ``files`` already carry their ``component`` and concluded licence. Blockers are grouped by
    (component, licence expression, reason): one entry names the first file and the count.
    """
    classes = {c.name: c.component_class for c in policy.components}
    # the release licence first (the policy's candidates are "besides the release licence")
    candidates = tuple(dict.fromkeys((policy.release.license, *policy.release.candidates)))
    rows = []
    for candidate in candidates:
        groups: dict[tuple[str | None, str | None, str], list[str]] = defaultdict(list)
        undetermined = 0
        for path in sorted(files):
            record = files[path]
            cls = classes.get(record.component or "")
            reason = _proprietary_reason(record, cls)
            if reason is None and cls is ComponentClass.OPEN:
                if not record.license_expression:
                    undetermined += 1
                    continue
                verdict = outbound_verdict(record.license_expression, candidate, knowledge)
                if verdict.allowed:
                    continue
                if not verdict.known:
                    undetermined += 1
                    continue
                reason = verdict.reason
            if reason is not None:
                groups[(record.component, record.license_expression, reason)].append(path)
        rows.append(_row(candidate, groups, undetermined, top))
    return tuple(rows)


def _proprietary_reason(record: FileRecord, cls: ComponentClass | None) -> str | None:
    if cls is ComponentClass.PROPRIETARY:
        return f"file of proprietary component {record.component}; {_REMOVE}"
    if cls is ComponentClass.OPEN and record.markers:
        hit = record.markers[0]
        return f"proprietary marker {hit.marker!r} (line {hit.line}); {_REMOVE}"
    return None


def _row(
    candidate: str,
    groups: Mapping[tuple[str | None, str | None, str], list[str]],
    undetermined: int,
    top: int,
) -> ReleaseOption:
    def rank(item: tuple[tuple[str | None, str | None, str], list[str]]) -> tuple[int, int, str]:
        (_, _, reason), paths = item
        return (0 if _REMOVE in reason else 1, -len(paths), paths[0])

    blockers = []
    for (component, expression, reason), paths in sorted(groups.items(), key=rank)[:top]:
        more = f" ({len(paths)} files like this)" if len(paths) > 1 else ""
        blockers.append(
            Blocker(
                path=paths[0],
                component=component,
                license_expression=expression,
                reason=reason + more,
            )
        )
    blocking = {p for paths in groups.values() for p in paths}
    components = sorted({c for (c, _, _) in groups if c}, key=str)
    return ReleaseOption(
        license=candidate,
        allowed=not blocking,
        blocking_files=len(blocking),
        blocking_components=tuple(components),
        blockers=tuple(blockers),
        undetermined_files=undetermined,
    )
