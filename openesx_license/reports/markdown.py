"""``summary.md``: the audit in a page of Markdown for CI job summaries and PR comments.

The verdict in the words every report uses (``Release: not ready · Gate: off``), what blocks
the release licence now and once the proprietary code is removed, one line of counts; then,
folded in ``<details>``, the blocker matrix, the findings by rule, the top findings (paths
link to the files inside a GitHub Actions run), the release-licence options and the stale
baseline entries. Under ``--since`` the findings this change introduced come first, those
already in the tree apart. It stays well inside GitHub's limits (65,536 characters for a
comment, 1 MiB for a job summary): at most :data:`TOP_FINDINGS` findings and
:data:`MAX_STALE` stale entries are listed, long messages are cut, and the rest is counted with
a pointer to ``findings.json`` / ``report.html``. Text from the tree (paths, messages) is
escaped so that it cannot break a table or inject markup.
"""

from __future__ import annotations

import os
import re
from typing import ClassVar
from urllib.parse import quote

from openesx_license.gate.verdict import audit_verdict
from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.reports.answer import blocker_matrix, blocker_sentences
from openesx_license.reports.common import (
    counts_by_rule_and_severity,
    plural,
    sorted_findings,
)
from openesx_license.reports.registry import Formatter, ReportFormat

TOP_FINDINGS = 20
MAX_STALE = 20
MAX_MESSAGE = 200
_ESCAPED = set("\\`*_[]<>|~#")
_SAFE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_SAFE_PATH = re.compile(r"^[^\x00-\x1f()<>\[\]]+$")


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


def file_link_base() -> str | None:
    """``https://github.com/OWNER/REPO/blob/SHA/`` inside a GitHub Actions run (from its
    ``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY`` and ``GITHUB_SHA``), so that paths in a PR
    comment link to the files; None elsewhere (paths are then code spans)."""
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    sha = os.environ.get("GITHUB_SHA", "")
    if not (server.startswith("https://") and _SAFE_REF.match(repo) and _SAFE_REF.match(sha)):
        return None
    return f"{server}/{repo}/blob/{sha}/"


def _location(f: Finding, base: str | None) -> str:
    text = md_code(f"{f.path}:{f.line}" if f.line else f.path)
    if base is None or not _SAFE_PATH.match(f.path):
        return text
    anchor = f"#L{f.line}" if f.line else ""
    return f"[{text}]({base}{quote(f.path)}{anchor})"


def _top(findings: list[Finding]) -> list[Finding]:
    # new findings first (they decide the gate), each group worst first
    return sorted(findings, key=lambda f: f.status is not FindingStatus.NEW)[:TOP_FINDINGS]


def _finding_table(findings: list[Finding], base: str | None) -> list[str]:
    icon = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.NOTE: "🔵"}
    out = [
        "| Severity | Rule | Location | Component | Message | Status |",
        "|---|---|---|---|---|---|",
    ]
    for f in findings:
        status = f.status.value
        if f.introduced is False:
            status += ", already in the tree"
        out.append(
            f"| {icon[f.severity]} {f.severity.value} | {md_code(f.rule)} | {_location(f, base)} | "
            f"{md_text(f.component or '—')} | {md_text(f.message, MAX_MESSAGE)} | {status} |"
        )
    return out


def _details(summary: str, body: list[str], *, open_: bool = False) -> list[str]:
    return [f"<details{' open' if open_ else ''}><summary>{summary}</summary>", "", *body, "",
            "</details>", ""]  # fmt: skip


def _matrix(result: AuditResult) -> list[str]:
    rows = blocker_matrix(result)
    if not rows:
        return []
    head = [
        md_code(o.license) + (" (release)" if o.license == result.release_license else "")
        for o in result.options
    ]
    out = ["| Component | " + " | ".join(head) + " |", "|---" + "|---" * len(head) + "|"]
    for row in rows:
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append("✔")
            elif not cell.license_files:
                cells.append(f"✖ remove {cell.proprietary_files}")
            else:
                more = f" + remove {cell.proprietary_files}" if cell.proprietary_files else ""
                lic = md_text(", ".join(cell.licenses[:2]))
                cells.append(f"✖ {cell.license_files}{more} ({lic})")
        out.append(
            f"| **{md_text(row.component)}** {row.component_class} | " + " | ".join(cells) + " |"
        )
    now = ["✔" if o.allowed else f"✖ {o.blocking_files}" for o in result.options]
    later = [
        "✔" if o.allowed_once_removed else f"✖ {o.blocking_files - o.proprietary_files}"
        for o in result.options
    ]
    out.append("| **Now** | " + " | ".join(now) + " |")
    out.append("| **Without proprietary code** | " + " | ".join(later) + " |")
    return out


