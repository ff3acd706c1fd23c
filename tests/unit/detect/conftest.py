"""One real ScanCode scan of the licence fixtures per test session (the index loads once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.model import ScanResult

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "licenses"


@pytest.fixture(scope="session")
def licence_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of tests/assets/licenses outside the repository's git work tree."""
    root = tmp_path_factory.mktemp("licences") / "tree"
    shutil.copytree(ASSETS, root)
    return root


@pytest.fixture(scope="session")
def licence_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder the session scan fills (shared by the tests that rescan)."""
    return tmp_path_factory.mktemp("licence-cache")


@pytest.fixture(scope="session")
def licence_scan(licence_tree: Path, licence_cache: Path) -> ScanResult:
    """The fixtures scanned by the real engine, in this process (jobs=1: CI has 2 cores)."""
    return scan_tree(licence_tree, jobs=1, cache_dir=licence_cache, progress=False)
