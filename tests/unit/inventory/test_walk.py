"""Listing a tree: filesystem walk, git work trees, and every kind of bad entry."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from openesx_license.errors import UsageError
from openesx_license.inventory import LARGE_FILE_BYTES, list_files, list_tree
from openesx_license.model import FileKind
from tests.helpers.unprivileged import run_python


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


_LIST = """
import sys
from pathlib import Path
from openesx_license.inventory import list_tree
inv = list_tree(Path(sys.argv[1]))
for e in inv.entries:
    print(e.path, "|", "; ".join(e.errors))
"""


def test_unreadable_file_and_folder_are_reported(tmp_path: Path) -> None:
    """Run with permission checks applied (as root: CAP_DAC_* dropped, see tests.helpers)."""
    tree = tmp_path / "tree"
    locked = _write(tree, "locked.c", "int locked;\n")
    _write(tree, "closed/inside.c", "int inside;\n")
    _write(tree, "ok.c", "int ok;\n")
    locked.chmod(0)
    (tree / "closed").chmod(0)
    try:
        proc = run_python(_LIST, str(tree))
    finally:
        locked.chmod(0o644)
        (tree / "closed").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    listed = dict(line.split(" | ", 1) for line in proc.stdout.splitlines())
    assert listed["locked.c"].startswith("unreadable: Permission denied")
    assert listed["closed"].startswith("unreadable folder (Permission denied)")
    assert listed["ok.c"] == ""


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


def test_default_exclusions_are_listed(tmp_path: Path) -> None:
    _write(tmp_path, "a.c", "int a;\n")
    _write(tmp_path, "build/out.c", "int z;\n")
    _write(tmp_path, "x/__pycache__/m.pyc", b"\0")
    _write(tmp_path, "x/mod.ko", b"\0")
    inventory = list_tree(tmp_path)
    assert [e.path for e in inventory.entries] == ["a.c"]
    assert inventory.skipped == ("build/", "x/__pycache__/", "x/mod.ko")


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_tracked_files_are_never_left_out_by_a_default_exclusion(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    for rel in ("build/gen.c", "dist/x.py", "lib/__pycache__/m.py", "drv/.x.d", "drv/m.ko"):
        _write(tmp_path, rel, "int shipped;\n")
    git("add", ".")
    _write(tmp_path, "build/untracked.c", "int u;\n")
    inventory = list_tree(tmp_path)
    assert [e.path for e in inventory.entries] == [
        "build/gen.c", "dist/x.py", "drv/.x.d", "drv/m.ko", "lib/__pycache__/m.py",
    ]  # fmt: skip
    assert inventory.skipped == ("build/untracked.c",)


def test_a_tree_a_thousand_folders_deep_is_walked(tmp_path: Path) -> None:
    chain = [tmp_path]
    for _ in range(1000):
        chain.append(chain[-1] / "d")
        os.mkdir(chain[-1])
    (chain[-1] / "bottom.c").write_text("int bottom;\n")
    try:
        entries = list_files(tmp_path)
        assert [e.path for e in entries] == ["d/" * 1000 + "bottom.c"]
        assert entries[0].sha1
    finally:  # pytest's own clean-up (shutil.rmtree) recurses and would fail on this tree
        (chain[-1] / "bottom.c").unlink()
        for folder in reversed(chain[1:]):
            os.rmdir(folder)


def test_file_names_that_are_not_utf8_are_carried(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.c")
    with open(raw, "wb") as handle:
        handle.write(b"int cafe;\n")
    (entry,) = list_files(tmp_path)
    assert os.fsencode(entry.path) == b"caf\xe9.c" and entry.sha1 and not entry.errors


def test_source_with_stray_nuls_or_utf16_is_text(tmp_path: Path) -> None:
    _write(tmp_path, "nul.c", b"/* VMware Confidential */\n\0int x;\n")
    _write(tmp_path, "wide.c", "\ufeff// x\nint y;\n".encode("utf-16-le"))
    _write(tmp_path, "blob.c", b"\0\x01\x02ELF")
    entries = _by_path(tmp_path)
    assert entries["nul.c"].kind is FileKind.SOURCE  # type: ignore[attr-defined]
    assert entries["wide.c"].kind is FileKind.SOURCE  # type: ignore[attr-defined]
    assert entries["blob.c"].kind is FileKind.BINARY  # type: ignore[attr-defined]
