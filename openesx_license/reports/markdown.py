"""``summary.md``: the audit in a page of Markdown for CI job summaries and PR comments.

Verdict first, then counts by rule and severity, the top findings, the release-licence options
and the stale baseline entries. It stays well inside GitHub's limits (65,536 characters for a
comment, 1 MiB for a job summary): at most :data:`TOP_FINDINGS` findings and
:data:`MAX_STALE` stale entries are listed, long messages are cut, and the rest is counted with
a pointer to ``findings.json`` / ``report.html``. Text from the tree (paths, messages) is
escaped so that it cannot break a table or inject markup.
"""

from __future__ import annotations

from typing import ClassVar

from openesx_license.gate.verdict import gate_verdict
from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.reports.common import (
    counts_by_rule_and_severity,
    counts_by_status,
    plural,
    sorted_findings,
)
from openesx_license.reports.registry import Formatter, ReportFormat

TOP_FINDINGS = 20
MAX_STALE = 20
MAX_MESSAGE = 200
_ESCAPED = set("\\`*_[]<>|~#")


def md_text(text: str, limit: int | None = None) -> str:
    """``text`` safe inside a Markdown table cell: one line, markup characters escaped."""
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return "".join(f"\\{ch}" if ch in _ESCAPED else ch for ch in flat)


def md_code(text: str) -> str:
    """``text`` as an inline code span (a span cannot hold ``|`` inside a table cell)."""
    flat = " ".join(text.split()).replace("|", "¦")
    fence = "``" if "`" in flat else "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _location(f: Finding) -> str:
    return md_code(f"{f.path}:{f.line}" if f.line else f.path)


def _top(findings: list[Finding]) -> list[Finding]:
    # new findings first (they decide the gate), each group worst first
    return sorted(findings, key=lambda f: f.status is not FindingStatus.NEW)[:TOP_FINDINGS]


