"""Progress on stderr, from real runs of the CLI: a bar redrawn in place when stderr is a
terminal (a pseudo-terminal here), one line per stage when it is a pipe, nothing with -q.

The tree is generated: open C files, some of them copying a proprietary folder's code, all
with SPDX tags (no ScanCode licence index is loaded), so every stage of an audit runs:
the scan's, the copied-code step's, the graph's and the rules'.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POLICY = """schema = 1
[release]
name = "progress"
license = "GPL-2.0-only"
[[component]]
name = "open"
class = "open"
license = "GPL-2.0-only"
paths = ["**"]
[[component]]
name = "secret"
class = "proprietary"
paths = ["secret/**"]
"""
#: the stages an audit of the tree goes through, in order
AUDIT_STAGES = [
    "inventory",
    "reading files",
    "copied code: cache lookup",
    "copied code: fingerprinting",
    "copied code: matching",
    "dependency graph: reading files",
    "dependency graph: resolving includes",
    "dependency graph: linking symbols",
    "dependency graph: edges",
    "checking the rules",
    "waivers, baseline, --since",
    "report json",
]
#: what the counted stages count: (label, done/total as the bar shows it at the end)
COUNTED = {
    "copied code: fingerprinting": "25/25",  # 21 open C files and 4 proprietary ones
    "copied code: matching": "4/4",  # the open ones sharing a fingerprint with the others
    "dependency graph: reading files": "26/26",  # the C files and the Makefile
    "dependency graph: resolving includes": "26/26",
    "dependency graph: linking symbols": "26/26",
}


def _function(name: str, n: int) -> str:
    body = "\n".join(
        f"    total += values[{i}] * {i + 3} - (total >> {i % 5 + 1});" for i in range(n)
    )
    return f"int {name}(const int *values)\n{{\n    int total = 0;\n{body}\n    return total;\n}}\n"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "tree"
    (root / "secret").mkdir(parents=True)
    (root / "drivers").mkdir()
    tag = "// SPDX-License-Identifier: {}\n// Copyright (c) 2024 Example Corp.\n"
    for i in range(4):
        (root / "secret" / f"s{i}.c").write_text(
            tag.format("LicenseRef-Proprietary") + _function(f"secret_{i}", 40)
        )
    for i in range(20):
        copied = _function(f"secret_{i % 4}", 40) if i % 5 == 0 else ""
        (root / "drivers" / f"d{i}.c").write_text(
            tag.format("GPL-2.0-only")
            + f'#include "d{(i + 1) % 20}.h"\n'
            + _function(f"driver_{i}", 8 + i)
            + copied
        )
    (root / "drivers" / "d1.h").write_text(tag.format("GPL-2.0-only") + "int driver_1(int *);\n")
    (root / "Makefile").write_text("obj-y += drivers/d0.o drivers/d1.o\n")
    (root.parent / "policy.toml").write_text(POLICY)
    return root


def _command(tree: Path, cache: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "openesx_license", "audit", str(tree),
        "--policy", str(tree.parent / "policy.toml"),
        "--jobs", "1", "--cache-dir", str(cache), "--out", str(cache.parent / "out"),
        "--format", "json", "--fail-on", "never", *extra,
    ]  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "160", "TERM": "xterm"}


def _run_on_a_terminal(command: list[str]) -> tuple[int, str]:
    """Run ``command`` with stderr on a pseudo-terminal; its exit code and what it drew."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=_env()
    )
    os.close(slave)
    drawn = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 300 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    return proc.wait(timeout=60), drawn.decode("utf-8", errors="replace")


def _lines(err: str) -> list[str]:
    return [line.removeprefix("openesx-license: ") for line in err.splitlines() if line]


def _label(line: str) -> str:
    return line.rsplit(": ", 1)[0]


def test_a_pipe_gets_one_line_per_stage(tree: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        _command(tree, tmp_path / "cache"), capture_output=True, text=True, env=_env(), check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "\033" not in proc.stderr
    stages = [line for line in _lines(proc.stderr) if _label(line) in AUDIT_STAGES]
    assert [_label(line) for line in stages] == AUDIT_STAGES
    for line in stages:
        label = _label(line)
        if label in COUNTED:  # count, time and rate: '25 files in 0.1 s (250 files/s)'
            total = COUNTED[label].split("/")[1]
            assert re.fullmatch(
                rf"{total} files in [0-9.]+ s( \([0-9,]+ files/s\))?", line.rsplit(": ", 1)[1]
            ), line
    # a warm re-audit: the copied-code step and the graph are one stage each
    proc = subprocess.run(
        _command(tree, tmp_path / "cache"), capture_output=True, text=True, env=_env(), check=False
    )
    labels = [_label(line) for line in _lines(proc.stderr)]
    assert "copied code: cache lookup" in labels and "copied code: fingerprinting" not in labels
    assert "dependency graph: from the last build" in labels
    assert "dependency graph: reading files" not in labels


def test_quiet_prints_nothing(tree: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        _command(tree, tmp_path / "cache", "-q"),
        capture_output=True, text=True, env=_env(), check=False,
    )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (0, "")
    code, drawn = _run_on_a_terminal(_command(tree, tmp_path / "cache2", "-q"))
    assert (code, drawn) == (0, "")


def test_a_terminal_gets_a_bar_redrawn_in_place_for_every_stage(tree: Path, tmp_path: Path) -> None:
    code, drawn = _run_on_a_terminal(_command(tree, tmp_path / "cache"))
    assert code == 0, drawn
    draws = [d.strip() for d in drawn.split("\r\033[K") if d.strip()]
    # no stage line of the log form: the bar is drawn over itself and cleared at the end
    assert not any(re.search(r": [0-9,]+ files in [0-9.]+ s", d) for d in draws), draws
    shown = {
        label for label in AUDIT_STAGES for d in draws if d.startswith(f"openesx-license: {label} ")
    }
    assert shown >= set(COUNTED) | {"checking the rules"}
    for label, count in COUNTED.items():  # counted: a bar with done/total (then rate and ETA)
        assert any(
            d.startswith(f"openesx-license: {label} ") and f"] {count}" in d for d in draws
        ), label


def test_scan_progress_follows_the_same_rules(tree: Path, tmp_path: Path) -> None:
    scan = [
        sys.executable, "-m", "openesx_license", "scan", str(tree), "--jobs", "1",
        "--cache-dir", str(tmp_path / "cache"), "--json", str(tmp_path / "scan.json"),
    ]  # fmt: skip
    proc = subprocess.run(scan, capture_output=True, text=True, env=_env(), check=False)
    assert proc.returncode == 0, proc.stderr
    labels = [_label(line) for line in _lines(proc.stderr) if not line.startswith("Scanned")]
    assert labels[:2] == ["inventory", "reading files"] and "\r" not in proc.stderr
    proc = subprocess.run([*scan, "-q"], capture_output=True, text=True, env=_env(), check=False)
    assert (proc.returncode, proc.stderr) == (0, "")
    code, drawn = _run_on_a_terminal([*scan, "--no-cache"])
    assert code == 0
    assert re.search(r"\r\033\[Kopenesx-license: reading files +\[[#-]+\] 26/26", drawn), drawn
