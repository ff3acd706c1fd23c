"""A small key-value store in SQLite for the re-audit caches (stat, copy matches, graph).

Each cache is one table ``entries (key TEXT PRIMARY KEY, data BLOB)`` in its own file of the
cache folder. Keys carry everything that changes a value (the caller's versions and settings,
and :func:`source_digest` of the code that computes it), so a new tool version, changed rules
or other settings never read a stale value. Two processes may share a file: WAL journal, a busy
timeout, and retries when the database is locked. A cache that cannot be opened or written
(read-only folder, corrupt file) only costs speed, and says so on stderr naming the file: reads
then find nothing and writes do nothing; a corrupt file is rebuilt (:class:`KeyValueCache`).
Every SQLite cache of the tool goes through this module.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from openesx_license import __version__
from openesx_license._util.text import console_line

_RETRIES = 8
#: seconds SQLite itself waits for a lock before each of our retries
BUSY_TIMEOUT = 30.0
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


def _locked(exc: Exception) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _unwritable(exc: Exception) -> bool:
    text = str(exc)
    return "readonly" in text or "unable to open" in text or "read-only" in text


def _retrying(action: Callable[[], T]) -> T:
    for attempt in range(_RETRIES):
        try:
            return action()
        except sqlite3.OperationalError as exc:  # noqa: PERF203 - retry while locked
            if not _locked(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


_WARNED: set[tuple[str, str]] = set()
#: what a damaged file can raise through the sqlite3 module: its own errors, and a decoding
#: or range error when the damage reaches the header or a record
_DAMAGE: tuple[type[Exception], ...] = (sqlite3.Error, ValueError, OverflowError)


def cache_warning(path: Path, problem: str, consequence: str) -> None:
    """Say on stderr, once per file and problem in this process, that the cache file ``path``
    has ``problem`` and what the run does about it (``consequence``)."""
    kind = problem.split(":", 1)[0]
    if (str(path), kind) in _WARNED:
        return
    _WARNED.add((str(path), kind))
    line = f"openesx-license: warning: cache {path}: {problem}; {consequence}"
    sys.stderr.write(console_line(line) + "\n")
    sys.stderr.flush()


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _safe_key(key: str) -> str:
    """``key`` as SQLite can store it: a key holding a file name that is not UTF-8 (surrogate
    escapes) is spelled by its bytes, under a prefix no ordinary key has."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raw = key.encode("utf-8", "surrogateescape")
        return "\x00b64:" + base64.b64encode(raw).decode("ascii")
    return key


class KeyValueCache:
    """Blobs by text key in ``folder/name`` (see the module docstring); None folder: disabled.

    Every fault of the file is handled here, once for all the caches: a corrupt or foreign
    file (``file is not a database``, ``database disk image is malformed``, on opening or in
    the middle of a run) is a warning naming the file, a miss, and the file rebuilt empty; a
    file or folder that cannot be written is a warning and the run goes on without the cache;
    a database still locked after the retries is a warning and a miss. Never an exception.
    """

    def __init__(self, folder: Path | None, name: str) -> None:
        self._db: sqlite3.Connection | None = None
        self.path: Path | None = None if folder is None else folder / name
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(f"cannot create the folder: {exc.strerror or exc}")
            return
        self._open()

    def _open(self) -> None:
        path = self.path
        assert path is not None
        try:
            self._db = _retrying(lambda: self._connect(path))
        except _DAMAGE as exc:
            if _locked(exc):
                self._disable(f"locked by another process ({exc})")
            elif _unwritable(exc):
                self._disable(f"cannot be written ({exc})")
            else:
                self._rebuild(exc)
        except OSError as exc:
            self._disable(f"cannot be opened ({exc.strerror or exc})")

    def _disable(self, problem: str) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        if self.path is not None:
            cache_warning(self.path, problem, "running without this cache")

    def _rebuild(self, exc: Exception) -> None:
        """Replace a damaged file by an empty cache (or go without one when that fails)."""
        path = self.path
        assert path is not None
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        try:
            _remove_database(path)
            self._db = _retrying(lambda: self._connect(path))
        except (OSError, sqlite3.Error, ValueError, OverflowError) as again:
            cache_warning(path, f"damaged ({exc})", f"cannot rebuild it ({again}): running without")
            self._db = None
            return
        cache_warning(path, f"damaged ({exc})", "rebuilt empty (this run reads it cold)")

    def _fault(self, exc: Exception, action: str) -> None:
        """Handle an error of a read or write: locked -> a miss; unwritable -> no cache;
        anything else is damage -> rebuild."""
        assert self.path is not None
        if _locked(exc):
            cache_warning(self.path, f"locked by another process ({exc})", f"{action} skipped")
        elif _unwritable(exc):
            self._disable(f"cannot be written ({exc})")
        else:
            self._rebuild(exc)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
            )
            db.execute("SELECT key FROM entries LIMIT 1").fetchall()
        except _DAMAGE:
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
        wanted = {_safe_key(k): k for k in keys}
        found: dict[str, bytes] = {}

        def select(chunk: Sequence[str]) -> list[tuple[str, bytes]]:
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, data FROM entries WHERE key IN ({marks})"
            return _retrying(lambda: db.execute(sql, chunk).fetchall())

        try:
            for chunk in _chunks(sorted(wanted), _CHUNK):
                rows = select(chunk)  # a damaged file may answer rows it was not asked for
                found.update(
                    (wanted[k], v) for k, v in rows if k in wanted and isinstance(v, bytes)
                )
        except _DAMAGE as exc:
            self._fault(exc, "read")
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store ``(key, value)`` pairs in one transaction (errors only cost speed)."""
        rows = [(_safe_key(k), v) for k, v in items]
        if self._db is None or not rows:
            return

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)

        for _attempt in range(2):  # once more into a rebuilt file
            db = self._db
            if db is None:
                return
            try:
                _retrying(functools.partial(write, db))
                return
            except _DAMAGE as exc:
                self._fault(exc, "write")
                if _locked(exc):
                    return

    def delete_like(self, pattern: str, *, keep: str) -> None:
        """Drop the entries whose key matches the SQL LIKE ``pattern``, except ``keep`` (an
        entry superseded by a newer code version, say)."""
        db = self._db
        if db is None:
            return

        def delete() -> None:
            with db:
                db.execute(
                    "DELETE FROM entries WHERE key LIKE ? AND key != ?",
                    (_safe_key(pattern), _safe_key(keep)),
                )

        try:
            _retrying(delete)
        except _DAMAGE as exc:
            self._fault(exc, "clean-up")

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def __enter__(self) -> KeyValueCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
