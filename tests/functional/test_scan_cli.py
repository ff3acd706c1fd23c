"""``openesx-license scan`` on small fixture trees: JSON, table, options, exit codes.

The trees carry SPDX tags and no licence prose, so no licence index is loaded here; the real
engine is covered by tests/unit/detect/test_detect_scancode.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openesx_license.cli.main import main
from openesx_license.model import SCHEMA_VERSION


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "xen" / "common").mkdir(parents=True)
    (root / "xen" / "common" / "sched.c").write_text(
        "// SPDX-License-Identifier: GPL-2.0\n/* Copyright (C) 2004 Keir Fraser */\nint s;\n"
    )
    (root / "xen" / "common" / "timer.c").write_text("// SPDX-License-Identifier: GPL-2.0+\n")
    (root / "tools").mkdir()
    (root / "tools" / "xl.py").write_text("# SPDX-License-Identifier: LGPL-2.1-only\nx = 1\n")
    (root / "tools" / "bad.c").write_text("// SPDX-License-Identifier: GPL-2.0 OR\n")
    (root / "vendor").mkdir()
    (root / "vendor" / "blob.c").write_bytes(b"\0\x01\x02ELF")
    return root


def test_scan_json_document(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "scan.json"
    cache = tmp_path / "cache"
    code, out, err = _run(
        ["scan", str(tree), "--json", str(out_file), "--jobs", "1", "--cache-dir", str(cache)],
        capsys,
    )
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tool"]["name"] == "openesx-license" and doc["engine"].startswith("scancode")
    files = {f["path"]: f for f in doc["files"]}
    assert sorted(files) == [
        "tools/bad.c",
        "tools/xl.py",
        "vendor/blob.c",
        "xen/common/sched.c",
        "xen/common/timer.c",
    ]
    sched = files["xen/common/sched.c"]
    assert sched["detected_license_expression"] == "GPL-2.0-only"
    assert sched["license_source"] == "detected" and sched["kind"] == "source"
    assert sched["language"] == "C" and len(sched["sha1"]) == 40
    (det,) = sched["detections"]
    assert det["method"] == "spdx-tag" and det["start_line"] == 1 and det["valid"]
    assert det["message"] == "normalised from 'GPL-2.0'"
    assert sched["holders"] == [{"holder": "Keir Fraser", "start_line": 2, "end_line": 2}]
    assert files["tools/xl.py"]["language"] == "Python"
    bad = files["tools/bad.c"]
    # read as ScanCode reads it: the known id kept, the broken rest marked unknown
    assert bad["license_expression"] == "GPL-2.0-only AND LicenseRef-scancode-unknown-spdx"
    assert bad["detections"][0]["valid"] is True
    assert bad["errors"] and "malformed" in bad["errors"][0]
    assert files["vendor/blob.c"]["kind"] == "binary" and files["vendor/blob.c"]["errors"]
    assert doc["summary"]["licenses"] == {
        "none": 1,
        "GPL-2.0-only": 1,
        "GPL-2.0-only AND LicenseRef-scancode-unknown-spdx": 1,
        "GPL-2.0-or-later": 1,
        "LGPL-2.1-only": 1,
    }
    assert doc["stats"]["detected"] == 4 and doc["stats"]["cached"] == 0
    # the table goes to stdout too
    assert "GPL-2.0-only" in out and "5 files" in out
    assert not list(tmp_path.glob(".scan.json.*.tmp"))  # temp file renamed away

    code, out, _ = _run(["scan", str(tree), "--jobs", "1", "--cache-dir", str(cache)], capsys)
    assert code == 0 and "from cache 4" in out


def test_json_to_stdout_and_exclude(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        [
            "scan",
            str(tree),
            "--json",
            "-",
            "--no-cache",
            "--exclude",
            "vendor",
            "--exclude",
            "**/*.py",
        ],
        capsys,
    )
    assert code == 0
    doc = json.loads(out)
    assert sorted(f["path"] for f in doc["files"]) == [
        "tools/bad.c",
        "xen/common/sched.c",
        "xen/common/timer.c",
    ]


def test_no_cache_leaves_no_cache(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    code, _, _ = _run(["scan", str(tree), "--no-cache", "--cache-dir", str(cache)], capsys)
    assert code == 0 and not cache.exists()


def test_marker_option(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "tools" / "ha.c").write_text("/* HA internal: do not ship */\n")
    out_file = tmp_path / "s.json"
    code, _, _ = _run(
        ["scan", str(tree), "--no-cache", "--marker", "do not ship", "--json", str(out_file)],
        capsys,
    )
    assert code == 0
    files = {f["path"]: f for f in json.loads(out_file.read_text())["files"]}
    assert files["tools/ha.c"]["markers"] == [
        {"marker": "do not ship", "line": 1, "text": "/* HA internal: do not ship */"}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/tree"], "/no/such/tree: no such folder"),
        (["scan", "TREE", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["scan", "TREE", "--frobnicate"], "No such option '--frobnicate'"),
        (["scan"], "Missing argument 'PATH'"),
        (["scan", "TREE", "--json", "/no/such/dir/out.json", "--no-cache"], "does not exist"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    tree: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([str(tree) if a == "TREE" else a for a in args], capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
