"""The fingerprint index as a SQLite file: written once by ``fingerprint``, read by ``audit``.

What it holds, and why none of it is source text:

- ``meta``: format version, normaliser and value-hash versions, hash function, ``k``,
  ``window``, the salt of the symbol hashes, counts, the tool version.
- ``files``: each proprietary file's path (relative to the fingerprinted tree), component, kind
  (source or header), token and line counts. A path locates a copy; it is not code.
- ``fingerprints``: one row per winnowed k-gram: 64-bit hash, file, position of its first token,
  first and last line, a 16-bit hash of its literal values (NULL when they weigh too
  little) and one of its names (NULL when they are all common ones). The hashed k-grams are
  of the *normalised* stream (identifiers, literals abstracted), and only every few are kept,
  so the tokens cannot be recovered; 16 bits of the values or names leave thousands of
  candidates for any guess of them.
- ``symbols``: exported symbols (non-static definitions, ``EXPORT_SYMBOL*``) as 64-bit keyed
  BLAKE2b hashes of their names, salted per index, with the defining file and line. The index
  never spells a symbol out; someone holding a candidate name can still test whether the
  index knows it, which is exactly what matching needs (and what a dictionary attack on
  guessable names could do: names are not secrets this index can keep).

How often a fingerprint occurs in the proprietary tree is not a reason to ignore it: code that
the proprietary tree repeats (generated tests, vendored copies) is still proprietary code, and
a copy of it must be found. Boilerplate is judged on the open side (see
:mod:`openesx_license.ipindex.match`). Indexes of format 1 written before this may hold a
``common`` table; it is not read.

Header names are the ``files`` rows of kind ``header``. The file is written to a temporary
name beside the target and renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openesx_license import __version__
from openesx_license._util.fs import publish, sibling_temp
from openesx_license.csource.lexer import NORMALISER_VERSION
from openesx_license.errors import FingerprintIndexError
from openesx_license.ipindex.fileprint import VALUES_VERSION, FilePrint
from openesx_license.ipindex.winnow import HASH_NAME

#: 2: each fingerprint also holds the hash of its k-gram's literal values; 3: and of its names
FORMAT_VERSION = "3"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, component TEXT NOT NULL,
    kind TEXT NOT NULL, tokens INTEGER NOT NULL, lines INTEGER NOT NULL);
CREATE TABLE fingerprints (
    hash INTEGER NOT NULL, file_id INTEGER NOT NULL, pos INTEGER NOT NULL,
    start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, value INTEGER, names INTEGER);
CREATE TABLE symbols (
    hash INTEGER NOT NULL, file_id INTEGER NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX fingerprints_hash ON fingerprints (hash);
CREATE INDEX symbols_hash ON symbols (hash);
"""
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc", ".def")


@dataclass(frozen=True, kw_only=True)
class IndexParameters:
    """What must agree between an index and the audit that matches against it."""

    k: int
    window: int
    normaliser: str = NORMALISER_VERSION
    values: str = VALUES_VERSION  # which literals count as values, and how they are hashed
    hash: str = HASH_NAME


@dataclass(frozen=True, kw_only=True)
class IndexedFile:
    """A proprietary file as the index knows it."""

    id: int
    path: str
    component: str
    kind: str  # source | header


@dataclass(frozen=True, kw_only=True)
class Posting:
    """One occurrence of a fingerprint in the index."""

    file_id: int
    pos: int
    start_line: int
    end_line: int
    value: int = 0  # hash of the k-gram's literal values (0: they weigh too little)
    names: int = 0  # hash of the k-gram's names (0: only common ones)


def _or_null(hashes: Sequence[int], n: int) -> list[int | None]:
    """A column of 16-bit hashes as stored: 0 (nothing to compare) is NULL."""
    return [h or None for h in hashes] if hashes else [None] * n


def _stored_path(path: str) -> str | bytes:
    """A path as the index stores it: text, or its bytes (a BLOB) when it is not UTF-8."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")
    return path


def _read_path(value: str | bytes) -> str:
    """A path read back from the index (bytes of a non-UTF-8 name as surrogate escapes)."""
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def name_hash(salt: bytes, name: str) -> int:
    """Salted 64-bit hash of a symbol name (signed, as SQLite stores it)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8, key=salt).digest()
    return int.from_bytes(digest, "big", signed=True)


