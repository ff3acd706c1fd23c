"""Match open files against a fingerprint index: copied code, and references to headers/symbols.

Copies: each open file's fingerprints are looked up in the index; fingerprints that are
boilerplate (seen in at least ``boilerplate_threshold`` files of the open tree itself, or in
the known-boilerplate list) do not count; how often the proprietary tree repeats a
fingerprint does not matter. The remaining hits are
grouped per (open file, proprietary file) into runs of nearby matches; a run that covers at
least ``min_tokens`` tokens (on both sides), or whose tokens lie on at least ``min_lines``
lines of the open file, is a :class:`CopyMatch`; literal values and names change the size
needed (see :func:`_big_enough`): a short run needs them, shape alone is chance there.
Fingerprints the open tree itself repeats (in ``template_threshold`` files: registration code
every plugin has with its own names) count only where values or names agree.

References: ``#include`` of a header the index knows (and the audited tree does not have), and
uses of a symbol the index exports (and the open tree does not define itself) are
:class:`IndexReference` s; the pipeline turns them into graph edges.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from openesx_license._util.progress import ProgressSink, counted
from openesx_license.ipindex.fileprint import MIN_WEIGHT, FilePrint, name_weight
from openesx_license.ipindex.standard import standard_names
from openesx_license.ipindex.store import FingerprintIndex, Posting
from openesx_license.ipindex.vocabulary import Vocabulary


@dataclass(frozen=True, kw_only=True)
class CopySettings:
    """How big a run of matches must be, and what counts as boilerplate (the policy's
    ``[copied_code]`` table extends it with the winnowing parameters)."""

    #: a run of matches whose k-grams agree with the proprietary side only in their shape
    #: (neither literal values nor names) is a copy when it covers min_tokens tokens. Under
    #: ~60 tokens shape alone is chance: on untouched Xen against QEMU, 120 of the 147
    #: shape-only matches were under 60 tokens (declaration and prototype lists, `case` lists,
    #: `else if (strcmp(...))` chains, a `switch`/`free` pattern), so a short run needs
    #: agreeing values or names (below). Lines of code count only for a run with such
    #: evidence: fifteen lines of prototypes are still only a shape.
    min_lines: int = 15
    min_tokens: int = 60
    #: a run whose k-grams agree on their literal values as well (strings and numbers, weighed
    #: by how much they tell code apart: see ipindex.fileprint.value_weight) is a copy from
    #: this many tokens: renaming and reformatting keep literals, code of the same shape has
    #: other ones
    min_tokens_with_values: int = 25
    #: a run whose k-grams agree on their names as well (a copy that was not renamed; common
    #: names weigh nothing: see ipindex.fileprint.name_weight) is a copy from this many tokens
    min_tokens_with_names: int = 25
    #: a run whose k-grams carry literal values on both sides that all differ is the same
    #: shape with other constants or messages: a copy only from this many tokens (at least
    #: min_tokens; lines of code do not count for it). On the benchmark it removes a fifth of
    #: the shape-only matches between Xen and QEMU and no planted copy
    min_tokens_with_other_values: int = 60
    boilerplate_threshold: int = 5  # a fingerprint seen in this many open files is boilerplate
    #: a fingerprint seen in this many open files is a *template* of the open tree (plugin
    #: registration, the same ten lines with other names in every plugin): a hit on it counts
    #: only when its literal values or names agree with the proprietary occurrence
    template_threshold: int = 2


@dataclass(frozen=True, kw_only=True)
class CopyMatch:
    """A region of an open file that matches a region of a proprietary file."""

    path: str
    start_line: int
    end_line: int
    tokens: int  # tokens of the open file covered by matching k-grams
    proprietary_path: str
    proprietary_component: str
    proprietary_start_line: int
    proprietary_end_line: int
    similarity: float  # share of the open region's tokens covered by matching k-grams
    matched_fingerprints: int
    code_lines: int = 0  # lines of the open file holding covered tokens
    other_sources: int = 0  # further proprietary files matching the same region
    #: matched k-grams whose literal values (strings, numbers) are the same too
    value_matches: int = 0
    #: matched k-grams that carry literal values on both sides, and other ones: the same shape
    #: with other constants or messages
    value_conflicts: int = 0
    #: matched k-grams whose names are the same too (a copy that kept its names)
    name_matches: int = 0
    #: what was matched, without its place: a digest of the run's k-grams in order (their
    #: hashes, and their names and values hashes), 32 hex digits. The finding's identity is
    #: made of it, so that a copy moved by a few lines keeps its fingerprint (and its
    #: reviewed decision), and a copy whose code changed gets another
    content: str = ""

    @property
    def lines(self) -> int:
        """Lines of the open file the copy spans."""
        return self.end_line - self.start_line + 1


@dataclass(frozen=True, kw_only=True)
class IndexReference:
    """An open file naming a proprietary header or symbol the index knows."""

    path: str
    line: int
    kind: str  # include | symbol
    name: str  # as the open file writes it
    component: str
    proprietary_path: str  # the header, or the file defining the symbol
    proprietary_line: int | None = None
    gpl_only: bool = False  # the symbol is exported with EXPORT_SYMBOL_GPL

    @property
    def node(self) -> str:
        """Graph node of the proprietary end: ``ipindex:<component>:<name>``."""
        name = self.proprietary_path if self.kind == "include" else self.name
        return f"ipindex:{self.component}:{name}"


def boilerplate_hashes(prints: Iterable[FilePrint], threshold: int) -> set[int]:
    """Fingerprints found in at least ``threshold`` of the given (open) files."""
    counts: Counter[int] = Counter()
    for fp in prints:
        counts.update(set(fp.hashes))
    return {h for h, n in counts.items() if n >= threshold}


_MASK = (1 << 64) - 1
_NAMES_SALT, _VALUES_SALT = 0x5F3759DF, 0x2545F491


def with_evidence(fingerprint: int, evidence: int, salt: int) -> int:
    """A fingerprint combined with the names or values hash of its k-gram (a signed 64-bit
    key, like the fingerprints): equal keys in two open files are the same shape repeated
    with the same names (or values)."""
    mixed = ((fingerprint * 0x9E3779B97F4A7C15) ^ (evidence * 0xC2B2AE3D27D4EB4F) ^ salt) & _MASK
    return mixed - (1 << 64) if mixed >= 1 << 63 else mixed


def print_keys(fp: FilePrint) -> set[int]:
    """What the open tree's repetitions are counted from: every winnowed fingerprint of
    ``fp``, and each combined with its k-gram's names and its values (when it has them)."""
    keys = set(fp.hashes)
    values, names = _or_zeros(fp.values, fp.hashes), _or_zeros(fp.names, fp.hashes)
    for h, value, name in zip(fp.hashes, values, names, strict=True):
        if name:
            keys.add(with_evidence(h, name, _NAMES_SALT))
        if value:
            keys.add(with_evidence(h, value, _VALUES_SALT))
    return keys


