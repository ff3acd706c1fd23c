"""A small key-value store in SQLite for the re-audit caches (stat, copy matches, graph).

Each cache is one table ``entries (key TEXT PRIMARY KEY, data BLOB)`` in its own file of the
cache folder. Keys carry everything that changes a value (the caller's versions and settings,
and :func:`source_digest` of the code that computes it), so a new tool version, changed rules
or other settings never read a stale value. Two processes may share a file: WAL journal, a busy
timeout, and retries when the database is locked. A cache that cannot be opened or written
(read-only folder, corrupt file) only costs speed: reads then find nothing and writes do
nothing; a corrupt file is replaced.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from openesx_license import __version__

_RETRIES = 8
_CHUNK = 500
T = TypeVar("T")


def source_digest(*modules: str) -> str:
    """A short digest of the tool version and the source files of ``modules`` (dotted names,
    already imported): a cache key part that changes whenever the code computing a value does,
    even when nobody remembers to bump a version constant."""
    digest = hashlib.sha256(__version__.encode())
    for name in modules:
        module = sys.modules[name]
        path = getattr(module, "__file__", None)
        digest.update(name.encode())
        if path:
            try:
                digest.update(Path(path).read_bytes())
            except OSError:
                digest.update(b"?")
    return digest.hexdigest()[:16]


def parts_digest(parts: Iterable[str]) -> str:
    """SHA-256 (hex) of ``parts`` in the order given, each ended by a NUL byte."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _retrying(action: Callable[[], T]) -> T:
    for attempt in range(_RETRIES):
        try:
            return action()
        except sqlite3.OperationalError as exc:  # noqa: PERF203 - retry while locked
            if not _locked(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


class KeyValueCache:
    """Blobs by text key in ``folder/name`` (see the module docstring); None folder: disabled."""

    def __init__(self, folder: Path | None, name: str) -> None:
        self._db: sqlite3.Connection | None = None
        if folder is None:
            return
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = _retrying(lambda: self._connect(path))
        except sqlite3.DatabaseError:
            try:  # not a database (or a foreign one): start afresh
                path.unlink(missing_ok=True)
                self._db = _retrying(lambda: self._connect(path))
            except (OSError, sqlite3.Error):
                self._db = None
        except OSError:
            self._db = None

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(str(path), timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
            )
            db.execute("SELECT key FROM entries LIMIT 1").fetchall()
        except sqlite3.Error:
            db.close()
            raise
        return db

    @property
    def enabled(self) -> bool:
        """Whether the cache is usable."""
        return self._db is not None

    def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or None."""
        found = self.get_many([key])
        return found.get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The values stored under ``keys`` (missing keys are absent)."""
        db = self._db
        if db is None:
            return {}
        found: dict[str, bytes] = {}

        def select(chunk: Sequence[str]) -> list[tuple[str, bytes]]:
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, data FROM entries WHERE key IN ({marks})"
            return _retrying(lambda: db.execute(sql, chunk).fetchall())

        try:
            for chunk in _chunks(sorted(set(keys)), _CHUNK):
                found.update(select(chunk))
        except sqlite3.Error:
            pass  # an unreadable cache only costs speed
        return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store ``(key, value)`` pairs in one transaction (errors only cost speed)."""
        db = self._db
        rows = list(items)
        if db is None or not rows:
            return

        def write() -> None:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)

        try:
            _retrying(write)
        except sqlite3.Error:
            pass

    def delete_like(self, pattern: str, *, keep: str) -> None:
        """Drop the entries whose key matches the SQL LIKE ``pattern``, except ``keep`` (an
        entry superseded by a newer code version, say)."""
        db = self._db
        if db is None:
            return

        def delete() -> None:
            with db:
                db.execute("DELETE FROM entries WHERE key LIKE ? AND key != ?", (pattern, keep))

        try:
            _retrying(delete)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> KeyValueCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