class IndexWriter:
    """Builds an index file (or an in-memory one with ``path=None``) from file prints."""

    def __init__(self, path: Path | None, params: IndexParameters, *, source: str = "") -> None:
        self.path = path
        self.params = params
        self.salt = secrets.token_bytes(16)
        self._tmp: str | None = None
        if path is None:
            self.db = sqlite3.connect(":memory:")
        else:
            parent = path.resolve().parent
            if not parent.is_dir():
                raise FingerprintIndexError(f"{path}: folder {parent} does not exist")
            self._tmp = str(sibling_temp(path))
            os.unlink(self._tmp)
            self.db = sqlite3.connect(self._tmp)
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(_SCHEMA)
        self._files = 0
        self._fingerprints = 0
        meta = {
            "format": FORMAT_VERSION,
            "normaliser": params.normaliser,
            "values": params.values,
            "hash": params.hash,
            "k": str(params.k),
            "window": str(params.window),
            "symbol_hash": "blake2b-64-keyed",
            "salt": self.salt.hex(),
            "tool": f"openesx-license {__version__}",
            "source": source,
        }
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())

    def add(self, fp: FilePrint, component: str) -> None:
        """Add one file's fingerprints, and its exported symbols, under ``component``."""
        kind = "header" if fp.path.lower().endswith(HEADER_SUFFIXES) else "source"
        cur = self.db.execute(
            "INSERT INTO files (path, component, kind, tokens, lines) VALUES (?, ?, ?, ?, ?)",
            (_stored_path(fp.path), component, kind, fp.tokens, fp.lines),
        )
        file_id = cur.lastrowid
        self.db.executemany(
            "INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(
                fp.hashes,
                [file_id] * len(fp.hashes),
                fp.positions,
                fp.start_lines,
                fp.end_lines,
                _or_null(fp.values, len(fp.hashes)),
                _or_null(fp.names, len(fp.hashes)),
                strict=True,
            ),
        )
        symbols = {
            (name_hash(self.salt, d.name), d.line, d.kind) for d in fp.definitions if d.exported
        }
        self.db.executemany(
            "INSERT INTO symbols VALUES (?, ?, ?, ?)",
            [(h, file_id, line, kind) for h, line, kind in sorted(symbols)],
        )
        self._files += 1
        self._fingerprints += len(fp.hashes)

    def finish(self) -> FingerprintIndex:
        """Index the tables, record counts, move the file into place; return it opened."""
        self.db.executescript(_INDEXES)
        self.db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("files", str(self._files)), ("fingerprint_count", str(self._fingerprints))],
        )
        self.db.commit()
        if self.path is None:
            return FingerprintIndex(self.db, "<memory>")
        self.db.close()
        assert self._tmp is not None
        publish(Path(self._tmp), self.path)
        self._tmp = None
        return FingerprintIndex.open(self.path)

    def abort(self) -> None:
        """Drop a half-written index (the target file is left as it was)."""
        self.db.close()
        if self._tmp and os.path.exists(self._tmp):
            os.unlink(self._tmp)


