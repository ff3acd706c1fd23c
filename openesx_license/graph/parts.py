"""The graph's edges per source file, computed whole or updated for the files that changed.

:class:`GraphParts` is everything :func:`.builder.build_graph` adds to the graph besides the
nodes: include, import and symbol edges per source file, link edges, and what each file adds
to the symbol tables. It is a pure function of the tree's paths, the files' facts and the
include configuration, so a build can start from the parts of the previous build
(:mod:`.snapshot`) and redo only what a change can affect:

* the include and import edges of a changed file (other files resolve their includes and
  imports against the same set of paths, which must be unchanged);
* the link edges (and the Rust import edges, which depend on the Cargo manifests), when a
  build file (Makefile, Kbuild, meson.build, Makefile.am, CMake file, Cargo.toml) or a Rust
  file changed; when the include folders the CMake files give (``build_dirs``) change with
  them, everything is computed again;
* the symbol edges of the files whose result can differ: the changed files, the files using
  a name whose definitions, declarations or exports changed (only names some file defines
  can link), and the files that include, directly or not, a header whose includes changed.

A change to the set of paths, the include folders or the compilation database makes the
builder compute everything again. Either way the parts are equal (tested).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openesx_license._util.progress import StageProgress, counted
from openesx_license.graph.automake import automake_link_edges
from openesx_license.graph.cargo import cargo_edges
from openesx_license.graph.cmake import cmake_results
from openesx_license.graph.facts import FileFacts, reader_for
from openesx_license.graph.includes import IncludeResolver
from openesx_license.graph.kbuild import LinkEdge, link_edges
from openesx_license.graph.makefile import MakeFacts
from openesx_license.graph.meson import meson_link_edges
from openesx_license.graph.pyimports import ModuleIndex
from openesx_license.graph.symbol_edges import (
    LinkedFile,
    SymbolContribution,
    SymbolTables,
    contribution,
    link_files,
)

#: (target, external, line, text, resolved_by) of one #include
IncludeEdge = tuple[str, bool, int, str, str]
#: (target, module, line, text) of one import
ImportEdge = tuple[str, str, int, str]
LINK_READERS = frozenset({"make", "meson", "automake", "autoconf", "cmake", "cargo", "rust"})
#: per-file include folders that the build files give (CMake's target include directories)
BuildDirs = dict[str, tuple[str, ...]]
ResolverFactory = Callable[[BuildDirs], IncludeResolver]


class StaleSnapshot(Exception):
    """A file the update needs has no facts any more (unreadable now): compute everything."""


@dataclass(kw_only=True)
class GraphParts:
    """The edges of a graph per source file (see the module docstring)."""

    keys: dict[str, str] = field(default_factory=dict)  # path -> facts key it was built from
    includes: dict[str, tuple[IncludeEdge, ...]] = field(default_factory=dict)
    imports: dict[str, tuple[ImportEdge, ...]] = field(default_factory=dict)
    links: tuple[LinkEdge, ...] = ()
    build_dirs: BuildDirs = field(default_factory=dict)
    #: messages of the readers (a CMake file or Cargo.toml that cannot be read) per file
    errors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    symbols: dict[str, LinkedFile] = field(default_factory=dict)
    contributions: dict[str, SymbolContribution] = field(default_factory=dict)
    #: the names each file uses, as the bytes of an ``array('I')`` of indexes into
    #: ``use_names`` (a million names in QEMU: compact to store, quick to load)
    uses: dict[str, bytes] = field(default_factory=dict)
    use_names: list[str] = field(default_factory=list)
    _ids: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    exports: dict[str, dict[str, str]] = field(default_factory=dict)

    def name_ids(self, names: Iterable[str], *, add: bool = False) -> list[int]:
        """The indexes of ``names`` in :attr:`use_names` (unknown ones appended with
        ``add``, else left out)."""
        ids = self._ids
        if len(ids) != len(self.use_names):
            ids.clear()
            ids.update((name, n) for n, name in enumerate(self.use_names))
        if not add:
            return [ids[name] for name in names if name in ids]
        names = list(names)
        fresh = set(names).difference(ids)  # a dict: looked up per name, not iterated
        if fresh:  # appended in the order of ``names``, each once
            new = list(dict.fromkeys([name for name in names if name in fresh]))
            start = len(self.use_names)
            ids.update(zip(new, range(start, start + len(new)), strict=True))
            self.use_names.extend(new)
        return list(map(ids.__getitem__, names))

    def users(self, names: Collection[str]) -> set[str]:
        """The files that use one of ``names``."""
        wanted = set(self.name_ids(names))
        found = set()
        for path, blob in self.uses.items():
            ids = array("I")
            ids.frombytes(blob)
            if not wanted.isdisjoint(ids):
                found.add(path)
        return found

    def includes_of(self) -> dict[str, list[str]]:
        """The files each file includes (resolved includes only, in order)."""
        out: dict[str, list[str]] = {}
        for path, edges in self.includes.items():
            targets = [target for target, external, *_ in edges if not external]
            if targets:
                out[path] = targets
        return out


def _include_edges(
    path: str, facts: FileFacts, resolver: IncludeResolver
) -> tuple[IncludeEdge, ...]:
    edges = []
    for inc in facts.includes:
        target, how = resolver.resolve(path, inc.name, angle=inc.angle)
        if target is None:
            name = f"<{inc.name}>" if inc.angle else f'"{inc.name}"'
            edges.append((name, True, inc.line, inc.text, how))
        else:
            edges.append((target, False, inc.line, inc.text, how))
    return tuple(edges)


def _import_edges(path: str, facts: FileFacts, index: ModuleIndex) -> tuple[ImportEdge, ...]:
    edges = []
    seen: set[str] = set()
    for statement in facts.imports:
        for target, module in index.resolve(path, statement):
            if target not in seen:
                seen.add(target)
                edges.append((target, module, statement.line, statement.text))
    return tuple(edges)


def _links(
    facts: Mapping[str, FileFacts], paths: set[str]
) -> tuple[tuple[LinkEdge, ...], BuildDirs]:
    """The link edges (and Rust import edges) of the build files, and CMake's include dirs."""
    make_facts: dict[str, MakeFacts] = {p: f.make for p, f in facts.items() if f.make}
    # automake's generated Makefile.in says again what its Makefile.am says, less readably
    kbuild_facts = {
        p: m
        for p, m in make_facts.items()
        if not (p.endswith("Makefile.in") and p[: -len(".in")] + ".am" in paths)
    }
    meson_facts = {p: f.meson for p, f in facts.items() if f.meson}
    am_facts = {p: f.automake for p, f in facts.items() if f.automake is not None}
    cmake_facts = {p: f.cmake for p, f in facts.items() if f.cmake is not None}
    cargo_facts = {p: f.cargo for p, f in facts.items() if f.cargo is not None}
    rust_facts = {p: f.rust for p, f in facts.items() if f.rust}
    cmake = cmake_results(cmake_facts, paths) if cmake_facts else None
    edges = (
        *link_edges(kbuild_facts, paths),
        *meson_link_edges(meson_facts, paths),
        *(automake_link_edges(am_facts, make_facts, paths) if am_facts else ()),
        *(cmake.edges if cmake else ()),
        *(cargo_edges(cargo_facts, rust_facts, paths) if cargo_facts else ()),
    )
    return edges, (cmake.include_dirs if cmake else {})


