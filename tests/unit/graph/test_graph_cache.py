"""The facts cache: warm builds read no file; --no-cache neither reads nor writes."""

from __future__ import annotations

import io
import sqlite3

from openesx_license._util.progress import StageProgress
from openesx_license.graph import build_graph
from openesx_license.graph.facts import extract_facts, facts_from_json, facts_to_json
from openesx_license.graph.facts_cache import CACHE_FILE
from openesx_license.graph.snapshot import CACHE_FILE as SNAPSHOT_FILE
from tests.helpers.graph_helpers import edges_of

FILES = {
    "a.c": '#include "a.h"\nint a(void) { return b(); }\n',
    "a.h": "int a(void);\nint b(void);\n",
    "b.c": "int b(void) { return 1; }\n",
    "Makefile": "obj-y += a.o b.o\n",
    "m.py": "import n\n",
    "n.py": "",
    "blob.bin": b"\x00\x01\x02",
}


def test_second_build_answers_from_the_cache(make_tree, tmp_path):
    root, records = make_tree(FILES)
    cache = tmp_path / "cache"
    cold = build_graph(root, records, cache_dir=cache)
    assert cold.graph["stats"]["facts_read"] == 6 and cold.graph["stats"]["facts_cached"] == 0
    (root / "a.c").unlink()  # a warm build does not read files whose hash it knows
    warm = build_graph(root, records, cache_dir=cache)
    assert warm.graph["stats"]["facts_cached"] == 6 and warm.graph["stats"]["facts_read"] == 0
    assert sorted(warm.edges(data="kind")) == sorted(cold.edges(data="kind"))
    assert ("a.c", "b.c") in edges_of(warm, "symbol")


def test_no_cache_neither_reads_nor_writes(make_tree, tmp_path):
    root, records = make_tree(FILES)
    cache = tmp_path / "cache"
    graph = build_graph(root, records, cache_dir=cache, use_cache=False)
    assert not (cache / CACHE_FILE).exists()
    assert graph.graph["stats"]["facts_read"] == 6
    build_graph(root, records, cache_dir=cache)
    again = build_graph(root, records, cache_dir=cache, use_cache=False)
    assert again.graph["stats"]["facts_cached"] == 0


def test_corrupt_cache_is_ignored_and_rewritten(make_tree, tmp_path):
    root, records = make_tree(FILES)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"this is not sqlite" * 100)
    graph = build_graph(root, records, cache_dir=cache)
    assert ("a.c", "a.h") in edges_of(graph, "include")
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE entries SET data = x'00'")
    (cache / SNAPSHOT_FILE).unlink()  # else the unchanged tree needs no facts at all
    again = build_graph(root, records, cache_dir=cache)
    assert again.graph["stats"]["facts_read"] == 6  # unreadable entries count as misses


def test_binary_files_are_nodes_without_edges(make_tree, tmp_path):
    root, records = make_tree(FILES)
    graph = build_graph(root, records, cache_dir=tmp_path / "cache")
    assert graph.nodes["blob.bin"]["kind"] == "binary"
    assert graph.degree("blob.bin") == 0


def test_facts_json_round_trip():
    for reader, text in [
        ("c", FILES["a.c"] + "EXPORT_SYMBOL_GPL(a);\n"),
        ("make", FILES["Makefile"] + "p: a.o\n\tcc -lfoo\ninclude x.mk\n"),
        ("python", "from . import x\n"),
    ]:
        facts = extract_facts(reader, text)
        assert facts_from_json(facts_to_json(facts)) == facts


def test_worker_processes_give_the_same_graph(make_tree, tmp_path):
    files: dict[str, str | bytes] = {
        "api.h": "int api(int);\n",
        "api.c": "int api(int x) { return x; }\n",
    }
    for i in range(420):
        files[f"mod{i:03d}.c"] = f'#include "api.h"\nint f{i}(void) {{ return api({i}); }}\n'
    root, records = make_tree(files)
    serial = build_graph(root, records, use_cache=False, jobs=1)
    parallel = build_graph(root, records, use_cache=False, jobs=2)
    assert parallel.graph["stats"]["workers"] == 2 and serial.graph["stats"]["workers"] == 1
    assert sorted(parallel.edges(data="kind")) == sorted(serial.edges(data="kind"))
    assert len(edges_of(parallel, "symbol")) == 420


