"""Licence references ("see COPYING") and governing licence files, on plain facts."""

from __future__ import annotations

from typing import Any

from openesx_license.detect.assemble import build_record, combine_and
from openesx_license.detect.resolve import apply_governing_files, resolve_references
from openesx_license.model import DetectionMethod, FileEntry, FileKind


def _det(
    expression: str, *, refs: tuple[str, ...] = (), intro: bool = False, key: str = ""
) -> dict[str, Any]:
    return {
        "expression": expression,
        "scancode_expression": key or expression.lower(),
        "start_line": 1,
        "end_line": 2,
        "score": 100.0,
        "rules": ["r.RULE"],
        "matched_text": "text",
        "matches": [
            {"expression": expression, "rule": "r.RULE", "intro": intro, "references": list(refs)}
        ],
    }


def _facts(*licences: dict[str, Any]) -> dict[str, Any]:
    return {
        "tags": [],
        "licences": list(licences),
        "copyrights": [],
        "holders": [],
        "markers": [],
        "errors": [],
    }


UNKNOWN_REF = "LicenseRef-scancode-unknown-license-reference"


def test_an_unknown_reference_takes_the_referenced_files_license() -> None:
    facts = {
        "COPYING": _facts(_det("GPL-2.0-only")),
        "xen/COPYING": _facts(_det("MIT")),
        "xen/a.c": _facts(_det(UNKNOWN_REF, refs=("COPYING",), key="unknown-license-reference")),
        "tools/b.c": _facts(_det(UNKNOWN_REF, refs=("COPYING",), key="unknown-license-reference")),
        "tools/c.c": _facts(_det(UNKNOWN_REF, refs=("NOPE",), key="unknown-license-reference")),
    }
    out = resolve_references(facts)
    # the sibling first, then the root, as ScanCode looks
    assert out["xen/a.c"]["licences"][0]["expression"] == "MIT"
    assert "xen/COPYING" in out["xen/a.c"]["licences"][0]["message"]
    assert out["tools/b.c"]["licences"][0]["expression"] == "GPL-2.0-only"
    assert out["tools/c.c"] is facts["tools/c.c"]  # nothing to follow


def test_a_reference_with_the_same_keys_keeps_its_own_expression() -> None:
    facts = {
        "COPYING": _facts(_det("GPL-2.0-only OR MIT")),
        "a.c": _facts(_det("GPL-2.0-only AND MIT", refs=("COPYING",))),
    }
    assert resolve_references(facts)["a.c"]["licences"][0]["expression"] == "GPL-2.0-only AND MIT"


def test_a_known_reference_adds_the_referenced_license() -> None:
    facts = {
        "COPYING": _facts(_det("BSD-3-Clause")),
        "a.c": _facts(_det("GPL-2.0-only", refs=("COPYING",))),
    }
    # the reference match itself is dropped, the referenced file's licence comes in
    assert resolve_references(facts)["a.c"]["licences"][0]["expression"] == "BSD-3-Clause"


def _entry(path: str, kind: FileKind = FileKind.SOURCE) -> FileEntry:
    return FileEntry(path=path, size=1, sha1="1" * 40, kind=kind)


def test_nearest_governing_file_wins_and_own_license_is_kept() -> None:
    facts = {
        "COPYING": _facts(_det("GPL-2.0-only")),
        "tools/libs/COPYING": _facts(_det("LGPL-2.1-only")),
        "tools/libs/COPYING.LIB": _facts(_det("MIT")),
        "tools/libs/ctrl/x.c": _facts(),
        "tools/y.c": _facts(),
        "tools/z.c": _facts(_det("BSD-2-Clause")),
        "LICENSES/MIT": _facts(_det("MIT")),
    }
    kinds = {
        p: (FileKind.LICENSE if "COPYING" in p or "LICENSES" in p else FileKind.SOURCE)
        for p in facts
    }
    records = apply_governing_files(
        [build_record(_entry(p, kinds[p]), f) for p, f in facts.items()]
    )
    by_path = {r.path: r for r in records}
    x = by_path["tools/libs/ctrl/x.c"]
    assert (x.license_expression, x.license_source) == ("LGPL-2.1-only", "license-file")
    assert x.detected_license_expression is None
    assert x.detections[-1].method is DetectionMethod.LICENSE_FILE
    assert x.detections[-1].governing_file == "tools/libs/COPYING"
    assert by_path["tools/y.c"].license_expression == "GPL-2.0-only"
    z = by_path["tools/z.c"]
    assert (z.license_expression, z.license_source) == ("BSD-2-Clause", "detected")


def test_combine_and_keeps_each_expression_once() -> None:
    assert combine_and(["GPL-2.0-only", "MIT", "GPL-2.0-only"]) == "GPL-2.0-only AND MIT"
    assert combine_and(["GPL-2.0-only OR MIT"]) == "GPL-2.0-only OR MIT"
    assert combine_and([]) is None
