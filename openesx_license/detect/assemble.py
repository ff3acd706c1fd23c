"""Turn per-block engine results into per-file facts, and facts into a :class:`FileRecord`.

A file's *facts* (a JSON-ready dict, the unit of the file-level cache) are its tag
detections, its licence detections with line numbers made absolute, its copyrights, holders,
markers, the phrases offering a choice between licences, and content errors. The file's
``detected_license_expression`` combines every valid tag and every licence detection with
``AND``, each distinct expression once, as ScanCode's ``get_licenses`` does, except where a
phrase such as "Alternatively, ..." offers a choice between notices: those are joined with
``OR`` (:mod:`openesx_license.detect.choices`), and the phrase is kept as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from functools import lru_cache
from typing import Any

from license_expression import ExpressionError, Licensing, combine_expressions

from openesx_license._util.spdx import simplify_expression
from openesx_license.detect.choices import LEAD_LINES, ChoicePhrase, LicenseUnit, combine
from openesx_license.detect.engine import CopyrightFacts, LicenseFacts
from openesx_license.detect.prepare import PreparedFile
from openesx_license.detect.tags import read_by_rule, tag_problem
from openesx_license.model import (
    CopyrightStatement,
    DetectionMethod,
    FileEntry,
    FileKind,
    FileRecord,
    Holder,
    LicenseDetection,
    LicenseSource,
    MarkerHit,
)

Facts = dict[str, Any]
#: a licence detection at least this long is a licence text, and a tag inside it is quoted
QUOTING_TEXT_LINES = 10


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return Licensing()


def combine_and(expressions: Iterable[str]) -> str | None:
    """``AND`` of the distinct ``expressions``, simplified (None when there is none)."""
    unique = tuple(dict.fromkeys(e for e in expressions if e))
    if not unique:
        return None
    return _combined(unique, "AND")


def combine_or(expressions: Iterable[str]) -> str | None:
    """``OR`` of the distinct ``expressions``, simplified (None when there is none)."""
    unique = tuple(dict.fromkeys(e for e in expressions if e))
    if not unique:
        return None
    return _combined(unique, "OR")


@lru_cache(maxsize=4096)
def _combined(unique: tuple[str, ...], relation: str) -> str:
    """The combination, simplified (:func:`simplify_expression`): a tag ``GPL-2.0-only`` beside
    a notice ``GPL-2.0-only AND GPL-2.0-or-later`` is ``GPL-2.0-only AND GPL-2.0-or-later``,
    and ``A OR B`` beside ``B OR A`` is ``A OR B``."""
    # thousands of files carry the same few combinations: parse each one once per run
    try:
        combined = str(
            combine_expressions(
                list(unique), relation=relation, unique=True, licensing=_licensing()
            )
        )
    except ExpressionError:
        combined = f" {relation} ".join(f"({e})" if " " in e else e for e in unique)
    return simplify_expression(combined)


def file_facts(
    prepared: PreparedFile,
    blocks: Mapping[str, LicenseFacts],
    groups: Mapping[str, CopyrightFacts],
) -> Facts:
    """Facts of one file from its prepared form and the engine results of its blocks.

    A probe's detection (:mod:`.probes`) inside a block's detection adds nothing (the block
    was read by every matcher); one reaching beyond them is kept, and replaces the block
    detections inside it, as ScanCode's exact matches come before its approximate ones (the
    whole OFL-1.0-RFN text is found by the probe, its OFL-1.0 part without the first
    paragraph by the block). A tag line's detections (:func:`.tags.tag_block`) are no
    licences of their own: they may read a misspelt tag (:func:`.tags.read_by_rule`).
    """
    detected = [
        (block.exact, _absolute(det, block.start))
        for block in prepared.blocks
        if not block.tag
        for det in blocks.get(block.key, [])
    ]
    on_tags = [
        _absolute(det, block.start)
        for block in prepared.blocks
        if block.tag
        for det in blocks.get(block.key, [])
    ]
    tags, errors = _read_misspelt(prepared, on_tags)
    plain = [det for exact, det in detected if not exact]
    probed = [det for exact, det in detected if exact and not _inside(det, plain)]
    licences = [det for det in plain if not _inside(det, probed)]
    licences = sorted(licences + probed, key=lambda d: (d["start_line"], d["end_line"]))
    copyrights: list[list[Any]] = []
    holders: list[list[Any]] = []
    for group in prepared.groups:
        found = groups.get(group.key, {"copyrights": [], "holders": []})
        shift = group.start - 1
        copyrights.extend([c, s + shift, e + shift] for c, s, e in found["copyrights"])
        holders.extend([h, s + shift, e + shift] for h, s, e in found["holders"])
    return {
        "tags": [_tag_to_dict(t) for t in tags],
        "licences": licences,
        "copyrights": copyrights,
        "holders": holders,
        "markers": [[m.marker, m.line, m.text] for m in prepared.markers],
        "choices": [[c.line, c.end, c.text] for c in prepared.choices],
        "errors": errors,
    }


def _read_misspelt(
    prepared: PreparedFile, found: list[dict[str, Any]]
) -> tuple[list[LicenseDetection], list[str]]:
    """The file's tags, those with unknown ids read by ScanCode's rules for their spelling
    where one matched; the content error of such a tag says what it was read as."""
    if not found:
        return list(prepared.tags), list(prepared.errors)
    tags = [read_by_rule(t, found) for t in prepared.tags]
    errors = list(prepared.errors)
    for old, new in zip(prepared.tags, tags, strict=True):
        if new is not old:
            stale = f"line {old.start_line}: invalid SPDX-License-Identifier: {tag_problem(old)}"
            fresh = f"line {new.start_line}: invalid SPDX-License-Identifier: {new.message}"
            errors = [fresh if e == stale else e for e in errors]
    return tags, errors


def _absolute(det: dict[str, Any], shift: int) -> dict[str, Any]:
    return {
        **det,
        "start_line": det["start_line"] + shift,
        "end_line": det["end_line"] + shift,
        "matches": [_shifted(m, shift) for m in det["matches"]],
    }


def _inside(det: Mapping[str, Any], others: list[dict[str, Any]]) -> bool:
    return any(
        o["start_line"] <= det["start_line"] and det["end_line"] <= o["end_line"] for o in others
    )


def _shifted(match: dict[str, Any], shift: int) -> dict[str, Any]:
    if "start_line" not in match:
        return match
    return {
        **match,
        "start_line": match["start_line"] + shift,
        "end_line": match["end_line"] + shift,
    }


def _tag_to_dict(tag: LicenseDetection) -> dict[str, Any]:
    data = asdict(tag)
    data["method"] = tag.method.value
    return data


def license_detection(det: Mapping[str, Any], note: str | None = None) -> LicenseDetection:
    """A ScanCode detection of the facts as a :class:`LicenseDetection` (``note`` is added to
    its message)."""
    message = "; ".join(m for m in (det.get("message"), note) if m) or None
    return LicenseDetection(
        license_expression=det["expression"],
        method=DetectionMethod.LICENSE_TEXT,
        start_line=det["start_line"],
        end_line=det["end_line"],
        score=det["score"],
        matched_rule=", ".join(det["rules"]),
        matched_text=det["matched_text"] or None,
        message=message,
    )


def _prose_conclusion(
    tags: list[LicenseDetection],
    licences: list[Mapping[str, Any]],
    texts: list[LicenseDetection],
) -> tuple[str | None, list[LicenseDetection]]:
    """A document's own licence: its ``SPDX-License-Identifier`` tags and the licence texts
    in it (a LICENSE-like document). Licence names, URLs and notices in its prose ("the
    drivers are under GPL-2.0") speak of other files: references, kept as evidence only.
    So does a sentence that ScanCode's rule calls a licence text ("The imported code is in
    the public domain", in Xen's ``xen/common/README.source``): a licence text is a licence's
    own full text or a match of at least :data:`QUOTING_TEXT_LINES` lines."""
    own = [t.license_expression for t in tags if t.valid]
    out = []
    for det, text in zip(licences, texts, strict=True):
        if not any(_is_licence_text(m, det) for m in det.get("matches", [])):
            note = "a licence named in prose: a reference, not this document's licence"
            message = "; ".join(m for m in (text.message, note) if m)
            out.append(replace(text, message=message))
        else:
            own.append(text.license_expression)
            out.append(text)
    return combine_and(own), out


def _is_licence_text(match: Mapping[str, Any], det: Mapping[str, Any]) -> bool:
    """Whether ``match`` (of detection ``det``) is a licence text, not a sentence of prose:
    of a rule of the licence-text kind, and the licence's own text (``mit.LICENSE``) or at
    least :data:`QUOTING_TEXT_LINES` lines long."""
    if match.get("kind", "notice") != "text":
        return False
    if str(match.get("rule", "")).endswith(".LICENSE"):
        return True
    first = match.get("start_line", det["start_line"])
    last = match.get("end_line", det["end_line"])
    return bool(last - first + 1 >= QUOTING_TEXT_LINES)


def _unquoted(tag: LicenseDetection, facts: Facts) -> LicenseDetection:
    """``tag``, made invalid when it is quoted inside a licence text that ScanCode matched
    (a licence document that shows how to write a tag is not tagged by it), or ends it (the
    Community Specification License's last line is the tag of its own text)."""
    line = tag.start_line or 0
    for det in facts["licences"]:
        first, last = det["start_line"], det["end_line"]
        if last - first + 1 >= QUOTING_TEXT_LINES and first < line <= last and tag.valid:
            note = f"quoted inside the licence text matched at lines {first}-{last}: not a tag"
            return replace(tag, valid=False, message=note)
    return tag


def _file_expression(
    tags: list[LicenseDetection], licences: list[Mapping[str, Any]], phrases: list[ChoicePhrase]
) -> tuple[str | None, dict[int, str]]:
    """The file's detected expression, and the choice notes by licence detection index."""
    ordered = sorted(
        [(t.start_line or 0, t.end_line or 0, t.license_expression) for t in tags if t.valid]
        + [(d["start_line"], d["end_line"], d["expression"]) for d in licences],
        key=lambda x: (x[0], x[1]),
    )
    plain = combine_and(e for _, _, e in ordered)
    if not phrases or plain is None:
        return plain, {}
    units: list[tuple[LicenseUnit, int]] = [
        (LicenseUnit(expression=t.license_expression, start=t.start_line or 0,
                     end=t.end_line or 0), -1)
        for t in tags
        if t.valid
    ]  # fmt: skip
    for index, det in enumerate(licences):
        units.extend((unit, index) for unit in _units(det, phrases))
    groups, used = combine([u for u, _ in units], phrases)
    if not used:
        return plain, {}
    expression = combine_and(combine_or(u.expression for u in group) or "" for group in groups)
    owner = {id(u): i for u, i in units}
    notes: dict[int, str] = {}
    for group in groups:
        if len(group) < 2:
            continue
        for phrase in used:
            if group[0].start <= phrase.line <= group[-1].end + 1:
                index = owner[id(group[-1])]
                if index >= 0:
                    notes[index] = (
                        f"a choice between licences: {phrase.text!r} (line {phrase.line}) "
                        f"joins {' and '.join(u.expression for u in group)} with OR"
                    )
    return expression, notes


def _units(det: Mapping[str, Any], phrases: list[ChoicePhrase]) -> list[LicenseUnit]:
    """One detection as licence units: its matches when a choice phrase lies in or just above
    it (and
    none of them is a lone exception or a resolved reference), else the whole detection."""
    whole = [LicenseUnit(expression=det["expression"], start=det["start_line"],
                         end=det["end_line"])]  # fmt: skip
    matches = det.get("matches", [])
    first = det["start_line"] - LEAD_LINES - 1  # "You can choose any one of those:" above it
    inside = any(first <= p.line <= det["end_line"] for p in phrases)
    if not inside or len(matches) < 2 or det.get("message"):
        return whole
    if any("start_line" not in m or _is_exception(m["expression"]) for m in matches):
        return whole
    kept = [m for m in matches if not m.get("intro") and not m.get("references")] or matches
    return [
        LicenseUnit(expression=m["expression"], start=m["start_line"], end=m["end_line"])
        for m in kept
    ]


def _is_exception(expression: str) -> bool:
    from openesx_license.detect.tags import spdx_table

    symbol = spdx_table().symbols.get(expression.lower())
    return symbol is not None and bool(symbol.wrapped.is_exception)


def build_record(entry: FileEntry, facts: Facts) -> FileRecord:
    """The :class:`FileRecord` of ``entry`` from its facts (before licence-file governance)."""
    tags = [
        _unquoted(LicenseDetection(**{**t, "method": DetectionMethod(t["method"])}), facts)
        for t in facts["tags"]
    ]
    phrases = [ChoicePhrase(line=n, end=e, text=t) for n, e, t in facts.get("choices", [])]
    detected, notes = _file_expression(tags, facts["licences"], phrases)
    texts = [license_detection(d, notes.get(i)) for i, d in enumerate(facts["licences"])]
    concluded = detected
    if entry.kind is FileKind.DOC and detected:
        concluded, texts = _prose_conclusion(tags, facts["licences"], texts)
    detections = sorted(tags + texts, key=lambda d: (d.start_line or 0, d.end_line or 0))
    return FileRecord(
        path=entry.path,
        size=entry.size,
        sha1=entry.sha1,
        kind=entry.kind,
        language=entry.language,
        detected_license_expression=detected,
        license_expression=concluded,
        license_source=LicenseSource.DETECTED if concluded else LicenseSource.NONE,
        detections=tuple(detections),
        copyrights=tuple(
            CopyrightStatement(statement=c, start_line=s, end_line=e)
            for c, s, e in facts["copyrights"]
        ),
        holders=tuple(Holder(holder=h, start_line=s, end_line=e) for h, s, e in facts["holders"]),
        markers=tuple(MarkerHit(marker=m, line=n, text=t) for m, n, t in facts["markers"]),
        errors=tuple(dict.fromkeys([*entry.errors, *facts["errors"]])),
    )


def error_record(entry: FileEntry, *extra: str) -> FileRecord:
    """A record for a file that was not (or could not be) read for detection."""
    return FileRecord(
        path=entry.path,
        size=entry.size,
        sha1=entry.sha1,
        kind=entry.kind,
        language=entry.language,
        errors=tuple(dict.fromkeys([*entry.errors, *extra])),
    )
