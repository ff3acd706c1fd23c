"""Read one file and cut it up for detection, without the licence index.

This is the per-file half of detection that runs in the pool workers: read (a large file only
up to its head), decode, find ``SPDX-License-Identifier`` tags, proprietary markers, licence
blocks and copyright candidate groups. The engine half (matching distinct blocks) comes after
deduplication across the whole tree.
"""

from __future__ import annotations

import os
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
from openesx_license.detect.markers import find_markers
from openesx_license.detect.probes import header_probe
from openesx_license.detect.tags import find_tags, parse_tag, tag_block, tag_problem, unknown_ids
from openesx_license.inventory import HEAD_BYTES, LARGE_FILE_BYTES
from openesx_license.inventory.textcodec import decode_text
from openesx_license.model import FileEntry, FileKind, LicenseDetection, MarkerHit

#: markers used when the policy names none (DESIGN.md, ``[markers] proprietary``)
DEFAULT_MARKERS = ("VMware Confidential", "Proprietary and Confidential")
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

    Decoding is :func:`~openesx_license.inventory.textcodec.decode_text` (UTF-16/32, stray
    NULs in source); invalid UTF-8 is decoded as Latin-1 (every byte maps to a character, and
    old sources with accented author names are Latin-1) and reported.
    """
    errors: list[str] = []
    with open(full, "rb") as fh:
        data = fh.read(HEAD_BYTES if size > LARGE_FILE_BYTES else -1)
    if size > LARGE_FILE_BYTES:
        data = _whole_characters(data)
    decoded = decode_text(data, os.path.basename(full))
    if decoded is None:  # binary after all (the inventory saw only the head): read as bytes
        return data.decode("latin-1").replace("\0", " "), errors
    if decoded.encoding == "latin-1" and decoded.note:
        errors.append(decoded.note)
    return decoded.text, errors


def _whole_characters(head: bytes) -> bytes:
    """A UTF-8 head without the character the cut at its end split in two."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:
            return head[: exc.start]
    return head


def _markers_of_whole_file(full: str, markers: Sequence[str]) -> list[MarkerHit]:
    """Markers of a file too large to detect licences in whole: its whole text is searched."""
    with open(full, "rb") as fh:
        data = fh.read()
    decoded = decode_text(data, os.path.basename(full))
    text = decoded.text if decoded else data.decode("latin-1").replace("\0", " ")
    return find_markers(text, markers, ())


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
    marker_hits = find_markers(text, markers, tags)
    if entry.size > LARGE_FILE_BYTES:
        try:
            whole = _markers_of_whole_file(os.path.join(root, entry.path), markers)
        except OSError as exc:
            errors.append(f"unreadable past its head: {exc.strerror or exc}")
        else:
            marker_hits = [h for h in marker_hits if h.marker.startswith("LicenseRef-")] + whole
    blank = frozenset(t.index for t in found)
    reading = _WHOLE_BY_KIND.get(entry.kind)
    blocks = license_blocks(lines, blank, whole=reading)
    probe = header_probe(lines, blocks, blank, code=reading is False)
    # a tag line with an unknown id may be a misspelling ScanCode has a rule for
    misspelt = [tag_block(lines, t.index) for t in found if t.raw and unknown_ids(t.raw)]
    return PreparedFile(
        path=entry.path,
        tags=tags,
        blocks=(*blocks, *([probe] if probe else []), *misspelt),
        groups=tuple(copyright_groups(lines)),
        markers=tuple(marker_hits),
        choices=tuple(find_choice_phrases(lines)),
        errors=tuple(errors),
    )
