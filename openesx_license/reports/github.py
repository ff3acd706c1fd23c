"""``--format github``: GitHub Actions workflow-command annotations, printed on stdout.

Each new finding becomes ``::error file=PATH,line=N,title=RULE::MESSAGE`` (``warning`` and
``notice`` for the other severities). Waived and baselined findings are accepted and are not
annotated. Workflow commands are read from the job's standard output, so this format writes no
file: :func:`openesx_license.reports.write_reports` sends it to its ``stream``.

GitHub shows at most 10 annotations of each kind per step and 50 per job, in the order they are
printed, so findings are printed worst first and, when some kind overflows, a closing notice
says how many were printed and where the full list is (``findings.sarif``, ``summary.md``).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from openesx_license.model import AuditResult, Finding, FindingStatus, Severity
from openesx_license.reports.common import sorted_findings
from openesx_license.reports.registry import Formatter, ReportFormat

#: annotations of one kind GitHub shows per step (documented limit of the Actions runner)
ANNOTATIONS_PER_KIND = 10

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, prefix: str = "") -> str:
    """One finding as a workflow command line (without the newline); ``prefix`` is the audited
    folder's place in the repository (GitHub reads ``file=`` from the repository's top)."""
    props = [f"file={escape_property(prefix + finding.path)}"]
    if finding.line:
        props.append(f"line={finding.line}")
    title = f"{finding.rule} ({finding.component})" if finding.component else finding.rule
    props.append(f"title={escape_property(title)}")
    message = finding.message
    hops = [ev for ev in finding.evidence if ev.kind not in ("license", "file")]
    if len(hops) > 1:
        chain = "\n".join(
            f"  {ev.path}:{ev.line}: {ev.text}" if ev.line else f"  {ev.path}: {ev.text}"
            for ev in hops
        )
        message = f"{message}\n{chain}"
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def annotation_lines(result: AuditResult) -> list[str]:
    """Every new finding as a workflow command, worst first, then an overflow notice if due."""
    new = [f for f in sorted_findings(result) if f.status is FindingStatus.NEW]
    lines = [annotation(f, result.repository_prefix or "") for f in new]
    per_kind = Counter(_COMMAND[f.severity] for f in new)
    overflow = {kind: n for kind, n in per_kind.items() if n > ANNOTATIONS_PER_KIND}
    if overflow:
        detail = ", ".join(f"{n} {kind}s" for kind, n in sorted(overflow.items()))
        lines.append(
            "::notice title=openesx-license::"
            + escape_data(
                f"{len(new)} new findings ({detail}); GitHub shows only the first "
                f"{ANNOTATIONS_PER_KIND} of each kind per step: see findings.sarif or summary.md"
            )
        )
    return lines


class GithubFormatter(Formatter):
    """GitHub Actions annotations on stdout (no file)."""

    format: ClassVar[ReportFormat] = ReportFormat.GITHUB
    filename: ClassVar[str | None] = None
    description: ClassVar[str] = "GitHub Actions annotations (::error ...) printed on stdout"

    def render(self, result: AuditResult) -> str:
        """The annotation lines, one per new finding."""
        lines = annotation_lines(result)
        return "".join(f"{line}\n" for line in lines)
