"""The HTML report: one self-contained, offline page for legal reviewers and release engineers.

Rendered with jinja2 (autoescaping on) from the templates and static files in the shipped
``reports/`` folder. Everything is inline: CSS, script, SVG pictures (laid out in Python by
:mod:`~openesx_license.reports.html_charts`), data (JSON, see
:mod:`~openesx_license.reports.html_data`). A Content-Security-Policy forbids every network
request and allows only the page's own script and style, by hash, so that even a path or
holder that slipped past escaping could not run.

The page opens with the answer in plain words — can the release go out under its licence; if
not, what blocks it now and what still blocks it once the proprietary code is removed — built
by :func:`plain_verdict` on the one verdict every format states
(:func:`~openesx_license.gate.verdict.audit_verdict`), then the candidate x component blocker
matrix (:func:`blocker_matrix`).
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
from markupsafe import Markup, escape

from openesx_license.checks.registry import all_checks
from openesx_license.gate.verdict import AuditVerdict, audit_verdict
from openesx_license.licensing.options import is_proprietary_blocker
from openesx_license.model import (
    AuditResult,
    ComponentSummary,
    Finding,
    FindingStatus,
    Severity,
)
from openesx_license.reports import html_charts
from openesx_license.reports.answer import blocker_matrix, blocker_sentences
from openesx_license.reports.common import counts_by_rule_and_severity, sorted_findings
from openesx_license.reports.html_data import (
    embed_json,
    findings_payload,
    holder_rows,
    inventory_payload,
    license_counts,
)
from openesx_license.reports.redact import proprietary_paths, redact_result
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
    verdict: AuditVerdict  # the one verdict every format states
    now: str = ""  # what blocks the release licence now
    later: str = ""  # what still blocks it once the proprietary code is removed

    @property
    def blocking(self) -> int:
        """Unresolved error-level findings."""
        return self.verdict.counts.blocking

    @property
    def review(self) -> int:
        """Unresolved findings below error level."""
        return self.verdict.counts.review

    @property
    def accepted(self) -> int:
        """Waived, baselined or decided findings."""
        return self.verdict.counts.accepted


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

    Built on :func:`~openesx_license.gate.verdict.audit_verdict`, the verdict every format
    states: unresolved error-level findings, or files that do not allow the release licence,
    make it *not ready*, whatever ``--fail-on`` says about the CI gate.
    """
    verdict = audit_verdict(result)
    unresolved = [f for f in result.findings if f.status is FindingStatus.NEW]
    blocking = [f for f in unresolved if f.severity is Severity.ERROR]
    review = [f for f in unresolved if f.severity is not Severity.ERROR]
    accepted = verdict.counts.accepted
    name, lic = result.release_name or "The release", result.release_license
    files = len(result.scan.files)
    option = verdict.option
    others = [o.license for o in result.options if o.allowed and o.license != lic]
    now, later = blocker_sentences(result, verdict)
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
    if not verdict.ready:
        why = []
        if blocking:
            why.append(
                f"the audit of {files:,} files found {len(blocking):,} unresolved "
                f"{'problem' if len(blocking) == 1 else 'problems'} that block it: "
                f"{_rule_summary(blocking)}"
            )
        if verdict.license_blocked and option is not None:
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
        headline = f"{name} cannot be released under {lic} yet"
        state = "fail"
    elif review:
        headline = f"{name} can be released under {lic}, with points to review"
        paragraph = (
            f"Yes, with points to review. Nothing found in the {files:,} files audited blocks "
            f"the release of {name} under {lic}, but {len(review):,} "
            f"{'finding' if len(review) == 1 else 'findings'} below the blocking level "
            f"should be looked at: {_rule_summary(review)}."
        )
        state = "review"
    else:
        headline = f"{name} can be released under {lic}"
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
        verdict=verdict,
        now=now,
        later=later,
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
    digest = hashlib.sha256(text.encode("utf-8", "backslashreplace")).digest()  # as written
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
    env.tests["proprietary_blocker"] = is_proprietary_blocker
    # a path may break after a '/', never inside a name
    env.filters["wbr"] = lambda path: Markup("/<wbr>").join(escape(p) for p in path.split("/"))
    return env


def _static(name: str) -> str:
    return (data_dir("reports") / "static" / name).read_text(encoding="utf-8")


def report_context(result: AuditResult) -> dict[str, Any]:
    """Everything the template needs, computed once from ``result``."""
    result = redact_result(result)  # also when rendered outside write_reports
    findings = sorted_findings(result)
    files = {rec.path: rec for rec in result.scan.files}
    rules = _rule_texts()
    components = _components(result)
    lic_counts = license_counts(result.scan.files)
    hidden = proprietary_paths(result) if result.redact_proprietary else frozenset()
    data = {
        **findings_payload(findings, files, Path(result.root), rules, hidden=hidden),
        "inventory": inventory_payload(result),
        "holders": [[h, n, list(c), list(s)] for h, n, c, s in holder_rows(result.scan.files)],
    }
    severities = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
    return {
        "r": result,
        "verdict": plain_verdict(result),
        "matrix": blocker_matrix(result),
        "redacted": len(hidden) if result.redact_proprietary else None,
        "already_there": sum(f.introduced is False for f in result.findings),
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
