"""ScanCode's approximate-match candidates, the same ones, without testing every rule.

Most of the time ScanCode spends on a licence block (about 98 % on a sample of Linux's
blocks) is in ``licensedcode.match_set.compute_candidates``: for each query run it compares
the query's token set with the token set of every one of the ~35,000 approximately matchable
rules, in Python, to keep the few that share enough *legalese* ("high") tokens. A rule is
only kept when the shared high tokens number at least ``max(1, min_high)``, ``min_high``
being the rule's ``min_high_matched_length_unique`` (``compare_token_sets`` with
``filter_non_matching``): with ``n`` high tokens, at least one of any ``n - k + 1`` of them
is then in the query (``k = max(1, min_high)``). So each rule is filed under its
``n - k + 1`` rarest high tokens, once per index; a query's candidates are the rules filed
under one of its high tokens that pass ``compare_token_sets``' tests (at least ``k`` shared
high tokens, the rule's minimum matched length and containment; bitset intersections):
exactly the rules whose scores ScanCode computes, usually a few dozen. ScanCode's own
``compute_candidates`` then runs on those only (through a view of the index holding just
them, numbered in rule id order), so scores, ranking and ties
(broken by rule id) are exactly its own.

:func:`install` replaces ``match_set.compute_candidates`` with the filtered one (ScanCode's
index calls it through the module); only for the ScanCode version it was checked against
(:data:`CHECKED_VERSIONS`): another version keeps its own function.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

#: ScanCode Toolkit versions whose ``compute_candidates`` this filter was checked against
CHECKED_VERSIONS = frozenset({"32.5.0"})


@dataclass(frozen=True, kw_only=True)
class _Filed:
    """Rules filed by high token id, for one index."""

    index_id: int
    by_token: dict[int, Any]  # token id -> intbitset of rule ids
    high: dict[int, Any]  # rule id -> intbitset of its high token ids
    need: dict[int, int]  # rule id -> high tokens it must share with a query
    #: rule id -> (tokens it must share, its unique length, its minimum containment)
    thresholds: dict[int, tuple[int, int, float]]


@dataclass(frozen=True, kw_only=True)
class _Subset:
    """The part of a licence index that ``compute_candidates`` reads, for some rules only:
    rule ``i`` here is the ``i``-th of them (in rule id order, so that ties rank alike)."""

    len_legalese: int
    rules_by_rid: list[Any]
    sets_by_rid: list[Any]
    msets_by_rid: list[Any]


_FILED: _Filed | None = None
_ORIGINAL: Any = None


def file_rules(idx: Any) -> _Filed:
    """File every approximately matchable rule of ``idx`` under its rarest high tokens."""
    from intbitset import intbitset

    len_legalese = idx.len_legalese
    high_sets: dict[int, list[int]] = {}
    frequency: Counter[int] = Counter()
    for rid in idx.approx_matchable_rids:
        high = [t for t in idx.sets_by_rid[rid] if t < len_legalese]
        high_sets[rid] = high
        frequency.update(high)
    filed: dict[int, list[int]] = {}
    need: dict[int, int] = {}
    for rid, high in high_sets.items():
        need[rid] = max(1, idx.rules_by_rid[rid].get_min_high_matched_length(True))
        if need[rid] > len(high):
            continue  # never enough high tokens: ScanCode never keeps it
        rarest = sorted(high, key=lambda t: (frequency[t], t))[: len(high) - need[rid] + 1]
        for token in rarest:
            filed.setdefault(token, []).append(rid)
    return _Filed(
        index_id=id(idx),
        by_token={t: intbitset(rids) for t, rids in filed.items()},
        high={rid: intbitset(high) for rid, high in high_sets.items()},
        need=need,
        thresholds={
            rid: (
                rule.get_min_matched_length(True),
                rule.get_length(True),
                rule._minimum_containment,
            )
            for rid in high_sets
            for rule in (idx.rules_by_rid[rid],)
        },  # fmt: skip
    )


def ensure_filed(idx: Any) -> _Filed:
    """The rules of ``idx`` filed (done once per index and process; a forked worker shares
    the fork server's)."""
    global _FILED
    if _FILED is None or _FILED.index_id != id(idx):
        _FILED = file_rules(idx)
    return _FILED


def candidate_rids(query_run: Any, idx: Any) -> list[int]:
    """The approximately matchable rules of ``idx`` that share with ``query_run`` the high
    tokens ScanCode requires (ascending rule ids); the others are never its candidates."""
    from intbitset import intbitset
    from licensedcode.match_set import build_set_and_mset

    filed = ensure_filed(idx)
    qset, _ = build_set_and_mset(query_run.matchable_tokens())
    high = []
    for token in qset:  # token ids ascend: the high ones come first
        if token >= idx.len_legalese:
            break
        high.append(token)
    qhigh = intbitset(high)
    found = intbitset()
    for token in high:
        rids = filed.by_token.get(token)
        if rids is not None:
            found |= rids
    need, rule_high, thresholds, sets = filed.need, filed.high, filed.thresholds, idx.sets_by_rid
    kept = []
    for rid in found:  # compare_token_sets' tests, in its order and arithmetic
        if len(qhigh & rule_high[rid]) < need[rid]:
            continue
        matched = len(qset & sets[rid])
        min_matched, length, min_containment = thresholds[rid]
        if matched < min_matched or (min_containment and matched / length < min_containment):
            continue
        kept.append(rid)
    return kept


def compute_candidates(
    query_run: Any,
    idx: Any,
    matchable_rids: Any,
    top: int = 50,
    high_resemblance: bool = False,
    high_resemblance_threshold: float = 0.8,
    _use_bigrams: bool = False,
) -> Any:
    """``match_set.compute_candidates`` on the rules :func:`candidate_rids` keeps."""
    options = {
        "top": top,
        "high_resemblance": high_resemblance,
        "high_resemblance_threshold": high_resemblance_threshold,
        "_use_bigrams": _use_bigrams,
    }
    # bigram multisets (off in ScanCode) and other rule sets would need their own proof
    if _use_bigrams or matchable_rids is not idx.approx_matchable_rids:
        return _ORIGINAL(query_run, idx, matchable_rids, **options)
    rids = candidate_rids(query_run, idx)
    subset = _Subset(
        len_legalese=idx.len_legalese,
        rules_by_rid=[idx.rules_by_rid[r] for r in rids],
        sets_by_rid=[idx.sets_by_rid[r] for r in rids],
        msets_by_rid=[idx.msets_by_rid[r] for r in rids],
    )
    found = _ORIGINAL(query_run, subset, range(len(rids)), **options)
    return [(scores, rids[i], rule, high) for scores, i, rule, high in found]


def install(version: str) -> bool:
    """Use the filtered ``compute_candidates`` in ScanCode ``version``; True when in use."""
    global _ORIGINAL
    from licensedcode import match_set

    if _ORIGINAL is not None:
        return True
    if version not in CHECKED_VERSIONS:
        return False
    _ORIGINAL = match_set.compute_candidates
    match_set.compute_candidates = compute_candidates
    return True


def uninstall() -> None:
    """Put ScanCode's own ``compute_candidates`` back (tests compare the two)."""
    global _ORIGINAL
    from licensedcode import match_set

    if _ORIGINAL is not None:
        match_set.compute_candidates = _ORIGINAL
        _ORIGINAL = None
