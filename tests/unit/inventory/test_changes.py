"""changed_files on a real git repository: commits, edits, untracked files, bad refs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from openesx_license.errors import UsageError
from openesx_license.inventory.changes import changed_files


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "a.c").write_text("int a;\n")
    (root / "src" / "b.c").write_text("int b;\n")
    (root / "README").write_text("x\n")
    (root / ".gitignore").write_text("*.o\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


def test_committed_staged_unstaged_untracked_and_renamed_paths(repo: Path) -> None:
    (repo / "src" / "a.c").write_text("int a2;\n")
    git(repo, "commit", "-q", "-am", "edit a")
    git(repo, "mv", "src/b.c", "src/c.c")
    (repo / "README").write_text("y\n")  # unstaged
    (repo / "src" / "new.h").write_text("#pragma once\n")  # untracked
    (repo / "src" / "obj.o").write_text("")  # ignored
    changes = changed_files(repo, "HEAD~1")
    assert changes.paths == {"src/a.c", "src/b.c", "src/c.c", "README", "src/new.h"}
    assert len(changes.commit) == 40 and changes.ref == "HEAD~1"
    assert changed_files(repo, "HEAD").paths == {"src/b.c", "src/c.c", "README", "src/new.h"}


def test_paths_are_relative_to_an_audited_subfolder(repo: Path) -> None:
    (repo / "src" / "a.c").write_text("int a3;\n")
    (repo / "README").write_text("z\n")
    assert changed_files(repo / "src", "HEAD").paths == {"a.c"}


def test_unknown_ref_and_non_git_folder_are_usage_errors(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown git revision"):
        changed_files(repo, "no-such-branch")
    with pytest.raises(UsageError, match="must not start with '-'"):
        changed_files(repo, "--output=/tmp/x")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(UsageError, match="not inside a git work tree"):
        changed_files(plain, "HEAD")
