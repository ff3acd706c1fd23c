"""unscanned-file: what the audit could not fully read never passes in silence.

A file whose content the audit could not read whole (unreadable, a folder it could not list,
binary content under a source name, too large to read whole, a licence block the engine failed
on, not checked for copied code) may hold exactly what the gate exists to stop: a proprietary
marker, a denied licence, an include of proprietary code. Each is a finding, an error by
default (``[unscanned] severity`` in the policy sets it), naming what could not be done.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import Check, register
from openesx_license.model import Evidence, Finding, Severity

#: the starts of the file errors (inventory, detection, copied code) that mean part of a file
#: was not audited; other errors (a symlink not followed, an invalid SPDX tag, Latin-1
#: decoding) are notes on a file that was read whole
INCOMPLETE = (
    "unreadable",
    "vanished before it could be read",
    "cannot stat",
    "too large",
    "binary content in a file named like source",
    "licence detection failed",
    "not checked for copied code",
    "not fingerprinted",
)


def incomplete_errors(errors: tuple[str, ...]) -> list[str]:
    """The errors of a file that mean it was not fully audited."""
    return [e for e in errors if e.startswith(INCOMPLETE)]


@register
class UnscannedFile(Check):
    """A file (or folder) the audit could not fully read."""

    id: ClassVar[str] = "unscanned-file"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "File the audit could not fully read"
    description: ClassVar[str] = (
        "The audit could not read all of this file, or list this folder: it is unreadable, "
        "holds binary content under a source file's name, is too large to read whole, or a "
        "stage failed on it. Whatever it holds (a proprietary marker, a licence, includes of "
        "proprietary code) was not checked, so it must not pass in silence."
    )
    guidance: ClassVar[str] = (
        "Make the file readable (permissions), remove it from the release, or fix what the "
        "message names (a corrupt file, a stray binary under a .c name). A large generated "
        "file that is known to be clean can be waived with a reason, or its severity lowered "
        "with [unscanned] severity in the policy."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per file with an error that means it was not fully audited."""
        severity = ctx.policy.unscanned.severity
        for path in sorted(ctx.files):
            record = ctx.files[path]
            problems = incomplete_errors(record.errors)
            if not problems:
                continue
            yield self.finding(
                path=path,
                line=None,
                component=record.component,
                target=problems[0].split(":", 1)[0],
                severity=severity,
                message=f"{path} was not fully audited: {'; '.join(problems)}",
                evidence=tuple(
                    Evidence(path=path, line=None, text=p, kind="file") for p in problems
                ),
                data={"errors": problems},
            )
