"""``scan_tree``: inventory + detection of a whole tree, deduplicated, cached and parallel.

1. Inventory (hashes every file); files whose sha1 is in the file-level cache are done.
2. The other files are prepared in a pool of readers: tags, markers, licence blocks and
   copyright candidate groups (no licence index needed).
3. Blocks and groups are deduplicated across the tree and looked up in the block-level cache;
   only the unknown ones go to ScanCode, in a pool of matchers forked from one process that
   holds the licence index (:mod:`.index_server`), or on a Dask cluster with ``executor``
   (:mod:`.dask_matching`); a handful of blocks are matched in this process instead.
4. Facts per file are assembled and cached, licence references resolved, governing licence
   files applied.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from openesx_license._util.executor import ExecutorSpec, dask_client
from openesx_license._util.procs import jobs_limit, release_free_memory, worker_pool
from openesx_license._util.progress import ProgressSink
from openesx_license._util.run import default_cache_dir, default_jobs
from openesx_license.detect import engine
from openesx_license.detect.assemble import Facts, build_record, error_record, file_facts
from openesx_license.detect.cache import DetectionCache
from openesx_license.detect.index_server import matcher_context, stop_index_server
from openesx_license.detect.prepare import DEFAULT_MARKERS, PreparedFile, prepare_file
from openesx_license.detect.progress import ProgressBar
from openesx_license.detect.resolve import apply_governing_files, resolve_references
from openesx_license.detect.reuse import apply_reuse
from openesx_license.detect.scancode_import import ImportedScan
from openesx_license.detect.shared_cache import DetectionStore, SharedCache, TieredCache
from openesx_license.detect.statements import apply_path_statements
from openesx_license.errors import UsageError
from openesx_license.inventory import list_tree
from openesx_license.inventory.classify import language_of
from openesx_license.model import FileEntry, FileKind, FileRecord, ScanResult, ScanStats

#: below these amounts the work is done in this process (a pool costs more than it saves)
POOL_MIN_FILES = 48
POOL_MIN_BLOCKS = 12
_FILE_CHUNK = 32
_BLOCK_CHUNK = 16
_GROUP_CHUNK = 400
#: tasks a licence matcher does before a fresh one, forked from the index server, replaces it:
#: a worker's own copy of the index pages it has written to grows with the blocks it matched
MATCHER_TASKS = 250
#: tasks handed to each worker of a local pool at a time
_TASKS_PER_WORKER = 4

T = TypeVar("T")


def scan_tree(
    root: Path,
    *,
    exclude: Sequence[str] = (),
    markers: Sequence[str] | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: bool | ProgressSink | None = None,
    imported: ImportedScan | None = None,
    executor: ExecutorSpec | None = None,
    shared_cache: str | None = None,
) -> ScanResult:
    """Licence, copyright and marker inventory of every file below ``root``.

    ``markers`` defaults to :data:`~openesx_license.detect.prepare.DEFAULT_MARKERS`;
    ``jobs`` to the number of cores; ``cache_dir`` to
    :func:`~openesx_license._util.run.default_cache_dir`;
    ``use_cache=False`` neither reads nor writes the cache; ``progress=None`` draws a bar only
    when stderr is a terminal (a :class:`ProgressSink` receives the stages instead);
    ``imported`` (a ScanCode JSON scan) answers the files it covers instead of the engine
    (they are read for tags and markers, not cached); ``executor`` (default: local pools)
    where licences and copyrights are matched; ``shared_cache`` a fleet's second-level cache
    folder or URL (:mod:`.shared_cache`), unused with ``use_cache=False``. Raises
    :class:`UsageError` for a missing ``root``.
    """
    started = time.perf_counter()
    root = Path(root)
    if not root.exists():
        raise UsageError(f"{root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    if jobs is not None and not 1 <= jobs <= jobs_limit():
        raise UsageError(f"--jobs must be between 1 and {jobs_limit()}, not {jobs}")
    marker_list = tuple(DEFAULT_MARKERS if markers is None else markers)
    bar: ProgressSink = (
        ProgressBar(progress) if progress is None or isinstance(progress, bool) else progress
    )
    folder = (cache_dir or default_cache_dir()) if use_cache else None
    fingerprint = engine.engine_fingerprint()
    cache: DetectionStore = DetectionCache(folder, fingerprint)
    if use_cache and shared_cache:
        cache = TieredCache(cache, SharedCache(shared_cache, fingerprint))
    workers = jobs or default_jobs()
    pools: dict[str, ProcessPoolExecutor] = {}
    remote: list[Executor] = []
    try:
        bar.phase("inventory", 1)
        inventory = list_tree(root, exclude=exclude, cache_dir=folder)
        entries = list(inventory.entries)
        bar.advance()
        marker_id = hashlib.sha1("\0".join(marker_list).encode(), usedforsecurity=False)
        file_key = {e.path: f"{e.sha1}:{marker_id.hexdigest()[:12]}" for e in entries}
        scannable = [e for e in entries if e.sha1 and e.kind is not FileKind.BINARY]
        covered = [e for e in scannable if imported is not None and imported.covers(e)]
        from_scan = {e.path for e in covered}
        known = cache.get_many(
            "files", (file_key[e.path] for e in scannable if e.path not in from_scan)
        )
        misses = [e for e in scannable if e.path not in from_scan and file_key[e.path] not in known]

        def pool_for(units: int, threshold: int, role: str = "matchers") -> Executor | None:
            """A pool for ``units`` of work, or None when this process should do it."""
            if role == "matchers" and executor is not None and not executor.is_local:
                if units and not remote:  # the cluster takes any amount: no index load here
                    from openesx_license.detect.dask_matching import matcher_executor

                    remote.append(matcher_executor(dask_client(executor)))
                return remote[0] if units else None
            if workers < 2 or units < threshold:
                return None
            if role not in pools:
                matchers = role == "matchers"
                pools[role] = worker_pool(
                    workers,
                    mp_context=matcher_context() if matchers else None,
                    max_tasks_per_child=MATCHER_TASKS if matchers else None,
                )
            return pools[role]

        bar.phase("reading files", len(misses) + len(covered))
        read = _run_chunks(
            pool_for(len(misses) + len(covered), POOL_MIN_FILES, "readers"),
            _prepare_chunk,
            [(str(root), chunk, marker_list) for chunk in _chunked(misses + covered, _FILE_CHUNK)],
            bar,
        )
        prepared, reused = read[: len(misses)], read[len(misses) :]
        if "readers" in pools:  # done: their memory is not kept while the matchers work
            pools.pop("readers").shutdown()

        def stop_matchers() -> None:
            """The index server and its matchers go before the facts are built (and the
            records and the JSON after them), not at the end of the scan."""
            if "matchers" in pools:
                pools.pop("matchers").shutdown()
                stop_index_server()

        new_facts, distinct = _detect(prepared, cache, pool_for, bar, stop_matchers)
        fresh = zip(prepared, new_facts, strict=True)
        cache.put_many("files", {file_key[p.path]: f for p, f in fresh if _cacheable(p)})
    finally:
        for pool in pools.values():
            pool.shutdown(cancel_futures=True)
        for cluster in remote:
            cluster.shutdown(wait=False)  # cancels what an interrupted run left
        if "matchers" in pools:
            stop_index_server()
        cache.close()
        bar.close()
    facts_by_path: dict[str, Facts] = {
        e.path: known[file_key[e.path]] for e in scannable if file_key[e.path] in known
    }
    facts_by_path.update({p.path: f for p, f in zip(prepared, new_facts, strict=True)})
    if imported is not None:
        facts_by_path.update({p.path: imported.facts(p) for p in reused})
    resolved = resolve_references(facts_by_path)
    records = [_record(e, resolved.get(e.path)) for e in entries]
    governed = apply_governing_files(records, resolved)
    records = apply_reuse(root, apply_path_statements(root, governed, resolved))
    stats = ScanStats(
        files=len(entries),
        detected=len(misses),
        cached=len(scannable) - len(misses) - len(covered),
        imported=len(covered),
        distinct_blocks=distinct,
        seconds=round(time.perf_counter() - started, 3),
    )
    return ScanResult(
        root=str(root),
        files=tuple(records),
        stats=stats,
        engine=engine.engine_label(),
        skipped=inventory.skipped,
    )


def _record(entry: FileEntry, facts: Facts | None) -> FileRecord:
    if facts is not None:
        return build_record(entry, facts)
    if entry.kind is FileKind.BINARY and language_of(entry.path.rsplit("/", 1)[-1]):
        return error_record(entry, "binary content in a file named like source: not scanned")
    return error_record(entry)


def _cacheable(prepared: PreparedFile) -> bool:
    """A file that could not be read is not cached: the next scan must try again."""
    return not any(
        e.startswith(("unreadable", "licence detection failed")) for e in prepared.errors
    )


def _detect(
    prepared: list[PreparedFile],
    cache: DetectionStore,
    executor: Callable[[int, int], Executor | None],
    bar: ProgressSink,
    matched: Callable[[], None] = lambda: None,
) -> tuple[list[Facts], int]:
    """Engine results for the distinct blocks and groups of ``prepared``; facts per file.
    ``matched`` is called once the engine is no longer needed."""
    block_text = {b.key: b for p in prepared for b in p.blocks}
    group_lines = {g.key: g.lines for p in prepared for g in p.groups}
    blocks = cache.get_many("blocks", block_text)
    groups = cache.get_many("groups", group_lines)
    todo_blocks = [(k, b.text, b.exact) for k, b in block_text.items() if k not in blocks]
    todo_groups = [(k, g) for k, g in group_lines.items() if k not in groups]
    newlines = {k: b.text.count("\n") for k, b in block_text.items()}
    del block_text, group_lines
    # from here on the texts live in the tasks only, and go with them (see _run_chunks)
    prepared[:] = [_without_texts(p, newlines) for p in prepared]
    release_free_memory()
    pool = executor(len(todo_blocks) + len(todo_groups) // 50, POOL_MIN_BLOCKS)
    tasks: list[tuple[Any, ...]] = [(chunk, []) for chunk in _chunked(todo_blocks, _BLOCK_CHUNK)]
    tasks += [([], chunk) for chunk in _chunked(todo_groups, _GROUP_CHUNK)]
    distinct = len(todo_blocks)
    bar.phase("matching licences", distinct + len(todo_groups))
    del todo_blocks, todo_groups
    failed: dict[str, str] = {}
    new_blocks: dict[str, Any] = {}
    new_groups: dict[str, Any] = {}
    for found_blocks, found_groups, errors in _run_chunks(pool, _detect_chunk, tasks, bar):
        new_blocks.update(found_blocks)
        new_groups.update(found_groups)
        failed.update(errors)
    matched()
    cache.put_many("blocks", new_blocks)
    cache.put_many("groups", new_groups)
    blocks.update(new_blocks)
    groups.update(new_groups)
    facts = []
    for p in prepared:
        f = file_facts(p, blocks, groups)
        for block in p.blocks:
            if block.key in failed:
                last = block.text.count("\n") if block.text else newlines[block.key]
                f["errors"].append(
                    f"licence detection failed on lines {block.start + 1}-"
                    f"{block.start + last + 1}: {failed[block.key]}"
                )
        facts.append(f)
    return facts, distinct


def _without_texts(prepared: PreparedFile, newlines: dict[str, int]) -> PreparedFile:
    """``prepared`` without the texts of its blocks and groups (only the distinct ones are
    matched, and those travel in the tasks): a scan of Linux holds 80,000 files' worth.

    A block keeps its text only when its line count differs from ``newlines`` of its key
    (the count the failure message needs; blocks of one key have the same count)."""
    return replace(
        prepared,
        blocks=tuple(
            b if b.text.count("\n") != newlines[b.key] else replace(b, text="")
            for b in prepared.blocks
        ),
        groups=tuple(replace(g, lines=()) for g in prepared.groups),
    )


def _prepare_chunk(
    root: str, entries: list[FileEntry], markers: tuple[str, ...]
) -> tuple[int, list[PreparedFile]]:
    return len(entries), [prepare_file(root, e, markers) for e in entries]


def _detect_chunk(
    blocks: list[tuple[str, str, bool]], groups: list[tuple[str, Any]]
) -> tuple[int, tuple[dict[str, Any], dict[str, Any], dict[str, str]]]:
    found_blocks: dict[str, Any] = {}
    found_groups: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, text, exact in blocks:
        try:
            found_blocks[key] = engine.detect_license_block(text, exact=exact)
        except Exception as exc:  # noqa: BLE001, PERF203 - one bad block must not stop the scan
            errors[key] = f"{type(exc).__name__}: {exc}"
    for key, lines in groups:
        try:
            found_groups[key] = engine.detect_copyright_group(lines)
        except Exception:  # noqa: BLE001, PERF203 - same for a copyright group
            found_groups[key] = {"copyrights": [], "holders": []}
    return len(blocks) + len(groups), (found_blocks, found_groups, errors)


def _run_chunks(
    pool: Executor | None,
    func: Callable[..., tuple[int, Any]],
    tasks: list[tuple[Any, ...]],
    bar: ProgressSink,
) -> list[Any]:
    """Run ``func`` on each task (in ``pool`` or here), in order; flatten list results.

    ``tasks`` is emptied as they are handed out (each task's arguments are freed when it is
    done, not at the end); a local process pool gets a few tasks per worker at a time, so
    the arguments of the others are not all held in its queue; other executors get them all
    (a cluster has more workers than tasks to spare).
    """
    results: list[Any] = [None] * len(tasks)
    if pool is None:
        for i in range(len(tasks)):
            task, tasks[i] = tasks[i], ()
            units, results[i] = func(*task)
            bar.advance(units)
    else:
        window = (
            _TASKS_PER_WORKER * getattr(pool, "_max_workers", 1)
            if isinstance(pool, ProcessPoolExecutor)
            else len(tasks)
        )
        futures: dict[Future[Any], int] = {}
        following = 0
        while following < len(tasks) or futures:
            while following < len(tasks) and len(futures) < window:
                task, tasks[following] = tasks[following], ()
                futures[pool.submit(func, *task)] = following
                following += 1
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                units, results[futures.pop(future)] = future.result()
                bar.advance(units)
    out: list[Any] = []
    for result in results:
        if isinstance(result, list):
            out.extend(result)
        else:
            out.append(result)
    return out


def _chunked(items: Sequence[T], size: int) -> Iterable[list[T]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])
