"""Gathering per-file facts: from the SQLite cache when the content was seen, else by reading.

The cache is one SQLite file, ``graph-facts.sqlite`` in the cache folder, keyed by extractor
version, reader and the content's SHA-1 (taken from the inventory's
:class:`~openesx_license.model.FileRecord`, so a warm run reads no file at all). Values are
zlib-compressed JSON (:func:`.facts.facts_to_json`; compressed by the worker that extracted
them, so that the client process only decompresses and decodes), in a
:class:`~openesx_license._util.kvcache.KeyValueCache`: a corrupt, locked or read-only cache file
is a warning naming it and a miss (rebuilt when damaged), never fatal. Cold runs spread the
reading over at most ``jobs`` worker processes, or, with a Dask ``executor``, read the files
here and send their bytes to the cluster in chunks (:func:`extract_chunk`: the workers need
not see the tree); only cache misses are sent, and the results land in this cache as a local
run's do.
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from openesx_license._util.executor import ExecutorSpec, run_chunks
from openesx_license._util.kvcache import KeyValueCache
from openesx_license._util.procs import worker_pool
from openesx_license._util.progress import StageProgress, counted
from openesx_license._util.run import default_cache_dir
from openesx_license.csource.definitions import DEFINITIONS_VERSION
from openesx_license.graph.facts import (
    EXTRACTOR_VERSION,
    FileFacts,
    extract_facts,
    facts_from_json,
    facts_to_json,
    reader_for,
)
from openesx_license.inventory.textcodec import decode_text
from openesx_license.model import FileKind, FileRecord

CACHE_FILE = "graph-facts.sqlite"
_MAX_SIZE = 16 * 1024 * 1024  # bigger files are generated data, not code worth reading
_PARALLEL_FROM = 400  # fewer files to read than this: not worth starting workers
#: a Dask task's share: at most this many files or bytes (whichever comes first)
_REMOTE_FILES = 200
_REMOTE_BYTES = 8 * 1024 * 1024
#: the prefix of the Dask task keys of this stage (the scheduler's task stream shows them)
TASK_NAME = "openesx-graph-facts"


@dataclass(frozen=True, kw_only=True)
class FactsStats:
    """What gathering the facts did (kept on the graph as ``graph.graph['facts']``)."""

    files: int  # files a reader applies to
    cached: int  # answered from the cache
    read: int  # read and extracted in this run
    skipped: int  # binary, too large or unreadable
    workers: int


def _decode(blob: bytes) -> FileFacts | None:
    try:
        return facts_from_json(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


class FactsCache:
    """The facts cache (see the module docstring) over a
    :class:`~openesx_license._util.kvcache.KeyValueCache`, which handles every fault."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CACHE_FILE
        self._store = KeyValueCache(folder, CACHE_FILE)

    @staticmethod
    def key(reader: str, sha1: str) -> str:
        """The cache key of one file's facts."""
        return f"{EXTRACTOR_VERSION}/d{DEFINITIONS_VERSION}:{reader}:{sha1}"

    def get_many(self, keys: Sequence[str]) -> dict[str, FileFacts]:
        """The cached facts among ``keys`` (unreadable entries are treated as missing)."""
        found: dict[str, FileFacts] = {}
        for key, blob in self._store.get_many(keys).items():
            facts = _decode(blob)
            if facts is not None:
                found[key] = facts
        return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store ``(key, compressed facts JSON)`` pairs (:func:`compress_facts`) in one
        transaction."""
        self._store.put_many(items)

    def close(self) -> None:
        """Close the database."""
        self._store.close()


def _read(absolute: str) -> bytes | None:
    """A file's bytes; None when it cannot be read or is too large."""
    try:
        with open(absolute, "rb") as handle:
            data = handle.read(_MAX_SIZE + 1)
    except OSError:
        return None
    return data if len(data) <= _MAX_SIZE else None


def compress_facts(facts: FileFacts) -> bytes:
    """A file's facts as the cache stores them: zlib-compressed JSON."""
    return zlib.compress(facts_to_json(facts).encode("utf-8"), 6)


def _read_and_extract(task: tuple[str, str, str]) -> tuple[str, bytes | None]:
    """Worker: ``(path, reader, absolute path)`` -> ``(path, compressed facts JSON or None if
    skipped)``."""
    path, reader, absolute = task
    return _extract(path, reader, _read(absolute))


#: how a worker hands facts back (zlib-compressed JSON bytes since 2026-12-07; text before):
#: part of the identity a Dask worker must share with the client
_WIRE_FORMAT = "zlib-json"


def extractor_identity() -> str:
    """What fixes a file's facts and how they travel: the extractor and definitions versions
    and the wire format (a Dask worker must run the same as the client)."""
    return f"{EXTRACTOR_VERSION}/d{DEFINITIONS_VERSION}/{_WIRE_FORMAT}"


def extract_chunk(chunk: list[tuple[str, str, bytes]]) -> list[tuple[str, bytes | None]]:
    """Dask task: ``(path, reader, bytes)`` triples -> ``(path, compressed facts JSON or
    None)``."""
    return [_extract(path, reader, data) for path, reader, data in chunk]


