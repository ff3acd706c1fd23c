"""The conventions users bring from other tools: -V, -q/-v everywhere, ``python -m``, ``--out -``,
policy discovery, progress on stderr, one --jobs default, shell completion.

The tree carries SPDX tags only, so no ScanCode licence index is loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from openesx_license import __version__
from openesx_license.checks.registry import all_checks
from openesx_license.cli.main import COMMANDS, LazyGroup, cli, main

REPO = Path(__file__).resolve().parents[2]
POLICY = """schema = 1
[release]
name = "{name}"
license = "GPL-2.0-only"
[[component]]
name = "all"
class = "open"
paths = ["**"]
"""


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "src").mkdir(parents=True)
    (root / "src" / "a.c").write_text('// SPDX-License-Identifier: GPL-2.0-only\n#include "b.h"\n')
    (root / "src" / "b.h").write_text("// SPDX-License-Identifier: MIT\nint b;\n")
    (root / "src" / "c.c").write_text("// SPDX-License-Identifier: Apache-2.0\nint c;\n")
    return root


def _audit(tree: Path, tmp_path: Path, *extra: str) -> list[str]:
    return ["audit", str(tree), "--jobs", "1", "--cache-dir", str(tmp_path / "cache"), *extra]


def test_version_short_and_long(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("-V", "--version"):
        code, out, _ = _run([flag], capsys)
        assert (code, out) == (0, f"openesx-license {__version__}\n")


def test_python_dash_m() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "openesx_license", "--version"],
        capture_output=True, text=True, env=env, cwd=REPO.parent, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stdout == f"openesx-license {__version__}\n"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_quiet_and_verbose(command: str) -> None:
    ctx = click.Context(cli)
    sub = LazyGroup.get_command(cli, ctx, command)
    assert sub is not None
    opts = {o for p in sub.params for o in getattr(p, "opts", ())}
    assert {"-q", "--quiet", "-v", "--verbose"} <= opts


def test_quiet_audit_prints_nothing_and_keeps_the_exit_code(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "report"
    code, out, err = _run([*_audit(tree, tmp_path, "--out", str(out_dir)), "-q"], capsys)
    assert code == 1  # Apache-2.0 cannot go out under GPL-2.0-only
    assert (out, err) == ("", "")
    assert (out_dir / "findings.json").is_file()
    # the group-level spelling means the same
    code, out, err = _run(["-q", *_audit(tree, tmp_path, "--out", str(out_dir))], capsys)
    assert (code, out, err) == (1, "", "")


def test_progress_on_stderr_one_line_per_stage_when_not_a_tty(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(_audit(tree, tmp_path, "--out", str(tmp_path / "r")), capsys)
    assert code == 1
    stages = [line for line in err.splitlines() if line.startswith("openesx-license: ")]
    labels = [line.removeprefix("openesx-license: ").rsplit(": ", 1)[0] for line in stages]
    assert labels == [
        "inventory", "reading files", "matching licences",
        "dependency graph: reading files", "dependency graph: resolving includes",
        "dependency graph: linking symbols", "dependency graph: edges",
        "checking the rules", "waivers, baseline, --since", "report json",
    ]  # fmt: skip
    assert "dependency graph: reading files: 3 files in " in err
    assert f"checking the rules: {len(all_checks())} rules in " in err
    assert "Policy: the built-in policy" in out and "Gate (--fail-on error): fail" in out
    assert "openesx-license: " not in out


def test_out_dash_streams_findings_json(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(_audit(tree, tmp_path, "--out", "-"), capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["policy"]["origin"] == "built-in"
    assert {f["rule"] for f in doc["findings"]} >= {"outbound-incompatible"}
    assert "Gate (--fail-on error): fail" in err
    assert not (tmp_path / "-").exists()
    code, _, err = _run(_audit(tree, tmp_path, "--out", "-", "--format", "json,html"), capsys)
    assert code == 2 and "--out -: only the json report can be written to stdout, not html" in err


def test_policy_discovery_is_used_and_said(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def origin_and_name(*extra: str) -> tuple[str, str, str]:
        code, out, err = _run([*_audit(tree, tmp_path, "--out", "-"), *extra], capsys)
        assert code in (0, 1), err
        doc = json.loads(out)
        policy_line = next(line for line in err.splitlines() if line.startswith("Policy: "))
        return doc["policy"]["origin"], doc["policy"]["release"]["name"], policy_line

    monkeypatch.delenv("OPENESX_LICENSE_POLICY", raising=False)
    (tree / "pyproject.toml").write_text(
        "[tool.openesx-license]\nschema = 1\n"
        + POLICY.format(name="py")
        .replace("schema = 1\n", "")
        .replace("[release]", "[tool.openesx-license.release]")
        .replace("[[component]]", "[[tool.openesx-license.component]]")
    )
    assert origin_and_name()[:2] == ("pyproject", "py")
    (tree / "openesx-license.toml").write_text(POLICY.format(name="tree"))
    origin, name, line = origin_and_name()
    assert (origin, name) == ("tree-file", "tree")
    assert line.endswith("openesx-license.toml (openesx-license.toml at the tree root)")
    env_policy = tmp_path / "env.toml"
    env_policy.write_text(POLICY.format(name="env"))
    monkeypatch.setenv("OPENESX_LICENSE_POLICY", str(env_policy))
    assert origin_and_name()[:2] == ("environment", "env")
    given = tmp_path / "given.toml"
    given.write_text(POLICY.format(name="given"))
    assert origin_and_name("--policy", str(given))[:2] == ("option", "given")
    monkeypatch.setenv("OPENESX_LICENSE_POLICY", str(tmp_path / "missing.toml"))
    code, _, err = _run(_audit(tree, tmp_path, "--out", "-"), capsys)
    assert (
        code == 2
        and "missing.toml: policy file not found (named by $OPENESX_LICENSE_POLICY)" in err
    )


def test_one_jobs_default() -> None:
    ctx = click.Context(cli)
    for name in ("audit", "scan", "graph", "options", "baseline", "fingerprint"):
        sub = LazyGroup.get_command(cli, ctx, name)
        assert sub is not None
        jobs = next(p for p in sub.params if p.name == "jobs")
        parsed = sub.make_context(name, ["x"], resilient_parsing=True)
        assert parsed.params["jobs"] is None, name  # resolved by _util.run.default_jobs
        assert "default: CPUs" in (getattr(jobs, "help", "") or ""), name


def _completion(env_extra: dict[str, str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO), **env_extra}
    proc = subprocess.run(
        [sys.executable, "-m", "openesx_license"],
        capture_output=True, text=True, env=env, cwd=REPO.parent, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_shell_completion_as_documented() -> None:
    docs = (REPO / "docs" / "cli.md").read_text()
    assert "_OPENESX_LICENSE_COMPLETE=bash_source openesx-license" in docs
    script = _completion({"_OPENESX_LICENSE_COMPLETE": "bash_source"})
    assert "_openesx_license_completion" in script and "complete " in script
    words = _completion(
        {
            "_OPENESX_LICENSE_COMPLETE": "bash_complete",
            "COMP_WORDS": "openesx-license au",
            "COMP_CWORD": "1",
        }
    )
    assert "audit" in words and "scan" not in words
    options = _completion(
        {
            "_OPENESX_LICENSE_COMPLETE": "bash_complete",
            "COMP_WORDS": "openesx-license audit --fo",
            "COMP_CWORD": "2",
        }
    )
    assert "--format" in options
