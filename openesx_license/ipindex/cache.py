"""A local cache of file prints, keyed by content SHA-1, so a re-audit does not re-tokenize.

One SQLite file, ``ipindex-prints.sqlite`` in the detection cache folder. It caches the
winnowed print (fingerprints, includes, definitions, used names) of the audited tree's own
files; it is a private cache of the user's tree, never shared (the shareable index is
:mod:`openesx_license.ipindex.store`). The key includes everything that changes a print:
normaliser and hash versions, ``k``, ``window``, the low-information bar and the versions of
the literal-value hashes and of the definitions recogniser.
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.kvcache import KeyValueCache
from openesx_license.csource.definitions import DEFINITIONS_VERSION, Definition
from openesx_license.csource.lexer import NORMALISER_VERSION, Include
from openesx_license.ipindex.fileprint import (
    LOW_INFORMATION,
    VALUES_VERSION,
    FilePrint,
    print_file,
    print_files,
)
from openesx_license.ipindex.winnow import HASH_NAME

CACHE_FILE = "ipindex-prints.sqlite"


def _encode(fp: FilePrint) -> bytes:
    head = json.dumps(
        {
            "tokens": fp.tokens,
            "lines": fp.lines,
            "includes": [[i.name, i.line, i.system] for i in fp.includes],
            "definitions": [[d.name, d.line, d.kind, d.static] for d in fp.definitions],
            "used": fp.used,
            "n": len(fp.hashes),
        }
    ).encode()
    arrays = b"".join(
        array("q", a).tobytes()
        for a in (fp.hashes, fp.positions, fp.start_lines, fp.end_lines, fp.values, fp.names)
    )
    return zlib.compress(len(head).to_bytes(4, "big") + head + arrays, 1)


def _decode(path: str, blob: bytes) -> FilePrint:
    data = zlib.decompress(blob)
    size = int.from_bytes(data[:4], "big")
    head = json.loads(data[4 : 4 + size])
    n = head["n"]
    body = data[4 + size :]
    parts = [array("q", body[i * 8 * n : (i + 1) * 8 * n]) for i in range(6)]
    return FilePrint(
        path=path,
        hashes=parts[0],
        positions=array("l", parts[1]),
        start_lines=array("l", parts[2]),
        end_lines=array("l", parts[3]),
        values=parts[4],
        names=parts[5],
        tokens=head["tokens"],
        lines=head["lines"],
        includes=tuple(Include(name=a, line=b, system=c) for a, b, c in head["includes"]),
        definitions=tuple(
            Definition(name=a, line=b, kind=c, static=d) for a, b, c, d in head["definitions"]
        ),
        used=head["used"],
    )


def decoded(path: str, blob: bytes) -> FilePrint | None:
    """A stored print of ``path``; None for a damaged entry."""
    try:
        return _decode(path, blob)
    except (zlib.error, ValueError, KeyError, TypeError, IndexError):
        return None


class PrintCache:
    """Prints by content SHA-1 in a :class:`~openesx_license._util.kvcache.KeyValueCache`
    (a damaged, locked or read-only cache file is a warning and a miss, never fatal)."""

    def __init__(self, folder: Path, k: int, window: int, *, uses: bool) -> None:
        self.key = (
            f"{NORMALISER_VERSION}/{HASH_NAME}/k{k}/w{window}/l{LOW_INFORMATION}/u{uses:d}"
            f"/v{VALUES_VERSION}/d{DEFINITIONS_VERSION}"
        )
        self._store = KeyValueCache(folder, CACHE_FILE)
        self._fresh: list[tuple[str, bytes]] = []

    def get_many(self, files: Sequence[tuple[str, str]]) -> dict[str, FilePrint]:
        """The cached prints of ``files`` ((path, sha1) pairs) by path; a damaged entry is a
        miss."""
        out: dict[str, FilePrint] = {}
        for path, blob in self.blobs(files).items():
            fp = decoded(path, blob)
            if fp is not None:
                out[path] = fp
        return out

    def blobs(self, files: Sequence[tuple[str, str]]) -> dict[str, bytes]:
        """The stored (compressed) prints of ``files`` ((path, sha1) pairs) by path, to be
        :func:`decoded` one at a time: a Linux-size tree's prints decoded at once would
        take gigabytes."""
        found = self._store.get_many(f"{self.key}/{sha1}" for _, sha1 in files)
        out: dict[str, bytes] = {}
        for path, sha1 in files:
            blob = found.get(f"{self.key}/{sha1}")
            if blob is not None:
                out[path] = blob
        return out

    def put(self, sha1: str, fp: FilePrint) -> None:
        """Remember a print (not an erroneous one: the file may be readable next time)."""
        if fp.error is None:
            self._fresh.append((f"{self.key}/{sha1}", _encode(fp)))

    def close(self) -> None:
        """Write what was remembered and close."""
        self._store.put_many(self._fresh)
        self._fresh = []
        self._store.close()


def cached_prints(
    root: Path,
    files: Sequence[tuple[str, str]],
    k: int,
    window: int,
    *,
    uses: bool,
    jobs: int,
    cache_dir: Path | None,
    executor: ExecutorSpec | None = None,
) -> Iterator[FilePrint]:
    """Prints of ``files`` ((path, sha1) pairs), from the cache where the content was seen;
    without ``cache_dir`` every file is printed afresh. Input order is kept. The files to
    print are printed on ``executor``'s Dask cluster when it is one."""
    if cache_dir is None:
        yield from print_files(
            root, [p for p, _ in files], k, window, uses=uses, jobs=jobs, executor=executor
        )
        return
    cache = PrintCache(cache_dir, k, window, uses=uses)
    try:
        stored = cache.blobs(files)  # decoded as they are given out
        missing = [(p, s) for p, s in files if p not in stored]
        fresh = iter(
            print_files(
                root, [p for p, _ in missing], k, window, uses=uses, jobs=jobs, executor=executor
            )
        )
        for path, sha1 in files:
            blob = stored.pop(path, None)
            fp = decoded(path, blob) if blob is not None else None
            if fp is None:  # not stored, or a damaged entry: printed afresh
                fp = next(fresh) if blob is None else print_file(root, path, k, window, uses=uses)
                cache.put(sha1, fp)
            yield fp
    finally:
        cache.close()
