"""The one atomic writer: whole files with one mode, whole report sets swapped together."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openesx_license._util import fs


def test_atomic_write_gives_the_users_file_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        fs.atomic_write_text(tmp_path / "a.txt", "caf\udce9\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_bytes() == b"caf\\udce9\n"  # valid UTF-8, a JSON escape
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_write_leaves_the_target_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")

    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fs.os, "replace", no_space)
    with pytest.raises(OSError, match="No space"):
        fs.atomic_write_text(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_swap_exchanges_a_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    (out / "b.md").write_text("old b")
    with fs.staged_folder(out) as staged:
        (staged / "a.json").write_text("new a")
        fs.swap_folder(staged, out, owned={"a.json", "b.md"})
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.json": "new a"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_set_leaves_the_old_one_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    with pytest.raises(RuntimeError), fs.staged_folder(out) as staged:
        (staged / "a.json").write_text("new a")
        raise RuntimeError("killed half way")
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.json": "old a"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_two_rename_fallback_without_renameat2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fs, "_renameat2_exchange", lambda a, b: False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old")
    with fs.staged_folder(out) as staged:
        (staged / "a.json").write_text("new")
        fs.swap_folder(staged, out, owned={"a.json"})
    assert (out / "a.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_mounted_report_folder_is_filled_from_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old")
    monkeypatch.setattr(fs, "_mount_point", lambda folder: folder == out)
    with fs.staged_folder(out) as staged:
        assert staged.parent == out  # the same file system as the files it replaces
        (staged / "a.json").write_text("new")
        fs.swap_folder(staged, out, owned={"a.json"})
    assert sorted(p.name for p in out.iterdir()) == ["a.json"]
    assert (out / "a.json").read_text() == "new"
