"""Turn per-block engine results into per-file facts, and facts into a :class:`FileRecord`.

A file's *facts* (a JSON-ready dict, the unit of the file-level cache) are its tag
detections, its licence detections with line numbers made absolute, its copyrights, holders,
markers and content errors. The file's ``detected_license_expression`` combines every valid
tag and every licence detection with ``AND``, each distinct expression once, as ScanCode's
``get_licenses`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from license_expression import ExpressionError, Licensing, combine_expressions

from openesx_license.detect.engine import CopyrightFacts, LicenseFacts
from openesx_license.detect.prepare import PreparedFile
from openesx_license.model import (
    CopyrightStatement,
    DetectionMethod,
    FileEntry,
    FileRecord,
    Holder,
    LicenseDetection,
    LicenseSource,
    MarkerHit,
)

Facts = dict[str, Any]


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return Licensing()


def combine_and(expressions: Iterable[str]) -> str | None:
    """``AND`` of the distinct ``expressions`` (None when there is none)."""
    unique = tuple(dict.fromkeys(e for e in expressions if e))
    if not unique:
        return None
    return _combined(unique)


@lru_cache(maxsize=4096)
def _combined(unique: tuple[str, ...]) -> str:
    # thousands of files carry the same few combinations: parse each one once per run
    try:
        return str(
            combine_expressions(list(unique), relation="AND", unique=True, licensing=_licensing())
        )
    except ExpressionError:
        return " AND ".join(f"({e})" if " " in e else e for e in unique)


def file_facts(
    prepared: PreparedFile,
    blocks: Mapping[str, LicenseFacts],
    groups: Mapping[str, CopyrightFacts],
) -> Facts:
    """Facts of one file from its prepared form and the engine results of its blocks."""
    licences = [
        {
            **det,
            "start_line": det["start_line"] + block.start,
            "end_line": det["end_line"] + block.start,
        }
        for block in prepared.blocks
        for det in blocks.get(block.key, [])
    ]
    copyrights: list[list[Any]] = []
    holders: list[list[Any]] = []
    for group in prepared.groups:
        found = groups.get(group.key, {"copyrights": [], "holders": []})
        shift = group.start - 1
        copyrights.extend([c, s + shift, e + shift] for c, s, e in found["copyrights"])
        holders.extend([h, s + shift, e + shift] for h, s, e in found["holders"])
    return {
        "tags": [_tag_to_dict(t) for t in prepared.tags],
        "licences": licences,
        "copyrights": copyrights,
        "holders": holders,
        "markers": [[m.marker, m.line, m.text] for m in prepared.markers],
        "errors": list(prepared.errors),
    }


def _tag_to_dict(tag: LicenseDetection) -> dict[str, Any]:
    data = asdict(tag)
    data["method"] = tag.method.value
    return data


def license_detection(det: Mapping[str, Any]) -> LicenseDetection:
    """A ScanCode detection of the facts as a :class:`LicenseDetection`."""
    return LicenseDetection(
        license_expression=det["expression"],
        method=DetectionMethod.LICENSE_TEXT,
        start_line=det["start_line"],
        end_line=det["end_line"],
        score=det["score"],
        matched_rule=", ".join(det["rules"]),
        matched_text=det["matched_text"] or None,
        message=det.get("message"),
    )


def build_record(entry: FileEntry, facts: Facts) -> FileRecord:
    """The :class:`FileRecord` of ``entry`` from its facts (before licence-file governance)."""
    tags = [
        LicenseDetection(**{**t, "method": DetectionMethod(t["method"])}) for t in facts["tags"]
    ]
    texts = [license_detection(d) for d in facts["licences"]]
    detections = sorted(tags + texts, key=lambda d: (d.start_line or 0, d.end_line or 0))
    detected = combine_and(d.license_expression for d in detections if d.valid)
    return FileRecord(
        path=entry.path,
        size=entry.size,
        sha1=entry.sha1,
        kind=entry.kind,
        language=entry.language,
        detected_license_expression=detected,
        license_expression=detected,
        license_source=LicenseSource.DETECTED if detected else LicenseSource.NONE,
        detections=tuple(detections),
        copyrights=tuple(
            CopyrightStatement(statement=c, start_line=s, end_line=e)
            for c, s, e in facts["copyrights"]
        ),
        holders=tuple(Holder(holder=h, start_line=s, end_line=e) for h, s, e in facts["holders"]),
        markers=tuple(MarkerHit(marker=m, line=n, text=t) for m, n, t in facts["markers"]),
        errors=tuple(dict.fromkeys([*entry.errors, *facts["errors"]])),
    )


def error_record(entry: FileEntry, *extra: str) -> FileRecord:
    """A record for a file that was not (or could not be) read for detection."""
    return FileRecord(
        path=entry.path,
        size=entry.size,
        sha1=entry.sha1,
        kind=entry.kind,
        language=entry.language,
        errors=tuple(dict.fromkeys([*entry.errors, *extra])),
    )
