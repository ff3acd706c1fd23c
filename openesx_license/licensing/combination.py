"""Two licences joined by a dependency edge: can the combination be distributed at all?

``combination_verdict(a, b, ...)`` answers for a file under ``a`` that depends on (includes,
links, uses a symbol of) a file under ``b``: it tries each licence named in either expression
(an "-or-later" id offering each of its versions) as the licence of the combined work, and the
combination works when ``a`` may be part of that work and ``b`` may join it over the edge.
"""

from __future__ import annotations

from openesx_license.licensing.expression import (
    ExpressionSyntaxError,
    Verdict,
    outbound_verdict,
    parse_expression,
)
from openesx_license.licensing.knowledge import LicenseKnowledge


def combination_verdict(
    a: str, b: str, knowledge: LicenseKnowledge, edge_kind: str | None = None
) -> Verdict:
    """May code under ``a`` be combined with code under ``b`` joined over ``edge_kind``?

    The verdict's ``outbound`` is the licence the combined work can carry (the first candidate
    that works), ``chosen`` says which branch of each side was taken. Not allowed and known
    means a real conflict; not known means an unknown licence or missing rule is involved.
    """
    kind = knowledge.edge_kind(edge_kind)
    expression = f"{a} + {b}"
    candidates: list[str] = []
    for text in (a, b):
        try:
            keys = parse_expression(text).license_keys()
        except ExpressionSyntaxError as exc:
            return Verdict(
                expression=expression,
                outbound="",
                edge_kind=kind,
                allowed=False,
                known=False,
                reason=f"malformed licence expression {text!r}: {exc}",
                error=str(exc),
            )
        for key in keys:
            canonical = knowledge.canonical(key)
            if canonical is not None:
                candidates.extend(knowledge.versions(canonical) or (canonical,))
    tried: list[tuple[str, Verdict, Verdict]] = []
    for candidate in dict.fromkeys(candidates):
        va = outbound_verdict(a, candidate, knowledge, None)
        vb = outbound_verdict(b, candidate, knowledge, kind)
        if va.allowed and vb.allowed:
            return Verdict(
                expression=expression,
                outbound=candidate,
                edge_kind=kind,
                allowed=True,
                chosen=f"{va.chosen} with {vb.chosen}, as {candidate}",
                reason=vb.reason if a != b else f"both under {candidate}",
                source=vb.source or va.source,
            )
        tried.append((candidate, va, vb))
    return _conflict(expression, kind, a, b, tried, knowledge)


def _conflict(
    expression: str,
    kind: str,
    a: str,
    b: str,
    tried: list[tuple[str, Verdict, Verdict]],
    knowledge: LicenseKnowledge,
) -> Verdict:
    unknown = tuple(
        dict.fromkeys(i for _, va, vb in tried for i in (*va.unknown_ids, *vb.unknown_ids))
    )
    for text in (a, b):
        for key in parse_expression(text).license_keys():
            if not knowledge.knows(key) and key not in unknown:
                unknown += (key,)
    # a real conflict: every candidate is refused by a rule on at least one side
    known = (
        bool(tried)
        and not unknown
        and all(
            (not va.allowed and va.known) or (not vb.allowed and vb.known) for _, va, vb in tried
        )
    )
    reasons: list[str] = []
    sources: list[str] = []
    for candidate, va, vb in tried:
        failing = vb if not vb.allowed else va
        reasons.append(f"as {candidate}: {failing.reason}")
        if failing.source and failing.source not in sources:
            sources.append(failing.source)
    if not tried:
        reasons.append("no licence of either side is in rules/licenses.toml")
    return Verdict(
        expression=expression,
        outbound="",
        edge_kind=kind,
        allowed=False,
        known=known,
        reason="; ".join(reasons),
        source=" | ".join(sources) or None,
        unknown_ids=unknown,
    )
