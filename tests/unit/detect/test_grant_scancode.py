"""What licence files grant, on small fixture trees through the real ScanCode engine.

tests/assets/grants holds five shapes of licence file: a COPYING whose prose names MIT and
BSD for a sub-folder before the GPL-2.0 text it carries (``explanatory``), a COPYING with no
text that states the folder's licence first and the sub-folders' after, one for all of a
sub-folder, one for a part of another (``statement``), a LICENSE that is a dual-licence
statement (``dual``), an explanatory COPYING that names "the GPL" first and its version later,
then other paths' licences (``unversioned``), and a root COPYING that sends the reader to a
``docs/README.source`` listing the paths of its CC-BY-4.0 documentation (``delegated``, the
shape of Xen's).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.model import FileRecord
from tests.helpers.scanned_assets import scan_assets

pytestmark = pytest.mark.scancode

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "grants"


@pytest.fixture(scope="module")
def granted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FileRecord]:
    """The grants fixtures scanned once (jobs=1: CI has 2 cores)."""
    return scan_assets(tmp_path_factory, ASSETS)


CONCLUDED = {
    # the GPL-2.0 text carried, not the MIT/BSD the prose assigns to public/
    "explanatory/COPYING": "GPL-2.0-only",
    "explanatory/src/helper.c": "GPL-2.0-only",
    # public/ has no licence file of its own: the prose is not read as a per-path grant
    "explanatory/public/api.h": "GPL-2.0-only",
    # the lead statement; "sub: licensed under a MIT license" is about sub/, not a grant
    "statement/COPYING": "GPL-2.0-only",
    "statement/Makefile": "GPL-2.0-only",
    # ...but it is the licence of sub/'s files that state none (a per-path statement)
    "statement/sub/sub.c": "MIT",
    # "a significant portion of files" in vendor/ are BSD: which ones is not said
    "statement/vendor/vendor.c": "GPL-2.0-only",
    # a README the root COPYING names ("See docs/README.source") lists the Sphinx sources
    "delegated/docs/guide/index.rst": "CC-BY-4.0",
    "delegated/docs/admin-guide/network.rst": "CC-BY-4.0",
    "delegated/docs/conf.py": "CC-BY-4.0",
    # ...not the other documents, and never a file that states its own licence
    "delegated/docs/admin-guide.md": "GPL-2.0-only",
    "delegated/docs/misc/console.txt": "GPL-2.0-only",
    "delegated/docs/misc/build.rst": "GPL-2.0-only",
    # a section that names no licence ("the license from which the patches were generated")
    "delegated/stubs/fix.patch": "GPL-2.0-only",
    # a dual-licence statement stays a choice
    "dual/LICENSE": "GPL-2.0-only OR MIT",
    "dual/dual.c": "GPL-2.0-only OR MIT",
    # "the GPL" in a file that says "GPLv2-licensed ... licensed under GPLv2"
    "unversioned/COPYING": "GPL-2.0-only",
    "unversioned/plain.c": "GPL-2.0-only",
    # a warranty disclaimer alone is not a licence
    "unversioned/disclaimer.c": "GPL-2.0-only",
    # "the GNU General Public License" in a file: the version its licence file grants
    "unversioned/gpl-unversioned.c": "GPL-2.0-only",
}


@pytest.mark.parametrize(("path", "expression"), sorted(CONCLUDED.items()))
def test_concluded_licence_is_what_the_licence_file_grants(
    granted: dict[str, FileRecord], path: str, expression: str
) -> None:
    assert granted[path].license_expression == expression


def test_what_the_licence_files_say_is_still_detected(granted: dict[str, FileRecord]) -> None:
    # detected_license_expression (comparable with ScanCode's) keeps every mention
    for path, mentioned in (
        ("explanatory/COPYING", {"BSD-3-Clause", "MIT"}),
        ("statement/COPYING", {"MIT", "BSD-3-Clause"}),
        ("unversioned/COPYING", {"CC-BY-4.0", "Zlib"}),
    ):
        detected = granted[path].detected_license_expression or ""
        assert all(m in detected for m in mentioned), (path, detected)
        assert granted[path].license_source == "detected"
    assert granted["unversioned/disclaimer.c"].detected_license_expression == (
        "LicenseRef-scancode-warranty-disclaimer"
    )
    unversioned = granted["unversioned/gpl-unversioned.c"]
    assert unversioned.detected_license_expression == "GPL-1.0-or-later"
    assert unversioned.license_source == "detected"
    assert "the version unversioned/COPYING grants" in (unversioned.detections[-1].message or "")


def test_the_evidence_says_how_the_grant_was_read(granted: dict[str, FileRecord]) -> None:
    helper = granted["explanatory/src/helper.c"]
    assert helper.license_source == "license-file"
    assert helper.detections[-1].governing_file == "explanatory/COPYING"
    assert "its licence text" in (helper.detections[-1].message or "")
    makefile = granted["statement/Makefile"].detections[-1]
    assert "its lead statement (lines 1-2)" in (makefile.message or "")
    others = [
        d for d in granted["statement/COPYING"].detections if "for other paths" in (d.message or "")
    ]
    assert others and all("GPL" not in d.license_expression for d in others)


def test_a_per_path_statement_says_where_it_is(granted: dict[str, FileRecord]) -> None:
    index = granted["delegated/docs/guide/index.rst"]
    assert index.license_source == "license-file"
    last = index.detections[-1]
    assert last.governing_file == "delegated/docs/README.source"
    assert "line 8 states the licence of 'docs/*/*.rst'" in (last.message or "")
    assert "closer than delegated/COPYING's grant" in (last.message or "")
    # the COPYING grant it replaces is not kept beside it
    assert [d.governing_file for d in index.detections] == ["delegated/docs/README.source"]
    sub = granted["statement/sub/sub.c"].detections[-1]
    assert sub.governing_file == "statement/COPYING"
    assert "states the licence of 'sub'" in (sub.message or "")
