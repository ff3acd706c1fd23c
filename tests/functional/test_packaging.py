"""The package as a user gets it: an sdist that rebuilds the wheel on its own, a wheel with
complete metadata, installed into a fresh virtual environment and run from another folder.

The sdist and the wheel are built with setuptools' PEP 517 backend in a copy of the
repository (no network: the build runs without isolation, on this environment's setuptools,
which must satisfy ``build-system.requires``). The fresh venv gets the wheel alone
(``pip install --no-deps``); its dependencies (ScanCode and the rest, hundreds of megabytes)
come from this environment's site-packages (:mod:`tests.helpers.fresh_venv`). The test then runs
``openesx-license --version`` and the demo audit from an unrelated folder, so the rules and
report templates must come from inside the wheel.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from openesx_license import __version__
from tests.helpers.fresh_venv import OFFLINE_PIP_ARGS, clean_env, make_fresh_venv

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.scancode

_BUILD = """
import sys
from setuptools import build_meta
kind, out = sys.argv[1], sys.argv[2]
name = build_meta.build_sdist(out) if kind == "sdist" else build_meta.build_wheel(out)
print(name)
"""


def _build(kind: str, source: Path, out: Path) -> Path:
    proc = subprocess.run(
        [sys.executable, "-c", _BUILD, kind, str(out)],
        cwd=source, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist built from a clean copy of the tracked files, and the wheel built from the
    unpacked sdist (so the sdist is proven complete)."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, tracked):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = base / "dist"
    out.mkdir()
    sdist = _build("sdist", source, out)
    with tarfile.open(sdist) as tar:
        tar.extractall(base / "unpacked", filter="data")
    unpacked = next((base / "unpacked").iterdir())
    wheel = _build("wheel", unpacked, out)
    return {"sdist": sdist, "wheel": wheel}


def test_build_requires_setuptools_77() -> None:
    import tomllib

    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    assert requires == ["setuptools>=77"]  # `license = "Apache-2.0"` (PEP 639) needs 77


def test_wheel_metadata_is_complete(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = whl.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(whl.read(meta_name))
    assert meta["Name"] == "openesx-license" and meta["Version"] == __version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["Author-email"] and meta["Maintainer-email"]
    classifiers = meta.get_all("Classifier") or []
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: expression only
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(urls)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "openesx_license/_data/rules/openesx.toml" in names
    assert any(n.startswith("openesx_license/_data/reports/") for n in names)
    assert "openesx_license/__main__.py" in names
    readme = meta.get_payload()
    assert "](https://raw.githubusercontent.com/" in readme and "](docs/report.png)" not in readme


@pytest.fixture(scope="module")
def fresh_venv(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    bin_dir = make_fresh_venv(venv)
    proc = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", *OFFLINE_PIP_ARGS.split(),
         str(dist["wheel"])],
        capture_output=True, text=True, env=clean_env(bin_dir), check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return venv


def _run(venv: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(venv / "bin" / "openesx-license"), *args],
        cwd=cwd, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def test_installed_wheel_runs_from_another_folder(fresh_venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    version = _run(fresh_venv, ["--version"], elsewhere)
    assert (version.returncode, version.stdout) == (0, f"openesx-license {__version__}\n")
    code = "import openesx_license; print(openesx_license.__file__)"
    where = subprocess.run(
        [str(fresh_venv / "bin" / "python"), "-c", code],
        cwd=elsewhere, capture_output=True, text=True, check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    ).stdout  # fmt: skip
    assert str(fresh_venv) in where  # the wheel, not the repository

    # the demo: the tree and its policy (found at the tree root), reports from the wheel's data
    tree = elsewhere / "openesx-mini"
    shutil.copytree(REPO / "examples" / "openesx-mini", tree)
    shutil.copy(REPO / "rules" / "openesx.toml", tree / "openesx-license.toml")
    demo = _run(
        fresh_venv,
        ["audit", "openesx-mini", "--out", "report", "--format", "html,json,spdx,notice",
         "--fail-on", "never", "--jobs", "1", "--cache-dir", str(tmp_path / "cache")],
        elsewhere,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Policy: openesx-mini/openesx-license.toml (openesx-license.toml at the tree root)" in (
        demo.stdout
    )
    findings = json.loads((elsewhere / "report" / "findings.json").read_text())
    assert findings["policy"]["origin"] == "tree-file"
    assert {f["rule"] for f in findings["findings"]} >= {"proprietary-code", "boundary-crossing"}
    assert (elsewhere / "report" / "report.html").stat().st_size > 10_000
    assert "Apache License" in (elsewhere / "report" / "NOTICE.txt").read_text()
