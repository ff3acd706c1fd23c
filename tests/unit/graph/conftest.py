"""Fixtures of the graph tests: small trees written to tmp_path, with their inventory records."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import networkx as nx
import pytest

from openesx_license.graph import build_graph
from openesx_license.model import FileKind, FileRecord

TreeFactory = Callable[[Mapping[str, str | bytes]], tuple[Path, list[FileRecord]]]


def _kind(path: str, data: bytes) -> FileKind:
    if b"\0" in data:
        return FileKind.BINARY
    if path.endswith((".h", ".hpp")):
        return FileKind.HEADER
    name = path.rsplit("/", 1)[-1]
    if name in ("Makefile", "Kbuild") or name.endswith(".mk") or name.startswith("Makefile."):
        return FileKind.BUILD
    return FileKind.SOURCE


@pytest.fixture
def make_tree(tmp_path: Path) -> TreeFactory:
    """Write ``{path: text}`` under ``tmp_path/tree``; return the root and its records."""

    def make(files: Mapping[str, str | bytes]) -> tuple[Path, list[FileRecord]]:
        root = tmp_path / "tree"
        records = []
        for path, content in sorted(files.items()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            records.append(
                FileRecord(
                    path=path,
                    size=len(data),
                    sha1=hashlib.sha1(data).hexdigest(),
                    kind=_kind(path, data),
                )
            )
        return root, records

    return make


@pytest.fixture
def graph_of(make_tree: TreeFactory, tmp_path: Path) -> Callable[..., nx.MultiDiGraph]:
    """Build the graph of a ``{path: text}`` tree (cache in tmp_path); kwargs go to build_graph."""

    def build(files: Mapping[str, str | bytes], **kwargs: object) -> nx.MultiDiGraph:
        root, records = make_tree(files)
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        return build_graph(root, records, **kwargs)  # type: ignore[arg-type]

    return build


ASSETS = Path(__file__).resolve().parents[2] / "assets" / "buildgraph"


@pytest.fixture
def asset_graph(tmp_path: Path) -> Callable[..., nx.MultiDiGraph]:
    """Build the graph of ``tests/assets/buildgraph/<name>`` (cache in tmp_path)."""

    def build(name: str, **kwargs: object) -> nx.MultiDiGraph:
        root = ASSETS / name
        records = []
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            path = file.relative_to(root).as_posix()
            data = file.read_bytes()
            records.append(
                FileRecord(
                    path=path,
                    size=len(data),
                    sha1=hashlib.sha1(data).hexdigest(),
                    kind=_kind(path, data),
                )
            )
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        return build_graph(root, records, **kwargs)  # type: ignore[arg-type]

    return build
