"""Symbol edges: which file's definition a use in another file refers to.

A use of ``name`` in file ``A`` becomes an edge ``A -> B`` when ``B`` holds a non-static
top-level definition of ``name`` and the choice of ``B`` is clear:

* ``A`` does not define ``name`` itself (a local definition, static or not, shadows others);
* ``name`` is defined in exactly one other file, or among several: the one next to a header
  ``A`` includes (``dir/foo.c`` for ``dir/foo.h``), else the one nearest (most leading folders
  shared) to the header whose declaration ``A`` sees, else the one in ``A``'s own folder, else
  the only one outside stub, test and hidden folders (QEMU's ``stubs/`` define fallbacks of
  real functions, Debian's ``.pc/`` keeps pristine copies of patched files), else the one
  nearest to ``A`` (a firmware under ``roms/SLOF/`` links its own ``memcpy``), a tie broken by
  the stem of an included header; otherwise the use is *ambiguous* and makes no edge
  (counted on the graph);
* a declaration of ``name`` (a prototype or an ``extern``) must be visible in ``A``: in ``A``
  itself or in a header it includes, directly or through other headers. C needs one before a
  call, so this costs little recall and keeps out a local variable ``size`` that happens to
  share a global's name, and definitions of library functions in model or firmware files
  (QEMU's Coverity model defines ``g_free``) that ``A`` never sees.

All non-GPL uses of ``B`` by ``A`` make one edge (``symbol`` = the first by line, ``symbols`` =
all of them); a use of an ``EXPORT_SYMBOL_GPL`` symbol gets an edge of its own with
``gpl_only=True``, so a rule can report each GPL-only symbol.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from openesx_license._util.progress import ProgressSink, counted
from openesx_license.csource.symbols import CSymbols
from openesx_license.graph.facts import FileFacts
from openesx_license.model import Evidence


@dataclass(frozen=True, kw_only=True)
class SymbolEdge:
    """One symbol edge as the builder adds it."""

    source: str
    target: str
    symbol: str
    symbols: tuple[str, ...]
    gpl_only: bool
    evidence: Evidence


@dataclass(kw_only=True)
class SymbolLinkStats:
    """How many uses linked, and how many were left out as ambiguous or undeclared."""

    linked: int = 0
    ambiguous: int = 0
    undeclared: int = 0
    exports: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {name: kind}


#: folders whose definitions are fallbacks or test doubles (QEMU's stubs/, tests/)
_STUB_FOLDERS = frozenset({"stubs", "stub", "tests", "test", "testsuite", "mock", "mocks"})


def _nearest(path: str, candidates: list[str]) -> list[str]:
    """The candidates sharing the most leading folders with ``path`` (at least one)."""
    parts = path.split("/")[:-1]

    def shared(candidate: str) -> int:
        count = 0
        for mine, theirs in zip(parts, candidate.split("/")[:-1], strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    depths = [shared(c) for c in candidates]
    best = max(depths, default=0)
    return [c for c, d in zip(candidates, depths, strict=True) if d == best] if best else []


@dataclass(frozen=True, kw_only=True)
class SymbolContribution:
    """What one file adds to the tree's symbol tables (in the file's order)."""

    definitions: tuple[str, ...]  # non-static definitions
    declarations: tuple[str, ...]
    exports: tuple[tuple[str, bool], ...]  # (name, gpl)


def contribution(symbols: CSymbols) -> SymbolContribution:
    """The table entries of one file's symbols."""
    return SymbolContribution(
        definitions=tuple(d.name for d in symbols.definitions if not d.static),
        declarations=tuple(symbols.declarations),
        exports=tuple((x.name, x.gpl) for x in symbols.exports),
    )


