"""The HTML report: one self-contained, offline page for legal reviewers and release engineers.

Rendered with jinja2 (autoescaping on) from the templates and static files in the shipped
``reports/`` folder. Everything is inline: CSS, script, SVG pictures (laid out in Python by
:mod:`~openesx_license.reports.html_charts`), data (JSON, see
:mod:`~openesx_license.reports.html_data`). A Content-Security-Policy forbids every network
request and allows only the page's own script and style, by hash, so that even a path or
holder that slipped past escaping could not run.

The page opens with a verdict in plain words — can the release go out under its licence, and
if not, why — built by :func:`plain_verdict`.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from openesx_license.checks.registry import all_checks
from openesx_license.gate.verdict import fails_gate
from openesx_license.model import (
    AuditResult,
    ComponentSummary,
    FailOn,
    Finding,
    FindingStatus,
    Severity,
)
from openesx_license.reports import html_charts
from openesx_license.reports.common import counts_by_rule_and_severity, sorted_findings
from openesx_license.reports.html_data import (
    embed_json,
    findings_payload,
    holder_rows,
    inventory_payload,
    license_counts,
)
from openesx_license.reports.registry import Formatter, ReportFormat
from openesx_license.resources import data_dir

#: rule id -> (singular, plural) plain-language description of one finding of it
_RULE_PHRASES: dict[str, tuple[str, str]] = {
    "proprietary-code": (
        "file of the open release contains proprietary code or a confidentiality marker",
        "files of the open release contain proprietary code or confidentiality markers",
    ),
    "boundary-crossing": (
        "place where open code depends on a proprietary component",
        "places where open code depends on a proprietary component",
    ),
    "copied-code": (
        "piece of code appears to be copied from the proprietary source tree",
        "pieces of code appear to be copied from the proprietary source tree",
    ),
    "license-conflict": (
        "dependency joins files whose licences cannot be combined",
        "dependencies join files whose licences cannot be combined",
    ),
    "outbound-incompatible": (
        "file is under a licence that does not allow this release licence",
        "files are under licences that do not allow this release licence",
    ),
    "denied-license": (
        "file is under a licence that the policy forbids",
        "files are under licences that the policy forbids",
    ),
    "unknown-license": (
        "file has no licence, or one the tool does not recognise",
        "files have no licence, or one the tool does not recognise",
    ),
    "gpl-only-symbol": (
        "use of a GPL-only kernel symbol by non-GPL code",
        "uses of GPL-only kernel symbols by non-GPL code",
    ),
    "unmapped-file": (
        "file belongs to no component of the policy",
        "files belong to no component of the policy",
    ),
    "expired-waiver": ("waiver has expired", "waivers have expired"),
    "stale-waiver": (
        "waiver no longer matches anything",
        "waivers no longer match anything",
    ),
    "lapsed-decision": (
        "reviewed decision lapsed: the code it judged changed",
        "reviewed decisions lapsed: the code they judged changed",
    ),
    "stale-decision": (
        "reviewed decision no longer matches anything",
        "reviewed decisions no longer match anything",
    ),
}


@dataclass(frozen=True, kw_only=True)
class PlainVerdict:
    """The answer at the top of the report, for a reader who does not read code."""

    state: str  # 'pass' | 'review' | 'fail'
    headline: str
    paragraph: str
    blocking: int  # unresolved findings at or above the threshold
    review: int  # unresolved findings below it
    accepted: int  # waived or baselined


def _phrase(rule: str, n: int) -> str:
    singular, plural = _RULE_PHRASES.get(rule, (f"finding of rule “{rule}”", ""))
    return f"{n:,} {singular if n == 1 else plural or singular.replace('finding', 'findings')}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _rule_summary(findings: list[Finding]) -> str:
    counts = Counter(f.rule for f in findings)
    return _join([_phrase(rule, n) for rule, n in sorted(counts.items(), key=lambda i: -i[1])])


def plain_verdict(result: AuditResult) -> PlainVerdict:
    """Can the release go out under its licence? One plain-language paragraph, and why.

    Unresolved (new) findings at or above the ``--fail-on`` threshold block the release, as
    does a release-licence option the audit found not allowed. With ``--fail-on never`` the
    CI gate never fails, but the reader still needs the legal answer: errors are used then.
    """
    threshold = FailOn.ERROR if result.fail_on is FailOn.NEVER else result.fail_on
    blocking = [f for f in result.findings if fails_gate(f, threshold)]
    review = [
        f for f in result.findings if f.status is FindingStatus.NEW and not fails_gate(f, threshold)
    ]
    accepted = len(result.findings) - len(blocking) - len(review)
    name, lic = result.release_name or "The release", result.release_license
    files = len(result.scan.files)
    option = next((o for o in result.options if o.license == lic), None)
    option_blocked = option is not None and not option.allowed
    others = [o.license for o in result.options if o.allowed and o.license != lic]
    tail = []
    decided = sum(f.status is FindingStatus.DECIDED for f in result.findings)
    accepted -= decided
    if accepted:
        waived = sum(f.status is FindingStatus.WAIVED for f in result.findings)
        tail.append(
            f"{accepted:,} earlier findings were accepted ({waived:,} by documented waivers, "
            f"{accepted - waived:,} by the accepted baseline); their reasons are shown with "
            "each finding."
        )
    if decided:
        tail.append(
            f"{decided:,} {'finding was' if decided == 1 else 'findings were'} settled by "
            "reviewed decisions (see Decided findings)."
        )
    if others:
        tail.append(f"Other candidate licences the tree would allow today: {', '.join(others)}.")
    if blocking or option_blocked:
        why = []
        if blocking:
            why.append(
                f"the audit of {files:,} files found {len(blocking):,} unresolved "
                f"{'problem' if len(blocking) == 1 else 'problems'} that block it: "
                f"{_rule_summary(blocking)}"
            )
        if option_blocked and option is not None:
            comps = ", ".join(option.blocking_components) or "the tree"
            one = option.blocking_files == 1
            what = "file whose licence does" if one else "files whose licences do"
            why.append(
                f"the check of the release licence counts {option.blocking_files:,} {what} "
                f"not allow {lic} (in {comps})"
            )
        paragraph = (
            f"No. {name} should not be released under {lic} as it stands: {'; and '.join(why)}. "
            "Each problem is listed below under Findings, with the evidence and what to do "
            "about it; a problem can only be set aside by fixing it or by a documented waiver."
        )
        headline = f"Not ready: {name} cannot be released under {lic} yet"
        state = "fail"
    elif review:
        headline = f"Ready, with points to review: {name} under {lic}"
        paragraph = (
            f"Yes, with points to review. Nothing found in the {files:,} files audited blocks "
            f"the release of {name} under {lic}, but {len(review):,} "
            f"{'finding' if len(review) == 1 else 'findings'} below the blocking threshold "
            f"should be looked at: {_rule_summary(review)}."
        )
        state = "review"
    else:
        headline = f"Ready: {name} can be released under {lic}"
        paragraph = (
            f"Yes. As far as this audit can tell, {name} can be released under {lic}: "
            f"no unresolved problem was found in the {files:,} files audited."
        )
        state = "pass"
    paragraph = " ".join(
        [paragraph, *tail, "This is an automated audit; it supports, not replaces, legal review."]
    )
    return PlainVerdict(
        state=state,
        headline=headline,
        paragraph=paragraph,
        blocking=len(blocking),
        review=len(review),
        accepted=accepted,
    )


def _components(result: AuditResult) -> list[ComponentSummary]:
    """The policy's components, plus any component a file names that the summary lacks."""
    known = {c.name for c in result.components}
    counts: Counter[str] = Counter(r.component for r in result.scan.files if r.component)
    extra = [
        ComponentSummary(name=n, component_class="unmapped", declared_license=None, files=k)
        for n, k in sorted(counts.items())
        if n not in known
    ]
    return [*result.components, *extra]


