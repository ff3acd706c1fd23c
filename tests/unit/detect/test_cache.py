"""The SQLite detection cache: engine-keyed, damaged-file tolerant, safe under concurrency."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from openesx_license._util.run import default_cache_dir
from openesx_license.detect.cache import CACHE_FILE, DetectionCache


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "openesx-license"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "openesx-license"


def test_round_trip_and_engine_isolation(tmp_path: Path) -> None:
    cache = DetectionCache(tmp_path, "engine-1")
    cache.put_many("blocks", {"k1": [{"expression": "MIT"}], "k2": []})
    assert cache.get_many("blocks", ["k1", "k2", "k3"]) == {"k1": [{"expression": "MIT"}], "k2": []}
    assert cache.get_many("files", ["k1"]) == {}
    cache.close()
    # another engine (new ScanCode, rebuilt index, new detection version) sees nothing
    other = DetectionCache(tmp_path, "engine-2")
    assert other.get_many("blocks", ["k1", "k2"]) == {}
    other.close()


def test_disabled_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    cache = DetectionCache(None, "engine-1")
    assert not cache.enabled
    cache.put_many("files", {"a": 1})
    assert cache.get_many("files", ["a"]) == {}
    assert not list(tmp_path.iterdir())


def test_a_damaged_cache_file_is_named_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    cache = DetectionCache(tmp_path, "engine-1")
    assert cache.get_many("files", ["a"]) == {}
    cache.put_many("files", {"a": 1})
    assert cache.get_many("files", ["a"]) == {"a": 1}
    cache.close()
    err = capsys.readouterr().err
    assert f"warning: cache {tmp_path / CACHE_FILE}: damaged" in err and "rebuilt" in err


def _writer(args: tuple[str, int]) -> int:
    folder, n = args
    cache = DetectionCache(Path(folder), "engine-1")
    for i in range(40):
        cache.put_many("groups", {f"w{n}-{i}-{j}": {"copyrights": [[n, i, j]]} for j in range(25)})
        cache.get_many("groups", [f"w{1 - n}-{i}-0"])
    cache.close()
    return n


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert sorted(pool.map(_writer, [(str(tmp_path), 0), (str(tmp_path), 1)])) == [0, 1]
    cache = DetectionCache(tmp_path, "engine-1")
    keys = [f"w{n}-{i}-{j}" for n in (0, 1) for i in range(40) for j in range(25)]
    found = cache.get_many("groups", keys)
    assert len(found) == len(keys) == 2000
    assert found["w1-39-24"] == {"copyrights": [[1, 39, 24]]}
