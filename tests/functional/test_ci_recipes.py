"""The CI recipes run as written: the shell steps of the composite GitHub Action (action.yml)
and the script of the GitLab template (as docs/ci.md shows it), in a temporary git repository.

Each recipe installs the tool itself (its install step, from a copy of the repository, offline,
into a fresh venv that borrows this environment's dependencies), so the test covers the
install line too. GitHub's own actions (``uses:`` steps) are not run. The audited folder is a
subfolder of the repository, so paths in SARIF, annotations and Code Quality must carry it.
The tree has SPDX tags only (no ScanCode licence index is loaded).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.fresh_venv import OFFLINE_PIP_ARGS, clean_env, make_fresh_venv

REPO = Path(__file__).resolve().parents[2]
POLICY = """schema = 1
[release]
name = "Mini"
license = "GPL-2.0-only"
[[component]]
name = "core"
class = "open"
paths = ["**"]
"""
_EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A git repository whose subfolder ``hypervisor/`` is the tree to audit: one clean file
    on ``main``, then a commit on ``feature`` adding an Apache-2.0 file (a GPL-2.0-only release
    cannot take it: an error finding)."""
    repo = tmp_path / "work"
    tree = repo / "hypervisor"
    (tree / "core").mkdir(parents=True)
    (tree / "openesx-license.toml").write_text(POLICY)
    (tree / "core" / "a.c").write_text("// SPDX-License-Identifier: GPL-2.0-only\nint a;\n")
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "clean")
    _git(repo, "checkout", "-q", "-b", "feature")
    (tree / "core" / "b.c").write_text("// SPDX-License-Identifier: Apache-2.0\nint b;\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "an Apache-2.0 file")
    _git(repo, "remote", "add", "origin", str(repo))
    _git(repo, "fetch", "-q", "origin")
    return repo


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """A copy of this repository's tracked files: what the recipes install."""
    out = tmp_path / "openesx-license"
    names = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, names.split("\0")):
        if (REPO / name).is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, out / name)
    return out


# -- GitHub: action.yml ---------------------------------------------------------------------


class ActionRun:
    """Runs the ``run:`` steps of a composite action as the runner does (bash -eo pipefail,
    ``${{ }}`` in ``env:`` evaluated, GITHUB_OUTPUT per step)."""

    def __init__(self, action: dict[str, Any], inputs: dict[str, str], base_env: dict[str, str],
                 action_path: Path, workspace: Path) -> None:  # fmt: skip
        defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        unknown = set(inputs) - set(defaults)
        assert not unknown, f"not inputs of action.yml: {unknown}"
        self.inputs = {**defaults, **inputs}
        self.env = base_env
        self.action_path = action_path
        self.workspace = workspace
        self.outputs: dict[str, dict[str, str]] = {}

    def value(self, expression: str) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if expression == "github.action_path":
            return str(self.action_path)
        if expression == "runner.os":
            return "Linux"
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the test does not evaluate ${{{{ {expression} }}}}")

    def step(self, step: dict[str, Any], tmp: Path) -> subprocess.CompletedProcess[str]:
        assert step.get("shell") == "bash" and "if" not in step
        env = dict(self.env)
        for key, raw in (step.get("env") or {}).items():
            env[key] = _EXPR.sub(lambda m: self.value(m.group(1)), str(raw))
        assert "${{" not in step["run"], "run: scripts must take values from env: only"
        output = tmp / f"output-{len(self.outputs)}"
        output.write_text("")
        env["GITHUB_OUTPUT"] = str(output)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        pairs = [line.split("=", 1) for line in output.read_text().splitlines() if "=" in line]
        self.outputs[step.get("id", f"#{len(self.outputs)}")] = dict(pairs)
        return proc


def _run_action(
    workspace: Path, source: Path, tmp: Path, bin_dir: Path, event: dict[str, str]
) -> tuple[ActionRun, list[subprocess.CompletedProcess[str]], list[dict[str, Any]]]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    summary = tmp / "step-summary.md"
    summary.write_text("")
    env = clean_env(bin_dir, GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(tmp / "runner"),
                    GITHUB_WORKSPACE=str(workspace), **event)  # fmt: skip
    (tmp / "runner").mkdir(exist_ok=True)
    inputs = {"path": "hypervisor", "package": str(source), "pip-args": OFFLINE_PIP_ARGS}
    run = ActionRun(action, inputs, env, source, workspace)
    procs: list[subprocess.CompletedProcess[str]] = []
    skipped: list[dict[str, Any]] = []
    for step in action["runs"]["steps"]:
        if "uses" in step:
            skipped.append(step)
            continue
        procs.append(run.step(step, tmp))
        name = step.get("name", "")
        assert name == "gate" or procs[-1].returncode == 0, (name, procs[-1].stderr[-2000:])
    return run, procs, skipped