@dataclass(kw_only=True)
class SymbolTables:
    """Who defines, declares and exports each name (files in path order)."""

    definitions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    declared_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    exports_by_name: dict[str, list[tuple[str, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def of(cls, contributions: Mapping[str, SymbolContribution]) -> SymbolTables:
        """The tables of the files' ``contributions``."""
        tables = cls()
        for path in sorted(contributions):
            part = contributions[path]
            for name in part.definitions:
                tables.definitions[name].append(path)
            for name in part.declarations:
                tables.declared_in[name].append(path)
            for name, gpl in part.exports:
                tables.exports_by_name[name].append((path, gpl))
        return tables

    def entry(self, name: str) -> tuple[object, ...]:
        """Everything the tables say about ``name`` (to tell whether it changed)."""
        return (
            tuple(self.definitions.get(name, ())),
            tuple(self.declared_in.get(name, ())),
            tuple(self.exports_by_name.get(name, ())),
        )


@dataclass(frozen=True, kw_only=True)
class LinkedFile:
    """The symbol edges of one file's uses, and how many uses were left out."""

    edges: tuple[SymbolEdge, ...]
    linked: int
    ambiguous: int
    undeclared: int


def exports_of(facts: Mapping[str, FileFacts]) -> dict[str, dict[str, str]]:
    """Per file with ``EXPORT_SYMBOL`` lines: ``{name: 'gpl' | 'plain'}``."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(facts):
        symbols = facts[path].symbols
        if symbols is None:
            continue
        for export in symbols.exports:
            out.setdefault(path, {})[export.name] = "gpl" if export.gpl else "plain"
    return out


def link_symbols(
    facts: Mapping[str, FileFacts], includes_of: Mapping[str, Sequence[str]]
) -> tuple[list[SymbolEdge], SymbolLinkStats]:
    """Symbol edges of the tree (see the module docstring) and what was left out."""
    contributions = {
        path: contribution(f.symbols) for path, f in facts.items() if f.symbols is not None
    }
    linked = link_files(facts, sorted(facts), includes_of, SymbolTables.of(contributions))
    stats = SymbolLinkStats(exports=exports_of(facts))
    edges: list[SymbolEdge] = []
    for path in sorted(linked):
        result = linked[path]
        edges.extend(result.edges)
        stats.linked += result.linked
        stats.ambiguous += result.ambiguous
        stats.undeclared += result.undeclared
    return edges, stats


def reachable(edges: Mapping[str, Sequence[str]]) -> Callable[[str], frozenset[str]]:
    """``closed(node)``: ``node`` and every node reachable from it along ``edges``.

    Remembered per strongly connected component (an include cycle shares one set), found by
    Tarjan's algorithm from each node asked about, so that the headers every file of a
    kernel includes are walked once, not once per file: the union of a few remembered sets
    replaces a walk of thousands of headers for each of tens of thousands of files.
    """
    done: dict[str, frozenset[str]] = {}

    def closed(start: str) -> frozenset[str]:
        known = done.get(start)
        if known is not None:
            return known
        index = {start: 0}
        low = {start: 0}
        stack, on_stack = [start], {start}
        work = [(start, iter(edges.get(start, ())))]
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ in done:
                    continue  # a component closed before: its set is final
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edges.get(succ, ()))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:  # node roots a component: close it
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    found = set(members)
                    for member in members:  # every other component it reaches is closed
                        for succ in edges.get(member, ()):
                            if succ not in found:
                                found |= done[succ]
                    frozen = frozenset(found)
                    for member in members:
                        done[member] = frozen
        return done[start]

    return closed


def link_files(
    facts: Mapping[str, FileFacts],
    paths: Sequence[str],
    includes_of: Mapping[str, Sequence[str]],
    tables: SymbolTables,
    *,
    progress: ProgressSink | None = None,
) -> dict[str, LinkedFile]:
    """Link the uses of ``paths`` (each must have facts) against the tree's ``tables``.

    A file's result depends only on its own facts, the files it includes (directly or
    through others), and the table entries of the names it uses: that is what lets the
    graph builder relink only the files a change can affect.
    """
    definitions = tables.definitions
    declared_in = tables.declared_in
    exports_by_name = tables.exports_by_name

    closed = reachable(includes_of)

    def reach(path: str) -> set[str]:
        """Every file ``path`` includes, directly or through other headers."""
        seen: set[str] = set()
        for header in includes_of.get(path, ()):
            if header not in seen:  # else everything it reaches is in ``seen`` already
                seen |= closed(header)
        return seen

    def is_gpl(name: str, target: str) -> bool:
        exports = exports_by_name.get(name)
        if not exports:
            return False
        own = [gpl for path, gpl in exports if path == target]
        if own:
            return own[0]
        return len(exports) == 1 and exports[0][1]

    split_cache: dict[str, tuple[str, str, str, bool]] = {}

    def split(path: str) -> tuple[str, str, str, bool]:
        """(path without suffix, stem, folder, is a stub or test file) of a path, memoised."""
        known = split_cache.get(path)
        if known is None:
            folder, name = path.rpartition("/")[::2]
            noext = path.rsplit(".", 1)[0] if "." in name else path
            stem = name.rsplit(".", 1)[0] if "." in name else name
            parts = folder.split("/")
            stub = (
                "stub" in name
                or not _STUB_FOLDERS.isdisjoint(parts)
                or any(part.startswith(".") for part in parts)
            )
            known = split_cache[path] = (noext, stem, folder, stub)
        return known

    header_keys: dict[str, tuple[set[str], set[str]]] = {}
    nearest_cache: dict[tuple[str, str], list[str]] = {}

    def nearest_to_header(header: str, name: str, candidates: list[str]) -> list[str]:
        """:func:`_nearest` of a declaring header among ``name``'s definitions, memoised."""
        known = nearest_cache.get((header, name))
        if known is None:
            known = nearest_cache[(header, name)] = _nearest(header, candidates)
        return known

    def choose(path: str, name: str, candidates: list[str], seen_in: list[str]) -> str | None:
        """The definition ``path`` means among several; ``seen_in``: declarations it sees."""
        keys = header_keys.get(path)
        if keys is None:
            headers = [split(h) for h in includes_of.get(path, ())]
            keys = header_keys[path] = ({h[0] for h in headers}, {h[1] for h in headers})
        narrowed = [c for c in candidates if split(c)[0] in keys[0]]  # foo.h -> foo.c
        if len(narrowed) != 1:  # the definition that goes with the declaration it sees
            near = {c for h in seen_in for c in nearest_to_header(h, name, candidates)}
            narrowed = sorted(near)
        if len(narrowed) != 1:
            folder = split(path)[2]
            narrowed = [c for c in candidates if split(c)[2] == folder]
        if len(narrowed) != 1:
            real = candidates if split(path)[3] else [c for c in candidates if not split(c)[3]]
            narrowed = real if len(real) == 1 else _nearest(path, real or candidates)
        if len(narrowed) > 1:
            narrowed = [c for c in narrowed if split(c)[1] in keys[1]]  # same stem as a header
        return narrowed[0] if len(narrowed) == 1 else None

    out: dict[str, LinkedFile] = {}
    for path in counted(paths, progress):
        symbols = facts[path].symbols
        if symbols is None or not symbols.use_names:
            continue
        linked = ambiguous = undeclared = 0
        grouped: dict[tuple[str, bool], list[tuple[int, str]]] = defaultdict(list)
        reached: set[str] | None = None
        defined = definitions.keys() & set(symbols.use_names)  # most names no file defines
        for name, line in zip(symbols.use_names, symbols.use_lines, strict=True):
            if name not in defined:
                continue
            candidates = definitions[name]
            if not candidates or path in candidates:
                continue  # unknown, or defined here too: the local one wins
            declaring = declared_in.get(name, ())
            if path in declaring:
                seen_in = [path]
            else:
                if reached is None:
                    reached = reach(path)
                seen_in = [h for h in declaring if h in reached]
                if not seen_in:
                    undeclared += 1
                    continue
            if len(candidates) == 1:
                target: str | None = candidates[0]
            else:
                target = choose(path, name, candidates, seen_in)
                if target is None:
                    ambiguous += 1
                    continue
            assert target is not None
            grouped[(target, is_gpl(name, target))].append((line, name))
            linked += 1
        edges: list[SymbolEdge] = []
        texts = symbols.line_texts
        for (target, gpl), uses in sorted(grouped.items()):
            uses.sort()
            batches = [[u] for u in uses] if gpl else [uses]
            for batch in batches:
                line, name = batch[0]
                edges.append(
                    SymbolEdge(
                        source=path,
                        target=target,
                        symbol=name,
                        symbols=tuple(sorted(n for _, n in batch)),
                        gpl_only=gpl,
                        evidence=Evidence(
                            path=path, line=line, text=texts.get(line, ""), kind="symbol"
                        ),
                    )
                )
        out[path] = LinkedFile(
            edges=tuple(edges), linked=linked, ambiguous=ambiguous, undeclared=undeclared
        )
    return out
