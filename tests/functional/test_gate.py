"""The CI gate end to end: the CLI on a small fixture tree in a real temporary git repository.

Scenarios: ``--since`` reports exactly what a commit introduced; a baseline hides an old
finding but not a new one of the same rule; a boundary-crossing in a baseline is refused; a
waiver lapses the day after its date (clock injected with ``--today``); a stale waiver is
reported; fingerprints survive line shifts and reformatting but not a changed ``#include``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from openesx_license.cli.main import main

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "gate"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; return stdout."""
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Gate Test", "-c", "user.email=gate@example.org",
         "-c", "commit.gpgsign=false", *args],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


class Workspace:
    """A copy of the fixture tree as a git repository, its policy and a shared cache."""

    def __init__(self, base: Path, cache: Path) -> None:
        self.repo = base / "repo"
        shutil.copytree(ASSETS / "tree", self.repo)
        self.policy = base / "policy.toml"
        shutil.copy(ASSETS / "policy.toml", self.policy)
        self.out = base / "out"
        self.cache = cache
        git(self.repo, "init", "-q", "-b", "main")
        self.commit("clean tree")

    def commit(self, message: str) -> None:
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", message)

    def write(self, path: str, text: str) -> None:
        target = self.repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def waive(self, table: str) -> None:
        self.policy.write_text(self.policy.read_text() + "\n[[waiver]]\n" + table)

    def run(self, capsys: pytest.CaptureFixture[str], command: str, *args: str) -> tuple[int, str]:
        """Run the CLI in-process; return its exit code and stdout + stderr."""
        argv = [command, str(self.repo), "--policy", str(self.policy), "--cache-dir",
                str(self.cache), "--jobs", "1", *args]  # fmt: skip
        if command == "audit":
            argv += ["--out", str(self.out), "--format", "json"]
        with pytest.raises(SystemExit) as done:
            main(argv)
        captured = capsys.readouterr()
        return int(done.value.code or 0), captured.out + captured.err

    def findings(self) -> list[dict[str, Any]]:
        data = json.loads((self.out / "findings.json").read_text())
        return list(data["findings"])

    def report(self) -> dict[str, Any]:
        return dict(json.loads((self.out / "findings.json").read_text()))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def ws(tmp_path: Path, cache: Path) -> Workspace:
    return Workspace(tmp_path, cache)


def summary(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["path"], f["status"]) for f in findings)


LEAK = '#include "vmotion/api.h"\n'


