"""``openesx-license options`` on a small fixture tree: the table, the JSON, the exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openesx_license.cli.main import main

ASSETS = Path(__file__).resolve().parents[1] / "assets"

pytestmark = pytest.mark.scancode  # the scan stage may start ScanCode for copyrights


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(ASSETS / "options-tree", root)
    shutil.copy(ASSETS / "options-tree.toml", tmp_path / "policy.toml")
    return root


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_options_json(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(tmp_path / "policy.toml")
    cache = str(tmp_path / "cache")
    code, out, _ = _run(
        ["options", str(tree), "--policy", policy, "--json", "--jobs", "1", "--cache-dir", cache],
        capsys,
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] and doc["release_license"] == "GPL-2.0-only"
    rows = {row["license"]: row for row in doc["options"]}
    assert list(rows) == ["GPL-2.0-only", "GPL-3.0-only", "BSD-3-Clause"]
    gpl2, gpl3, bsd = rows["GPL-2.0-only"], rows["GPL-3.0-only"], rows["BSD-3-Clause"]
    # the proprietary file blocks everything; the Apache-2.0 driver only GPL-2.0;
    # kernel/k.c (GPL-2.0-only) blocks GPL-3.0, while sched.c (-or-later) does not
    assert [r["allowed"] for r in rows.values()] == [False, False, False]
    assert gpl2["blocking_files"] == 2 and gpl2["proprietary_files"] == 1
    assert gpl2["blocking_components"] == ["nic", "vmotion"]
    assert gpl3["blocking_components"] == ["kernel", "vmotion"]
    assert [b["path"] for b in gpl3["blockers"]] == ["vmotion/vm.c", "kernel/k.c"]
    assert bsd["blocking_files"] == 3  # GPL code cannot become BSD

    # the text table says the same, and a second run is answered from the cache
    code, text, _ = _run(
        ["options", str(tree), "--policy", policy, "--jobs", "1", "--cache-dir", cache], capsys
    )
    assert code == 0
    assert "GPL-2.0-only  blocked" in text
    assert "Proprietary code in the tree (1 files) blocks every licence" in text
    assert "drivers/nic/nic.c (nic, Apache-2.0): Apache-2.0 may not join" in text


def test_options_without_policy_uses_the_default(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["options", str(tree), "--json", "--no-cache", "--jobs", "1"], capsys)
    assert code == 0
    rows = json.loads(out)["options"]
    assert rows[0]["license"] == "GPL-2.0-only"
    # the default policy has one open component: the proprietary-tagged file is judged by its
    # licence, which refuses every candidate
    assert rows[0]["blocking_files"] == 2


def test_options_bad_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["options", str(tmp_path / "missing")], capsys)
    assert code == 2 and "missing" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[release]\nname = 1\n", encoding="utf-8")
    code, _, err = _run(["options", str(tmp_path), "--policy", str(bad)], capsys)
    assert code == 2 and "bad.toml" in err
