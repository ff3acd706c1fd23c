"""--redact-proprietary on a hand-built audit; copied code side by side on a small tree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openesx_license.model import (
    AuditResult,
    ComponentSummary,
    CopyrightStatement,
    DetectionMethod,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    LicenseDetection,
    MarkerHit,
    ScanResult,
    Severity,
)
from openesx_license.reports.html_copies import side_by_side
from openesx_license.reports.html_source import SourceExcerpts
from openesx_license.reports.redact import (
    REDACTED,
    proprietary_paths,
    redact_result,
    text_hash,
)

SECRET = "static int vmotion_secret_sauce(void) { return 42; }"


def _record(path: str, component: str, *, marker: bool = False) -> FileRecord:
    return FileRecord(
        path=path, size=1, sha1="0" * 40, kind=FileKind.SOURCE, component=component,
        detections=(LicenseDetection(license_expression="MIT", method=DetectionMethod.LICENSE_TEXT,
                                     start_line=1, end_line=2, matched_text=f"text of {path}"),),
        copyrights=(CopyrightStatement(statement=f"Copyright {path}", start_line=1, end_line=1),),
        markers=(MarkerHit(marker="Confidential", line=3, text=f"/* Confidential {path} */"),)
        if marker else (),
    )  # fmt: skip


def _result(redact: bool) -> AuditResult:
    files = (
        _record("open/a.c", "kernel"),
        _record("open/marked.c", "kernel", marker=True),
        _record("secret/b.c", "vmotion"),
    )
    finding = Finding(
        rule="boundary-crossing", severity=Severity.ERROR, path="open/a.c", line=4,
        component="kernel", message="open/a.c depends on vmotion",
        evidence=(Evidence(path="open/a.c", line=4, text='#include "b.h"', kind="include"),
                  Evidence(path="secret/b.c", line=7, text=SECRET, kind="symbol")),
    )  # fmt: skip
    return AuditResult(
        tool_version="t", root="/nowhere", policy_path=None, release_name="R",
        release_license="MIT", generated_at="2026-01-01T00:00:00+00:00", tree_hash="x",
        scan=ScanResult(root="/nowhere", files=files), findings=(finding,),
        components=(
            ComponentSummary(name="kernel", component_class="open", declared_license=None, files=2),
            ComponentSummary(name="vmotion", component_class="proprietary", declared_license=None,
                             files=1),
        ),
        redact_proprietary=redact,
    )  # fmt: skip


def test_redaction_replaces_every_text_of_proprietary_files() -> None:
    result = _result(redact=True)
    assert proprietary_paths(result) == {"open/marked.c", "secret/b.c"}
    out = redact_result(result)
    files = {r.path: r for r in out.scan.files}
    assert files["open/a.c"] == result.scan.files[0]  # open code is untouched
    for path in ("open/marked.c", "secret/b.c"):
        rec = files[path]
        texts = [d.matched_text or "" for d in rec.detections]
        texts += [c.statement for c in rec.copyrights] + [m.text for m in rec.markers]
        assert texts and all(t.startswith(f"{REDACTED} at {path}:") for t in texts)
    hop = out.findings[0].evidence[1]
    assert hop.text == f"{REDACTED} at secret/b.c:7, sha256 {text_hash(SECRET)}]"
    assert out.findings[0].evidence[0].text == '#include "b.h"'
    assert redact_result(_result(redact=False)) == _result(redact=False)
    assert redact_result(out) == out  # twice is once


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "open").mkdir()
    (tmp_path / "secret").mkdir()
    (tmp_path / "open" / "copy.c").write_text(
        "/* open */\n"
        "int walk(int *map, int n)\n"
        "{\n"
        "    int count = 0;\n"
        "    for (int i = 0; i < n; i++)\n"
        "        count += map[i] & 1;\n"
        "    return count;\n"
        "}\n"
    )
    (tmp_path / "secret" / "orig.c").write_text(
        "/* proprietary */\n"
        "/* extra line */\n"
        "int collect(int *bitmap, int n)\n"
        "{\n"
        "    int queued = 0;\n"
        "\n"
        "    for (int i = 0; i < n; i++)\n"
        "        queued += bitmap[i] & 1;\n"
        "    return queued;\n"
        "}\n"
    )
    return tmp_path


def _copy_finding(index: str = "<monorepo>") -> Finding:
    return Finding(
        rule="copied-code", severity=Severity.ERROR, path="open/copy.c", line=2,
        component="kernel", message="copy",
        data={"open_lines": [2, 8], "proprietary_lines": [3, 10],
              "proprietary_path": "secret/orig.c", "index": index},
    )  # fmt: skip


def test_side_by_side_aligns_the_regions_and_marks_shared_tokens(tmp_path: Path) -> None:
    pair = side_by_side(_copy_finding(), SourceExcerpts(_tree(tmp_path)))
    assert pair is not None
    assert pair["a"] == {"p": "open/copy.c", "s": 2, "e": 8}
    rows = pair["rows"]
    by_left = {r[0]: r for r in rows if r[0] is not None}
    assert by_left[5][2] == 7  # the for loops face each other
    assert by_left[8][2] == 10  # and the closing braces
    blank = [r for r in rows if r[0] is None]
    assert [r[2] for r in blank] == [6]  # the proprietary side's blank line has no partner
    loop = "".join(seg[0] for seg in by_left[5][1])
    assert loop == "    for (int i = 0; i < n; i++)"  # segments rebuild the line exactly
    marked = "".join(seg[0] for seg in by_left[5][1] if seg[1])
    assert "for (int i = 0; i < n; i++)" in marked
    assert not any(seg[1] and "walk" in seg[0] for seg in by_left[2][1])  # renamed: not shared
    shared, total = pair["shared"]
    assert 0 < shared < total


def test_side_by_side_says_why_a_side_is_missing(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    hidden = side_by_side(_copy_finding(), SourceExcerpts(tree, hidden={"secret/orig.c"}))
    assert hidden is not None and hidden["b"]["n"].startswith(f"{REDACTED} at secret/orig.c:3-10")
    assert all(r[2] is None for r in hidden["rows"]) and len(hidden["rows"]) == 7
    external = side_by_side(_copy_finding("vendor.idx"), SourceExcerpts(tree))
    assert external is not None and "holds no source" in external["b"]["n"]
    assert side_by_side(replace(_copy_finding(), data={}), SourceExcerpts(tree)) is None
