"""``findings.json``: the versioned, machine-readable audit (documented in docs/findings-json.md).

The document is the ``scan --json`` one (``files`` and the licence summary, through
:mod:`openesx_license.serialize`) plus the policy's verdict: findings with their evidence,
components, component edges, release-licence options and stale baseline entries. Its schema is
``docs/findings.schema.json``; readers must ignore fields they do not know.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from openesx_license.gate.verdict import audit_verdict
from openesx_license.model import (
    SCHEMA_VERSION,
    AuditResult,
    Blocker,
    ComponentEdge,
    ComponentSummary,
    Decision,
    Evidence,
    Finding,
    ReleaseOption,
    StaleBaselineEntry,
)
from openesx_license.reports.common import (
    counts_by_rule,
    counts_by_severity,
    counts_by_status,
    sorted_findings,
    stable_fingerprint,
)
from openesx_license.reports.registry import Formatter, ReportFormat
from openesx_license.serialize import (
    file_record_to_dict,
    license_counts,
    skipped_to_dict,
    tool_to_dict,
)


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """One piece of evidence: ``{path, line, text, kind}``."""
    return {"path": ev.path, "line": ev.line, "text": ev.text, "kind": ev.kind}


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding with its evidence chain, fingerprint and gate status (and, under
    ``--since``, whether this change ``introduced`` it)."""
    out: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "component": finding.component,
        "message": finding.message,
        "target": finding.target,
        "evidence": [evidence_to_dict(ev) for ev in finding.evidence],
        "fingerprint": stable_fingerprint(finding),
        "status": finding.status.value,
        "status_note": finding.status_note,
        "data": _jsonable(finding.report_data()),
        "decision": decision_to_dict(finding.decision) if finding.decision else None,
    }
    if finding.introduced is not None:
        out["introduced"] = finding.introduced
    return out


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The reviewed decision that settles a finding (docs/decisions.md)."""
    return {
        "kind": decision.kind.value,
        "reviewer": decision.reviewer,
        "date": decision.date,
        "reason": decision.reason,
        "content": decision.content,
        "finding": decision.finding,
        "path": decision.path,
        "upstream": decision.upstream,
        "license": decision.license,
        "file": decision.source,
        "index": decision.index,
    }


def component_to_dict(comp: ComponentSummary) -> dict[str, Any]:
    """A component as the audit saw it."""
    return {
        "name": comp.name,
        "class": comp.component_class,
        "declared_license": comp.declared_license,
        "files": comp.files,
        "licenses": dict(sorted(comp.licenses.items())),
    }


def component_edge_to_dict(edge: ComponentEdge) -> dict[str, Any]:
    """Dependencies between two components."""
    return {
        "source": edge.source,
        "target": edge.target,
        "kinds": list(edge.kinds),
        "count": edge.count,
        "crossing": edge.crossing,
        "crossing_severity": edge.crossing_severity.value if edge.crossing_severity else None,
    }


def blocker_to_dict(blocker: Blocker) -> dict[str, Any]:
    """Why one file stops a candidate release licence."""
    return {
        "path": blocker.path,
        "component": blocker.component,
        "license_expression": blocker.license_expression,
        "reason": blocker.reason,
    }


def option_to_dict(option: ReleaseOption) -> dict[str, Any]:
    """One row of the release-licence options table."""
    return {
        "license": option.license,
        "allowed": option.allowed,
        "blocking_files": option.blocking_files,
        "blocking_components": list(option.blocking_components),
        "undetermined_files": option.undetermined_files,
        "proprietary_files": option.proprietary_files,
        "blockers": [blocker_to_dict(b) for b in option.blockers],
        "components": [
            {
                "component": c.component,
                "proprietary_files": c.proprietary_files,
                "license_files": c.license_files,
                "licenses": list(c.licenses),
                "example": c.example,
            }
            for c in option.components
        ],
    }


def stale_entry_to_dict(entry: StaleBaselineEntry) -> dict[str, Any]:
    """A baseline entry that matches no finding any more."""
    return {"fingerprint": entry.fingerprint, "rule": entry.rule, "path": entry.path}


def summary_to_dict(result: AuditResult) -> dict[str, Any]:
    """Counts by rule, severity, status and licence, the gate's verdict and the release's."""
    verdict = audit_verdict(result)
    gate = verdict.gate
    return {
        "files": len(result.scan.files),
        "findings": len(result.findings),
        "by_rule": counts_by_rule(result),
        "by_severity": counts_by_severity(result),
        "by_status": counts_by_status(result),
        "licenses": license_counts(result.scan.files),
        "gate": {
            "fail_on": gate.fail_on,
            "failing": gate.failing,
            "strict_baseline": result.strict_baseline,
            "stale_failing": gate.stale_failing,
            "verdict": gate.label,
        },
        "verdict": verdict.to_dict(),
    }


def audit_to_dict(result: AuditResult) -> dict[str, Any]:
    """The whole ``findings.json`` document (schema ``docs/findings.schema.json``)."""
    stats = result.scan.stats
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_to_dict(result.tool_version),
        "root": result.root,
        "policy": {
            "path": result.policy_path,
            "origin": result.policy_origin,
            "release": {"name": result.release_name, "license": result.release_license},
        },
        "run": {
            "generated_at": result.generated_at,
            "tree_hash": result.tree_hash,
            "engine": result.scan.engine,
            "fail_on": result.fail_on,
            "baseline": result.baseline_path,
            "since": result.since,
            "diff": (
                None
                if result.diff is None
                else {
                    "ref": result.diff.ref,
                    "commit": result.diff.commit,
                    "changed_files": result.diff.changed_files,
                    "unchanged_findings": result.diff.unchanged_findings,
                }
            ),
            "stats": {
                "files": stats.files,
                "detected": stats.detected,
                "cached": stats.cached,
                "imported": stats.imported,
                "distinct_blocks": stats.distinct_blocks,
                "seconds": round(stats.seconds, 3),
            },
            "skipped": skipped_to_dict(result.scan),
        },
        "summary": summary_to_dict(result),
        "files": [file_record_to_dict(rec) for rec in result.scan.files],
        "findings": [finding_to_dict(f) for f in sorted_findings(result)],
        "components": [component_to_dict(c) for c in result.components],
        "component_edges": [component_edge_to_dict(e) for e in result.component_edges],
        "options": [option_to_dict(o) for o in result.options],
        "stale_baseline": [stale_entry_to_dict(e) for e in result.stale_baseline],
    }


def _jsonable(value: Any) -> Any:
    """``value`` with anything JSON cannot hold (sets, tuples, enums, dates) made plain."""
    return json.loads(json.dumps(value, default=_plain, sort_keys=True))


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    return str(value)


class JsonFormatter(Formatter):
    """``findings.json``: the versioned machine-readable audit."""

    format: ClassVar[ReportFormat] = ReportFormat.JSON
    filename: ClassVar[str | None] = "findings.json"
    description: ClassVar[str] = "versioned machine-readable audit (docs/findings-json.md)"

    def render(self, result: AuditResult) -> str:
        """The document as indented UTF-8 JSON."""
        return json.dumps(audit_to_dict(result), indent=2, ensure_ascii=False) + "\n"
