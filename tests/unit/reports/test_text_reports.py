"""NOTICE.txt, summary.md and GitHub annotations on the awkward fixture."""

from __future__ import annotations

import dataclasses
import re

import pytest

from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.reports.github import (
    ANNOTATIONS_PER_KIND,
    annotation_lines,
    escape_data,
    escape_property,
)
from openesx_license.reports.license_data import license_text, scancode_key
from openesx_license.reports.markdown import TOP_FINDINGS, md_code, md_text, render_markdown
from openesx_license.reports.notice import attribution_groups, render_notice


def _sections(notice: str) -> list[str]:
    return re.findall(r"^=+\n(.*)\n=+$", notice, re.MULTILINE)


# --- NOTICE ---------------------------------------------------------------------------------


def test_notice_groups_differently_licensed_and_third_party(awkward_result: AuditResult) -> None:
    groups = {(g.component, g.license_expression): g for g in attribution_groups(awkward_result)}
    assert set(groups) == {
        ("vmkernel", "LicenseRef-OpenESX-Custom AND BSD-3-Clause"),
        ("vmkernel", "MIT"),
        ("linux-uapi", "GPL-2.0-only WITH Linux-syscall-note OR MIT"),
        ("libpd", "LicenseRef-scancode-public-domain"),
    }
    assert groups[("vmkernel", "MIT")].holders == ("Zoë O'Brien",)
    assert groups[("vmkernel", "MIT")].paths == ("vmkernel/dir with spaces/util file.c",)


def test_notice_never_names_proprietary_code(awkward_result: AuditResult) -> None:
    notice = render_notice(awkward_result)
    assert "vmotion" not in notice and "VMware" not in notice
    assert "LicenseRef-VMware-Proprietary" not in notice


def test_notice_has_every_license_text_from_scancode(awkward_result: AuditResult) -> None:
    notice = render_notice(awkward_result)
    titles = _sections(notice)
    for spdx_id in ("GPL-2.0-only", "MIT", "BSD-3-Clause", "Linux-syscall-note"):
        known = license_text(spdx_id)
        assert known is not None and known.text
        assert any(t.startswith(spdx_id) for t in titles), spdx_id
        verbatim = "\n".join(line.rstrip() for line in known.text.splitlines())
        assert verbatim in notice  # the whole text (less trailing spaces per line)
    assert scancode_key("Linux-syscall-note") == "linux-syscall-exception-gpl"
    assert "LicenseRef-OpenESX-Custom is not in ScanCode Toolkit's licence data" in notice
    assert "holds no text for Public Domain" in notice


def test_notice_without_other_licenses(awkward_result: AuditResult) -> None:
    only_gpl = tuple(
        f for f in awkward_result.scan.files if f.license_expression in ("GPL-2.0-only", None)
    )
    comps = tuple(c for c in awkward_result.components if c.name in ("vmkernel", "vmotion"))
    result = dataclasses.replace(
        awkward_result,
        scan=dataclasses.replace(awkward_result.scan, files=only_gpl),
        components=comps,
    )
    notice = render_notice(result)
    assert "Every file of the release is under the release licence." in notice
    assert _sections(notice)[-1] == "GPL-2.0-only: GNU General Public License 2.0"


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_verdict_and_tables(awkward_result: AuditResult) -> None:
    md = render_markdown(awkward_result)
    assert md.startswith("## ❌ openesx-license: OpenESX — Release: not ready · Gate: fail\n")
    assert "**1 new finding at or above `error`** fails the gate" in md
    assert "| `boundary-crossing` | 1 | 0 | 0 | 1 | 0 | 0 |" in md
    assert "| **Total** | **2** | **1** | **1** | **2** | **1** | **1** |" in md
    assert "| `Apache-2.0` | ❌ 2 files | ❌ 2 files | 0 | vmkernel |" in md
    assert "<details><summary>Top findings (4 of 4)</summary>" in md
    assert "| `unmapped-file` | `old/gone.c` | `eeeeeeeeeeeeeeee` |" in md
    # the new findings come first in the top table
    rows = [line for line in md.splitlines() if line.startswith("| 🔴") or "| 🟠" in line]
    assert rows[0].endswith("| new |")


def test_markdown_passes_when_everything_accepted(awkward_result: AuditResult) -> None:
    result = dataclasses.replace(awkward_result, fail_on="never")
    # the gate is off, but the release is still not ready: the two are said apart
    assert "— Release: not ready · Gate: off\n" in render_markdown(result)
    assert "the gate is off" in render_markdown(result)
    accepted = dataclasses.replace(
        awkward_result,
        options=(),
        findings=tuple(
            dataclasses.replace(f, status=FindingStatus.WAIVED) for f in awkward_result.findings
        ),
    )
    assert render_markdown(accepted).startswith(
        "## ✅ openesx-license: OpenESX — Release: ready · Gate: pass\n"
    )