def _file_parts(parts: GraphParts, path: str, facts: FileFacts, resolver: IncludeResolver,
                index: ModuleIndex) -> None:  # fmt: skip
    """Set the per-file entries of ``path`` (everything but its symbol edges)."""
    tables = (parts.includes, parts.imports, parts.contributions, parts.uses, parts.exports,
              parts.errors)  # fmt: skip
    for table in tables:
        table.pop(path, None)
    if facts.errors:
        parts.errors[path] = facts.errors
    if facts.includes:
        parts.includes[path] = _include_edges(path, facts, resolver)
    if facts.imports:
        imports = _import_edges(path, facts, index)
        if imports:
            parts.imports[path] = imports
    symbols = facts.symbols
    if symbols is not None:
        parts.contributions[path] = contribution(symbols)
        ids = parts.name_ids(sorted(set(symbols.use_names)), add=True)
        parts.uses[path] = array("I", ids).tobytes()
        if symbols.exports:
            parts.exports[path] = {x.name: "gpl" if x.gpl else "plain" for x in symbols.exports}


def compute_parts(
    facts: Mapping[str, FileFacts],
    keys: Mapping[str, str],
    paths: set[str],
    resolver: ResolverFactory,
    *,
    progress: StageProgress | None = None,
) -> GraphParts:
    """All the parts, from every file's facts; ``resolver`` makes the include resolver from
    the include folders the build files give. ``progress`` counts the files twice: as their
    includes are resolved, then as their symbol uses are linked."""
    parts = GraphParts(keys=dict(keys))
    index = ModuleIndex(paths)
    if progress is not None:
        progress.phase("dependency graph: resolving includes", len(facts), unit="files")
    parts.links, parts.build_dirs = _links(facts, paths)
    built = resolver(parts.build_dirs)
    for path in counted(sorted(facts), progress):
        _file_parts(parts, path, facts[path], built, index)
    tables = SymbolTables.of(parts.contributions)
    if progress is not None:
        progress.phase("dependency graph: linking symbols", len(facts), unit="files")
    parts.symbols = link_files(facts, sorted(facts), parts.includes_of(), tables, progress=progress)
    return parts