def render_markdown(result: AuditResult) -> str:
    """The whole summary: the verdict words, the blockers, then details that fold away."""
    verdict = audit_verdict(result)
    gate = verdict.gate
    counts = verdict.counts
    findings = sorted_findings(result)
    base = file_link_base()
    mark = "✅" if verdict.ready and gate.label != "fail" else "❌"
    out = [f"## {mark} openesx-license: {md_text(result.release_name)} — {verdict.words}", ""]
    if gate.stale_failing and not gate.failing:
        gate_line = (
            f"**{plural(gate.stale_failing, 'stale baseline entry', 'stale baseline entries')} "
            + ("fails" if gate.stale_failing == 1 else "fail")
            + " the gate** (`--strict-baseline`)"
        )
    elif gate.off:
        gate_line = "the gate is off (`--fail-on never`)"
    elif gate.passed:
        gate_line = f"no new finding at or above `{gate.fail_on}`"
    else:
        gate_line = (
            f"**{plural(gate.failing, 'new finding')} at or above `{gate.fail_on}`** "
            + ("fails" if gate.failing == 1 else "fail")
            + " the gate"
        )
    now, later = blocker_sentences(result, verdict)
    if now:
        out += [f"**What blocks it now:** {md_text(now)}", ""]
    if later:
        out += [f"**Once the proprietary components are removed:** {md_text(later)}", ""]
    tally = [
        f"{counts.blocking} blocking",
        f"{counts.review} to review",
        f"{counts.accepted} accepted",
        plural(counts.findings, "finding"),
    ]
    if counts.by_status.get("decided"):
        tally[2] += f" ({counts.by_status['decided']} by reviewed decisions)"
    if counts.forbidden_crossings or counts.warning_crossings:
        tally.append(
            f"{counts.forbidden_crossings} forbidden crossings, "
            f"{counts.warning_crossings} warning-level"
        )
    if counts.introduced is not None:
        tally.append(
            f"{counts.introduced} introduced by this change, {counts.already_there} already "
            "in the tree"
        )
    out.append(
        " · ".join(tally)
        + f" · {gate_line} · {plural(len(result.scan.files), 'file')} · release licence "
        + md_code(result.release_license)
    )
    out.append("")
    matrix = _matrix(result)
    if matrix:
        out += _details("What blocks each candidate licence, by component", matrix)
    if result.diff is not None:
        out.append(
            f"Diff mode: changes since {md_code(result.diff.ref)} "
            f"({md_code(result.diff.commit[:12])}), "
            f"{plural(result.diff.changed_files, 'changed file')}; "
            f"{plural(result.diff.unchanged_findings, 'older finding')} outside the change "
            "not reported."
        )
        out.append("")
    if counts.introduced is not None:
        new = [f for f in findings if f.introduced is not False]
        old = [f for f in findings if f.introduced is False]
        out += [f"### Introduced by this change ({len(new)})", ""]
        out += (_finding_table(new[:TOP_FINDINGS], base) if new else ["None."]) + [""]
        if old:
            out += _details(
                f"Already in the tree: blocks every merge ({len(old)})",
                [
                    "IP findings are never accepted: these were there before the change and "
                    "fail the gate of every merge until fixed.",
                    "",
                    *_finding_table(old[:TOP_FINDINGS], base),
                ],
            )
    if findings:
        table = counts_by_rule_and_severity(result)
        totals = dict.fromkeys(("error", "warning", "note", "new", "baselined", "waived"), 0)
        rule_rows = [
            "| Rule | Error | Warning | Note | New | Baselined | Waived |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for rule, row in table.items():
            rule_rows.append(
                f"| {md_code(rule)} | " + " | ".join(str(row[k]) for k in totals) + " |"
            )
            for k in totals:
                totals[k] += row[k]
        rule_rows.append("| **Total** | " + " | ".join(f"**{totals[k]}**" for k in totals) + " |")
        out += _details("Findings by rule", rule_rows)
        top = _top(findings)
        body = _finding_table(top, base)
        if len(findings) > len(top):
            body += [
                "",
                f"_{plural(len(findings) - len(top), 'more finding')} in `findings.json` "
                "and `report.html`._",
            ]
        out += _details(f"Top findings ({len(top)} of {len(findings)})", body)
    else:
        out += ["No findings.", ""]
    if result.options:
        opt_rows = [
            "| Licence | Now | Without proprietary code | Undetermined files "
            "| Blocking components |",
            "|---|---|---|---:|---|",
        ]
        for opt in result.options:
            name = md_code(opt.license)
            if opt.license == result.release_license:
                name += " (release)"
            comps = ", ".join(md_text(c) for c in opt.blocking_components[:8]) or "—"
            if len(opt.blocking_components) > 8:
                comps += f", +{len(opt.blocking_components) - 8}"
            now_cell = "✅ allowed" if opt.allowed else f"❌ {opt.blocking_files} files"
            left = opt.blocking_files - opt.proprietary_files
            later_cell = "✅ allowed" if opt.allowed_once_removed else f"❌ {left} files"
            opt_rows.append(
                f"| {name} | {now_cell} | {later_cell} | {opt.undetermined_files} | {comps} |"
            )
        out += _details("Release licence options", opt_rows)
    out += _decided_section(findings, base)
    if result.stale_baseline:
        count = len(result.stale_baseline)
        entries = (
            "1 baseline entry no longer matches"
            if count == 1
            else (f"{count} baseline entries no longer match")
        )
        body = [
            f"{entries} any finding (fixed); refresh the baseline with `openesx-license baseline`.",
            "",
            "| Rule | Path | Fingerprint |",
            "|---|---|---|",
        ]
        for entry in result.stale_baseline[:MAX_STALE]:
            body.append(
                f"| {md_code(entry.rule)} | {md_code(entry.path)} | "
                f"{md_code(entry.fingerprint[:16])} |"
            )
        if len(result.stale_baseline) > MAX_STALE:
            body.append(f"\n_{len(result.stale_baseline) - MAX_STALE} more in `findings.json`._")
        out += _details(f"Stale baseline entries ({count})", body)
    if result.redact_proprietary:
        out += ["_Proprietary code redacted: no report of this run shows its text._", ""]
    if result.scan.skipped:
        shown = ", ".join(md_code(p) for p in result.scan.skipped[:MAX_STALE])
        more = len(result.scan.skipped) - MAX_STALE
        out.append(
            f"{len(result.scan.skipped)} path(s) left out by the default exclusions (none "
            f"tracked by git): {shown}" + (f" and {more} more (`run.skipped`)" if more > 0 else "")
        )
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


def _decided_section(findings: list[Finding], base: str | None) -> list[str]:
    """The findings reviewed decisions settle, each with who decided, when and why."""
    decided = [f for f in findings if f.decision is not None]
    if not decided:
        return []
    body = [
        "Settled by reviewed decisions (docs/decisions.md); they do not fail the gate.",
        "",
        "| Rule | Location | Decision | Decided |",
        "|---|---|---|---|",
    ]
    for f in decided[:TOP_FINDINGS]:
        d = f.decision
        assert d is not None
        body.append(
            f"| {md_code(f.rule)} | {_location(f, base)} | {md_code(d.kind.value)} | "
            f"{md_text(d.note, MAX_MESSAGE)} |"
        )
    return _details(f"Decided findings ({len(decided)})", body)


class MarkdownFormatter(Formatter):
    """``summary.md``: verdict and tables for CI job summaries and PR comments."""

    format: ClassVar[ReportFormat] = ReportFormat.MD
    filename: ClassVar[str | None] = "summary.md"
    description: ClassVar[str] = "Markdown summary for CI job summaries and PR comments"

    def render(self, result: AuditResult) -> str:
        """The summary as GitHub-flavoured Markdown."""
        return render_markdown(result)
