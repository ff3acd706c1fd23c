"""Enumerate a tree: git-tracked files in a git work tree, a filesystem walk otherwise.

Every listed path becomes a :class:`~openesx_license.model.FileEntry` with size, sha1, kind and
language. Problems never stop the listing: an unreadable file or folder, a symlink out of the
tree or a symlink loop, a FIFO, a file that vanished between listing and reading each become
an entry whose ``errors`` say what happened (sha1 ``''``), and the walk goes on. What the
default exclusions leave out is listed (:class:`Inventory`), and they never apply to a file git
tracks: ``git archive`` ships it, so it is audited.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openesx_license._util.git import GitMissing, run_git
from openesx_license._util.globs import excluded
from openesx_license.errors import UsageError
from openesx_license.inventory.classify import SNIFF_BYTES, kind_of, language_of, looks_binary
from openesx_license.inventory.stat_cache import StatCache
from openesx_license.model import FileEntry, FileKind

#: folders never listed, wherever they are
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
#: build output folders, skipped at the top of the tree only (``automation/build`` is source)
SKIPPED_TOP_DIRS = frozenset({"build", "dist"})
#: build products skipped by name anywhere
BUILD_OUTPUT = ("**/*.o", "**/*.obj", "**/*.pyc", "**/*.pyo", "**/*.ko", "**/.*.cmd", "**/.*.d")

#: a file larger than this is read only up to :data:`HEAD_BYTES` for detection
LARGE_FILE_BYTES = 10 * 2**20
HEAD_BYTES = 2**20
_CHUNK = 2**20


def too_large_note(size: int) -> str:
    """The error recorded for a file above :data:`LARGE_FILE_BYTES`."""
    return (
        f"too large ({size / 2**20:.1f} MiB > {LARGE_FILE_BYTES // 2**20} MiB): "
        f"only the first {HEAD_BYTES // 2**10} KiB scanned for licence and copyright"
    )


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """The listing of a tree: its entries, and what the default exclusions left out."""

    entries: tuple[FileEntry, ...]
    #: paths the default exclusions left out (folders end with ``/``), sorted; never a file
    #: git tracks (those ship with ``git archive`` and are always audited)
    skipped: tuple[str, ...] = ()


def list_files(
    root: Path, *, exclude: Sequence[str] = (), cache_dir: Path | None = None
) -> list[FileEntry]:
    """The entries of :func:`list_tree` (sorted by path)."""
    return list(list_tree(root, exclude=exclude, cache_dir=cache_dir).entries)


def list_tree(
    root: Path, *, exclude: Sequence[str] = (), cache_dir: Path | None = None
) -> Inventory:
    """List, hash and classify the files of ``root`` (sorted by path).

    ``exclude`` holds policy globs relative to ``root`` (:mod:`openesx_license._util.globs`;
    a glob naming a folder leaves out everything below it); the default exclusions (VCS
    folders, caches, top-level ``build/`` and ``dist/``, object files) apply to files git does
    not track and are listed in :attr:`Inventory.skipped`. An unreadable folder becomes an
    entry with an error (its files could not be listed). With ``cache_dir``, a file whose size,
    times and inode are those recorded by an earlier listing is not read again
    (:mod:`~openesx_license.inventory.stat_cache`). Raises :class:`UsageError` when ``root`` is
    not a readable folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    if not os.access(root, os.R_OK | os.X_OK):
        raise UsageError(f"{root}: cannot read the folder (permission denied)")
    root_real = os.path.realpath(root)
    skipped: list[str] = []
    problems: list[FileEntry] = []
    listed = _git_listing(root, skipped, problems)
    candidates = listed if listed is not None else list(_walk_paths(root, skipped, problems))
    with StatCache(cache_dir, root_real) as known:
        entries = [
            entry
            for rel in candidates
            if not excluded(rel, exclude)
            if (entry := _entry(root, root_real, rel, known)) is not None
        ]
    entries.extend(p for p in problems if not excluded(p.path, exclude))
    entries.sort(key=lambda e: e.path)
    return Inventory(entries=tuple(entries), skipped=tuple(sorted(set(skipped))))


def default_skipped(rel: str) -> bool:
    """True when a default exclusion leaves out the file ``rel`` (unless git tracks it)."""
    parts = rel.split("/")
    if parts[0] in SKIPPED_TOP_DIRS and len(parts) > 1:
        return True
    if any(p in SKIPPED_DIRS for p in parts[:-1]):
        return True
    return excluded(rel, BUILD_OUTPUT)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_git(root, *args, timeout=600)


_UNREADABLE_DIR = re.compile(r"could not open directory '(.+?)/?': (.+)$", re.MULTILINE)


