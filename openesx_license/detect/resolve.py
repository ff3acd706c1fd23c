"""Facts that need the whole tree: licence references and governing licence files.

- *References*: a notice such as "see the file COPYING" matches a ScanCode rule that names
  the referenced file. ScanCode's licence plugin then looks for that file beside the notice,
  then at the root, and when found takes its licence into the notice's detection
  (``licensedcode.plugin_license.add_referenced_filenames_license_matches_for_detections``).
  :func:`resolve_references` does the same on the facts, so that our
  ``detected_license_expression`` agrees with ScanCode's.
- *Governance*: a file that states no licence of its own is governed by the nearest COPYING,
  LICENSE* or LICENCE* file in its folder or above (method ``license-file``), unless it
  carries a proprietary marker: a licence file never makes a marked file open (the policy's
  component then decides, or the file stays without a licence and the marker is reported).
  It takes what that file *grants* (:mod:`openesx_license.detect.grant`: its licence texts,
  else its lead statement), not every licence the file mentions about other paths.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from license_expression import ExpressionError, Licensing

from openesx_license._util.spdx import simplify_expression
from openesx_license.detect.assemble import Facts, combine_and
from openesx_license.detect.grant import (
    UNVERSIONED,
    Grant,
    granted_expression,
    settle_versions,
    stated_with_version,
)
from openesx_license.model import DetectionMethod, FileRecord, LicenseDetection, LicenseSource

#: ScanCode keys (as SPDX LicenseRef ids) of texts that grant nothing: a warranty disclaimer or a
#: trademark or export notice beside no licence leaves the file's licence to its licence file
NOT_A_LICENCE = frozenset(
    {
        "LicenseRef-scancode-warranty-disclaimer",
        "LicenseRef-scancode-here-disclaimer",
        "LicenseRef-scancode-generic-trademark",
        "LicenseRef-scancode-trademark-notice",
        "LicenseRef-scancode-generic-export-compliance",
    }
)
GOVERNING_NAME = re.compile(r"^(COPYING|LICEN[CS]E)([._-][^/]*)?$", re.IGNORECASE)
_LICENSING = Licensing()


def _keys(expression: str) -> set[str]:
    try:
        return set(_LICENSING.license_keys(expression))
    except ExpressionError:
        return {expression}


def _use_reference(referenced: str, det: Mapping[str, Any]) -> bool:
    """ScanCode's ``use_referenced_license_expression``, on SPDX expressions."""
    own = det["expression"]
    if "unknown" in det.get("scancode_expression", own) or referenced == own:
        return True
    ref_keys = _keys(referenced)
    if _keys(own) == ref_keys:
        return False
    return len(ref_keys) <= 5


