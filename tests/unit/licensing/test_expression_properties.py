"""Properties of the expression logic (hypothesis): OR is a choice, AND needs all, and no
input, however malformed, makes it raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openesx_license.licensing import LicenseKnowledge, outbound_verdict

KNOWLEDGE = LicenseKnowledge.load()

ATOMS = [
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.1-only",
    "LGPL-2.1-or-later", "LGPL-3.0-only", "AGPL-3.0-only", "MPL-2.0", "MPL-1.1", "EPL-1.0",
    "CDDL-1.0", "Apache-2.0", "MIT", "BSD-3-Clause", "BSD-4-Clause", "ISC", "Zlib", "CC0-1.0",
    "LicenseRef-Proprietary", "LicenseRef-scancode-unknown-license-reference",
    "LicenseRef-not-in-tables", "GPL-2.0-only WITH Linux-syscall-note",
    "GPL-2.0-or-later WITH GCC-exception-2.0", "LGPL-2.1-only WITH Foo-exception",
]  # fmt: skip
#: single-version release licences: there OR and AND are exactly "either" and "both"
OUTBOUND = [
    "GPL-2.0-only", "GPL-3.0-only", "LGPL-2.1-only", "BSD-3-Clause", "MPL-2.0", "Apache-2.0",
    "LicenseRef-Proprietary",
]  # fmt: skip
#: "-or-later" release licences: each version may take a different OR branch, so an OR can
#: allow more than either branch alone ("GPL-2.0-only OR GPL-3.0-only" is fine under
#: GPL-2.0-or-later); monotonicity still holds
OR_LATER = ["GPL-2.0-or-later", "LGPL-2.1-or-later"]
EDGES = [None, "include", "link", "symbol", "import", "copy", "dynamic-link", "separate"]


def _join(op: str) -> st.SearchStrategy[str]:
    return st.tuples(st.just(op), st.lists(st.deferred(lambda: EXPRESSIONS), min_size=2,
                                           max_size=3)).map(
        lambda t: f" {t[0]} ".join(f"({e})" for e in t[1])
    )  # fmt: skip


EXPRESSIONS: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(ATOMS), st.deferred(lambda: _join("OR")), st.deferred(lambda: _join("AND"))
)
SMALL = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.tuples(inner, st.sampled_from([" OR ", " AND "]), inner).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})"
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(SMALL, SMALL, st.sampled_from(OUTBOUND), st.sampled_from(EDGES))
def test_or_allows_what_either_allows(a: str, b: str, outbound: str, edge: str | None) -> None:
    va = outbound_verdict(a, outbound, KNOWLEDGE, edge)
    vb = outbound_verdict(b, outbound, KNOWLEDGE, edge)
    both = outbound_verdict(f"({a}) OR ({b})", outbound, KNOWLEDGE, edge)
    assert both.allowed is (va.allowed or vb.allowed)
    if both.allowed:
        assert both.chosen in {va.chosen, vb.chosen}
    else:
        # a refusal is certain only when both branches are certain refusals
        assert both.known is (va.known and vb.known)


@settings(max_examples=300, deadline=None)
@given(SMALL, SMALL, st.sampled_from(OUTBOUND), st.sampled_from(EDGES))
def test_and_allows_only_what_both_allow(a: str, b: str, outbound: str, edge: str | None) -> None:
    va = outbound_verdict(a, outbound, KNOWLEDGE, edge)
    vb = outbound_verdict(b, outbound, KNOWLEDGE, edge)
    both = outbound_verdict(f"({a}) AND ({b})", outbound, KNOWLEDGE, edge)
    assert both.allowed is (va.allowed and vb.allowed)
    if both.allowed:
        assert both.chosen == f"{va.chosen} AND {vb.chosen}"
    # one certain refusal is enough to be certain
    if (not va.allowed and va.known) or (not vb.allowed and vb.known):
        assert both.known and not both.allowed


@settings(max_examples=200, deadline=None)
@given(SMALL, SMALL, st.sampled_from(OR_LATER), st.sampled_from(EDGES))
def test_or_later_release_is_monotonic(a: str, b: str, outbound: str, edge: str | None) -> None:
    va = outbound_verdict(a, outbound, KNOWLEDGE, edge)
    vb = outbound_verdict(b, outbound, KNOWLEDGE, edge)
    either = outbound_verdict(f"({a}) OR ({b})", outbound, KNOWLEDGE, edge)
    both = outbound_verdict(f"({a}) AND ({b})", outbound, KNOWLEDGE, edge)
    if va.allowed or vb.allowed:
        assert either.allowed
    assert both.allowed is (va.allowed and vb.allowed)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(OUTBOUND + OR_LATER))
def test_any_text_gives_a_verdict(text: str, outbound: str) -> None:
    verdict = outbound_verdict(text, outbound, KNOWLEDGE)
    if verdict.error is not None:
        assert not verdict.allowed and not verdict.known
        assert verdict.reason.startswith("malformed licence expression")


@settings(max_examples=100, deadline=None)
@given(st.permutations(ATOMS[:20]), st.sampled_from(OUTBOUND))
def test_wide_or_picks_the_first_branch_that_works(atoms: list[str], outbound: str) -> None:
    verdict = outbound_verdict(" OR ".join(f"({a})" for a in atoms), outbound, KNOWLEDGE)
    singles = [outbound_verdict(a, outbound, KNOWLEDGE) for a in atoms]
    first = next((v for v in singles if v.allowed), None)
    assert verdict.allowed is (first is not None)
    if first is not None:
        assert verdict.chosen == first.chosen


def test_forty_way_or_is_evaluated() -> None:
    # 39 licences that refuse GPL-2.0-only, then one that allows it: the last branch wins.
    # (Expanding this to a DNF would be trivial here, but 40 ORs inside ANDs would not be;
    # the speed is measured in bench/licensing.py, not here.)
    refusing = ["Apache-2.0", "GPL-3.0-only", "CDDL-1.0", "EPL-1.0", "MPL-1.1"]
    ids = [f"LicenseRef-x{i}" for i in range(34)] + refusing
    expression = " OR ".join([*ids, "MIT"])
    verdict = outbound_verdict(expression, "GPL-2.0-only", KNOWLEDGE)
    assert verdict.allowed and verdict.chosen == "MIT"
    nested = " AND ".join(f"({expression})" for _ in range(10))
    verdict = outbound_verdict(nested, "GPL-2.0-only", KNOWLEDGE)
    assert verdict.allowed and verdict.chosen == " AND ".join(["MIT"] * 10)
    refused = outbound_verdict(" OR ".join(refusing * 8), "GPL-2.0-only", KNOWLEDGE)
    assert not refused.allowed and refused.known