def _git_listing(root: Path, skipped: list[str], problems: list[FileEntry]) -> list[str] | None:
    """Tracked paths, and untracked-but-not-ignored ones the default exclusions keep, below
    ``root`` (relative to it); None when ``root`` is not in a git work tree."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != b"true":
            return None
        prefix = _git(root, "rev-parse", "--show-prefix")
        tracked = _git(root, "ls-files", "-z", "--full-name", "--cached", "--", ".")
        others = _git(
            root, "ls-files", "-z", "--full-name", "--others", "--exclude-standard", "--", "."
        )
    except (GitMissing, OSError):  # git not installed
        return None
    if prefix.returncode != 0 or tracked.returncode != 0 or others.returncode != 0:
        return None
    strip = os.fsdecode(prefix.stdout.strip())

    def relative(raw: bytes) -> str:
        path = os.fsdecode(raw)
        return path[len(strip) :] if strip and path.startswith(strip) else path

    paths: list[str] = []
    for raw in tracked.stdout.split(b"\0"):
        if not raw:
            continue
        path = relative(raw)
        if (root / path).is_dir() and not (root / path).is_symlink():
            # a submodule (gitlink): list its files from the filesystem
            sub_skipped: list[str] = []
            sub_problems: list[FileEntry] = []
            paths.extend(
                f"{path}/{sub}" for sub in _walk_paths(root / path, sub_skipped, sub_problems)
            )
            skipped.extend(f"{path}/{sub}" for sub in sub_skipped)
            problems.extend(replace(p, path=f"{path}/{p.path}") for p in sub_problems)
        else:
            paths.append(path)
    for raw in others.stdout.split(b"\0"):
        if raw:
            path = relative(raw)
            (skipped if default_skipped(path) else paths).append(path)
    for match in _UNREADABLE_DIR.finditer(os.fsdecode(others.stderr)):
        folder = relative(os.fsencode(match.group(1)))
        problems.append(_unreadable_folder(folder, match.group(2).strip()))
    return list(dict.fromkeys(paths))


def _unreadable_folder(rel: str, reason: str) -> FileEntry:
    return _error_entry(rel, f"unreadable folder ({reason}): its files could not be listed")


def _walk_paths(root: Path, skipped: list[str], problems: list[FileEntry]) -> Iterator[str]:
    """Relative paths of a filesystem walk that never follows a symlinked folder.

    Iterative (a tree 10,000 folders deep is no deeper for it than a flat one); folders and
    files a default exclusion leaves out go to ``skipped`` (folders with a trailing ``/``),
    folders that cannot be read to ``problems``."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as listing:
                children = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if rel_dir:
                problems.append(_unreadable_folder(rel_dir, exc.strerror or str(exc)))
            continue
        prefix = rel_dir + "/" if rel_dir else ""
        folders = []
        for child in children:
            rel = prefix + child.name
            try:
                is_dir = child.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if child.name in SKIPPED_DIRS or (not rel_dir and child.name in SKIPPED_TOP_DIRS):
                    skipped.append(rel + "/")
                else:
                    folders.append(rel)
            elif excluded(rel, BUILD_OUTPUT):
                skipped.append(rel)
            else:
                # files, and symlinked folders (reported only when they leave the tree)
                yield rel
        stack.extend(reversed(folders))


def _error_entry(rel: str, message: str, size: int = 0) -> FileEntry:
    return FileEntry(path=rel, size=size, sha1="", kind=FileKind.OTHER, errors=(message,))


def _entry(root: Path, root_real: str, rel: str, known: StatCache) -> FileEntry | None:
    full = os.path.join(root, rel)
    try:
        lst = os.lstat(full)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            return _error_entry(rel, f"unreadable: {exc.strerror}")
        return _error_entry(rel, f"vanished before it could be read: {exc.strerror}")
    if stat.S_ISLNK(lst.st_mode):
        problem = _symlink_problem(full, root_real)
        if problem:
            return _error_entry(rel, problem)
        if os.path.isdir(full):
            return None  # an in-tree folder link: its files are listed where they live
    try:
        st = os.stat(full)
    except OSError as exc:
        return _error_entry(rel, f"cannot stat: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            return None
        return _error_entry(rel, "not a regular file (FIFO, socket or device): skipped")
    entry = known.get(rel, st)
    if entry is None:
        entry = hash_file(full, rel, st.st_size)
        known.put(entry, st)
    return entry


def _symlink_problem(full: str, root_real: str) -> str | None:
    try:
        os.stat(full)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop: not followed"
        return f"broken symlink -> {os.readlink(full)}"
    target = os.path.realpath(full)
    if target != root_real and not target.startswith(root_real.rstrip("/") + "/"):
        return f"symlink to outside the tree ({os.readlink(full)}): not followed"
    return None


def hash_file(full: str, rel: str, size: int) -> FileEntry:
    """Hash and classify one regular file; unreadable files become an error entry."""
    sha1 = hashlib.sha1(usedforsecurity=False)
    head = b""
    errors: list[str] = []
    try:
        with open(full, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                if not head:
                    head = chunk[:SNIFF_BYTES]
                sha1.update(chunk)
    except OSError as exc:
        return _error_entry(rel, f"unreadable: {exc.strerror or exc}", size)
    name = rel.rsplit("/", 1)[-1]
    binary = looks_binary(head, name)
    if size > LARGE_FILE_BYTES and not binary:
        errors.append(too_large_note(size))
    return FileEntry(
        path=rel,
        size=size,
        sha1=sha1.hexdigest(),
        kind=kind_of(rel, binary=binary),
        language=None if binary else language_of(name, head),
        errors=tuple(errors),
    )
