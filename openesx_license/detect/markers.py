"""Proprietary markers, found however the text around them is laid out.

A marker is a phrase (``VMware Confidential``); an author, an editor's reflow or a licence
header generator may put any run of whitespace, comment leaders (``*``, ``//``, ``#``,
``/*``, ``*/``) or hyphens between its words, across lines:

    /* VMware
     * Confidential */        # VMware  Confidential    VMware-Confidential

all say the same. :func:`marker_pattern` turns a phrase into a case-insensitive regular
expression that allows exactly that between words; :func:`find_markers` searches a file's whole
text and reports each marker once per line where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from openesx_license.model import LicenseDetection, MarkerHit

#: what may stand between two words of a marker
_BETWEEN = r"(?:[\s*#-]|//|/\*|\*/)+"
_WORD_SPLIT = re.compile(r"[\s-]+")
_PROPRIETARY_REF = re.compile(r"LicenseRef-[\w.-]*Proprietary[\w.-]*", re.IGNORECASE)
_MARKER_TEXT_CHARS = 200


def marker_problem(marker: str) -> str | None:
    """Why ``marker`` cannot be a marker (blank, or no letter or digit: it would mark every
    file), or None."""
    if not marker.strip():
        return "a marker must not be blank"
    if not any(ch.isalnum() for ch in marker):
        return f"marker {marker!r} has no letter or digit: it would match almost any file"
    return None


@lru_cache(maxsize=256)
def marker_pattern(marker: str) -> re.Pattern[str]:
    """The regular expression of ``marker``: its words in order, case-insensitive, with any
    run of whitespace, comment leaders or hyphens between them."""
    words = [w for w in _WORD_SPLIT.split(marker.strip()) if w]
    return re.compile(_BETWEEN.join(re.escape(w) for w in words), re.IGNORECASE)


def find_markers(
    text: str, markers: Sequence[str], tags: Sequence[LicenseDetection]
) -> list[MarkerHit]:
    """Proprietary markers anywhere in ``text`` and ``LicenseRef-*Proprietary*`` tags."""
    hits: list[tuple[int, int, MarkerHit]] = []
    seen: set[tuple[str, int]] = set()
    for order, marker in enumerate(markers):
        if marker_problem(marker):
            continue
        for match in marker_pattern(marker).finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if (marker, line) in seen:
                continue
            seen.add((marker, line))
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            shown = " ".join(text[start : len(text) if end < 0 else end].split())
            hit = MarkerHit(marker=marker, line=line, text=shown[:_MARKER_TEXT_CHARS])
            hits.append((line, order, hit))
    found = [hit for _, _, hit in sorted(hits, key=lambda h: (h[0], h[1]))]
    for tag in tags:
        for ref in _PROPRIETARY_REF.findall(tag.matched_text or ""):
            shown = tag.matched_text or ""
            found.append(MarkerHit(marker=ref, line=tag.start_line or 0, text=shown))
    return found
