"""Which licences of an expression a policy's ``[licenses] deny`` list cannot avoid.

An ``OR`` is a choice: it is denied only when every branch is; an ``AND`` is denied when any
part is; ``WITH`` is denied when the licence or the exception is. Deny entries are SPDX ids,
aliases of rules/licenses.toml or globs (``LicenseRef-*-Proprietary``), matched without case.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from openesx_license.licensing.expression import (
    ExpressionSyntaxError,
    Term,
    parse_expression,
)
from openesx_license.licensing.knowledge import LicenseKnowledge


def denied_ids(
    expression: str, deny: Sequence[str], knowledge: LicenseKnowledge
) -> tuple[str, ...]:
    """The denied ids the expression cannot avoid (empty: some allowed choice exists).

    A malformed expression yields nothing here; the unknown-license rule reports it.
    """
    if not deny:
        return ()
    try:
        term = parse_expression(expression)
    except ExpressionSyntaxError:
        return ()
    patterns = tuple(
        dict.fromkeys(p.lower() for entry in deny for p in (entry, knowledge.canonical(entry)) if p)
    )
    return tuple(dict.fromkeys(_denied(term, patterns, knowledge)))


def _matches(license_id: str, patterns: tuple[str, ...], knowledge: LicenseKnowledge) -> bool:
    spellings = {license_id.lower()}
    canonical = knowledge.canonical(license_id)
    if canonical:
        spellings.add(canonical.lower())
    return any(fnmatch.fnmatchcase(s, p) for s in spellings for p in patterns)


def _denied(term: Term, patterns: tuple[str, ...], knowledge: LicenseKnowledge) -> list[str]:
    if term.op == "license":
        return [term.key] if _matches(term.key, patterns, knowledge) else []
    if term.op == "with":
        hits = [term.key] if _matches(term.key, patterns, knowledge) else []
        if any(fnmatch.fnmatchcase(term.exception.lower(), p) for p in patterns):
            hits.append(term.exception)
        return hits
    parts = [_denied(a, patterns, knowledge) for a in term.args]
    if term.op == "or":
        return [i for p in parts for i in p] if all(parts) else []
    return [i for p in parts for i in p]
