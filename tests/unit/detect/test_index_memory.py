"""ScanCode's licence index in less memory gives ScanCode's own structures and results."""

from __future__ import annotations

import random
from array import array
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import pytest

from openesx_license.detect import engine, index_memory
from openesx_license.detect.index_memory import RulePostings, compact_index


def _postings(tids: Any, len_legalese: int) -> dict[int, array[int]]:
    """High postings as ScanCode 32.5.0 builds them (``LicenseIndex._add_rules``)."""
    found: defaultdict[int, list[int]] = defaultdict(list)
    for pos, tid in enumerate(tids):
        if tid < len_legalese:
            found[tid].append(pos)
    return {tid: array("h", value) for tid, value in found.items()}


def test_postings_give_back_every_rule_as_given() -> None:
    given = [
        {3: array("h", [0, 4]), 1: array("h", [2])},
        None,
        {},
        None,
        {7: array("h", [1, 2, 3])},
    ]
    postings = RulePostings(given)
    assert len(postings) == 5
    assert list(postings) == given
    assert [list(p.items()) for p in postings if p] == [list(p.items()) for p in given if p]
    assert postings[-1] == given[-1] and postings[-4] is None and postings[1:3] == given[1:3]
    assert postings[0] is not postings[0]  # each caller gets its own dict
    with pytest.raises(IndexError):
        postings[5]
    with pytest.raises(IndexError):
        postings[-6]


def test_intersector_is_scancodes_without_writing_to_the_rule() -> None:
    from licensedcode import match_set

    scancode = index_memory._SCANCODE_INTERSECTOR or match_set.multisets_intersector
    assert scancode is not index_memory.multisets_intersector
    rng = random.Random(20)
    for _ in range(300):
        query: defaultdict[int, int] = defaultdict(int)
        rule: defaultdict[int, int] = defaultdict(int)
        for tid in rng.sample(range(60), rng.randint(0, 40)):
            query[tid] = rng.randint(1, 3)
        for tid in rng.sample(range(60), rng.randint(0, 40)):
            rule[tid] = rng.randint(0, 3)  # ScanCode's writes leave zero counts in rules
        before = dict(rule), dict(query)
        ours = index_memory.multisets_intersector(query, rule)
        assert (dict(rule), dict(query)) == before
        assert list(ours.items()) == list(scancode(query, rule).items())


def test_another_scancode_version_keeps_its_index() -> None:
    index = SimpleNamespace(high_postings_by_rid=[None], unknown_automaton="automaton")
    assert compact_index(index, "99.0.0") is False
    assert index.high_postings_by_rid == [None] and index.unknown_automaton == "automaton"


@pytest.mark.scancode
def test_the_loaded_index_is_compact_and_equal_to_scancodes() -> None:
    from licensedcode import match_set
    from licensedcode.cache import get_index

    engine.load_index()
    index = get_index()
    assert engine.scancode_version() in index_memory.CHECKED_VERSIONS
    assert isinstance(index.high_postings_by_rid, RulePostings)
    assert index.unknown_automaton is None
    assert match_set.multisets_intersector is index_memory.multisets_intersector
    assert compact_index(index, engine.scancode_version())  # a second time changes nothing
    approx = set(index.approx_matchable_rids)
    for rid, tids in enumerate(index.tids_by_rid):
        got = index.high_postings_by_rid[rid]
        if rid not in approx:
            assert got is None
            continue
        want = _postings(tids, index.len_legalese)
        assert list(got.items()) == list(want.items())
        assert all(p.typecode == "h" for p in got.values())
