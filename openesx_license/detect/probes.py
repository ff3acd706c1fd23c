"""Exact-only probes: a file's header where its licence blocks leave part of it out.

Licence blocks start at a comment's first paragraph that holds a licence word, so that one
notice under many file names and descriptions is one block, matched once per tree; they
blank the copyright lines that open them and ``SPDX-License-Identifier`` lines (the copyright
detector and the tag fast path read those). Some licence texts and rules open with paragraphs
that hold no licence word ("<Font Name> is a Reserved Font Name for this Font Software.",
"This file is part of bzip2/libbzip2, ..."), some short ones hold none at all ("AFPL
Ghostscript", "Parity-7.0", a licence text in Japanese, "This software ... is Copyright (c)
Philips ... and is made available for use within Philips"), some are told apart by their
copyright line ("Copyright 1993, Geoff Kuenning"), one ends with the tag of its own text (the
Community Specification License), and a licence text in a long document is cut into
paragraphs. ScanCode, reading the whole file, matches them.

So a file's header, when its blocks leave out a line of it with words (or blank a copyright
line that opens it, or a tag inside it), is also sent whole as a *probe*: a block that
ScanCode matches with its exact matchers only (whole-text hash and exact rule matches through
its Aho-Corasick automaton; not its approximate matcher, and not its tag reader: ours reads
tags). The header is a code file's first comment, or a whole document that has a licence
block. On Xen 4.17 (3,097 files) that is 1,663 distinct probes, 3.1 million characters,
matched in about 4 s of CPU in all: exact matching is linear in the text, while the
approximate matcher takes tens of milliseconds on any text with a legal word in it, and
headers differ from file to file. How a probe's detections combine with the blocks' is
:func:`openesx_license.detect.assemble.file_facts`' job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from openesx_license.detect.blocks import (
    MAX_BLOCK_LINES,
    LicenseBlock,
    _is_bare_copyright,
    block_key,
)
from openesx_license.detect.comments import comment_spans, is_blank


def header_probe(
    lines: list[str],
    blocks: Sequence[LicenseBlock],
    blank: frozenset[int] = frozenset(),
    *,
    code: bool,
) -> LicenseBlock | None:
    """The header of ``lines`` as an exact-only block, or None when ``blocks`` need no probe.

    The header is the first comment of ``code``, else the whole file (a document or licence
    file) when it has a licence block. It is probed when a line of it with words is sent by
    no block (it lies outside them, or is a copyright statement that opens one: blocks blank
    those), or when a tag (in ``blank``) that does not open it lies inside a block (which
    blanked it).
    The probe's text is the header's, the tags that open it blanked (ours reads them).
    """
    inside: set[int] = set()  # lines in a block's span
    sent: set[int] = set()  # lines a block sends with their words (not blanked)
    for block in blocks:
        block_lines = block.text.split("\n")
        inside.update(range(block.start, block.start + len(block_lines)))
        sent.update(block.start + k for k, line in enumerate(block_lines) if not is_blank(line))
    if code:
        span = first_comment(lines)
        if span is None:
            return None
        first, last = span
    elif inside:
        first, last = 0, len(lines) - 1
    else:
        return None
    if last - first >= MAX_BLOCK_LINES:
        return None
    opening = _opening(lines, first, last, blank)
    left_out = any(
        i not in sent for i in range(first, last + 1) if i not in blank and not is_blank(lines[i])
    )
    inner_tag = any(first <= i <= last and i in inside and i not in opening for i in blank)
    if not (left_out or inner_tag):
        return None
    chunk = ["" if j in blank and j in opening else lines[j] for j in range(first, last + 1)]
    if all(is_blank(line) for line in chunk):
        return None
    return LicenseBlock(key=probe_key(chunk), start=first, text="\n".join(chunk), exact=True)


def first_comment(lines: list[str], head: int = 64) -> tuple[int, int] | None:
    """The first comment's ``(first, last)`` line indexes, read from the top ``head`` lines
    and further only when it may go on past them (most files open with their comment)."""
    while True:
        spans = comment_spans(lines[:head])
        if head >= len(lines):
            return spans[0] if spans else None
        if spans and spans[0][1] < head - 1:
            return spans[0]
        head *= 4


def _opening(lines: list[str], first: int, last: int, blank: frozenset[int]) -> set[int]:
    """The tag and bare copyright lines that open ``first``-``last``."""
    out = set()
    for j in range(first, last + 1):
        if j in blank or _is_bare_copyright(lines[j]):
            out.add(j)
        elif not is_blank(lines[j]):
            break
    return out


def probe_key(lines: list[str]) -> str:
    """The cache key of a probe: not the key of a block of the same text, which every matcher
    reads."""
    digest = hashlib.sha1(b"exact\n" + block_key(lines).encode(), usedforsecurity=False)
    return digest.hexdigest()
