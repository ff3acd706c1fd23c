"""A ScanCode JSON scan of the demo tree, fed to ``audit --from-scancode``, gives the same
findings as a normal audit, and the files the scan lacks are scanned.

The scan comes from the installed ``scancode -l -c --json`` (about a minute on this machine),
kept under the temporary folder keyed by the demo tree's content and ScanCode's version, so
that later runs reuse it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from openesx_license.cli.main import main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"
POLICY = REPO / "rules" / "openesx.toml"
pytestmark = pytest.mark.scancode


def _demo_digest() -> str:
    digest = hashlib.sha256(importlib.metadata.version("scancode-toolkit").encode())
    for path in sorted(p for p in DEMO.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(DEMO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def scancode_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cached = (
        Path(tempfile.gettempdir())
        / "openesx-license-tests"
        / f"scancode-demo-{_demo_digest()}.json"
    )
    if cached.is_file():
        return cached
    work = tmp_path_factory.mktemp("scancode-run")
    shutil.copytree(DEMO, work / "openesx-mini")
    scancode = Path(sys.executable).parent / "scancode"
    out = work / "scan.json"
    subprocess.run(
        [str(scancode), "-l", "-c", "--json", str(out), "-n", "2", "--quiet", "openesx-mini"],
        cwd=work, check=True, capture_output=True,
    )  # fmt: skip
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    shutil.copy(out, tmp)
    tmp.replace(cached)
    return cached


def _audit(tree: Path, out: Path, cache: Path, *extra: str) -> dict[str, Any]:
    argv = ["audit", str(tree), "--policy", str(POLICY), "--out", str(out), "--jobs", "1",
            "--cache-dir", str(cache), "--fail-on", "never", "-q", *extra]  # fmt: skip
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    return json.loads((out / "findings.json").read_text())


def _findings(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (f["rule"], f["severity"], f["path"], f["line"], f["message"], f["fingerprint"])
        for f in doc["findings"]
    ]


def test_same_findings_as_a_normal_audit(scancode_json: Path, tmp_path: Path) -> None:
    tree = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, tree)
    normal = _audit(tree, tmp_path / "normal", tmp_path / "cache-normal")
    # an empty cache: every answer comes from the ScanCode scan, not from the normal run
    reused = _audit(tree, tmp_path / "reused", tmp_path / "cache-reused", "--from-scancode",
                    str(scancode_json))  # fmt: skip
    assert _findings(reused) == _findings(normal)
    assert len(normal["findings"]) >= 10
    files = len(normal["files"])
    assert reused["run"]["stats"]["imported"] == files - sum(
        1 for f in normal["files"] if f["kind"] == "binary"
    )
    assert reused["run"]["stats"]["distinct_blocks"] == 0  # ScanCode's engine never ran
    concluded = {f["path"]: (f["license_expression"], f["license_source"]) for f in normal["files"]}
    assert {f["path"]: (f["license_expression"], f["license_source"]) for f in reused["files"]} == (
        concluded
    )


def test_files_the_scan_lacks_are_scanned(scancode_json: Path, tmp_path: Path) -> None:
    tree = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, tree)
    (tree / "vmkernel" / "added.c").write_text(
        "// SPDX-License-Identifier: GPL-2.0-only\n/* VMware Confidential */\nint added;\n"
    )
    doc = _audit(tree, tmp_path / "out", tmp_path / "cache", "--from-scancode", str(scancode_json))
    added = next(f for f in doc["files"] if f["path"] == "vmkernel/added.c")
    assert added["license_expression"] == "GPL-2.0-only"
    assert doc["run"]["stats"]["detected"] == 1
    assert any(
        f["rule"] == "proprietary-code" and f["path"] == "vmkernel/added.c" for f in doc["findings"]
    )
