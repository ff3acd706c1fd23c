"""Simplifying built licence expressions: nested ANDs and ORs flattened, each operand once,
``(A OR B)`` and ``(B OR A)`` the same, order of first appearance kept, exceptions attached."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from license_expression import Licensing

from openesx_license._util.spdx import simplify_expression

# shapes seen in concluded expressions of a Linux scan: a tag beside a notice that repeats it,
# a dual-licence tag beside a notice naming the same two in the other order
CASES = [
    ("GPL-2.0-only AND (GPL-2.0-only AND GPL-2.0-or-later)", "GPL-2.0-only AND GPL-2.0-or-later"),
    ("(GPL-2.0-only OR BSD-3-Clause) AND (BSD-3-Clause OR GPL-2.0-only)",
     "GPL-2.0-only OR BSD-3-Clause"),
    ("(GPL-2.0-only WITH Linux-syscall-note OR BSD-2-Clause) AND "
     "(BSD-2-Clause OR GPL-2.0-only WITH Linux-syscall-note)",
     "GPL-2.0-only WITH Linux-syscall-note OR BSD-2-Clause"),
    ("(GPL-2.0-only OR MIT) AND GPL-2.0-only AND (MIT OR GPL-2.0-only)",
     "(GPL-2.0-only OR MIT) AND GPL-2.0-only"),
    ("GPL-2.0-or-later AND (LGPL-2.1-or-later AND (GPL-2.0-or-later OR (MIT OR MIT)))",
     "GPL-2.0-or-later AND LGPL-2.1-or-later AND (GPL-2.0-or-later OR MIT)"),
    # an exception stays with its licence: the plain licence is another operand
    ("GPL-2.0-only WITH Linux-syscall-note AND GPL-2.0-only",
     "GPL-2.0-only WITH Linux-syscall-note AND GPL-2.0-only"),
    # ids differ from each other only in case: one operand, spelt as first written
    ("MIT AND mit", "MIT"),
    # nothing to simplify: unchanged, not reordered
    ("MIT AND (BSD-3-Clause OR GPL-2.0-only)", "MIT AND (BSD-3-Clause OR GPL-2.0-only)"),
    ("LicenseRef-scancode-unknown-spdx AND NCSA", "LicenseRef-scancode-unknown-spdx AND NCSA"),
    # absorption is not applied: the choice stays as evidence
    ("MIT AND (MIT OR GPL-2.0-only)", "MIT AND (MIT OR GPL-2.0-only)"),
    # malformed: returned as it is
    ("MIT AND (", "MIT AND ("),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), CASES)
def test_built_expressions_are_simplified(expression: str, expected: str) -> None:
    assert simplify_expression(expression) == expected


ATOMS = ["GPL-2.0-only", "GPL-2.0-or-later", "MIT", "BSD-3-Clause", "LicenseRef-Acme",
         "GPL-2.0-only WITH Linux-syscall-note"]  # fmt: skip


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.sampled_from(ATOMS)
    return st.recursive(
        leaves,
        lambda inner: st.builds(
            lambda op, args: f" {op} ".join(f"({a})" for a in args),
            st.sampled_from(["AND", "OR"]),
            st.lists(inner, min_size=2, max_size=4),
        ),
        max_leaves=10,
    )


@settings(max_examples=200, deadline=None)
@given(_expressions())
def test_a_simplified_expression_is_equivalent_idempotent_and_keeps_first_appearance(
    expression: str,
) -> None:
    licensing = Licensing()
    simple = simplify_expression(expression)
    assert licensing.is_equivalent(simple, expression)
    assert simplify_expression(simple) == simple
    keys = list(dict.fromkeys(licensing.license_keys(expression)))
    assert list(dict.fromkeys(licensing.license_keys(simple))) == keys
