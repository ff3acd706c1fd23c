"""One real ScanCode scan of the licence fixtures per test session (the index loads once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.model import ScanResult

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "licenses"


@pytest.fixture(scope="session")
def license_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of tests/assets/licenses outside the repository's git work tree."""
    root = tmp_path_factory.mktemp("licences") / "tree"
    shutil.copytree(ASSETS, root)
    return root


@pytest.fixture(scope="session")
def license_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder the session scan fills (shared by the tests that rescan)."""
    return tmp_path_factory.mktemp("licence-cache")


@pytest.fixture(scope="session")
def license_scan(license_tree: Path, license_cache: Path) -> ScanResult:
    """The fixtures scanned by the real engine, in this process (jobs=1: CI has 2 cores)."""
    return scan_tree(license_tree, jobs=1, cache_dir=license_cache, progress=False)
