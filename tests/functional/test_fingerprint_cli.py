"""``fingerprint`` and ``audit --ip-index`` from the command line, on fixture trees.

The proprietary fixture is fingerprinted, then the open fixture (which has no proprietary file
at all) is audited against the index: the renamed and reformatted copy is a copied-code
finding, the proprietary header include and symbol call are boundary-crossing findings.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from openesx_license.cli.main import main

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "ipindex"


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    code = exit_info.value.code
    assert isinstance(code, int)
    return code


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    proprietary = tmp_path / "proprietary"
    shutil.copytree(ASSETS / "proprietary", proprietary)
    open_tree = tmp_path / "open"
    shutil.copytree(ASSETS / "open", open_tree)
    return proprietary, open_tree


def test_fingerprint_writes_an_index_and_says_what_is_in_it(
    trees: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proprietary, _ = trees
    index = tmp_path / "ip-index.db"
    assert run(["fingerprint", str(proprietary), "-o", str(index), "-k", "20"]) == 0
    out = capsys.readouterr().out
    assert "2 files (vmotion 2)" in out and "k=20, window=8" in out
    db = sqlite3.connect(index)
    assert dict(db.execute("SELECT key, value FROM meta"))["k"] == "20"
    assert {row[0] for row in db.execute("SELECT path FROM files")} == {
        "vmotion/transfer.c",
        "vmotion/include/vmotion_api.h",
    }
    db.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_fingerprint_component_option_and_policy(
    trees: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proprietary, _ = trees
    index = tmp_path / "ip.db"
    assert run(["fingerprint", str(proprietary / "vmotion"), "-o", str(index),
                "--component", "vmotion"]) == 0  # fmt: skip
    assert "2 files (vmotion 2)" in capsys.readouterr().out
    policy = ASSETS / "policy.toml"
    assert run(["fingerprint", str(proprietary), "-o", str(index), "--policy", str(policy)]) == 0
    assert "2 files (vmotion 2)" in capsys.readouterr().out


def test_fingerprint_missing_tree_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["fingerprint", str(tmp_path / "absent"), "-o", str(tmp_path / "i.db")]) == 2
    assert "absent: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "i.db").exists()


def test_audit_refuses_an_index_built_with_other_parameters(
    trees: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proprietary, open_tree = trees
    index = tmp_path / "ip.db"
    assert run(["fingerprint", str(proprietary), "-o", str(index), "--window", "5"]) == 0
    capsys.readouterr()
    code = run(["audit", str(open_tree), "--policy", str(ASSETS / "policy.toml"),
                "--ip-index", str(index), "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "window=5" in err and "window=8" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before scanning anything


def test_audit_missing_index_is_exit_2(
    trees: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, open_tree = trees
    code = run(["audit", str(open_tree), "--ip-index", str(tmp_path / "none.db"),
                "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    assert "none.db: fingerprint index not found" in capsys.readouterr().err


@pytest.mark.scancode
def test_audit_with_index_finds_copies_and_references_without_the_proprietary_tree(
    trees: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proprietary, open_tree = trees
    index = tmp_path / "ip.db"
    assert run(["fingerprint", str(proprietary), "-o", str(index)]) == 0
    shutil.rmtree(proprietary)  # the open side never sees the proprietary tree
    (open_tree / "vmkernel" / "tables.c").write_text("int entry;\n" * (4 * 2**20 // 11 + 1))
    out = tmp_path / "out"
    code = run(["audit", str(open_tree), "--policy", str(ASSETS / "policy.toml"),
                "--ip-index", str(index), "--out", str(out), "--jobs", "1",
                "--cache-dir", str(tmp_path / "cache")])  # fmt: skip
    assert code == 1
    stdout = capsys.readouterr().out
    findings = json.loads((out / "findings.json").read_text())["findings"]
    got = {(f["rule"], f["path"], f["target"]) for f in findings}
    assert ("copied-code", "vmkernel/integrity.c", "vmotion/transfer.c") in got
    assert ("boundary-crossing", "vmkernel/migrate.c", "vmotion") in got
    assert ("boundary-crossing", "vmkernel/integrity.c", "vmotion") in got
    copy = next(f for f in findings if f["rule"] == "copied-code")
    assert [e["path"] for e in copy["evidence"]] == ["vmkernel/integrity.c", "vmotion/transfer.c"]
    migrate = next(
        f
        for f in findings
        if f["rule"] == "boundary-crossing" and f["path"] == "vmkernel/migrate.c"
    )
    texts = " ".join(e["text"] for e in migrate["evidence"])
    assert "vmotion_api.h" in texts or "vmotion_start_transfer" in texts
    # a file the copied-code step could not fingerprint is named, in its record and on stdout
    records = {f["path"]: f for f in json.loads((out / "findings.json").read_text())["files"]}
    assert records["vmkernel/tables.c"]["errors"] == [
        "not checked for copied code: larger than 4 MiB"
    ]
    assert "vmkernel/tables.c: not checked for copied code: larger than 4 MiB" in stdout