def test_an_unusable_cache_folder_only_costs_speed(make_tree, tmp_path):
    root, records = make_tree(FILES)
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("x")
    graph = build_graph(root, records, cache_dir=not_a_folder)
    assert graph.graph["stats"]["facts_read"] == 6
    assert ("a.c", "b.c") in edges_of(graph, "symbol")


def test_build_system_facts_are_cached(asset_graph, tmp_path):
    for tree in ("automake", "cmake", "cargo"):
        cold = asset_graph(tree, cache_dir=tmp_path / tree, use_cache=True)
        # without the snapshot, the warm build resolves everything from the cached facts
        (tmp_path / tree / SNAPSHOT_FILE).unlink()
        warm = asset_graph(tree, cache_dir=tmp_path / tree)
        assert cold.graph["stats"]["facts_read"] > 0
        assert warm.graph["stats"]["facts_read"] == 0
        assert warm.graph["stats"]["snapshot"] is False
        assert list(warm.edges(keys=True, data=True)) == list(cold.edges(keys=True, data=True))
        assert warm.graph["errors"] == cold.graph["errors"]


def test_a_dask_chunk_gives_the_facts_a_local_read_gives(make_tree):
    """What a worker computes from the bytes it is sent equals the local reading of the file
    (the chunks carry bytes: workers need not see the tree)."""
    from openesx_license.graph.facts import reader_for
    from openesx_license.graph.facts_cache import (
        _read_and_extract,
        _remote_chunks,
        extract_chunk,
    )

    root, _ = make_tree({**FILES, "crlf.c": "#define X \\\r\n  1\r\nint x = X;\r\n"})
    tasks = [(p, reader_for(p), str(root / p)) for p in sorted(FILES) if reader_for(p)]
    tasks += [("crlf.c", "c", str(root / "crlf.c")), ("gone.c", "c", str(root / "gone.c"))]
    chunks = _remote_chunks(tasks)
    assert [path for chunk in chunks for path, _, _ in chunk] == [p for p, _, _ in tasks[:-1]]
    remote = [out for chunk in chunks for out in extract_chunk(chunk)]
    assert remote == [_read_and_extract(t) for t in tasks[:-1]]
    assert _read_and_extract(tasks[-1]) == ("gone.c", None)  # unread: skipped, not sent


def test_dask_chunks_are_bounded_by_files_and_bytes(tmp_path):
    from openesx_license.graph import facts_cache

    for i in range(5):
        (tmp_path / f"{i}.c").write_bytes(b"x" * 3000)
    tasks = [(f"{i}.c", "c", str(tmp_path / f"{i}.c")) for i in range(5)]
    original = facts_cache._REMOTE_FILES, facts_cache._REMOTE_BYTES
    try:
        facts_cache._REMOTE_FILES, facts_cache._REMOTE_BYTES = 2, 10**6
        assert [len(c) for c in facts_cache._remote_chunks(tasks)] == [2, 2, 1]
        facts_cache._REMOTE_FILES, facts_cache._REMOTE_BYTES = 100, 7000
        assert [len(c) for c in facts_cache._remote_chunks(tasks)] == [2, 2, 1]
    finally:
        facts_cache._REMOTE_FILES, facts_cache._REMOTE_BYTES = original


def _stage_lines(out: io.StringIO) -> list[tuple[str, str]]:
    """(label, count) of each stage line of a log-mode progress."""
    return [
        (line.split(": ")[1], line.split(": ")[2].split(" in ")[0])
        for line in out.getvalue().splitlines()
    ]


def test_progress_counts_files_of_each_stage_then_one_stage_when_warm(make_tree, tmp_path):
    root, records = make_tree(FILES)
    cache = tmp_path / "cache"
    out = io.StringIO()
    build_graph(root, records, cache_dir=cache, progress=StageProgress("lines", stream=out))
    assert _stage_lines(out) == [
        ("reading files", "6 files"),  # the binary blob has no reader
        ("resolving includes", "6 files"),
        ("linking symbols", "6 files"),
    ]  # the edges stage is still open: the caller's next stage or close ends it
    out = io.StringIO()
    sink = StageProgress("lines", stream=out)
    build_graph(root, records, cache_dir=cache, progress=sink)
    sink.close()
    assert _stage_lines(out) == [("from the last build", "7 files"), ("edges", "7 files")]
    out = io.StringIO()
    sink = StageProgress("lines", stream=out)
    build_graph(root, records, use_cache=False, progress=sink)
    sink.close()
    assert [label for label, _ in _stage_lines(out)] == [
        "reading files", "resolving includes", "linking symbols", "edges"
    ]  # fmt: skip
