"""``SPDX-License-Identifier:`` tags: the fast path that needs no licence index.

A tag is read the way ScanCode reads it (``licensedcode.match_spdx_lid.get_expression``), with
the SPDX ids, deprecated aliases and exceptions of the licence data that ships with the
installed ScanCode Toolkit, not the ``license-expression`` library's own list (which takes
``MPL-2.0-no-copyleft-exception`` for an exception): deprecated ids are normalised
(``GPL-2.0+`` -> ``GPL-2.0-or-later``, ``GPL-2.0-with-classpath-exception`` ->
``GPL-2.0-only WITH Classpath-exception-2.0``), case is fixed (``mit`` -> ``MIT``).

Nothing a tag says is lost: an unknown id becomes ``LicenseRef-scancode-unknown-spdx`` in its
place (``foo AND NCSA`` -> ``LicenseRef-scancode-unknown-spdx AND NCSA``, ``X WITH foo`` ->
``X WITH LicenseRef-scancode-unknown-spdx``), which is what ScanCode writes, and the tag keeps
a message naming the unknown ids. User-defined ``LicenseRef-*`` ids are kept as written.
Only an empty tag has no expression (``valid=False``).

A tag with an unknown id may be a misspelling that ScanCode has a rule for
(``BSD-2-Clause-NetBSDE``, a typo found in FreeBSD, is its rule ``bsd-new_and_bsd-simplified_3``):
its line is then also sent to ScanCode's exact matchers (:func:`tag_block`), and when one
detection of that line covers every unknown id and keeps every known id of the tag, the tag is
read as that detection says (:func:`read_by_rule`), as ScanCode's whole-file scan reads it;
otherwise the unknown ids stay marked.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from openesx_license.detect.blocks import LicenseBlock, block_key
from openesx_license.model import DetectionMethod, LicenseDetection

TAG_RULE = "SPDX-License-Identifier"
#: ScanCode's id for an id that its SPDX list does not know
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"
_TAG = re.compile(r"SPDX-License-Identifier\s*:\s*(?P<expr>.*)", re.IGNORECASE)
# ids (letters, digits, . - +), DocumentRef colons, parentheses and spaces: whatever follows
# (a comment closer, the end of a string, a newline escape) is not part of the expression
_EXPRESSION_CHARS = re.compile(r"[\w.+\-:() ]*")
_LICENSEREF = re.compile(r"^(DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+$", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s()]+")
_KEYWORDS = frozenset({"and", "or", "with"})
_RENDER = "{symbol.wrapped.spdx_license_key}"
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, kw_only=True)
class TagLine:
    """A tag found in a text: its 0-based line index and the expression text after the colon."""

    index: int
    raw: str


@dataclass(frozen=True)
class _UserRef:
    """A user-defined ``LicenseRef-*`` id, shaped like a ScanCode licence for the renderer."""

    key: str
    spdx_license_key: str
    is_exception: bool = False


@dataclass(frozen=True, kw_only=True)
class SpdxTable:
    """ScanCode's SPDX symbols by lower-case id, its unknown symbol, and a plain licensing."""

    symbols: dict[str, Any]
    unknown: Any
    licensing: Any


@lru_cache(maxsize=1)
def spdx_table() -> SpdxTable:
    """The SPDX table of the installed ScanCode's licence data (loaded once per process)."""
    from license_expression import Licensing
    from licensedcode.cache import build_spdx_symbols, build_unknown_spdx_symbol
    from licensedcode.models import load_licenses

    db = load_licenses()
    return SpdxTable(
        symbols=build_spdx_symbols(db), unknown=build_unknown_spdx_symbol(db), licensing=Licensing()
    )


def find_tags(lines: list[str]) -> list[TagLine]:
    """Every ``SPDX-License-Identifier:`` line of ``lines`` (0-based indexes)."""
    found = []
    for index, line in enumerate(lines):
        if "spdx-license-identifier" not in line.lower():
            continue
        match = _TAG.search(line)
        if match:
            expr = match.group("expr").strip().strip("\"'`")
            raw = _EXPRESSION_CHARS.match(expr).group().strip().rstrip(" -:")  # type: ignore[union-attr]
            found.append(TagLine(index=index, raw=raw))
    return found


def parse_tag(raw: str, *, line: int) -> LicenseDetection:
    """Parse one tag's expression text; ``line`` is 1-based.

    The detection's ``message`` says what was changed or not known (``None`` when the tag was
    already a normalised expression of known ids).
    """
    normalised, problem = normalise_expression(raw) if raw else ("", "empty tag")
    note = problem or (None if normalised == raw else f"normalised from {raw!r}")
    return LicenseDetection(
        license_expression=normalised,
        method=DetectionMethod.SPDX_TAG,
        start_line=line,
        end_line=line,
        score=100.0 if normalised else 0.0,
        matched_rule=TAG_RULE,
        matched_text=f"{TAG_RULE}: {raw}"[:300],
        valid=bool(normalised),
        message=note,
    )


def tag_problem(tag: LicenseDetection) -> str | None:
    """What is wrong with a parsed tag (unknown ids, bad syntax, empty), or None."""
    message = tag.message or ""
    return None if not message or message.startswith("normalised from") else message