def _rule_texts() -> dict[str, dict[str, str]]:
    return {
        rid: {
            "title": getattr(cls, "title", rid),
            "description": getattr(cls, "description", ""),
            "guidance": getattr(cls, "guidance", ""),
        }
        for rid, cls in all_checks().items()
    }


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _environment() -> jinja2.Environment:
    folder = data_dir("reports")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def _static(name: str) -> str:
    return (data_dir("reports") / "static" / name).read_text(encoding="utf-8")


def report_context(result: AuditResult) -> dict[str, Any]:
    """Everything the template needs, computed once from ``result``."""
    findings = sorted_findings(result)
    files = {rec.path: rec for rec in result.scan.files}
    rules = _rule_texts()
    components = _components(result)
    lic_counts = license_counts(result.scan.files)
    data = {
        **findings_payload(findings, files, Path(result.root), rules),
        "inventory": inventory_payload(result),
        "holders": [[h, n, list(c)] for h, n, c in holder_rows(result.scan.files)],
    }
    severities = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
    return {
        "r": result,
        "verdict": plain_verdict(result),
        "severities": severities,
        "statuses": [s.value for s in FindingStatus],
        "decided": [f for f in findings if f.decision is not None],
        "by_rule": counts_by_rule_and_severity(result),
        "rule_titles": {rid: r["title"] for rid, r in rules.items()},
        "license_counts": lic_counts,
        "license_chart": html_charts.license_chart(lic_counts),
        "components": components,
        "component_graph": html_charts.component_graph(components, result.component_edges),
        "graph_legend": html_charts.graph_legend(),
        "graph_drawn": html_charts.pictured_counts(components, result.component_edges),
        "class_label": html_charts.CLASS_LABEL,
        "component_names": sorted({c.name for c in components}),
        "data_json": embed_json(data),
        "n_holders": len(data["holders"]),
        "tree_missing": data["treeMissing"],
        "excerpts_omitted": data["excerptsOmitted"],
    }


def render_html(result: AuditResult, *, extra: Mapping[str, Any] | None = None) -> str:
    """The whole report.html as text."""
    env = _environment()
    css, js = _static("report.css"), _static("report.js")
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "form-action 'none'; base-uri 'none'"
    )
    context = {**report_context(result), **(extra or {})}
    template = env.get_template("report.html.j2")
    return template.render(**context, css=Markup(css), js=Markup(js), csp=csp)


class HtmlFormatter(Formatter):
    """``report.html``: the self-contained report for legal review (see the module docstring)."""

    format = ReportFormat.HTML
    filename = "report.html"
    description = "self-contained HTML report for legal review (works offline)"

    def render(self, result: AuditResult) -> str:
        """Return the whole page."""
        return render_html(result)
