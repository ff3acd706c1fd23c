"""Choices between licences: notices of one file joined by "Alternatively", "at your option",
"dual licensed" become ``OR``.

ScanCode combines the detections of a file, and the matches inside one detection, with
``AND``. A header that offers a choice ("This file is free software ... under the LGPL 2.1.
Alternatively, the contents of this file may be used under the terms of the CDDL") then reads
as both licences at once, and a release under either one looks like a conflict.
:func:`find_choice_phrases` finds the phrases that offer a choice; :func:`combine` joins the
licence *units* (tag detections, and the matches of ScanCode's detections) on each side of a
phrase with ``OR`` and keeps ``AND`` elsewhere. The phrase is the evidence.

A phrase joins two neighbouring units when it lies just above the first, between the last
lines of the first and the first lines of the second (:data:`LEAD_LINES`), or when the
second lies in the paragraph
the phrase opens ("Alternatively, ... the CDDL ... instead of those of the LGPL"), and the
two are at most :data:`REACH` lines apart. A licence named again inside a choice is counted
once. "(at your
option) any later version" is the "or later" of one GPL notice, not a choice between notices.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: farthest apart (lines) two notices of one choice may be
REACH = 15
#: how far into the second notice the phrase may be ("Alternatively," is usually its first
#: line; "dual licensed under ..." the line before)
LEAD_LINES = 2
_PHRASE = re.compile(
    r"\balternative(ly)?\b"
    r"|\bat\s+(your|the\s+user'?s?|the\s+licensee'?s?|their)\s+(own\s+)?(option|choice|discretion)"
    r"|\b(dual|multi|tri|double)[\s-]*licen[cs]"
    r"|\bchoice\s+of\s+(one\s+of\s+)?(the\s+following|two|three|either)"
    r"|\byou\s+(may|can)\s+(choose|elect|select)\b"
    r"|\beither\s+the\s+\S+\s+or\s+the\b"
    r"|\bunder\s+(the\s+terms\s+of\s+)?either\s+license",
    re.IGNORECASE,
)
#: "(at your option) any later version": one notice's "or later"
_WORD = re.compile(r"[^\W_]")
_OR_LATER = re.compile(r"^\W*(any\s+)?later\s+version|^\W*(any\s+)?later\b", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class ChoicePhrase:
    """A phrase offering a choice: its 1-based line, the last line of its paragraph, its text."""

    line: int
    end: int
    text: str


@dataclass(frozen=True, kw_only=True)
class LicenseUnit:
    """One licence statement of a file: its SPDX expression and its 1-based line span."""

    expression: str
    start: int
    end: int


def find_choice_phrases(lines: Sequence[str]) -> list[ChoicePhrase]:
    """Every line of ``lines`` holding a phrase that offers a choice between licences."""
    found = []
    for index, line in enumerate(lines):
        for match in _PHRASE.finditer(line):
            after = line[match.end() :] + " " + (lines[index + 1] if index + 1 < len(lines) else "")
            if match.group(0).lower().startswith("at ") and _OR_LATER.match(after.lstrip(") ")):
                continue
            end = index
            while end + 1 < len(lines) and _WORD.search(lines[end + 1]):
                end += 1
            text = " ".join(line.split())[:200]
            found.append(ChoicePhrase(line=index + 1, end=end + 1, text=text))
            break
    return found


def combine(
    units: Sequence[LicenseUnit], phrases: Sequence[ChoicePhrase]
) -> tuple[list[list[LicenseUnit]], list[ChoicePhrase]]:
    """The units grouped: each group is a choice (``OR``), the groups are all needed (``AND``).

    Returns the groups in order and the phrases that joined two units.
    """
    ordered = sorted(units, key=lambda u: (u.start, u.end))
    groups: list[list[LicenseUnit]] = []
    used: list[ChoicePhrase] = []
    last_end = 0
    for unit in ordered:
        if groups:
            group = groups[-1]
            names = {u.expression for u in group}
            if len(names) > 1 and unit.expression in names and unit.start - last_end <= REACH:
                last_end = max(last_end, unit.end)  # a licence of the choice named again
                continue
            phrase = _joining(group[-1], unit, phrases)
            if phrase is not None:
                if unit.expression not in names:
                    group.append(unit)  # a licence named again in the choice: once
                if phrase not in used:
                    used.append(phrase)
                last_end = max(last_end, unit.end)
                continue
        groups.append([unit])
        last_end = unit.end
    return groups, used


def _joining(
    first: LicenseUnit, second: LicenseUnit, phrases: Sequence[ChoicePhrase]
) -> ChoicePhrase | None:
    if second.start - first.end > REACH:
        return None
    for phrase in phrases:
        # "You can choose any one of those:" just above the first notice
        if first.start - LEAD_LINES - 1 <= phrase.line < first.start:
            return phrase
    low = max(first.start, first.end - LEAD_LINES)
    high = min(second.end, second.start + LEAD_LINES)
    for phrase in phrases:
        if low <= phrase.line <= high:
            return phrase
        # the second notice lies in the paragraph the phrase opens, the first just before
        if phrase.line <= second.start <= phrase.end and first.start <= phrase.end:
            if phrase.line - first.end <= REACH:
                return phrase
    return None