def print_key_array(fp: FilePrint) -> npt.NDArray[np.int64]:
    """:func:`print_keys` as a sorted array without repeats, computed for all fingerprints
    at once (the same arithmetic as :func:`with_evidence`, in unsigned 64-bit)."""
    hashes = np.frombuffer(fp.hashes, dtype=np.int64) if len(fp.hashes) else _NONE
    parts = [hashes]
    unsigned = hashes.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for evidence, salt in ((fp.names, _NAMES_SALT), (fp.values, _VALUES_SALT)):
        if not len(evidence):
            continue
        ev = np.frombuffer(evidence, dtype=np.int64)
        has = ev != 0
        mixed = unsigned[has] ^ (ev[has].view(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))
        parts.append((mixed ^ np.uint64(salt)).view(np.int64))
    return np.unique(np.concatenate(parts))


_NONE = np.zeros(0, dtype=np.int64)


def template_keys(prints: Iterable[FilePrint], threshold: int) -> set[int]:
    """The :func:`print_keys` found in at least ``threshold`` of the given (open) files: the
    shapes the open tree repeats (and those it repeats with the same names or values)."""
    counts: Counter[int] = Counter()
    for fp in prints:
        counts.update(print_keys(fp))
    return {h for h, n in counts.items() if n >= threshold}


