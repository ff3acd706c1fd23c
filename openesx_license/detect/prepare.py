"""Read one file and cut it up for detection, without the licence index.

This is the per-file half of detection that runs in the pool workers: read (a large file only
up to its head), decode, find ``SPDX-License-Identifier`` tags, proprietary markers, licence
blocks and copyright candidate groups. The engine half (matching distinct blocks) comes after
deduplication across the whole tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from openesx_license.detect.blocks import (
    CopyrightGroup,
    LicenseBlock,
    copyright_groups,
    license_blocks,
    split_lines,
)
from openesx_license.detect.choices import ChoicePhrase, find_choice_phrases
from openesx_license.detect.tags import find_tags, parse_tag, tag_problem
from openesx_license.inventory import HEAD_BYTES, LARGE_FILE_BYTES
from openesx_license.model import FileEntry, FileKind, LicenseDetection, MarkerHit

#: markers used when the policy names none (DESIGN.md, ``[markers] proprietary``)
DEFAULT_MARKERS = ("VMware Confidential", "Proprietary and Confidential")
_PROPRIETARY_REF = re.compile(r"LicenseRef-[\w.-]*Proprietary[\w.-]*", re.IGNORECASE)
_MARKER_TEXT_CHARS = 200
#: licence files are matched whole; code never (its licence is in comment headers)
_WHOLE_BY_KIND = {
    FileKind.LICENSE: True,
    FileKind.SOURCE: False,
    FileKind.HEADER: False,
    FileKind.BUILD: False,
}


@dataclass(frozen=True, kw_only=True)
class PreparedFile:
    """What detection needs from one file before the engine runs."""

    path: str
    tags: tuple[LicenseDetection, ...] = ()
    blocks: tuple[LicenseBlock, ...] = ()
    groups: tuple[CopyrightGroup, ...] = ()
    markers: tuple[MarkerHit, ...] = ()
    choices: tuple[ChoicePhrase, ...] = ()
    errors: tuple[str, ...] = field(default=())


def read_text(full: str, size: int) -> tuple[str, list[str]]:
    """Read and decode a file (only its head when large); return ``(text, errors)``.

    Invalid UTF-8 is decoded as Latin-1 (every byte maps to a character, and old sources with
    accented author names are Latin-1) and reported.
    """
    errors: list[str] = []
    with open(full, "rb") as fh:
        data = fh.read(HEAD_BYTES if size > LARGE_FILE_BYTES else -1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if size > LARGE_FILE_BYTES and exc.start >= len(data) - 4:
            text = data[: exc.start].decode("utf-8")  # the head cut a character in two
        else:
            text = data.decode("latin-1")
            errors.append(f"invalid UTF-8 at byte {exc.start}: decoded as Latin-1")
    return text, errors


def find_markers(
    text: str, markers: Sequence[str], tags: Sequence[LicenseDetection]
) -> list[MarkerHit]:
    """Proprietary markers (case-insensitive) and ``LicenseRef-*Proprietary*`` tags."""
    hits = []
    markers = [m for m in markers if m]
    lowered = [m.lower() for m in markers]
    low_text = text.lower()
    if any(needle in low_text for needle in lowered):
        lines = split_lines(text)
        for number, line in enumerate(lines, start=1):
            low = line.lower()
            for marker, needle in zip(markers, lowered, strict=False):
                if needle in low:
                    text = line.strip()[:_MARKER_TEXT_CHARS]
                    hits.append(MarkerHit(marker=marker, line=number, text=text))
    for tag in tags:
        for ref in _PROPRIETARY_REF.findall(tag.matched_text or ""):
            text = tag.matched_text or ""
            hits.append(MarkerHit(marker=ref, line=tag.start_line or 0, text=text))
    return hits


def prepare_file(root: str, entry: FileEntry, markers: Sequence[str]) -> PreparedFile:
    """Read ``entry`` below ``root`` and extract tags, markers, blocks and copyright groups."""
    try:
        text, errors = read_text(os.path.join(root, entry.path), entry.size)
    except OSError as exc:
        return PreparedFile(path=entry.path, errors=(f"unreadable: {exc.strerror or exc}",))
    lines = split_lines(text)
    found = find_tags(lines)
    tags = tuple(parse_tag(t.raw, line=t.index + 1) for t in found)
    errors.extend(
        f"line {t.start_line}: invalid SPDX-License-Identifier: {tag_problem(t)}"
        for t in tags
        if tag_problem(t)
    )
    return PreparedFile(
        path=entry.path,
        tags=tags,
        blocks=tuple(
            license_blocks(
                lines,
                frozenset(t.index for t in found),
                whole=_WHOLE_BY_KIND.get(entry.kind),
            )
        ),
        groups=tuple(copyright_groups(lines)),
        markers=tuple(find_markers(text, markers, tags)),
        choices=tuple(find_choice_phrases(lines)),
        errors=tuple(errors),
    )