def _remote_chunks(tasks: Sequence[tuple[str, str, str]]) -> list[list[tuple[str, str, bytes]]]:
    """The files of ``tasks`` read here, in chunks for the cluster (unreadable ones left out:
    they are skipped as a local run skips them)."""
    chunks: list[list[tuple[str, str, bytes]]] = [[]]
    size = 0
    for path, reader, absolute in tasks:
        data = _read(absolute)
        if data is None:
            continue
        if chunks[-1] and (len(chunks[-1]) >= _REMOTE_FILES or size + len(data) > _REMOTE_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append((path, reader, data))
        size += len(data)
    return [c for c in chunks if c]


def _extract(path: str, reader: str, data: bytes | None) -> tuple[str, bytes | None]:
    """``(path, compressed facts JSON)`` of a file's bytes; None for facts when it cannot be
    read."""
    if data is None:
        return path, None
    decoded = decode_text(data, path.rsplit("/", 1)[-1])  # UTF-16, stray NULs: as the scan
    if decoded is None:
        return path, None
    text = decoded.text
    if "\r" in text:  # CRLF files: a backslash before CR LF must still continue a line
        text = text.replace("\r\n", "\n")
    return path, compress_facts(extract_facts(reader, text))


def facts_keys(files: Sequence[FileRecord]) -> dict[str, str] | None:
    """The facts cache key of every file :func:`collect_facts` would want facts of; None when
    one of them has no content hash (its facts cannot be told apart from earlier ones)."""
    keys: dict[str, str] = {}
    for record in files:
        reader = reader_for(record.path)
        if reader is None or record.kind == FileKind.BINARY or record.size > _MAX_SIZE:
            continue
        if not record.sha1:
            return None
        keys[record.path] = FactsCache.key(reader, record.sha1)
    return keys


def collect_facts(
    root: Path,
    files: Sequence[FileRecord],
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    executor: ExecutorSpec | None = None,
    progress: StageProgress | None = None,
) -> tuple[dict[str, FileFacts], FactsStats]:
    """The facts of every file a reader applies to (binary and huge files skipped); the cache
    misses are extracted on ``executor``'s Dask cluster when it is one. ``progress`` counts
    the files as their facts come from the cache, a worker or the cluster."""
    wanted: list[tuple[FileRecord, str]] = []
    skipped = readable = 0
    for record in files:
        reader = reader_for(record.path)
        if reader is None:
            continue
        readable += 1
        if record.kind == FileKind.BINARY or record.size > _MAX_SIZE:
            skipped += 1
            continue
        wanted.append((record, reader))
    cache = FactsCache(cache_dir or default_cache_dir()) if use_cache else None
    result: dict[str, FileFacts] = {}
    cached = 0
    try:
        if cache is not None:
            hits = cache.get_many([cache.key(r, rec.sha1) for rec, r in wanted if rec.sha1])
            for record, reader in wanted:
                hit = hits.get(cache.key(reader, record.sha1)) if record.sha1 else None
                if hit is not None:
                    result[record.path] = hit
            cached = len(result)
        todo = [(rec, r) for rec, r in wanted if rec.path not in result]
        if progress is not None:
            progress.phase("dependency graph: reading files", len(wanted), unit="files")
            progress.advance(cached)
        tasks = [(rec.path, r, str(root / rec.path)) for rec, r in todo]
        workers = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        workers = max(1, workers) if len(tasks) >= _PARALLEL_FROM else 1
        if multiprocessing.current_process().daemon:
            workers = 1  # a pool worker cannot start processes of its own
        outputs: list[tuple[str, bytes | None]] | None = None
        if executor is not None and not executor.is_local and tasks:
            chunks = _remote_chunks(tasks)
            results = run_chunks(
                executor, extract_chunk, chunks, name=TASK_NAME, identity=extractor_identity
            )
            outputs = [out for result in results for out in result]
            if progress is not None:
                progress.advance(len(tasks))
            workers = 1  # no process of this machine's: the cluster's workers did it
            sent = {path for chunk in chunks for path, _, _ in chunk}
            outputs += [(path, None) for path, _, _ in tasks if path not in sent]
        elif workers > 1:
            try:
                with worker_pool(workers) as pool:
                    outputs = list(
                        counted(pool.map(_read_and_extract, tasks, chunksize=32), progress)
                    )
            except (BrokenProcessPool, OSError):
                workers = 1  # no processes to be had (limits, a killed worker): read here
        if outputs is None:
            outputs = [_read_and_extract(task) for task in counted(tasks, progress)]
        key_of = {rec.path: (r, rec.sha1) for rec, r in todo}
        fresh: list[tuple[str, bytes]] = []
        for path, blob in outputs:
            if blob is None:
                skipped += 1
                continue
            result[path] = facts_from_json(zlib.decompress(blob).decode("utf-8"))
            reader, sha1 = key_of[path]
            if sha1:
                fresh.append((FactsCache.key(reader, sha1), blob))
        if cache is not None:
            cache.put_many(fresh)
    finally:
        if cache is not None:
            cache.close()
    stats = FactsStats(
        files=readable,
        cached=cached,
        read=len(result) - cached,
        skipped=skipped,
        workers=workers,
    )
    return result, stats
