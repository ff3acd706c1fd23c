"""ComponentMap: most specific glob wins; declared licences fill only files that state none."""

from __future__ import annotations

import pytest

from openesx_license._util.globs import glob_matches, specificity
from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import parse_policy
from openesx_license.model import FileKind, FileRecord

POLICY = """
[release]
name = "t"
license = "GPL-2.0-only"

[[component]]
name = "drivers"
class = "open"
license = "GPL-2.0-only"
paths = ["drivers/**"]

[[component]]
name = "vmxnet"
class = "open"
license = "GPL-2.0-only OR BSD-3-Clause"
paths = ["drivers/net/vmxnet/**"]

[[component]]
name = "c-files"
class = "open"
paths = ["drivers/net/*.c"]

[[component]]
name = "e1000"
class = "third-party"
paths = ["drivers/net/e1000.c"]

[[component]]
name = "makefiles"
class = "open"
paths = ["**/Makefile"]

[[component]]
name = "secret"
class = "proprietary"
paths = ["drivers/net/vmxnet/secret/"]
"""


@pytest.fixture(scope="module")
def cmap() -> ComponentMap:
    return ComponentMap(parse_policy(POLICY, source="p.toml"))


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("drivers/scsi/pvscsi.c", "drivers"),
        ("drivers/net/vmxnet/vmxnet.c", "vmxnet"),  # longer literal prefix than drivers/**
        ("drivers/net/vmxnet/secret/x.c", "secret"),  # trailing '/' claims the folder
        ("drivers/net/tg3.c", "c-files"),  # 'drivers/net/' prefix beats 'drivers/'
        ("drivers/net/e1000.c", "e1000"),  # no wildcard beats '*.c' with the same prefix
        ("drivers/net/sub/x.c", "drivers"),  # '*' does not cross '/'
        ("drivers/Makefile", "drivers"),  # 'drivers/' prefix beats the empty one of '**/'
        ("tools/Makefile", "makefiles"),
        ("Makefile", "makefiles"),  # '**/' matches zero folders
        ("vmkernel/init.c", None),
    ],
)
def test_most_specific_glob_wins(cmap: ComponentMap, path: str, component: str | None) -> None:
    found = cmap.component_for(path)
    assert (found.name if found else None) == component
    assert cmap.component_of(path) == ((found.name, found.component_class.value) if found else None)


def test_specificity_order() -> None:
    ordered = ["**", "**/Makefile", "drivers/**", "drivers/net/**", "drivers/net/*.c",
               "drivers/net/e1000.c"]  # fmt: skip
    keys = [specificity(g).key() for g in ordered]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("a/**/b.c", "a/b.c", True),
        ("a/**/b.c", "a/x/y/b.c", True),
        ("a/**", "a", True),
        ("a/**", "ab/c", False),
        ("a/?.c", "a/x.c", True),
        ("a/[!x].c", "a/x.c", False),
        ("a/[a-c].c", "a/b.c", True),
        ("*.c", "a/b.c", False),
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert glob_matches(glob, path) is matches


def _record(path: str, **kw: object) -> FileRecord:
    return FileRecord(path=path, size=1, sha1="0" * 40, kind=FileKind.SOURCE, **kw)  # type: ignore[arg-type]


def test_declared_license_only_for_files_without_one(cmap: ComponentMap) -> None:
    files = apply_components(
        [
            _record("drivers/net/vmxnet/a.c"),
            _record(
                "drivers/net/vmxnet/b.c",
                detected_license_expression="MIT",
                license_expression="MIT",
                license_source="detected",
            ),
            _record(
                "drivers/scsi/c.c", license_expression="GPL-2.0-only", license_source="license-file"
            ),
            _record("drivers/net/tg3.c"),  # its component declares nothing
            _record("elsewhere/d.c"),
        ],
        cmap,
    )
    a, b, c, tg3, d = (files[p] for p in sorted(files, key=list(files).index))
    assert (a.component, a.license_expression, a.license_source) == (
        "vmxnet", "GPL-2.0-only OR BSD-3-Clause", "declared",
    )  # fmt: skip
    assert (b.license_expression, b.license_source) == ("MIT", "detected")
    assert (c.license_expression, c.license_source) == ("GPL-2.0-only", "license-file")
    assert (tg3.component, tg3.license_expression, tg3.license_source) == ("c-files", None, "none")
    assert (d.component, d.license_source) == (None, "none")


def test_declared_licence_comes_before_a_licence_file_outside_the_component(
    cmap: ComponentMap,
) -> None:
    from openesx_license.model import DetectionMethod, LicenseDetection

    def governed(path: str, by: str) -> FileRecord:
        det = LicenseDetection(
            license_expression="MIT",
            method=DetectionMethod.LICENSE_FILE,
            governing_file=by,
            message=f"no licence stated in the file; governed by {by}",
        )
        return _record(path, license_expression="MIT", license_source="license-file",
                       detections=(det,))  # fmt: skip

    files = apply_components(
        [
            governed("drivers/net/vmxnet/Makefile", "COPYING"),  # the root's: outside
            governed("drivers/net/vmxnet/sub/x.h", "drivers/net/vmxnet/COPYING"),  # its own
        ],
        cmap,
    )
    outside = files["drivers/net/vmxnet/Makefile"]
    assert (outside.license_expression, outside.license_source) == (
        "GPL-2.0-only OR BSD-3-Clause", "declared",
    )  # fmt: skip
    assert "declared licence comes first" in (outside.detections[0].message or "")
    inside = files["drivers/net/vmxnet/sub/x.h"]
    assert (inside.license_expression, inside.license_source) == ("MIT", "license-file")
