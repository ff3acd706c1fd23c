"""Licence expressions against the compatibility tables: OR is a choice, AND needs all.

Expressions are parsed once with ``license-expression`` (SPDX spelling, deprecated ids such as
``GPL-2.0+`` normalised) into a small tree of :class:`Term` nodes, then evaluated recursively
over that tree: an ``OR`` is satisfied by its first branch that works (the verdict names it), an
``AND`` needs every part, ``WITH`` applies what the exception grants. Nothing is ever expanded
to a disjunctive normal form, so a 40-way ``OR`` costs 40 table look-ups. A malformed expression
is a verdict (unknown, with the parse error), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import license_expression

from openesx_license._util.spdx import spdx_licensing
from openesx_license.licensing.knowledge import LicenseKnowledge


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The answer to "may code under ``expression`` join a work released under ``outbound``?"."""

    expression: str
    outbound: str  # the licence of the work (for a combination: the one chosen for it)
    edge_kind: str  # copy | static-link | dynamic-link | include | separate
    allowed: bool
    #: False when the tables cannot tell (unknown licence, no rule, malformed expression);
    #: ``allowed`` is then False too
    known: bool = True
    chosen: str | None = None  # the branch that makes it work (an OR's chosen licence)
    reason: str = ""
    source: str | None = None  # the citation of the deciding rule
    unknown_ids: tuple[str, ...] = ()
    error: str | None = None  # the parse error of a malformed expression


@dataclass(frozen=True)
class Term:
    """A parsed expression: ``op`` is 'license', 'with', 'or' or 'and'."""

    op: str
    key: str = ""  # licence id (as written, normalised by license-expression)
    exception: str = ""  # for 'with'
    args: tuple[Term, ...] = ()

    def render(self) -> str:
        """The term as SPDX text."""
        if self.op == "license":
            return self.key
        if self.op == "with":
            return f"{self.key} WITH {self.exception}"
        joined = f" {self.op.upper()} ".join(
            f"({a.render()})" if a.op in ("or", "and") else a.render() for a in self.args
        )
        return joined

    def license_keys(self) -> tuple[str, ...]:
        """Every licence id of the term, in order of appearance, without duplicates."""
        if self.op in ("license", "with"):
            return (self.key,)
        return tuple(dict.fromkeys(k for a in self.args for k in a.license_keys()))


class ExpressionSyntaxError(ValueError):
    """An expression that cannot be parsed."""


def _licensing() -> license_expression.Licensing:
    return spdx_licensing()


@lru_cache(maxsize=8192)
def parse_expression(expression: str) -> Term:
    """Parse an SPDX expression into a :class:`Term`; raises :class:`ExpressionSyntaxError`."""
    try:
        parsed = _licensing().parse(expression, validate=False, strict=False)
    except Exception as exc:  # noqa: BLE001 - the library raises several unrelated types
        raise ExpressionSyntaxError(str(exc)) from exc
    if parsed is None:
        raise ExpressionSyntaxError("empty licence expression")
    return _term(parsed)


def _term(node: object) -> Term:
    if isinstance(node, license_expression.LicenseWithExceptionSymbol):
        return Term(op="with", key=node.license_symbol.key, exception=node.exception_symbol.key)
    if isinstance(node, license_expression.LicenseSymbol):
        return Term(op="license", key=node.key)
    op = "and" if isinstance(node, license_expression.AND) else "or"
    return Term(op=op, args=tuple(_term(a) for a in node.args))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Result:
    allowed: bool
    known: bool
    chosen: str | None
    reason: str
    source: str | None
    unknown_ids: tuple[str, ...] = ()


def outbound_verdict(
    expression: str,
    release_license: str,
    knowledge: LicenseKnowledge,
    edge_kind: str | None = None,
) -> Verdict:
    """May code under ``expression`` join a work released under ``release_license``?

    ``edge_kind`` says how it joins (a graph kind such as ``include`` or a compatibility kind
    such as ``dynamic-link``); None means the code is part of the work itself. An "-or-later"
    release licence needs the code to allow each of its versions.
    """
    kind = knowledge.edge_kind(edge_kind)
    cache_key = (expression, release_license, kind)
    cached = knowledge.verdict_cache.get(cache_key)
    if cached is not None:
        return cached
    verdict = _outbound(expression, release_license, knowledge, kind)
    knowledge.verdict_cache[cache_key] = verdict
    return verdict


def _outbound(expression: str, release: str, knowledge: LicenseKnowledge, kind: str) -> Verdict:
    try:
        term = parse_expression(expression)
    except ExpressionSyntaxError as exc:
        return Verdict(
            expression=expression,
            edge_kind=kind,
            outbound=release,
            allowed=False,
            known=False,
            reason=f"malformed licence expression: {exc}",
            error=str(exc),
        )
    outbound = _outbound_id(release, knowledge)
    if outbound is None:
        return Verdict(
            expression=expression,
            edge_kind=kind,
            outbound=release,
            allowed=False,
            known=False,
            reason=f"the release licence {release} is not in rules/licenses.toml",
            unknown_ids=(release,),
        )
    versions = knowledge.versions(outbound) or (outbound,)
    results = [_evaluate(term, v, knowledge, kind) for v in versions]
    result = _all_of(results) if len(results) > 1 else results[0]
    if len(versions) > 1 and result.allowed:
        result = _Result(
            True,
            True,
            " / ".join(f"{r.chosen} for {v}" for r, v in zip(results, versions, strict=True)),
            f"allowed under each version of {outbound}: " + "; ".join(r.reason for r in results),
            results[0].source,
        )
    return Verdict(
        expression=expression,
        edge_kind=kind,
        outbound=outbound,
        allowed=result.allowed,
        known=result.known,
        chosen=result.chosen if result.allowed else None,
        reason=result.reason,
        source=result.source,
        unknown_ids=result.unknown_ids,
    )


