"""Bad input never stops a scan, and the cache answers what did not change.

The files here carry SPDX tags and no licence prose, so no ScanCode licence index is loaded:
these tests stay fast. ScanCode's copyright detector still runs (it needs no index).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openesx_license.detect import engine, scan_tree
from openesx_license.detect.prepare import prepare_file
from openesx_license.inventory import LARGE_FILE_BYTES
from openesx_license.model import FileEntry, FileKind, FileRecord


def _records(root: Path, cache: Path | None = None, **kwargs: object) -> dict[str, FileRecord]:
    result = scan_tree(
        root,
        jobs=1,
        cache_dir=cache,
        use_cache=cache is not None,
        progress=False,
        **kwargs,  # type: ignore[arg-type]
    )
    return {f.path: f for f in result.files}


def _tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.c").write_text(
        "// SPDX-License-Identifier: GPL-2.0\n/* (C) 2020 Ann Smith */\nint g;\n"
    )
    (root / "other.c").write_text("# SPDX-License-Identifier: mit\nx = 1\n")
    return root


def test_every_bad_input_is_reported_and_the_rest_scanned(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    (root / "latin1.c").write_bytes(
        b"// SPDX-License-Identifier: BSD-2-Clause\n/* Copyright 2001 J\xfcrgen M\xfcller */\n"
    )
    (root / "blob.c").write_bytes(b"\x7fELF\x02\x01\x01\0\0\0\0\0" + bytes(range(256)))
    (root / "loop1").symlink_to(root / "loop2")
    (root / "loop2").symlink_to(root / "loop1")
    os.mkfifo(root / "fifo.c")
    with (root / "huge.c").open("w") as fh:  # 50 MB, licence at the top
        fh.write("// SPDX-License-Identifier: Apache-2.0\n")
        line = "    value = value * 31 + index;\n"
        fh.write(line * (50 * 2**20 // len(line)))
    (root / "bad-tag.c").write_text("// SPDX-License-Identifier: GPL-2.0 OR\nint b;\n")
    files = _records(root)

    assert files["good.c"].detected_license_expression == "GPL-2.0-only"
    assert files["good.c"].license_source == "detected"
    assert [h.holder for h in files["good.c"].holders] == ["Ann Smith"]
    assert files["other.c"].license_expression == "MIT"
    assert files["latin1.c"].detected_license_expression == "BSD-2-Clause"
    assert "invalid UTF-8 at byte" in files["latin1.c"].errors[0]
    # decoded as Latin-1, then folded to ASCII by ScanCode's copyright detector
    assert [h.holder for h in files["latin1.c"].holders] == ["Jurgen Muller"]
    assert files["blob.c"].kind is FileKind.BINARY and not files["blob.c"].detections
    assert "binary content" in files["blob.c"].errors[0]
    assert files["loop1"].errors == ("symlink loop: not followed",)
    assert "not a regular file" in files["fifo.c"].errors[0]
    huge = files["huge.c"]
    assert huge.size > LARGE_FILE_BYTES and huge.errors[0].startswith("too large")
    assert huge.detected_license_expression == "Apache-2.0"  # the header was read
    bad = files["bad-tag.c"]
    assert bad.detected_license_expression == "GPL-2.0-only AND LicenseRef-scancode-unknown-spdx"
    assert "malformed" in (bad.detections[0].message or "")
    assert "invalid SPDX-License-Identifier" in bad.errors[0]


def test_a_file_removed_between_listing_and_reading_is_an_error(tmp_path: Path) -> None:
    entry = FileEntry(path="gone.c", size=10, sha1="0" * 40, kind=FileKind.SOURCE)
    prepared = prepare_file(str(tmp_path), entry, ())
    assert prepared.errors and prepared.errors[0].startswith("unreadable")


def test_markers_are_configurable(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "vm.c").write_text(
        "/* VMware Confidential */\n// SPDX-License-Identifier: LicenseRef-VMware-Proprietary\n"
    )
    (root / "ha.c").write_text("/* Internal Use Only: HA agent */\nint ha;\n")
    default = _records(root)
    assert [m.marker for m in default["vm.c"].markers] == [
        "VMware Confidential",
        "LicenseRef-VMware-Proprietary",
    ]
    assert default["vm.c"].markers[0].line == 1
    assert not default["ha.c"].markers
    custom = _records(root, markers=["internal use only"])
    assert [(m.marker, m.line) for m in custom["ha.c"].markers] == [("internal use only", 1)]
    assert [m.marker for m in custom["vm.c"].markers] == ["LicenseRef-VMware-Proprietary"]


def test_cache_answers_unchanged_files_and_redetects_a_touched_one(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    first = scan_tree(root, jobs=1, cache_dir=cache, progress=False)
    assert (first.stats.detected, first.stats.cached) == (2, 0)
    again = scan_tree(root, jobs=1, cache_dir=cache, progress=False)
    assert (again.stats.detected, again.stats.cached) == (0, 2)
    assert again.files == first.files
    with (root / "good.c").open("a") as fh:
        fh.write("int added;\n")
    touched = scan_tree(root, jobs=1, cache_dir=cache, progress=False)
    assert (touched.stats.detected, touched.stats.cached) == (1, 1)
    assert {f.path: f.license_expression for f in touched.files} == {
        "good.c": "GPL-2.0-only",
        "other.c": "MIT",
    }


def test_a_new_engine_invalidates_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    scan_tree(root, jobs=1, cache_dir=cache, progress=False)
    # what a ScanCode upgrade or a rebuilt licence index does to the fingerprint
    monkeypatch.setattr(engine, "engine_fingerprint", lambda: "another-engine")
    after = scan_tree(root, jobs=1, cache_dir=cache, progress=False)
    assert (after.stats.detected, after.stats.cached) == (2, 0)


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    result = scan_tree(root, jobs=1, cache_dir=cache, use_cache=False, progress=False)
    assert result.stats.detected == 2 and not cache.exists()


def test_excluded_paths_are_not_listed(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    assert sorted(_records(root, exclude=["other.*"])) == ["good.c"]