def _varied(hit: _Hit, templates: Collection[int]) -> bool:
    """Whether the open tree repeats this hit's shape with other names: its k-gram carries
    names of weight, other open files have the shape, and none has it with these names."""
    return (
        bool(hit.names)
        and hit.fingerprint in templates
        and with_evidence(hit.fingerprint, hit.names, _NAMES_SALT) not in templates
    )


def _without_template(
    run: list[_Hit], chosen: list[Posting], templates: Collection[int]
) -> tuple[list[_Hit], list[Posting]]:
    """A run in a region the open tree repeats with other names (registration code every
    plugin has) keeps only the hits that are evidence there (:func:`_specific`): names or
    values that agree with the proprietary side and that the other open files do not share.
    Code the open tree repeats *with the same names* (one copy pasted into several files) is
    no such region and keeps every hit."""
    if not templates or not any(_varied(hit, templates) for hit in run):
        return run, chosen
    kept = [
        (hit, p)
        for hit, p in zip(run, chosen, strict=True)
        if hit.fingerprint not in templates
        or _specific(hit.fingerprint, hit.value, hit.names, p, templates)
    ]
    return [hit for hit, _ in kept], [p for _, p in kept]


def _specific(fingerprint: int, hit_value: int, hit_names: int, posting: Posting,
              templates: Collection[int]) -> bool:  # fmt: skip
    """Whether an occurrence of a template fingerprint is evidence of a copy: it agrees with
    the open k-gram on values or names that the other open files do not repeat (a plugin's
    registration code shares the framework's names with every other plugin: no evidence)."""
    if hit_value and posting.value == hit_value:
        if with_evidence(fingerprint, hit_value, _VALUES_SALT) not in templates:
            return True
    if hit_names and posting.names == hit_names:
        if with_evidence(fingerprint, hit_names, _NAMES_SALT) not in templates:
            return True
    return False


@dataclass
class _Hit:
    pos: int
    start: int
    end: int
    value: int  # the open k-gram's value hash
    names: int  # the open k-gram's name hash
    postings: list[Posting]
    fingerprint: int = 0  # the k-gram's (abstract) hash