def _outbound_id(release: str, knowledge: LicenseKnowledge) -> str | None:
    """The table id of a release licence: an id, a deprecated spelling (``GPL-2.0``) or
    ``<id> WITH <exception>`` (the exception only adds permissions for recipients)."""
    found = knowledge.canonical(release)
    if found is not None:
        return found
    try:
        term = parse_expression(release)
    except ExpressionSyntaxError:
        return None
    return knowledge.canonical(term.key) if term.op in ("license", "with") else None


def _evaluate(term: Term, outbound: str, knowledge: LicenseKnowledge, kind: str) -> _Result:
    if term.op == "license":
        return _license(term.key, outbound, knowledge, kind)
    if term.op == "with":
        return _with(term, outbound, knowledge, kind)
    results = [_evaluate(a, outbound, knowledge, kind) for a in term.args]
    return _any_of(results) if term.op == "or" else _all_of(results)


def _any_of(results: list[_Result]) -> _Result:
    """OR: the first branch that works; else unknown if any branch is, else not allowed."""
    for r in results:
        if r.allowed:
            return r
    unknown = tuple(dict.fromkeys(i for r in results for i in r.unknown_ids))
    known = all(r.known for r in results)
    reason = "no choice works: " + "; ".join(r.reason for r in results)
    source = next((r.source for r in results if r.source and r.known), None)
    return _Result(False, known, None, reason, source, unknown)


def _all_of(results: list[_Result]) -> _Result:
    """AND: every part must work; a known refusal beats an unknown part."""
    refused = next((r for r in results if not r.allowed and r.known), None)
    if refused is not None:
        return refused
    if not all(r.allowed for r in results):
        unknown = tuple(dict.fromkeys(i for r in results for i in r.unknown_ids))
        reasons = "; ".join(r.reason for r in results if not r.allowed)
        return _Result(False, False, None, reasons, None, unknown)
    chosen = " AND ".join(str(r.chosen) for r in results)
    reason = "; ".join(dict.fromkeys(r.reason for r in results))
    return _Result(True, True, chosen, reason, results[0].source)


def _license(key: str, outbound: str, knowledge: LicenseKnowledge, kind: str) -> _Result:
    inbound = knowledge.canonical(key)
    if inbound is None:
        return _Result(
            False, False, None, f"{key} is not in rules/licenses.toml", None, unknown_ids=(key,)
        )
    if kind == "separate":
        return _Result(
            True,
            True,
            inbound,
            f"{inbound}: a separate program is mere aggregation",
            knowledge.aggregation_source,
        )
    entry = knowledge.entry(inbound)
    if entry is not None and entry.category == "unknown":
        return _Result(
            False,
            False,
            None,
            f"{inbound} is of unknown terms ({entry.source}); a person must read it",
            entry.source,
            unknown_ids=(inbound,),
        )
    versions = knowledge.versions(inbound)
    if versions:
        results = [_license(v, outbound, knowledge, kind) for v in versions]
        picked = _any_of(results)
        if picked.allowed:
            return _Result(
                True,
                True,
                picked.chosen,
                f"{inbound} lets the recipient choose {picked.chosen}: {picked.reason}",
                picked.source,
            )
        return picked
    if inbound == outbound:
        return _Result(True, True, inbound, f"{inbound} is the licence of the work", None)
    row = knowledge.rule(inbound, outbound)
    if row is None:
        return _Result(
            False,
            False,
            None,
            f"no compatibility rule for {inbound} into {outbound}",
            None,
            unknown_ids=(),
        )
    allowed = row.allows(kind)
    verb = "may join" if allowed else "may not join"
    how = "" if kind == "copy" else f" ({kind})"
    reason = f"{inbound} {verb} a work under {outbound}{how}: {row.note}".rstrip(": ")
    return _Result(allowed, True, inbound if allowed else None, reason, row.source)


def _with(term: Term, outbound: str, knowledge: LicenseKnowledge, kind: str) -> _Result:
    grant = knowledge.exception(term.exception)
    text = term.render()
    if grant is not None and kind in grant.edges and knowledge.knows(term.key):
        note = f": {grant.note}" if grant.note else ""
        return _Result(True, True, text, f"{grant.id} permits this {kind}{note}", grant.source)
    base = _license(term.key, outbound, knowledge, kind)
    suffix = (
        ""
        if grant is not None
        else f" ({term.exception} is not a known exception; judged on {term.key} alone)"
    )
    chosen = f"{base.chosen} WITH {term.exception}" if base.allowed else None
    return _Result(
        base.allowed,
        base.known,
        chosen,
        base.reason + suffix,
        base.source,
        base.unknown_ids,
    )
