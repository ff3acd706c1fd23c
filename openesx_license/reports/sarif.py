"""``findings.sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Every registered rule is described in ``tool.driver.rules`` (guidance as help text and
markdown, ``helpUri`` at its section of docs/rules.md, a ``security-severity`` so that GitHub
ranks the alerts); each finding is a result with a ``partialFingerprints`` entry that ignores
line numbers, the dependency chain as ``relatedLocations`` and a ``codeFlows`` thread flow (one
location per hop), and a ``suppressions`` entry when a waiver or the baseline accepted it.

Locations: when the audited folder lies inside a git work tree, paths are relative to the
repository's top (``REPOROOT``; the folder's ``git rev-parse --show-prefix`` is put in front),
because code scanning resolves them against the checkout: an audit of ``hypervisor/`` must put
its alerts on ``hypervisor/vmkernel/x.c``. ``SRCROOT`` (the audited folder) is then declared
relative to ``REPOROOT``. Outside git, paths are relative to ``SRCROOT`` as before.
``automationDetails.id`` (``openesx-license/<folder>/<run>``) keeps the alerts of audits of
different folders of one repository apart.

GitHub's documented limits are respected: at most 25,000 results per run (the worst are kept
and ``run.properties`` says how many were dropped), 1,000 locations per result, 10,000 thread
flow locations, 20 tags per rule, and a 10 MB gzip upload (flows are trimmed first).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote

from openesx_license._util.fs import encode_text
from openesx_license.gate.verdict import audit_verdict
from openesx_license.model import AuditResult, Evidence, Finding, FindingStatus, Severity
from openesx_license.reports.common import sorted_findings, stable_fingerprint
from openesx_license.reports.json_report import decision_to_dict
from openesx_license.reports.registry import Formatter, ReportFormat

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/openesx/openesx-license"
RULES_URI = f"{INFORMATION_URI}/blob/main/docs/rules.md"  # + "#<rule-id>": the rule's section
FINGERPRINT_KEY = "openesxFingerprint/v1"

MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000
MAX_FLOW_LOCATIONS = 10_000
MAX_TAGS = 20
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_TEXT = 4_000  # characters of one message; longer evidence text is cut with an ellipsis

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}

#: GitHub's security severity (0-10: 9+ critical, 7+ high, 4+ medium, else low) per rule; a
#: rule not listed gets its default severity's. Leaking proprietary code is the worst outcome
#: of a release (legal exposure that cannot be undone), a licence conflict the next.
SECURITY_SEVERITY = {
    "proprietary-code": 9.5,
    "copied-code": 9.5,
    "boundary-crossing": 8.5,
    "license-conflict": 7.5,
    "outbound-incompatible": 7.5,
    "denied-license": 7.5,
    "gpl-only-symbol": 7.0,
    "unknown-license": 5.0,
    "expired-waiver": 5.0,
    "unmapped-file": 3.0,
    "stale-waiver": 2.0,
}
_DEFAULT_SECURITY_SEVERITY = {Severity.ERROR: 7.0, Severity.WARNING: 4.0, Severity.NOTE: 1.0}


def security_severity(rule_id: str, severity: Severity) -> str:
    """The ``security-severity`` of a rule, as the string GitHub expects (``"9.5"``)."""
    return f"{SECURITY_SEVERITY.get(rule_id, _DEFAULT_SECURITY_SEVERITY[severity]):.1f}"


#: rule id -> tags besides "license-compliance" and "security" (GitHub shows them as filters;
#: "security" makes GitHub read the security-severity)
_TAGS = {
    "proprietary-code": ("ip-boundary",),
    "boundary-crossing": ("ip-boundary", "dependency"),
    "copied-code": ("ip-boundary", "copied-code"),
    "gpl-only-symbol": ("ip-boundary", "licensing", "dependency"),
    "license-conflict": ("licensing", "dependency"),
    "outbound-incompatible": ("licensing",),
    "denied-license": ("licensing",),
    "unknown-license": ("licensing", "inventory"),
    "unmapped-file": ("inventory",),
    "expired-waiver": ("gate",),
    "stale-waiver": ("gate",),
    "lapsed-decision": ("gate",),
    "stale-decision": ("gate",),
}


def artifact_uri(path: str) -> str:
    """A repository-relative path as a URI reference (percent-encoded, ``/``-separated)."""
    # the bytes of a name that is not UTF-8 (surrogate escapes) are percent-encoded as they are
    return quote(PurePosixPath(path).as_posix().encode("utf-8", "surrogateescape"), safe="/")


def _text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def rule_descriptors(result: AuditResult) -> list[dict[str, Any]]:
    """``reportingDescriptor`` objects: every registered rule, plus any unregistered id used."""
    from openesx_license.checks.registry import all_checks

    descriptors: dict[str, dict[str, Any]] = {}
    for rule_id, rule in all_checks().items():
        tags = ["license-compliance", "security", *_TAGS.get(rule_id, ())][:MAX_TAGS]
        descriptors[rule_id] = {
            "id": rule_id,
            "name": _rule_name(rule_id),
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.description},
            "help": {
                "text": f"{rule.description}\n\nHow to fix: {rule.guidance}",
                "markdown": (
                    f"**{rule.title}**\n\n{rule.description}\n\n**How to fix:** {rule.guidance}"
                    f"\n\nWaivable: {'yes' if rule.waivable else 'no'}. "
                    f"Details: `openesx-license explain {rule_id}`."
                ),
            },
            "helpUri": f"{RULES_URI}#{rule_id}",
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {
                "tags": tags,
                "precision": "high",
                "security-severity": security_severity(rule_id, rule.severity),
                "waivable": rule.waivable,
            },
        }
    for finding in result.findings:
        if finding.rule not in descriptors:
            descriptors[finding.rule] = {
                "id": finding.rule,
                "name": _rule_name(finding.rule),
                "shortDescription": {"text": finding.rule},
                "defaultConfiguration": {"level": _LEVEL[finding.severity]},
                "properties": {
                    "tags": ["license-compliance", "security", *_TAGS.get(finding.rule, ())],
                    "security-severity": security_severity(finding.rule, finding.severity),
                },
            }
    return [descriptors[k] for k in sorted(descriptors)]


@dataclass(frozen=True, kw_only=True)
class UriBase:
    """How result paths (relative to the audited root) become artifact URIs: ``prefix`` put
    in front, relative to the base id ``base_id``."""

    prefix: str = ""
    base_id: str = "SRCROOT"

    def uri(self, path: str) -> str:
        """The artifact URI of ``path`` (a path leaving the root is not prefixed)."""
        if self.prefix and not path.startswith(("/", "../")):
            path = self.prefix + path
        return artifact_uri(path)


AUDITED_ROOT = UriBase()


def uri_base(result: AuditResult) -> UriBase:
    """Repository-relative paths when the audited root is inside a git work tree."""
    if result.repository_prefix is None:
        return AUDITED_ROOT
    return UriBase(prefix=result.repository_prefix, base_id="REPOROOT")


def original_uri_base_ids(result: AuditResult) -> dict[str, Any]:
    """``REPOROOT`` (the repository's top) and ``SRCROOT`` (the audited folder, relative to it)
    inside git; ``SRCROOT`` alone outside."""
    root = Path(result.root).resolve()
    prefix = result.repository_prefix
    audited = {"description": {"text": "the audited source tree"}}
    if prefix is None:
        return {"SRCROOT": {"uri": root.as_uri().rstrip("/") + "/", **audited}}
    top = root
    for _part in PurePosixPath(prefix).parts:
        top = top.parent
    repo = {"uri": top.as_uri().rstrip("/") + "/", "description": {"text": "the git repository"}}
    if not prefix:
        return {"REPOROOT": repo, "SRCROOT": {"uri": top.as_uri().rstrip("/") + "/", **audited}}
    return {"REPOROOT": repo, "SRCROOT": {"uri": quote(prefix), "uriBaseId": "REPOROOT", **audited}}


def _physical(path: str, line: int | None, base: UriBase = AUDITED_ROOT) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": base.uri(path), "uriBaseId": base.base_id}
    }
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    return physical


def _hop_message(ev: Evidence) -> str:
    text = " ".join(ev.text.split())
    return _text(f"{ev.kind}: {text}" if text else ev.kind)


def _link_label(ev: Evidence) -> str:
    label = f"{ev.path}:{ev.line}" if ev.line else ev.path
    return label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _message(finding: Finding) -> str:
    """The message; with a dependency chain, one embedded link per hop (SARIF §3.11.6).

    ``[label](n)`` points at ``relatedLocations`` id ``n``; viewers such as GitHub code
    scanning turn each hop into a link to that file and line.
    """
    text = finding.message
    hops = finding.evidence[:MAX_LOCATIONS]
    if len(hops) > 1:
        links = " -> ".join(f"[{_link_label(ev)}]({i})" for i, ev in enumerate(hops, start=1))
        text = f"{text}\nPath: {links}"
    return _text(text)


def result_object(
    finding: Finding,
    rule_index: dict[str, int],
    *,
    with_baseline: bool,
    flows: bool = True,
    base: UriBase = AUDITED_ROOT,
) -> dict[str, Any]:
    """One finding as a SARIF ``result``, its paths made URIs by ``base``."""
    obj: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": _physical(finding.path, finding.line, base)}],
        "partialFingerprints": {FINGERPRINT_KEY: stable_fingerprint(finding)},
        "properties": {
            "component": finding.component,
            "status": finding.status.value,
            "target": finding.target,
        },
    }
    if finding.introduced is not None:  # --since: did this change introduce it?
        obj["properties"]["introduced"] = finding.introduced
    hops = finding.evidence[:MAX_LOCATIONS]
    if flows and hops:
        obj["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(ev.path, ev.line, base), "message": {"text": m}}
            for i, (ev, m) in enumerate(((ev, _hop_message(ev)) for ev in hops), start=1)
        ]
    if flows and len(finding.evidence) > 1:
        obj["codeFlows"] = [
            {
                "message": {"text": f"dependency path, {len(finding.evidence)} hops"},
                "threadFlows": [
                    {
                        "locations": [
                            {
                                "location": {
                                    "physicalLocation": _physical(ev.path, ev.line, base),
                                    "message": {"text": _hop_message(ev)},
                                },
                                "kinds": [ev.kind],
                                "executionOrder": order,
                            }
                            for order, ev in enumerate(
                                finding.evidence[:MAX_FLOW_LOCATIONS], start=1
                            )
                        ]
                    }
                ],
            }
        ]
    if finding.status is not FindingStatus.NEW:
        note = finding.status_note or finding.status.value
        obj["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": _text(note)}
        ]
    if finding.decision is not None:
        obj["properties"]["decision"] = decision_to_dict(finding.decision)
    if finding.introduced is not None:  # --since: 'unchanged' = already in the tree
        obj["baselineState"] = "new" if finding.introduced else "unchanged"
    elif with_baseline:
        obj["baselineState"] = "new" if finding.status is FindingStatus.NEW else "unchanged"
    return obj


def sarif_log(result: AuditResult, *, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """The whole SARIF log (one run) as a dict."""
    rules = rule_descriptors(result)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    findings = sorted_findings(result)  # worst first, so truncation drops the mildest
    kept = findings[:max_results]
    with_baseline = result.baseline_path is not None
    verdict = audit_verdict(result)
    gate = verdict.gate
    properties: dict[str, Any] = {
        "release": {"name": result.release_name, "license": result.release_license},
        "policy": result.policy_path,
        "treeHash": result.tree_hash,
        "failOn": gate.fail_on,
        "verdict": gate.label,
        "failing": gate.failing,
        "strictBaseline": result.strict_baseline,
        "staleBaselineEntries": len(result.stale_baseline),
        "findings": len(findings),
        "resultsTruncated": len(kept) < len(findings),
        # the one verdict of every report: release readiness and the gate, said apart
        "releaseVerdict": verdict.release_label,
        "verdictWords": verdict.words,
        "counts": verdict.to_dict(),
    }
    if result.diff is not None:
        properties["diff"] = {
            "ref": result.diff.ref,
            "commit": result.diff.commit,
            "changedFiles": result.diff.changed_files,
            "unchangedFindings": result.diff.unchanged_findings,
        }
    if len(kept) < len(findings):
        properties["truncationNote"] = (
            f"{len(findings) - len(kept)} of {len(findings)} findings left out (GitHub accepts "
            f"at most {max_results} results per run); findings.json has them all"
        )
    base = uri_base(result)
    category = "openesx-license" + (f"/{base.prefix.rstrip('/')}" if base.prefix else "")
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "openesx-license",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {
            "id": f"{category}/{result.generated_at or result.tree_hash}",
            "description": {"text": f"openesx-license audit of {base.prefix or 'the tree'}"},
        },
        "originalUriBaseIds": original_uri_base_ids(result),
        "invocations": [{"executionSuccessful": True, "endTimeUtc": result.generated_at or None}],
        "columnKind": "unicodeCodePoints",
        "results": [
            result_object(f, rule_index, with_baseline=with_baseline, base=base) for f in kept
        ],
        "properties": properties,
    }
    if not result.generated_at:
        del run["invocations"][0]["endTimeUtc"]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _dump(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_sarif(result: AuditResult, *, max_gzip_bytes: int = MAX_GZIP_BYTES) -> str:
    """The SARIF text, trimmed to fit GitHub's upload limit when it would not.

    First the dependency flows go (``relatedLocations``/``codeFlows``; the message and location
    stay), then the mildest results, halving until the gzip size fits; ``run.properties`` says
    what was trimmed.
    """
    log = sarif_log(result)
    text = _dump(log)
    if len(gzip.compress(encode_text(text))) <= max_gzip_bytes:
        return text
    run = log["runs"][0]
    for res in run["results"]:
        if res.pop("relatedLocations", None) is not None:
            # the hop links pointed at the related locations just dropped
            res["message"]["text"] = res["message"]["text"].split("\nPath: [", 1)[0]
        res.pop("codeFlows", None)
    run["properties"]["flowsTrimmed"] = True
    text = _dump(log)
    keep = len(run["results"])
    while len(gzip.compress(encode_text(text))) > max_gzip_bytes and keep > 1:
        keep //= 2
        total = run["properties"]["findings"]
        run["results"] = run["results"][:keep]
        run["properties"]["resultsTruncated"] = True
        run["properties"]["truncationNote"] = (
            f"{total - keep} of {total} findings left out to stay under GitHub's "
            f"{max_gzip_bytes // (1024 * 1024)} MB gzip limit; findings.json has them all"
        )
        text = _dump(log)
    return text


class SarifFormatter(Formatter):
    """``findings.sarif``: SARIF 2.1.0 for code scanning."""

    format: ClassVar[ReportFormat] = ReportFormat.SARIF
    filename: ClassVar[str | None] = "findings.sarif"
    description: ClassVar[str] = "SARIF 2.1.0 for GitHub code scanning"

    def render(self, result: AuditResult) -> str:
        """The SARIF log as indented JSON."""
        return render_sarif(result)