def test_markdown_escapes_hostile_text(awkward_result: AuditResult) -> None:
    hostile = Finding(
        rule="unmapped-file",
        severity=Severity.WARNING,
        path="src/a|b`c.c",
        line=None,
        component="x|y",
        message="<script>alert(1)</script> | *bold* [link](http://x)\nsecond line",
    )
    md = render_markdown(dataclasses.replace(awkward_result, findings=(hostile,)))
    row = next(line for line in md.splitlines() if "unmapped-file` |" in line and "🟠" in line)
    assert row.count(" | ") == 5  # the cells did not split
    assert "<script>" not in md
    assert "\\<script\\>" in row and "\\*bold\\*" in row and "second line" in row
    assert md_text("a" * 300, 200).endswith("…")
    assert md_code("x`y") == "``x`y``"


def test_markdown_caps_top_findings(awkward_result: AuditResult) -> None:
    many = tuple(
        Finding(
            rule="unmapped-file",
            severity=Severity.WARNING,
            path=f"f{i}.c",
            line=None,
            component=None,
            message="no component claims this file",
        )
        for i in range(TOP_FINDINGS + 5)
    )
    md = render_markdown(dataclasses.replace(awkward_result, findings=many))
    assert md.count("| 🟠 warning |") == TOP_FINDINGS
    assert "_5 more findings in `findings.json` and `report.html`._" in md


# --- GitHub annotations ---------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_annotates_new_findings_only(awkward_result: AuditResult) -> None:
    lines = annotation_lines(awkward_result)
    assert len(lines) == 2
    first = lines[0]
    assert first.startswith(
        "::error file=vmkernel/sched.c,line=12,title=boundary-crossing (vmkernel)::"
    )
    # message: ':' and ',' stay (data), '%' and newlines are escaped; the chain follows
    assert "proprietary vmotion: 100%25 sure, a,b%0A  vmkernel/sched.c:12: #include" in first
    assert lines[1].startswith("::notice file=vmkernel/custom.c,line=3,title=proprietary-code")
    assert all("\n" not in line for line in lines)


def test_github_property_escaping_in_paths(awkward_result: AuditResult) -> None:
    odd = Finding(
        rule="unmapped-file",
        severity=Severity.WARNING,
        path="dir,with:odd%chars.c",
        line=None,
        component=None,
        message="m",
    )
    (line,) = annotation_lines(dataclasses.replace(awkward_result, findings=(odd,)))
    assert line == "::warning file=dir%2Cwith%3Aodd%25chars.c,title=unmapped-file::m"


def test_github_overflow_notice(awkward_result: AuditResult) -> None:
    many = tuple(
        Finding(
            rule="denied-license",
            severity=Severity.ERROR,
            path=f"f{i}.c",
            line=1,
            component=None,
            message="denied",
        )
        for i in range(ANNOTATIONS_PER_KIND + 3)
    )
    lines = annotation_lines(dataclasses.replace(awkward_result, findings=many))
    assert len(lines) == ANNOTATIONS_PER_KIND + 4
    assert lines[-1].startswith("::notice title=openesx-license::13 new findings (13 errors)")


def test_markdown_and_sarif_say_what_diff_mode_left_out(awkward_result: AuditResult) -> None:
    import json

    from openesx_license.model import DiffSummary
    from openesx_license.reports.sarif import render_sarif

    diff = DiffSummary(
        ref="origin/main", commit="abcdef0123456789", changed_files=3, unchanged_findings=7
    )
    result = dataclasses.replace(awkward_result, since="origin/main", diff=diff)
    md = render_markdown(result)
    assert (
        "Diff mode: changes since `origin/main` (`abcdef012345`), 3 changed files; "
        "7 older findings outside the change not reported." in md
    )
    props = json.loads(render_sarif(result))["runs"][0]["properties"]
    assert props["diff"]["unchangedFindings"] == 7


def test_strict_baseline_fails_on_stale_entries_everywhere(awkward_result: AuditResult) -> None:
    import json

    from openesx_license.reports.json_report import audit_to_dict
    from openesx_license.reports.sarif import render_sarif

    clean = dataclasses.replace(awkward_result, findings=(), strict_baseline=True)
    md = render_markdown(clean)
    assert "— Release: ready · Gate: fail\n" in md  # nothing blocks the release; the gate fails
    assert "**1 stale baseline entry fails the gate** (`--strict-baseline`)" in md
    gate = audit_to_dict(clean)["summary"]["gate"]
    assert gate == {
        "fail_on": "error",
        "failing": 0,
        "strict_baseline": True,
        "stale_failing": 1,
        "verdict": "fail",
    }
    assert json.loads(render_sarif(clean))["runs"][0]["properties"]["verdict"] == "fail"
    lenient = dataclasses.replace(clean, strict_baseline=False)
    assert audit_to_dict(lenient)["summary"]["gate"]["verdict"] == "pass"


def test_markdown_links_paths_inside_a_github_run(
    awkward_result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "](https://" not in render_markdown(awkward_result)  # outside GitHub: code spans
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "openesx/openesx")
    monkeypatch.setenv("GITHUB_SHA", "0123abcd")
    md = render_markdown(awkward_result)
    base = "https://github.com/openesx/openesx/blob/0123abcd/"
    assert f"[`vmkernel/sched.c:12`]({base}vmkernel/sched.c#L12)" in md
    assert "%20" in md  # the path with a space is quoted in the link
    monkeypatch.setenv("GITHUB_SHA", "x) [evil](http://e")  # not a commit: no links at all
    assert "](https://" not in render_markdown(awkward_result)
