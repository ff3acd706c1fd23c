"""SPDX-License-Identifier tags: parsing, normalisation, and invalid tags kept as evidence."""

from __future__ import annotations

import pytest

from openesx_license.detect.tags import find_tags, parse_tag
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
    ("raw", "problem"),
    [
        ("Foo-Bar", "unknown SPDX license id"),
        ("GPL-2.0-only OR", "malformed"),
        ("(GPL-2.0 OR BSD-2-Clause", "malformed"),
        ("MIT WITH GPL-2.0-only", "invalid SPDX expression"),  # not an exception
        ("", "empty tag"),
    ],
)
def test_invalid_tags_are_kept_with_a_reason(raw: str, problem: str) -> None:
    det = parse_tag(raw, line=1)
    assert not det.valid and det.license_expression == ""
    assert det.message is not None and problem in det.message
    assert det.matched_text == f"SPDX-License-Identifier: {raw}"


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
