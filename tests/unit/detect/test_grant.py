"""What a licence file grants, read from ScanCode's match kinds and lines (plain facts)."""

from __future__ import annotations

from typing import Any

from openesx_license.detect.assemble import build_record
from openesx_license.detect.grant import (
    drop_implied,
    granted_expression,
    pruned,
    settle_versions,
    stated_with_version,
)
from openesx_license.detect.resolve import apply_governing_files
from openesx_license.model import FileEntry, FileKind


def _match(expression: str, kind: str, start: int, end: int) -> dict[str, Any]:
    return {
        "expression": expression,
        "rule": f"{kind}.RULE",
        "start_line": start,
        "end_line": end,
        "intro": kind == "intro",
        "kind": kind,
        "references": [],
    }


def _det(*matches: dict[str, Any]) -> dict[str, Any]:
    expression = " AND ".join(dict.fromkeys(m["expression"] for m in matches))
    return {
        "expression": expression,
        "scancode_expression": expression.lower(),
        "start_line": min(m["start_line"] for m in matches),
        "end_line": max(m["end_line"] for m in matches),
        "score": 100.0,
        "rules": [m["rule"] for m in matches],
        "matched_text": "text",
        "matches": list(matches),
    }


def test_a_carried_licence_text_is_the_grant_not_the_prose_above_it() -> None:
    # xen/COPYING's shape: prose naming BSD for include/public, then the GPL's text
    licences = [
        _det(_match("GPL-1.0-or-later", "reference", 7, 7)),
        _det(_match("BSD-3-Clause", "reference", 12, 13), _match("GPL-2.0-only", "text", 21, 360)),
    ]
    detected = "GPL-1.0-or-later AND BSD-3-Clause AND GPL-2.0-only"
    grant = granted_expression(detected, licences)
    assert grant is not None
    assert (grant.expression, grant.basis) == ("GPL-2.0-only", "its licence text")


def test_a_long_notice_counts_as_a_carried_text() -> None:
    # a truncated MIT text is matched by a notice rule over 15 lines
    licences = [
        _det(_match("GPL-2.0-only", "reference", 5, 6)),
        _det(_match("MIT", "notice", 11, 25)),
    ]
    grant = granted_expression("GPL-2.0-only AND MIT", licences)
    assert grant is not None and grant.expression == "MIT"


def test_without_a_text_the_lead_statement_grants_and_later_paragraphs_do_not() -> None:
    licences = [
        _det(_match("GPL-2.0-only", "reference", 1, 2)),
        _det(_match("LicenseRef-scancode-unknown-license-reference", "intro", 9, 9)),
        _det(_match("MIT", "reference", 9, 9)),
        _det(_match("BSD-3-Clause", "notice", 14, 15)),
    ]
    grant = granted_expression("GPL-2.0-only AND MIT AND BSD-3-Clause", licences)
    assert grant is not None
    assert (grant.expression, grant.basis) == (
        "GPL-2.0-only",
        "its lead statement (lines 1-2)",
    )


def test_an_unversioned_licence_takes_the_one_version_the_file_states() -> None:
    lead = _det(_match("GPL-1.0-or-later", "notice", 5, 6))
    v2 = _det(_match("GPL-2.0-only", "notice", 17, 18))
    docs = _det(_match("CC-BY-4.0", "notice", 50, 50))
    detected = "GPL-1.0-or-later AND GPL-2.0-only AND CC-BY-4.0"
    grant = granted_expression(detected, [lead, v2, docs])
    assert grant is not None and grant.expression == "GPL-2.0-only"
    # two different versions stated: "the GPL" stays unversioned
    v3 = _det(_match("GPL-3.0-only", "notice", 20, 20))
    grant = granted_expression(detected + " AND GPL-3.0-only", [lead, v2, v3])
    assert grant is not None and grant.expression == "GPL-1.0-or-later"


def test_a_choice_in_the_lead_statement_stays_a_choice() -> None:
    lead = _det(
        _match("LicenseRef-scancode-unknown-license-reference", "reference", 1, 1),
        _match("GPL-1.0-or-later", "reference", 1, 1),
        _match("GPL-2.0-only", "reference", 2, 2),
        _match("MIT", "reference", 2, 2),
    )
    detected = (
        "LicenseRef-scancode-unknown-license-reference OR GPL-1.0-or-later OR GPL-2.0-only OR MIT"
    )
    grant = granted_expression(detected, [lead])
    assert grant is not None and grant.expression == "GPL-2.0-only OR MIT"