def find_copies(
    index: FingerprintIndex,
    prints: Sequence[FilePrint],
    settings: CopySettings,
    *,
    boilerplate: Collection[int] = frozenset(),
    templates: Collection[int] | None = None,
    refine: Callable[[FilePrint], FilePrint] | None = None,
    vocabulary: Collection[str] = frozenset(),
    progress: ProgressSink | None = None,
) -> list[CopyMatch]:
    """Copies of indexed code in ``prints`` (the open files), in file order; ``progress``
    counts the open files as they are matched.

    Two passes. The winnowed fingerprints of the open files find the candidate (open file,
    proprietary file) pairs: by the winnowing guarantee every shared run of ``k + window - 1``
    tokens shows up here. Then, for open files printed with ``full=True``, every k-gram within
    ``k + window`` tokens of a first-pass hit is looked up, so that the fingerprints the
    proprietary side selected near the edges of a copy (where the two files' windows differ)
    count too and the copy is measured whole. ``refine`` re-prints a file with ``full=True``
    when its print lacks the k-grams and a first-pass hit could grow into a copy.
    ``templates`` are what the open tree repeats (:func:`template_keys` at
    ``template_threshold``; counted from ``prints`` when None): in a run where the open tree
    repeats the shape with other names, a hit counts only where the proprietary occurrence
    has the same literal values or names and the open tree does not repeat those too.
    ``vocabulary`` is the open tree's interface (:mod:`.vocabulary`): names it declares weigh
    nothing when a k-gram's agreeing names are weighed as evidence (in files printed with
    ``full=True``).
    """
    k, window = index.params.k, index.params.window
    ignored = boilerplate_hashes(prints, settings.boilerplate_threshold)
    ignored.update(boilerplate)
    if templates is None:
        templates = template_keys(prints, settings.template_threshold)
    wanted = {h for fp in prints for h in fp.hashes if h not in ignored}
    postings = index.postings(wanted)
    candidates: dict[str, set[int]] = {}
    for fp in prints:
        files = {p.file_id for h in fp.hashes for p in postings.get(h, ())}
        if files:
            candidates[fp.path] = files
    if refine is not None:
        prints = [
            refine(fp)
            if fp.path in candidates
            and not fp.all_hashes
            and _may_grow(fp, postings, ignored, k, settings)
            else fp
            for fp in prints
        ]
    # every k-gram near a first-pass hit (a copy's edges lie within k + window of one)
    near: dict[str, list[int]] = {}
    reach = k + window
    for fp in prints:
        if fp.path not in candidates or not fp.all_hashes:
            continue
        hit_positions = [p for p, h in zip(fp.positions, fp.hashes, strict=True) if h in postings]
        spans: set[int] = set()
        for p in hit_positions:
            spans.update(range(max(0, p - reach), min(len(fp.all_hashes), p + reach + 1)))
        near[fp.path] = sorted(spans)
    if near:
        by_path = {fp.path: fp for fp in prints}
        wanted = {
            h
            for path, positions in near.items()
            for h in map(by_path[path].all_hashes.__getitem__, positions)
            if h not in ignored and h not in postings
        }
        postings.update(index.postings(wanted))
    matches: list[CopyMatch] = []
    for fp in counted(prints, progress):
        sources = candidates.get(fp.path)
        if not sources:
            continue
        per_file: dict[int, list[_Hit]] = {}
        located: Iterable[tuple[int, int, int, int, int, int]]
        if fp.path in near:
            lines, all_hashes = fp.token_lines, fp.all_hashes
            all_values = _or_zeros(fp.all_values, all_hashes)
            all_names = _or_zeros(fp.all_names, all_hashes)
            located = (
                (pos, all_hashes[pos], lines[pos], lines[pos + k - 1], all_values[pos],
                 all_names[pos])
                for pos in near[fp.path]
            )  # fmt: skip
        else:
            located = zip(
                fp.positions, fp.hashes, fp.start_lines, fp.end_lines,
                _or_zeros(fp.values, fp.hashes), _or_zeros(fp.names, fp.hashes), strict=True,
            )  # fmt: skip
        for pos, h, start, end, value, names in located:
            found = postings.get(h)
            if not found or h in ignored:
                continue
            by_file: dict[int, list[Posting]] = {}
            for posting in found:
                if posting.file_id in sources:
                    by_file.setdefault(posting.file_id, []).append(posting)
            for file_id, ps in by_file.items():
                per_file.setdefault(file_id, []).append(_Hit(pos, start, end, value, names, ps, h))
        runs: list[CopyMatch] = []
        for file_id, hits in per_file.items():
            runs.extend(
                _runs(index, fp, file_id, hits, k, k + window, settings, templates, vocabulary)
            )
        matches.extend(_resolve_overlaps(runs))
    return matches


def _or_zeros(hashes: array[int], like: Sequence[int]) -> array[int]:
    """A print's value or name hashes, or zeros for a print made without them."""
    return hashes or array("q", bytes(8 * len(like)))


