"""``SPDX-License-Identifier:`` tags: the fast path that needs no licence index.

A tag is parsed with ``license-expression`` and validated against the SPDX list it ships:
deprecated ids are normalised (``GPL-2.0+`` -> ``GPL-2.0-or-later``, ``GPL-2.0`` ->
``GPL-2.0-only``), case is fixed (``mit`` -> ``MIT``), ``LicenseRef-*`` ids are accepted as
user-defined. A tag that does not parse or names an unknown id is kept as evidence with
``valid=False`` and a message; it never disappears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from license_expression import ExpressionError

from openesx_license._util.spdx import spdx_licensing
from openesx_license.model import DetectionMethod, LicenseDetection

TAG_RULE = "SPDX-License-Identifier"
_TAG = re.compile(r"SPDX-License-Identifier\s*:\s*(?P<expr>.*)", re.IGNORECASE)
# ids (letters, digits, . - +), DocumentRef colons, parentheses and spaces: whatever follows
# (a comment closer, the end of a string, a newline escape) is not part of the expression
_EXPRESSION_CHARS = re.compile(r"[\w.+\-:() ]*")
_LICENSEREF = re.compile(r"^(DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+$")


@dataclass(frozen=True, kw_only=True)
class TagLine:
    """A tag found in a text: its 0-based line index and the expression text after the colon."""

    index: int
    raw: str


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
    """Parse and validate one tag's expression text; ``line`` is 1-based."""
    normalised, problem = normalise_expression(raw) if raw else ("", "empty tag")
    note = problem or (None if normalised == raw else f"normalised from {raw!r}")
    return LicenseDetection(
        license_expression=normalised,
        method=DetectionMethod.SPDX_TAG,
        start_line=line,
        end_line=line,
        score=0.0 if problem else 100.0,
        matched_rule=TAG_RULE,
        matched_text=f"{TAG_RULE}: {raw}"[:300],
        valid=problem is None,
        message=note,
    )


def normalise_expression(raw: str) -> tuple[str, str | None]:
    """Return ``(normalised SPDX expression, None)`` or ``("", problem)`` for a bad expression."""
    licensing = spdx_licensing()
    try:
        info = licensing.validate(raw)
    except (ExpressionError, AttributeError, TypeError):
        return "", f"malformed SPDX expression {raw!r}"
    unknown = [str(s) for s in info.invalid_symbols if not _LICENSEREF.match(str(s))]
    if any(not s.strip() for s in unknown):
        return "", f"malformed SPDX expression {raw!r}"
    errors = [e for e in info.errors if not e.startswith("Unknown license key(s)")]
    if errors:
        return "", f"invalid SPDX expression {raw!r}: {'; '.join(errors)}"
    if unknown:
        return "", f"unknown SPDX license id(s) in {raw!r}: {', '.join(unknown)}"
    if info.normalized_expression:
        return info.normalized_expression, None
    try:  # only LicenseRef-* symbols: keep them as written, with the operators normalised
        parsed = licensing.parse(raw, validate=False)
    except (ExpressionError, AttributeError, TypeError):
        return "", f"malformed SPDX expression {raw!r}"
    return (parsed.render("{symbol.key}") if parsed is not None else ""), None
