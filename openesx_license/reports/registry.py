"""The formatter registry: a closed enum of format names, each mapped to one formatter class.

Every report is rendered from one :class:`~openesx_license.model.AuditResult`. A formatter
either names a file it owns in the output folder (``findings.json``, ``report.html``...) or, for
``github``, has no file at all: its text goes to a stream (stdout by default), because GitHub
Actions reads workflow commands from the job's standard output.

Formatter classes are imported lazily, by ``"module:Class"``, so that picking ``json`` never
pays for jinja2 or cyclonedx, and so that a format's module may land later than the registry.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import ClassVar

from openesx_license.errors import UsageError
from openesx_license.model import AuditResult


class ReportFormat(str, Enum):
    """The report formats ``audit --format`` accepts (a public interface: names are stable)."""

    HTML = "html"
    JSON = "json"
    SARIF = "sarif"
    SPDX = "spdx"
    CYCLONEDX = "cyclonedx"
    NOTICE = "notice"
    MD = "md"
    GITHUB = "github"
    GITLAB = "gitlab"


class Formatter(ABC):
    """Renders an :class:`AuditResult` into one text document.

    ``filename`` is the file written in the output folder; ``None`` means the document is
    written to a stream instead (see :func:`openesx_license.reports.write_reports`).
    """

    format: ClassVar[ReportFormat]
    filename: ClassVar[str | None]
    description: ClassVar[str]  # one line, for --help and docs

    @abstractmethod
    def render(self, result: AuditResult) -> str:
        """Return the whole document as text (written UTF-8)."""


#: format -> "module:Class" of its formatter (a test checks every member has a loadable one)
FORMATS: dict[ReportFormat, str] = {
    ReportFormat.HTML: "openesx_license.reports.html:HtmlFormatter",
    ReportFormat.JSON: "openesx_license.reports.json_report:JsonFormatter",
    ReportFormat.SARIF: "openesx_license.reports.sarif:SarifFormatter",
    ReportFormat.SPDX: "openesx_license.reports.spdx:SpdxFormatter",
    ReportFormat.CYCLONEDX: "openesx_license.reports.cyclonedx:CycloneDxFormatter",
    ReportFormat.NOTICE: "openesx_license.reports.notice:NoticeFormatter",
    ReportFormat.MD: "openesx_license.reports.markdown:MarkdownFormatter",
    ReportFormat.GITHUB: "openesx_license.reports.github:GithubFormatter",
    ReportFormat.GITLAB: "openesx_license.reports.gitlab:GitlabFormatter",
}


#: format -> the file it writes (None: a stream format); known without importing the
#: formatters, so that a run can tell its own report files from others cheaply (a test checks
#: it against every formatter's ``filename``)
REPORT_FILES: dict[ReportFormat, str | None] = {
    ReportFormat.HTML: "report.html",
    ReportFormat.JSON: "findings.json",
    ReportFormat.SARIF: "findings.sarif",
    ReportFormat.SPDX: "sbom.spdx.json",
    ReportFormat.CYCLONEDX: "sbom.cdx.json",
    ReportFormat.NOTICE: "NOTICE.txt",
    ReportFormat.MD: "summary.md",
    ReportFormat.GITHUB: None,
    ReportFormat.GITLAB: "gl-code-quality.json",
}


def known_formats() -> list[str]:
    """Every format name, in declaration order."""
    return [f.value for f in ReportFormat]


def parse_formats(names: Iterable[str]) -> list[ReportFormat]:
    """Turn names (each may be a comma-separated list) into formats, in order, without repeats.

    Raises :class:`UsageError` naming every unknown name and listing the known ones, or when
    no name is given at all (``--format ''`` would write nothing and pass in silence).
    """
    wanted: list[ReportFormat] = []
    unknown: list[str] = []
    for item in names:
        for raw in item.split(","):
            name = raw.strip().lower()
            if not name:
                continue
            try:
                fmt = ReportFormat(name)
            except ValueError:
                unknown.append(raw.strip())
                continue
            if fmt not in wanted:
                wanted.append(fmt)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise UsageError(
            f"--format: unknown report format{plural} {', '.join(map(repr, unknown))}; "
            f"known formats: {', '.join(known_formats())}"
        )
    if not wanted:
        raise UsageError(
            f"--format: no report format given; known formats: {', '.join(known_formats())}"
        )
    return wanted


def formatter_class(fmt: ReportFormat | str) -> type[Formatter]:
    """Import and return the formatter class of ``fmt``."""
    fmt = parse_formats([fmt.value if isinstance(fmt, ReportFormat) else fmt])[0]
    module_name, attr = FORMATS[fmt].split(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Formatter)):
        raise TypeError(f"{FORMATS[fmt]} is not a Formatter")
    return cls


def formatters(names: Sequence[str]) -> list[Formatter]:
    """Instances of the formatters called ``names`` (validated all at once, before any work)."""
    return [formatter_class(fmt)() for fmt in parse_formats(names)]