class FingerprintIndex:
    """A readable index: metadata, files, fingerprint postings and symbol hashes."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self.db = db
        self.name = name
        try:
            self.meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            self.files = {
                row[0]: IndexedFile(
                    id=row[0], path=_read_path(row[1]), component=row[2], kind=row[3]
                )
                for row in db.execute("SELECT id, path, component, kind FROM files")
            }
        except sqlite3.DatabaseError as exc:
            raise FingerprintIndexError(f"{name}: not a fingerprint index ({exc})") from exc
        if self.meta.get("format") != FORMAT_VERSION:
            raise FingerprintIndexError(
                f"{name}: index format {self.meta.get('format')!r}, this tool reads "
                f"{FORMAT_VERSION!r}; rebuild it with 'openesx-license fingerprint'"
            )
        self.params = IndexParameters(
            k=int(self.meta["k"]),
            window=int(self.meta["window"]),
            normaliser=self.meta["normaliser"],
            values=self.meta.get("values", "?"),
            hash=self.meta["hash"],
        )
        self.salt = bytes.fromhex(self.meta["salt"])

    @classmethod
    def open(cls, path: Path) -> FingerprintIndex:
        """Open an index file read-only; a missing or foreign file is a FingerprintIndexError."""
        if not path.is_file():
            raise FingerprintIndexError(f"{path}: fingerprint index not found")
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise FingerprintIndexError(f"{path}: cannot open ({exc})") from exc
        return cls(db, str(path))

    @property
    def identity(self) -> str:
        """What names this build of the index: an index is never changed once written, and
        each build draws a new random salt."""
        return f"{self.meta.get('format')}:{self.meta['salt']}:{self.meta.get('fingerprint_count')}"

    @property
    def components(self) -> tuple[str, ...]:
        """The proprietary components the index covers."""
        return tuple(sorted({f.component for f in self.files.values()}))

    def require(self, params: IndexParameters) -> None:
        """Refuse to match with other parameters than the index was built with."""
        mine = self.params
        if mine == params:
            return
        wanted = (
            f"k={params.k}, window={params.window}, normaliser {params.normaliser}, "
            f"values {params.values}"
        )
        built = (
            f"k={mine.k}, window={mine.window}, normaliser {mine.normaliser}, values {mine.values}"
        )
        rebuild = f"'openesx-license fingerprint -k {params.k} --window {params.window}'"
        if (mine.k, mine.window) == (params.k, params.window):
            fix = (
                f"The index was made by another version of openesx-license: rebuild it with "
                f"{rebuild}"
            )
        else:
            fix = (
                f"Set [copied_code] k = {mine.k} and window = {mine.window} in the policy, or "
                f"rebuild the index with {rebuild}"
            )
        raise FingerprintIndexError(
            f"{self.name}: index built with {built}, but the policy's [copied_code] asks for "
            f"{wanted}; fingerprints made with other parameters never match. {fix}"
        )

    def _fill(self, table: str, values: Iterable[int]) -> None:
        """A temporary one-column table ``table`` holding ``values``, to join with. The joins
        say CROSS JOIN: SQLite then walks this small table and looks each value up in the
        index; left to itself (an index has no statistics) it scanned every fingerprint and
        probed this table, half a second per lookup on QEMU's 3.5 M fingerprints."""
        db = self.db
        db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (hash INTEGER PRIMARY KEY)")
        db.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed name of this class
        db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?)", ((h,) for h in values))

    def postings(self, hashes: Iterable[int]) -> dict[int, list[Posting]]:
        """Where each of ``hashes`` occurs in the index (hashes it does not know are absent)."""
        db = self.db
        self._fill("wanted", hashes)
        found: dict[int, list[Posting]] = {}
        rows = db.execute(
            "SELECT f.hash, f.file_id, f.pos, f.start_line, f.end_line, f.value, f.names "
            "FROM wanted w CROSS JOIN fingerprints f ON f.hash = w.hash"
        )
        for h, file_id, pos, start, end, value, names in rows:
            found.setdefault(h, []).append(
                Posting(
                    file_id=file_id,
                    pos=pos,
                    start_line=start,
                    end_line=end,
                    value=value or 0,
                    names=names or 0,
                )
            )
        db.execute("DELETE FROM wanted")
        return found

    def known(self, hashes: Iterable[int]) -> set[int]:
        """Which of ``hashes`` the index holds (without reading where)."""
        db = self.db
        self._fill("wanted", hashes)
        rows = db.execute(
            "SELECT w.hash FROM wanted w WHERE EXISTS "
            "(SELECT 1 FROM fingerprints f WHERE f.hash = w.hash)"
        )
        found = {h for (h,) in rows}
        db.execute("DELETE FROM wanted")
        return found

    def symbols(self, names: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
        """For the names the index exports: (file id, line, kind) of each definition."""
        by_hash = {name_hash(self.salt, n): n for n in names}
        db = self.db
        self._fill("wanted_names", by_hash)
        found: dict[str, list[tuple[int, int, str]]] = {}
        for h, file_id, line, kind in db.execute(
            "SELECT s.hash, s.file_id, s.line, s.kind FROM wanted_names w "
            "CROSS JOIN symbols s ON s.hash = w.hash ORDER BY s.file_id, s.line"
        ):
            found.setdefault(by_hash[h], []).append((file_id, line, kind))
        return found

    def headers(self) -> dict[str, list[IndexedFile]]:
        """Header files by base name (``vmotion_api.h`` -> its indexed files)."""
        out: dict[str, list[IndexedFile]] = {}
        for f in self.files.values():
            if f.kind == "header":
                out.setdefault(f.path.rsplit("/", 1)[-1], []).append(f)
        return out

    def close(self) -> None:
        """Close the database."""
        self.db.close()