def _may_grow(
    fp: FilePrint, postings: Mapping[int, object], ignored: Collection[int], k: int,
    settings: CopySettings,
) -> bool:  # fmt: skip
    """Whether some group of first-pass hits could reach the copy size, the smallest one
    agreeing values or names allow included: a copy cannot take in the k-gram of a
    neighbouring selected fingerprint that did not hit (unless that one was ignored as
    boilerplate, which says nothing), which bounds how far it can extend."""
    hashes, positions = fp.hashes, fp.positions
    n = len(hashes)
    least = min(settings.min_tokens, settings.min_tokens_with_values,
                settings.min_tokens_with_names)  # fmt: skip
    i = 0
    while i < n:
        if hashes[i] not in postings:
            i += 1
            continue
        j = i
        while j + 1 < n and (hashes[j + 1] in postings or hashes[j + 1] in ignored):
            j += 1
        first = positions[i - 1] + 1 if i > 0 else 0
        last = positions[j + 1] + k - 2 if j + 1 < n else fp.tokens - 1
        first_line = fp.end_lines[i - 1] if i > 0 else 1
        last_line = fp.start_lines[j + 1] if j + 1 < n else fp.lines
        if last - first + 1 >= least or last_line - first_line + 1 >= settings.min_lines:
            return True
        i = j + 1
    return False


def _runs(
    index: FingerprintIndex,
    fp: FilePrint,
    file_id: int,
    hits: list[_Hit],
    k: int,
    max_gap: int,
    settings: CopySettings,
    templates: Collection[int] = frozenset(),
    vocabulary: Collection[str] = frozenset(),
) -> Iterable[CopyMatch]:
    """Hits near each other in the open file, and in the same order and at the same
    distances in the proprietary file (along one diagonal, give or take ``max_gap`` tokens),
    make a run; each run is measured. Hits that are near in the open file but stand for
    scattered places of the proprietary file are a shape the two files share here and there,
    not one copied region."""
    group: list[_Hit] = []
    for hit in [*hits, None]:
        if hit is not None and (not group or hit.pos - group[-1].pos <= max_gap):
            group.append(hit)
            continue
        if group:
            for run, chosen in _diagonals(group, max_gap):
                run, chosen = _without_template(run, chosen, templates)
                if not run:
                    continue
                match = _measure(
                    index, fp, file_id, run, chosen, k, settings, templates, vocabulary
                )
                if match is not None:
                    yield match
        group = [hit] if hit is not None else []


#: how many times, on average, a group's hits may be aligned again while it is split
_REALIGN_BUDGET = 20


def _diagonals(group: list[_Hit], max_gap: int) -> list[tuple[list[_Hit], list[Posting]]]:
    """Split a group of nearby hits into runs along diagonals of the proprietary file (the
    offset between the two files' positions, kept by a copy up to ``max_gap`` of edits), in
    open-file order. The group is aligned on its best-supported diagonal; hits with no
    occurrence near it (a shape the proprietary file also has somewhere else) are left out of
    the run and aligned again among themselves, where they may line up elsewhere (code
    pasted from two places). Once the group's hits were aligned :data:`_REALIGN_BUDGET`
    times over (a long stretch of hits that each point somewhere else), the rest is cut
    where it stands, so that a group costs linear time."""
    budget = _REALIGN_BUDGET * len(group)
    pending = [group]
    pieces: list[tuple[list[_Hit], list[Posting]]] = []
    while pending:
        run = pending.pop()
        budget -= len(run)
        if budget < 0:
            nearest = [p for p in _align(run, max_gap, strict=False) if p is not None]
            pieces.extend((run[a:b], nearest[a:b]) for a, b in _cuts(run, nearest, max_gap))
            continue
        chosen = _align(run, max_gap)
        on = [i for i, p in enumerate(chosen) if p is not None]
        start = 0
        for j in range(1, len(on) + 1):
            if j == len(on) or run[on[j]].pos - run[on[j - 1]].pos > max_gap:
                pieces.append(
                    ([run[i] for i in on[start:j]], [p for i in on[start:j] if (p := chosen[i])])
                )
                start = j
        off = [hit for hit, p in zip(run, chosen, strict=True) if p is None]
        if off:
            pending.append(off)
    return sorted(pieces, key=lambda piece: piece[0][0].pos)


def _cuts(run: list[_Hit], chosen: list[Posting], max_gap: int) -> list[tuple[int, int]]:
    """(first, end) index ranges of ``run`` along which the offset stays within ``max_gap``."""
    ranges: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(run)):
        moved = (chosen[i].pos - run[i].pos) - (chosen[i - 1].pos - run[i - 1].pos)
        if abs(moved) > max_gap:
            ranges.append((first, i))
            first = i
    ranges.append((first, len(run)))
    return ranges


