"""The graph snapshot: a build that starts from the previous build's parts gives the same graph
as one from scratch, and redoes only what a change can affect."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pytest

from openesx_license.graph import build_graph
from openesx_license.graph import parts as parts_module
from openesx_license.graph.snapshot import CACHE_FILE

TREE = {
    "include/a.h": '#include "types.h"\nint a(void);\nint b(void);\n',
    "include/types.h": "typedef int t;\n",
    "include/d.h": "int d(void);\n",
    "a.c": '#include "a.h"\nint a(void) { return b() + c(); }\n',
    "b.c": '#include "a.h"\nint b(void) { return 1; }\nEXPORT_SYMBOL_GPL(b);\n',
    "e.c": '#include "a.h"\nint e(void) { return d(); }\n',
    "d.c": "int d(void) { return 4; }\n",
    "Makefile": "obj-y += a.o b.o\n",
    "tool/m.py": "import n\n",
    "tool/n.py": "",
    "blob.bin": b"\x00\x01\x02",
}


def _same(incremental: nx.MultiDiGraph, scratch: nx.MultiDiGraph) -> None:
    assert list(incremental.nodes(data=True)) == list(scratch.nodes(data=True))
    assert list(incremental.edges(keys=True, data=True)) == list(
        scratch.edges(keys=True, data=True)
    )
    ignored = {"seconds", "facts_cached", "facts_read", "facts_skipped", "workers", "snapshot"}
    assert {k: v for k, v in incremental.graph["stats"].items() if k not in ignored} == {
        k: v for k, v in scratch.graph["stats"].items() if k not in ignored
    }


@pytest.fixture
def relinked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files each call of link_files relinked."""
    calls: list[list[str]] = []
    real = parts_module.link_files

    def spy(facts, paths, includes_of, tables, **options):  # type: ignore[no-untyped-def]
        calls.append(list(paths))
        return real(facts, paths, includes_of, tables, **options)

    monkeypatch.setattr(parts_module, "link_files", spy)
    return calls


def _build(make_tree, files: Mapping[str, str | bytes], cache: Path) -> nx.MultiDiGraph:  # type: ignore[no-untyped-def]
    root, records = make_tree(files)
    graph = build_graph(root, records, cache_dir=cache, include_dirs=["include"])
    scratch = build_graph(root, records, use_cache=False, include_dirs=["include"])
    _same(graph, scratch)
    return graph


def test_an_unchanged_tree_is_rebuilt_from_the_snapshot(make_tree, tmp_path, relinked) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    cold = _build(make_tree, TREE, cache)
    assert cold.graph["stats"]["snapshot"] is False and (cache / CACHE_FILE).exists()
    relinked.clear()
    warm = _build(make_tree, TREE, cache)
    assert warm.graph["stats"]["snapshot"] is True
    assert warm.graph["stats"]["facts_read"] == 0
    assert len(relinked) == 1  # the scratch build only


def test_a_body_change_relinks_that_file_only(make_tree, tmp_path, relinked) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    _build(make_tree, TREE, cache)
    relinked.clear()
    changed = {**TREE, "a.c": '#include "a.h"\nint a(void) { return b() * 2 + c(); }\n'}
    graph = _build(make_tree, changed, cache)
    assert graph.graph["stats"]["snapshot"] is True
    assert relinked[0] == ["a.c"]


def test_a_new_definition_relinks_its_users(make_tree, tmp_path, relinked) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    before = _build(make_tree, TREE, cache)
    assert not before.has_edge("a.c", "d.c")
    relinked.clear()
    changed = {
        **TREE,
        "include/a.h": '#include "types.h"\nint a(void);\nint b(void);\nint c(void);\n',
        "d.c": "int d(void) { return 4; }\nint c(void) { return 3; }\n",
    }
    graph = _build(make_tree, changed, cache)
    assert graph.has_edge("a.c", "d.c")  # a.c did not change; its use of c() links now
    assert "a.c" in relinked[0]


def test_a_header_include_change_relinks_the_files_reaching_it(
    make_tree, tmp_path, relinked
) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    before = _build(make_tree, TREE, cache)
    assert not before.has_edge("e.c", "d.c")  # d() is declared nowhere e.c can see
    changed = {**TREE, "include/types.h": '#include "d.h"\ntypedef int t;\n'}
    relinked.clear()
    graph = _build(make_tree, changed, cache)
    assert graph.has_edge("e.c", "d.c")
    assert {"a.c", "b.c", "e.c"} <= set(relinked[0])


