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


def test_a_licence_file_never_governs_a_file_with_a_proprietary_marker() -> None:
    marked = {**_facts(), "markers": [["VMware Confidential", 1, "# VMware Confidential"]]}
    records = apply_governing_files(
        [
            build_record(_entry("COPYING", FileKind.LICENSE), _facts(_det("GPL-2.0-only"))),
            build_record(_entry("vmotion/Makefile", FileKind.BUILD), marked),
            build_record(_entry("vmkernel/Makefile", FileKind.BUILD), _facts()),
        ]
    )
    by_path = {r.path: r for r in records}
    assert by_path["vmotion/Makefile"].license_source == "none"
    assert by_path["vmkernel/Makefile"].license_expression == "GPL-2.0-only"


def _kinded(expression: str, kind: str) -> dict[str, Any]:
    det = _det(expression)
    det["matches"][0]["kind"] = kind
    return det


def test_licences_named_in_a_documents_prose_are_references_not_its_licence() -> None:
    readme = _facts(_kinded("GPL-2.0-only", "reference"), _kinded("Apache-2.0", "notice"))
    rec = build_record(_entry("README.md", FileKind.DOC), readme)
    # what the text says is still detected (comparable with ScanCode) ...
    assert rec.detected_license_expression == "GPL-2.0-only AND Apache-2.0"
    # ... but the document is not under those licences
    assert (rec.license_expression, rec.license_source) == (None, "none")
    assert all("reference" in (d.message or "") for d in rec.detections)
    governed = apply_governing_files(
        [rec, build_record(_entry("COPYING", FileKind.LICENSE), _facts(_det("MIT")))]
    )
    assert governed[0].license_expression == "MIT"
    # a licence text in a document is the document's licence; code keeps its notices
    mit = _kinded("MIT", "text")
    mit["matches"][0]["rule"] = "mit.LICENSE"
    text = build_record(_entry("docs/LICENSE.md", FileKind.DOC), _facts(mit))
    assert (text.license_expression, text.license_source) == ("MIT", "detected")
    long_rule = {**_kinded("BSD-2-Clause", "text"), "start_line": 3, "end_line": 25}
    long_rule["matches"][0].update(start_line=3, end_line=25)
    text = build_record(_entry("docs/LICENSE.md", FileKind.DOC), _facts(long_rule))
    assert text.license_expression == "BSD-2-Clause"
    # a sentence matched by a rule of the licence-text kind is prose, not the README's text
    sentence = _kinded("LicenseRef-scancode-public-domain", "text")
    sentence["matches"][0].update(start_line=50, end_line=50)
    prose = build_record(_entry("xen/common/README.source", FileKind.DOC), _facts(sentence))
    assert (prose.license_expression, prose.license_source) == (None, "none")
    code = build_record(_entry("a.c"), _facts(_kinded("GPL-2.0-only", "notice")))
    assert code.license_expression == "GPL-2.0-only"


def test_a_tag_quoted_inside_a_licence_text_is_not_the_files_tag() -> None:
    text = {**_det("GPL-2.0-only"), "start_line": 1, "end_line": 300}
    tag = {
        "license_expression": "MIT",
        "method": "spdx-tag",
        "start_line": 120,
        "end_line": 120,
        "score": 100.0,
        "matched_rule": "SPDX-License-Identifier",
        "matched_text": "SPDX-License-Identifier: MIT",
        "valid": True,
        "message": None,
        "governing_file": None,
    }
    rec = build_record(_entry("COPYING", FileKind.LICENSE), {**_facts(text), "tags": [tag]})
    assert rec.detected_license_expression == "GPL-2.0-only"
    quoted = next(d for d in rec.detections if d.method is DetectionMethod.SPDX_TAG)
    assert not quoted.valid and "quoted inside the licence text" in (quoted.message or "")


def _tagged(tag: str, *licences: dict[str, Any]) -> dict[str, Any]:
    from openesx_license.detect.assemble import _tag_to_dict
    from openesx_license.detect.tags import parse_tag

    return {**_facts(*licences), "tags": [_tag_to_dict(parse_tag(tag, line=1))]}


def test_a_files_expression_is_simplified_where_it_is_built() -> None:
    # a tag beside a notice that repeats it (a Linux header), and a dual-licence tag beside
    # a notice naming the two in the other order
    repeated = build_record(
        _entry("drivers/a.c"), _tagged("GPL-2.0", _det("GPL-2.0-only AND GPL-2.0-or-later"))
    )
    assert repeated.detected_license_expression == "GPL-2.0-only AND GPL-2.0-or-later"
    assert repeated.license_expression == "GPL-2.0-only AND GPL-2.0-or-later"
    dual = build_record(
        _entry("drivers/b.c"),
        _tagged("GPL-2.0-only OR BSD-3-Clause", _det("BSD-3-Clause OR GPL-2.0-only")),
    )
    assert dual.license_expression == "GPL-2.0-only OR BSD-3-Clause"
    # a governed file takes its licence file's expression simplified too
    governed = apply_governing_files(
        [
            build_record(_entry("COPYING", FileKind.LICENSE), _facts()),
            build_record(_entry("lib/COPYING", FileKind.LICENSE), _tagged("MIT OR (MIT OR ISC)")),
            build_record(_entry("lib/x.c"), _facts()),
        ]
    )
    assert [r.license_expression for r in governed][1:] == ["MIT OR ISC", "MIT OR ISC"]
