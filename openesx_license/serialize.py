"""The result model as versioned JSON-ready dicts (``scan --json`` and ``findings.json``).

Field names follow DESIGN.md and the dataclasses of :mod:`openesx_license.model`; enums become
their string values, tuples become lists, absent values stay ``null`` so that every record has
the same keys. ``schema_version`` (:data:`openesx_license.model.SCHEMA_VERSION`) sits at the top
of each document.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from openesx_license import __version__
from openesx_license.model import (
    SCHEMA_VERSION,
    CopyrightStatement,
    FileRecord,
    Holder,
    LicenseDetection,
    MarkerHit,
    ScanResult,
)

TOOL_NAME = "openesx-license"


def tool_to_dict(version: str | None = None) -> dict[str, Any]:
    """The ``tool`` object: name and version of the program that wrote the document."""
    return {"name": TOOL_NAME, "version": version or __version__}


def detection_to_dict(det: LicenseDetection) -> dict[str, Any]:
    """One licence detection with its provenance."""
    return {
        "license_expression": det.license_expression,
        "method": det.method.value,
        "start_line": det.start_line,
        "end_line": det.end_line,
        "score": det.score,
        "matched_rule": det.matched_rule,
        "matched_text": det.matched_text,
        "governing_file": det.governing_file,
        "valid": det.valid,
        "message": det.message,
    }


def copyright_to_dict(stmt: CopyrightStatement) -> dict[str, Any]:
    """One copyright statement with its line span."""
    return {"statement": stmt.statement, "start_line": stmt.start_line, "end_line": stmt.end_line}


def holder_to_dict(holder: Holder) -> dict[str, Any]:
    """One copyright holder with its line span."""
    return {"holder": holder.holder, "start_line": holder.start_line, "end_line": holder.end_line}


def marker_to_dict(hit: MarkerHit) -> dict[str, Any]:
    """One proprietary-marker hit."""
    return {"marker": hit.marker, "line": hit.line, "text": hit.text}


def file_record_to_dict(rec: FileRecord) -> dict[str, Any]:
    """One file of the inventory with everything detection learned about it."""
    return {
        "path": rec.path,
        "size": rec.size,
        "sha1": rec.sha1,
        "kind": rec.kind.value,
        "language": rec.language,
        "component": rec.component,
        "detected_license_expression": rec.detected_license_expression,
        "license_expression": rec.license_expression,
        "license_source": rec.license_source,
        "detections": [detection_to_dict(d) for d in rec.detections],
        "copyrights": [copyright_to_dict(c) for c in rec.copyrights],
        "holders": [holder_to_dict(h) for h in rec.holders],
        "markers": [marker_to_dict(m) for m in rec.markers],
        "errors": list(rec.errors),
    }


def license_counts(files: tuple[FileRecord, ...] | list[FileRecord]) -> dict[str, int]:
    """Files per concluded licence expression (``"none"`` for files without one), sorted."""
    counts = Counter(rec.license_expression or "none" for rec in files)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def scan_to_dict(result: ScanResult) -> dict[str, Any]:
    """The document ``scan --json`` writes: files and the licence summary, no findings."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_to_dict(),
        "root": result.root,
        "engine": result.engine,
        "stats": {
            "files": result.stats.files,
            "detected": result.stats.detected,
            "cached": result.stats.cached,
            "imported": result.stats.imported,
            "distinct_blocks": result.stats.distinct_blocks,
            "seconds": round(result.stats.seconds, 3),
        },
        "summary": {"files": len(result.files), "licenses": license_counts(result.files)},
        "skipped": skipped_to_dict(result),
        "files": [file_record_to_dict(rec) for rec in result.files],
    }


def skipped_to_dict(result: ScanResult) -> dict[str, Any]:
    """What the default exclusions left out: how many paths, and which (folders end in /)."""
    return {"count": len(result.skipped), "paths": list(result.skipped)}
