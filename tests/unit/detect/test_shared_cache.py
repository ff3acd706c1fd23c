"""The shared second-level cache: write-once entries in a folder, read after the local cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from openesx_license.detect.cache import DetectionCache
from openesx_license.detect.shared_cache import SharedCache, TieredCache, entry_name
from openesx_license.errors import UsageError

ENGINE = "e" * 16


def test_entries_round_trip_and_never_change(tmp_path: Path) -> None:
    shared = SharedCache(str(tmp_path / "s"), ENGINE)
    shared.put_many("blocks", {"abc123": [{"expression": "MIT"}]})
    assert shared.get_many("blocks", ["abc123", "missing"]) == {"abc123": [{"expression": "MIT"}]}
    entry = tmp_path / "s" / "v1" / ENGINE / "blocks" / "ab" / "abc123"
    before = entry.stat().st_mtime_ns
    shared.put_many("blocks", {"abc123": [{"expression": "GPL-2.0-only"}]})
    assert entry.stat().st_mtime_ns == before  # written once
    assert SharedCache(str(tmp_path / "s"), ENGINE).get_many("blocks", ["abc123"]) == {
        "abc123": [{"expression": "MIT"}]
    }
    assert not list((tmp_path / "s").rglob("*.tmp"))


def test_another_engine_reads_nothing(tmp_path: Path) -> None:
    SharedCache(str(tmp_path), ENGINE).put_many("groups", {"k1234": {"copyrights": []}})
    assert SharedCache(str(tmp_path), "f" * 16).get_many("groups", ["k1234"]) == {}


def test_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    shared = SharedCache(str(tmp_path), ENGINE)
    shared.put_many("blocks", {"abcd": 1})
    next(tmp_path.rglob("abcd")).write_bytes(b"not zlib")
    assert shared.get_many("blocks", ["abcd"]) == {}


def test_entry_names_are_safe_file_names() -> None:
    assert entry_name("0123abcd:ffee") == "0123abcd_ffee"
    assert len(entry_name("../../etc/passwd")) == 64
    assert len(entry_name(".hidden")) == 64


def test_tiered_cache_copies_shared_hits_into_the_local_one(tmp_path: Path) -> None:
    shared = SharedCache(str(tmp_path / "s"), ENGINE)
    shared.put_many("files", {"f1": {"a": 1}, "f2": {"a": 2}})
    local = DetectionCache(tmp_path / "local", ENGINE)
    local.put_many("files", {"f1": {"a": "local wins"}})
    tiered = TieredCache(local, shared)
    assert tiered.get_many("files", ["f1", "f2", "f3"]) == {
        "f1": {"a": "local wins"},
        "f2": {"a": 2},
    }
    assert local.get_many("files", ["f2"]) == {"f2": {"a": 2}}
    tiered.put_many("files", {"f3": {"a": 3}})
    assert shared.get_many("files", ["f3"]) == {"f3": {"a": 3}}
    tiered.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_unwritable_location_warns_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        shared = SharedCache(str(folder), ENGINE)
        with pytest.warns(UserWarning, match="cannot write"):
            shared.put_many("blocks", {"abcd": 1})
        assert shared.get_many("blocks", ["abcd"]) == {}
    finally:
        folder.chmod(stat.S_IRWXU)


def test_file_in_the_way_warns_and_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    shared = SharedCache(str(blocker), ENGINE)
    with pytest.warns(UserWarning, match="cannot write"):
        shared.put_many("blocks", {"abcd": 1})


def test_url_needs_fsspec_or_a_known_protocol(tmp_path: Path) -> None:
    try:
        import fsspec  # noqa: F401
    except ImportError:
        with pytest.raises(UsageError, match="needs fsspec"):
            SharedCache("memory://cache", ENGINE)
        return
    shared = SharedCache("memory://openesx-test-cache", ENGINE)
    shared.put_many("blocks", {"abcd": [1]})
    assert SharedCache("memory://openesx-test-cache", ENGINE).get_many("blocks", ["abcd"]) == {
        "abcd": [1]
    }
    with pytest.raises(UsageError, match="--shared-cache nosuch://x"):
        SharedCache("nosuch://x", ENGINE)