def normalise_expression(raw: str) -> tuple[str, str | None]:
    """``(SPDX expression, problem)``: the expression as ScanCode reads ``raw``, and what in
    ``raw`` was unknown or malformed (None when nothing was). The expression is empty only
    when ``raw`` holds no id at all.
    """
    from licensedcode.match_spdx_lid import get_expression

    table = spdx_table()
    symbols = table.symbols
    tokens = [t for t in _TOKEN.findall(raw) if t.lower() not in _KEYWORDS]
    refs = [t for t in tokens if _LICENSEREF.match(t) and t.lower() not in symbols]
    if refs:
        symbols = {**symbols}
        for ref in refs:
            symbols[ref.lower()] = _user_symbol(ref)
    try:
        expression = get_expression(raw, table.licensing, symbols, table.unknown)
        rendered = expression.render(_RENDER) if expression is not None else ""
    except Exception:  # noqa: BLE001 - ScanCode's reader itself never fails on a tag; be sure
        expression, rendered = None, UNKNOWN_SPDX
    if not rendered:
        return "", f"no SPDX license id in {raw!r}"
    unknown = _unknown_tokens(tokens, symbols)
    if unknown and UNKNOWN_SPDX in rendered:
        listed = ", ".join(dict.fromkeys(unknown))
        return rendered, f"unknown SPDX license id(s) in {raw!r}: {listed} (read as {UNKNOWN_SPDX})"
    if UNKNOWN_SPDX in rendered and UNKNOWN_SPDX.lower() not in raw.lower():
        return rendered, f"malformed SPDX expression {raw!r} (read as {rendered!r})"
    if not _balanced(raw) or _dangling(raw):
        return rendered, f"malformed SPDX expression {raw!r} (read as {rendered!r})"
    not_exceptions = _not_exceptions(expression, table.licensing)
    if not_exceptions:
        listed = ", ".join(not_exceptions)
        return rendered, f"invalid SPDX expression {raw!r}: {listed} after WITH is not an exception"
    return rendered, None


def _unknown_tokens(tokens: list[str], symbols: dict[str, Any]) -> list[str]:
    return [t for t in tokens if t.lower() not in symbols and t.lower().strip("+") not in symbols]


def unknown_ids(raw: str) -> tuple[str, ...]:
    """The ids of a tag's expression text that are neither SPDX ids or exceptions of
    ScanCode's licence data nor ``LicenseRef-`` ids, each once."""
    symbols = spdx_table().symbols
    tokens = [t for t in _TOKEN.findall(raw) if t.lower() not in _KEYWORDS]
    return tuple(
        dict.fromkeys(t for t in _unknown_tokens(tokens, symbols) if not _LICENSEREF.match(t))
    )


def tag_block(lines: list[str], index: int) -> LicenseBlock:
    """The tag line ``lines[index]`` as an exact-only block with its own key, for ScanCode's
    rules for misspelt tags (not its tag reader: that one reads the unknown id as unknown)."""
    digest = hashlib.sha1(b"tag\n" + block_key([lines[index]]).encode(), usedforsecurity=False)
    return LicenseBlock(
        key=digest.hexdigest(), start=index, text=lines[index], exact=True, tag=True
    )


def read_by_rule(tag: LicenseDetection, found: list[dict[str, Any]]) -> LicenseDetection:
    """``tag`` read as ScanCode's engine read its line (``found``: the detections of its
    :func:`tag_block`, lines absolute), when one detection lies on the tag's line, its matched
    text holds every unknown id of the tag and its expression keeps every known id; else
    ``tag`` unchanged. The tag keeps a message naming the misspelt ids and the rule."""
    raw = tag_raw(tag)
    unknown = unknown_ids(raw)
    if not unknown or not tag.license_expression:
        return tag
    known = _keys(tag.license_expression) - {UNKNOWN_SPDX.lower()}
    for det in found:
        if det["start_line"] != tag.start_line or det["end_line"] != tag.end_line:
            continue
        words = " ".join(_WORDS.findall(det.get("matched_text", "").lower()))
        covered = all(f" {' '.join(_WORDS.findall(u.lower()))} " in f" {words} " for u in unknown)
        if not covered or not known <= _keys(det["expression"]):
            continue
        rules = ", ".join(det["rules"])
        listed = ", ".join(unknown)
        return replace(
            tag,
            license_expression=det["expression"],
            matched_rule=f"{TAG_RULE}, {rules}",
            score=det["score"],
            message=(
                f"unknown SPDX license id(s) in {raw!r}: {listed}; read as {det['expression']} "
                f"by ScanCode's rule for this spelling ({rules})"
            ),
        )
    return tag


def tag_raw(tag: LicenseDetection) -> str:
    """The expression text of a parsed tag (as :func:`parse_tag` was given it)."""
    text = tag.matched_text or ""
    prefix = f"{TAG_RULE}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _keys(expression: str) -> set[str]:
    try:
        return {k.lower() for k in spdx_table().licensing.license_keys(expression)}
    except Exception:  # noqa: BLE001 - an unparsable expression keeps nothing
        return set()


def _not_exceptions(expression: Any, licensing: Any) -> list[str]:
    """Ids after ``WITH`` that ScanCode's data does not call exceptions."""
    from license_expression import LicenseWithExceptionSymbol

    if expression is None:
        return []
    found = []
    for symbol in licensing.license_symbols(expression, unique=True, decompose=False):
        if isinstance(symbol, LicenseWithExceptionSymbol):
            exc = symbol.exception_symbol
            wrapped = getattr(exc, "wrapped", None)
            if wrapped is not None and not wrapped.is_exception:
                found.append(str(wrapped.spdx_license_key))
    return [f for f in found if f != UNKNOWN_SPDX]


def _user_symbol(ref: str) -> Any:
    from license_expression import LicenseSymbolLike

    return LicenseSymbolLike(_UserRef(key=ref.lower(), spdx_license_key=ref))


def _balanced(raw: str) -> bool:
    depth = 0
    for char in raw:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _dangling(raw: str) -> bool:
    """A keyword at either end of the expression (``GPL-2.0-only OR``)."""
    words = raw.replace("(", " ").replace(")", " ").split()
    return bool(words) and (words[0].lower() in _KEYWORDS or words[-1].lower() in _KEYWORDS)
