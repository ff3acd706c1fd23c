"""The HTML report: self-contained, escaped, with a plain verdict, on awkward hand-built audits."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from openesx_license.model import (
    AuditResult,
    ComponentEdge,
    ComponentSummary,
    FindingStatus,
    Severity,
)
from openesx_license.reports import formatter_class, write_reports
from openesx_license.reports.html import HtmlFormatter, plain_verdict, render_html
from openesx_license.reports.html_source import SourceExcerpts
from tests.helpers.html_sample import (
    EVIL_DIR,
    EVIL_HOLDER,
    EVIL_MESSAGE,
    EVIL_PATH,
    clean_result,
    sample_result,
    write_tree,
)

DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    write_tree(root)
    return root


@pytest.fixture
def failing(tree: Path) -> AuditResult:
    return sample_result(tree)


@pytest.fixture
def page(failing: AuditResult) -> str:
    return render_html(failing)


def _data(page: str) -> dict:
    match = DATA.search(page)
    assert match, "report-data JSON missing"
    return json.loads(match.group(1))


def test_registry_maps_html_to_this_formatter() -> None:
    assert formatter_class("html") is HtmlFormatter
    assert HtmlFormatter.filename == "report.html"


def test_write_reports_writes_report_html(failing: AuditResult, tmp_path: Path) -> None:
    written = write_reports(failing, tmp_path / "out", ["html"])
    assert written == [tmp_path / "out" / "report.html"]
    assert written[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_self_contained_no_external_resource(page: str) -> None:
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link[^>]+stylesheet", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    for attr in re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", page):
        assert attr.startswith(("#", "data:", "url(#")), attr
    assert "https://" not in page and "http://" not in page.replace("http://www.w3.org", "")


def test_csp_forbids_network_and_allows_only_the_inline_code(page: str) -> None:
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert found
    csp = html.unescape(found.group(1))
    assert "default-src 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert style and len(script) == 1
    for text in (style.group(1), script[0]):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp


def test_user_text_is_escaped_everywhere(page: str) -> None:
    # exactly two script elements: the JSON data and the page's own script
    assert page.count("<script") == 2
    for raw in ("<script>window.__pwned", "<img src=x", "<b>Evil</b>", "</script><script>"):
        assert raw not in page, raw
    # JSON text is \u003c-escaped
    assert "\\u003cscript\\u003ewindow.__pwned=1" in page


def test_data_json_round_trips_awkward_text(page: str, failing: AuditResult) -> None:
    data = _data(page)
    paths = [row[0] for row in data["inventory"]["f"]]
    assert EVIL_PATH in paths and "tools/no licence.py" in paths
    assert EVIL_HOLDER in data["inventory"]["hold"]
    assert "Jürgen Müller" in data["inventory"]["hold"]  # non-ASCII kept, not \u-escaped
    assert "Jürgen Müller" in page
    assert any(f["m"] == EVIL_MESSAGE for f in data["findings"])
    no_license = next(r for r in data["inventory"]["f"] if r[0] == "tools/no licence.py")
    assert no_license[2] == -1  # no licence -> shown as "(no licence found)" by the script
    lics = data["inventory"]["lic"]
    assert "GPL-2.0-or-later OR BSD-3-Clause" in lics
    assert "GPL-2.0-only WITH Linux-syscall-note" in lics
    assert [h[0] for h in data["holders"]][:1] and len(data["holders"]) == 4


def test_evidence_excerpts_highlight_the_line_and_explain_gaps(page: str) -> None:
    data = _data(page)
    crossing = next(f for f in data["findings"] if f["r"] == "boundary-crossing")
    first = data["excerpts"][crossing["e"][0][4]]
    assert first["h"] == 5 and first["s"] == 2
    assert first["l"][5 - first["s"]] == '#include "vmotion/vmotion_api.h"'
    marker = next(f for f in data["findings"] if f["r"] == "proprietary-code")
    evil = data["excerpts"][marker["e"][0][4]]
    assert any("__pwned=4" in line for line in evil["l"])  # the code, as data
    conflict = next(f for f in data["findings"] if f["r"] == "license-conflict")
    notes = [data["excerpts"][e[4]].get("n", "") if e[4] >= 0 else None for e in conflict["e"]]
    assert "not in the scanned tree" in notes[0]
    assert "outside the scanned tree" in notes[1]
    assert notes[2] is None and notes[3] is None  # ../ and <stdio.h>: no excerpt at all
    blob = next(f for f in data["findings"] if f["r"] == "unmapped-file")
    assert "binary" in data["excerpts"][blob["x"]]["n"]
    assert ["Sources", '["FSF", "OSI"]'] in conflict["d"]  # data keys in words
    assert data["files"]["lib/crc32.c"]["det"][0]["t"].endswith("OR BSD-3-Clause")
    assert "guidance" in data["rules"]["boundary-crossing"]


def test_verdict_of_a_failing_audit_names_the_reasons(failing: AuditResult) -> None:
    v = plain_verdict(failing)
    assert v.state == "fail" and v.blocking == 2 and v.review == 1 and v.accepted == 2
    assert v.paragraph.startswith("No. OpenESX should not be released under GPL-2.0-only")
    assert "1 place where open code depends on a proprietary component" in v.paragraph
    assert "counts 1 file whose licence does not allow GPL-2.0-only (in vmotion)" in v.paragraph
    assert "GPL-3.0-only" in v.paragraph  # the option that would work


def test_verdict_of_a_clean_audit_says_yes(tree: Path) -> None:
    v = plain_verdict(clean_result(tree))
    assert v.state == "pass" and v.blocking == 0
    assert v.paragraph.startswith("Yes. As far as this audit can tell, OpenESX can be released")
    page = render_html(clean_result(tree))
    assert "✔ Ready" in page and "Not ready" not in page


def test_verdict_with_only_warnings_asks_for_review(failing: AuditResult) -> None:
    warnings_only = replace(
        failing,
        findings=tuple(f for f in failing.findings if f.severity is not Severity.ERROR),
        options=(),
    )
    v = plain_verdict(warnings_only)
    assert v.state == "review" and "1 file belongs to no component" in v.paragraph


def test_verdict_counts_errors_even_when_the_gate_never_fails(failing: AuditResult) -> None:
    assert plain_verdict(replace(failing, fail_on="never")).state == "fail"


def test_waived_errors_do_not_block(failing: AuditResult) -> None:
    waived = tuple(replace(f, status=FindingStatus.WAIVED) for f in failing.findings)
    v = plain_verdict(replace(failing, findings=waived, options=()))
    assert v.state == "pass" and v.accepted == 5 and "5 earlier findings" in v.paragraph


def test_sections_headings_and_tables_are_semantic(page: str) -> None:
    for heading in ("Licences", "Findings", "Files", "Copyright holders", "About this audit"):
        assert re.search(rf"<h2 id=\"[a-z]+-h\">{heading}</h2>", page), heading
    assert page.count('<th scope="col"') > 20
    assert 'lang="en"' in page


def test_component_picture_marks_the_crossing_in_red_and_words(page: str) -> None:
    svg = re.search(r'<svg class="graph".*?</svg>', page, re.S)
    assert svg
    assert svg.group(0).count('class="edge bad"') == 1
    assert "✖ 2 include, symbol" in svg.group(0)
    assert "FORBIDDEN boundary crossing: vmkernel → vmotion" in svg.group(0)
    assert "✖ forbidden crossing" in page  # the table says it too


def test_component_names_are_escaped_in_svg(failing: AuditResult) -> None:
    evil = replace(failing.components[0], name="<x onload=y>")
    page = render_html(replace(failing, components=(evil, *failing.components[1:])))
    assert "<x onload" not in page and "&lt;x onload=y&gt;" in page


def test_report_without_files_findings_or_components(failing: AuditResult) -> None:
    empty = replace(
        failing,
        scan=replace(failing.scan, files=()),
        findings=(),
        components=(),
        component_edges=(),
        options=(),
        root="/nonexistent/tree",
    )
    page = render_html(empty)
    assert "The policy defines no components." in page
    assert _data(page)["inventory"]["f"] == []


def test_evil_folder_name_survives_in_inventory(page: str) -> None:
    rows = _data(page)["inventory"]["f"]
    assert any(r[0].startswith(EVIL_DIR + "/") for r in rows)


def test_missing_tree_gives_one_notice_not_an_error_per_hop(failing: AuditResult) -> None:
    page = render_html(replace(failing, root="/nonexistent/tree"))
    data = _data(page)
    assert data["treeMissing"] is True and data["excerpts"] == []
    assert all(e[4] == -1 for f in data["findings"] for e in f["e"])
    assert "was not found when this report" in page


def test_excerpts_cap_long_lines_and_report_lines_past_the_end(tmp_path: Path) -> None:
    (tmp_path / "long.c").write_text("x" * 1000 + "\nshort\n", encoding="utf-8")
    excerpts = SourceExcerpts(tmp_path, limit=2)
    first = excerpts.excerpts[excerpts.index_of("long.c", 1)]
    assert len(first.lines[0]) < 300 and first.lines[0].endswith("…")
    assert first.lines[1] == "short"
    past = excerpts.excerpts[excerpts.index_of("long.c", 40)]
    assert past.lines == () and "past the end" in (past.note or "")
    assert excerpts.index_of("long.c", 1) == 0  # deduplicated
    assert excerpts.index_of("long.c", 2) == -1 and excerpts.omitted == 1  # limit reached


def test_a_crowded_policy_is_pictured_by_its_crossings_and_biggest_parts(
    failing: AuditResult,
) -> None:
    many = tuple(
        ComponentSummary(
            name=f"part{i:02d}", component_class="open", declared_license=None, files=100 - i
        )
        for i in range(40)
    )
    secret = ComponentSummary(
        name="secret", component_class="proprietary", declared_license=None, files=1
    )
    edges = tuple(
        ComponentEdge(
            source=f"part{i:02d}",
            target=f"part{(i + 1) % 40:02d}",
            kinds=("include",),
            count=i + 1,
            crossing=False,
        )
        for i in range(40)
    ) + (ComponentEdge(source="part39", target="secret", kinds=("link",), count=1, crossing=True),)
    page = render_html(replace(failing, components=(*many, secret), component_edges=edges))
    svg = re.search(r'<svg class="graph".*?</svg>', page, re.S)
    assert svg
    nodes = re.findall(r'<g class="node (\w[\w-]*)"><title>([^ ]+)', svg.group(0))
    assert len(nodes) == 20
    names = {name for _, name in nodes}
    assert {"secret", "part39", "part00"} <= names  # crossing ends first, then the biggest
    assert svg.group(0).count('class="edge bad"') == 1
    text = " ".join(page.split())
    # 41 of the policy, 4 more that only files name (vmkernel, drivers, lib, vmotion)
    assert "shows 20 of the 45 components and 19 of the 41 dependencies" in text, re.findall(
        r"picture shows[^:]*", text
    )
