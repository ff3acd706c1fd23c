"""Resolving ``#include`` names to files of the tree.

The search follows the compiler's order: for ``"name"`` the including file's folder first,
then ``-iquote`` folders; for both styles then the ``-I``/``-isystem``/``-idirafter`` folders of
the file's ``compile_commands.json`` entry, then the policy's ``[graph] include_dirs``. A file
without a database entry uses the folders that the CMake files give its target
(``target_include_directories``, :mod:`.cmake`) in the database's place. A file
that has no entry of its own (a header, a file the build did not compile) borrows the flags of
the nearest compiled file above it: same folder first, then the parent folders.

When all that fails, a quoted include whose name is the path suffix of exactly one file of the
tree is resolved to it (``resolved_by='unique-suffix'``): trees without a compilation database
still get their edges, and a name that several files could answer stays unresolved. Anything
unresolved becomes an external node.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openesx_license.errors import UsageError

_DIR_FLAGS = {"-I": "dirs", "-isystem": "dirs", "-idirafter": "after", "-iquote": "quote"}


@dataclass(frozen=True, kw_only=True)
class SearchPath:
    """The include folders of one translation unit (relative to the root, in search order)."""

    quote: tuple[str, ...] = ()
    dirs: tuple[str, ...] = ()
    #: where the folders come from: ``compile_commands`` or ``cmake`` (the CMake files'
    #: ``target_include_directories``/``include_directories``)
    origin: str = "compile_commands"


_NO_SEARCH_PATH = SearchPath()


def _relative(root: Path, directory: str, value: str) -> str | None:
    """``value`` (absolute or relative to ``directory``) relative to ``root``; None outside."""
    joined = posixpath.normpath(posixpath.join(directory, value))
    base = posixpath.normpath(str(root))
    if joined == base:
        return ""
    if not joined.startswith(base + "/"):
        return None
    return joined[len(base) + 1 :]


def _arguments(entry: dict[str, object], where: str) -> list[str]:
    arguments = entry.get("arguments")
    if isinstance(arguments, list):
        return [str(a) for a in arguments]
    if isinstance(entry.get("command"), str):
        try:
            return shlex.split(str(entry["command"]))
        except ValueError as exc:
            raise UsageError(f"{where}: 'command' cannot be split: {exc}") from exc
    raise UsageError(f"{where}: needs 'arguments' (a list) or 'command' (a string)")


def _search_path(args: Sequence[str], root: Path, directory: str) -> SearchPath:
    found: dict[str, list[str]] = {"quote": [], "dirs": [], "after": []}
    i = 0
    while i < len(args):
        arg = args[i]
        for flag, slot in _DIR_FLAGS.items():
            if arg == flag and i + 1 < len(args):
                value: str | None = args[i + 1]
                i += 1
            elif arg.startswith(flag) and len(arg) > len(flag) and not arg[len(flag)].isalpha():
                value = arg[len(flag) :]
            elif flag == "-I" and arg.startswith("-I") and len(arg) > 2:
                value = arg[2:]
            else:
                continue
            rel = _relative(root, directory, value) if value else None
            if rel is not None and rel not in found[slot]:
                found[slot].append(rel)
            break
        i += 1
    return SearchPath(quote=tuple(found["quote"]), dirs=tuple(found["dirs"] + found["after"]))


def load_compile_commands(path: Path, root: Path) -> dict[str, SearchPath]:
    """Read a ``compile_commands.json``: file path (relative to ``root``) -> its include folders.

    Raises :class:`~openesx_license.errors.UsageError` naming the file (and the entry) when it
    cannot be read or is not a compilation database; entries for files outside ``root`` are
    ignored.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the compilation database: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise UsageError(f"{path}: a compilation database is a JSON list of entries")
    root = root.resolve()
    result: dict[str, SearchPath] = {}
    problems: list[str] = []
    for number, entry in enumerate(data, start=1):
        where = f"{path}: entry #{number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            problems.append(f"{where}: needs a 'file' string")
            continue
        directory = str(entry.get("directory") or path.parent)
        directory = posixpath.normpath(posixpath.join(str(path.parent.resolve()), directory))
        try:
            args = _arguments(entry, where)
        except UsageError as exc:
            problems.append(str(exc))
            continue
        rel_file = _relative(root, directory, str(entry["file"]))
        if rel_file:
            result.setdefault(rel_file, _search_path(args, root, directory))
    if problems:
        raise UsageError("\n".join(problems))
    return result


