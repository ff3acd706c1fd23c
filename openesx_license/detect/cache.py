"""The detection cache: three levels, keyed by content hash and engine fingerprint.

- ``files``: a file's sha1 (+ the marker list) -> everything detection learned from its own
  text. A rescan of an unchanged file costs one lookup.
- ``blocks``: a licence block's normalised hash -> ScanCode's detections in it; ``groups``: a
  copyright candidate group's hash -> its statements and holders. An edit below a licence
  header misses the file level but hits the block level, so ScanCode's index is not even
  loaded.

Every key carries :func:`~openesx_license.detect.engine.engine_fingerprint`, so a new ScanCode,
a rebuilt licence index or a new detection version never reads stale results. The store is a
:class:`~openesx_license._util.kvcache.KeyValueCache` (``detect.sqlite`` of the cache folder):
concurrent runs share it, and a corrupt, locked or read-only file is a warning naming it and a
miss (rebuilt when damaged), never a failed scan.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openesx_license._util.kvcache import KeyValueCache

CACHE_FILE = "detect.sqlite"
_TABLES = ("files", "blocks", "groups")


def _encode(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def _decode(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


class DetectionCache:
    """Read and write detection results for one engine fingerprint (None folder: disabled)."""

    def __init__(self, directory: Path | None, engine: str) -> None:
        self.engine = engine
        self._store = KeyValueCache(Path(directory), CACHE_FILE) if directory else None

    @property
    def enabled(self) -> bool:
        """False with ``--no-cache`` or when the cache could not be opened."""
        return self._store is not None and self._store.enabled

    def _key(self, table: str, key: str) -> str:
        assert table in _TABLES
        return f"{table}/{self.engine}/{key}"

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """Cached values of ``keys`` in ``table`` (missing, stale and damaged keys left out)."""
        if self._store is None:
            return {}
        wanted = {self._key(table, k): k for k in dict.fromkeys(keys)}
        found: dict[str, Any] = {}
        for stored, blob in self._store.get_many(wanted).items():
            try:
                found[wanted[stored]] = _decode(blob)
            except (zlib.error, ValueError):  # noqa: PERF203
                continue  # a damaged row is a miss
        return found

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Store ``items`` (key -> JSON-ready value) in ``table`` in one transaction."""
        if self._store is None or not items:
            return
        self._store.put_many((self._key(table, k), _encode(v)) for k, v in items.items())

    def close(self) -> None:
        """Close the database."""
        if self._store is not None:
            self._store.close()