def _measure(
    index: FingerprintIndex,
    fp: FilePrint,
    file_id: int,
    run: list[_Hit],
    chosen: list[Posting],
    k: int,
    settings: CopySettings,
    templates: Collection[int] = frozenset(),
    vocabulary: Collection[str] = frozenset(),
) -> CopyMatch | None:
    """The run as a :class:`CopyMatch`, or None when it is not big enough for the evidence it
    has. Values or names agree as evidence only where the other open files do not share them
    with this k-gram too (a libFLAC callback prototype, a helper every tool of the tree
    repeats): what the open tree says in many places is its own vocabulary, not a trace of
    the proprietary file. Nor do names agree as evidence where, without the names of the open
    tree's interface (``vocabulary``), the k-gram's names weigh too little: a loop over a
    library's structure, a callback's prototype, agree on how the open API is spelled."""
    covered = 0
    reach = -1
    for hit in run:  # union of the k-gram token intervals [pos, pos + k)
        covered += hit.pos + k - max(hit.pos, reach)
        reach = hit.pos + k
    value_matches = value_conflicts = name_matches = 0
    for h, p in zip(run, chosen, strict=True):
        if h.value and p.value:
            if p.value != h.value:
                value_conflicts += 1
            elif with_evidence(h.fingerprint, h.value, _VALUES_SALT) not in templates:
                value_matches += 1
        name_matches += (
            bool(h.names)
            and p.names == h.names
            and with_evidence(h.fingerprint, h.names, _NAMES_SALT) not in templates
            and _own_names(fp, h.pos, k, vocabulary)
        )
    # a copy covers as much on both sides: many open hits on a few proprietary k-grams are a
    # repeated shape, not a copy
    source_covered = 0
    reach = -1
    for pos in sorted({p.pos for p in chosen}):
        source_covered += pos + k - max(pos, reach)
        reach = pos + k
    covered = min(covered, source_covered)
    start, end = run[0].start, max(h.end for h in run)
    code_lines = _code_lines(fp, run, k) if fp.token_lines else end - start + 1
    if not _big_enough(covered, code_lines, value_matches, value_conflicts, name_matches,
                       settings):  # fmt: skip
        return None
    span = run[-1].pos + k - run[0].pos
    source = index.files[file_id]
    content = hashlib.sha256(
        array("q", [x for h in run for x in (h.fingerprint, h.names, h.value)]).tobytes()
    ).hexdigest()[:32]
    return CopyMatch(
        path=fp.path,
        start_line=start,
        end_line=end,
        tokens=covered,
        proprietary_path=source.path,
        proprietary_component=source.component,
        proprietary_start_line=min(p.start_line for p in chosen),
        proprietary_end_line=max(p.end_line for p in chosen),
        similarity=round(min(1.0, covered / span), 3),
        matched_fingerprints=len(run),
        code_lines=code_lines,
        value_matches=value_matches,
        value_conflicts=value_conflicts,
        name_matches=name_matches,
        content=content,
    )


def _own_names(fp: FilePrint, pos: int, k: int, vocabulary: Collection[str]) -> bool:
    """Whether the names of the k-gram at ``pos`` weigh enough to be evidence (as
    :func:`~openesx_license.ipindex.fileprint.name_hashes` weighs them) once the names of the
    open tree's interface weigh nothing; names only the headers of the file's own folder
    declare are its content, not an interface it uses (:meth:`.Vocabulary.exempt`). True when
    the file was not printed with its spellings (nothing to weigh again) or there is no
    vocabulary."""
    if not vocabulary or not fp.spelled:
        return True
    exempt = vocabulary.exempt(fp.path) if isinstance(vocabulary, Vocabulary) else frozenset()
    weight = 0
    for name in fp.spelled[pos : pos + k]:
        if name and (name not in vocabulary or name in exempt):
            weight += name_weight(name)
    return weight >= MIN_WEIGHT


