"""Every report format on the demo tree: schema validation, content, golden files, CLI.

One in-process audit of ``examples/openesx-mini`` (real ScanCode, session-scoped), rendered in
every format through :func:`openesx_license.reports.write_reports`. ``summary.md`` and
``NOTICE.txt`` are compared with ``tests/assets/golden/`` after normalising the date, tree
hash and tool version; regenerate them after an intended change with

    OESX_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/functional/test_reports_demo.py -q

and review ``git diff tests/assets/golden/``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from openesx_license.checks.registry import all_checks
from openesx_license.cli.main import main
from openesx_license.config.loader import load_policy
from openesx_license.model import AuditResult, FindingStatus
from openesx_license.pipeline import run_audit
from openesx_license.reports import ReportFormat, write_reports
from openesx_license.reports.license_data import license_text
from openesx_license.resources import rules_file
from tests.helpers.schema_checks import FINDINGS_SCHEMA, sarif_schema, validate

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"
GOLDEN = REPO / "tests" / "assets" / "golden"

pytestmark = pytest.mark.scancode

#: top folders of the demo's proprietary components (and the one no component claims)
LEFT_OUT = ("vmotion/", "ha/", "vcenter/", "misc/")


@pytest.fixture(scope="session")
def demo_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("reports-demo") / "openesx-mini"
    shutil.copytree(DEMO, tree)
    return tree


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports-cache")


@pytest.fixture(scope="session")
def demo_result(demo_tree: Path, demo_cache: Path) -> AuditResult:
    return run_audit(
        demo_tree, load_policy(rules_file("openesx.toml")), jobs=1, cache_dir=demo_cache
    )


@pytest.fixture(scope="session")
def demo_reports(
    demo_result: AuditResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path], str]:
    out = tmp_path_factory.mktemp("reports-out")
    stream = io.StringIO()
    written = write_reports(demo_result, out, [f.value for f in ReportFormat], stream=stream)
    return out, written, stream.getvalue()


def _load(out: Path, name: str) -> Any:
    return json.loads((out / name).read_text(encoding="utf-8"))


def test_every_format_written_atomically(demo_reports: tuple[Path, list[Path], str]) -> None:
    out, written, annotations = demo_reports
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            "NOTICE.txt",
            "findings.json",
            "findings.sarif",
            "gl-code-quality.json",
            "report.html",
            "sbom.cdx.json",
            "sbom.spdx.json",
            "summary.md",
        ]
    )
    assert sorted(p.name for p in out.iterdir()) == names  # no temporary file left behind
    assert annotations.startswith("::error ")


def test_findings_json_matches_schema_and_result(
    demo_reports: tuple[Path, list[Path], str], demo_result: AuditResult
) -> None:
    doc = _load(demo_reports[0], "findings.json")
    validate(doc, json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8")))
    assert len(doc["findings"]) == len(demo_result.findings)
    assert len(doc["files"]) == len(demo_result.scan.files)
    assert doc["summary"]["by_rule"]["boundary-crossing"] >= 4
    assert all(f["fingerprint"] for f in doc["findings"])


def test_sarif_is_valid_and_complete(
    demo_reports: tuple[Path, list[Path], str], demo_result: AuditResult
) -> None:
    log = _load(demo_reports[0], "findings.sarif")
    validate(log, sarif_schema())
    run = log["runs"][0]
    described = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert set(all_checks()) <= described
    assert len(run["results"]) == len(demo_result.findings)
    crossing = next(
        r
        for r in run["results"]
        if r["ruleId"] == "boundary-crossing"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "vmkernel/migrate.c"
    )
    hops = crossing["codeFlows"][0]["threadFlows"][0]["locations"]
    assert hops[0]["kinds"] == ["include"]
    last = hops[-1]["location"]["physicalLocation"]["artifactLocation"]["uri"]
    assert last.startswith("vmotion/")
    prints = [r["partialFingerprints"]["openesxFingerprint/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)


def test_spdx_is_valid_and_leaves_proprietary_out(
    demo_reports: tuple[Path, list[Path], str],
) -> None:
    path = demo_reports[0] / "sbom.spdx.json"
    assert validate_full_spdx_document(parse_file(str(path))) == []
    doc = _load(demo_reports[0], "sbom.spdx.json")
    names = [f["fileName"][2:] for f in doc["files"]]
    assert not [n for n in names if n.startswith(LEFT_OUT)]
    assert "third_party/zlib/adler32.c" in names and "vmkernel/migrate.c" in names
    assert "vmotion" in doc["comment"] and "excluded" in doc["comment"]
    packages = {p["name"] for p in doc["packages"]}
    assert {"vmkernel", "zlib", "jsmn"} <= packages
    assert not packages & {"vmotion", "ha", "vcenter"}


def test_cyclonedx_is_valid_and_leaves_proprietary_out(
    demo_reports: tuple[Path, list[Path], str],
) -> None:
    text = (demo_reports[0] / "sbom.cdx.json").read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc = json.loads(text)
    names = [f["name"] for c in doc["components"] for f in c.get("components", [])]
    assert not [n for n in names if n.startswith(LEFT_OUT)]
    zlib = next(c for c in doc["components"] if c["name"] == "zlib")
    assert {p["value"] for p in zlib["properties"]} == {"third-party"}


def test_notice_quotes_the_texts_the_files_carry(
    demo_reports: tuple[Path, list[Path], str],
) -> None:
    notice = (demo_reports[0] / "NOTICE.txt").read_text(encoding="utf-8")
    assert "zlib (third-party): Zlib" in notice and "Jean-loup Gailly" in notice
    assert "jsmn (third-party): MIT" in notice and "Serge Zaitsev" in notice
    # the notices as the files carry them, with their real copyright lines
    assert "Notice, as third_party/jsmn/LICENSE carries it (lines 1-19):" in notice
    assert "    Copyright (c) 2010 Serge Zaitsev\n" in notice
    assert "    (C) 1995-2022 Jean-loup Gailly and Mark Adler\n" in notice
    assert "Text as COPYING carries it" in notice  # the release licence, from the tree
    # ScanCode's template texts only where no file carries one
    mit = license_text("MIT")
    assert mit is not None and mit.text.splitlines()[1] not in notice  # MIT from jsmn's LICENSE
    assert "Text from ScanCode Toolkit's licence data (key apache-2.0)" in notice
    # licence references and the licences a README names are not pulled in
    for key in ("unknown-license-reference", "GPL-3.0-only", "GPL-1.0-or-later"):
        assert key not in notice
    for folder in LEFT_OUT[:3]:
        assert folder not in notice


def test_html_answers_first_and_lists_proprietary_blockers_once(
    demo_reports: tuple[Path, list[Path], str], demo_result: AuditResult
) -> None:
    page = (demo_reports[0] / "report.html").read_text(encoding="utf-8")
    verdict = page.split('<section id="verdict"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Release: not ready</strong>" in verdict
    assert "GPL-2.0-only is still blocked by 2 files (drivers: 2 files, Apache-2.0" in verdict
    assert verdict.count('<tr class="cls-') == 8  # one row per blocking component
    # the proprietary blockers block every candidate: said once, not once per candidate
    candidates = len(demo_result.options)
    assert candidates == 6
    assert page.count("proprietary code in the tree blocks every licence") == 6  # 6 groups
    assert page.count('<code class="path">vcenter/<wbr>__init__.py</code>') == 1


def test_annotations_cover_the_new_findings(
    demo_reports: tuple[Path, list[Path], str], demo_result: AuditResult
) -> None:
    lines = [
        line for line in demo_reports[2].splitlines() if not line.startswith("::notice title=")
    ]
    new = [f for f in demo_result.findings if f.status is FindingStatus.NEW]
    assert len(lines) == len(new)
    assert any(
        line.startswith("::error file=vmkernel/migrate.c,line=") and "boundary-crossing" in line
        for line in lines
    )


def _normalise(text: str, result: AuditResult) -> str:
    text = text.replace(result.generated_at, "<generated-at>")
    text = text.replace(result.generated_at[:10], "<date>")
    if result.tree_hash:
        text = text.replace(result.tree_hash[:12], "<tree>")
    text = re.sub(r"openesx-license \d+\.\d+\.\d+\S*", "openesx-license <version>", text)
    policy = result.policy_path or ""
    return text.replace(policy, "rules/openesx.toml") if policy else text


@pytest.mark.parametrize(("report", "golden"), [("summary.md", "demo-summary.md"),
                                                 ("NOTICE.txt", "demo-NOTICE.txt")])  # fmt: skip
def test_golden(
    demo_reports: tuple[Path, list[Path], str],
    demo_result: AuditResult,
    report: str,
    golden: str,
) -> None:
    got = _normalise((demo_reports[0] / report).read_text(encoding="utf-8"), demo_result)
    path = GOLDEN / golden
    if os.environ.get("OESX_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with OESX_UPDATE_GOLDEN=1 to create it"
    want = path.read_text(encoding="utf-8")
    assert got == want, f"{report} differs from {path} (OESX_UPDATE_GOLDEN=1 to refresh)"


def test_cli_prints_annotations_on_stdout(
    demo_tree: Path, demo_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    argv = ["audit", str(demo_tree), "--policy", str(rules_file("openesx.toml")),
            "--out", str(out), "--format", "github,md", "--fail-on", "never",
            "--cache-dir", str(demo_cache), "--jobs", "1"]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    captured = capsys.readouterr()
    stdout, console = captured.out, captured.err
    assert re.search(r"^::error file=vmkernel/migrate\.c,line=\d+,title=boundary-crossing", stdout,
                     re.MULTILINE)  # fmt: skip
    # the annotations own stdout (a GitHub runner reads it); the summary goes to stderr
    assert all(line.startswith("::") for line in stdout.splitlines())
    assert sorted(p.name for p in out.iterdir()) == ["summary.md"]
    # the console says the verdict in the words of the reports, with one count of each kind
    assert "Release under GPL-2.0-only: not ready (13 unresolved error(s);" in console
    assert "once the proprietary code is removed: still blocked by 2 file(s)" in console
    assert "Boundary crossings: 5 forbidden, 2 warning-level" in console
    assert console.rstrip().endswith("Gate: off (--fail-on never)")
    # --fail-on never: the gate is off, and the release is still not ready (13 errors)
    assert "— Release: not ready · Gate: off\n" in (out / "summary.md").read_text(encoding="utf-8")


def test_cli_rejects_unknown_format_before_scanning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", str(tmp_path), "--out", str(tmp_path / "o"), "--format", "json,pdf"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "'pdf'" in err and "cyclonedx" in err
    assert not (tmp_path / "o").exists()
