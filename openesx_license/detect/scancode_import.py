"""Reuse an existing ScanCode Toolkit JSON scan (``scancode -l -c --json``) as detection input.

A team that already runs ScanCode should not pay for the licence matching twice. With
``--from-scancode FILE`` each file the ScanCode scan covers takes its licence detections,
copyrights and holders from there; the tool still reads the file itself for what ScanCode does
not report (SPDX tags through our own parser, proprietary markers, encoding problems), and
every file the scan lacks (added since, or left out) is scanned as usual.

Mapping, per file (``files[]`` entries of type ``file``):

- ``license_detections[]`` become licence-text detections: the detection's SPDX expression
  (``license_expression_spdx``; ScanCode has already resolved "see COPYING" references into
  it), its line span over its matches, the best score and the rule identifiers.
  SPDX-License-Identifier matches (matcher ``1-spdx-id``) are left out, since our tag parser
  reads those lines itself as in a normal scan: a detection made only of them is dropped, and
  one where a tag joined a notice keeps the AND of its other matches' expressions.
- ``copyrights[]`` and ``holders[]`` as they are; ``scan_errors[]`` become file errors.

Paths are matched after removing the scanned folder's name that ScanCode puts in front (or
the absolute root of ``--full-root``). When the scan has checksums (``-i``), a file whose
SHA-1 differs from the file on disk is stale and scanned again. A scan without licence
detection (no ``-l``), a ScanCode older than 32 (no ``license_detections``) or a file that is
not a ScanCode JSON scan is a usage error naming the file.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openesx_license.detect.assemble import Facts, _tag_to_dict, combine_and
from openesx_license.detect.engine import MATCHED_TEXT_CHARS
from openesx_license.detect.prepare import PreparedFile
from openesx_license.errors import UsageError
from openesx_license.model import FileEntry

SPDX_ID_MATCHER = "1-spdx-id"


@dataclass(frozen=True, kw_only=True)
class ScancodeFile:
    """What the ScanCode scan says about one file."""

    sha1: str | None
    licences: tuple[dict[str, Any], ...] = ()
    copyrights: tuple[tuple[str, int, int], ...] = ()
    holders: tuple[tuple[str, int, int], ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ImportedScan:
    """A ScanCode JSON scan, keyed by paths relative to the audited root."""

    source: str
    tool_version: str
    files: Mapping[str, ScancodeFile] = field(default_factory=dict)

    def covers(self, entry: FileEntry) -> bool:
        """True when the scan has ``entry`` and, if it recorded a SHA-1, the same content."""
        found = self.files.get(entry.path)
        if found is None:
            return False
        return found.sha1 is None or found.sha1 == entry.sha1

    def facts(self, prepared: PreparedFile) -> Facts:
        """Facts of a covered file: ScanCode's licences and copyrights, our tags and
        markers (the file was read by :func:`~openesx_license.detect.prepare.prepare_file`)."""
        found = self.files[prepared.path]
        return {
            "tags": [_tag_to_dict(t) for t in prepared.tags],
            "licences": [dict(d) for d in found.licences],
            "copyrights": [list(c) for c in found.copyrights],
            "holders": [list(h) for h in found.holders],
            "markers": [[m.marker, m.line, m.text] for m in prepared.markers],
            "errors": [*prepared.errors, *found.errors],
        }


def load_scancode_json(path: Path, root: Path) -> ImportedScan:
    """Read the ScanCode JSON scan at ``path`` of the tree at ``root``.

    Raises :class:`UsageError` naming ``path`` when it cannot be read or used.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (--from-scancode)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the ScanCode scan: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc}); expected `scancode -l -c --json`") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise UsageError(f"{path}: not a ScanCode JSON scan (no 'files' list)")
    headers = data.get("headers") or [{}]
    header = headers[0] if isinstance(headers[0], dict) else {}
    options = header.get("options") or {}
    if isinstance(options, dict) and options and not options.get("--license"):
        raise UsageError(
            f"{path}: the ScanCode scan has no licence detection; run scancode with -l "
            "(--license), e.g. `scancode -l -c --json scan.json TREE`"
        )
    entries = [f for f in data["files"] if isinstance(f, dict) and f.get("type") == "file"]
    if entries and "license_detections" not in entries[0]:
        raise UsageError(
            f"{path}: written by ScanCode {header.get('tool_version', '< 32')}; "
            "--from-scancode reads the output of ScanCode Toolkit 32 or later (license_detections)"
        )
    strip = _root_prefix([str(f.get("path", "")) for f in data["files"]], root, options)
    files: dict[str, ScancodeFile] = {}
    for entry in entries:
        raw = str(entry.get("path", ""))
        rel = raw[len(strip) :] if strip and raw.startswith(strip) else raw
        rel = posixpath.normpath(rel).lstrip("/")
        files[rel] = _file(entry)
    return ImportedScan(
        source=str(path), tool_version=str(header.get("tool_version", "")), files=files
    )


def _root_prefix(paths: list[str], root: Path, options: Mapping[str, Any]) -> str:
    """What to cut off ScanCode's paths to get paths relative to the audited root."""
    if options.get("--strip-root"):
        return ""
    absolute = str(root.resolve()).rstrip("/") + "/"
    if options.get("--full-root") or any(p.startswith(absolute) for p in paths):
        return absolute
    first = {p.split("/", 1)[0] for p in paths if p}
    if len(first) == 1 and all("/" in p or p in first for p in paths):
        return first.pop() + "/"
    return ""


def _lines(items: Any, key: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (str(i[key]), int(i["start_line"]), int(i["end_line"]))
        for i in items or ()
        if isinstance(i, dict) and i.get(key)
    )


def _file(entry: Mapping[str, Any]) -> ScancodeFile:
    path = entry.get("path")
    licences = []
    for det in entry.get("license_detections") or ():
        every = [m for m in det.get("matches") or () if isinstance(m, dict)]
        matches = [m for m in every if m.get("matcher") != SPDX_ID_MATCHER]
        if not matches:
            continue  # a bare SPDX-License-Identifier: our tag parser reads it
        expression = det.get("license_expression_spdx") or det.get("license_expression")
        if len(matches) < len(every):  # the tag joined a notice: the notice's matches alone
            expression = combine_and(str(m.get("license_expression_spdx") or "") for m in matches)
        if not expression:
            continue
        text = " ".join(str(matches[0].get("matched_text") or "").split())
        # matches from a referenced file (COPYING) carry that file's lines
        own = [m for m in matches if m.get("from_file") in (None, path)] or matches
        licences.append(
            {
                "expression": str(expression),
                "scancode_expression": str(det.get("license_expression") or expression),
                "start_line": min(int(m.get("start_line") or 1) for m in own),
                "end_line": max(int(m.get("end_line") or 1) for m in own),
                "score": round(max(float(m.get("score") or 0) for m in matches), 2),
                "rules": [str(m.get("rule_identifier") or "") for m in matches],
                "matched_text": text[:MATCHED_TEXT_CHARS],
                # references are already resolved into the detection's expression
                "matches": [
                    {
                        "expression": str(m.get("license_expression_spdx") or ""),
                        "rule": str(m.get("rule_identifier") or ""),
                        "intro": False,
                        "references": [],
                    }
                    for m in matches
                ],
            }
        )
    errors = tuple(f"ScanCode: {e}" for e in entry.get("scan_errors") or ())
    return ScancodeFile(
        sha1=entry.get("sha1") or None,
        licences=tuple(licences),
        copyrights=_lines(entry.get("copyrights"), "copyright"),
        holders=_lines(entry.get("holders"), "holder"),
        errors=errors,
    )
