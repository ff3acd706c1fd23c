"""A second-level detection cache for a fleet: write-once entries in a shared folder or URL.

``--shared-cache LOCATION`` names a folder on shared storage (NFS, SMB, a bind mount) or,
with the optional ``fsspec`` installed, any fsspec URL (``s3://bucket/openesx``,
``gcs://...``, ``file:///...``). Every entry is one object::

    LOCATION/v1/<engine fingerprint>/<table>/<key[:2]>/<key>

holding the zlib-compressed JSON of the value the local cache would hold. The key is a
content hash (of a file plus the marker list, of a licence block, of a copyright group) and
the engine fingerprint names the ScanCode version, the detection version and the licence
index build, so an entry's value can never change: entries are written once (to a temporary
name, then renamed; an object store writes an object whole) and never rewritten, and many
machines share the location without locks. Readers only ever see whole entries.

The local SQLite cache stays first: :class:`TieredCache` asks it, then the shared location
for what it missed, and copies shared hits into the local cache. A shared location that
cannot be read or written only costs speed: a warning, then the run goes on without it.
"""

from __future__ import annotations

import json
import os
import re
import uuid
import warnings
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from openesx_license.errors import UsageError

LAYOUT = "v1"
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]{4,200}")


class DetectionStore(Protocol):
    """What the scan needs of a cache: the interface of ``DetectionCache``."""

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """Cached values of ``keys`` in ``table``."""

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Store ``items`` in ``table``."""

    def close(self) -> None:
        """Release the cache."""


def entry_name(key: str) -> str:
    """The file name of ``key``: the key itself when it is a safe file name (``:`` becomes
    ``_``), else its SHA-256."""
    name = key.replace(":", "_")
    if _SAFE_KEY.fullmatch(name) and not name.startswith("."):
        return name
    import hashlib

    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def _is_url(location: str) -> bool:
    return "://" in location


class SharedCache:
    """Write-once entries of one engine fingerprint under ``location`` (see the module
    docstring). Raises :class:`UsageError` for a URL when ``fsspec`` is missing or does not
    know its protocol."""

    def __init__(self, location: str, engine: str) -> None:
        self.location = location
        self._fs: Any = None
        self._enabled = True
        if _is_url(location):
            try:
                import fsspec
            except ImportError:
                raise UsageError(
                    f"--shared-cache {location}: a URL needs fsspec "
                    "(pip install fsspec, plus the package of its protocol); "
                    "a plain folder path needs nothing"
                ) from None
            try:
                self._fs, root = fsspec.core.url_to_fs(location)
            except (ImportError, ValueError) as exc:
                raise UsageError(f"--shared-cache {location}: {exc}") from None
            self._root = f"{str(root).rstrip('/')}/{LAYOUT}/{engine}"
        else:
            self._root = str(Path(location) / LAYOUT / engine)

    def _path(self, table: str, key: str) -> str:
        name = entry_name(key)
        return f"{self._root}/{table}/{name[:2]}/{name}"

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """The entries of ``keys`` in ``table`` that exist (unreadable ones are misses)."""
        if not self._enabled:
            return {}
        paths = {self._path(table, key): key for key in dict.fromkeys(keys)}
        if not paths:
            return {}
        try:
            blobs = self._read(list(paths))
        except Exception as exc:  # noqa: BLE001 - any storage error only costs speed
            self._give_up("read", exc)
            return {}
        found: dict[str, Any] = {}
        for path, blob in blobs.items():
            try:
                found[paths[path]] = json.loads(zlib.decompress(blob))
            except (zlib.error, ValueError):  # noqa: PERF203 - a damaged entry is a miss
                continue
        return found

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Write the entries of ``items`` that do not exist yet (existing ones never change)."""
        if not self._enabled or not items:
            return
        try:
            for key, value in items.items():
                blob = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)
                self._write_once(self._path(table, key), blob)
        except Exception as exc:  # noqa: BLE001 - any storage error only costs speed
            self._give_up("write", exc)

    def close(self) -> None:
        """Nothing to release (kept for the cache interface)."""

    def _read(self, paths: list[str]) -> dict[str, bytes]:
        if self._fs is not None:
            found = self._fs.cat(paths, on_error="omit")
            return {p.split("://", 1)[-1]: b for p, b in found.items()} if found else {}
        out: dict[str, bytes] = {}
        for path in paths:
            try:
                out[path] = Path(path).read_bytes()
            except FileNotFoundError:  # noqa: PERF203 - a miss
                continue
        return out

    def _write_once(self, path: str, blob: bytes) -> None:
        folder, name = path.rsplit("/", 1)
        temp = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
        if self._fs is None:
            if os.path.exists(path):
                return
            os.makedirs(folder, exist_ok=True)
            with open(temp, "wb") as fh:
                fh.write(blob)
            os.replace(temp, path)  # atomic: a reader sees no entry or the whole entry
            return
        if self._fs.exists(path):
            return
        protocols = (
            self._fs.protocol if isinstance(self._fs.protocol, tuple) else (self._fs.protocol,)
        )
        if {"file", "local"} & set(protocols):
            self._fs.makedirs(folder, exist_ok=True)
            self._fs.pipe_file(temp, blob)
            self._fs.mv(temp, path)
        else:  # an object store writes an object whole: no temporary name needed
            self._fs.pipe_file(path, blob)

    def _give_up(self, action: str, exc: Exception) -> None:
        warnings.warn(
            f"shared cache {self.location}: cannot {action} ({type(exc).__name__}: {exc}); "
            "going on without it",
            stacklevel=3,
        )
        self._enabled = False


class TieredCache:
    """The local cache first, then the shared one; shared hits are copied into the local
    cache and new results go to both."""

    def __init__(self, local: DetectionStore, shared: DetectionStore) -> None:
        self.local = local
        self.shared = shared

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """Local hits, plus shared hits for the local misses (copied into the local cache)."""
        wanted = list(dict.fromkeys(keys))
        found = self.local.get_many(table, wanted)
        missing = [k for k in wanted if k not in found]
        if missing:
            remote = self.shared.get_many(table, missing)
            if remote:
                self.local.put_many(table, remote)
                found.update(remote)
        return found

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Store ``items`` in both caches."""
        self.local.put_many(table, items)
        self.shared.put_many(table, items)

    def close(self) -> None:
        """Close both caches."""
        self.local.close()
        self.shared.close()
