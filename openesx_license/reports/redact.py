"""``--redact-proprietary``: no report shows a line of proprietary code.

A report is often uploaded as a CI artefact of the repository that is about to become public;
it must not leak the code it guards. With :attr:`AuditResult.redact_proprietary` set,
:func:`redact_result` replaces, before any formatter runs, every text taken from a *proprietary
file* — a file of a proprietary component, or an open file that carries a proprietary marker —
by its location and a hash (:func:`redaction`): the evidence texts of findings, the matched
licence texts, copyright statements and marker lines of those files. The HTML report does
the same for the code excerpts it reads from the tree (:func:`proprietary_paths` tells it
which files) and says at the top that it did.

The hash (SHA-256 of the text, first 16 hex digits) lets a reviewer with access to the
proprietary tree check that an excerpt is what the report claims, without the report
carrying it.
"""

from __future__ import annotations

import dataclasses
import hashlib

from openesx_license.model import AuditResult, Evidence, FileRecord, Finding

#: what a redacted text starts with (tests and readers can recognise it)
REDACTED = "[redacted proprietary code"


def text_hash(text: str) -> str:
    """The short SHA-256 a redacted text is replaced by."""
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]


def redaction(path: str, line: int | None, text: str, end: int | None = None) -> str:
    """``text`` of ``path`` (lines ``line``..``end``) as its location and hash (a text that is
    already a redaction stays as it is)."""
    if text.startswith(REDACTED):
        return text
    where = path
    if line:
        where += f":{line}" + (f"-{end}" if end and end != line else "")
    return f"{REDACTED} at {where}, sha256 {text_hash(text)}]"


def proprietary_paths(result: AuditResult) -> frozenset[str]:
    """Files whose text no redacted report shows: proprietary components' files, and files
    of any other component that carry a proprietary marker."""
    classes = {c.name: c.component_class for c in result.components}
    return frozenset(
        rec.path
        for rec in result.scan.files
        if classes.get(rec.component or "") == "proprietary" or rec.markers
    )


def redact_result(result: AuditResult) -> AuditResult:
    """``result`` with every text of a proprietary file replaced (see the module docstring);
    ``result`` itself when redaction is off. Redacting twice changes nothing more."""
    if not result.redact_proprietary:
        return result
    hidden = proprietary_paths(result)
    files = tuple(_redact_file(rec) if rec.path in hidden else rec for rec in result.scan.files)
    findings = tuple(_redact_finding(f, hidden) for f in result.findings)
    scan = dataclasses.replace(result.scan, files=files)
    return dataclasses.replace(result, scan=scan, findings=findings)


def _redact_file(rec: FileRecord) -> FileRecord:
    detections = tuple(
        dataclasses.replace(
            d, matched_text=redaction(rec.path, d.start_line, d.matched_text, d.end_line)
        )
        if d.matched_text
        else d
        for d in rec.detections
    )
    copyrights = tuple(
        dataclasses.replace(c, statement=redaction(rec.path, c.start_line, c.statement, c.end_line))
        for c in rec.copyrights
    )
    markers = tuple(
        dataclasses.replace(m, text=redaction(rec.path, m.line, m.text)) for m in rec.markers
    )
    return dataclasses.replace(rec, detections=detections, copyrights=copyrights, markers=markers)


def _redact_finding(finding: Finding, hidden: frozenset[str]) -> Finding:
    if not any(ev.path in hidden and ev.text for ev in finding.evidence):
        return finding
    evidence = tuple(_redact_evidence(ev) if ev.path in hidden else ev for ev in finding.evidence)
    return dataclasses.replace(finding, evidence=evidence)


def _redact_evidence(ev: Evidence) -> Evidence:
    if not ev.text or ev.text.startswith(REDACTED):
        return ev
    return dataclasses.replace(ev, text=redaction(ev.path, ev.line, ev.text))