def _big_enough(
    covered: int, code_lines: int, value_matches: int, value_conflicts: int, name_matches: int,
    settings: CopySettings,
) -> bool:  # fmt: skip
    """The size rule: agreeing literal values, or agreeing names, make a small run a copy (and
    so do min_lines lines of code); a run that agrees only in its shape is a copy from
    min_tokens tokens, lines not counting; values that all differ make it a shape shared with
    other constants or messages, a copy from min_tokens_with_other_values."""
    if value_conflicts and not value_matches and not name_matches:
        return covered >= max(settings.min_tokens, settings.min_tokens_with_other_values)
    if not value_matches and not name_matches:
        return covered >= settings.min_tokens
    least = settings.min_tokens
    if value_matches:
        least = min(least, settings.min_tokens_with_values)
    if name_matches:
        least = min(least, settings.min_tokens_with_names)
    return covered >= least or code_lines >= settings.min_lines


def _agrees(hit: _Hit, p: Posting) -> bool:
    """Whether an occurrence has the open k-gram's literal values, or its names."""
    return bool(hit.value and p.value == hit.value) or bool(hit.names and p.names == hit.names)


#: a hit with more occurrences than this in the proprietary file does not vote for the diagonal
_VOTERS = 64


def _anchor(run: list[_Hit]) -> tuple[int, Posting]:
    """The hit to align a run from, and its occurrence: on the diagonal (offset between the
    two files' positions) that most hits have an occurrence on, a hit whose values or names
    agree counting twice, the earliest diagonal on a tie. A copy of one stretch of a file that
    repeats the stretch's shape (a list of similar calls) then keeps to the one occurrence
    all its hits share, instead of starting at the first repetition and running off the end
    of the repeated part. Without votes (every hit is everywhere), the hit with the fewest
    occurrences (one with the same values or names first) at its first such occurrence."""
    votes: Counter[int] = Counter()
    for hit in run:
        if len(hit.postings) <= _VOTERS:
            votes.update({p.pos - hit.pos for p in hit.postings})
            votes.update(p.pos - hit.pos for p in hit.postings if _agrees(hit, p))
    if votes:
        best = max(votes, key=lambda d: (votes[d], -d))
        for i, hit in enumerate(run):
            for p in hit.postings:
                if p.pos - hit.pos == best:
                    return i, p

    def specific(i: int) -> tuple[bool, int]:
        hit = run[i]
        same = any(_agrees(hit, p) for p in hit.postings)
        return (not same, len(hit.postings))

    i = min(range(len(run)), key=specific)
    hit = run[i]
    return i, min(hit.postings, key=lambda p: (not _agrees(hit, p), p.pos))


def _align(run: list[_Hit], max_gap: int, *, strict: bool = True) -> list[Posting | None]:
    """For each hit of a run, the proprietary occurrence it stands for, or None.

    From the anchor (:func:`_anchor`), each hit takes the occurrence nearest where the copy
    would put it (the last aligned hit's occurrence plus the distance between the two hits in
    the open file), one with the same literal values or names first, among those within
    ``max_gap`` of that place; a hit without one is off this diagonal (None), and the next is
    placed from the last aligned hit. ``strict=False``: every hit takes its nearest
    occurrence, however far. A k-gram the proprietary file repeats (a shape it uses in many
    places) then neither stretches the proprietary region across the file nor breaks a copy
    of one stretch of it.
    """

    def place(hit: _Hit, near: int) -> Posting | None:
        if strict:
            candidates = [p for p in hit.postings if abs(p.pos - near) <= max_gap]
        else:
            candidates = hit.postings
        if not candidates:
            return None
        return min(candidates, key=lambda p: (not _agrees(hit, p), abs(p.pos - near)))

    anchor, first = _anchor(run)
    chosen: list[Posting | None] = [None] * len(run)
    chosen[anchor] = first
    for order in (range(anchor + 1, len(run)), range(anchor - 1, -1, -1)):
        last, at = run[anchor], first
        for i in order:
            found = place(run[i], at.pos + run[i].pos - last.pos)
            if found is not None:
                chosen[i], last, at = found, run[i], found
    return chosen


