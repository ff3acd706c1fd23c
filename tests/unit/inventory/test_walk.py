"""Listing a tree: filesystem walk, git work trees, and every kind of bad entry."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from openesx_license.errors import UsageError
from openesx_license.inventory import LARGE_FILE_BYTES, list_files
from openesx_license.model import FileKind


def _write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def _by_path(root: Path, **kwargs: object) -> dict[str, object]:
    return {e.path: e for e in list_files(root, **kwargs)}  # type: ignore[arg-type]


def test_walk_hashes_classifies_and_skips_build_output(tmp_path: Path) -> None:
    _write(tmp_path, "xen/sched.c", "int x;\n")
    _write(tmp_path, "xen/sched.h", "int y;\n")
    _write(tmp_path, "xen/sched.o", b"\x7fELF\0\0")
    _write(tmp_path, "build/out.c", "int z;\n")  # top-level build/ is output
    _write(tmp_path, "automation/build/Dockerfile", "FROM debian\n")  # nested: source
    _write(tmp_path, ".git/config", "[core]\n")
    _write(tmp_path, "tools/__pycache__/a.cpython-311.pyc", b"\0\0")
    _write(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0")
    entries = _by_path(tmp_path)
    assert sorted(entries) == [
        "automation/build/Dockerfile",
        "logo.png",
        "xen/sched.c",
        "xen/sched.h",
    ]
    sched = entries["xen/sched.c"]
    assert sched.sha1 == hashlib.sha1(b"int x;\n").hexdigest()  # type: ignore[attr-defined]
    assert sched.kind is FileKind.SOURCE and sched.language == "C"  # type: ignore[attr-defined]
    assert entries["xen/sched.h"].kind is FileKind.HEADER  # type: ignore[attr-defined]
    assert entries["logo.png"].kind is FileKind.BINARY  # type: ignore[attr-defined]


def test_exclude_globs_apply(tmp_path: Path) -> None:
    _write(tmp_path, "a/keep.c", "int a;\n")
    _write(tmp_path, "tools/firmware/rom.c", "int b;\n")
    _write(tmp_path, "web/x.min.js", "var c;\n")
    entries = _by_path(tmp_path, exclude=["tools/firmware/**", "**/*.min.js"])
    assert sorted(entries) == ["a/keep.c"]


def test_symlinks_out_of_tree_and_loops_are_errors_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, "real.c", "int real;\n")
    outside = _write(tmp_path, "outside/secret.c", "int secret;\n")
    (root / "out.c").symlink_to(outside)
    (root / "outdir").symlink_to(outside.parent, target_is_directory=True)
    (root / "loop_a").symlink_to(root / "loop_b")
    (root / "loop_b").symlink_to(root / "loop_a")
    (root / "self").symlink_to(root, target_is_directory=True)  # in-tree folder link
    (root / "alias.c").symlink_to(root / "real.c")  # in-tree file link: content listed
    (root / "dangling.c").symlink_to(root / "missing.c")
    entries = _by_path(root)
    assert "outside to" not in str(entries)
    assert "symlink to outside the tree" in entries["out.c"].errors[0]  # type: ignore[attr-defined]
    assert "symlink to outside the tree" in entries["outdir"].errors[0]  # type: ignore[attr-defined]
    assert entries["loop_a"].errors == ("symlink loop: not followed",)  # type: ignore[attr-defined]
    assert entries["loop_b"].errors == ("symlink loop: not followed",)  # type: ignore[attr-defined]
    assert "broken symlink" in entries["dangling.c"].errors[0]  # type: ignore[attr-defined]
    assert entries["alias.c"].sha1 == entries["real.c"].sha1 != ""  # type: ignore[attr-defined]
    assert "self" not in entries and not any(p.startswith("self/") for p in entries)
    assert all(e.sha1 == "" for p, e in entries.items() if e.errors)  # type: ignore[attr-defined]


def test_fifo_is_reported_and_not_opened(tmp_path: Path) -> None:
    _write(tmp_path, "ok.c", "int ok;\n")
    os.mkfifo(tmp_path / "pipe.c")
    entries = _by_path(tmp_path)
    assert "not a regular file" in entries["pipe.c"].errors[0]  # type: ignore[attr-defined]
    assert entries["ok.c"].sha1  # type: ignore[attr-defined]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file anyway")
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    locked = _write(tmp_path, "locked.c", "int locked;\n")
    locked.chmod(0)
    try:
        entries = _by_path(tmp_path)
    finally:
        locked.chmod(0o644)
    assert entries["locked.c"].errors[0].startswith("unreadable")  # type: ignore[attr-defined]


def test_large_file_is_noted(tmp_path: Path) -> None:
    big = tmp_path / "big.c"
    with big.open("wb") as fh:
        fh.truncate(LARGE_FILE_BYTES + 1)  # sparse: NUL bytes read as binary...
    big.write_bytes(b"int x;\n" * ((LARGE_FILE_BYTES // 7) + 2))  # ...so write text
    entry = _by_path(tmp_path)["big.c"]
    assert entry.errors and entry.errors[0].startswith("too large")  # type: ignore[attr-defined]


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        list_files(tmp_path / "nope")


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_work_tree_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    _write(tmp_path, ".gitignore", "*.log\nout/\n")
    _write(tmp_path, "xen/a.c", "int a;\n")
    _write(tmp_path, "xen/sub/b.c", "int b;\n")
    git("add", ".")
    _write(tmp_path, "xen/new.c", "int n;\n")  # untracked, not ignored: audited
    _write(tmp_path, "xen/run.log", "noise\n")  # ignored
    _write(tmp_path, "out/gen.c", "int g;\n")  # ignored folder
    assert sorted(_by_path(tmp_path)) == [".gitignore", "xen/a.c", "xen/new.c", "xen/sub/b.c"]
    # a subfolder of the work tree: paths relative to it
    assert sorted(_by_path(tmp_path / "xen")) == ["a.c", "new.c", "sub/b.c"]
