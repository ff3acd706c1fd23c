"""The re-audit caches' SQLite store: values round-trip, two processes share it, damage is no
failure, and the code digest follows the code."""

from __future__ import annotations

import multiprocessing
import sys
import types
from pathlib import Path

from openesx_license._util.kvcache import KeyValueCache, source_digest


def test_values_round_trip_and_missing_keys_are_absent(tmp_path: Path) -> None:
    with KeyValueCache(tmp_path / "c", "t.sqlite") as cache:
        cache.put_many([(f"k{n}", bytes([n % 256]) * 3) for n in range(1200)])
    with KeyValueCache(tmp_path / "c", "t.sqlite") as cache:
        found = cache.get_many([f"k{n}" for n in range(0, 1300, 7)])
        assert found == {f"k{n}": bytes([n % 256]) * 3 for n in range(0, 1200, 7)}
        assert cache.get("nope") is None


def _writer(folder: str, start: int) -> None:
    with KeyValueCache(Path(folder), "t.sqlite") as cache:
        for n in range(start, start + 200, 10):
            cache.put_many([(f"k{m}", b"v") for m in range(n, n + 10)])


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), s)) for s in (0, 1000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with KeyValueCache(tmp_path, "t.sqlite") as cache:
        keys = [f"k{n}" for n in [*range(200), *range(1000, 1200)]]
        assert len(cache.get_many(keys)) == 400


def test_a_corrupt_or_unusable_cache_only_costs_speed(tmp_path: Path) -> None:
    (tmp_path / "t.sqlite").write_bytes(b"garbage" * 1000)
    with KeyValueCache(tmp_path, "t.sqlite") as cache:
        assert cache.enabled and cache.get_many(["a"]) == {}
        cache.put_many([("a", b"1")])
        assert cache.get("a") == b"1"
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with KeyValueCache(blocker, "t.sqlite") as cache:
        assert not cache.enabled
        cache.put_many([("a", b"1")])
        assert cache.get_many(["a"]) == {}
    assert not KeyValueCache(None, "t.sqlite").enabled


def test_source_digest_changes_with_the_code(tmp_path: Path) -> None:
    module = types.ModuleType("oesx_digest_probe")
    module.__file__ = str(tmp_path / "probe.py")
    Path(module.__file__).write_text("X = 1\n")
    sys.modules[module.__name__] = module
    try:
        before = source_digest(module.__name__)
        assert source_digest(module.__name__) == before
        Path(module.__file__).write_text("X = 2\n")
        assert source_digest(module.__name__) != before
    finally:
        del sys.modules[module.__name__]
