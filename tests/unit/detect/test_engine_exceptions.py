"""Exceptions ANDed to a licence by ScanCode become ``licence WITH exception``."""

from __future__ import annotations

import pytest

from openesx_license.detect.engine import attach_exceptions

pytestmark = pytest.mark.scancode


@pytest.mark.parametrize(
    ("scancode", "expected"),
    [
        ("gpl-2.0-plus AND autoconf-simple-exception-2.0",
         "gpl-2.0-plus WITH autoconf-simple-exception-2.0"),
        ("autoconf-simple-exception-2.0 AND gpl-2.0-plus",
         "gpl-2.0-plus WITH autoconf-simple-exception-2.0"),
        ("fsful AND (gpl-2.0-plus AND autoconf-simple-exception-2.0) AND fsfap",
         "fsful AND gpl-2.0-plus WITH autoconf-simple-exception-2.0 AND fsfap"),
        ("mit OR (gpl-2.0 AND linux-syscall-exception-gpl)",
         "mit OR gpl-2.0 WITH linux-syscall-exception-gpl"),
        # nothing to attach to, or already attached: unchanged
        ("linux-syscall-exception-gpl", "linux-syscall-exception-gpl"),
        ("gpl-2.0 WITH linux-syscall-exception-gpl AND mit",
         "gpl-2.0 WITH linux-syscall-exception-gpl AND mit"),
        ("mit AND bsd-new", "mit AND bsd-new"),
    ],
)  # fmt: skip
def test_attach_exceptions(scancode: str, expected: str) -> None:
    from licensedcode.cache import get_cache

    licensing = get_cache().licensing
    result = attach_exceptions(licensing.parse(scancode))
    assert licensing.is_equivalent(result, licensing.parse(expected)), str(result)
    assert str(result) == str(licensing.parse(expected))