def _filtered(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ScanCode's ``filter_license_intros_and_references``."""
    kept = [m for m in matches if not m["intro"]] or matches
    return [m for m in kept if not m["references"]] or kept


def resolve_references(facts_by_path: Mapping[str, Facts]) -> dict[str, Facts]:
    """Facts with "see FILE" licence references resolved as ScanCode resolves them."""
    resolved: dict[str, Facts] = {}
    for path, facts in facts_by_path.items():
        new_licenses = []
        changed = False
        for det in facts["licences"]:
            names = list(dict.fromkeys(n for m in det["matches"] for n in m["references"]))
            target = _find_referenced(path, names, facts_by_path) if names else None
            if target is None:
                new_licenses.append(det)
                continue
            ref_dets = facts_by_path[target]["licences"]
            ref_expr = combine_and(d["expression"] for d in ref_dets)
            if ref_expr is None or not _use_reference(ref_expr, det):
                new_licenses.append(det)
                continue
            matches = det["matches"] + [m for d in ref_dets for m in d["matches"]]
            expression = combine_and(m["expression"] for m in _filtered(matches)) or ref_expr
            note = f"licence reference resolved to {target} (as ScanCode does)"
            new_licenses.append({**det, "expression": expression, "message": note})
            changed = True
        resolved[path] = {**facts, "licences": new_licenses} if changed else facts
    return resolved


def _find_referenced(path: str, names: list[str], facts: Mapping[str, Facts]) -> str | None:
    folder = posixpath.dirname(path)
    for name in names:
        clean = posixpath.normpath(name.strip().strip("/")) if name.strip() else ""
        if not clean or clean.startswith(".."):
            continue
        for candidate in (posixpath.join(folder, clean) if folder else clean, clean):
            if candidate != path and candidate in facts and facts[candidate]["licences"]:
                return candidate
    return None


def apply_governing_files(
    records: list[FileRecord], facts_by_path: Mapping[str, Facts] | None = None
) -> list[FileRecord]:
    """Conclude each licence file (COPYING, LICENSE*...) to what it grants, and give each file
    without a licence of its own the grant of the nearest governing licence file (the whole
    detected expression when ``facts_by_path`` lacks the licence file's match kinds)."""
    grants: dict[str, Grant | None] = {}
    governing: dict[str, FileRecord] = {}
    for rec in records:
        folder, name = posixpath.split(rec.path)
        if GOVERNING_NAME.match(name) and rec.detected_license_expression:
            grants[rec.path] = _grant(rec, (facts_by_path or {}).get(rec.path))
            best = governing.get(folder)
            # COPYING before COPYING.LIB or LICENSE-foo: the shortest name is the main one
            if best is None or len(name) < len(posixpath.basename(best.path)):
                governing[folder] = rec
    if not governing:
        return records
    out = []
    for rec in records:
        if rec.path in grants:
            out.append(_granting(rec, grants[rec.path]))
            continue
        states_none = rec.license_source == LicenseSource.NONE
        if rec.markers:
            out.append(rec)
            continue
        if not (states_none or _only_no_licence(rec)):
            out.append(_settled(rec, governing, grants))
            continue
        lic = _nearest(posixpath.dirname(rec.path), governing)
        if lic is None or lic.path == rec.path:
            out.append(rec)
            continue
        grant = grants[lic.path]
        expression = simplify_expression(
            grant.expression if grant else lic.detected_license_expression or ""
        )
        why = f" (what it grants, read from {grant.basis})" if grant else ""
        detection = LicenseDetection(
            license_expression=expression,
            method=DetectionMethod.LICENSE_FILE,
            governing_file=lic.path,
            message=(
                f"{'no licence' if states_none else 'only a disclaimer or notice, not a licence,'}"
                f" stated in the file; governed by {lic.path}{why}"
            ),
        )
        out.append(
            replace(
                rec,
                license_expression=expression,
                license_source=LicenseSource.LICENSE_FILE,
                detections=(*rec.detections, detection),
            )
        )
    return out


def _settled(
    rec: FileRecord, governing: Mapping[str, FileRecord], grants: Mapping[str, Grant | None]
) -> FileRecord:
    """``rec``, its unversioned licence names ("the GPL") given the version its governing
    licence file grants, when that file grants exactly one version of the licence."""
    expression = rec.license_expression
    lic = _nearest(posixpath.dirname(rec.path), governing)
    grant = grants.get(lic.path) if lic is not None else None
    if (
        not expression
        or lic is None
        or grant is None
        or rec.license_source != LicenseSource.DETECTED
    ):
        return rec
    if not any(key in expression for key in UNVERSIONED):
        return rec  # nothing named without a version: no rule text to read
    stated = stated_with_version(
        name
        for d in rec.detections
        if d.method == DetectionMethod.LICENSE_TEXT and d.matched_rule
        for name in d.matched_rule.split(",")
    )
    settled = settle_versions(expression, grant.expression, stated=stated)
    settled = simplify_expression(settled) if settled else settled
    if settled is None or settled == expression:
        return rec
    detection = LicenseDetection(
        license_expression=settled,
        method=DetectionMethod.LICENSE_FILE,
        governing_file=lic.path,
        message=(
            f"the licence named without a version in the file is the version {lic.path} "
            f"grants ({grant.expression})"
        ),
    )
    return replace(rec, license_expression=settled, detections=(*rec.detections, detection))


def _granting(rec: FileRecord, grant: Grant | None) -> FileRecord:
    """A licence file concluded to its own grant; the detections that name only licences
    outside it are marked as mentions of other paths' licences."""
    if grant is None or rec.license_source != LicenseSource.DETECTED or rec.markers:
        return rec
    granted = _keys(grant.expression) | grant.read_from
    note = "a licence the file names for other paths: not what it grants"
    detections = tuple(
        replace(d, message="; ".join(m for m in (d.message, note) if m))
        if d.method is DetectionMethod.LICENSE_TEXT
        and d.license_expression
        and not _keys(d.license_expression) & granted
        else d
        for d in rec.detections
    )
    return replace(
        rec, license_expression=simplify_expression(grant.expression), detections=detections
    )


def _only_no_licence(rec: FileRecord) -> bool:
    """Whether the file's own licence is only texts that grant nothing (a disclaimer)."""
    expression = rec.license_expression
    return (
        rec.license_source == LicenseSource.DETECTED
        and expression is not None
        and _keys(expression) <= NOT_A_LICENCE
    )


def _grant(rec: FileRecord, facts: Facts | None) -> Grant | None:
    if facts is None or not rec.detected_license_expression or rec.markers:
        return None  # a licence file with a proprietary marker governs with all it says
    tags = [
        d.license_expression
        for d in rec.detections
        if d.method is DetectionMethod.SPDX_TAG and d.valid and d.license_expression
    ]
    return granted_expression(rec.detected_license_expression, facts["licences"], tags)


def _nearest(folder: str, governing: Mapping[str, FileRecord]) -> FileRecord | None:
    while True:
        if folder in governing:
            return governing[folder]
        if not folder:
            return None
        folder = posixpath.dirname(folder)
