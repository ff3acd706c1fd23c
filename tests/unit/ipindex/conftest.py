"""Shared fixtures: the small proprietary and open trees of tests/assets/ipindex."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "ipindex"


@pytest.fixture
def proprietary_tree(tmp_path: Path) -> Path:
    """A copy of the proprietary fixture tree (folder ``vmotion/``)."""
    tree = tmp_path / "proprietary"
    shutil.copytree(ASSETS / "proprietary", tree)
    return tree


@pytest.fixture
def open_tree(tmp_path: Path) -> Path:
    """A copy of the open fixture tree, which has no proprietary files."""
    tree = tmp_path / "open"
    shutil.copytree(ASSETS / "open", tree)
    return tree
