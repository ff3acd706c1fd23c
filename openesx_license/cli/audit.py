"""``openesx-license audit``: the whole pipeline, the reports, and the CI gate's exit code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import click

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.text import console_line
from openesx_license.cli import verbosity
from openesx_license.cli.common import cluster_options, engine_options, policy_option
from openesx_license.cli.gate_notes import gate_lines
from openesx_license.cli.stdout_report import check_stdout_formats, write_stdout_report
from openesx_license.gate.verdict import AuditVerdict, audit_verdict
from openesx_license.model import AuditResult, FailOn, FindingStatus
from openesx_license.pipeline import discover_policy, run_audit
from openesx_license.reports import parse_formats, write_reports
from openesx_license.reports.registry import REPORT_FILES

DEFAULT_OUT = "openesx-license-report"
TOP_FINDINGS = 10


@click.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@policy_option(
    "TOML policy (default: $OPENESX_LICENSE_POLICY, else openesx-license.toml at the tree "
    "root, else [tool.openesx-license] in its pyproject.toml, else the built-in policy)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False, allow_dash=True),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the reports; '-' writes findings.json to stdout (the summary then goes "
    "to stderr).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=("json",),
    show_default=True,
    help="Report formats, comma-separated or repeated: html, json, sarif, spdx, cyclonedx, "
    "notice, md, github, gitlab.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Accepted findings (from `baseline`): only new ones fail the gate.",
)
@click.option(
    "--strict-baseline",
    is_flag=True,
    help="Fail the gate (exit 1) when baseline entries match no finding any more.",
)
@click.option(
    "--since",
    metavar="REF",
    help="Diff mode: report only findings introduced since git revision REF (a finding whose "
    "file or any evidence hop changed); the whole graph is still checked, IP findings always "
    "count.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge waiver expiry as of this date, YYYY-MM-DD (default: today; e.g. a date a "
    "month ahead lists the waivers about to lapse).",
)
@click.option(
    "--ip-index",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fingerprint index of proprietary code (from `fingerprint`) to find copied code.",
)
@click.option(
    "--from-scancode",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Reuse a ScanCode JSON scan of PATH (`scancode -l -c --json`): its detections answer "
    "the files it covers; the others are scanned.",
)
@click.option(
    "--fail-on",
    type=click.Choice([f.value for f in FailOn]),
    default="error",
    show_default=True,
    help="Exit 1 when a new finding is at or above this severity.",
)
@click.option(
    "--redact-proprietary",
    is_flag=True,
    help="Show no proprietary code in any report: every excerpt of a proprietary file (or of "
    "a file with a proprietary marker) becomes its location and a hash. Policy default: "
    "[reports] redact_proprietary.",
)
@engine_options
@cluster_options
def audit(
    path: Path,
    policy_path: Path | None,
    out_dir: Path,
    formats: tuple[str, ...],
    baseline: Path | None,
    strict_baseline: bool,
    since: str | None,
    today: dt.datetime | None,
    ip_index: Path | None,
    from_scancode: Path | None,
    fail_on: str,
    redact_proprietary: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    executor: ExecutorSpec,
    shared_cache: str | None,
) -> int:
    """Audit the source tree at PATH: licences, IP boundary, compatibility; write reports.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/policy/input error,
    3 internal error.
    """
    chosen = parse_formats(formats)  # an unknown format is exit 2 before minutes of scanning
    to_stdout = str(out_dir) == "-"
    if to_stdout:
        check_stdout_formats(chosen)
    policy, choice = discover_policy(path, policy_path)
    verbosity.detail(f"openesx-license: policy {choice.describe()}")
    progress = verbosity.stage_progress(prefix="openesx-license: ")
    result = run_audit(
        path,
        policy,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        baseline=baseline,
        since=since,
        ip_index=ip_index,
        today=today.date() if today else None,
        progress=progress,
        policy_origin=choice.origin,
        from_scancode=from_scancode,
        executor=executor,
        shared_cache=shared_cache,
    )
    for warning in result.warnings:
        click.echo(console_line(f"openesx-license: warning: {warning}"), err=True)
    # the reports state the verdict of this run's threshold (the pipeline does not know it)
    result = dataclasses.replace(
        result,
        fail_on=FailOn(fail_on),
        strict_baseline=strict_baseline,
        redact_proprietary=redact_proprietary or policy.reports.redact_proprietary,
    )
    if to_stdout:
        write_stdout_report(result)
        written: list[Path] = []
    else:
        try:
            written = write_reports(result, out_dir, formats, progress=progress)
        finally:
            progress.close()
    verdict = audit_verdict(result)
    text = summary(result, written, verdict, strict_baseline=strict_baseline)
    # the summary shares stdout with nothing; with findings.json (--out -) or workflow
    # commands (--format github) on stdout it goes to stderr, and -q drops it
    annotations = any(REPORT_FILES[f] is None for f in chosen)
    verbosity.info(text, err=to_stdout or annotations)
    return verdict.gate.exit_code


def policy_phrase(result: AuditResult) -> str:
    """Which policy the audit used and how it was found."""
    from openesx_license.config.discovery import PolicyChoice, PolicyOrigin

    origin = PolicyOrigin(result.policy_origin)
    path = Path(result.policy_path) if result.policy_path else None
    return PolicyChoice(origin=origin, path=path).describe()


#: files with errors named in the summary (all of them are in the JSON report)
TOP_ERRORS = 5


def _error_lines(result: AuditResult) -> list[str]:
    """Files the audit could not read or check whole, with their first error."""
    failed = [rec for rec in result.scan.files if rec.errors]
    if not failed:
        return []
    lines = [f"{len(failed)} file(s) not fully audited (files[].errors in the JSON report):"]
    lines.extend(f"  {rec.path}: {rec.errors[0]}" for rec in failed[:TOP_ERRORS])
    if len(failed) > TOP_ERRORS:
        lines.append(f"  ... and {len(failed) - TOP_ERRORS} more")
    return lines


def summary(
    result: AuditResult,
    written: list[Path],
    verdict: AuditVerdict,
    *,
    strict_baseline: bool = False,
) -> str:
    """The text printed after an audit: counts by rule and severity, the top findings, where
    the reports are, and the verdict (release and gate, said separately, as in every report)."""
    lines = [
        f"openesx-license {result.tool_version}: {result.root} "
        f"({len(result.scan.files)} files, release {result.release_name} "
        f"under {result.release_license})",
        f"Policy: {policy_phrase(result)}",
    ]
    findings = result.findings
    if not findings:
        lines.append("No findings.")
    else:
        by_severity = Counter(f.severity.value for f in findings)
        by_status = Counter(f.status.value for f in findings)
        lines.append(
            f"{len(findings)} finding(s): "
            + ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items()))
            + " ("
            + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
            + ")"
        )
        by_rule = Counter((f.rule, f.severity.value) for f in findings)
        width = max(len(rule) for rule, _ in by_rule)
        lines.extend(
            f"  {rule:<{width}}  {severity:<7}  {count}"
            for (rule, severity), count in sorted(by_rule.items())
        )
        new = [f for f in findings if f.status is FindingStatus.NEW]
        if new:
            lines.append("Top findings:")
            for f in new[:TOP_FINDINGS]:
                where = f"{f.path}:{f.line}" if f.line else f.path
                there = " [already in the tree]" if f.introduced is False else ""
                lines.append(f"  {f.severity.value:<7} {f.rule:<20} {where}: {f.message}{there}")
            if len(new) > TOP_FINDINGS:
                lines.append(f"  ... and {len(new) - TOP_FINDINGS} more (see the reports)")
    lines.extend(_error_lines(result))
    if result.scan.skipped:
        lines.append(
            f"{len(result.scan.skipped)} path(s) left out by the default exclusions, none of "
            "them tracked by git (run.skipped in the JSON report)"
        )
    lines.extend(gate_lines(result, strict_baseline=strict_baseline))
    if written:
        lines.append("Reports: " + ", ".join(str(p) for p in written))
    lines.extend(verdict_lines(verdict))
    return "\n".join(console_line(line) for line in lines)


def verdict_lines(verdict: AuditVerdict) -> list[str]:
    """The verdict in the words of every report: ``Release: ... · Gate: ...`` and why."""
    c = verdict.counts
    release = f"Release under {verdict.release_license}: {verdict.release_label}"
    why = []
    if c.blocking:
        why.append(f"{c.blocking} unresolved error(s)")
    if verdict.license_blocked and verdict.option is not None:
        why.append(f"{verdict.option.blocking_files} file(s) do not allow the licence")
    if why:
        release += " (" + "; ".join(why) + ")"
    if verdict.license_blocked and verdict.option is not None and verdict.option.proprietary_files:
        left = verdict.blocked_once_removed
        release += (
            f"; once the proprietary code is removed: still blocked by {left} file(s)"
            if left
            else "; allowed once the proprietary code is removed"
        )
    gate = verdict.gate
    if gate.off:
        gate_text = "Gate: off (--fail-on never)"
    else:
        gate_text = f"Gate (--fail-on {gate.fail_on}): {gate.label}"
        if gate.failing:
            gate_text += f" ({gate.failing} new finding(s) at or above {gate.fail_on})"
    lines = [release, gate_text]
    if c.forbidden_crossings or c.warning_crossings:
        lines.insert(
            1,
            f"Boundary crossings: {c.forbidden_crossings} forbidden, "
            f"{c.warning_crossings} warning-level",
        )
    if c.introduced is not None:
        lines.insert(
            1,
            f"Under --since: {c.introduced} finding(s) introduced by this change, "
            f"{c.already_there} already in the tree (IP findings: they block every merge)",
        )
    return lines
