"""``audit --out -``: findings.json on standard output, for pipes (``| jq``) and wrappers.

Only the JSON report can go there: every other file format needs a folder, and ``github``
annotations would interleave with the JSON. The check runs before the scan, so a wrong
combination costs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from openesx_license._util.fs import encode_text
from openesx_license.errors import UsageError
from openesx_license.model import AuditResult
from openesx_license.reports import ReportFormat, formatter_class
from openesx_license.reports.redact import redact_result


def check_stdout_formats(formats: Sequence[ReportFormat]) -> None:
    """Raise :class:`UsageError` unless ``formats`` is just ``json``."""
    others = [f.value for f in formats if f is not ReportFormat.JSON]
    if others:
        raise UsageError(
            f"--out -: only the json report can be written to stdout, not {', '.join(others)}; "
            "give --out a folder for the other formats"
        )


def write_stdout_report(result: AuditResult) -> None:
    """Write findings.json's text to standard output (redacted under --redact-proprietary)."""
    text = formatter_class(ReportFormat.JSON)().render(redact_result(result))
    sys.stdout.write(encode_text(text).decode("utf-8"))  # a non-UTF-8 name: its JSON escape
    sys.stdout.flush()
