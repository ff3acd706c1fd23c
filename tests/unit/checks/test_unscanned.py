"""unscanned-file: one finding per file the audit could not fully read, severity from policy."""

from __future__ import annotations

import networkx as nx

from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import get_check
from openesx_license.checks.unscanned import UnscannedFile, incomplete_errors
from openesx_license.config.loader import parse_policy
from openesx_license.model import FileKind, FileRecord, Severity

POLICY = '[release]\nname = "t"\nlicense = "GPL-2.0-only"\n'
ERRORS = {
    "ok.c": (),
    "latin.c": ("invalid UTF-8 at byte 3: decoded as Latin-1",),
    "link.c": ("symlink to outside the tree (../x): not followed",),
    "locked.c": ("unreadable: Permission denied",),
    "closed": ("unreadable folder (Permission denied): its files could not be listed",),
    "blob.c": ("binary content in a file named like source: not scanned",),
    "big.c": ("too large (12.0 MiB > 10 MiB): only the first 1024 KiB scanned for licence and "
              "copyright",),
    "gone.c": ("vanished before it could be read: No such file or directory",),
    "engine.c": ("licence detection failed on lines 1-4: ValueError: boom",),
    "copy.c": ("not checked for copied code: cannot read: Permission denied",),
}  # fmt: skip


def _findings(policy_text: str = POLICY) -> dict[str, object]:
    files = {
        path: FileRecord(path=path, size=1, sha1="", kind=FileKind.SOURCE, errors=errors)
        for path, errors in ERRORS.items()
    }
    ctx = CheckContext(
        policy=parse_policy(policy_text, source="p.toml"), files=files, graph=nx.MultiDiGraph()
    )
    return {f.path: f for f in UnscannedFile().check(ctx)}


def test_every_file_not_fully_read_is_a_finding_and_only_those() -> None:
    found = _findings()
    assert sorted(found) == [
        "big.c", "blob.c", "closed", "copy.c", "engine.c", "gone.c", "locked.c",
    ]  # fmt: skip
    locked = found["locked.c"]
    assert locked.severity is Severity.ERROR  # type: ignore[attr-defined]
    assert locked.message == "locked.c was not fully audited: unreadable: Permission denied"  # type: ignore[attr-defined]
    assert locked.target == "unreadable"  # type: ignore[attr-defined]
    assert [e.text for e in locked.evidence] == ["unreadable: Permission denied"]  # type: ignore[attr-defined]


def test_severity_comes_from_the_policy() -> None:
    found = _findings(POLICY + '[unscanned]\nseverity = "note"\n')
    assert {f.severity for f in found.values()} == {Severity.NOTE}  # type: ignore[attr-defined]


def test_registered_and_documented() -> None:
    check = get_check("unscanned-file")
    assert check is UnscannedFile and check.waivable
    assert check.title and check.description and check.guidance
    assert incomplete_errors(("too large (x)", "invalid SPDX-License-Identifier")) == [
        "too large (x)"
    ]