def _code_lines(fp: FilePrint, run: list[_Hit], k: int) -> int:
    """Distinct lines of the open file that hold tokens of the run's k-grams (blank and
    comment lines do not count, so a sparse stretch of code is not a big copy)."""
    lines = fp.token_lines
    seen: set[int] = set()
    reach = -1
    for hit in run:
        seen.update(lines[t] for t in range(max(hit.pos, reach), hit.pos + k))
        reach = hit.pos + k
    return len(seen)


def _resolve_overlaps(runs: list[CopyMatch]) -> list[CopyMatch]:
    """Keep the best run for each region of the open file (the same literal values or names
    first, then the biggest); count the other sources."""
    kept: list[CopyMatch] = []
    others: list[int] = []
    order = sorted(
        runs,
        key=lambda m: (not (m.value_matches or m.name_matches), -m.tokens,
                       -(m.value_matches + m.name_matches), -m.similarity, m.proprietary_path),
    )  # fmt: skip
    for run in order:
        for i, best in enumerate(kept):
            overlap = min(run.end_line, best.end_line) - max(run.start_line, best.start_line) + 1
            if overlap * 2 >= run.lines:
                others[i] += 1
                break
        else:
            kept.append(run)
            others.append(0)
    out = [m if n == 0 else _with_others(m, n) for m, n in zip(kept, others, strict=True)]
    return sorted(out, key=lambda m: m.start_line)


def _with_others(match: CopyMatch, n: int) -> CopyMatch:
    from dataclasses import replace

    return replace(match, other_sources=n)


def find_references(
    index: FingerprintIndex,
    prints: Sequence[FilePrint],
    tree_paths: Collection[str],
    *,
    defined: Collection[str] = (),
) -> list[IndexReference]:
    """Includes of indexed headers and uses of indexed symbols in ``prints`` (open files).

    An include of a file name the audited tree (``tree_paths``) has is left to the dependency
    graph; a name the open tree ``defined`` itself is not a proprietary symbol; nor are the
    standard C and POSIX headers and functions (``rules/standard-names.toml``), which a
    proprietary tree may ship its own copy of.
    """
    refs: list[IndexReference] = []
    standard = standard_names()
    headers = index.headers()
    tree_names = {path.rsplit("/", 1)[-1] for path in tree_paths}
    for fp in prints:
        for inc in fp.includes:
            name = inc.name.lstrip("./")
            if name in standard.headers:
                continue
            base = name.rsplit("/", 1)[-1]
            candidates = headers.get(base)
            if not candidates or base in tree_names:
                continue  # unknown to the index, or a header of the audited tree itself
            # "quoted" includes match by file name (include paths differ between the trees);
            # <system> ones only when the whole written path matches, since <stdio.h>-like
            # names could be anyone's
            exact = [h for h in candidates if h.path == name or h.path.endswith("/" + name)]
            header = exact[0] if exact else (None if inc.system else candidates[0])
            if header is not None:
                refs.append(
                    IndexReference(
                        path=fp.path,
                        line=inc.line,
                        kind="include",
                        name=inc.name,
                        component=header.component,
                        proprietary_path=header.path,
                    )
                )
    defined_set = set(defined) | standard.functions | standard.types
    names = sorted({n for fp in prints for n in fp.used if n not in defined_set})
    exported = index.symbols(names)
    for fp in prints:
        for name, line in fp.used.items():
            where = exported.get(name)
            if not where:
                continue
            file_id, def_line, _ = where[0]
            source = index.files[file_id]
            refs.append(
                IndexReference(
                    path=fp.path,
                    line=line,
                    kind="symbol",
                    name=name,
                    component=source.component,
                    proprietary_path=source.path,
                    proprietary_line=def_line,
                    gpl_only=any(kind == "export-gpl" for _, _, kind in where),
                )
            )
    return sorted(refs, key=lambda r: (r.path, r.line, r.kind, r.name))
