"""The copied-code step inside the audit: with only an index of the proprietary tree, header
and symbol references become boundary-crossing findings and copies copied-code findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from openesx_license._util.run import RunOptions
from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import get_check
from openesx_license.config.components import apply_components
from openesx_license.config.loader import load_policy
from openesx_license.config.model import Policy
from openesx_license.copies.stage import analyse_copies
from openesx_license.errors import FingerprintIndexError
from openesx_license.ipindex.build import build_index
from openesx_license.ipindex.store import IndexParameters
from openesx_license.model import FileKind, FileRecord, Severity
from openesx_license.pipeline import check_step, component_map, graph_step

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "ipindex"


def _records(tree: Path) -> list[FileRecord]:
    records = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        data = path.read_bytes()
        records.append(
            FileRecord(
                path=path.relative_to(tree).as_posix(),
                size=len(data),
                sha1=hashlib.sha1(data).hexdigest(),  # noqa: S324 - content key, not security
                kind=FileKind.HEADER if path.suffix == ".h" else FileKind.SOURCE,
                language="C",
                license_expression="GPL-2.0-only",
                license_source="detected",
            )
        )
    return records


def _audit(tree: Path, policy: Policy, index: Path | None, tmp_path: Path) -> CheckContext:
    components = component_map(policy)
    files = apply_components(_records(tree), components)
    copies = analyse_copies(tree, policy, files, components, ip_index=index, jobs=1)
    run = RunOptions(jobs=1, cache_dir=None)
    graph = graph_step(tree, policy, files, components, run, extra_edges=copies.edges)
    return CheckContext(
        policy=policy, files=files, graph=graph, components=components, copies=copies
    )


@pytest.fixture
def policy() -> Policy:
    return load_policy(ASSETS / "policy.toml")


def test_index_references_are_boundary_crossings_without_the_proprietary_tree(
    proprietary_tree: Path, open_tree: Path, tmp_path: Path, policy: Policy
) -> None:
    index = tmp_path / "ip.db"
    build_index(proprietary_tree, index, IndexParameters(k=25, window=8))
    ctx = _audit(open_tree, policy, index, tmp_path)
    assert not (open_tree / "vmotion").exists()
    assert ctx.graph.nodes["ipindex:vmotion:vmotion_start_transfer"]["external"] is True
    assert ctx.graph.nodes["ipindex:vmotion:vmotion_start_transfer"]["component"] == "vmotion"
    findings = check_step(ctx)
    crossings = {
        (f.path, f.target, f.evidence[0].kind) for f in findings if f.rule == "boundary-crossing"
    }
    assert ("vmkernel/migrate.c", "vmotion", "include") in crossings or (
        "vmkernel/migrate.c",
        "vmotion",
        "symbol",
    ) in crossings
    assert ("vmkernel/integrity.c", "vmotion", "copy") in crossings
    migrate = [f for f in findings if f.path == "vmkernel/migrate.c"]
    assert any("vmotion_api.h" in e.text or "vmotion_start_transfer" in e.text
               for f in migrate for e in f.evidence)  # fmt: skip
    copied = [f for f in findings if f.rule == "copied-code"]
    assert len(copied) == 1
    copy = copied[0]
    assert (copy.path, copy.target, copy.severity) == (
        "vmkernel/integrity.c",
        "vmotion/transfer.c",
        Severity.ERROR,
    )
    assert copy.evidence[1].path == "vmotion/transfer.c" and copy.data["similarity"] > 0.9
    rule = get_check("copied-code")
    assert rule is not None and rule.waivable is False


def test_monorepo_mode_fingerprints_the_proprietary_components_on_the_fly(
    proprietary_tree: Path, open_tree: Path, tmp_path: Path, policy: Policy
) -> None:
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    for tree in (open_tree, proprietary_tree):
        for path in tree.rglob("*"):
            if path.is_file():
                target = monorepo / path.relative_to(tree)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    ctx = _audit(monorepo, policy, None, tmp_path)
    copied = [f for f in check_step(ctx) if f.rule == "copied-code"]
    assert [(f.path, f.target) for f in copied] == [("vmkernel/integrity.c", "vmotion/transfer.c")]
    # the copy edge points at the real proprietary file, which is a node of the graph
    assert ctx.graph.has_edge("vmkernel/integrity.c", "vmotion/transfer.c")


def test_index_built_with_other_parameters_is_refused(
    proprietary_tree: Path, open_tree: Path, tmp_path: Path, policy: Policy
) -> None:
    index = tmp_path / "ip.db"
    build_index(proprietary_tree, index, IndexParameters(k=20, window=8))
    with pytest.raises(FingerprintIndexError, match="k=20"):
        _audit(open_tree, policy, index, tmp_path)
