"""What changed in a git work tree since a revision: the input of ``audit --since REF``.

The change set is every path that differs between ``REF`` and the work tree — committed since
``REF``, staged or not, deleted, or new and untracked (ignored files excluded) — relative to the
audited root and restricted to it. Renames count as a deletion plus an addition, so both
paths are in the set.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from openesx_license._util.git import GitMissing, run_git
from openesx_license.errors import UsageError


@dataclass(frozen=True, kw_only=True)
class ChangeSet:
    """Paths changed since a revision, relative to the audited root, ``/``-separated."""

    ref: str  # as the user wrote it
    commit: str  # the commit it resolved to
    paths: frozenset[str]

    def __contains__(self, path: object) -> bool:
        return path in self.paths


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return run_git(root, *args)
    except GitMissing:
        raise UsageError("--since needs git, and no 'git' program was found on PATH") from None


def _split(out: bytes) -> set[str]:
    return {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}


def changed_files(root: Path, ref: str) -> ChangeSet:
    """The files under ``root`` that differ from revision ``ref`` (see the module docstring).

    Raises :class:`UsageError` when ``root`` is not in a git work tree or ``ref`` is unknown.
    """
    if not root.is_dir():
        raise UsageError(f"--since {ref}: {root} is not a folder")
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise UsageError(
            f"--since {ref}: {root} is not inside a git work tree; diff mode compares against a "
            "git revision (run a full audit, or audit a git checkout)"
        )
    if ref.startswith("-"):
        raise UsageError(f"--since {ref}: a git revision must not start with '-'")
    resolved = _git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
    )
    if resolved.returncode != 0:
        raise UsageError(
            f"--since {ref}: unknown git revision in {root} (a branch, tag or commit is needed; "
            "in CI fetch enough history, e.g. actions/checkout with fetch-depth: 0)"
        )
    commit = resolved.stdout.decode().strip()
    diff = _git(root, "diff", "--name-only", "--relative", "--no-renames", "-z", commit, "--")
    if diff.returncode != 0:
        raise UsageError(f"--since {ref}: git diff failed: {diff.stderr.decode().strip()}")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    if untracked.returncode != 0:
        raise UsageError(f"--since {ref}: git ls-files failed: {untracked.stderr.decode().strip()}")
    return ChangeSet(
        ref=ref, commit=commit, paths=frozenset(_split(diff.stdout) | _split(untracked.stdout))
    )
