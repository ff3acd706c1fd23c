"""Report formatters, keyed by format name, all rendered from one AuditResult.

:func:`write_reports` is the one entry point the CLI uses. Each file report is written to a
temporary file in the output folder and renamed over its final name (:func:`os.replace`), so an
interrupted run leaves either the previous report or the new one, never half of one. A
formatter that fails (a bug) does not cost the others: they are written, the failed format's
previous file is removed (no report of an older run is left next to this run's), and
:class:`ReportFailure` names what failed.

A *stream* format (``github``: workflow-command annotations) has no file; its text goes to
``stream`` (standard output by default) and it adds nothing to the returned list of paths.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from openesx_license.errors import UsageError
from openesx_license.model import AuditResult
from openesx_license.reports.redact import redact_result
from openesx_license.reports.registry import (
    FORMATS,
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
    "atomic_write_text",
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


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary sibling file and a rename."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def write_reports(
    result: AuditResult,
    out_dir: Path,
    formats: Sequence[str],
    *,
    stream: TextIO | None = None,
) -> list[Path]:
    """Render ``result`` in every format of ``formats`` and return the files written.

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
        try:
            rendered.append((formatter, formatter.render(result)))
        except Exception as exc:  # noqa: PERF203 - a bug in one format must not cost the others
            failed.append((formatter, exc))
    written: list[Path] = []
    for formatter, text in rendered:
        if formatter.filename is None:
            continue
        target = out_dir / formatter.filename
        try:
            atomic_write_text(target, text)
        except OSError as exc:
            raise UsageError(f"{target}: cannot write the report: {exc.strerror or exc}") from exc
        written.append(target)
    out = stream if stream is not None else sys.stdout
    for formatter, text in rendered:
        if formatter.filename is None:
            out.write(text)
            out.flush()
    if failed:
        for formatter, _ in failed:  # never leave last run's copy next to this run's reports
            if formatter.filename is not None:
                with contextlib.suppress(FileNotFoundError):
                    (out_dir / formatter.filename).unlink()
        raise ReportFailure(failed, written)
    return written
