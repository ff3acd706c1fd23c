"""gl-code-quality.json: GitLab Code Quality issues of the new findings."""

from __future__ import annotations

import dataclasses
import json

from openesx_license.model import AuditResult, FindingStatus
from openesx_license.reports import formatter_class
from openesx_license.reports.gitlab import GitlabFormatter

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _issues(result: AuditResult) -> list[dict[str, object]]:
    return json.loads(GitlabFormatter().render(result))


def test_registered_under_gitlab() -> None:
    assert formatter_class("gitlab") is GitlabFormatter
    assert GitlabFormatter.filename == "gl-code-quality.json"


def test_new_findings_only_with_the_fields_gitlab_reads(awkward_result: AuditResult) -> None:
    issues = _issues(awkward_result)
    new = [f for f in awkward_result.findings if f.status is FindingStatus.NEW]
    assert len(issues) == len(new) and len(new) < len(awkward_result.findings)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in SEVERITIES
        location = issue["location"]
        assert isinstance(location, dict) and location["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["boundary-crossing"]["severity"] == "blocker"
    assert by_rule["boundary-crossing"]["location"] == {
        "path": "vmkernel/sched.c",
        "lines": {"begin": 12},
    }
    assert "vmotion/migrate.c:40" in by_rule["boundary-crossing"]["content"]["body"]


def test_paths_from_the_repository_top(awkward_result: AuditResult) -> None:
    inside = dataclasses.replace(awkward_result, repository_prefix="hypervisor/")
    paths = {i["location"]["path"] for i in _issues(inside)}
    assert "hypervisor/vmkernel/sched.c" in paths
    assert all(str(p).startswith("hypervisor/") for p in paths)


def test_duplicate_fingerprints_made_unique(awkward_result: AuditResult) -> None:
    first = next(f for f in awkward_result.findings if f.status is FindingStatus.NEW)
    twice = dataclasses.replace(awkward_result, findings=(first, first))
    issues = _issues(twice)
    assert len(issues) == 2 and issues[0]["fingerprint"] != issues[1]["fingerprint"]
