"""Skip re-reading unchanged files: the inventory entry of a file, keyed by its ``stat``.

A re-audit lists the whole tree again; hashing 20,000 files costs seconds even when nothing
changed. Like git's index, this cache remembers, per file of one root, the size, modification
and change times (nanoseconds) and inode it had when it was hashed, with the entry it gave
(sha1, kind, language, errors). When all four are unchanged the entry is reused, else the file
is read again. A file modified in the last seconds before it was hashed is not remembered (a
second write within the file system's timestamp granularity could keep its times: git's
"racily clean" problem). Only entries of readable files are kept.

One value per root (its real path) in ``inventory-stat.sqlite`` of the cache folder, under a
key with the inventory code's digest: a change to the hashing or the classification reads
nothing stale.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

from openesx_license._util.kvcache import KeyValueCache, source_digest
from openesx_license.model import FileEntry, FileKind

CACHE_FILE = "inventory-stat.sqlite"
#: a file modified this recently when it was hashed may change again with the same times
RACY_NS = 2_000_000_000

_Stamp = tuple[int, int, int, int]


def _stamp(st: os.stat_result) -> _Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class StatCache:
    """The stat cache of one root; ``folder=None`` disables it (every file is hashed)."""

    def __init__(self, folder: Path | None, root_real: str) -> None:
        self._store = KeyValueCache(folder, CACHE_FILE) if folder is not None else None
        self._old: dict[str, list[Any]] = {}
        self._new: dict[str, list[Any]] = {}
        self._key = ""
        self._changed = False
        if self._store is None or not self._store.enabled:
            return
        code = source_digest(
            "openesx_license.inventory.walk",
            "openesx_license.inventory.classify",
            __name__,
        )
        self._key = f"stat:{code}:{root_real}"
        blob = self._store.get(self._key)
        if blob is not None:
            try:
                self._old = json.loads(zlib.decompress(blob))
            except (zlib.error, ValueError):
                self._old = {}

    def get(self, rel: str, st: os.stat_result) -> FileEntry | None:
        """The entry recorded for ``rel`` if its stat is unchanged, else None."""
        row = self._old.get(rel)
        if row is None or tuple(row[:4]) != _stamp(st):
            return None
        self._new[rel] = row
        size, _, _, _, sha1, kind, language, errors = row
        return FileEntry(
            path=rel,
            size=size,
            sha1=sha1,
            kind=FileKind(kind),
            language=language,
            errors=tuple(errors),
        )

    def put(self, entry: FileEntry, st: os.stat_result) -> None:
        """Remember ``entry`` (hashed from a file with stat ``st``) unless it is racy or an
        error entry."""
        if self._store is None or not entry.sha1:
            return
        now = time.time_ns()
        if now - st.st_mtime_ns < RACY_NS:
            return
        self._changed = True
        self._new[entry.path] = [
            *_stamp(st),
            entry.sha1,
            entry.kind.value,
            entry.language,
            list(entry.errors),
        ]

    def close(self) -> None:
        """Write what this listing learned (when it differs from what was read) and close."""
        if self._store is None:
            return
        if self._key and (self._changed or len(self._new) != len(self._old)):
            blob = zlib.compress(json.dumps(self._new, separators=(",", ":")).encode(), 1)
            self._store.put_many([(self._key, blob)])
        self._store.close()
        self._store = None

    def __enter__(self) -> StatCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
