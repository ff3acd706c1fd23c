"""Report formatters, keyed by format name, all rendered from one AuditResult.

:func:`write_reports` is the one entry point the CLI uses. A run's report files are written
together into a temporary folder next to the output folder and then swapped in for the
previous set at once (:mod:`openesx_license._util.fs`), so an interrupted run, a full disk or a
failed write leaves the previous set whole, and a successful one leaves only this run's files
(no report of an older run next to this run's). A formatter that fails (a bug) does not cost
the others: they are written, and :class:`ReportFailure` names what failed.

A *stream* format (``github``: workflow-command annotations) has no file; its text goes to
``stream`` (standard output by default) and it adds nothing to the returned list of paths.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from openesx_license._util.fs import encode_text, staged_folder, swap_folder
from openesx_license._util.progress import StageProgress
from openesx_license.errors import UsageError
from openesx_license.model import AuditResult
from openesx_license.reports.redact import redact_result
from openesx_license.reports.registry import (
    FORMATS,
    REPORT_FILES,
    Formatter,
    ReportFormat,
    formatter_class,
    formatters,
    known_formats,
    parse_formats,
)

__all__ = [
    "FORMATS",
    "Formatter",
    "ReportFailure",
    "ReportFormat",
    "formatter_class",
    "known_formats",
    "parse_formats",
    "write_reports",
]


class ReportFailure(RuntimeError):
    """Some formatters failed (a bug: exit 3); the other reports were written."""

    def __init__(self, failed: list[tuple[Formatter, Exception]], written: list[Path]) -> None:
        self.failed = failed
        self.written = written
        names = ", ".join(f"{f.format.value} ({type(exc).__name__}: {exc})" for f, exc in failed)
        done = ", ".join(p.name for p in written) or "none"
        super().__init__(f"report format(s) failed: {names}; written: {done}")


def write_reports(
    result: AuditResult,
    out_dir: Path,
    formats: Sequence[str],
    *,
    stream: TextIO | None = None,
    progress: StageProgress | None = None,
) -> list[Path]:
    """Render ``result`` in every format of ``formats`` and return the files written;
    ``progress`` gets one stage per format (a report is rendered whole, so it is not counted
    file by file: the bar shows the audit's size and a clock).

    ``formats`` holds format names (a name may also be a comma-separated list); an unknown name
    raises :class:`~openesx_license.errors.UsageError` listing the known ones before anything is
    written. ``out_dir`` is created when missing. Stream formats (``github``) write to
    ``stream`` (default ``sys.stdout``) and add no path to the result.
    """
    chosen = formatters(formats)
    result = redact_result(result)  # --redact-proprietary: before any formatter sees it
    if any(f.filename for f in chosen):
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"{out_dir}: cannot create the report folder: {exc.strerror}") from exc
        if not out_dir.is_dir():
            raise UsageError(f"{out_dir}: not a folder")
    rendered: list[tuple[Formatter, str]] = []
    failed: list[tuple[Formatter, Exception]] = []
    for formatter in chosen:
        if progress is not None:
            progress.stage(f"report {formatter.format.value}", len(result.scan.files))
        try:
            rendered.append((formatter, formatter.render(result)))
        except Exception as exc:  # noqa: PERF203 - a bug in one format must not cost the others
            failed.append((formatter, exc))
    files = [(f.filename, text) for f, text in rendered if f.filename is not None]
    written: list[Path] = []
    if any(f.filename for f in chosen):
        _write_set(out_dir, files)
        written = [out_dir / name for name, _ in files]
    out = stream if stream is not None else sys.stdout
    for formatter, text in rendered:
        if formatter.filename is None:
            out.write(encode_text(text).decode("utf-8"))  # no surrogate reaches a strict stream
            out.flush()
    if failed:
        raise ReportFailure(failed, written)
    return written


def _write_set(out_dir: Path, files: list[tuple[str, str]]) -> None:
    """Write this run's report files into a sibling temporary folder, then swap them in for
    the previous set together (:func:`openesx_license._util.fs.swap_folder`)."""
    owned = {name for name in REPORT_FILES.values() if name}
    try:
        with staged_folder(out_dir) as staged:
            for name, text in files:
                target = staged / name
                try:
                    target.write_bytes(encode_text(text))
                except OSError as exc:
                    raise UsageError(
                        f"{out_dir / name}: cannot write the report: {exc.strerror or exc}"
                    ) from exc
            swap_folder(staged, out_dir, owned=owned)
    except OSError as exc:
        raise UsageError(
            f"{out_dir}: cannot put the reports in place: {exc.strerror or exc}"
        ) from exc
