"""Every fault of a cache file is one named warning, a miss and a rebuild (or no cache), never
an exception: corrupt pages, a garbage file, a read-only folder, a locked database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openesx_license._util import kvcache
from openesx_license._util.kvcache import KeyValueCache
from tests.helpers.unprivileged import run_python

NAME = "t.sqlite"


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    kvcache._WARNED.clear()


def _filled(folder: Path, n: int = 3000) -> Path:
    with KeyValueCache(folder, NAME) as cache:
        cache.put_many((f"key-{i}", os.urandom(64)) for i in range(n))
    db = sqlite3.connect(folder / NAME)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / NAME


def test_corrupt_pages_are_named_missed_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _filled(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), 3 * page):  # damage b-tree pages, keep the header
        data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with KeyValueCache(tmp_path, NAME) as cache:
        assert cache.get_many([f"key-{i}" for i in range(3000)]) == {}
        cache.put_many([("fresh", b"1")])
        assert cache.get("fresh") == b"1"
    err = capsys.readouterr().err
    assert f"warning: cache {path}: damaged" in err
    assert "malformed" in err and "rebuilt" in err
    assert "Traceback" not in err and "UserWarning" not in err


def test_a_garbage_file_is_rebuilt_and_named_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / NAME).write_bytes(b"garbage" * 1000)
    with KeyValueCache(tmp_path, NAME) as cache:
        cache.put_many([("a", b"1")])
    with KeyValueCache(tmp_path, NAME) as cache:  # rebuilt for good: the next run is warm
        assert cache.get("a") == b"1"
    err = capsys.readouterr().err
    assert err.count("warning: cache") == 1 and "file is not a database" in err


_READ_ONLY = """
import sys
from pathlib import Path
from openesx_license._util.kvcache import KeyValueCache
from tests.helpers.unprivileged import run_python
with KeyValueCache(Path(sys.argv[1]), "t.sqlite") as cache:
    cache.put_many([("a", b"1")])
    assert cache.get_many(["a"]) == {}, "wrote into a read-only folder"
print("ok")
"""


def test_a_read_only_folder_runs_without_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run_python(_READ_ONLY, str(folder))
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr
    assert f"warning: cache {folder / NAME}:" in proc.stderr
    assert "running without this cache" in proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_that_is_a_file_runs_without_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with KeyValueCache(blocker, NAME) as cache:
        assert not cache.enabled
    assert "cannot create the folder" in capsys.readouterr().err


def test_a_locked_database_is_a_miss_and_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kvcache, "_RETRIES", 2)
    monkeypatch.setattr(kvcache, "BUSY_TIMEOUT", 0.05)
    with KeyValueCache(tmp_path, NAME) as cache:
        cache.put_many([("a", b"1")])
    holder = sqlite3.connect(tmp_path / NAME, timeout=0)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = KeyValueCache(tmp_path, NAME)
        if cache.enabled:  # opened before the lock bit: reads and writes are misses
            assert cache.get_many(["a"]) == {}
            cache.put_many([("b", b"2")])
        cache.close()
    finally:
        holder.rollback()
        holder.close()
    assert "locked" in capsys.readouterr().err
    with KeyValueCache(tmp_path, NAME) as cache:  # not rebuilt: the data is still there
        assert cache.get("a") == b"1"


def test_keys_with_undecodable_file_names_round_trip(tmp_path: Path) -> None:
    odd = os.fsdecode(b"dir/caf\xe9.c")
    with KeyValueCache(tmp_path, NAME) as cache:
        cache.put_many([(odd, b"1"), ("dir/cafe.c", b"2")])
        assert cache.get_many([odd, "dir/cafe.c"]) == {odd: b"1", "dir/cafe.c": b"2"}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, 200_000), st.binary(min_size=1, max_size=512)),
        min_size=1,
        max_size=6,
    ),
    truncate=st.one_of(st.none(), st.integers(0, 200_000)),
)
@example(cuts=[(56, b"\x00\x00\x00\x02")], truncate=None)  # the header says UTF-16
@example(cuts=[(130691, b"\x00")], truncate=None)  # a row with a NULL key (found by this test)
def test_any_damage_is_a_miss_or_a_hit_never_an_error(
    tmp_path_factory: pytest.TempPathFactory,
    cuts: list[tuple[int, bytes]],
    truncate: int | None,
) -> None:
    folder = tmp_path_factory.mktemp("cache")
    path = _filled(folder, 800)
    data = bytearray(path.read_bytes())
    for offset, junk in cuts:
        offset %= max(1, len(data))
        data[offset : offset + len(junk)] = junk
    if truncate is not None:
        del data[truncate % max(1, len(data)) :]
    path.write_bytes(bytes(data))
    with KeyValueCache(folder, NAME) as cache:
        found = cache.get_many([f"key-{i}" for i in range(800)])
        assert all(isinstance(v, bytes) and len(v) == 64 for v in found.values())
        cache.put_many([("after", b"x")])
    with KeyValueCache(folder, NAME) as cache:
        assert cache.get("after") in (b"x", None)
