"""The fingerprint of one file: winnowed k-gram hashes with line spans, includes and symbols.

:func:`print_text` is the one place where source text turns into what the index keeps; nothing
it returns holds source text except the names in ``definitions`` and ``used`` (kept in memory
for matching; the index stores symbols only as salted hashes, see
:mod:`openesx_license.ipindex.store`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from openesx_license.ipindex.symbols import Definition, definitions, used_names
from openesx_license.ipindex.tokens import Include, TokenStream, tokenize
from openesx_license.ipindex.winnow import back_references, kgram_hashes, winnow

MAX_FILE_BYTES = 4 * 1024 * 1024  # larger files are generated tables, not hand-written code
#: a k-gram that repeats itself with a period this short is a table or a list of declarations
#: (``#define I N``, ``I I ;``, ``case I : return S ;``): a shape every project has, no evidence
MAX_TABLE_PERIOD = 8


def is_periodic(norm: list[str], pos: int, k: int, max_period: int = MAX_TABLE_PERIOD) -> bool:
    """True when the k-gram at ``pos`` is a short pattern repeated (period <= ``max_period``)."""
    end = pos + k
    return any(
        norm[pos + p : end] == norm[pos : end - p] for p in range(1, min(max_period, k - 1) + 1)
    )


def stream_hashes(stream: TokenStream, k: int) -> list[int]:
    """The hash of every k-gram of a token stream, identifiers parameterised by their
    spelling (see :func:`openesx_license.ipindex.winnow.kgram_hashes`)."""
    return kgram_hashes(stream.norm, k, back_references(stream.norm, stream.raw))


@dataclass(frozen=True, kw_only=True)
class FilePrint:
    """Fingerprints and symbols of one file (arrays run in parallel, one entry a fingerprint)."""

    path: str
    hashes: array[int] = field(default_factory=lambda: array("q"))
    positions: array[int] = field(default_factory=lambda: array("l"))  # first token of k-gram
    start_lines: array[int] = field(default_factory=lambda: array("l"))
    end_lines: array[int] = field(default_factory=lambda: array("l"))
    tokens: int = 0
    lines: int = 0
    includes: tuple[Include, ...] = ()
    definitions: tuple[Definition, ...] = ()
    used: dict[str, int] = field(default_factory=dict)  # name -> first line (open side only)
    #: open side only (``full=True``): the hash of every k-gram and the line of every token,
    #: to look up k-grams the proprietary side selected and this file's winnowing did not
    all_hashes: array[int] = field(default_factory=lambda: array("q"))
    token_lines: array[int] = field(default_factory=lambda: array("l"))
    error: str | None = None

    def __len__(self) -> int:
        return len(self.hashes)


def print_text(
    path: str, text: str, k: int, window: int, *, uses: bool = False, full: bool = False
) -> FilePrint:
    """Fingerprint the C-family source ``text`` of ``path``.

    ``uses`` also collects the names the file refers to, ``full`` keeps every k-gram hash and
    token line (both needed on the open side only).
    """
    stream = tokenize(text)
    hashes = stream_hashes(stream, k)
    norm = stream.norm
    selected = [p for p in winnow(hashes, window) if not is_periodic(norm, p, k)]
    lines = stream.lines
    last = k - 1
    return FilePrint(
        path=path,
        hashes=array("q", [hashes[p] for p in selected]),
        positions=array("l", selected),
        start_lines=array("l", [lines[p] for p in selected]),
        end_lines=array("l", [lines[p + last] for p in selected]),
        tokens=len(stream),
        lines=stream.line_count,
        includes=tuple(stream.includes),
        definitions=tuple(definitions(stream)),
        used=used_names(stream) if uses else {},
        all_hashes=array("q", hashes) if full else array("q"),
        token_lines=array("l", lines) if full else array("l"),
    )


def print_file(
    root: Path, path: str, k: int, window: int, *, uses: bool = False, full: bool = False
) -> FilePrint:
    """Read ``root/path`` and fingerprint it; an unreadable or huge file gives an empty print."""
    try:
        source = root / path
        if source.stat().st_size > MAX_FILE_BYTES:
            return FilePrint(path=path, error=f"larger than {MAX_FILE_BYTES} bytes: not indexed")
        text = source.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return FilePrint(path=path, error=f"cannot read: {exc.strerror or exc}")
    return print_text(path, text, k, window, uses=uses, full=full)


def _print_one(args: tuple[Path, str, int, int, bool, bool]) -> FilePrint:
    root, path, k, window, uses, full = args
    return print_file(root, path, k, window, uses=uses, full=full)


def print_files(
    root: Path,
    paths: Iterable[str],
    k: int,
    window: int,
    *,
    uses: bool = False,
    full: bool = False,
    jobs: int = 1,
) -> Iterator[FilePrint]:
    """Fingerprint many files, in ``jobs`` worker processes when more than one; input order."""
    work = [(root, p, k, window, uses, full) for p in paths]
    if jobs <= 1 or len(work) < 64:
        yield from map(_print_one, work)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_print_one, work, chunksize=32)