class IncludeResolver:
    """Resolves include names for the files of one tree (see the module docstring)."""

    def __init__(
        self,
        files: Iterable[str],
        *,
        include_dirs: Sequence[str] = (),
        compile_db: dict[str, SearchPath] | None = None,
        build_dirs: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._files = set(files)
        self._include_dirs = tuple(posixpath.normpath(d).strip("/") for d in include_dirs)
        # a file's compile_commands entry is what the compiler saw: it wins over the folders
        # read from the CMake files, which stand in for a missing database
        self._db = {
            path: SearchPath(dirs=tuple(dirs), origin="cmake")
            for path, dirs in (build_dirs or {}).items()
        }
        self._db.update(compile_db or {})
        self._by_folder: dict[str, SearchPath] = {}
        for file in sorted(self._db):
            self._by_folder.setdefault(posixpath.dirname(file), self._db[file])
        self._by_basename: dict[str, list[str]] = defaultdict(list)
        for file in self._files:
            self._by_basename[posixpath.basename(file)].append(file)
        self._borrowed: dict[str, SearchPath] = {}
        self._memo: dict[tuple[SearchPath, str, str, bool], tuple[str | None, str]] = {}
        #: the last including file's search path and folder (its includes come together)
        self._last: tuple[str, SearchPath, str] = ("\0", _NO_SEARCH_PATH, "")

    def _search_path(self, path: str) -> SearchPath:
        if not self._db:
            return _NO_SEARCH_PATH
        own = self._db.get(path)
        if own is not None:
            return own
        folder = posixpath.dirname(path)
        cached = self._borrowed.get(folder)
        if cached is not None:
            return cached
        probe = folder
        while True:
            if probe in self._by_folder:
                found = self._by_folder[probe]
                break
            if not probe:
                found = _NO_SEARCH_PATH
                break
            probe = posixpath.dirname(probe)
        self._borrowed[folder] = found
        return found

    def _lookup(self, folder: str, name: str) -> str | None:
        candidate = f"{folder}/{name}" if folder else name
        if "./" in candidate or "//" in candidate or candidate.startswith("."):
            candidate = posixpath.normpath(candidate)
            if candidate.startswith("../") or candidate == "..":
                return None
        return candidate if candidate in self._files else None

    def resolve(self, including: str, name: str, *, angle: bool) -> tuple[str | None, str]:
        """``(path, how)`` for an include in ``including``; ``(None, 'unresolved')`` if none.

        ``how`` is ``folder``, ``compile_commands``, ``cmake``, ``include_dirs`` or
        ``unique-suffix``.
        """
        if name.startswith("/"):
            return None, "unresolved"
        last, search, folder = self._last
        if including != last:
            search, folder = self._search_path(including), posixpath.dirname(including)
            self._last = (including, search, folder)
        key = (search, folder, name, angle)
        known = self._memo.get(key)
        if known is None:
            known = self._memo[key] = self._resolve(key[1], name, angle, search)
        return known

    def _resolve(
        self, folder: str, name: str, angle: bool, search: SearchPath
    ) -> tuple[str | None, str]:
        if not angle:
            hit = self._lookup(folder, name)
            if hit is not None:
                return hit, "folder"
            for folder in search.quote:
                hit = self._lookup(folder, name)
                if hit is not None:
                    return hit, search.origin
        for folder in search.dirs:
            hit = self._lookup(folder, name)
            if hit is not None:
                return hit, search.origin
        for folder in self._include_dirs:
            hit = self._lookup("" if folder == "." else folder, name)
            if hit is not None:
                return hit, "include_dirs"
        if not angle:
            clean = posixpath.normpath(name)
            matches = [
                f
                for f in self._by_basename.get(posixpath.basename(clean), ())
                if f == clean or f.endswith("/" + clean)
            ]
            if len(matches) == 1:
                return matches[0], "unique-suffix"
        return None, "unresolved"