def render_markdown(result: AuditResult) -> str:
    """The whole summary."""
    gate = gate_verdict(result)
    findings = sorted_findings(result)
    status = counts_by_status(result)
    mark = "✅ pass" if gate.passed else "❌ fail"
    out = [f"## openesx-license: {md_text(result.release_name)} — {mark}", ""]
    if gate.stale_failing and not gate.failing:
        gate_line = (
            f"**{plural(gate.stale_failing, 'stale baseline entry', 'stale baseline entries')} "
            + ("fails" if gate.stale_failing == 1 else "fail")
            + " the gate** (`--strict-baseline`)"
        )
    elif gate.fail_on == "never":
        gate_line = "the gate is off (`--fail-on never`)"
    elif gate.passed:
        gate_line = f"no new finding at or above `{gate.fail_on}`"
    else:
        gate_line = (
            f"**{plural(gate.failing, 'new finding')} at or above `{gate.fail_on}`** "
            + ("fails" if gate.failing == 1 else "fail")
            + " the gate"
        )
    out.append(
        f"{gate_line} · {plural(len(result.scan.files), 'file')} · "
        f"{plural(len(findings), 'finding')} ({status['new']} new, "
        f"{status['baselined']} baselined, {status['waived']} waived"
        + (f", {status['decided']} decided" if status["decided"] else "")
        + ") · "
        f"release licence {md_code(result.release_license)}"
    )
    out.append("")
    if result.diff is not None:
        out.append(
            f"Diff mode: changes since {md_code(result.diff.ref)} "
            f"({md_code(result.diff.commit[:12])}), "
            f"{plural(result.diff.changed_files, 'changed file')}; "
            f"{plural(result.diff.unchanged_findings, 'older finding')} outside the change "
            "not reported."
        )
        out.append("")
    if findings:
        out += ["### Findings by rule", ""]
        out.append("| Rule | Error | Warning | Note | New | Baselined | Waived |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        table = counts_by_rule_and_severity(result)
        totals = dict.fromkeys(("error", "warning", "note", "new", "baselined", "waived"), 0)
        for rule, row in table.items():
            out.append(f"| {md_code(rule)} | " + " | ".join(str(row[k]) for k in totals) + " |")
            for k in totals:
                totals[k] += row[k]
        out.append("| **Total** | " + " | ".join(f"**{totals[k]}**" for k in totals) + " |")
        out.append("")
        top = _top(findings)
        out += ["### Top findings", ""]
        out.append("| Severity | Rule | Location | Component | Message | Status |")
        out.append("|---|---|---|---|---|---|")
        icon = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.NOTE: "🔵"}
        for f in top:
            out.append(
                f"| {icon[f.severity]} {f.severity.value} | {md_code(f.rule)} | {_location(f)} | "
                f"{md_text(f.component or '—')} | {md_text(f.message, MAX_MESSAGE)} | "
                f"{f.status.value} |"
            )
        if len(findings) > len(top):
            out.append("")
            out.append(
                f"_{plural(len(findings) - len(top), 'more finding')} in `findings.json` "
                "and `report.html`._"
            )
        out.append("")
    else:
        out += ["No findings.", ""]
    if result.options:
        out += ["### Release licence options", ""]
        out.append(
            "| Licence | Allowed | Blocking files | Undetermined files | Blocking components |"
        )
        out.append("|---|---|---:|---:|---|")
        for opt in result.options:
            name = md_code(opt.license)
            if opt.license == result.release_license:
                name += " (release)"
            comps = ", ".join(md_text(c) for c in opt.blocking_components[:8]) or "—"
            if len(opt.blocking_components) > 8:
                comps += f", +{len(opt.blocking_components) - 8}"
            allowed = "✅ yes" if opt.allowed else "❌ no"
            out.append(
                f"| {name} | {allowed} | {opt.blocking_files} | {opt.undetermined_files} | "
                f"{comps} |"
            )
        out.append("")
    out += _decided_section(findings)
    if result.stale_baseline:
        out += ["### Stale baseline entries", ""]
        count = len(result.stale_baseline)
        entries = (
            "1 baseline entry no longer matches"
            if count == 1
            else (f"{count} baseline entries no longer match")
        )
        out.append(
            f"{entries} any finding (fixed); refresh the baseline with `openesx-license baseline`."
        )
        out.append("")
        out.append("| Rule | Path | Fingerprint |")
        out.append("|---|---|---|")
        for entry in result.stale_baseline[:MAX_STALE]:
            out.append(
                f"| {md_code(entry.rule)} | {md_code(entry.path)} | "
                f"{md_code(entry.fingerprint[:16])} |"
            )
        if len(result.stale_baseline) > MAX_STALE:
            out.append(f"\n_{len(result.stale_baseline) - MAX_STALE} more in `findings.json`._")
        out.append("")
    meta = [f"openesx-license {md_text(result.tool_version)}"]
    if result.tree_hash:
        meta.append(f"tree {md_code(result.tree_hash[:12])}")
    if result.policy_path:
        meta.append(f"policy {md_code(result.policy_path)}")
    if result.baseline_path:
        meta.append(f"baseline {md_code(result.baseline_path)}")
    if result.since:
        meta.append(f"changes since {md_code(result.since)}")
    meta.append(md_text(result.generated_at))
    out.append("<sub>" + " · ".join(meta) + "</sub>")
    return "\n".join(out) + "\n"


def _decided_section(findings: list[Finding]) -> list[str]:
    """The findings reviewed decisions settle, each with who decided, when and why."""
    decided = [f for f in findings if f.decision is not None]
    if not decided:
        return []
    out = ["### Decided findings", ""]
    out.append("Settled by reviewed decisions (docs/decisions.md); they do not fail the gate.")
    out.append("")
    out.append("| Rule | Location | Decision | Decided |")
    out.append("|---|---|---|---|")
    for f in decided[:TOP_FINDINGS]:
        d = f.decision
        assert d is not None
        out.append(
            f"| {md_code(f.rule)} | {_location(f)} | {md_code(d.kind.value)} | "
            f"{md_text(d.note, MAX_MESSAGE)} |"
        )
    out.append("")
    return out


class MarkdownFormatter(Formatter):
    """``summary.md``: verdict and tables for CI job summaries and PR comments."""

    format: ClassVar[ReportFormat] = ReportFormat.MD
    filename: ClassVar[str | None] = "summary.md"
    description: ClassVar[str] = "Markdown summary for CI job summaries and PR comments"

    def render(self, result: AuditResult) -> str:
        """The summary as GitHub-flavoured Markdown."""
        return render_markdown(result)
