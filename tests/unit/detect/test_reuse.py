"""REUSE.toml and .reuse/dep5 declarations: declared licences with license_source 'reuse'."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.detect.reuse import read_dep5, read_reuse_toml
from openesx_license.model import DetectionMethod, LicenseSource

REUSE_TOML = """version = 1

[[annotations]]
path = ["assets/**", "data/*.json"]
SPDX-FileCopyrightText = "2024 OpenESX"
SPDX-License-Identifier = "CC-BY-4.0"

[[annotations]]
path = "assets/logo.svg"
precedence = "override"
SPDX-License-Identifier = "CC0-1.0"

[[annotations]]
path = "src/*.c"
precedence = "aggregate"
SPDX-License-Identifier = "MIT"

[[annotations]]
path = "src/own.c"
SPDX-License-Identifier = "BSD-3-Clause"
"""


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for folder in ("assets/icons", "data", "src", "docs"):
        (root / folder).mkdir(parents=True)
    (root / "REUSE.toml").write_text(REUSE_TOML)
    (root / "COPYING").write_text("SPDX-License-Identifier: GPL-2.0-only\n")
    (root / "assets" / "icons" / "a.txt").write_text("an icon description\n")
    (root / "assets" / "logo.svg").write_text("<svg/>\n")
    (root / "data" / "table.json").write_text("{}\n")
    (root / "data" / "deep").mkdir()
    (root / "data" / "deep" / "x.json").write_text("{}\n")  # '*' stays in its folder
    (root / "src" / "tagged.c").write_text("// SPDX-License-Identifier: Apache-2.0\nint t;\n")
    (root / "src" / "own.c").write_text("// SPDX-License-Identifier: GPL-2.0-only\nint o;\n")
    (root / "docs" / "notes.txt").write_text("notes\n")
    return root


def test_declarations_apply_by_precedence(tree: Path, tmp_path: Path) -> None:
    scan = scan_tree(tree, jobs=1, cache_dir=tmp_path / "cache", progress=False)
    files = {f.path: f for f in scan.files}

    def concluded(path: str) -> tuple[str | None, LicenseSource]:
        return files[path].license_expression, files[path].license_source

    # closest: the declaration beats the folder's COPYING for a file with no licence of its own
    assert concluded("assets/icons/a.txt") == ("CC-BY-4.0", LicenseSource.REUSE)
    assert concluded("data/table.json") == ("CC-BY-4.0", LicenseSource.REUSE)
    assert concluded("data/deep/x.json") == ("GPL-2.0-only", LicenseSource.LICENSE_FILE)
    # override: the last matching table wins and replaces whatever the file says
    assert concluded("assets/logo.svg") == ("CC0-1.0", LicenseSource.REUSE)
    # aggregate: the file's own licence AND the declaration
    assert concluded("src/tagged.c") == ("Apache-2.0 AND MIT", LicenseSource.REUSE)
    assert files["src/tagged.c"].detected_license_expression == "Apache-2.0"
    # closest with a licence of its own: the file's own wins
    assert concluded("src/own.c") == ("GPL-2.0-only", LicenseSource.DETECTED)
    assert concluded("docs/notes.txt") == ("GPL-2.0-only", LicenseSource.LICENSE_FILE)
    evidence = files["assets/logo.svg"].detections[-1]
    assert evidence.method is DetectionMethod.DECLARED
    assert evidence.governing_file == "REUSE.toml"
    assert evidence.matched_rule == "REUSE.toml [[annotations]] #2"


def test_dep5_paragraphs_aggregate(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    (root / ".reuse").mkdir(parents=True)
    (root / "img").mkdir()
    (root / ".reuse" / "dep5").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: mini\n\n"
        "Files: img/*\nCopyright: 2024 OpenESX\nLicense: CC-BY-4.0\n\n"
        "Files: img/special/*\n  img/other.png\nCopyright: 2024 X\nLicense: CC0-1.0\n"
    )
    (root / "img" / "a.png").write_bytes(b"x\n")
    (root / "img" / "special").mkdir()
    (root / "img" / "special" / "b.txt").write_text("// SPDX-License-Identifier: MIT\n")
    scan = scan_tree(root, jobs=1, cache_dir=tmp_path / "cache", progress=False)
    files = {f.path: f for f in scan.files}
    special = files["img/special/b.txt"]
    assert (special.license_expression, special.license_source) == (
        "MIT AND CC0-1.0", LicenseSource.REUSE,
    )  # fmt: skip
    assert special.detections[-1].matched_rule == ".reuse/dep5 Files paragraph #2 (line 8)"
    declarations = read_dep5((root / ".reuse" / "dep5").read_text())
    assert declarations[1].matches("img/other.png") and declarations[0].matches("img/x/y.png")


def test_bad_reuse_toml_is_an_error_of_that_file(tmp_path: Path) -> None:
    declarations, problems = read_reuse_toml(
        'version = 1\n[[annotations]]\nprecedence = "nearest"\n'
    )
    assert declarations == []
    assert problems == [
        "REUSE.toml: [[annotations]] #1 'path': missing or not a string/list",
        "REUSE.toml: [[annotations]] #1 'precedence': expected one of closest, aggregate, "
        "override, got 'nearest'",
    ]
    root = tmp_path / "tree"
    root.mkdir()
    (root / "REUSE.toml").write_text("version = [\n")
    (root / "a.c").write_text("int a;\n")
    scan = scan_tree(root, jobs=1, cache_dir=tmp_path / "cache", progress=False)
    files = {f.path: f for f in scan.files}
    assert any(
        "REUSE declarations: REUSE.toml: TOML syntax error" in e for e in files["REUSE.toml"].errors
    )
    assert files["a.c"].license_source is LicenseSource.NONE
