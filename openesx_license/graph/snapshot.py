"""The previous build's :class:`~.parts.GraphParts`, kept so that the next build only redoes
what changed.

One snapshot per tree and include configuration in ``graph-snapshot.sqlite`` of the cache
folder: its slot key holds the digest of the graph code, the Python version (the value is
``marshal`` data: plain tuples and dicts, fast to load and unable to run code), the root,
the include folders and the compilation database; the value also records the set of paths
it was built for. A snapshot of another set of paths is not used (the builder computes
everything and replaces it). Each build writes its parts back when they changed.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openesx_license._util.kvcache import KeyValueCache, parts_digest, source_digest
from openesx_license.graph.kbuild import LinkEdge
from openesx_license.graph.parts import GraphParts
from openesx_license.graph.symbol_edges import LinkedFile, SymbolContribution, SymbolEdge
from openesx_license.model import Evidence

CACHE_FILE = "graph-snapshot.sqlite"
_FORMAT = 4
#: the modules whose code decides the parts
GRAPH_MODULES = (
    "openesx_license.csource.definitions",
    "openesx_license.csource.directives",
    "openesx_license.csource.lexer",
    "openesx_license.csource.symbols",
    "openesx_license.csource.uses",
    "openesx_license.graph.automake",
    "openesx_license.graph.builder",
    "openesx_license.graph.cargo",
    "openesx_license.graph.cmake",
    "openesx_license.graph.facts",
    "openesx_license.graph.includes",
    "openesx_license.graph.kbuild",
    "openesx_license.graph.makefile",
    "openesx_license.graph.meson",
    "openesx_license.graph.parts",
    "openesx_license.graph.pyimports",
    "openesx_license.graph.symbol_edges",
    __name__,
)


def paths_digest(paths: Iterable[str]) -> str:
    """Digest of a set of paths."""
    return parts_digest(sorted(paths))


def slot_key(root: Path, include_dirs: Iterable[str], compile_commands: Path | None) -> str:
    """The snapshot slot of a tree and its include configuration."""
    digest = hashlib.sha256()
    for part in (str(root), "\0".join(include_dirs), str(compile_commands or "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if compile_commands is not None:
        try:
            digest.update(compile_commands.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    code = source_digest(*GRAPH_MODULES)
    return f"{_FORMAT}:{code}:{sys.version_info[:3]}:{digest.hexdigest()[:24]}"


def _encode(parts: GraphParts, paths: str) -> bytes:
    links = tuple(
        (e.source, e.target, e.evidence.line, e.evidence.text, e.evidence.kind, e.extras)
        for e in parts.links
    )
    symbols = {
        path: (
            tuple(
                (e.target, e.symbol, e.symbols, e.gpl_only, e.evidence.line, e.evidence.text)
                for e in linked.edges
            ),
            linked.linked,
            linked.ambiguous,
            linked.undeclared,
        )
        for path, linked in parts.symbols.items()
    }
    contributions = {
        path: (c.definitions, c.declarations, c.exports) for path, c in parts.contributions.items()
    }
    data = (
        _FORMAT,
        paths,
        parts.keys,
        parts.includes,
        parts.imports,
        links,
        symbols,
        contributions,
        parts.uses,
        tuple(parts.use_names),
        parts.exports,
        parts.build_dirs,
        parts.errors,
    )
    return marshal.dumps(data)  # not compressed: written and read on every re-audit


def _decode(blob: bytes, paths: str) -> GraphParts | None:
    data: Any = marshal.loads(blob)
    if data[0] != _FORMAT or data[1] != paths:
        return None
    (_, _, keys, includes, imports, links, symbols, contributions, uses, names, exports,
     build_dirs, errors) = data  # fmt: skip
    return GraphParts(
        keys=keys,
        includes=includes,
        imports=imports,
        links=tuple(
            LinkEdge(
                source=s, target=t, evidence=Evidence(path=s, line=ln, text=x, kind=k), extras=e
            )
            for s, t, ln, x, k, e in links
        ),
        symbols={
            path: LinkedFile(
                edges=tuple(
                    SymbolEdge(
                        source=path,
                        target=t,
                        symbol=name,
                        symbols=names,
                        gpl_only=gpl,
                        evidence=Evidence(path=path, line=ln, text=x, kind="symbol"),
                    )
                    for t, name, names, gpl, ln, x in edges
                ),
                linked=linked,
                ambiguous=ambiguous,
                undeclared=undeclared,
            )
            for path, (edges, linked, ambiguous, undeclared) in symbols.items()
        },
        contributions={
            path: SymbolContribution(definitions=d, declarations=c, exports=x)
            for path, (d, c, x) in contributions.items()
        },
        uses=uses,
        use_names=list(names),
        exports=exports,
        build_dirs=build_dirs,
        errors=errors,
    )


class GraphSnapshots:
    """Read and write the snapshot of one slot; ``folder=None`` disables it."""

    def __init__(self, folder: Path | None, slot: str) -> None:
        self.slot = slot
        self._store = KeyValueCache(folder, CACHE_FILE)

    def load(self, paths: str) -> GraphParts | None:
        """The parts stored for the set of paths with digest ``paths``, or None."""
        blob = self._store.get(self.slot)
        if blob is None:
            return None
        try:
            return _decode(blob, paths)
        except (ValueError, EOFError, TypeError, IndexError):
            return None  # a damaged snapshot: build from the facts

    def save(self, parts: GraphParts, paths: str) -> None:
        """Replace the slot's snapshot."""
        self._store.put_many([(self.slot, _encode(parts, paths))])
        # snapshots of the same tree made by other versions of the code are dead weight
        self._store.delete_like("%:" + self.slot.rsplit(":", 1)[1], keep=self.slot)

    def close(self) -> None:
        """Close the database."""
        self._store.close()
