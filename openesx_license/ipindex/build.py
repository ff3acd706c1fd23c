"""Build a fingerprint index from a proprietary tree (``openesx-license fingerprint``)."""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openesx_license.csource.lexer import is_c_family
from openesx_license.errors import UsageError
from openesx_license.ipindex.fileprint import FilePrint, print_files
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters, IndexWriter


@dataclass(frozen=True, kw_only=True)
class IndexSummary:
    """What a build put into the index."""

    files: int
    skipped: int  # C-family files no component claimed
    fingerprints: int
    symbols: int
    headers: int
    components: dict[str, int]  # component -> files
    errors: tuple[str, ...]  # unreadable or oversized files ('path: why')
    seconds: float


def c_family_files(root: Path, exclude: Sequence[str] = ()) -> list[str]:
    """The C-family files under ``root`` (relative, '/'-separated, sorted); hidden folders and
    symbolic links are skipped, ``exclude`` globs drop more."""
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_dir = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if not is_c_family(name) or os.path.islink(os.path.join(folder, name)):
                continue
            if any(fnmatch.fnmatchcase(rel, pattern) for pattern in exclude):
                continue
            found.append(rel)
    return sorted(found)


def top_level_component(tree: Path) -> Callable[[str], str]:
    """Component by top-level folder; files at the top belong to a component named after
    the tree itself."""
    fallback = tree.resolve().name or "proprietary"

    def component_of(path: str) -> str:
        return path.split("/", 1)[0] if "/" in path else fallback

    return component_of


def write_index(
    root: Path,
    paths: Iterable[str],
    component_of: Callable[[str], str | None],
    params: IndexParameters,
    out: Path | None,
    *,
    jobs: int = 1,
    source: str = "",
    printer: Callable[[list[str]], Iterable[FilePrint]] | None = None,
) -> tuple[FingerprintIndex, IndexSummary]:
    """Fingerprint ``paths`` of ``root`` into an index at ``out`` (in memory when None).

    Files for which ``component_of`` returns None are skipped (counted in the summary).
    ``printer`` prints a list of paths (e.g. through the print cache); by default the files
    are read and printed in ``jobs`` processes.
    """
    start = time.perf_counter()
    claimed: list[tuple[str, str]] = []
    skipped = 0
    for path in paths:
        component = component_of(path)
        if component is None:
            skipped += 1
        else:
            claimed.append((path, component))
    writer = IndexWriter(out, params, source=source)
    components: dict[str, int] = {}
    errors: list[str] = []
    fingerprints = symbols = headers = 0
    try:
        wanted = [p for p, _ in claimed]
        prints = (
            printer(wanted)
            if printer is not None
            else print_files(root, wanted, params.k, params.window, jobs=jobs)
        )
        for (path, component), fp in zip(claimed, prints, strict=True):
            if fp.error:
                errors.append(f"{path}: not indexed: {fp.error}")
            writer.add(fp, component)
            components[component] = components.get(component, 0) + 1
            fingerprints += len(fp)
            symbols += sum(1 for d in fp.definitions if d.exported)
            headers += path.lower().endswith((".h", ".hh", ".hpp", ".hxx"))
        index = writer.finish()
    except BaseException:
        writer.abort()
        raise
    summary = IndexSummary(
        files=len(claimed),
        skipped=skipped,
        fingerprints=fingerprints,
        symbols=symbols,
        headers=headers,
        components=dict(sorted(components.items())),
        errors=tuple(errors),
        seconds=round(time.perf_counter() - start, 2),
    )
    return index, summary


def build_index(
    tree: Path,
    out: Path,
    params: IndexParameters,
    *,
    component_of: Callable[[str], str | None] | None = None,
    exclude: Sequence[str] = (),
    jobs: int = 1,
) -> IndexSummary:
    """Fingerprint every C-family file of ``tree`` into the index file ``out``.

    ``component_of`` names each file's component (None: skip the file); by default the
    top-level folder. Raises UsageError when ``tree`` is not a folder.
    """
    if not tree.is_dir():
        raise UsageError(f"{tree}: no such folder (the proprietary tree to fingerprint)")
    if params.k < 2 or params.window < 1:
        raise UsageError(f"-k must be at least 2 and --window at least 1 (got {params})")
    index, summary = write_index(
        tree,
        c_family_files(tree, exclude),
        component_of or top_level_component(tree),
        params,
        out,
        jobs=jobs,
        source=tree.resolve().name,
    )
    index.close()
    return summary
