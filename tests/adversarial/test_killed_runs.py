"""Killed runs: SIGKILL of an audit at any moment leaves no worker behind, no mixed report set,
and a cache from which the next run finds exactly what a clean run finds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.adversarial.conftest import FILES, make_tree
from tests.helpers.audit_runs import child_env, cli_argv, findings_of, run_cli


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _many_files(count: int, *, prose: bool) -> dict[str, str | bytes]:
    """``count`` C files calling each other; with ``prose``, each with a distinct licence-like
    comment (ScanCode's index is then loaded, in the workers)."""
    files: dict[str, str | bytes] = dict(FILES)
    for n in range(count):
        head = (
            f"/* Copyright (c) {1990 + n % 30} Author Number {n}.\n"
            f" * Permission is granted to copy module {n} under the terms of licence {n}. */\n"
            if prose
            else "// SPDX-License-Identifier: GPL-2.0-only\n"
        )
        files[f"gen/f{n}.c"] = (
            f'{head}#include "../core/a.h"\nint f{n}(int v) {{ return helper(v) + {n}; }}\n'
        )
    return files


def _descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid``, with its depth (1: a child)."""
    found: dict[int, int] = {}
    frontier = [(pid, 0)]
    while frontier:
        parent, depth = frontier.pop()
        for child in _children(parent):
            if child not in found:
                found[child] = depth + 1
                frontier.append((child, depth + 1))
    return found


def test_workers_die_with_a_killed_audit(tmp_path: Path) -> None:
    """The file readers are the audit's children; the licence matchers are children of the
    fork server that shares ScanCode's index (its grandchildren). The audit is killed once a
    matcher runs; every worker seen must be gone soon after."""
    tree = make_tree(tmp_path / "tree", _many_files(120, prose=True))
    argv = cli_argv(
        "audit", str(tree), "--policy", str(tmp_path / "policy.toml"),
        "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "2",
    )  # fmt: skip
    proc = subprocess.Popen(argv, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    workers: dict[int, int] = {}
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers.update({p: d for p, d in _descendants(proc.pid).items() if _is_python(p)})
            if max(workers.values(), default=0) >= 2:  # a matcher under the fork server
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the audit started no worker pool"
        time.sleep(1.0)  # the matchers are busy
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    survivors = [w for w in workers if _alive(w)]
    for pid in survivors:  # never leave them to the next test, but fail
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], f"workers outlived the killed audit (depths {workers})"


def _is_python(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"python" in handle.read().split(b"\0")[0]
    except OSError:
        return False


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set, float]:
    base = tmp_path_factory.mktemp("reference")
    tree = make_tree(base / "tree", _many_files(150, prose=False))
    started = time.monotonic()
    code, _, err = run_cli(
        "audit", str(tree), "--policy", str(base / "policy.toml"), "--out", str(base / "out"),
        "--cache-dir", str(base / "cache"), "--format", "json,md,sarif",
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert code == 1, err
    return tree, findings_of(base / "out"), seconds


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(when=st.floats(0.0, 1.0))
def test_the_run_after_a_kill_finds_exactly_what_a_clean_run_finds(
    reference: tuple[Path, set, float], tmp_path_factory: pytest.TempPathFactory, when: float
) -> None:
    tree, want, seconds = reference
    base = tmp_path_factory.getbasetemp() / "killed"  # one cache and report folder for all
    out, cache = base / "out", base / "cache"
    argv = cli_argv(
        "audit", str(tree), "--policy", str(tree.parent / "policy.toml"), "--out", str(out),
        "--cache-dir", str(cache), "--format", "json,md,sarif", "--jobs", "2",
    )  # fmt: skip
    proc = subprocess.Popen(argv, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(when * seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    if out.exists():  # whatever the moment, the report folder holds one whole set
        names = sorted(p.name for p in out.iterdir())
        assert names == ["findings.json", "findings.sarif", "summary.md"], names
        json.loads((out / "findings.json").read_text())
    code, _, err = run_cli(
        "audit", str(tree), "--policy", str(tree.parent / "policy.toml"), "--out", str(out),
        "--cache-dir", str(cache), "--format", "json,md,sarif",
    )  # fmt: skip
    assert code == 1, err
    assert "internal error" not in err
    assert findings_of(out) == want
    assert sorted(p.name for p in base.iterdir()) == ["cache", "out"]  # no stray temp folder
