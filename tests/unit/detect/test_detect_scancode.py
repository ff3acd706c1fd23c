"""Real licence headers and texts through the real ScanCode engine (one scan per session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from license_expression import Licensing

from openesx_license.detect import scan_tree
from openesx_license.model import DetectionMethod, FileRecord, ScanResult

pytestmark = pytest.mark.scancode

EXPECTED = {
    "gpl-2.0-only.c": "GPL-2.0-only",
    "gpl-2.0-or-later.c": "GPL-2.0-or-later",
    "gpl-3.0-or-later.c": "GPL-3.0-or-later",
    "lgpl-2.1-or-later.c": "LGPL-2.1-or-later",
    "bsd-2-clause.c": "BSD-2-Clause",
    "bsd-3-clause.c": "BSD-3-Clause",
    "mit.c": "MIT",
    "mpl-2.0.c": "MPL-2.0",
    "apache-2.0.c": "Apache-2.0",
    # "under the terms of the GPL or the X11 license, at your option": a choice
    "dual-gpl-2.0-or-mit.c": "GPL-1.0-or-later OR MIT",
    "governed/COPYING": "GPL-2.0-only",
    "tagged.c": "GPL-2.0-or-later",
    # no licence word at all: the phrases "public domain" and "PROVIDED AS IS" start the block
    "public-domain.c": "LicenseRef-scancode-public-domain",
    "as-is-disclaimer.h": "LicenseRef-scancode-warranty-disclaimer",
    # zlib's notice: its restrictions end with "source distribution."; the whole text is one
    # block, or ScanCode takes the first half for another permissive licence
    "zlib.h": "Zlib",
    # a GPL notice and Autoconf's exception matched as two rules: the exception joins by WITH
    "autoconf-exception.m4": "GPL-2.0-or-later WITH Autoconf-exception-generic",
}


def _files(scan: ScanResult) -> dict[str, FileRecord]:
    return {f.path: f for f in scan.files}


@pytest.mark.parametrize(("path", "expression"), sorted(EXPECTED.items()))
def test_detected_license(license_scan: ScanResult, path: str, expression: str) -> None:
    rec = _files(license_scan)[path]
    assert Licensing().is_equivalent(rec.detected_license_expression, expression), (
        rec.detected_license_expression
    )
    assert (
        rec.license_source == "detected"
        and rec.license_expression == rec.detected_license_expression
    )


def test_provenance_of_a_text_detection(license_scan: ScanResult) -> None:
    rec = _files(license_scan)["gpl-2.0-or-later.c"]
    (det,) = rec.detections
    assert det.method is DetectionMethod.LICENSE_TEXT
    assert (det.start_line, det.end_line) == (4, 12)
    assert det.score and det.score >= 90 and det.matched_rule and ".RULE" in det.matched_rule
    assert det.matched_text and "free software" in det.matched_text
    assert [(c.statement, c.start_line) for c in rec.copyrights] == [
        ("Copyright (c) 2009 Jane Hacker <jane@example.org>", 2)
    ]
    assert [h.holder for h in rec.holders] == ["Jane Hacker"]


def test_a_file_without_license_has_none(license_scan: ScanResult) -> None:
    rec = _files(license_scan)["none.c"]
    assert rec.detected_license_expression is None and rec.license_expression is None
    assert rec.license_source == "none" and not rec.detections


def test_copying_governs_files_below_it_that_state_nothing(license_scan: ScanResult) -> None:
    rec = _files(license_scan)["governed/sub/plain.c"]
    assert rec.detected_license_expression is None
    assert (rec.license_expression, rec.license_source) == ("GPL-2.0-only", "license-file")
    (det,) = rec.detections
    assert det.method is DetectionMethod.LICENSE_FILE and det.governing_file == "governed/COPYING"


def test_proprietary_file(license_scan: ScanResult) -> None:
    rec = _files(license_scan)["proprietary.c"]
    assert rec.detected_license_expression == "LicenseRef-VMware-Proprietary"
    assert [(m.marker, m.line) for m in rec.markers] == [
        ("VMware Confidential", 2),
        ("LicenseRef-VMware-Proprietary", 3),
    ]


def test_an_edit_below_the_header_reuses_the_block_cache(
    license_scan: ScanResult, license_tree: Path, tmp_path: Path, license_cache: Path
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(license_tree, tree)
    with (tree / "mit.c").open("a") as fh:
        fh.write("int more_code(void) { return 2; }\n")
    rescan = scan_tree(tree, jobs=1, cache_dir=license_cache, progress=False)
    # only the touched file is re-read, and its header block comes from the cache:
    # nothing is sent to ScanCode
    assert (rescan.stats.detected, rescan.stats.distinct_blocks) == (1, 0)
    assert _files(rescan)["mit.c"].detected_license_expression == "MIT"
    assert rescan.stats.cached == license_scan.stats.detected - 1
