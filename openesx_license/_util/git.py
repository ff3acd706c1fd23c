"""Asking git about a tree: one way to run it, one answer when git is missing or fails.

Paths git prints are decoded with the file-system encoding's ``surrogateescape`` (as
:func:`os.fsdecode` does), so a non-UTF-8 file name survives the round trip to the disk.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GitMissing(RuntimeError):
    """No ``git`` program on PATH."""


def run_git(
    root: Path, *args: str, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``git -C root ARGS`` with its output captured as bytes; raises :class:`GitMissing`
    when git is not installed (a timeout gives a failed process, return code -1)."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=timeout
        )
    except FileNotFoundError:
        raise GitMissing("no 'git' program was found on PATH") from None
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -1, b"", b"git timed out")


def git_output(root: Path, *args: str, timeout: float | None = 30) -> str | None:
    """The stripped standard output of a git command that succeeded; None when it failed, timed
    out, or git is missing (for the questions whose answer is optional: HEAD, a prefix)."""
    try:
        proc = run_git(root, *args, timeout=timeout)
    except (GitMissing, OSError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "surrogateescape").strip()


@contextmanager
def checked_out(repo: Path, ref: str) -> Iterator[Path]:
    """A temporary detached worktree of ``repo`` at ``ref`` (``git worktree add --detach``),
    removed (and its administrative entry pruned) when the block ends. Raises
    :class:`GitCheckoutError` with git's message when the checkout fails."""
    with tempfile.TemporaryDirectory(prefix="openesx-license-ref-") as temp:
        tree = Path(temp) / "tree"
        proc = run_git(repo, "worktree", "add", "--detach", "--quiet", str(tree), ref)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip()
            raise GitCheckoutError(f"{repo}: cannot check out {ref!r}: {message}")
        try:
            yield tree
        finally:
            run_git(repo, "worktree", "remove", "--force", str(tree), timeout=120)
            run_git(repo, "worktree", "prune", timeout=60)


class GitCheckoutError(RuntimeError):
    """``git worktree add`` failed (the message is git's)."""
