"""Enumerate a tree: git-tracked files in a git work tree, a filesystem walk otherwise.

Every listed path becomes a :class:`~openesx_license.model.FileEntry` with size, sha1, kind and
language. Problems never stop the listing: an unreadable file, a symlink out of the tree or a
symlink loop, a FIFO, a file that vanished between listing and reading each become an entry
whose ``errors`` say what happened (sha1 ``''``), and the walk goes on.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from openesx_license._util.git import GitMissing, git_output, run_git
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


def list_files(
    root: Path, *, exclude: Sequence[str] = (), cache_dir: Path | None = None
) -> list[FileEntry]:
    """List, hash and classify the files of ``root`` (sorted by path).

    ``exclude`` holds policy globs relative to ``root`` (:mod:`openesx_license._util.globs`;
    a glob naming a folder leaves out everything below it). With ``cache_dir``, a file whose
    size, times and inode are those recorded by an earlier listing is not read again
    (:mod:`~openesx_license.inventory.stat_cache`). Raises :class:`UsageError` when ``root`` is
    not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    root_real = os.path.realpath(root)
    paths = _git_paths(root)
    candidates = paths if paths is not None else _walk_paths(root)
    with StatCache(cache_dir, root_real) as known:
        entries = [
            entry
            for rel in candidates
            if not _skipped(rel) and not excluded(rel, exclude)
            if (entry := _entry(root, root_real, rel, known)) is not None
        ]
    entries.sort(key=lambda e: e.path)
    return entries


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    if parts[0] in SKIPPED_TOP_DIRS and len(parts) > 1:
        return True
    if any(p in SKIPPED_DIRS for p in parts[:-1]):
        return True
    return excluded(rel, BUILD_OUTPUT)


def _git_paths(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored paths below ``root`` (relative to it), or None
    when ``root`` is not in a git work tree."""
    if git_output(root, "rev-parse", "--is-inside-work-tree") != "true":
        return None  # not a work tree, or no git at all
    strip = git_output(root, "rev-parse", "--show-prefix")
    try:
        listed = run_git(
            root, "ls-files", "-z", "--full-name", "--cached", "--others", "--exclude-standard",
            "--", ".",
        )  # fmt: skip
    except (GitMissing, OSError):
        return None
    if listed.returncode != 0 or strip is None:
        return None
    paths: list[str] = []
    for raw in listed.stdout.split(b"\0"):
        if not raw:
            continue
        path = os.fsdecode(raw)
        path = path[len(strip) :] if strip and path.startswith(strip) else path
        if (root / path).is_dir() and not (root / path).is_symlink():
            # a submodule (gitlink): list its files from the filesystem
            paths.extend(f"{path}/{sub}" for sub in _walk_paths(root / path))
        else:
            paths.append(path)
    return paths


def _walk_paths(root: Path) -> Iterator[str]:
    """Relative paths of a filesystem walk that never follows a symlinked folder."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name in SKIPPED_DIRS or (not rel_dir and name in SKIPPED_TOP_DIRS):
                continue
            if os.path.islink(full):
                # a symlinked folder is not descended; report it only when it leaves the tree
                yield rel_dir + name
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            yield rel_dir + name


def _error_entry(rel: str, message: str, size: int = 0) -> FileEntry:
    return FileEntry(path=rel, size=size, sha1="", kind=FileKind.OTHER, errors=(message,))


def _entry(root: Path, root_real: str, rel: str, known: StatCache) -> FileEntry | None:
    full = os.path.join(root, rel)
    try:
        lst = os.lstat(full)
    except OSError as exc:
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
    binary = looks_binary(head)
    if size > LARGE_FILE_BYTES and not binary:
        errors.append(too_large_note(size))
    name = rel.rsplit("/", 1)[-1]
    return FileEntry(
        path=rel,
        size=size,
        sha1=sha1.hexdigest(),
        kind=kind_of(rel, binary=binary),
        language=None if binary else language_of(name, head),
        errors=tuple(errors),
    )
