"""The detection cache: SQLite, two levels, keyed by content hash and engine fingerprint.

- ``files``: a file's sha1 (+ the marker list) -> everything detection learned from its own
  text. A rescan of an unchanged file costs one lookup.
- ``blocks``: a licence block's normalised hash -> ScanCode's detections in it; ``groups``: a
  copyright candidate group's hash -> its statements and holders. An edit below a licence
  header misses the file level but hits the block level, so ScanCode's index is not even
  loaded.

Every key carries :func:`~openesx_license.detect.engine.engine_fingerprint`, so a new ScanCode,
a rebuilt licence index or a new detection version never reads stale results. Concurrent runs
share the file safely: WAL journal, a busy timeout, and retries on a locked database; a
corrupt or unusable cache degrades to no cache with a warning, never to a failed scan.
"""

from __future__ import annotations

import json
import sqlite3
import time
import warnings
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

CACHE_FILE = "detect.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, engine TEXT NOT NULL, data BLOB);
CREATE TABLE IF NOT EXISTS blocks (key TEXT PRIMARY KEY, engine TEXT NOT NULL, data BLOB);
CREATE TABLE IF NOT EXISTS groups (key TEXT PRIMARY KEY, engine TEXT NOT NULL, data BLOB);
"""
_TABLES = ("files", "blocks", "groups")
_RETRIES = 8


def _encode(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def _decode(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


class DetectionCache:
    """Read and write detection results for one engine fingerprint."""

    def __init__(self, directory: Path | None, engine: str) -> None:
        self.engine = engine
        self._db: sqlite3.Connection | None = None
        if directory is None:
            return
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self._db = _open(Path(directory) / CACHE_FILE)
        except (OSError, sqlite3.Error) as exc:
            warnings.warn(
                f"detection cache in {directory} unusable ({exc}): running without it", stacklevel=2
            )
            self._db = None

    @property
    def enabled(self) -> bool:
        """False with ``--no-cache`` or when the cache could not be opened."""
        return self._db is not None

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """Cached values of ``keys`` in ``table`` (missing and stale keys are left out)."""
        assert table in _TABLES
        found: dict[str, Any] = {}
        if self._db is None:
            return found
        wanted = list(dict.fromkeys(keys))
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._run(
                f"SELECT key, data FROM {table} WHERE engine = ? AND key IN ({marks})",
                [self.engine, *chunk],
            )
            for key, blob in rows:
                try:
                    found[key] = _decode(blob)
                except (zlib.error, ValueError):  # noqa: PERF203
                    continue  # a damaged row is a miss
        return found

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Store ``items`` (key -> JSON-ready value) in ``table`` in one transaction."""
        assert table in _TABLES
        if self._db is None or not items:
            return
        rows = [(key, self.engine, _encode(value)) for key, value in items.items()]
        self._run_many(f"INSERT OR REPLACE INTO {table} (key, engine, data) VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        """Close the database (the WAL is checkpointed by SQLite)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _run(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        for attempt in range(_RETRIES):
            try:
                assert self._db is not None
                return self._db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:  # noqa: PERF203 - retry when locked
                if not _locked(exc) or attempt == _RETRIES - 1:
                    self._give_up(exc)
                    return []
                time.sleep(0.05 * 2**attempt)
        return []

    def _run_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        for attempt in range(_RETRIES):
            try:
                assert self._db is not None
                with self._db:
                    self._db.executemany(sql, rows)
                return
            except sqlite3.OperationalError as exc:  # noqa: PERF203 - retry when locked
                if not _locked(exc) or attempt == _RETRIES - 1:
                    self._give_up(exc)
                    return
                time.sleep(0.05 * 2**attempt)

    def _give_up(self, exc: Exception) -> None:
        warnings.warn(f"detection cache error ({exc}): going on without it", stacklevel=3)
        self.close()


def _open(path: Path) -> sqlite3.Connection:
    """Open the cache and set it up, retrying while another process holds the lock.

    Switching a new database to WAL can fail with "database is locked" at once, without
    SQLite's busy handler, when two processes create it together; the caller would then run
    without a cache.
    """
    for attempt in range(_RETRIES):
        db = sqlite3.connect(str(path), timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if not _locked(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
