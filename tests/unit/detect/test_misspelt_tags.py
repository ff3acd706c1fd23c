"""Tags with an unknown id that ScanCode has a rule for (issue 16, the differential benchmark's
``BSD-2-Clause-NetBSDE``, a typo found in FreeBSD): the tag line also goes to ScanCode's exact
matchers, and a rule covering the misspelling reads it; other unknown ids stay marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.detect.tags import UNKNOWN_SPDX, parse_tag, read_by_rule, unknown_ids
from openesx_license.model import FileRecord, ScanResult

NETBSDE = "BSD-3-Clause AND BSD-2-Clause-NetBSDE"
CASES = {
    # the rule bsd-new_and_bsd-simplified_3 is this very line
    "plain/plain.txt": (f"SPDX-License-Identifier: {NETBSDE}\n", "BSD-3-Clause AND BSD-2-Clause"),
    "in-c/main.c": (
        f'#include "config.h"\n\nstatic int n;\n\n/*\n * SPDX-License-Identifier: {NETBSDE}\n'
        " */\n\nint x;\n",
        "BSD-3-Clause AND BSD-2-Clause",
    ),
    # no rule for this misspelling: the known id stays, the unknown one is marked
    "other/main.c": (
        "// SPDX-License-Identifier: MIT AND BSD-2-Clause-NetBSDE\nint x;\n",
        f"MIT AND {UNKNOWN_SPDX}",
    ),
    "short-name/main.c": (
        "/* SPDX-License-Identifier: foo-short-name AND NCSA */\nint x;\n",
        f"{UNKNOWN_SPDX} AND NCSA",
    ),
    # a tag of known ids is read by our tag reader alone, as before
    "known/main.c": ("// SPDX-License-Identifier: GPL-2.0+\nint x;\n", "GPL-2.0-or-later"),
}


@pytest.fixture(scope="module")
def misspelt_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """The cases scanned by the real engine (jobs=1, no cache)."""
    root: Path = tmp_path_factory.mktemp("misspelt")
    for path, (text, _) in CASES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return scan_tree(root, jobs=1, use_cache=False, progress=False)


def _record(scan: ScanResult, path: str) -> FileRecord:
    return next(f for f in scan.files if f.path == path)


@pytest.mark.parametrize("path", sorted(CASES))
def test_misspelt_tags_read_as_scancode_reads_the_whole_file(
    misspelt_scan: ScanResult, path: str
) -> None:
    assert _record(misspelt_scan, path).detected_license_expression == CASES[path][1]


def test_a_tag_read_by_a_rule_says_so(misspelt_scan: ScanResult) -> None:
    record = _record(misspelt_scan, "in-c/main.c")
    (tag,) = [d for d in record.detections if d.method.value == "spdx-tag"]
    assert tag.valid and tag.start_line == 6
    assert "BSD-2-Clause-NetBSDE" in (tag.message or "")
    assert "bsd-new_and_bsd-simplified_3.RULE" in (tag.matched_rule or "")
    assert any("read as BSD-3-Clause AND BSD-2-Clause" in e for e in record.errors)
    assert not any(UNKNOWN_SPDX in e for e in record.errors)


def test_an_unread_unknown_id_stays_an_error(misspelt_scan: ScanResult) -> None:
    record = _record(misspelt_scan, "other/main.c")
    assert any("BSD-2-Clause-NetBSDE" in e and UNKNOWN_SPDX in e for e in record.errors)


def test_unknown_ids_leave_out_known_ids_exceptions_and_licenserefs() -> None:
    assert unknown_ids("MIT AND Foo-1 OR (LicenseRef-Acme WITH bar-exc)") == ("Foo-1", "bar-exc")
    assert unknown_ids("GPL-2.0+ WITH Linux-syscall-note") == ()


def _det(expression: str, text: str, line: int = 3) -> dict[str, object]:
    return {"expression": expression, "start_line": line, "end_line": line, "score": 100.0,
            "rules": ["r.RULE"], "matched_text": text}  # fmt: skip


def test_a_rule_must_cover_the_unknown_id_and_keep_the_known_ones() -> None:
    tag = parse_tag("MIT AND Foo-Lic", line=3)
    assert tag.license_expression == f"MIT AND {UNKNOWN_SPDX}"
    covering = _det("MIT AND BSD-2-Clause", "SPDX-License-Identifier: MIT AND Foo-Lic */")
    assert read_by_rule(tag, [covering]).license_expression == "MIT AND BSD-2-Clause"
    # the rule drops the known id, covers only part of the unknown one, or lies on another line
    assert read_by_rule(tag, [_det("BSD-2-Clause", "MIT AND Foo-Lic")]) is tag
    assert read_by_rule(tag, [_det("MIT AND BSD-2-Clause", "MIT AND Foo")]) is tag
    assert read_by_rule(tag, [_det("MIT AND BSD-2-Clause", "MIT AND Foo-Lic", line=4)]) is tag
