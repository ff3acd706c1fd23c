"""Pipeline helpers that need no scan: the gate's exit code, the tree hash, component edges."""

from __future__ import annotations

import subprocess
from pathlib import Path

import networkx as nx
import pytest

from openesx_license.config.components import ComponentMap
from openesx_license.config.loader import load_policy, parse_policy
from openesx_license.errors import UsageError
from openesx_license.model import (
    Evidence,
    FileKind,
    FileRecord,
)
from openesx_license.pipeline import component_edges, run_audit, tree_hash


def _record(path: str, sha1: str) -> FileRecord:
    return FileRecord(path=path, size=1, sha1=sha1, kind=FileKind.SOURCE)


def test_tree_hash_without_git_follows_content(tmp_path: Path) -> None:
    files = {"a.c": _record("a.c", "1" * 40)}
    first = tree_hash(tmp_path, files)
    assert first.startswith("sha1:") and first == tree_hash(tmp_path, files)
    assert tree_hash(tmp_path, {"a.c": _record("a.c", "2" * 40)}) != first


def test_tree_hash_of_a_git_work_tree(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@e",
             "-c", "commit.gpgsign=false", *args],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    (tmp_path / "a.c").write_text("int a;\n")
    git("init", "-q")
    git("add", "a.c")
    git("commit", "-q", "-m", "a")
    head = git("rev-parse", "HEAD")
    assert tree_hash(tmp_path, {}) == f"git:{head}"
    (tmp_path / "a.c").write_text("int b;\n")
    assert tree_hash(tmp_path, {}) == f"git:{head}+dirty"


def test_component_edges_flag_crossings() -> None:
    policy = parse_policy(
        """
[release]
name = "t"
license = "GPL-2.0-only"
[[component]]
name = "core"
class = "open"
paths = ["core/**"]
[[component]]
name = "secret"
class = "proprietary"
paths = ["secret/**"]
[[rule]]
name = "no"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
edges = ["include"]
""",
        source="p.toml",
    )
    g = nx.MultiDiGraph()
    ev = Evidence(path="x", line=1, text="", kind="include")
    g.add_edge("core/a.c", "secret/s.h", kind="include", evidence=ev)
    g.add_edge("core/a.c", "secret/s.c", kind="symbol", evidence=ev)
    g.add_edge("secret/s.c", "core/a.c", kind="symbol", evidence=ev)
    g.add_edge("core/a.c", "core/b.h", kind="include", evidence=ev)
    edges = {(e.source, e.target): e for e in component_edges(ComponentMap(policy), g)}
    assert set(edges) == {("core", "secret"), ("secret", "core")}
    assert edges[("core", "secret")].crossing and edges[("core", "secret")].count == 2
    assert edges[("core", "secret")].kinds == ("include", "symbol")
    assert not edges[("secret", "core")].crossing


def test_run_audit_rejects_a_missing_root(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        run_audit(tmp_path / "nope", load_policy(None))
