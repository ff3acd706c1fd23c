"""The summary of ``audit-many``: one row per tree with its gate verdict and blocking findings.

Written beside the per-tree report folders as ``summary.json`` (versioned like
findings.json) and ``summary.html`` (self-contained: inline CSS, no script, no network),
rendered from one list of :class:`TreeSummary`. The verdict is
:func:`openesx_license.gate.verdict.gate_verdict` of each tree's audit, so the matrix, each
tree's own reports and the exit code agree. A tree that could not be audited (a checkout or
read error) is a row with verdict ``error`` and its message: never a silent pass.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from openesx_license.gate.verdict import fails_gate, gate_verdict
from openesx_license.model import SCHEMA_VERSION, AuditResult
from openesx_license.resources import data_dir
from openesx_license.serialize import tool_to_dict

SUMMARY_JSON = "summary.json"
SUMMARY_HTML = "summary.html"
#: blocking findings listed per tree (the counts cover all of them)
TOP_BLOCKING = 10
ERROR = "error"


@dataclass(frozen=True, kw_only=True)
class BlockingFinding:
    """A finding that fails its tree's gate, as the summary lists it."""

    rule: str
    severity: str
    path: str
    line: int | None
    message: str


@dataclass(frozen=True, kw_only=True)
class TreeSummary:
    """One tree of the manifest: where it came from, its verdict and what blocks it."""

    name: str
    source: str
    verdict: str  # pass | fail | off (--fail-on never) | error
    fail_on: str
    reports: str  # the tree's report folder, relative to the summary
    tree_hash: str | None = None
    policy: str | None = None
    release_license: str | None = None
    files: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    blocking: int = 0
    blocking_by_rule: dict[str, int] = field(default_factory=dict)
    top_blocking: tuple[BlockingFinding, ...] = ()
    stale_baseline: int = 0
    error: str | None = None


def tree_summary(name: str, source: str, result: AuditResult, reports: str) -> TreeSummary:
    """The row of a tree that was audited (``result`` carries its ``fail_on``)."""
    verdict = gate_verdict(result)
    blocking = [f for f in result.findings if fails_gate(f, verdict.fail_on)]
    return TreeSummary(
        name=name,
        source=source,
        verdict=verdict.label,
        fail_on=verdict.fail_on.value,
        reports=reports,
        tree_hash=result.tree_hash,
        policy=result.policy_path or "<default>",
        release_license=result.release_license,
        files=len(result.scan.files),
        findings=len(result.findings),
        by_severity=dict(Counter(f.severity.value for f in result.findings)),
        blocking=len(blocking),
        blocking_by_rule=dict(sorted(Counter(f.rule for f in blocking).items())),
        top_blocking=tuple(
            BlockingFinding(
                rule=f.rule, severity=f.severity.value, path=f.path, line=f.line, message=f.message
            )
            for f in blocking[:TOP_BLOCKING]
        ),
        stale_baseline=verdict.stale_failing,
    )


def error_summary(name: str, source: str, fail_on: str, message: str) -> TreeSummary:
    """The row of a tree that could not be audited."""
    return TreeSummary(
        name=name, source=source, verdict=ERROR, fail_on=fail_on, reports="", error=message
    )


def summary_to_dict(manifest: str, trees: Sequence[TreeSummary]) -> dict[str, Any]:
    """The JSON document of ``summary.json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_to_dict(),
        "manifest": manifest,
        "generated_at": _now(),
        "verdicts": dict(Counter(t.verdict for t in trees)),
        "trees": [
            {
                "name": t.name,
                "source": t.source,
                "tree_hash": t.tree_hash,
                "policy": t.policy,
                "release_license": t.release_license,
                "verdict": t.verdict,
                "fail_on": t.fail_on,
                "files": t.files,
                "findings": t.findings,
                "by_severity": t.by_severity,
                "blocking": t.blocking,
                "blocking_by_rule": t.blocking_by_rule,
                "top_blocking": [
                    {
                        "rule": b.rule,
                        "severity": b.severity,
                        "path": b.path,
                        "line": b.line,
                        "message": b.message,
                    }
                    for b in t.top_blocking
                ],
                "stale_baseline": t.stale_baseline,
                "reports": t.reports,
                "error": t.error,
            }
            for t in trees
        ],
    }


def render_summary_html(manifest: str, trees: Sequence[TreeSummary]) -> str:
    """The self-contained ``summary.html``: the tree x verdict x blocking-rule matrix."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("reports") / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    rules = sorted({rule for t in trees for rule in t.blocking_by_rule})
    return env.get_template("summary.html.j2").render(
        manifest=manifest,
        trees=trees,
        rules=rules,
        verdicts=Counter(t.verdict for t in trees),
        generated_at=_now(),
        tool=tool_to_dict(),
    )


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