def test_no_rule_kinds_no_grant() -> None:
    # a ScanCode JSON import carries no rule kinds: the caller keeps the detected expression
    imported = _det(_match("MIT", "reference", 1, 1))
    del imported["matches"][0]["kind"]
    assert granted_expression("MIT", [imported]) is None
    only_intro = _det(_match("LicenseRef-scancode-unknown-license-reference", "intro", 1, 1))
    assert granted_expression("LicenseRef-scancode-unknown-license-reference", [only_intro]) is None


def test_pruned_keeps_structure_and_bares_an_exception_it_does_not_keep() -> None:
    expression = "(GPL-2.0-only OR MIT) AND BSD-3-Clause AND GPL-2.0-only WITH Linux-syscall-note"
    assert pruned(expression, {"GPL-2.0-only", "MIT"}) == "(GPL-2.0-only OR MIT) AND GPL-2.0-only"
    assert pruned(expression, {"GPL-2.0-only", "Linux-syscall-note"}) == (
        "GPL-2.0-only AND GPL-2.0-only WITH Linux-syscall-note"
    )
    assert pruned("MIT", {"BSD-3-Clause"}) is None


def test_drop_implied_only_drops_or_later_ids_of_the_same_licence_in_an_and() -> None:
    assert drop_implied("GPL-1.0-or-later AND GPL-2.0-only") == "GPL-2.0-only"
    assert drop_implied("GPL-2.0-or-later AND GPL-3.0-or-later") == "GPL-3.0-or-later"
    assert drop_implied("LGPL-2.1-only AND LGPL-2.1-or-later") == "LGPL-2.1-only"
    # a later "or later" is not implied by an earlier "only"
    assert drop_implied("GPL-2.0-only AND GPL-3.0-or-later") == (
        "GPL-2.0-only AND GPL-3.0-or-later"
    )
    # a choice is not an obligation; LGPL is not GPL
    assert drop_implied("GPL-1.0-or-later OR GPL-2.0-only") == "GPL-1.0-or-later OR GPL-2.0-only"
    assert drop_implied("LGPL-2.0-or-later AND GPL-2.0-only") == (
        "LGPL-2.0-or-later AND GPL-2.0-only"
    )
    assert drop_implied("GPL-1.0-or-later AND GPL-2.0-only WITH Linux-syscall-note") == (
        "GPL-2.0-only WITH Linux-syscall-note"
    )


def test_settle_versions_takes_the_one_version_the_licence_file_grants() -> None:
    assert settle_versions("GPL-1.0-or-later", "GPL-2.0-only") == "GPL-2.0-only"
    assert settle_versions("LGPL-2.0-or-later AND MIT", "LGPL-2.1-only") == "LGPL-2.1-only AND MIT"
    assert settle_versions(
        "(GPL-1.0-or-later AND LicenseRef-scancode-warranty-disclaimer) AND GPL-1.0-or-later",
        "GPL-2.0-only",
    ) == ("GPL-2.0-only AND LicenseRef-scancode-warranty-disclaimer")
    # nothing to settle, two versions granted, or a version the file states itself
    assert settle_versions("GPL-2.0-or-later", "GPL-2.0-only") is None
    assert settle_versions("GPL-1.0-or-later", "GPL-2.0-only OR GPL-3.0-only") is None
    assert settle_versions("GPL-1.0-or-later", "MIT") is None
    assert settle_versions("GPL-3.0-or-later AND GPL-1.0-or-later", "GPL-2.0-only") is None


def _facts(*licences: dict[str, Any]) -> dict[str, Any]:
    return {
        "tags": [],
        "licences": list(licences),
        "copyrights": [],
        "holders": [],
        "markers": [],
        "errors": [],
    }


def _entry(path: str, kind: FileKind = FileKind.SOURCE) -> FileEntry:
    return FileEntry(path=path, size=1, sha1="1" * 40, kind=kind)


def test_governed_files_and_the_licence_file_itself_conclude_to_the_grant() -> None:
    copying = _facts(
        _det(_match("GPL-2.0-only", "reference", 1, 2)),
        _det(_match("MIT", "reference", 8, 9)),
    )
    disclaimer = _facts(_det(_match("LicenseRef-scancode-warranty-disclaimer", "text", 2, 6)))
    facts = {"COPYING": copying, "a.c": _facts(), "b.c": disclaimer}
    kinds = {"COPYING": FileKind.LICENSE, "a.c": FileKind.SOURCE, "b.c": FileKind.SOURCE}
    records = apply_governing_files(
        [build_record(_entry(p, kinds[p]), f) for p, f in facts.items()], facts
    )
    by_path = {r.path: r for r in records}
    lic = by_path["COPYING"]
    assert lic.detected_license_expression == "GPL-2.0-only AND MIT"
    assert (lic.license_expression, lic.license_source) == ("GPL-2.0-only", "detected")
    mit = next(d for d in lic.detections if d.license_expression == "MIT")
    assert "for other paths" in (mit.message or "")
    a = by_path["a.c"]
    assert (a.license_expression, a.license_source) == ("GPL-2.0-only", "license-file")
    assert "lead statement (lines 1-2)" in (a.detections[-1].message or "")
    # a warranty disclaimer grants nothing: the licence file governs, the evidence stays
    b = by_path["b.c"]
    assert b.detected_license_expression == "LicenseRef-scancode-warranty-disclaimer"
    assert (b.license_expression, b.license_source) == ("GPL-2.0-only", "license-file")
    # without the facts (no rule kinds) the whole detected expression governs, as before
    plain = apply_governing_files([build_record(_entry(p, kinds[p]), f) for p, f in facts.items()])
    assert {r.path: r.license_expression for r in plain}["a.c"] == "GPL-2.0-only AND MIT"