def update_parts(
    old: GraphParts,
    keys: Mapping[str, str],
    paths: set[str],
    resolver: ResolverFactory,
    load: Callable[[Collection[str]], Mapping[str, FileFacts]],
) -> tuple[GraphParts, int]:
    """The parts of the tree whose facts keys are now ``keys``, from the parts ``old`` of the
    same set of ``paths``; ``load`` gives the facts of some files. Returns the parts and how
    many files' facts were loaded. Raises :class:`StaleSnapshot` when the change moves the
    include folders the build files give (every include may resolve differently)."""
    changed = {p for p in keys.keys() | old.keys.keys() if keys.get(p) != old.keys.get(p)}
    if not changed:
        return old, 0
    new = GraphParts(
        keys=dict(keys),
        includes=dict(old.includes),
        imports=dict(old.imports),
        links=old.links,
        build_dirs=old.build_dirs,
        errors=dict(old.errors),
        symbols=dict(old.symbols),
        contributions=dict(old.contributions),
        uses=dict(old.uses),
        use_names=list(old.use_names),
        exports=dict(old.exports),
    )
    facts = dict(load(changed & keys.keys()))
    if any(reader_for(p) in LINK_READERS for p in changed):
        link_paths = [p for p in keys if reader_for(p) in LINK_READERS]
        link_facts = {**load([p for p in link_paths if p not in facts]), **facts}
        new.links, build_dirs = _links(
            {p: link_facts[p] for p in link_paths if p in link_facts}, paths
        )
        if build_dirs != old.build_dirs:
            raise StaleSnapshot("the build files' include folders changed")
    index = ModuleIndex(paths)
    needs = any(facts[p].includes for p in facts)
    built = resolver(new.build_dirs) if needs else IncludeResolver(())
    for path in sorted(changed):
        new.symbols.pop(path, None)
        if path in facts:
            _file_parts(new, path, facts[path], built, index)
        else:  # skipped now (unreadable, binary...): a node without edges
            for table in (new.includes, new.imports, new.contributions, new.uses, new.exports,
                          new.errors):  # fmt: skip
                table.pop(path, None)

    tables = SymbolTables.of(new.contributions)
    # a name's table entries changed when a changed file's own entries for it did (the
    # tables list files in path order); only a name some file defines can link
    moved_names = {
        name
        for path in changed
        for name, _ in _entries(old.contributions.get(path)) ^ _entries(new.contributions.get(path))
    }
    defined_before = {
        name for c in old.contributions.values() for name in c.definitions if name in moved_names
    }
    linkable = {n for n in moved_names if n in defined_before or tables.definitions.get(n)}
    affected = {p for p in changed if p in new.uses}
    if linkable:
        affected.update(new.users(linkable))
    old_includes, includes_of = old.includes_of(), new.includes_of()
    moved = {p for p in changed if old_includes.get(p) != includes_of.get(p)}
    if moved:
        affected.update(_includers(moved, [old_includes, includes_of]) & new.uses.keys())
    facts.update(load(affected - facts.keys()))
    if not affected <= facts.keys():
        raise StaleSnapshot(sorted(affected - facts.keys())[0])
    relinked = link_files(facts, sorted(affected), includes_of, tables)
    for path in affected:
        new.symbols.pop(path, None)
    new.symbols.update(relinked)
    return new, len(facts)


def _entries(part: SymbolContribution | None) -> set[tuple[str, object]]:
    """A file's table entries, each with how it appears (kind, position among its kind)."""
    if part is None:
        return set()
    entries: set[tuple[str, object]] = set()
    for kind, names in (("d", part.definitions), ("c", part.declarations)):
        for n, name in enumerate(names):
            entries.add((name, (kind, names[:n].count(name))))
    for n, (name, gpl) in enumerate(part.exports):
        entries.add((name, ("x", gpl, [x for x, _ in part.exports[:n]].count(name))))
    return entries


def _includers(headers: set[str], graphs: Iterable[Mapping[str, Sequence[str]]]) -> set[str]:
    """Every file that includes one of ``headers``, directly or through other files."""
    included_by: dict[str, set[str]] = defaultdict(set)
    for includes_of in graphs:
        for path, targets in includes_of.items():
            for target in targets:
                included_by[target].add(path)
    seen: set[str] = set()
    stack = list(headers)
    while stack:
        for path in included_by.get(stack.pop(), ()):
            if path not in seen:
                seen.add(path)
                stack.append(path)
    return seen
