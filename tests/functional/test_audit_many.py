"""``audit-many``: two release branches of one repository and a folder, one summary matrix.

The gate's fixture tree is committed to a temporary git repository; branch ``release/2``
adds an open file that includes a proprietary header. Each tree's report folder is written,
and the summary's verdicts are the ones each tree's findings.json states.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from openesx_license.cli.main import main

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "gate"

pytestmark = pytest.mark.scancode


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("many")
    repo = base / "repo"
    shutil.copytree(ASSETS / "tree", repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "release 1")
    _git(repo, "checkout", "-q", "-b", "release/2")
    (repo / "vmkernel" / "leak.c").write_text(
        '// SPDX-License-Identifier: GPL-2.0-only\n#include "../include/vmotion/api.h"\n'
        "int leak(void) { return 0; }\n",
        encoding="utf-8",
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "release 2 leaks")
    _git(repo, "checkout", "-q", "main")
    shutil.copytree(ASSETS / "tree", base / "folder")
    shutil.copy(ASSETS / "policy.toml", base / "policy.toml")
    (base / "manifest.toml").write_text(
        """
[defaults]
policy = "policy.toml"
repo = "repo"

[[tree]]
name = "release-1"
ref = "main"

[[tree]]
name = "release-2"
ref = "release/2"

[[tree]]
name = "folder"
path = "folder"
fail_on = "never"
""",
        encoding="utf-8",
    )
    return base


@pytest.fixture(scope="module")
def run(workspace: Path) -> tuple[int, Path]:
    out = workspace / "out"
    try:
        main(
            [
                "audit-many", str(workspace / "manifest.toml"), "--out", str(out),
                "--jobs", "1", "--cache-dir", str(workspace / "cache"),
            ]
        )  # fmt: skip
    except SystemExit as exc:
        return int(exc.code or 0), out
    raise AssertionError("main() always exits")


def test_one_report_folder_per_tree_and_a_summary(run: tuple[int, Path]) -> None:
    code, out = run
    summary = json.loads((out / "summary.json").read_text())
    assert [t["name"] for t in summary["trees"]] == ["release-1", "release-2", "folder"]
    for tree in summary["trees"]:
        findings = json.loads((out / tree["name"] / "findings.json").read_text())
        assert tree["verdict"] == findings["summary"]["gate"]["verdict"]
        assert tree["findings"] == len(findings["findings"])
        assert (out / tree["name"] / "report.html").is_file()
    rel1, rel2, folder = summary["trees"]
    assert rel2["blocking_by_rule"].get("boundary-crossing", 0) > rel1["blocking_by_rule"].get(
        "boundary-crossing", 0
    )
    assert any(b["path"] == "vmkernel/leak.c" for b in rel2["top_blocking"])
    assert rel1["tree_hash"].startswith("git:") and rel2["tree_hash"] != rel1["tree_hash"]
    assert folder["verdict"] == "off" and folder["fail_on"] == "never"  # the gate is off
    assert rel2["verdict"] == "fail"
    assert code == 1


def test_summary_html_is_self_contained(run: tuple[int, Path]) -> None:
    _, out = run
    html = (out / "summary.html").read_text()
    for name in ("release-1", "release-2", "folder", "boundary-crossing", "vmkernel/leak.c"):
        assert name in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_no_worktree_left_behind(workspace: Path, run: tuple[int, Path]) -> None:
    listed = subprocess.run(
        ["git", "worktree", "list"], cwd=workspace / "repo", capture_output=True, text=True
    ).stdout
    assert len(listed.strip().splitlines()) == 1


def test_bad_manifest_is_exit_2_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[tree]]\nname = "a"\n\n[[tree]]\npath = "nowhere"\n')
    with pytest.raises(SystemExit) as caught:
        main(["audit-many", str(manifest), "--out", str(tmp_path / "out")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "[[tree]] #1: missing 'path'" in err and "[[tree]] #2 'name': missing" in err
    assert not (tmp_path / "out").exists()
