"""SPDX-License-Identifier tags: parsing, normalisation, and invalid tags kept as evidence."""

from __future__ import annotations

import pytest

from openesx_license.detect.tags import find_tags, parse_tag, tag_problem
from openesx_license.model import DetectionMethod


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GPL-2.0-only", "GPL-2.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),  # deprecated ids are normalised
        ("GPL-2.0", "GPL-2.0-only"),
        ("LGPL-2.1+", "LGPL-2.1-or-later"),
        ("mit", "MIT"),  # case is fixed
        ("gpl-2.0-only OR bsd-2-clause", "GPL-2.0-only OR BSD-2-Clause"),
        ("GPL-2.0 OR MIT", "GPL-2.0-only OR MIT"),
        ("(MIT AND BSD-3-Clause)", "MIT AND BSD-3-Clause"),
        ("GPL-2.0-only WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note"),
        (
            "(GPL-2.0+ WITH Linux-syscall-note) OR MIT",
            "GPL-2.0-or-later WITH Linux-syscall-note OR MIT",
        ),
        ("LicenseRef-VMware-Proprietary", "LicenseRef-VMware-Proprietary"),
        ("MIT OR LicenseRef-Foo", "MIT OR LicenseRef-Foo"),
    ],
)
def test_valid_tags_are_normalised(raw: str, expected: str) -> None:
    det = parse_tag(raw, line=7)
    assert det.valid and det.license_expression == expected
    assert det.method is DetectionMethod.SPDX_TAG
    assert (det.start_line, det.end_line, det.score) == (7, 7, 100.0)
    assert det.matched_rule == "SPDX-License-Identifier"
    assert (det.message is None) == (raw == expected)


@pytest.mark.parametrize(
    ("raw", "expected", "problem"),
    [
        # ScanCode 32.5 on the same tags (scancode -l) gives these expressions
        (
            "foo-short-name AND NCSA",
            "LicenseRef-scancode-unknown-spdx AND NCSA",
            "unknown SPDX license id(s) in 'foo-short-name AND NCSA': foo-short-name",
        ),
        (
            "GPL-2.0-only WITH unknown-exception",
            "GPL-2.0-only WITH LicenseRef-scancode-unknown-spdx",
            "unknown-exception",
        ),
        ("GPL-2.0+ OR bar-baz", "GPL-2.0-or-later OR LicenseRef-scancode-unknown-spdx", "bar-baz"),
        ("Foo-Bar", "LicenseRef-scancode-unknown-spdx", "unknown SPDX license id"),
        ("GPL-2.0-only OR", "GPL-2.0-only AND LicenseRef-scancode-unknown-spdx", "malformed"),
        ("(GPL-2.0 OR BSD-2-Clause", "GPL-2.0-only OR BSD-2-Clause", "malformed"),
        ("MIT WITH GPL-2.0-only", "MIT WITH GPL-2.0-only", "is not an exception"),
    ],
)
def test_partly_unknown_tags_keep_their_known_ids(raw: str, expected: str, problem: str) -> None:
    det = parse_tag(raw, line=1)
    assert det.valid and det.license_expression == expected
    assert det.message is not None and problem in det.message
    assert tag_problem(det) == det.message
    assert det.matched_text == f"SPDX-License-Identifier: {raw}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # license-expression 30.4 calls this licence an exception; ScanCode's data does not
        ("MPL-2.0-no-copyleft-exception", "MPL-2.0-no-copyleft-exception"),
        ("GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("GPL-2.0 WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note"),
        ("LicenseRef-scancode-public-domain", "LicenseRef-scancode-public-domain"),
    ],
)
def test_tags_follow_scancodes_spdx_list(raw: str, expected: str) -> None:
    det = parse_tag(raw, line=3)
    assert det.valid and det.license_expression == expected and tag_problem(det) is None


def test_an_empty_tag_has_no_expression() -> None:
    det = parse_tag("", line=1)
    assert not det.valid and det.license_expression == "" and tag_problem(det) == "empty tag"


def test_find_tags_in_any_comment_style() -> None:
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0 */",
        "# SPDX-License-Identifier: MIT",
        "<!-- SPDX-License-Identifier: BSD-3-Clause -->",
        "// spdx-license-identifier: Apache-2.0",
        "int SPDX = 1;",
        ".. SPDX-License-Identifier: CC-BY-4.0",
        '    f.write("/* SPDX-License-Identifier: MIT */\\n");',
        "# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause);",
    ]
    found = [(t.index, t.raw) for t in find_tags(lines)]
    assert found == [
        (0, "GPL-2.0"),
        (1, "MIT"),
        (2, "BSD-3-Clause"),
        (3, "Apache-2.0"),
        (5, "CC-BY-4.0"),
        (6, "MIT"),
        (7, "(GPL-2.0-only OR BSD-2-Clause)"),
    ]