def test_github_action_steps(workspace: Path, source: Path, tmp_path: Path) -> None:
    bin_dir = make_fresh_venv(tmp_path / "venv")
    run, procs, skipped = _run_action(
        workspace, source, tmp_path, bin_dir, {"GITHUB_EVENT_NAME": "push"}
    )
    install, key, audit, _summary, gate = procs
    assert install.stdout.strip().endswith("openesx-license 0.1.0")
    assert (bin_dir / "openesx-license").exists()  # installed into the fresh venv
    tree = _git(workspace, "rev-parse", "HEAD:hypervisor").strip()
    assert run.outputs["cache-key"]["key"] == f"openesx-license-Linux-{tree}"
    assert any(Path(run.outputs["cache-key"]["dir"]).iterdir())  # the audit filled the cache
    assert run.outputs["audit"] == {"exit-code": "1", "report-dir": "openesx-report"}
    # annotations on stdout, with the path from the repository's top
    assert "::error file=hypervisor/core/b.c,line=1," in audit.stdout
    summary = (tmp_path / "step-summary.md").read_text()
    assert summary.startswith("#") and "outbound-incompatible" in summary
    sarif = json.loads((workspace / "openesx-report" / "findings.sarif").read_text())
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "hypervisor/core/b.c", "uriBaseId": "REPOROOT"}
    assert gate.returncode == 1 and "::error::openesx-license: findings" in gate.stdout
    uses = [s["uses"].split("@")[0] for s in skipped]
    assert uses == ["actions/setup-python", "actions/cache", "github/codeql-action/upload-sarif"]
    upload = skipped[-1]["with"]["sarif_file"]
    assert _EXPR.sub(lambda m: run.value(m.group(1)), upload) == "openesx-report/findings.sarif"

    # a pull request: --since the base branch; the new file's finding is introduced
    shutil.rmtree(workspace / "openesx-report")
    run, procs, _ = _run_action(
        workspace, source, tmp_path, bin_dir,
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"},
    )  # fmt: skip
    findings = json.loads((workspace / "openesx-report" / "findings.json").read_text())
    assert findings["run"]["since"] == "origin/main"
    assert [f["path"] for f in findings["findings"]] == ["core/b.c"]
    assert run.outputs["audit"]["exit-code"] == "1"


# -- GitLab: the template, as docs/ci.md shows it ---------------------------------------------


def _gitlab_job_from_docs() -> dict[str, Any]:
    docs = (REPO / "docs" / "ci.md").read_text()
    template = (REPO / "ci" / "openesx-license.gitlab-ci.yml").read_text()
    job = template[template.index(".openesx-license:") :]
    assert f"```yaml\n{job}```" in docs, "docs/ci.md must show ci/openesx-license.gitlab-ci.yml"
    return yaml.safe_load(job)[".openesx-license"]


def _run_gitlab(
    job: dict[str, Any], workspace: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    variables = {k: str(v) for k, v in job["variables"].items()}
    variables["XDG_CACHE_HOME"] = variables["XDG_CACHE_HOME"].replace(
        "$CI_PROJECT_DIR", str(workspace)
    )
    overrides = {k: v for k, v in env.items() if k.startswith("OPENESX")}  # project variables
    # GitLab runs the script lines in one bash with errexit and pipefail
    script = "\n".join(job["script"])
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=workspace, env={**env, **variables, **overrides},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_gitlab_template_script(workspace: Path, source: Path, tmp_path: Path) -> None:
    job = _gitlab_job_from_docs()
    assert job["image"] == "python:3.11"
    assert "jq" not in json.dumps(job)
    bin_dir = make_fresh_venv(tmp_path / "venv")
    env = clean_env(
        bin_dir,
        CI_PROJECT_DIR=str(workspace),
        OPENESX_LICENSE_PACKAGE=str(source),
        OPENESX_LICENSE_PIP_ARGS=OFFLINE_PIP_ARGS,
        OPENESX_LICENSE_PATH="hypervisor",
    )
    branch = _run_gitlab(job, workspace, env)
    assert branch.returncode == 1, branch.stderr[-3000:]  # the audit's exit code, not 127
    assert "openesx-license: exit 1" in branch.stdout
    out = workspace / job["variables"]["OPENESX_LICENSE_OUT"]
    report = job["artifacts"]["reports"]["codequality"].replace("$OPENESX_LICENSE_OUT", str(out))
    issues = json.loads(Path(report).read_text())
    assert [(i["check_name"], i["location"]["path"], i["severity"]) for i in issues] == [
        ("outbound-incompatible", "hypervisor/core/b.c", "critical")
    ]
    assert (out / "report.html").is_file() and (out / "findings.sarif").is_file()
    assert any((workspace / ".cache" / "openesx-license").iterdir())  # the job's cache folder

    # a merge-request pipeline into main: diff mode against the fetched target branch
    merge_request = _run_gitlab(
        job, workspace, {**env, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    )
    assert merge_request.returncode == 1, merge_request.stderr[-3000:]
    findings = json.loads((out / "findings.json").read_text())
    assert findings["run"]["since"] == "origin/main"

    # a broken policy: exit 2 comes through, the job does not die early with another code
    (workspace / "hypervisor" / "openesx-license.toml").write_text("schema = 1\n[release]\n")
    broken = _run_gitlab(job, workspace, env)
    assert broken.returncode == 2 and "openesx-license: exit 2" in broken.stdout
