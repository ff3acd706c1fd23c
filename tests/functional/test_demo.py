"""The demo tree audited with the shipped policy reports exactly the findings its README lists.

One in-process audit (the real ScanCode engine, a cache shared by the module) and one run of
the CLI for the exit code and ``findings.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from expected_findings import expected_findings

from openesx_license.cli.main import main
from openesx_license.config.loader import load_policy
from openesx_license.gate.verdict import gate_verdict
from openesx_license.model import AuditResult
from openesx_license.pipeline import run_audit
from openesx_license.resources import rules_file

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"

pytestmark = pytest.mark.scancode


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("demo") / "openesx-mini"
    shutil.copytree(DEMO, tree)
    return tree


@pytest.fixture(scope="module")
def result(demo: Path, cache_dir: Path) -> AuditResult:
    return run_audit(demo, load_policy(rules_file("openesx.toml")), jobs=1, cache_dir=cache_dir)


def test_demo_reports_exactly_the_listed_findings(result: AuditResult) -> None:
    got = {(f.rule, f.path, f.target) for f in result.findings}
    want = expected_findings(DEMO / "README.md")
    assert sorted(got - want, key=str) == [], "findings the README does not list"
    assert sorted(want - got, key=str) == [], "listed findings the audit did not report"


def test_demo_evidence_names_every_hop(result: AuditResult) -> None:
    by_key = {(f.rule, f.path, f.target): f for f in result.findings}
    include = by_key[("boundary-crossing", "vmkernel/migrate.c", "vmotion")]
    assert include.evidence[0].kind == "include"
    assert (
        include.evidence[0].path == "vmkernel/migrate.c"
        and include.line == include.evidence[0].line
    )
    assert "vmotion_api.h" in include.evidence[0].text
    assert include.evidence[-1].path == "vmotion/include/vmotion_api.h"
    call = by_key[("boundary-crossing", "drivers/scsi/pvscsi/pvscsi.c", "vmotion")]
    assert call.evidence[0].kind == "symbol" and "vmotion_quiesce_device" in call.evidence[0].text
    gpl = by_key[("gpl-only-symbol", "ha/fdm.c", "vmk_world_lookup")]
    world = (DEMO / "vmkernel/sched/world.c").read_text().splitlines()
    export_line = world.index("EXPORT_SYMBOL_GPL(vmk_world_lookup);") + 1
    assert [(e.path, e.line) for e in gpl.evidence] == [
        ("ha/fdm.c", gpl.line),
        ("vmkernel/sched/world.c", export_line),
    ]
    marker = by_key[("proprietary-code", "vmkernel/hv_trace.c", "VMware Confidential")]
    assert marker.line == 5 and marker.evidence[0].kind == "marker"


def test_demo_copied_function_names_both_locations(result: AuditResult) -> None:
    copies = [f for f in result.findings if f.rule == "copied-code"]
    assert [(f.path, f.target) for f in copies] == [
        ("vmkernel/mem/dirty_track.c", "vmotion/dirtylog.c")
    ]
    copy = copies[0]
    assert [e.path for e in copy.evidence] == ["vmkernel/mem/dirty_track.c", "vmotion/dirtylog.c"]
    # vmotion_collect_dirty() spans lines 16-38 of vmotion/dirtylog.c; the copy lines 9-34
    assert copy.data["proprietary_lines"][0] <= 20 and copy.data["proprietary_lines"][1] >= 36
    assert copy.line is not None and 9 <= copy.line <= 16 and copy.data["similarity"] >= 0.9


def test_demo_components_and_crossing_edges(result: AuditResult) -> None:
    summary = {c.name: c for c in result.components}
    assert summary["vmotion"].component_class == "proprietary"
    assert summary["unmapped"].files == 1
    crossing = {(e.source, e.target) for e in result.component_edges if e.crossing}
    assert {("vmkernel", "vmotion"), ("drivers", "vmotion"), ("tools", "vcenter")} <= crossing
    assert ("ha", "vmkernel") not in crossing
    assert gate_verdict(result, "error").exit_code == 1
    assert gate_verdict(result, "never").exit_code == 0


def test_demo_cli_writes_findings_json(
    demo: Path, cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    argv = ["audit", str(demo), "--policy", str(rules_file("openesx.toml")), "--out", str(out),
            "--cache-dir", str(cache_dir), "--jobs", "1"]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 1
    stdout = capsys.readouterr().out
    assert "boundary-crossing" in stdout and "Top findings:" in stdout
    data = json.loads((out / "findings.json").read_text())
    assert {(f["rule"], f["path"]) for f in data["findings"]} >= {
        ("boundary-crossing", "vmkernel/migrate.c"),
        ("unmapped-file", "misc/bootsplash.c"),
    }


def test_demo_release_options(result: AuditResult) -> None:
    """Proprietary parts block every candidate; once removed, the Apache-2.0 driver blocks
    GPL-2.0-only but not GPL-3.0-only (which the kernel's GPL-2.0-only files block)."""
    from openesx_license.licensing.options import is_proprietary_blocker

    rows = {o.license: o for o in result.options}
    assert list(rows)[0] == "GPL-2.0-only"
    assert set(rows) >= {"GPL-3.0-only", "LGPL-2.1-only", "BSD-3-Clause", "MPL-2.0", "Apache-2.0"}
    for row in rows.values():
        assert not row.allowed and row.proprietary_files >= 10
        assert {"vmotion", "ha", "vcenter"} <= set(row.blocking_components)

    def license_blockers(name: str) -> set[str | None]:
        return {b.license_expression for b in rows[name].blockers if not is_proprietary_blocker(b)}

    assert license_blockers("GPL-2.0-only") == {"Apache-2.0"}
    assert rows["GPL-2.0-only"].blocking_files - rows["GPL-2.0-only"].proprietary_files == 2
    assert "Apache-2.0" not in license_blockers("GPL-3.0-only")
    assert "GPL-2.0-only" in license_blockers("GPL-3.0-only")
