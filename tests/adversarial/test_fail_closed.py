"""What the audit cannot read never passes the gate, and what it can read it reads whole:
stray NULs and UTF-16 source, unreadable files and folders, markers laid out to dodge a plain
substring search, markers past the head of a large file, tracked files under build output
folders, the demo with a NUL byte in every violating file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.adversarial.conftest import FILES, MARKER, make_tree
from tests.helpers.audit_runs import findings_of, run_cli, run_main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"


def _audit(tree: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_main(
        ["audit", str(tree), "--policy", str(tree.parent / "policy.toml"), "--out", str(out),
         "--no-cache", "--jobs", "1", *extra]
    )  # fmt: skip


def _marked(out: Path) -> set[str]:
    return {path for rule, path, _ in findings_of(out) if rule == "proprietary-code"}


def test_stray_nuls_and_utf16_source_are_scanned(tmp_path: Path) -> None:
    body = f"/* {MARKER} */\nint x;\n"
    tree = make_tree(
        tmp_path / "tree",
        {
            **FILES,
            "core/secret.c": "// SPDX-License-Identifier: GPL-2.0-only\nint s;\n",
            "nul.c": ("\0" + body).encode(),
            "nul_mid.c": body.replace("int", "in\0t").encode(),
            "wide16.c": ("\ufeff" + body).encode("utf-16-le"),
            "wide16be.c": body.encode("utf-16-be"),  # no BOM
            "wide32.c": ("\ufeff" + body).encode("utf-32"),
            "nul_noext": ("#include <x.h>\n\0" + body).encode(),  # source by its content
        },
    )
    code, out, err = _audit(tree, tmp_path / "out")
    assert code == 1, err
    want = {"nul.c", "nul_mid.c", "wide16.c", "wide16be.c", "wide32.c", "nul_noext"}
    assert _marked(tmp_path / "out") == want


def test_binary_under_a_source_name_is_an_unscanned_file(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree", {**FILES, "blob.c": b"\x7fELF\x02\x01\0\0\x03\x04" * 50})
    code, _, err = _audit(tree, tmp_path / "out")
    assert code == 1, err
    assert ("unscanned-file", "blob.c", "binary content in a file named like source") in (
        findings_of(tmp_path / "out")
    )


@pytest.mark.parametrize(
    "text",
    [
        "/* Vault\n * Internal */",
        "// Vault\n// Internal",
        "# Vault\n#   Internal",
        "Vault  Internal",
        "Vault\tInternal",
        "Vault-Internal",
        "VAULT -- internal",
        "/* Vault */ /* Internal */",
    ],
)
def test_markers_are_found_across_layout(tmp_path: Path, text: str) -> None:
    tree = make_tree(tmp_path / "tree", {**FILES, "core/dodge.c": f"int a;\n{text}\nint b;\n"})
    code, _, err = _audit(tree, tmp_path / "out")
    assert code == 1, err
    assert "core/dodge.c" in _marked(tmp_path / "out")


def test_a_marker_past_the_head_of_a_large_file(tmp_path: Path) -> None:
    filler = "int filler_%d;\n"
    big = "".join(filler % i for i in range(900_000)) + f"/* {MARKER} */\n"  # 16.2 MiB
    tree = make_tree(tmp_path / "tree", {**FILES, "gen/big.c": big})
    code, _, err = _audit(tree, tmp_path / "out")
    assert code == 1, err
    found = findings_of(tmp_path / "out")
    assert ("proprietary-code", "gen/big.c", MARKER) in found
    assert ("unscanned-file", "gen/big.c", "too large (16.2 MiB > 10 MiB)") in found


def test_unreadable_file_and_folder_fail_the_gate(tmp_path: Path) -> None:
    """As root, with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped: permissions apply."""
    tree = make_tree(tmp_path / "tree")
    (tree / "core" / "secret.c").write_text("// SPDX-License-Identifier: GPL-2.0-only\n")
    (tree / "locked.c").write_text(f"/* {MARKER} */\n")
    (tree / "closed").mkdir()
    (tree / "closed" / "inside.c").write_text(f"/* {MARKER} */\n")
    (tree / "locked.c").chmod(0)
    (tree / "closed").chmod(0)
    try:
        code, out, err = run_cli(
            "audit", str(tree), "--policy", str(tmp_path / "policy.toml"),
            "--out", str(tmp_path / "out"), "--no-cache", drop_privileges=True,
        )  # fmt: skip
    finally:
        (tree / "locked.c").chmod(0o644)
        (tree / "closed").chmod(0o755)
    assert code == 1, err
    found = findings_of(tmp_path / "out")
    assert ("unscanned-file", "locked.c", "unreadable") in found
    assert ("unscanned-file", "closed", "unreadable folder (Permission denied)") in found
    assert "2 file(s) not fully audited" in out
    assert "  closed: unreadable folder (Permission denied)" in out


def test_unscanned_severity_comes_from_the_policy(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree", {**FILES, "blob.c": b"\x7fELF\x02\x01\0\0\x03" * 50})
    policy = tmp_path / "policy.toml"
    policy.write_text(policy.read_text() + '[unscanned]\nseverity = "warning"\n')
    _audit(tree, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "findings.json").read_text())
    (unscanned,) = [f for f in data["findings"] if f["rule"] == "unscanned-file"]
    assert unscanned["severity"] == "warning"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_tracked_build_output_is_audited_and_skips_are_listed(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    (tree / "core" / "secret.c").write_text("// SPDX-License-Identifier: GPL-2.0-only\n")
    shipped = ["build/gen.c", "dist/pkg.py", "lib/__pycache__/m.c", "drv/.x.d", "drv/m.ko"]
    for rel in shipped:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(f"/* {MARKER} */\n")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    (tree / "build" / "untracked.o").write_bytes(b"\x7fELF")
    code, out, err = _audit(tree, tmp_path / "out", "--format", "json,md")
    assert code == 1, err
    assert _marked(tmp_path / "out") == set(shipped)
    skipped = json.loads((tmp_path / "out" / "findings.json").read_text())["run"]["skipped"]
    assert skipped == {"count": 1, "paths": ["build/untracked.o"]}
    assert "1 path(s) left out by the default exclusions" in out
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "1 path(s) left out by the default exclusions (none tracked by git)" in summary


@pytest.mark.scancode
def test_the_demo_with_a_nul_in_every_violating_file_reports_every_finding(
    tmp_path: Path,
) -> None:
    import sys

    sys.path.insert(0, str(REPO / "tests" / "functional"))
    from expected_findings import expected_findings

    want = expected_findings(DEMO / "README.md")
    demo = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, demo)
    for _, path, _ in want:
        target = demo / path
        data = target.read_bytes()
        cut = data.index(b"\n")
        target.write_bytes(data[:cut] + b"\0" + data[cut:])  # a NUL at the end of line 1
        assert b"\0" in target.read_bytes()
    code, _, err = run_main(
        ["audit", str(demo), "--policy", str(REPO / "rules" / "openesx.toml"),
         "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    )  # fmt: skip
    assert code == 1, err
    assert findings_of(tmp_path / "out") == want