def test_since_reports_exactly_what_the_commit_introduced(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = ws.run(capsys, "audit", "--fail-on", "warning")
    assert code == 1  # misc/legacy.c is claimed by no component: an old warning
    assert summary(ws.findings()) == [("unmapped-file", "misc/legacy.c", "new")]

    mem = (ws.repo / "vmkernel/mem.c").read_text()
    ws.write("vmkernel/mem.c", mem.replace('#include "sched.h"\n', '#include "sched.h"\n' + LEAK))
    ws.commit("use the vmotion API")
    code, text = ws.run(capsys, "audit", "--since", "HEAD~1", "--fail-on", "warning")
    assert code == 1
    (only,) = ws.findings()
    assert (only["rule"], only["path"], only["line"]) == ("boundary-crossing", "vmkernel/mem.c", 4)
    assert only["evidence"][0]["text"].strip() == LEAK.strip()
    diff = ws.report()["run"]["diff"]
    assert diff["ref"] == "HEAD~1" and diff["changed_files"] == 1
    assert diff["unchanged_findings"] == 1
    assert "Diff mode: since HEAD~1" in text and "1 older finding(s) not shown" in text

    # the whole tree still has both
    code, _ = ws.run(capsys, "audit", "--fail-on", "warning")
    assert {f["rule"] for f in ws.findings()} == {"unmapped-file", "boundary-crossing"}


def test_since_says_which_findings_the_change_introduced(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    mem = (ws.repo / "vmkernel/mem.c").read_text()
    ws.write("vmkernel/mem.c", mem.replace('#include "sched.h"\n', '#include "sched.h"\n' + LEAK))
    ws.commit("an IP leak that is already in the tree")
    e1000 = (ws.repo / "drivers/net/e1000.c").read_text()
    ws.write("drivers/net/e1000.c", LEAK + e1000)
    ws.commit("a new one")
    argv = ("--since", "HEAD~1", "--fail-on", "error", "--format", "json,md,html,sarif")
    code, text = ws.run(capsys, "audit", *argv)
    assert code == 1
    found = {(f["rule"], f["path"]): f.get("introduced") for f in ws.findings()}
    assert found == {
        ("boundary-crossing", "drivers/net/e1000.c"): True,
        # the old leak still fails the gate, but is not new to this change
        ("boundary-crossing", "vmkernel/mem.c"): False,
    }
    verdict = ws.report()["summary"]["verdict"]
    assert (verdict["introduced"], verdict["already_there"]) == (1, 1)
    assert "Under --since: 1 finding(s) introduced by this change, 1 already in the tree" in text
    md = (ws.out / "summary.md").read_text()
    assert "### Introduced by this change (1)" in md
    assert "<details><summary>Already in the tree: blocks every merge (1)</summary>" in md
    page = (ws.out / "report.html").read_text()
    assert '<section id="already-there"' in page
    sarif = json.loads((ws.out / "findings.sarif").read_text())
    states = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 2)[-2]: (
            r["baselineState"]
        )
        for r in sarif["runs"][0]["results"]
    }
    assert states == {"net": "new", "vmkernel": "unchanged"}
    assert "vmkernel/mem.c:4" in text and "[already in the tree]" in text
    assert not any("e1000.c" in line and "[already" in line for line in text.splitlines())
    already = page.split('id="already-list"', 1)[1].split("</ul>", 1)[0]
    assert "vmkernel/<wbr>mem.c" in already and "e1000" not in already
    # without --since no finding carries the field
    ws.run(capsys, "audit", "--fail-on", "never")
    assert all("introduced" not in f for f in ws.findings())


