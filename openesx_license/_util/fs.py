"""Writing files so that a reader never sees half of one, and report sets never mixed.

One writer for every output of the tool (reports, ``scan --json``, baselines, graph exports,
fingerprint indexes) and one file-mode policy: a finished file gets the mode any new file of
the user gets (``0o666`` less the umask), never ``mkstemp``'s private ``0o600``, since reports
and indexes are made to be read by others.

- :func:`atomic_write_text` / :func:`atomic_write_bytes`: a temporary sibling file, flushed to
  disk and renamed over the target (``os.replace``, atomic on POSIX).
- :func:`sibling_temp` + :func:`publish`: the same for a file another library writes (the
  SQLite fingerprint index).
- :func:`staged_folder` + :func:`swap_folder`: a *set* of files (one run's reports) written
  into a sibling temporary folder, then swapped in whole, so that a run that fails or is
  killed leaves the previous set as it was and never half of each.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def file_mode() -> int:
    """The mode of a finished file: ``0o666`` less the process umask."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """The mode of a finished folder: ``0o777`` less the process umask."""
    return 0o777 & ~_umask()


def sibling_temp(path: Path, *, suffix: str = ".tmp") -> Path:
    """A new, empty temporary file next to ``path`` (same file system: the final rename is
    atomic). The caller fills it and then calls :func:`publish` or removes it."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def publish(temp: Path, path: Path) -> None:
    """Give the finished ``temp`` file the tool's file mode, flush it to disk and rename it
    over ``path``; on failure ``temp`` is removed and the error raised."""
    try:
        os.chmod(temp, file_mode())
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary sibling file and a rename; raises
    :class:`OSError` (the target untouched, no temporary file left) when that fails."""
    temp = sibling_temp(path)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    publish(temp, path)


def encode_text(text: str) -> bytes:
    """``text`` as UTF-8; a file name that is not UTF-8 (its bytes carried as surrogate
    escapes) is written as the escape ``\\udcXX`` of each such byte: valid UTF-8 always, the
    very JSON escape inside a JSON string (so ``json.load`` gives the name back, and
    ``os.fsencode`` its bytes), and a visible escape in text and HTML."""
    return text.encode("utf-8", "backslashreplace")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (:func:`encode_text`) through :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, encode_text(text))


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A new temporary folder next to ``target`` to write a set of files into; removed when
    the block fails (and left to :func:`swap_folder` when it succeeds)."""
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if _mount_point(target):  # a renamed folder cannot leave its file system: stage inside
        parent = target
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=parent))
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def swap_folder(staged: Path, target: Path, *, owned: Collection[str]) -> None:
    """Put the files of ``staged`` in place of the set in ``target``, together.

    When ``target`` is missing, or holds only files named in ``owned`` (this tool's own
    outputs, e.g. every report file name), the two folders are exchanged in one atomic
    ``renameat2(RENAME_EXCHANGE)`` (two renames where the kernel or file system lacks it) and
    the old set is removed: no reader ever sees two runs' files side by side. A folder with
    other files in it (``--out .``) is not replaced: the new files are renamed in one by one
    (each rename atomic, none of them needing disk space, so a full disk cannot leave a mixed
    set) and the ``owned`` files this run did not write are removed; so is a folder that is a
    mount point, where the set is staged inside it. ``staged`` is gone afterwards.
    """
    try:
        os.chmod(staged, folder_mode())
        for child in staged.iterdir():
            os.chmod(child, file_mode())
        if staged.parent != target and _replaceable(target, owned):
            _exchange_folders(staged, target)
        else:
            new_names = {child.name for child in staged.iterdir()}
            for child in staged.iterdir():
                os.replace(child, target / child.name)
            for name in set(owned) - new_names:
                with contextlib.suppress(FileNotFoundError):
                    (target / name).unlink()
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _mount_point(folder: Path) -> bool:
    """True when ``folder`` exists on another file system than its parent (a mounted volume)."""
    try:
        return folder.is_dir() and folder.stat().st_dev != folder.resolve().parent.stat().st_dev
    except OSError:
        return False


def _replaceable(target: Path, owned: Collection[str]) -> bool:
    if not target.exists():
        return True
    if target.is_symlink() or not target.is_dir():
        return False
    cwd = Path.cwd()
    if cwd == target.resolve() or target.resolve() in cwd.parents:
        return False  # never pull the working folder from under the user
    return all(child.name in owned and child.is_file() for child in target.iterdir())


def _exchange_folders(staged: Path, target: Path) -> None:
    """Exchange ``staged`` and ``target`` (then ``staged`` holds the old set) or, when
    ``target`` does not exist, rename ``staged`` to it."""
    if not target.exists():
        os.rename(staged, target)
        staged.mkdir()  # the caller removes it
        return
    if _renameat2_exchange(staged, target):
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(aside)
    os.rename(target, aside)
    try:
        os.rename(staged, target)
    except BaseException:
        os.rename(aside, target)
        raise
    os.rename(aside, staged)


def _renameat2_exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False when not supported here."""
    libc = _libc()
    if libc is None:
        return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [
        ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint,
    ]  # fmt: skip
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(second))


def _libc() -> ctypes.CDLL | None:
    """The C library this process runs with (its own symbols: no search, no subprocess)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
