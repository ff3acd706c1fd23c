"""Choices between licences: "Alternatively", "at your option", "dual licensed" make ``OR``.

The headers in tests/assets/choices quote real ones (NSPR's MPL/GPL/LGPL tri-licence, a Linux
driver's GPL-or-BSD, the OpenIB dual licence, VirtualBox's LGPL-or-CDDL, Rust's Apache-or-MIT,
jQuery's dual licence); they are scanned with the real engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.detect.choices import (
    ChoicePhrase,
    LicenseUnit,
    combine,
    find_choice_phrases,
)
from openesx_license.model import ScanResult

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "choices"


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (" * Alternatively, this software may be distributed under the terms of", True),
        (" * Dual licensed under the MIT or GPL Version 2 licenses.", True),
        ("// <LICENSE-MIT or http://opensource.org/licenses/MIT>, at your", False),
        (" * This software is available to you under a choice of one of two", True),
        (" * terms and conditions of either the LGPL or the CDDL or both.", True),
        (" * the Free Software Foundation; either version 2 of the License, or", False),
    ],
)
def test_choice_phrases(line: str, found: bool) -> None:
    assert bool(find_choice_phrases([line])) is found


def test_at_your_option_any_later_version_is_not_a_choice_between_notices() -> None:
    lines = [" * the License, or", " * (at your option) any later version."]
    assert find_choice_phrases(lines) == []
    assert find_choice_phrases([" * at your option.", " * This file may not be copied"])


def test_units_on_both_sides_of_a_phrase_are_one_choice() -> None:
    gpl = LicenseUnit(expression="GPL-2.0-only", start=4, end=6)
    bsd = LicenseUnit(expression="BSD-3-Clause", start=8, end=9)
    mit = LicenseUnit(expression="MIT", start=30, end=40)
    phrase = ChoicePhrase(line=8, end=9, text="Alternatively, ...")
    groups, used = combine([mit, bsd, gpl], [phrase])
    assert groups == [[gpl, bsd], [mit]] and used == [phrase]
    # too far from the notice it would join: no choice
    far = ChoicePhrase(line=20, end=21, text="Alternatively, ...")
    assert combine([gpl, bsd], [far]) == ([[gpl], [bsd]], [])


@pytest.fixture(scope="module")
def choice_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("choices") / "tree"
    shutil.copytree(ASSETS, root)
    return scan_tree(root, jobs=1, use_cache=False, progress=False)


@pytest.mark.parametrize(
    ("path", "expression"),
    [
        ("linux-gpl-or-bsd.c", "GPL-2.0-only OR BSD-3-Clause"),
        # ScanCode: LGPL-2.1-only AND CDDL-1.0 AND LGPL-2.0-or-later (the last is the word
        # "LGPL" in "either the LGPL or the CDDL", which the last phrase joins to the choice)
        ("lgpl-or-cddl.c", "LGPL-2.1-only OR CDDL-1.0 OR LGPL-2.0-or-later"),
        # ScanCode already matches these as one choice
        ("mpl-tri-license.c", "MPL-1.1 OR GPL-2.0-or-later OR LGPL-2.1-or-later"),
        ("linux-openib-dual.c", "GPL-2.0-only OR Linux-OpenIB"),
        ("rust-apache-or-mit.rs", "MIT OR Apache-2.0"),
        ("jquery-dual.js", "MIT OR GPL-2.0-only"),
        # ScanCode: MIT AND LGPL-2.0-or-later for this comment in a C file
        ("choose-one-of.c", "MIT OR LGPL-2.0-or-later"),
        # no choice offered: unchanged
        ("gpl-or-later-only.c", "GPL-2.0-or-later"),
        ("two-notices-and.c", "MIT AND GPL-2.0-only"),
    ],
)
def test_real_headers(choice_scan: ScanResult, path: str, expression: str) -> None:
    record = {f.path: f for f in choice_scan.files}[path]
    assert record.detected_license_expression == expression


def test_the_phrase_is_the_evidence(choice_scan: ScanResult) -> None:
    record = {f.path: f for f in choice_scan.files}["lgpl-or-cddl.c"]
    notes = [d.message for d in record.detections if d.message]
    assert any("Alternatively, the contents" in n and "(line 8)" in n for n in notes)
    assert all("with OR" in n for n in notes)


def test_a_phrase_just_above_the_first_notice_opens_a_choice() -> None:
    mit = LicenseUnit(expression="MIT", start=3, end=5)
    lgpl = LicenseUnit(expression="LGPL-2.0-or-later", start=7, end=8)
    (phrase,) = find_choice_phrases(["You can choose any one of those:"])
    intro = ChoicePhrase(line=1, end=1, text=phrase.text)
    assert combine([mit, lgpl], [intro]) == ([[mit, lgpl]], [intro])
