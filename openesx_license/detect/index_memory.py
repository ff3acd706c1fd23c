"""ScanCode's licence index in less memory, for the process that shares it with its workers.

Two parts of ScanCode's loaded index (32.5.0) hold about 230 MB of the ~1 GB as millions of
small Python objects that matching workers do not need as such:

- ``high_postings_by_rid``: for each approximately matchable rule, the positions of each of
  its legalese tokens (``{tid: array('h')}``), read for the candidates of sequence matching.
  :func:`compact_index` keeps the same numbers in flat arrays, and a sequence that builds a
  rule's dict, equal to ScanCode's item for item and in the same order, when ScanCode asks
  for it (the dict is then the caller's own: reading it writes to no shared page).
- ``unknown_automaton``: read only when matching with ``unknown_licenses=True``, which this
  tool never asks for; dropped.

The rules' token multisets (``msets_by_rid``, 140 MB) were tried the same way and kept as they
are: a query's ~100 candidate rules vary too much for a memo, and rebuilding them cost a
third more matching CPU. Only for the ScanCode versions this was checked against
(:data:`CHECKED_VERSIONS`; tests/unit/detect/test_index_memory.py compares every rule's
rebuilt dict with the one ScanCode's index builder makes from the rule's tokens); another
version keeps its index as it is.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any

#: ScanCode Toolkit versions whose index layout this was checked against
CHECKED_VERSIONS = frozenset({"32.5.0"})
#: ScanCode's own intersector, once :func:`compact_index` replaced it (tests compare the two)
_SCANCODE_INTERSECTOR: Any = None


class RulePostings(Sequence[Any]):
    """``high_postings_by_rid`` from flat arrays: item ``rid`` is a new ``{tid: array('h')}``
    of the positions of each legalese token in the rule (None where ScanCode has none)."""

    __slots__ = ("_ends", "_missing", "_positions", "_spans", "_tids")

    def __init__(self, postings: Sequence[Any]) -> None:
        self._tids = array("i")
        self._ends = array("q")  # token entry j: positions [ends[j - 1], ends[j])
        self._positions = array("h")
        self._spans = array("q", [0])  # rule i: token entries [spans[i], spans[i + 1])
        self._missing = frozenset(rid for rid, by_tid in enumerate(postings) if by_tid is None)
        for by_tid in postings:
            for tid, positions in (by_tid or {}).items():
                self._tids.append(tid)
                self._positions.extend(positions)
                self._ends.append(len(self._positions))
            self._spans.append(len(self._tids))

    def __len__(self) -> int:
        return len(self._spans) - 1

    def __getitem__(self, rid: Any) -> Any:
        if isinstance(rid, slice):
            return [self[i] for i in range(*rid.indices(len(self)))]
        rid, start, end = _span(self._spans, rid)
        if rid in self._missing:
            return None
        ends, positions = self._ends, self._positions
        first = ends[start - 1] if start else 0
        found = {}
        for tid, stop in zip(self._tids[start:end], ends[start:end], strict=True):
            found[tid] = positions[first:stop]
            first = stop
        return found

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))


def _span(spans: array[int], rid: int) -> tuple[int, int, int]:
    """Rule ``rid`` (a negative one counts from the end, as in a list) and its entries."""
    count = len(spans) - 1
    if not -count <= rid < count:
        raise IndexError(f"rule id {rid} out of range")
    rid = rid if rid >= 0 else count + rid
    return rid, spans[rid], spans[rid + 1]


def multisets_intersector(qmset: Any, imset: Any) -> dict[int, int]:
    """``match_set.multisets_intersector`` without its side effect: ScanCode reads the larger
    multiset with ``[key]``, which adds every query token a rule lacks to the rule's
    ``defaultdict`` in the shared index (with a count of 0), so the index grows, and its
    pages are copied, in every worker, query after query. The intersection is the same, in
    the same order; only the sizes of later multisets, and so which one ScanCode iterates
    over, differ, and its callers only sum the counts of the intersection."""
    intersection = {}
    if len(qmset) < len(imset):
        set1, set2 = qmset, imset
    else:
        set1, set2 = imset, qmset
    get = set2.get
    for key, count in set1.items():
        other = get(key, 0)
        if other and count:
            intersection[key] = min(count, other)
    return intersection


def compact_index(index: Any, version: str) -> bool:
    """Replace the parts of ``index`` named in the module docstring, once, and ScanCode's
    multiset intersector by :func:`multisets_intersector`; True when the index is (now)
    compact, False for a ScanCode ``version`` this was not checked against."""
    if version not in CHECKED_VERSIONS:
        return False
    global _SCANCODE_INTERSECTOR
    from licensedcode import match_set

    if match_set.multisets_intersector is not multisets_intersector:
        _SCANCODE_INTERSECTOR = match_set.multisets_intersector
        match_set.multisets_intersector = multisets_intersector
    if isinstance(index.high_postings_by_rid, RulePostings):
        return True
    index.high_postings_by_rid = RulePostings(index.high_postings_by_rid)
    index.unknown_automaton = None
    return True
