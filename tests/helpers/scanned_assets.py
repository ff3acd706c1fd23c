"""A folder of test assets scanned once with the real engine, its records by path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openesx_license.detect import scan_tree
from openesx_license.model import FileRecord


def scan_assets(factory: pytest.TempPathFactory, assets: Path) -> dict[str, FileRecord]:
    """``assets`` copied to a temporary tree and scanned cold (jobs=1: CI has 2 cores)."""
    root = factory.mktemp(assets.name) / "tree"
    shutil.copytree(assets, root)
    scan = scan_tree(root, jobs=1, cache_dir=factory.mktemp("cache"), progress=False)
    return {f.path: f for f in scan.files}