def test_since_needs_git_and_a_known_revision(
    ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = ws.run(capsys, "audit", "--since", "no-such-tag")
    assert code == 2 and "unknown git revision" in text and "Traceback" not in text
    shutil.rmtree(ws.repo / ".git")
    code, text = ws.run(capsys, "audit", "--since", "HEAD")
    assert code == 2 and "not inside a git work tree" in text


def test_baseline_hides_the_old_finding_not_a_new_one_of_the_same_rule(
    ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    code, text = ws.run(capsys, "baseline", "-o", str(baseline))
    assert code == 0, text
    entries = json.loads(baseline.read_text())["entries"]
    assert [(e["rule"], e["path"]) for e in entries] == [("unmapped-file", "misc/legacy.c")]

    ws.write("misc/extra.c", "// SPDX-License-Identifier: GPL-2.0-only\nint extra;\n")
    ws.commit("another unclaimed file")
    code, text = ws.run(capsys, "audit", "--baseline", str(baseline), "--fail-on", "warning")
    assert code == 1
    assert summary(ws.findings()) == [
        ("unmapped-file", "misc/extra.c", "new"),
        ("unmapped-file", "misc/legacy.c", "baselined"),
    ]

    # fixing the old finding makes its entry stale: reported, and fatal with --strict-baseline
    (ws.repo / "misc/legacy.c").unlink()
    (ws.repo / "misc/extra.c").unlink()
    ws.commit("drop the unclaimed files")
    code, text = ws.run(capsys, "audit", "--baseline", str(baseline), "--fail-on", "warning")
    assert code == 0
    assert ws.report()["stale_baseline"][0]["path"] == "misc/legacy.c"
    assert "Fixed since the baseline: 1 entry" in text and "shrink it" in text
    code, text = ws.run(capsys, "audit", "--baseline", str(baseline), "--strict-baseline")
    assert code == 1 and "fails the gate (--strict-baseline)" in text


def test_an_ip_leak_is_never_baselined(
    ws: Workspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ws.write("drivers/net/e1000.c", (ws.repo / "drivers/net/e1000.c").read_text() + LEAK)
    ws.commit("leak")
    baseline = tmp_path / "baseline.json"
    code, text = ws.run(capsys, "baseline", "-o", str(baseline))
    assert code == 1 and "Not recorded: 1 finding(s)" in text and "boundary-crossing" in text
    data = json.loads(baseline.read_text())
    assert {e["rule"] for e in data["entries"]} == {"unmapped-file"}

    # grandfathering it by hand is refused, naming the entry
    code, _ = ws.run(capsys, "audit")
    leak = next(f for f in ws.findings() if f["rule"] == "boundary-crossing")
    data["entries"].append(
        {key: leak[key] for key in ("fingerprint", "rule", "path", "message")}
        | {"target": "vmotion", "created": "2026-01-01"}
    )
    baseline.write_text(json.dumps(data))
    code, text = ws.run(capsys, "audit", "--baseline", str(baseline))
    assert code == 2
    assert "refused" in text and "entry #2: boundary-crossing at drivers/net/e1000.c" in text


def test_an_expired_waiver_fails_the_gate_on_the_day_after_its_date(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.waive(
        'rule = "unmapped-file"\npath = "misc/**"\nreason = "moved to tools/ in 7.1"\n'
        'owner = "release@openesx.org"\nexpires = 2026-06-30\n'
    )
    code, text = ws.run(capsys, "audit", "--fail-on", "warning", "--today", "2026-06-30")
    assert code == 0, text
    (waived,) = ws.findings()
    assert waived["status"] == "waived"
    assert "moved to tools/ in 7.1" in waived["status_note"]
    assert "release@openesx.org" in waived["status_note"]

    code, text = ws.run(capsys, "audit", "--fail-on", "error", "--today", "2026-07-01")
    assert code == 1
    assert summary(ws.findings()) == [
        ("expired-waiver", str(ws.policy), "new"),  # the policy lives outside the tree
        ("unmapped-file", "misc/legacy.c", "new"),
    ]
    expired = next(f for f in ws.findings() if f["rule"] == "expired-waiver")
    assert expired["line"] == ws.policy.read_text().splitlines().index("[[waiver]]") + 1


def test_a_stale_waiver_is_reported(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    ws.waive('rule = "unmapped-file"\npath = "old/**"\nreason = "folder removed in 7.0"\n')
    code, _ = ws.run(capsys, "audit", "--fail-on", "error")
    assert code == 0  # a stale waiver is a warning
    stale = next(f for f in ws.findings() if f["rule"] == "stale-waiver")
    assert "matches no finding" in stale["message"] and stale["severity"] == "warning"


def test_a_waiver_of_an_ip_rule_is_a_policy_error(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.waive('rule = "proprietary-code"\npath = "vmkernel/**"\nreason = "trust me"\n')
    code, text = ws.run(capsys, "audit")
    assert code == 2 and "can never be waived" in text and "[[waiver]] #1" in text


def test_fingerprint_survives_line_shifts_and_reformatting_not_a_changed_include(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    def leak_fingerprint() -> str:
        ws.run(capsys, "audit")
        (leak,) = (f for f in ws.findings() if f["rule"] == "boundary-crossing")
        return str(leak["fingerprint"])

    body = (ws.repo / "vmkernel/mem.c").read_text()
    ws.write("vmkernel/mem.c", body + LEAK)
    first = leak_fingerprint()

    shifted = "/* a comment\n * spanning lines\n */\n\n" + body.replace(
        "int vmk_mem_balance(void)\n{", "int\nvmk_mem_balance(void) {"
    )
    ws.write("vmkernel/mem.c", shifted + '#  include   "vmotion/api.h"   /* for migration */\n')
    assert leak_fingerprint() == first

    ws.write(
        "include/vmotion/ha.h", "/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */\n"
    )
    ws.write("vmkernel/mem.c", body + '#include "vmotion/ha.h"\n')
    ws.commit("another proprietary header")  # the inventory lists tracked files
    assert leak_fingerprint() != first
