"""The audit-many summary: rows, the rule matrix, and a tree that could not be audited."""

from __future__ import annotations

import json

from openesx_license.reports.fleet_summary import (
    BlockingFinding,
    TreeSummary,
    error_summary,
    render_summary_html,
    summary_to_dict,
)

FAILED = TreeSummary(
    name="rel-2",
    source="/repo@release/2",
    verdict="fail",
    fail_on="error",
    reports="rel-2",
    tree_hash="git:0123456789abcdef",
    files=10,
    findings=3,
    by_severity={"error": 2, "warning": 1},
    blocking=2,
    blocking_by_rule={"boundary-crossing": 1, "proprietary-code": 1},
    top_blocking=(
        BlockingFinding(
            rule="boundary-crossing",
            severity="error",
            path="vmkernel/<leak>.c",
            line=2,
            message="includes vmotion",
        ),
    ),
)
BROKEN = error_summary("rel-3", "/repo@release/3", "error", "cannot check out 'release/3'")


def test_json_rows_and_counts() -> None:
    data = summary_to_dict("m.toml", [FAILED, BROKEN])
    assert data["verdicts"] == {"fail": 1, "error": 1}
    row, broken = data["trees"]
    assert row["blocking_by_rule"] == {"boundary-crossing": 1, "proprietary-code": 1}
    assert row["top_blocking"][0]["path"] == "vmkernel/<leak>.c"
    assert broken["verdict"] == "error" and broken["error"].startswith("cannot check out")
    json.dumps(data)  # JSON-ready


def test_html_matrix_escapes_and_names_the_error() -> None:
    html = render_summary_html("m.toml", [FAILED, BROKEN])
    assert "vmkernel/&lt;leak&gt;.c" in html and "<leak>" not in html
    assert html.count('class="num">1</td>') >= 2  # the two blocking rules of rel-2
    assert "Not audited: cannot check out &#39;release/3&#39;" in html
    assert "verdict-error" in html and "verdict-fail" in html
