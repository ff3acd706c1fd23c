"""The audit-many manifest: trees and refs with their policies; every problem named at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from openesx_license.config.manifest import load_manifest
from openesx_license.errors import PolicyError
from openesx_license.model import FailOn
from openesx_license.resources import rules_file


def _repo(path: Path) -> Path:
    path.mkdir()
    for args in (["init", "-q", "-b", "main"], ["commit", "-q", "--allow-empty", "-m", "one"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=path, check=True
        )
    subprocess.run(["git", "branch", "release/1.0"], cwd=path, check=True)
    return path


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_manifest(tmp_path: Path) -> None:
    _repo(tmp_path / "repo")
    (tmp_path / "src").mkdir()
    manifest = load_manifest(
        _write(
            tmp_path,
            f"""
[defaults]
repo = "repo"
policy = "{rules_file("openesx.toml")}"

[[tree]]
name = "src"
path = "src"
fail_on = "warning"

[[tree]]
name = "rel-1.0"
ref = "release/1.0"
""",
        )
    )
    src, rel = manifest.trees
    assert src.path == (tmp_path / "src").resolve() and src.ref is None
    assert src.fail_on is FailOn.WARNING and rel.fail_on is FailOn.ERROR
    assert rel.repo == (tmp_path / "repo").resolve() and rel.ref == "release/1.0"
    assert rel.source.endswith("repo@release/1.0")
    assert src.policy is rel.policy and src.policy.release.name == "OpenESX"


def test_default_policy_when_none_is_named(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    manifest = load_manifest(_write(tmp_path, '[[tree]]\nname = "a"\npath = "src"\n'))
    assert manifest.trees[0].policy.source == "<default>"


def test_every_problem_at_once(tmp_path: Path) -> None:
    _repo(tmp_path / "repo")
    bad_policy = tmp_path / "bad.toml"
    bad_policy.write_text("schema = 1\n[release]\nname = 3\n", encoding="utf-8")
    path = _write(
        tmp_path,
        """
schema = 2

[defaults]
repo = "repo"
colour = "blue"

[[tree]]
name = "a b"
path = "nowhere"

[[tree]]
name = "x"
path = "."
ref = "main"

[[tree]]
name = "x"
ref = "no-such-branch"
fail_on = "sometimes"

[[tree]]
nam = "y"
path = "."
policy = "bad.toml"

[[tree]]
name = "z"
""",
    )
    with pytest.raises(PolicyError) as caught:
        load_manifest(path)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "top level 'schema': expected 1, got 2",
        "[defaults] 'colour': unknown key",
        "[[tree]] #1 'name': 'a b' is not a folder name",
        "[[tree]] #1 'path':",
        "no such folder",
        "[[tree]] #2: give either 'path' (a folder) or 'ref' (a git ref), not both",
        "[[tree]] #3 'name': 'x' is already the name of [[tree]] #2",
        "[[tree]] #3 'ref': 'no-such-branch' is not a commit of",
        "[[tree]] #3 'fail_on': expected one of error, warning, note, never, got 'sometimes'",
        "[[tree]] #4 'nam': unknown key (did you mean 'name'?)",
        "[[tree]] #4 'name': missing required key",
        "[[tree]] #4 'policy':",
        "[[tree]] #5: missing 'path' (a folder) or 'ref' (a git ref of 'repo')",
    ):
        assert expected in problems, f"{expected!r} not in:\n{problems}"
    assert str(caught.value).startswith(str(path))


def test_ref_needs_a_repository(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"\[\[tree\]\] #1: 'ref' needs 'repo'"):
        load_manifest(_write(tmp_path, '[[tree]]\nname = "a"\nref = "main"\n'))
    with pytest.raises(PolicyError, match="not a git repository"):
        load_manifest(_write(tmp_path, '[[tree]]\nname = "a"\nref = "main"\nrepo = "."\n'))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"no \[\[tree\]\] table"),
        ("tree = 3", "expected an array of tables"),
        ("[[tree]]\nname = 'a'\npath = '.'\n[[tree", "TOML syntax"),
    ],
)
def test_unusable_manifests(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_manifest(_write(tmp_path, text))


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="manifest file not found"):
        load_manifest(tmp_path / "nope.toml")


def test_policy_discovered_at_a_folders_root(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "openesx-license.toml").write_text(
        rules_file("openesx.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tree,) = load_manifest(_write(tmp_path, '[[tree]]\nname = "a"\npath = "src"\n')).trees
    assert tree.policy is not None and tree.policy.release.name == "OpenESX"
    assert tree.policy_origin.value == "tree-file"


def test_a_bad_discovered_policy_is_a_manifest_problem(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "openesx-license.toml").write_text("schema = [\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"\[\[tree\]\] #1 \(discovered policy\)"):
        load_manifest(_write(tmp_path, '[[tree]]\nname = "a"\npath = "src"\n'))
