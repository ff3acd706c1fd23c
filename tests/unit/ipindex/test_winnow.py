"""Winnowing: the guarantee that makes it a detector, robust tie-breaking, stable hashes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openesx_license.ipindex.winnow import (
    back_references,
    fingerprint_tokens,
    kgram_hashes,
    winnow,
)

ALPHABET = ["I", "N", "S", "(", ")", ";", "=", "+", "if", "return", "{", "}", ",", "*"]
tokens = st.lists(st.sampled_from(ALPHABET), max_size=120)


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(2, 12),
    window=st.integers(1, 10),
    prefix=tokens,
    suffix=tokens,
    other_prefix=tokens,
    other_suffix=tokens,
    shared=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=80),
    extra=st.integers(0, 20),
)
def test_shared_substring_of_k_plus_w_minus_1_tokens_shares_a_fingerprint(
    k: int,
    window: int,
    prefix: list[str],
    suffix: list[str],
    other_prefix: list[str],
    other_suffix: list[str],
    shared: list[str],
    extra: int,
) -> None:
    guarantee = k + window - 1
    shared = (shared * (guarantee // len(shared) + 2))[: guarantee + extra]
    first = prefix + shared + suffix
    second = other_prefix + shared + other_suffix
    a = {h for h, _ in fingerprint_tokens(first, k, window)}
    b = {h for h, _ in fingerprint_tokens(second, k, window)}
    assert a & b


@settings(max_examples=100, deadline=None)
@given(hashes=st.lists(st.integers(-50, 50), max_size=200), window=st.integers(1, 12))
def test_every_window_has_its_minimum_selected(hashes: list[int], window: int) -> None:
    selected = winnow(hashes, window)
    assert selected == sorted(set(selected))
    chosen = set(selected)
    for start in range(max(0, len(hashes) - window + 1)):
        span = range(start, start + window)
        low = min(hashes[i] for i in span)
        assert any(i in chosen and hashes[i] == low for i in span)


def test_robust_winnowing_keeps_few_fingerprints_for_a_run_of_equal_hashes() -> None:
    # plain rightmost-minimum winnowing would select every position of the run (37 of them);
    # robust winnowing keeps a position while it stays in the window: one per window length
    assert winnow([5] * 40, 4) == list(range(3, 40, 4))
    assert winnow([9, 1, 7, 1, 8, 1, 6], 3) == [1, 3, 5]


def test_short_input_still_yields_its_minimum() -> None:
    assert winnow([4, 2, 3], 8) == [1]
    assert winnow([], 8) == []
    assert kgram_hashes(["I", "="], 3) == []


def test_hashes_are_stable_across_runs_and_versions() -> None:
    # the index is shared between machines: the hash of a k-gram must never change silently
    assert kgram_hashes(["I", "=", "N", ";"], 4) == [-6859912287801782408]
    assert all(-(2**63) <= h < 2**63 for h in kgram_hashes(ALPHABET * 3, 5))


def _recoded(tokens: list[str], names: list[str], p: int, k: int) -> list[str]:
    """The k-gram at ``p`` written out with its identifiers parameterised, the slow way."""
    out = []
    for i in range(p, p + k):
        earlier = [j for j in range(p, i) if tokens[j] == "I" and names[j] == names[i]]
        out.append(f"I{i - earlier[-1]}" if tokens[i] == "I" and earlier else tokens[i])
    return out


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(2, 12),
    stream=st.lists(
        st.one_of(st.sampled_from(["(", ";", "N", "->"]), st.sampled_from("abcd")), max_size=60
    ),
)
def test_parameterised_rolling_hash_equals_each_kgram_recoded(k: int, stream: list[str]) -> None:
    tokens = ["I" if t in "abcd" else t for t in stream]
    back = back_references(tokens, stream)
    expected = [
        kgram_hashes(_recoded(tokens, stream, p, k), k)[0] for p in range(len(tokens) - k + 1)
    ]
    assert kgram_hashes(tokens, k, back) == expected


def test_parameterised_hashes_survive_renaming_but_tell_shapes_apart() -> None:
    # s->a = f(s->a); versus the same shape over other names in other places
    tokens = ["I", "->", "I", "=", "I", "(", "I", "->", "I", ")", ";"]
    copied = ["s", "->", "a", "=", "f", "(", "s", "->", "a", ")", ";"]
    renamed = ["dev", "->", "cnt", "=", "g", "(", "dev", "->", "cnt", ")", ";"]
    shape = ["s", "->", "a", "=", "f", "(", "t", "->", "b", ")", ";"]
    hashes = [
        kgram_hashes(tokens, 11, back_references(tokens, n)) for n in (copied, renamed, shape)
    ]
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]
    assert hashes[2] == kgram_hashes(tokens, 11)  # no name repeats: plain I codes


@settings(max_examples=100, deadline=None)
@given(
    k=st.integers(2, 10),
    window=st.integers(1, 8),
    prefix=st.lists(st.sampled_from("abcxyz"), max_size=40),
    other_prefix=st.lists(st.sampled_from("abcxyz"), max_size=40),
    shared=st.lists(st.sampled_from(["a", "b", "c", "(", ";"]), min_size=1, max_size=40),
)
def test_guarantee_holds_with_parameterised_identifiers(
    k: int, window: int, prefix: list[str], other_prefix: list[str], shared: list[str]
) -> None:
    # the shared run's names also occur just before it, differently in each file: codes
    # refer back only inside a k-gram, so the run's own k-grams hash alike in both
    guarantee = k + window - 1
    shared = (shared * (guarantee // len(shared) + 2))[:guarantee]
    first, second = prefix + shared, other_prefix + shared
    prints = []
    for names in (first, second):
        tokens = ["I" if t.isalpha() else t for t in names]
        prints.append(
            {h for h, _ in fingerprint_tokens(tokens, k, window, back_references(tokens, names))}
        )
    assert prints[0] & prints[1]


def _one_kgram(tokens: list[str], k: int) -> int:
    """The hash of the k-gram ``tokens`` by its definition: the polynomial of its token codes
    modulo 2**64, then the finaliser, as a signed 64-bit value."""
    from openesx_license.ipindex import winnow as w

    h = 0
    for token in tokens[:k]:
        h = (h * w._BASE + w.token_code(token)) % 2**64
    x = ((h ^ (h >> 29)) * w._MIX) % 2**64
    x ^= x >> 32
    return x - 2**64 if x >= 2**63 else x


@settings(max_examples=200, deadline=None)
@given(k=st.integers(1, 30), stream=st.lists(st.sampled_from(ALPHABET), max_size=90))
def test_all_kgrams_hashed_at_once_equal_each_hashed_by_definition(
    k: int, stream: list[str]
) -> None:
    expected = [_one_kgram(stream[p : p + k], k) for p in range(len(stream) - k + 1)]
    assert kgram_hashes(stream, k) == expected
    assert kgram_hashes(stream, k, remember=False) == expected


@settings(max_examples=200, deadline=None)
@given(stream=st.lists(st.one_of(st.sampled_from(["(", ";", "N"]), st.sampled_from("abcde"))))
def test_back_references_point_at_the_previous_use_of_the_name(stream: list[str]) -> None:
    tokens = ["I" if t in "abcde" else t for t in stream]
    expected = []
    for i, name in enumerate(stream):
        earlier = [j for j in range(i) if tokens[j] == "I" and stream[j] == name]
        expected.append(i - earlier[-1] if tokens[i] == "I" and earlier else 0)
    assert back_references(tokens, stream) == expected
