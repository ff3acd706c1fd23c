"""Code excerpts for the HTML report: a few lines around each evidence line, read at render time.

The audit result carries paths and line numbers, not code; a legal reviewer needs to see the
offending line in its context. :class:`SourceExcerpts` reads the scanned tree (``AuditResult.root``)
once per file, refuses anything that resolves outside the root (an evidence path is data, not a
licence to read ``/etc``), says so in plain words when a file is missing, binary or shorter than
the line, and caps every excerpt so that a 20,000-file audit still gives a reasonable page.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from openesx_license.reports.redact import redaction

#: lines shown before and after the evidence line
CONTEXT_LINES = 3
#: a longer line is cut (minified code, generated tables)
MAX_LINE_CHARS = 240
#: only the first part of a bigger file is read
MAX_FILE_BYTES = 4 * 1024 * 1024
#: files whose lines stay in memory at once (evidence of one finding often hops between a few)
_CACHED_FILES = 64
_BINARY_PROBE = 8192


@dataclass(frozen=True, kw_only=True)
class Excerpt:
    """Lines ``start``.. of a file, with ``line`` the one to highlight; or only a ``note``."""

    path: str
    line: int | None
    start: int = 0
    lines: tuple[str, ...] = ()
    note: str | None = None  # why there is no code (missing, binary, outside the tree...)

    def to_json(self) -> dict[str, object]:
        """Compact form embedded in the report's JSON (s: first line, h: highlighted, n: note)."""
        data: dict[str, object] = {"s": self.start, "h": self.line or 0, "l": list(self.lines)}
        if self.note:
            data["n"] = self.note
        return data


class SourceExcerpts:
    """Reads excerpts from the scanned tree, at most ``limit`` of them, deduplicated by location."""

    def __init__(
        self,
        root: Path,
        *,
        context: int = CONTEXT_LINES,
        limit: int = 20_000,
        hidden: Collection[str] = (),
    ) -> None:
        self._root = root.resolve() if root.exists() else root
        #: the whole tree is gone (report re-rendered elsewhere): no excerpt, one note, not many
        self.tree_missing = not root.is_dir()
        self._context = context
        self._limit = limit
        #: files whose code is never shown (--redact-proprietary): location and hash instead
        self.hidden = frozenset(hidden)
        self._files: OrderedDict[str, list[str] | str] = OrderedDict()
        self._index: dict[tuple[str, int], int] = {}
        self.excerpts: list[Excerpt] = []
        self.omitted = 0  # excerpts not read because the limit was reached

    def index_of(self, path: str, line: int | None) -> int:
        """Index in :attr:`excerpts` of the excerpt around ``path:line``; -1 when none applies.

        Evidence without a line, or whose path is not a file name at all (an external header
        such as ``<stdio.h>``, an ``ipindex:`` reference), has no excerpt.
        """
        if self.tree_missing or not line or line < 1 or not _looks_like_tree_path(path):
            return -1
        key = (path, line)
        found = self._index.get(key)
        if found is not None:
            return found
        if len(self.excerpts) >= self._limit:
            self.omitted += 1
            return -1
        self.excerpts.append(self._read(path, line))
        self._index[key] = len(self.excerpts) - 1
        return self._index[key]

    def _read(self, path: str, line: int) -> Excerpt:
        lines = self._lines(path)
        if isinstance(lines, str):
            return Excerpt(path=path, line=line, note=lines)
        if line > len(lines):
            return Excerpt(
                path=path,
                line=line,
                note=f"line {line} is past the end of the file ({len(lines)} lines): "
                "the file changed after the audit, or was read only in part",
            )
        first = max(1, line - self._context)
        last = min(len(lines), line + self._context)
        shown = tuple(lines[first - 1 : last])
        if path in self.hidden:
            return Excerpt(
                path=path, line=line, note=redaction(path, first, "\n".join(shown), last)
            )
        return Excerpt(path=path, line=line, start=first, lines=shown)

    def region(self, path: str, first: int, last: int) -> tuple[str, ...] | str:
        """Lines ``first``..``last`` of ``path`` (at most 400), or why there are none."""
        if self.tree_missing or not _looks_like_tree_path(path):
            return "the file is not in the scanned tree"
        lines = self._lines(path)
        if isinstance(lines, str):
            return lines
        last = min(last, len(lines), first + 399)
        if first < 1 or first > last:
            return f"lines {first}-{last} are not in the file any more"
        shown = tuple(lines[first - 1 : last])
        if path in self.hidden:
            return redaction(path, first, "\n".join(shown), last)
        return shown

    def _lines(self, path: str) -> list[str] | str:
        cached = self._files.get(path)
        if cached is not None:
            self._files.move_to_end(path)
            return cached
        value = self._load(path)
        self._files[path] = value
        if len(self._files) > _CACHED_FILES:
            self._files.popitem(last=False)
        return value

    def _load(self, path: str) -> list[str] | str:
        candidate = self._root / path
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            return "the file could not be opened when the report was written"
        if not resolved.is_relative_to(self._root):
            return "the path leads outside the scanned tree; it is not shown"
        if not resolved.is_file():
            return "the file is not in the scanned tree any more (moved or deleted after the audit)"
        try:
            with resolved.open("rb") as fh:
                data = fh.read(MAX_FILE_BYTES)
        except OSError as exc:
            return f"the file could not be read when the report was written ({exc.strerror})"
        if b"\0" in data[:_BINARY_PROBE]:
            return "binary file: no text to show"
        text = data.decode("utf-8", errors="replace")
        return [_cap(raw) for raw in text.splitlines()]


def _cap(line: str) -> str:
    line = line.expandtabs(8)
    if len(line) > MAX_LINE_CHARS:
        return line[:MAX_LINE_CHARS] + " …"
    return line


def _looks_like_tree_path(path: str) -> bool:
    if not path or path.startswith(("/", "<", "ipindex:")) or ":" in path.split("/", 1)[0]:
        return False
    return ".." not in path.split("/")
