"""The stat cache: an unchanged file is not read again, a changed one always is."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from openesx_license.inventory import list_files, stat_cache, walk


def _write(root: Path, rel: str, text: str, *, age_s: int = 60) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    old = path.stat().st_mtime_ns - age_s * 1_000_000_000
    os.utime(path, ns=(old, old))  # not racy: modified well before it is hashed
    return path


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths the inventory actually read, in order."""
    calls: list[str] = []
    real = walk.hash_file

    def spy(full: str, rel: str, size: int):  # type: ignore[no-untyped-def]
        calls.append(rel)
        return real(full, rel, size)

    monkeypatch.setattr(walk, "hash_file", spy)
    return calls


def test_unchanged_files_are_not_read_and_entries_are_identical(
    tmp_path: Path, hashed: list[str]
) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _write(tree, "a.c", "int a;\n")
    _write(tree, "doc/README", "hello\n")
    first = list_files(tree, cache_dir=cache)
    assert sorted(hashed) == ["a.c", "doc/README"]
    hashed.clear()
    second = list_files(tree, cache_dir=cache)
    assert hashed == []
    assert second == first == list_files(tree)  # same entries with and without the cache


def test_a_changed_file_is_read_again(tmp_path: Path, hashed: list[str]) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _write(tree, "a.c", "int a;\n")
    _write(tree, "b.c", "int b;\n")
    list_files(tree, cache_dir=cache)
    hashed.clear()
    _write(tree, "b.c", "int B;\n", age_s=30)  # same size, other content and times
    entries = {e.path: e for e in list_files(tree, cache_dir=cache)}
    assert hashed == ["b.c"]
    assert entries["b.c"].sha1 == hashlib.sha1(b"int B;\n").hexdigest()


def test_same_size_and_mtime_but_new_inode_is_read_again(tmp_path: Path, hashed: list[str]) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    path = _write(tree, "a.c", "int a;\n")
    list_files(tree, cache_dir=cache)
    hashed.clear()
    st = path.stat()
    replacement = tree / "a.c.new"
    replacement.write_text("int z;\n")
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, path)  # what editors and git checkout do: a new inode
    entries = {e.path: e for e in list_files(tree, cache_dir=cache)}
    assert hashed == ["a.c"]
    assert entries["a.c"].sha1 == hashlib.sha1(b"int z;\n").hexdigest()


def test_recently_modified_files_are_not_remembered(tmp_path: Path, hashed: list[str]) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _write(tree, "fresh.c", "int f;\n", age_s=0)
    list_files(tree, cache_dir=cache)
    list_files(tree, cache_dir=cache)
    assert hashed == ["fresh.c", "fresh.c"]


def test_a_new_inventory_code_digest_reads_nothing_stale(
    tmp_path: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _write(tree, "a.c", "int a;\n")
    list_files(tree, cache_dir=cache)
    monkeypatch.setattr(stat_cache, "source_digest", lambda *modules: "other-code")
    list_files(tree, cache_dir=cache)
    assert hashed == ["a.c", "a.c"]


def test_an_unusable_cache_folder_only_costs_speed(tmp_path: Path, hashed: list[str]) -> None:
    tree = tmp_path / "tree"
    _write(tree, "a.c", "int a;\n")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert [e.path for e in list_files(tree, cache_dir=not_a_folder)] == ["a.c"]
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / stat_cache.CACHE_FILE).write_bytes(b"not sqlite at all" * 100)
    assert [e.path for e in list_files(tree, cache_dir=corrupt)] == ["a.c"]
    hashed.clear()
    assert [e.path for e in list_files(tree, cache_dir=corrupt)] == ["a.c"]
    assert hashed == []  # the corrupt file was replaced by a working cache
