"""The fingerprint of one file: winnowed k-gram hashes with line spans, includes and symbols.

:func:`print_text` is the one place where source text turns into what the index keeps; nothing
it returns holds source text except the names in ``definitions``, ``used`` and ``spelled`` (kept
in memory for matching; the index stores symbols only as salted hashes, see
:mod:`openesx_license.ipindex.store`).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from openesx_license._util.executor import ExecutorSpec, run_chunks
from openesx_license._util.procs import worker_pool
from openesx_license.csource.definitions import DEFINITIONS_VERSION, Definition
from openesx_license.csource.directives import preprocess
from openesx_license.csource.lexer import (
    NORMALISER_VERSION,
    Include,
    TokenStream,
    literal_key,
    tokenize,
)
from openesx_license.csource.symbols import definitions
from openesx_license.csource.uses import used_names
from openesx_license.inventory.textcodec import decode_text
from openesx_license.ipindex.standard import standard_names
from openesx_license.ipindex.winnow import (
    HASH_NAME,
    back_array,
    kgram_array,
    token_codes,
    token_ids,
    winnow,
)

MAX_FILE_BYTES = 4 * 1024 * 1024  # larger files are generated tables, not hand-written code
#: the prefix of the Dask task keys that print files (the scheduler's task stream shows them)
TASK_NAME = "openesx-copy-prints"
#: a Dask task's share: at most this many files or bytes (whichever comes first)
_REMOTE_FILES = 100
_REMOTE_BYTES = 8 * 1024 * 1024
#: a k-gram with at most this many distinct token trigrams per token is a table or a list of
#: declarations (``#define I N``, ``unsigned I : N ;`` fields, ``I -> I [ I ] . I = N ;``,
#: ``case I : return S ;``): a shape every project has, no evidence. A k-gram that repeats a
#: pattern of period d has at most d distinct trigrams; one statement of ordinary code among
#: such a list does not lift it over the bar. Measured on QEMU and Xen (bench/copied.py): at
#: k = 25 (12 of its 23 trigrams) it removes three in four shape-only matches between them.
LOW_INFORMATION = 0.5
#: the hash a k-gram that is no evidence gets: never the minimum of a window that has another
#: k-gram, never stored in an index
EXCLUDED = (1 << 63) - 1


def distinct_trigrams(tokens: Sequence[str], k: int) -> list[int]:
    """For every k-gram of ``tokens``, how many distinct token trigrams it holds."""
    return _distinct_trigrams(tokens, k).tolist()


#: above this many distinct tokens a trigram's number would not fit 63 bits (cube root of
#: 2**63); such a stream is counted trigram by trigram
_TRIGRAM_IDS = 2_000_000


def _distinct_trigrams(
    tokens: Sequence[str], k: int, encoded: tuple[npt.NDArray[np.int64], list[str]] | None = None
) -> npt.NDArray[np.int64]:
    """:func:`distinct_trigrams` as an array (``encoded``: the tokens' :func:`token_ids`,
    when known), counted for all k-grams at once: a trigram counts in the k-gram at ``p``
    when its previous occurrence lies before ``p``."""
    count = len(tokens) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < 3:
        return np.full(count, k, dtype=np.int64)
    ids, distinct_tokens = encoded or token_ids(tokens)
    v = len(distinct_tokens)
    if v < _TRIGRAM_IDS:
        keys = (ids[:-2] * v + ids[1:-1]) * v + ids[2:]
    else:  # numbered one by one, exactly
        numbers: dict[tuple[str, str, str], int] = {}
        triples = zip(tokens, tokens[1:], tokens[2:], strict=False)
        keys = np.array([numbers.setdefault(t, len(numbers)) for t in triples], dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    previous = np.full(len(keys), -1, dtype=np.int64)  # the trigram's previous occurrence
    previous[order[1:][same]] = order[:-1][same]
    starts = np.arange(count, dtype=np.int64)
    distinct = np.zeros(count, dtype=np.int64)
    for j in range(k - 2):  # the trigrams per k-gram
        distinct += previous[j : j + count] < starts
    return distinct


def low_information(tokens: Sequence[str], k: int) -> list[bool]:
    """Which k-grams of ``tokens`` have too few distinct trigrams to be evidence."""
    return _low_information(tokens, k).tolist()


def _low_information(
    tokens: Sequence[str], k: int, encoded: tuple[npt.NDArray[np.int64], list[str]] | None = None
) -> npt.NDArray[np.bool_]:
    return _distinct_trigrams(tokens, k, encoded) <= int(LOW_INFORMATION * k)


_INTEGER_RE = re.compile(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]+|[0-9]+)[uUlL]*")


@lru_cache(maxsize=1 << 16)  # a tree writes the same literals over and over
def _integer(raw: str) -> int | None:
    """The value of an integer literal (``0x1F``, ``0b101``, ``0377``, ``42UL``); None for a
    float."""
    integer = _INTEGER_RE.fullmatch(raw)
    if integer is None:
        return None
    text = integer.group(1).lower()
    if text.startswith("0b"):
        return int(text[2:], 2)
    if "x" in text:
        return int(text, 16)
    octal = len(text) > 1 and text[0] == "0" and not set(text) & {"8", "9"}  # 09: not C, no crash
    return int(text, 8 if octal else 10)


def _valued(token: str, raw: str) -> str:
    """A token of the value-keeping stream: particular literals (:func:`particular_value`)
    keep their value."""
    return particular_value(token, raw) or token


def stream_hashes(stream: TokenStream, k: int, names: Sequence[int] | None = None) -> list[int]:
    """The hash of every k-gram of a token stream, :data:`EXCLUDED` for those that are no
    evidence.

    Identifiers are parameterised by their spelling (see
    :func:`openesx_license.ipindex.winnow.kgram_hashes`). A k-gram of low information once
    numbers and literals are abstracted (``{ N , N } ,``, ``I ( S ) ;``) is hashed again with
    the values of its particular literals (:func:`particular_value`: strings, distinctive
    numbers); if it is still of low information (register maps ``#define I N`` with small
    offsets, ``I -> I = I ;`` lists, ``case I :`` lists) it is hashed with its names spelled
    out, when they are the program's own (its name hash, ``names`` or
    :func:`name_hashes`, is not 0) and make it more than a repeated pattern; otherwise it is
    excluded. A table of particular constants or messages, or a list of the program's own
    registers, is evidence when copied with its values or names; the shape of a table or
    list is not, so a renamed list is not found. Everything depends on the k-gram's own
    tokens, so the winnowing guarantee holds for the k-grams that are evidence.
    """
    given = None if names is None else np.asarray(names, dtype=np.int64)
    return _stream_hashes(stream, k, given).tolist()


def _stream_hashes(
    stream: TokenStream, k: int, names: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.int64]:
    """:func:`stream_hashes` as an array. Each stream (abstract, value-keeping, named) is
    hashed whole; a k-gram's hash depends on its own tokens only, so this gives at the
    k-grams that need it what hashing their stretch alone gives."""
    norm, raw = stream.norm, stream.raw
    encoded = token_ids(norm)
    ids, distinct = encoded
    identifier = distinct.index("I") if "I" in distinct else None
    back = back_array(norm, raw, ids, identifier)
    hashes = kgram_array(token_codes(norm, encoded=encoded), k, back)
    weak = _low_information(norm, k, encoded)
    if not weak.any():
        return hashes
    # the value-keeping stream (a back reference out of a weak k-gram's stretch is out of
    # the k-gram, so the whole stream's back references give the same hashes there)
    literals = np.flatnonzero(_either(ids, distinct, "N", "S")).tolist()
    valued, valued_ids = _respelled(
        norm, encoded, literals, [_valued(norm[i], raw[i]) for i in literals]
    )
    still = _low_information(valued, k, valued_ids)
    better = weak & ~still
    if better.any():
        codes = token_codes(valued, remember=False, encoded=valued_ids)
        hashes[better] = kgram_array(codes, k, back)[better]
    rest = weak & still
    if not rest.any():
        return hashes
    if names is None:
        names = _name_hashes(stream, k)
    hashes[rest] = EXCLUDED
    named_ones = rest & (names != 0)
    if named_ones.any():
        spellings = np.flatnonzero(_either(ids, distinct, "I")).tolist()
        named, named_ids = _respelled(valued, valued_ids, spellings, [raw[i] for i in spellings])
        spelled = named_ones & ~_low_information(named, k, named_ids)
        if spelled.any():
            codes = token_codes(named, remember=False, encoded=named_ids)
            hashes[spelled] = kgram_array(codes, k)[spelled]
    return hashes


def _either(ids: npt.NDArray[np.int64], distinct: list[str], *tokens: str) -> npt.NDArray[np.bool_]:
    """Where the stream numbered ``ids`` (:func:`token_ids`) has one of ``tokens``."""
    found = np.zeros(len(ids), dtype=bool)
    for token in tokens:
        if token in distinct:
            found |= ids == distinct.index(token)
    return found


def _respelled(
    tokens: list[str], encoded: tuple[npt.NDArray[np.int64], list[str]], at: list[int],
    spellings: list[str],
) -> tuple[list[str], tuple[npt.NDArray[np.int64], list[str]]]:  # fmt: skip
    """``tokens`` with those ``at`` spelled ``spellings`` instead, and their
    :func:`token_ids` made from the ones of ``tokens`` (``encoded``): numbers stay those of
    the distinct tokens, new spellings get new ones."""
    out = list(tokens)
    ids, distinct = encoded
    table = dict(zip(distinct, range(len(distinct)), strict=True))
    numbers = [table.setdefault(t, len(table)) for t in spellings]
    for i, spelling in zip(at, spellings, strict=True):
        out[i] = spelling
    renumbered = ids.copy()
    renumbered[at] = numbers
    return out, (renumbered, list(table))


_EMPTY_STRING = literal_key('""')
#: below this, an integer is a count, an index, a shift or a bit number (0..255), the same in
#: every program; so are powers of two and masks (2**n - 1) of any size
PARTICULAR_NUMBER = 256


def particular_value(token: str, raw: str) -> str | None:
    """The value of a literal that tells code apart, as the value-keeping stream spells it:
    a non-empty string, a floating constant, an integer of at least 256 that is neither a
    power of two nor a mask. None for anything else: ``for (d = 0; d < 32; d++)``,
    ``argv[2]`` or ``x >> 13`` are written alike by everyone; ``0x43803280``, ``54454`` or
    ``"unimplemented register"`` are not."""
    if token == "S":
        return None if raw == _EMPTY_STRING else raw
    if token != "N":
        return None
    value = _integer(raw)
    if value is None:
        return "N" + raw  # a floating constant
    return None if _everyones(value) else f"N{value}"


def _everyones(value: int) -> bool:
    """An integer every program writes: below 256, a power of two or a mask."""
    return value < PARTICULAR_NUMBER or value & (value - 1) == 0 or value & (value + 1) == 0


def literal_value(token: str, raw: str) -> str | None:
    """The value of any literal as the value hashes see it (``0x10`` and ``16`` alike); None
    for a token that is not a literal."""
    if token == "S":
        return raw
    if token != "N":
        return None
    value = _integer(raw)
    return "N" + raw if value is None else f"N{value}"


#: how much one literal tells code apart (:func:`value_weight`); a k-gram whose literals
#: weigh :data:`MIN_WEIGHT` together is evidence when they agree
WEIGHT_TRIVIAL, WEIGHT_SMALL, WEIGHT_PARTICULAR, WEIGHT_MESSAGE = 0, 1, 2, 4
MIN_WEIGHT = 4


def value_weight(token: str, raw: str) -> int:
    """How much one literal tells code apart: 0 for ``0``, ``1`` and ``""`` (in every
    program); 1 for the other numbers everyone writes (below 256, powers of two, masks): one
    of them agrees by chance, four in the same places rarely do; 2 for a particular value
    (:func:`particular_value`); 4 for a message (a string of
    :data:`~openesx_license.csource.lexer.LONG_LITERAL` characters or more), which on its
    own says whose code it is. 0 for anything that is not a literal."""
    if token == "S":
        if raw == _EMPTY_STRING:
            return WEIGHT_TRIVIAL
        return WEIGHT_MESSAGE if raw.startswith("SL#") else WEIGHT_PARTICULAR
    if token != "N":
        return 0
    value = _integer(raw)
    if value is None or not _everyones(value):
        return WEIGHT_PARTICULAR  # a floating constant, or a particular integer
    return WEIGHT_TRIVIAL if value in (0, 1) else WEIGHT_SMALL


#: bump on any change to which literals or names count or how they are hashed (print caches
#: key on it, indexes record it in their meta and refuse another). 2: every literal's value
#: is hashed, weighed by :func:`value_weight` (1: two particular values, the others ignored);
#: 3: numbers a progression predicts weigh nothing; 4: names hashed too (:func:`name_hashes`)
VALUES_VERSION = "4"
#: value hashes keep 16 bits: two k-grams of the same shape with other values agree by chance
#: once in 65,535, and the few small constants of a k-gram cannot be told back from them
VALUE_BITS = 16


def _short(h: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """k-gram hashes cut to the :data:`VALUE_BITS` kept for values and names (1 to 65,535:
    0 means nothing to compare): the remainder of the signed hash, as Python's ``%`` takes
    it, plus one."""
    return np.remainder(h, (1 << VALUE_BITS) - 1) + 1


def progressions(stream: TokenStream) -> tuple[list[int], list[tuple[int, int] | None]]:
    """Integers that continue an arithmetic progression of the integers before them
    (``385, 386, 387``; ``0x10, 0x20, 0x30``; every second one of a table of pairs; the same
    number again and again): an enumeration tells code apart by where it starts, not by its
    step or its length (Xen's MSR numbers 0x181-0x18a are FreeBSD's system calls 385-394).

    Two lists, one entry per token: ``predicted[i]``, the position of the first integer of
    the progression integer ``i`` continues (-1 if none): in a k-gram holding that one too,
    ``i`` is predictable; and ``step[j]`` for the second integer ``j`` of such a progression,
    (position of the first, position of the third): in a k-gram holding both, ``j`` only
    gives the step.
    """
    predicted = [-1] * len(stream.norm)
    step: list[tuple[int, int] | None] = [None] * len(stream.norm)
    seen: list[tuple[int, int]] = []  # (position, value) of the integers so far
    for i, (token, raw) in enumerate(zip(stream.norm, stream.raw, strict=True)):
        if token != "N":
            continue
        value = _integer(raw)
        if value is None:
            continue
        for stride in (1, 2):  # one column, or every second number (a table of pairs)
            if len(seen) >= 2 * stride:
                (second, a), (first, b) = seen[-stride], seen[-2 * stride]
                if value - a == a - b:
                    predicted[i] = max(predicted[i], first)
                    if step[second] is None:
                        step[second] = (first, i)
        seen.append((i, value))
    return predicted, step


def value_hashes(stream: TokenStream, k: int) -> list[int]:
    """For every k-gram, a 16-bit hash of the values of its literals (:func:`literal_value`)
    and where in the k-gram they stand (1 to 65,535); 0 when its literals weigh less than
    :data:`MIN_WEIGHT` (:func:`value_weight`: two particular values, a message, or four of
    the small numbers everyone writes, or a mix; a number the k-gram's own earlier numbers
    predict, :func:`progressions`, weighs nothing).

    Renaming and reformatting leave literals alone, so a copy's k-grams agree on it as well
    as on the abstract hash; code that only has the same shape mostly does not (other
    constants, other messages). It is evidence beside the abstract hash, never instead of it:
    changed constants do not hide a copy. A full-width hash of a few small numbers could be
    inverted by trying them all; 16 bits leave thousands of candidates for every value.
    Everything depends on the k-gram's own tokens.
    """
    return _value_hashes(stream, k).tolist()


def _value_hashes(stream: TokenStream, k: int) -> npt.NDArray[np.int64]:
    """:func:`value_hashes` as an array."""
    norm, raw = stream.norm, stream.raw
    literals = [i for i, token in enumerate(norm) if token == "N" or token == "S"]
    count = len(norm) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    # weight of each k-gram: token i weighs in the k-grams p with i - k < p <= i, but not in
    # those that hold the first integer of a progression it continues (p <= first), nor, if
    # it only gives a progression's step, in those holding its first and third integers
    change = [0] * (count + 1)

    def add(lo: int, hi: int, weight: int) -> None:
        lo, hi = max(lo, 0), min(hi, count - 1)
        if lo <= hi:
            change[lo] += weight
            change[hi + 1] -= weight

    predicted, step = progressions(stream)
    for i in literals:
        weight = value_weight(norm[i], raw[i])
        if not weight:
            continue
        lo = max(i - k + 1, predicted[i] + 1)
        gives_step = step[i]
        if gives_step is None or gives_step[1] - k + 1 > gives_step[0]:
            add(lo, i, weight)  # no k-gram holds the progression's first and third
            continue
        first, third = gives_step
        add(lo, min(i, third - k), weight)  # the k-grams without the third
        add(max(lo, first + 1), i, weight)  # those without the first
    heavy = np.cumsum(np.array(change[:count], dtype=np.int64)) >= MIN_WEIGHT
    if not heavy.any():
        return np.zeros(count, dtype=np.int64)
    values = ["."] * len(norm)
    for i in literals:
        values[i] = literal_value(norm[i], raw[i]) or "."
    hashes = kgram_array(token_codes(values, remember=False), k)
    return np.where(heavy, _short(hashes), 0)


#: how much one name tells code apart (:func:`name_weight`); a k-gram whose names weigh
#: :data:`MIN_WEIGHT` together carries a name hash
NAME_TRIVIAL, NAME_WORD, NAME_COMPOUND = 0, 1, 2
#: a one-word name of at most this many characters is a word everyone uses (``size``,
#: ``opaque``, ``ret``); longer ones and compound names (``vmotion_page_count``) are a
#: program's own vocabulary
SHORT_WORD = 6
_ONE_WORD_RE = re.compile(r"[a-z]+|[A-Z][a-z]*|[A-Z]+")


def name_weight(name: str) -> int:
    """How much one identifier tells code apart, a number at its end and underscores around
    it aside (``tmp2``, ``__u32``): 0 for a name of one or two characters (``i``, ``p``,
    ``rc``, ``u32``) and the standard library's names (``memcpy``, ``uint32_t``, ``EINVAL``:
    in every program, ``rules/standard-names.toml``); 1 for the other one-word names of up to
    :data:`SHORT_WORD` characters (``size``, ``buf``, ``opaque``); 2 for longer or compound
    names (``vmotion_page_count``, ``PAGE_SHIFT``, ``checksum``)."""
    stem = name.strip("_").rstrip("0123456789")
    standard = standard_names()
    if len(stem) <= 2 or name in standard.functions or name in standard.types:
        return NAME_TRIVIAL
    if len(stem) <= SHORT_WORD and _ONE_WORD_RE.fullmatch(stem):
        return NAME_WORD
    return NAME_COMPOUND


def name_hashes(stream: TokenStream, k: int) -> list[int]:
    """For every k-gram, a 16-bit hash of the spelling of its identifiers and where in the
    k-gram they stand (1 to 65,535); 0 when its names weigh less than :data:`MIN_WEIGHT`
    (:func:`name_weight`: two names of the program's own vocabulary, or four common words).

    A verbatim or reformatted copy keeps its names, so its k-grams agree on this hash as
    well as on the abstract one; code that only has the same shape has other names. Renaming
    changes it, so a difference says nothing (unlike literal values, which renaming keeps):
    it is evidence for a copy, never against one. 16 bits, for the reason given at
    :func:`value_hashes`. Everything depends on the k-gram's own tokens.
    """
    return _name_hashes(stream, k).tolist()


def _name_hashes(stream: TokenStream, k: int) -> npt.NDArray[np.int64]:
    """:func:`name_hashes` as an array."""
    norm, raw = stream.norm, stream.raw
    count = len(norm) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    names = [r if t == "I" else "." for t, r in zip(norm, raw, strict=True)]
    encoded = token_ids(names)
    ids, distinct = encoded
    weighed = np.array([0 if name == "." else name_weight(name) for name in distinct])
    totals = np.zeros(len(names) + 1, dtype=np.int64)  # weights of the names before each
    np.cumsum(weighed[ids], out=totals[1:])
    heavy = totals[k : k + count] - totals[:count] >= MIN_WEIGHT
    hashes = kgram_array(token_codes(names, remember=False, encoded=encoded), k)
    return np.where(heavy, _short(hashes), 0)


@dataclass(frozen=True, kw_only=True)
class FilePrint:
    """Fingerprints and symbols of one file (arrays run in parallel, one entry a fingerprint)."""

    path: str
    hashes: array[int] = field(default_factory=lambda: array("q"))
    positions: array[int] = field(default_factory=lambda: array("l"))  # first token of k-gram
    start_lines: array[int] = field(default_factory=lambda: array("l"))
    end_lines: array[int] = field(default_factory=lambda: array("l"))
    #: the value hash of each fingerprint's k-gram (:func:`value_hashes`; 0: no particular values)
    values: array[int] = field(default_factory=lambda: array("q"))
    #: the name hash of each fingerprint's k-gram (:func:`name_hashes`; 0: only common names)
    names: array[int] = field(default_factory=lambda: array("q"))
    tokens: int = 0
    lines: int = 0
    includes: tuple[Include, ...] = ()
    definitions: tuple[Definition, ...] = ()
    used: dict[str, int] = field(default_factory=dict)  # name -> first line (open side only)
    #: open side only (``full=True``): the hash of every k-gram and the line of every token,
    #: to look up k-grams the proprietary side selected and this file's winnowing did not
    all_hashes: array[int] = field(default_factory=lambda: array("q"))
    all_values: array[int] = field(default_factory=lambda: array("q"))
    all_names: array[int] = field(default_factory=lambda: array("q"))
    token_lines: array[int] = field(default_factory=lambda: array("l"))
    #: open side only (``full=True``): each token's spelling if it is an identifier, else ""
    #: (to weigh a k-gram's names without the open tree's interface vocabulary,
    #: :mod:`.vocabulary`); never cached, never stored in an index
    spelled: tuple[str, ...] = ()
    error: str | None = None

    def __len__(self) -> int:
        return len(self.hashes)


def print_text(
    path: str, text: str, k: int, window: int, *, uses: bool = False, full: bool = False
) -> FilePrint:
    """Fingerprint the C-family source ``text`` of ``path``.

    ``uses`` also collects the names the file refers to, ``full`` keeps every k-gram hash and
    token line (both needed on the open side only).
    """
    stream = tokenize(text)
    names_array = _name_hashes(stream, k)
    hashes_array = _stream_hashes(stream, k, names_array)
    values_array = _value_hashes(stream, k)
    hashes = hashes_array.tolist()
    selected = [p for p in winnow(hashes, window) if hashes[p] != EXCLUDED]
    at = np.array(selected, dtype=np.int64)
    values, names = values_array[at].tolist(), names_array[at].tolist()
    lines = stream.lines
    last = k - 1
    return FilePrint(
        path=path,
        hashes=array("q", [hashes[p] for p in selected]),
        positions=array("l", selected),
        start_lines=array("l", [lines[p] for p in selected]),
        end_lines=array("l", [lines[p + last] for p in selected]),
        values=array("q", values),
        names=array("q", names),
        tokens=len(stream),
        lines=stream.line_count,
        includes=tuple(stream.includes),
        definitions=tuple(definitions(preprocess(text, hidden=stream.hidden))),
        used=used_names(stream) if uses else {},
        all_hashes=array("q", hashes) if full else array("q"),
        all_values=array("q", values_array.tobytes()) if full else array("q"),
        all_names=array("q", names_array.tobytes()) if full else array("q"),
        token_lines=array("l", lines) if full else array("l"),
        spelled=tuple(r if t == "I" else "" for t, r in zip(stream.norm, stream.raw, strict=True))
        if full
        else (),
    )


def _read(root: Path, path: str) -> bytes | str:
    """The bytes of ``root/path``, or why there are none (a print's ``error``)."""
    try:
        source = root / path
        if source.stat().st_size > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES // 2**20} MiB"
        return source.read_bytes()
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"


def print_data(
    path: str, data: bytes, k: int, window: int, *, uses: bool = False, full: bool = False
) -> FilePrint:
    """Fingerprint the bytes of ``path``; a tokenizer failure (a bug: the message says which)
    gives an empty print with its ``error``."""
    decoded = decode_text(data, path.rsplit("/", 1)[-1])  # UTF-16, stray NULs: as the scan
    text = decoded.text if decoded else data.decode("utf-8", errors="replace")
    try:
        return print_text(path, text, k, window, uses=uses, full=full)
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop a whole audit
        return FilePrint(path=path, error=f"cannot fingerprint: {type(exc).__name__}: {exc}")


def print_file(
    root: Path, path: str, k: int, window: int, *, uses: bool = False, full: bool = False
) -> FilePrint:
    """Read ``root/path`` and fingerprint it; an unreadable or huge file, or one the tokenizer
    fails on (a bug: the message says which), gives an empty print with its ``error``."""
    data = _read(root, path)
    if isinstance(data, str):
        return FilePrint(path=path, error=data)
    return print_data(path, data, k, window, uses=uses, full=full)


def printer_identity() -> str:
    """What fixes a file's print besides ``k``, ``window`` and ``uses``: the normaliser,
    hash, low-information bar, literal-value and definitions versions (a Dask worker must
    run the same as the client)."""
    return (
        f"{NORMALISER_VERSION}/{HASH_NAME}/l{LOW_INFORMATION}/v{VALUES_VERSION}"
        f"/d{DEFINITIONS_VERSION}"
    )


def print_chunk(
    task: tuple[list[tuple[str, bytes]], int, int, bool, bool],
) -> list[FilePrint]:
    """Dask task: ``((path, bytes) pairs, k, window, uses, full)`` -> their prints."""
    entries, k, window, uses, full = task
    return [print_data(path, data, k, window, uses=uses, full=full) for path, data in entries]


def _remote_prints(
    root: Path, paths: list[str], k: int, window: int, uses: bool, full: bool,
    executor: ExecutorSpec,
) -> list[FilePrint]:  # fmt: skip
    """The prints of ``paths``, the files read here and printed on ``executor``'s cluster in
    chunks (the workers need not see the tree); input order."""
    prints: dict[str, FilePrint] = {}
    chunks: list[list[tuple[str, bytes]]] = [[]]
    size = 0
    for path in paths:
        data = _read(root, path)
        if isinstance(data, str):
            prints[path] = FilePrint(path=path, error=data)
            continue
        if chunks[-1] and (len(chunks[-1]) >= _REMOTE_FILES or size + len(data) > _REMOTE_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append((path, data))
        size += len(data)
    tasks = [(chunk, k, window, uses, full) for chunk in chunks if chunk]
    for result in run_chunks(
        executor, print_chunk, tasks, name=TASK_NAME, identity=printer_identity
    ):
        prints.update((fp.path, fp) for fp in result)
    return [prints[p] for p in paths]


def _print_one(args: tuple[Path, str, int, int, bool, bool]) -> FilePrint:
    root, path, k, window, uses, full = args
    return print_file(root, path, k, window, uses=uses, full=full)


def print_files(
    root: Path,
    paths: Iterable[str],
    k: int,
    window: int,
    *,
    uses: bool = False,
    full: bool = False,
    jobs: int = 1,
    executor: ExecutorSpec | None = None,
) -> Iterator[FilePrint]:
    """Fingerprint many files, in ``jobs`` worker processes when more than one, or on
    ``executor``'s Dask cluster when it is one; input order."""
    if executor is not None and not executor.is_local:
        paths = list(paths)
        if paths:
            yield from _remote_prints(root, paths, k, window, uses, full, executor)
            return
    work = [(root, p, k, window, uses, full) for p in paths]
    if jobs <= 1 or len(work) < 64:
        yield from map(_print_one, work)
        return
    with worker_pool(jobs) as pool:
        yield from pool.map(_print_one, work, chunksize=32)