def test_build_files_python_and_removed_facts_are_updated(make_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    _build(make_tree, TREE, cache)
    _build(make_tree, {**TREE, "Makefile": "obj-y += a.o b.o e.o\n"}, cache)
    _build(make_tree, {**TREE, "tool/m.py": "import os\n"}, cache)
    _build(make_tree, {**TREE, "e.c": b"\x00binary now"}, cache)
    again = _build(make_tree, TREE, cache)
    assert again.graph["stats"]["snapshot"] is True


def test_another_set_of_paths_builds_from_scratch(make_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    _build(make_tree, TREE, cache)
    graph = _build(
        make_tree, {**TREE, "f.c": '#include "d.h"\nint f(void) { return d(); }\n'}, cache
    )
    assert graph.graph["stats"]["snapshot"] is False
    assert graph.has_edge("f.c", "d.c")
    assert _build(make_tree, {**TREE, "f.c": "int f;\n"}, cache).graph["stats"]["snapshot"]


def test_a_damaged_snapshot_only_costs_speed(make_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    cache = tmp_path / "cache"
    _build(make_tree, TREE, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE entries SET data = x'789c0300000000'")
    assert _build(make_tree, TREE, cache).graph["stats"]["snapshot"] is False
    assert _build(make_tree, TREE, cache).graph["stats"]["snapshot"] is True


def test_a_new_code_version_replaces_the_old_snapshot(make_tree, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from openesx_license.graph import snapshot

    cache = tmp_path / "cache"
    _build(make_tree, TREE, cache)
    monkeypatch.setattr(snapshot, "source_digest", lambda *modules: "newcode")
    graph = _build(make_tree, TREE, cache)
    assert graph.graph["stats"]["snapshot"] is False  # another code version: not reused
    with sqlite3.connect(cache / CACHE_FILE) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM entries")]
    assert len(keys) == 1 and ":newcode:" in keys[0]


def test_edges_are_those_networkx_add_edge_would_make(make_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    graph = _build(make_tree, TREE, tmp_path / "cache")
    again = nx.MultiDiGraph()
    again.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        again.add_edge(u, v, **data)
    assert list(again.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
    assert list(again.in_edges(keys=True, data=True)) == list(graph.in_edges(keys=True, data=True))
    assert again.adj == graph.adj and again.pred == graph.pred
    assert graph.number_of_edges() == again.number_of_edges() > 0


BUILD_TREE: dict[str, str | bytes] = {
    "CMakeLists.txt": "add_executable(app app.c)\n",
    "app.c": '#include "x.h"\n',
    "inc/x.h": "",
    "other/x.h": "",
    "Makefile.am": "bin_PROGRAMS = app\napp_SOURCES = app.c\n",
    "Cargo.toml": '[package]\nname = "top"\n[dependencies]\nb = { path = "b" }\n',
    "src/main.rs": "fn main() {}\n",
    "b/Cargo.toml": '[package]\nname = "b"\n',
    "b/src/lib.rs": "",
}


def test_build_system_changes_update_links_imports_and_include_folders(make_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    before = _build(make_tree, BUILD_TREE, cache)
    assert not before.has_edge("app.c", "inc/x.h")  # two x.h: unresolved without CMake's help
    cmake = "add_executable(app app.c)\ntarget_include_directories(app PRIVATE inc)\n"
    after = _build(make_tree, {**BUILD_TREE, "CMakeLists.txt": cmake}, cache)
    assert after.has_edge("app.c", "inc/x.h")
    rust = {**BUILD_TREE, "CMakeLists.txt": cmake, "src/main.rs": "use b::x;\nfn main() {}\n"}
    graph = _build(make_tree, rust, cache)
    assert graph.graph["stats"]["snapshot"] is True
    assert graph.has_edge("src/main.rs", "b/src/lib.rs")
    broken = _build(make_tree, {**rust, "Cargo.toml": "[package\n"}, cache)
    assert "Cargo.toml" in broken.graph["errors"]
    assert before.has_edge("Cargo.toml", "b/Cargo.toml")
    assert not broken.has_edge("Cargo.toml", "b/Cargo.toml")


def test_name_ids_append_new_names_in_order_once() -> None:
    """New names get the next ids in the order given (a repeat keeps its first id); without
    ``add`` unknown names are left out."""
    from openesx_license.graph.parts import GraphParts

    parts = GraphParts(use_names=["a", "b"])
    assert parts.name_ids(["c", "a", "d", "c", "b"], add=True) == [2, 0, 3, 2, 1]
    assert parts.use_names == ["a", "b", "c", "d"]
    assert parts.name_ids(["d", "zz", "a"]) == [3, 0]
    assert parts.use_names == ["a", "b", "c", "d"]
    assert parts.users(["zz"]) == set()
