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

HASH_NAME = "poly64-crc32-mix"  # recorded in the index's meta table

_MASK = (1 << 64) - 1
_BASE = 0x100000001B3  # the FNV-64 prime: odd, so multiplication is invertible mod 2**64
_MIX = 0x9E3779B97F4A7C15
_SIGN = 1 << 63
_CODES: dict[str, int] = {}


def token_code(token: str) -> int:
    """Stable code of a normalised token (CRC-32 of its UTF-8 text, plus one: never zero)."""
    code = _CODES.get(token)
    if code is None:
        code = zlib.crc32(token.encode("utf-8")) + 1
        _CODES[token] = code
    return code


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
    n = len(tokens)
    if n < k:
        return []
    if remember:
        codes = [_CODES.get(t) or token_code(t) for t in tokens]
    else:
        known = _CODES.get
        codes = [known(t) or zlib.crc32(t.encode("utf-8")) + 1 for t in tokens]
    mask, base, mix, sign = _MASK, _BASE, _MIX, _SIGN
    top = pow(base, k - 1, 1 << 64)
    if back is None:
        h = 0
        for c in codes[:k]:
            h = (h * base + c) & mask
        out = [0] * (n - k + 1)
        x = ((h ^ (h >> 29)) * mix) & mask
        x ^= x >> 32
        out[0] = x - ((x & sign) << 1)
        i = 0
        for c_in in codes[k:]:
            h = ((h - codes[i] * top) * base + c_in) & mask
            i += 1
            x = ((h ^ (h >> 29)) * mix) & mask
            x ^= x >> 32
            out[i] = x - ((x & sign) << 1)
        return out
    return _parameterised_hashes(codes, back, k)


def _parameterised_hashes(codes: list[int], back: Sequence[int], k: int) -> list[int]:
    """The rolling hash with identifier codes that depend on the k-gram (see kgram_hashes).

    When the k-gram slides past position ``p``, the next occurrence ``j`` of that name (if
    inside the k-gram) loses its back reference: its term is corrected in place.
    """
    n = len(codes)
    mask, base, mix, sign = _MASK, _BASE, _MIX, _SIGN
    refs = [0] + [token_code(f"I{d}") for d in range(1, k)]
    powers = [pow(base, e, 1 << 64) for e in range(k)]
    top = powers[k - 1]
    following = [0] * n  # position of the next occurrence of the same name (0: none)
    for i, d in enumerate(back):
        if d:
            following[i - d] = i
    h = 0
    for i in range(k):
        d = back[i]
        h = (h * base + (refs[d] if 0 < d <= i else codes[i])) & mask
    out = [0] * (n - k + 1)
    x = ((h ^ (h >> 29)) * mix) & mask
    x ^= x >> 32
    out[0] = x - ((x & sign) << 1)
    for p in range(n - k):
        h -= codes[p] * top  # the leaving token never refers back inside its k-gram
        j = following[p]
        if j and j < p + k:
            h += (codes[j] - refs[j - p]) * powers[p + k - 1 - j]
        d = back[p + k]
        h = (h * base + (refs[d] if 0 < d < k else codes[p + k])) & mask
        x = ((h ^ (h >> 29)) * mix) & mask
        x ^= x >> 32
        out[p + 1] = x - ((x & sign) << 1)
    return out


def back_references(tokens: Sequence[str], names: Sequence[str]) -> list[int]:
    """For each token, the distance back to the previous occurrence of the same identifier
    (``tokens[i] == "I"``, spelled ``names[i]``); 0 for other tokens and first occurrences."""
    last: dict[str, int] = {}
    out = [0] * len(tokens)
    for i, (token, name) in enumerate(zip(tokens, names, strict=True)):
        if token == "I":
            j = last.get(name)
            if j is not None:
                out[i] = i - j
            last[name] = i
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
