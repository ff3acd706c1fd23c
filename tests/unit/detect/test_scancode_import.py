"""--from-scancode: a ScanCode JSON scan read into per-file facts; bad files named, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openesx_license.cli.main import main
from openesx_license.detect.scancode_import import load_scancode_json
from openesx_license.errors import UsageError
from openesx_license.model import FileEntry, FileKind


def _scan(files: list[dict[str, object]], **options: object) -> dict[str, object]:
    return {
        "headers": [{"tool_version": "32.5.0", "options": {"--license": True, **options}}],
        "files": [{"path": "tree", "type": "directory"}, *files],
    }


def _file(path: str, expression: str | None, **extra: object) -> dict[str, object]:
    detections = []
    if expression:
        detections.append(
            {
                "license_expression": expression.lower(),
                "license_expression_spdx": expression,
                "matches": [
                    {
                        "license_expression_spdx": expression,
                        "from_file": path,
                        "start_line": 2,
                        "end_line": 4,
                        "matcher": "2-aho",
                        "score": 99.5,
                        "rule_identifier": f"{expression.lower()}_1.RULE",
                        "matched_text": "Permission is hereby granted",
                    }
                ],
            }
        )
    return {
        "path": path,
        "type": "file",
        "license_detections": detections,
        "copyrights": [{"copyright": "Copyright (c) 2020 A", "start_line": 1, "end_line": 1}],
        "holders": [{"holder": "A", "start_line": 1, "end_line": 1}],
        "scan_errors": [],
        **extra,
    }


def _entry(path: str, sha1: str = "abc") -> FileEntry:
    return FileEntry(path=path, size=1, sha1=sha1, kind=FileKind.SOURCE)


def test_paths_lose_the_scanned_folder_and_sha1_marks_stale_files(tmp_path: Path) -> None:
    doc = _scan(
        [
            _file("tree/a.c", "MIT"),
            _file("tree/sub/b.c", "BSD-3-Clause", sha1="abc"),
            _file("tree/sub/c.c", "BSD-3-Clause", sha1="old"),
        ]
    )
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(doc))
    imported = load_scancode_json(path, tmp_path / "tree")
    assert sorted(imported.files) == ["a.c", "sub/b.c", "sub/c.c"]
    assert imported.covers(_entry("a.c"))  # no checksum in the scan: trusted by path
    assert imported.covers(_entry("sub/b.c", "abc"))
    assert not imported.covers(_entry("sub/c.c", "new"))  # changed since: scanned again
    assert not imported.covers(_entry("d.c"))  # not in the scan: scanned
    det = imported.files["a.c"].licences[0]
    assert (det["expression"], det["start_line"], det["end_line"], det["score"]) == (
        "MIT", 2, 4, 99.5,
    )  # fmt: skip
    assert imported.files["a.c"].copyrights == (("Copyright (c) 2020 A", 1, 1),)


def test_spdx_id_matches_are_left_to_our_tag_parser(tmp_path: Path) -> None:
    tag_only = _file("tree/t.c", "GPL-2.0-only")
    tag_only["license_detections"][0]["matches"][0]["matcher"] = "1-spdx-id"  # type: ignore[index]
    mixed = _file("tree/m.c", "LicenseRef-x AND MIT")
    mixed["license_detections"][0]["matches"] = [  # type: ignore[index]
        {"license_expression_spdx": "LicenseRef-x", "matcher": "1-spdx-id", "start_line": 1,
         "end_line": 1, "score": 100},
        {"license_expression_spdx": "MIT", "matcher": "2-aho", "start_line": 3, "end_line": 9,
         "score": 90, "rule_identifier": "mit_5.RULE"},
    ]  # fmt: skip
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(_scan([tag_only, mixed])))
    imported = load_scancode_json(path, tmp_path / "tree")
    assert imported.files["t.c"].licences == ()
    (det,) = imported.files["m.c"].licences
    assert (det["expression"], det["start_line"]) == ("MIT", 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"headers": []}), "not a ScanCode JSON scan (no 'files' list)"),
        (
            json.dumps({"headers": [{"options": {"--copyright": True}}], "files": []}),
            "has no licence detection; run scancode with -l",
        ),
        (
            json.dumps(
                {
                    "headers": [{"tool_version": "31.2.1", "options": {"--license": True}}],
                    "files": [{"path": "a", "type": "file", "licenses": []}],
                }
            ),
            "ScanCode Toolkit 32 or later",
        ),  # fmt: skip
    ],
)
def test_unusable_scans_are_usage_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(content)
    with pytest.raises(UsageError) as info:
        load_scancode_json(path, tmp_path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_scan_command_takes_licences_from_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.c").write_text("/* Copyright (c) 2020 A */\nint a;\n")
    (tree / "b.c").write_text("// SPDX-License-Identifier: Apache-2.0\nint b;\n")
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(_scan([_file("tree/a.c", "MIT")])))  # b.c is not in it
    out = tmp_path / "out.json"
    with pytest.raises(SystemExit) as info:
        main(["scan", str(tree), "--from-scancode", str(scan), "--json", str(out), "--jobs", "1",
              "--cache-dir", str(tmp_path / "cache"), "-q"])  # fmt: skip
    assert info.value.code == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    files = {f["path"]: f for f in doc["files"]}
    assert files["a.c"]["license_expression"] == "MIT"  # from the scan: the text says nothing
    assert files["a.c"]["detections"][0]["matched_rule"] == "mit_1.RULE"
    assert files["b.c"]["license_expression"] == "Apache-2.0"  # scanned: its own tag
    assert doc["stats"]["imported"] == 1 and doc["stats"]["detected"] == 1
    with pytest.raises(SystemExit) as info:
        main(["scan", str(tree), "--from-scancode", str(tmp_path / "none.json")])
    assert info.value.code == 2
    assert "none.json: no such file (--from-scancode)" in capsys.readouterr().err


def test_strip_root_and_full_root_paths(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    stripped = {"headers": [{"options": {"--license": True, "--strip-root": True}}],
                "files": [_file("sub/a.c", "MIT")]}  # fmt: skip
    full = {"headers": [{"options": {"--license": True, "--full-root": True}}],
            "files": [_file(f"{root.resolve()}/sub/a.c", "MIT")]}  # fmt: skip
    for number, doc in enumerate((stripped, full)):
        path = tmp_path / f"scan-{number}.json"
        path.write_text(json.dumps(doc))
        assert list(load_scancode_json(path, root).files) == ["sub/a.c"]
