"""Per-path statements in licence files, on plain facts and statement texts on disk.

The texts have the shapes of Xen 4.17's ``stubdom/COPYING``, ``xen/common/README.source``
(named by ``xen/common/COPYING``) and ``docs/README.source`` (named by the root ``COPYING``);
the facts are what ScanCode matches in them (kind and lines), as the engine records them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openesx_license.detect.assemble import build_record
from openesx_license.detect.resolve import apply_governing_files
from openesx_license.detect.statements import PARTIAL, apply_path_statements, read_statements
from openesx_license.model import FileEntry, FileKind, FileRecord

STUBDOM_COPYING = """\
Most files in this directory are covered by version 2 of the
GNU General Public License except where explicitly stated.

Notable exceptions are in the following directories

vtpm
====
Exclusively contains code licensed under a MIT license

vtpmmgr
=======
Contains a significant portion of files which are licensed
under a BSD-3-Clause license.

*.patch
=======
These files describe changes to source files and are thus
licensed under the license from which they were generated.
"""

COMMON_COPYING = """\
Most files in this directory are covered by version 2 of the
GNU General Public License except where explicitly stated.
For more information on the origin of these files and their
licenses, see README.source

libfdt/*
"""

COMMON_README = """\
About
=====
This file documents the upstream sources for files and directories
in this part of the source tree.

libfdt
------
This directory was originally imported from the Device Tree
Compiler at https://github.com/dgibson/dtc/tree/master/libfdt
This directory is dually licensed as GPLv2.0 or later
and a BSD 2-clause license

gone
----
The file is licensed under a BSD 2-clause license
"""


def _match(expression: str, kind: str, start: int, end: int) -> dict[str, Any]:
    return {
        "expression": expression,
        "kind": kind,
        "start_line": start,
        "end_line": end,
        "rule": "r.RULE",
        "intro": kind == "intro",
        "references": [],
    }


def _det(*matches: dict[str, Any]) -> dict[str, Any]:
    return {
        "expression": " AND ".join(m["expression"] for m in matches),
        "scancode_expression": "x",
        "start_line": min(m["start_line"] for m in matches),
        "end_line": max(m["end_line"] for m in matches),
        "score": 100.0,
        "rules": ["r.RULE"],
        "matched_text": "text",
        "matches": list(matches),
    }


def _facts(*licences: dict[str, Any]) -> dict[str, Any]:
    return {"tags": [], "licences": list(licences), "copyrights": [], "holders": [],
            "markers": [], "errors": []}  # fmt: skip


def _tree(
    tmp_path: Path, texts: dict[str, str], facts: dict[str, dict[str, Any]]
) -> tuple[list[FileRecord], dict[str, dict[str, Any]]]:
    for path, text in texts.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    records = []
    for path, fact in facts.items():
        kind = FileKind.LICENSE if "COPYING" in path else FileKind.SOURCE
        records.append(build_record(FileEntry(path=path, size=1, sha1="1" * 40, kind=kind), fact))
    return apply_governing_files(records, facts), facts


def _stubdom(tmp_path: Path) -> dict[str, FileRecord]:
    facts = {
        "COPYING": _facts(_det(_match("GPL-2.0-only", "text", 1, 300))),
        "stubdom/COPYING": _facts(
            _det(_match("GPL-2.0-only", "reference", 1, 2)),
            # one detection across two sections, as ScanCode may group them
            _det(
                _match("LicenseRef-scancode-unknown-license-reference", "intro", 8, 8),
                _match("MIT", "reference", 8, 8),
                _match("BSD-3-Clause", "notice", 12, 13),
            ),
            _det(_match("LicenseRef-scancode-unknown-license-reference", "reference", 18, 18)),
        ),
        "stubdom/vtpm/tpm.c": _facts(),
        "stubdom/vtpm/own.c": _facts(_det(_match("BSD-2-Clause", "notice", 1, 20))),
        "stubdom/vtpmmgr/disk_io.c": _facts(),
        "stubdom/grub.patch": _facts(),
        "stubdom/Makefile": _facts(),
    }
    records, _ = _tree(tmp_path, {"COPYING": "GPL\n", "stubdom/COPYING": STUBDOM_COPYING}, facts)
    return {r.path: r for r in apply_path_statements(tmp_path, records, facts)}


def test_a_section_headed_by_a_folder_gives_its_licence_to_files_that_state_none(
    tmp_path: Path,
) -> None:
    by_path = _stubdom(tmp_path)
    tpm = by_path["stubdom/vtpm/tpm.c"]
    assert (tpm.license_expression, tpm.license_source) == ("MIT", "license-file")
    assert tpm.detections[-1].governing_file == "stubdom/COPYING"
    assert "stubdom/COPYING line 6 states the licence of 'vtpm': MIT" in (
        tpm.detections[-1].message or ""
    )
    # a file's own licence comes first
    assert by_path["stubdom/vtpm/own.c"].license_expression == "BSD-2-Clause"
    # the folder's grant for the files no section names
    assert by_path["stubdom/Makefile"].license_expression == "GPL-2.0-only"


def test_a_section_about_a_part_of_a_folder_or_naming_no_licence_grants_nothing(
    tmp_path: Path,
) -> None:
    by_path = _stubdom(tmp_path)
    assert by_path["stubdom/vtpmmgr/disk_io.c"].license_expression == "GPL-2.0-only"
    assert by_path["stubdom/grub.patch"].license_expression == "GPL-2.0-only"
    assert PARTIAL.search("Contains a significant portion of files")
    assert not PARTIAL.search("Exclusively contains code licensed under a MIT license")


def test_a_readme_the_licence_file_names_is_read_and_a_nearer_licence_file_wins(
    tmp_path: Path,
) -> None:
    facts = {
        "xen/common/COPYING": _facts(_det(_match("GPL-2.0-only", "reference", 1, 2))),
        "xen/common/README.source": _facts(
            _det(
                _match("GPL-2.0-or-later", "reference", 10, 10),
                _match("BSD-2-Clause", "reference", 11, 11),
            ),
            _det(_match("BSD-2-Clause", "reference", 15, 15)),
        ),
        "xen/common/libfdt/Makefile": _facts(),
        "xen/common/libfdt/COPYING.other": _facts(),
        "xen/common/timer.c": _facts(),
    }
    texts = {"xen/common/COPYING": COMMON_COPYING, "xen/common/README.source": COMMON_README}
    records, _ = _tree(tmp_path, texts, facts)
    statements = read_statements(tmp_path, records, facts)
    # "gone" names no file of the tree; "About" no path; the COPYING's bare list no licence
    assert [(s.source, s.pattern) for s in statements] == [
        ("xen/common/README.source", "xen/common/libfdt")
    ]
    by_path = {r.path: r for r in apply_path_statements(tmp_path, records, facts)}
    # "dually licensed as GPLv2.0 or later and a BSD 2-clause license" is a choice
    assert by_path["xen/common/libfdt/Makefile"].license_expression == (
        "GPL-2.0-or-later OR BSD-2-Clause"
    )
    assert by_path["xen/common/timer.c"].license_expression == "GPL-2.0-only"
    # a licence file is never a statement's target
    assert by_path["xen/common/libfdt/COPYING.other"].license_expression == "GPL-2.0-only"


def test_a_statement_never_reaches_above_a_nearer_licence_file(tmp_path: Path) -> None:
    facts = {
        "COPYING": _facts(_det(_match("GPL-2.0-only", "reference", 1, 2))),
        "stubdom/COPYING": _facts(
            _det(_match("GPL-2.0-only", "reference", 1, 2)),
            _det(_match("MIT", "reference", 8, 8)),
        ),
        "stubdom/vtpm/COPYING": _facts(_det(_match("BSD-3-Clause", "text", 1, 25))),
        "stubdom/vtpm/tpm.c": _facts(),
    }
    texts = {"COPYING": "GPL\n", "stubdom/COPYING": STUBDOM_COPYING}
    records, _ = _tree(tmp_path, texts, facts)
    by_path = {r.path: r for r in apply_path_statements(tmp_path, records, facts)}
    tpm = by_path["stubdom/vtpm/tpm.c"]
    assert tpm.license_expression == "BSD-3-Clause"
    assert tpm.detections[-1].governing_file == "stubdom/vtpm/COPYING"