def test_a_proprietary_licence_named_anywhere_stays_in_the_grant() -> None:
    # a vendor LICENSE: its own terms first, a bundled MIT text after
    licences = [
        _det(_match("LicenseRef-scancode-proprietary-license", "notice", 1, 3)),
        _det(_match("MIT", "text", 10, 30)),
    ]
    detected = "LicenseRef-scancode-proprietary-license AND MIT"
    grant = granted_expression(detected, licences)
    assert grant is not None and grant.expression == detected
    # a licence file with a proprietary marker governs with everything it says
    facts = _facts(*licences)
    marked = {**facts, "markers": [["Proprietary and Confidential", 1, "Proprietary"]]}
    records = apply_governing_files(
        [
            build_record(_entry("LICENSE", FileKind.LICENSE), marked),
            build_record(_entry("a.c"), _facts()),
        ],
        {"LICENSE": marked},
    )
    assert records[1].license_expression == detected


def test_a_version_the_files_own_words_state_is_not_settled() -> None:
    # ScanCode 32.5's own rules: "LGPL" alone and "version 2 of the License, or (at your
    # option) any later version" are both LGPL-2.0-or-later; only the first has no version
    assert stated_with_version(["lgpl_bare_single_word.RULE"]) == frozenset()
    assert stated_with_version(["lgpl-2.0-plus_101.RULE"]) == frozenset()  # "under the LGPL."
    assert stated_with_version(["lgpl_bare_single_word.RULE", " lgpl-2.0-plus_97.RULE"]) == {
        "LGPL-2.0-or-later"
    }
    assert stated_with_version(["lgpl-2.0-plus_103.RULE"]) == {"LGPL-2.0-or-later"}  # LGPL2+
    assert stated_with_version(["gpl-1.0-plus.LICENSE"]) == {"GPL-1.0-or-later"}
    assert stated_with_version(["no-such-rule_1.RULE", "mit.LICENSE"]) == frozenset()
    assert (
        settle_versions(
            "LGPL-2.0-or-later", "LGPL-2.1-only", stated=frozenset({"LGPL-2.0-or-later"})
        )
        is None
    )


def test_a_vgabios_shaped_header_keeps_version_2_or_later_under_an_lgpl_21_copying() -> None:
    # Xen's tools/firmware/vgabios/vgabios.c: "(C) ... the LGPL VGABios developers Team" and
    # "either version 2 of the License, or (at your option) any later version", one detection
    # of two rules; later "LGPL" mentions; its folder's COPYING is the LGPL 2.1 text
    header = _det(
        {**_match("LGPL-2.0-or-later", "reference", 7, 7), "rule": "lgpl_bare_single_word.RULE"},
        {**_match("LGPL-2.0-or-later", "notice", 9, 20), "rule": "lgpl-2.0-plus_97.RULE"},
    )
    mention = _det({**_match("LGPL-2.0-or-later", "reference", 183, 183),
                    "rule": "lgpl_bare_single_word.RULE"})  # fmt: skip
    copying = _facts(_det({**_match("LGPL-2.1-only", "text", 1, 502), "rule": "lgpl-2.1.LICENSE"}))
    facts = {"COPYING": copying, "vgabios.c": _facts(header, mention)}
    kinds = {"COPYING": FileKind.LICENSE, "vgabios.c": FileKind.SOURCE}
    records = apply_governing_files(
        [build_record(_entry(p, kinds[p]), f) for p, f in facts.items()], facts
    )
    assert {r.path: r.license_expression for r in records}["vgabios.c"] == "LGPL-2.0-or-later"
    # the same file with the bare word only ("licensed under the LGPL, see COPYING") settles
    facts["vgabios.c"] = _facts(mention)
    records = apply_governing_files(
        [build_record(_entry(p, kinds[p]), f) for p, f in facts.items()], facts
    )
    assert {r.path: r.license_expression for r in records}["vgabios.c"] == "LGPL-2.1-only"
