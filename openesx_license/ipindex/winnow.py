"""k-gram hashing and robust winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003).

Every run of ``k`` consecutive normalised tokens (a k-gram) gets a 64-bit hash; in every window
of ``window`` consecutive k-gram hashes the minimum is selected, and the selected hashes are the
document's fingerprints. The guarantee that makes this a detector: two token streams that share
a substring of at least ``k + window - 1`` tokens share at least one fingerprint (the minimum
of any window that lies inside the shared part is selected in both).

Ties use the paper's *robust winnowing*: a window keeps the position chosen by the window one
to its left when that position still holds the minimum, otherwise the rightmost minimum. In
low-entropy code (tables of numbers normalise to ``N , N , N ,``) this records one fingerprint
per run of equal hashes instead of one per window.

The k-gram hash is a polynomial rolling hash modulo 2**64 over stable per-token codes (CRC-32 of
the normalised token), passed through a 64-bit finaliser so that the minimum of a window is
uniformly distributed. It depends on nothing but the token text: the same stream gives the same
hashes on every machine and Python version, which a shared index needs.

Identifiers are *parameterised* (Baker, *Parameterized duplication in strings*, 1995/97): inside
a k-gram, an identifier that already occurred in the same k-gram is coded by the distance back
to that occurrence (``I3``: the name seen three tokens earlier), a first occurrence as plain
``I``. Consistent renaming leaves the codes alone, as it leaves ``I`` alone; but two fragments
that merely share a shape (``I ( I -> I ) ; I -> I = I ;`` with other names in other places)
no longer hash alike. The distance is measured inside the k-gram, so the hash still depends on
the k-gram's own tokens only and the winnowing guarantee holds.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

HASH_NAME = "poly64-crc32-mix"  # recorded in the index's meta table

_BASE = 0x100000001B3  # the FNV-64 prime: odd, so multiplication is invertible mod 2**64
_MIX = 0x9E3779B97F4A7C15
_CODES: dict[str, int] = {}


def token_code(token: str) -> int:
    """Stable code of a normalised token (CRC-32 of its UTF-8 text, plus one: never zero)."""
    code = _CODES.get(token)
    if code is None:
        code = zlib.crc32(token.encode("utf-8")) + 1
        _CODES[token] = code
    return code


def token_ids(tokens: Sequence[str]) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each token's number among the stream's distinct tokens (in order of first
    occurrence), and those tokens."""
    table = dict.fromkeys(tokens, 0)
    for number, token in enumerate(table):
        table[token] = number
    ids = np.fromiter(map(table.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    return ids, list(table)


def token_codes(
    tokens: Sequence[str], *, remember: bool = True, encoded: tuple[npt.NDArray[np.int64],
    list[str]] | None = None,
) -> npt.NDArray[np.uint64]:  # fmt: skip
    """The :func:`token_code` of each token (``encoded``: their :func:`token_ids`, when
    known); ``remember=False``: codes of tokens not seen before are not kept for the next
    call."""
    ids, distinct = encoded or token_ids(tokens)
    known = _CODES.get
    if remember:
        codes = [known(t) or token_code(t) for t in distinct]
    else:
        crc = zlib.crc32
        codes = [known(t) or crc(t.encode("utf-8")) + 1 for t in distinct]
    return np.array(codes, dtype=np.uint64)[ids]


def kgram_hashes(
    tokens: Sequence[str], k: int, back: Sequence[int] | None = None, *, remember: bool = True
) -> list[int]:
    """Hashes of every k-gram of ``tokens`` (``len(tokens) - k + 1`` of them), signed 64-bit.

    ``back`` (parallel to ``tokens``) parameterises identifiers: ``back[i]`` is the distance
    to the previous occurrence of the same name (0: none, or not an identifier). Inside each
    k-gram, a token whose previous occurrence lies in the same k-gram is coded by that
    distance instead of its own text. ``remember=False``: codes of tokens not seen before are
    not kept for the next call (streams of names or literal values, which are as many as the
    tree has, would otherwise fill the process's memory).
    """
    if len(tokens) < k:
        return []
    return kgram_array(token_codes(tokens, remember=remember), k, back).tolist()


def kgram_array(
    codes: Sequence[int] | npt.NDArray[np.uint64],
    k: int,
    back: Sequence[int] | npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """:func:`kgram_hashes` of the tokens whose :func:`token_code` s are ``codes``, as a
    signed 64-bit array (empty when there are fewer than ``k`` codes).

    Computed for all k-grams at once: the hash of the k-gram at ``p`` is the sum of
    ``code(p + j) * BASE ** (k - 1 - j)`` modulo 2**64 (Horner's rule over ``j``, unsigned
    64-bit arithmetic wraps exactly so), where an identifier whose previous occurrence lies
    ``d <= j`` tokens back, inside the k-gram, is coded by ``d`` (``I<d>``) instead of its
    text; then the finaliser. The same values as rolling the hash token by token.
    """
    n = len(codes)
    if n < k:
        return np.zeros(0, dtype=np.int64)
    count = n - k + 1
    c = np.asarray(codes, dtype=np.uint64)
    base = np.uint64(_BASE)
    h = np.zeros(count, dtype=np.uint64)
    if back is None:
        for j in range(k):
            h *= base
            h += c[j : j + count]
    else:
        d = np.asarray(back, dtype=np.int64)
        refs = np.array([0] + [token_code(f"I{e}") for e in range(1, k)], dtype=np.uint64)
        ref = refs[np.clip(d, 0, k - 1)]
        for j in range(k):
            h *= base
            dj = d[j : j + count]
            h += np.where((dj > 0) & (dj <= j), ref[j : j + count], c[j : j + count])
    x = (h ^ (h >> np.uint64(29))) * np.uint64(_MIX)
    x ^= x >> np.uint64(32)
    return x.view(np.int64)


def back_references(tokens: Sequence[str], names: Sequence[str]) -> list[int]:
    """For each token, the distance back to the previous occurrence of the same identifier
    (``tokens[i] == "I"``, spelled ``names[i]``); 0 for other tokens and first occurrences."""
    return back_array(tokens, names).tolist()


def back_array(
    tokens: Sequence[str], names: Sequence[str], ids: npt.NDArray[np.int64] | None = None,
    identifier: int | None = None,
) -> npt.NDArray[np.int64]:  # fmt: skip
    """:func:`back_references` as an array; ``ids`` and ``identifier``: the tokens'
    :func:`token_ids` and the number of ``"I"`` among them, when known."""
    out = np.zeros(len(tokens), dtype=np.int64)
    if ids is None:
        at = np.array([i for i, t in enumerate(tokens) if t == "I"], dtype=np.int64)
    elif identifier is None:
        return out
    else:
        at = np.flatnonzero(ids == identifier)
    if len(at) < 2:
        return out
    spelled, _ = token_ids([names[i] for i in at.tolist()])
    order = np.argsort(spelled, kind="stable")
    ordered = spelled[order]
    same = ordered[1:] == ordered[:-1]
    later, earlier = at[order[1:][same]], at[order[:-1][same]]
    out[later] = later - earlier
    return out


def winnow(hashes: Sequence[int], window: int) -> list[int]:
    """Robust winnowing of k-gram hashes: the selected positions, ascending, none repeated.

    A sequence shorter than one window still yields its (rightmost) minimum, so that a small
    file is not invisible.
    """
    n = len(hashes)
    if n == 0:
        return []
    w = min(window, n)
    # the first window: rightmost minimum
    best = w - 1
    for j in range(w - 2, -1, -1):
        if hashes[j] < hashes[best]:
            best = j
    selected = [best]
    for end in range(w, n):
        h = hashes[end]
        if best <= end - w:
            # the previous minimum left the window: rightmost minimum of the new window
            best = end
            for j in range(end - 1, end - w, -1):
                if hashes[j] < hashes[best]:
                    best = j
            selected.append(best)
        elif h < hashes[best]:  # strictly smaller: an equal hash keeps the old position
            best = end
            selected.append(best)
    return selected


def fingerprint_tokens(
    tokens: Sequence[str], k: int, window: int, back: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """The winnowed fingerprints of a normalised token stream as (hash, position) pairs."""
    hashes = kgram_hashes(tokens, k, back)
    return [(hashes[p], p) for p in winnow(hashes, window)]
