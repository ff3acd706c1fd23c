"""``gl-code-quality.json``: GitLab Code Quality JSON, for the merge request widget.

GitLab reads a JSON array of issues (``description``, ``check_name``, ``fingerprint``,
``severity`` one of info/minor/major/critical/blocker, ``location.path`` relative to the
repository and ``location.lines.begin``) from a job artifact declared under
``artifacts:reports:codequality``, and shows in the merge request which issues it introduces
and which it resolves, comparing with the target branch's report by fingerprint.

Only findings that count against the gate (status ``new``) are issues: a waived or baselined
finding was accepted in review and must not reappear in every merge request. The fingerprint is
the gate's (line numbers are not part of it), so an issue is the same issue after code moves.
Paths are relative to the repository's top when the audited folder is inside a git work tree
(GitLab links them to the file in the merge request), as in the SARIF report.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.reports.common import sorted_findings, stable_fingerprint
from openesx_license.reports.registry import Formatter, ReportFormat

#: rules whose findings block a release outright (an IP leak): GitLab's worst severity
BLOCKER_RULES = frozenset({"proprietary-code", "copied-code", "boundary-crossing"})
_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}
_CATEGORY = {
    "proprietary-code": "Security",
    "copied-code": "Security",
    "boundary-crossing": "Security",
}


def gitlab_severity(finding: Finding) -> str:
    """GitLab's severity: ``blocker`` for an error of an IP rule, else by the finding's."""
    if finding.severity is Severity.ERROR and finding.rule in BLOCKER_RULES:
        return "blocker"
    return _SEVERITY[finding.severity]


def _issue(finding: Finding, prefix: str, seen: set[str]) -> dict[str, Any]:
    fingerprint = stable_fingerprint(finding)
    if fingerprint in seen:  # GitLab needs them unique within a report
        digest = hashlib.sha256(f"{fingerprint}\0{len(seen)}".encode()).hexdigest()
        fingerprint = digest
    seen.add(fingerprint)
    path = finding.path if finding.path.startswith(("/", "../")) else prefix + finding.path
    hops = [f"{ev.path}:{ev.line}" if ev.line else ev.path for ev in finding.evidence[1:]]
    content = f"Path: {' -> '.join(hops)}\n\n" if hops else ""
    return {
        "type": "issue",
        "description": f"{finding.rule}: {finding.message}",
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": gitlab_severity(finding),
        "categories": [_CATEGORY.get(finding.rule, "Compatibility")],
        "content": {
            "body": f"{content}Explain the rule and how to fix it: "
            f"`openesx-license explain {finding.rule}`"
        },
        "location": {"path": path, "lines": {"begin": finding.line or 1}},
    }


def code_quality_issues(result: AuditResult) -> list[dict[str, Any]]:
    """The Code Quality issues of ``result``: its new findings, worst first."""
    prefix = result.repository_prefix or ""
    seen: set[str] = set()
    return [
        _issue(f, prefix, seen) for f in sorted_findings(result) if f.status is FindingStatus.NEW
    ]


class GitlabFormatter(Formatter):
    """``gl-code-quality.json``: GitLab Code Quality report of the new findings."""

    format: ClassVar[ReportFormat] = ReportFormat.GITLAB
    filename: ClassVar[str | None] = "gl-code-quality.json"
    description: ClassVar[str] = "GitLab Code Quality JSON (new findings) for merge requests"

    def render(self, result: AuditResult) -> str:
        """The issues as an indented JSON array."""
        return json.dumps(code_quality_issues(result), indent=2, ensure_ascii=False) + "\n"
