"""File records of a small C fixture tree, as the inventory would give them to the copy step."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from openesx_license.model import FileKind, FileRecord


def c_records(root: Path, keep: Callable[[Path], bool] = Path.is_file) -> list[FileRecord]:
    """A record (C source, or header for ``.h``) for every file under ``root`` that ``keep``
    accepts, in path order."""
    records = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and keep(p)):
        data = path.read_bytes()
        records.append(
            FileRecord(
                path=path.relative_to(root).as_posix(),
                size=len(data),
                sha1=hashlib.sha1(data).hexdigest(),  # noqa: S324 - content key
                kind=FileKind.HEADER if path.suffix == ".h" else FileKind.SOURCE,
                language="C",
            )
        )
    return records
