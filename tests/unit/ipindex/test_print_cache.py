"""The print cache: a print read back equals the print made, keyed by content and parameters."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from openesx_license.ipindex.build import c_family_files
from openesx_license.ipindex.cache import CACHE_FILE, cached_prints
from openesx_license.ipindex.fileprint import print_files


def _entries(tree: Path) -> list[tuple[str, str]]:
    return [
        (p, hashlib.sha1((tree / p).read_bytes()).hexdigest())  # noqa: S324 - content key
        for p in c_family_files(tree)
    ]


def test_cached_prints_equal_fresh_ones_and_are_reused(open_tree: Path, tmp_path: Path) -> None:
    entries = _entries(open_tree)
    fresh = list(print_files(open_tree, [p for p, _ in entries], 25, 8, uses=True))
    first = list(cached_prints(open_tree, entries, 25, 8, uses=True, jobs=1, cache_dir=tmp_path))
    assert first == fresh
    db = sqlite3.connect(tmp_path / CACHE_FILE)
    assert db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == len(entries)
    db.close()
    # the files change on disk; the cache still answers for the content it was given
    for path, _ in entries:
        (open_tree / path).write_text("int changed;\n")
    again = list(cached_prints(open_tree, entries, 25, 8, uses=True, jobs=1, cache_dir=tmp_path))
    assert again == fresh


def test_other_parameters_do_not_share_cache_entries(open_tree: Path, tmp_path: Path) -> None:
    entries = _entries(open_tree)
    list(cached_prints(open_tree, entries, 25, 8, uses=False, jobs=1, cache_dir=tmp_path))
    other = list(cached_prints(open_tree, entries, 20, 8, uses=False, jobs=1, cache_dir=tmp_path))
    assert other == list(print_files(open_tree, [p for p, _ in entries], 20, 8))
    db = sqlite3.connect(tmp_path / CACHE_FILE)
    keys = [row[0] for row in db.execute("SELECT key FROM entries")]
    assert len({key.rsplit("/", 1)[0] for key in keys}) == 2
    db.close()


def test_a_corrupt_cache_file_is_rebuilt(open_tree: Path, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"garbage" * 1000)
    entries = _entries(open_tree)
    got = list(cached_prints(open_tree, entries, 25, 8, uses=False, jobs=1, cache_dir=tmp_path))
    assert [fp.path for fp in got] == [p for p, _ in entries]
