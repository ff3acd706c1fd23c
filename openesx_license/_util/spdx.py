"""The one SPDX licensing object of the process (license-expression's, built once).

``get_spdx_licensing()`` reads the SPDX licence and exception lists and builds its symbol
table (tens of milliseconds); every stage that parses or validates an expression uses this
cached one. :func:`simplify_expression` flattens and deduplicates the expressions that
detection and licence-file governance build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from license_expression import (
    AND,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    get_spdx_licensing,
)


@lru_cache(maxsize=1)
def spdx_licensing() -> Licensing:
    """license-expression's Licensing that knows the SPDX list (ids, exceptions, aliases)."""
    return get_spdx_licensing()


_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")


def spdx_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid SPDX licence expression (LicenseRef-* allowed), or
    None when it is one."""
    info = spdx_licensing().validate(expression)
    if not info.errors:
        return None
    unknown = [s for s in info.invalid_symbols if s and not _LICENSE_REF.match(str(s))]
    if not unknown and info.invalid_symbols and all(info.invalid_symbols):
        return None
    if unknown:
        return f"unknown SPDX license id(s) {', '.join(map(str, unknown))} in {expression!r}"
    return f"invalid SPDX license expression {expression!r}"


@lru_cache(maxsize=1)
def _plain_licensing() -> Licensing:
    """A Licensing without a symbol table: ids are kept exactly as written."""
    return Licensing()


@dataclass(frozen=True)
class _Node:
    """A simplified expression: a leaf (``text`` is an id or ``id WITH exception``) or an
    ``AND``/``OR`` of distinct ``args``; ``same`` compares regardless of order and case."""

    op: str  # "leaf", "AND" or "OR"
    text: str = ""
    args: tuple[_Node, ...] = ()

    @property
    def same(self) -> object:
        if self.op == "leaf":
            return self.text.lower()
        return (self.op, frozenset(a.same for a in self.args))

    def render(self) -> str:
        if self.op == "leaf":
            return self.text
        return f" {self.op} ".join(a.render() if a.op == "leaf" else f"({a.render()})"
                                   for a in self.args)  # fmt: skip


def _simplified(node: object) -> _Node:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _Node("leaf", f"{node.license_symbol.key} WITH {node.exception_symbol.key}")
    if isinstance(node, LicenseSymbol):
        return _Node("leaf", node.key)
    op = "AND" if isinstance(node, AND) else "OR"
    flat: list[_Node] = []
    for arg in node.args:  # type: ignore[attr-defined]
        child = _simplified(arg)
        flat.extend(child.args if child.op == op else (child,))
    seen: set[object] = set()
    args = []
    for child in flat:
        if child.same not in seen:
            seen.add(child.same)
            args.append(child)
    return args[0] if len(args) == 1 else _Node(op, args=tuple(args))


@lru_cache(maxsize=8192)
def simplify_expression(expression: str) -> str:
    """``expression`` with nested ``AND``s and ``OR``s flattened and each operand once, where
    operands that differ only in order or case are the same (``(A OR B) AND (B OR A)`` ->
    ``A OR B``, ``A AND (A AND B)`` -> ``A AND B``). Operands keep the order of their first
    appearance, ids their spelling, exceptions their licence (``A WITH E`` is one operand).
    Nothing else changes (``A AND (A OR B)`` stays as it is: the choice is kept as evidence).
    An expression that does not parse is returned unchanged.
    """
    try:
        parsed = _plain_licensing().parse(expression, validate=False, strict=False)
    except ExpressionError:
        return expression
    except Exception:  # noqa: BLE001 - the parser raises several unrelated types
        return expression
    return expression if parsed is None else _simplified(parsed).render()
