"""Copied-code detection on real code: accuracy of planted copies, false positives, speed.

    python bench/copied.py            # or: python bench/run.py copied
    python bench/copied.py --index /tmp/qemu.db   # keep the QEMU index there, reuse it

The proprietary side is QEMU 7.2 (all its C files, ~13k, fingerprinted with the
``fingerprint`` command: time and peak memory measured); the open side is Xen 4.17, another
project. Xen untouched, matched against the QEMU index, gives the false positives (every
match is listed, for a person to judge whether the code genuinely repeats). Then fragments of
5, 10, 20 and 40 lines of code (blank and comment-only lines come along but do not count) cut
from the bodies of random QEMU functions are planted into random Xen files, verbatim, with
identifiers renamed, with whitespace and comments changed (re-indented, braces moved, comments
dropped and added), both, and with adjacent statements swapped, 300 of each per size
(``--samples``); a fragment counts as found when a copied-code match overlaps its lines and
names its source file, or a region of another QEMU file with the same code as written (at
least half of the 5-token runs of the fragment or of the region in both: QEMU carries many
copies of itself, libfdt, the TPM utilities, the mips tests, and naming the twin is finding
the copy; a region of the same shape with other names and values is not). For each kind and
size the share of fragments that keep at least one k-gram of evidence of the original is
reported too: a fragment without one (too short, only a list that renaming turns into a pure
shape, every k-gram broken by reordering) is beyond any detector made of k-gram fingerprints.
Every miss of 10 lines or more is listed with the matches that overlapped it.
Every planted file and untouched Xen are matched twice, on the same fragments: with Xen's
interface vocabulary as the audit builds it (names its headers declare weigh nothing as
name evidence; ``tree_vocabulary``, as ``copies/stage.py`` calls it) and without it; the
results give recall and matches for both, the fragments found only without it
(``lost_to_vocabulary``) and the untouched matches it removes.
Every match on untouched Xen is put in a category: ``shared code`` when the two regions
share at least half of their names and particular literal values (the same code in both
trees: libfdt, kconfig, xz...), ``shape only`` when they do not (a false positive proper, or
the same algorithm with every name changed: the AES rounds, LZMA, SHA-256).

``--index PATH`` (or ``OESX_BENCH_COPIED_INDEX``) keeps the QEMU index at PATH and reuses it
when it was built with the current parameters; the build time is then not measured again.
``-k``, ``--window``, ``--min-tokens``, ``--min-lines``, ``--min-tokens-with-values``,
``--min-tokens-with-names`` and
``--min-tokens-with-other-values`` measure other settings than the policy defaults
(``[copied_code]``), ``--samples N`` and ``--sizes 10,20`` draw other fragments (the random
sequence depends on both), ``--name NAME`` saves the results as NAME.json, ``--qemu DIR`` and
``--xen DIR`` take unpacked trees instead of fetching them, ``--no-audit`` skips the two
audits of Xen (their licence scan is most of the run's CPU time).

Results: bench/results/copied.json, and a table on stdout.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, Measurement, fetch_corpus, measure, save  # noqa: E402
from openesx_license.config.model import CopiedCodeSettings  # noqa: E402
from openesx_license.csource.lexer import KEYWORDS, TokenStream, tokenize  # noqa: E402
from openesx_license.errors import FingerprintIndexError  # noqa: E402
from openesx_license.ipindex.boilerplate import known_boilerplate  # noqa: E402
from openesx_license.ipindex.build import c_family_files  # noqa: E402
from openesx_license.ipindex.fileprint import (  # noqa: E402
    EXCLUDED,
    particular_value,
    print_files,
    print_text,
    stream_hashes,
)
from openesx_license.ipindex.match import (  # noqa: E402
    CopyMatch,
    CopySettings,
    boilerplate_hashes,
    find_copies,
    find_references,
)
from openesx_license.ipindex.store import (  # noqa: E402
    FingerprintIndex,
    IndexParameters,
    Posting,
)
from openesx_license.ipindex.vocabulary import Vocabulary, tree_vocabulary  # noqa: E402
from openesx_license.ipindex.winnow import kgram_hashes  # noqa: E402

SIZES: tuple[int, ...] = (5, 10, 20, 40)
DEFAULTS = CopiedCodeSettings()
#: size criteria compared: (min_lines, min_tokens, min_tokens_with_values,
#: min_tokens_with_names, min_tokens_with_other_values). A run is a copy when it spans
#: min_lines lines of code, OR covers min_tokens tokens, OR covers min_tokens_with_values
#: tokens and its k-grams agree on their literal values too, OR min_tokens_with_names and they
#: agree on their names (NEVER: names ignored, the rule before that key); a run whose values
#: all differ (and names do not agree) needs min_tokens_with_other_values (None: it counts
#: like a run without values, the rule before that key). The first is the one measured (the
#: policy default unless the options say otherwise)
NEVER = 10**9
Criterion = tuple[int, int, int, int, int | None]
CRITERIA: tuple[Criterion, ...] = tuple(dict.fromkeys((
    (DEFAULTS.min_lines, DEFAULTS.min_tokens, DEFAULTS.min_tokens_with_values,
     DEFAULTS.min_tokens_with_names, DEFAULTS.min_tokens_with_other_values),
    (15, 40, 25, NEVER, 60),
    (15, 40, 25, 20, 60),
    (15, 40, 25, 30, 60),
    (15, 40, 25, 40, 60),
    (15, 40, 25, NEVER, None),
    (15, 40, NEVER, NEVER, None),
    (15, 30, NEVER, NEVER, None),
    (15, 25, NEVER, NEVER, None),
    (8, 40, NEVER, NEVER, None),
    (15, 30, 25, 25, 60),
    (15, 50, 25, 25, 60),
    (NEVER, NEVER, 25, 25, None),
    (NEVER, NEVER, NEVER, 25, None),
)))  # fmt: skip
RAW = CopySettings(
    min_lines=0,
    min_tokens=0,
    min_tokens_with_values=0,
    min_tokens_with_names=0,
    min_tokens_with_other_values=0,
    boilerplate_threshold=10**9,
)
KINDS = ("verbatim", "renamed", "reformatted", "renamed+reformatted", "reordered")
SAMPLES = 300  # per (kind, size)
SEED = 20031
SETTINGS = CopySettings(
    min_lines=DEFAULTS.min_lines,
    min_tokens=DEFAULTS.min_tokens,
    min_tokens_with_values=DEFAULTS.min_tokens_with_values,
    min_tokens_with_names=DEFAULTS.min_tokens_with_names,
    min_tokens_with_other_values=DEFAULTS.min_tokens_with_other_values,
    boilerplate_threshold=DEFAULTS.boilerplate_threshold,
)
K, WINDOW = DEFAULTS.k, DEFAULTS.window  # the winnowing parameters measured
IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
#: the two arms measured in one run: matching as the audit does, with the open tree's
#: interface vocabulary (names the open headers declare weigh nothing as name evidence,
#: docs/copied-code.md "The open tree's interface"), and without it (the rule before)
ARMS = ("vocabulary", "no vocabulary")


def open_vocabulary(tree: Path, paths: Iterable[str]) -> Vocabulary:
    """The interface vocabulary the audit gives the matcher when it audits ``tree`` with
    ``--ip-index`` and the built-in policy (every file open): the audit's own
    :func:`~openesx_license.ipindex.vocabulary.tree_vocabulary` of the tree's C-family files
    (``paths``) with their content SHA-1s, as ``copies/stage.py`` calls it."""
    entries = []
    for path in paths:
        try:
            digest = hashlib.sha1((tree / path).read_bytes(), usedforsecurity=False).hexdigest()
        except OSError:
            continue  # the audit's inventory gives an unreadable file no SHA-1: not open
        entries.append((path, digest))
    return tree_vocabulary(tree, sorted(entries))


# -- the transformations a copier would apply -------------------------------------------------


LITERAL = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")
#: a comment, or a literal (which may hold "//" or "/*" without starting a comment)
COMMENT_OR_LITERAL = re.compile(
    r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|//[^\n]*|/\*.*?\*/""", re.DOTALL
)


def rename(lines: list[str]) -> list[str]:
    """Every identifier (not keywords) consistently renamed; string and character literals,
    which are not identifiers, are left as they are."""

    def new(m: re.Match[str]) -> str:
        word = m.group()
        if word in KEYWORDS:
            return word
        return "r_" + hashlib.md5(word.encode()).hexdigest()[:7]  # noqa: S324 - a name

    def renamed(line: str) -> str:
        out, at = [], 0
        for literal in LITERAL.finditer(line):
            out += [IDENT.sub(new, line[at : literal.start()]), literal.group()]
            at = literal.end()
        return "".join([*out, IDENT.sub(new, line[at:])])

    return [renamed(line) for line in lines]


def _squeeze(line: str) -> str:
    """Runs of blanks collapsed to one space, outside string and character literals (the
    spaces inside a message are what the program prints, not layout)."""
    out, at = [], 0
    for literal in LITERAL.finditer(line):
        out += [re.sub(r"[ \t]+", " ", line[at : literal.start()]), literal.group()]
        at = literal.end()
    return "".join([*out, re.sub(r"[ \t]+", " ", line[at:])]).strip()


def reformat(lines: list[str]) -> list[str]:
    """Comments dropped, re-indented by brace depth with 2 spaces, spaces collapsed, opening
    braces on their own line, a new comment every four lines. Layout only: string and
    character literals are left as they are."""
    text = COMMENT_OR_LITERAL.sub(
        lambda m: m.group() if m.group()[0] in "\"'" else " ", "\n".join(lines)
    )
    out: list[str] = []
    depth = 0
    for i, raw in enumerate(text.split("\n")):
        line = _squeeze(raw)
        if not line:
            continue
        if line.startswith("}"):
            depth = max(0, depth - 1)
        if line.endswith("{") and len(line) > 1:
            out.append("  " * depth + line[:-1].rstrip())
            out.append("  " * depth + "{")
        else:
            out.append("  " * depth + line)
        depth += line.count("{") - line.count("}") + (1 if line.startswith("}") else 0)
        depth = max(0, depth)
        if i % 4 == 3:
            out.append("  " * depth + "/* checked */")
    return out


SIMPLE = re.compile(r"^\s*[^{}#/]*;\s*$")


def reorder(lines: list[str]) -> list[str]:
    """Adjacent simple statements at the same indentation swapped pairwise."""
    out = list(lines)
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        indent_a = len(a) - len(a.lstrip())
        indent_b = len(b) - len(b.lstrip())
        if (
            SIMPLE.match(a)
            and SIMPLE.match(b)
            and indent_a == indent_b
            and not re.match(r"\s*(return|break|continue|goto)\b", a)
            and not re.match(r"\s*(return|break|continue|goto)\b", b)
        ):
            out[i], out[i + 1] = b, a
            i += 2
        else:
            i += 1
    return out


TRANSFORMS = {
    "verbatim": lambda lines: list(lines),
    "renamed": rename,
    "reformatted": reformat,
    "renamed+reformatted": lambda lines: reformat(rename(lines)),
    "reordered": reorder,
}


# -- fragments and hosts -----------------------------------------------------------------------


def function_bodies(text: str) -> list[tuple[int, int]]:
    """(first, last) line of the inside of every function body of a C file: a top-level '{'
    right after a ')' opens one (an initializer's '{' follows '=')."""
    stream = tokenize(text)
    bodies: list[tuple[int, int]] = []
    depth, start, previous = 0, 0, ""
    for tok, line, directive in zip(stream.norm, stream.lines, stream.in_directive, strict=True):
        if directive:
            continue
        if tok == "{":
            if depth == 0 and previous == ")":
                start = line + 1
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
            if depth == 0 and start:
                bodies.append((start, line - 1))
                start = 0
        previous = tok
    return bodies


def pick_fragment(
    rng: random.Random, root: Path, files: list[str], size: int
) -> tuple[str, int, int]:
    """A random run of ``size`` lines of code inside one function body of a random file:
    (path, first line, last line). A line of code holds at least one token once comments
    are dropped; blank and comment-only lines between them come along (a copier takes them
    too) but do not count, so a "10-line" fragment is ten lines of code. No preprocessor
    line inside; file-scope tables and initializers are not function code and are not drawn
    (tables local to a function are)."""
    while True:
        path = rng.choice(files)
        text = (root / path).read_text(errors="replace")
        stream = tokenize(text)
        coded = sorted(set(stream.lines))
        directives = {n for n, d in zip(stream.lines, stream.in_directive, strict=True) if d}
        bodies = []
        for first, last in function_bodies(text):
            code = coded[bisect.bisect_left(coded, first) : bisect.bisect_right(coded, last)]
            if len(code) >= size:
                bodies.append(code)
        if not bodies:
            continue
        lines = text.split("\n")
        for _ in range(10):
            code = rng.choice(bodies)
            i = rng.randint(0, len(code) - size)
            start, end = code[i], code[i + size - 1]
            span = range(start, end + 1)
            if any(n in directives or lines[n - 1].lstrip().startswith("#") for n in span):
                continue
            return path, start, end


def plant(rng: random.Random, host_text: str, fragment: list[str]) -> tuple[str, int, int]:
    """Insert ``fragment`` after a random function end of the host; (text, first, last line)."""
    lines = host_text.split("\n")
    ends = [i for i, line in enumerate(lines) if line.rstrip() == "}"]
    at = rng.choice(ends) + 1 if ends else len(lines)
    new = lines[:at] + fragment + lines[at:]
    return "\n".join(new), at + 1, at + len(fragment)


# -- false positives: the same code, or only the same shape? ----------------------------------

#: a match whose two regions share at least this share of their names and particular literal
#: values (strings, distinctive numbers) is the same code in both trees (vendored libraries,
#: shared headers, the same help text): it genuinely repeats. Below, only the shape is alike:
#: a false positive.
SHARED_NAMES = 0.5


@functools.lru_cache(maxsize=256)
def _stream(root: Path, path: str) -> TokenStream:
    return tokenize((root / path).read_text(errors="replace"))


def _names(root: Path, path: str, first: int, last: int) -> set[str]:
    """The identifiers and the particular literal values of lines first..last of a file."""
    stream = _stream(root, path)
    words: set[str] = set()
    for raw, norm, line in zip(stream.raw, stream.norm, stream.lines, strict=True):
        if first <= line <= last:
            value = particular_value(norm, raw)
            if norm == "I" or value is not None:
                words.add(raw if norm == "I" else f"={value}")
    return words


def names_shared(xen: Path, qemu: Path, match: dict[str, Any]) -> float:
    """Jaccard share of the names and values of the open and the proprietary region."""
    a = _names(xen, match["path"], match["start_line"], match["end_line"])
    b = _names(
        qemu, match["proprietary_path"], match["proprietary_start_line"],
        match["proprietary_end_line"],
    )  # fmt: skip
    return round(len(a & b) / max(1, len(a | b)), 3)


def folders(matches: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Matches counted by (open folder -> proprietary folder), two levels deep, biggest first."""
    counts: Counter[str] = Counter()
    for m in matches:
        a = "/".join(m["path"].split("/")[:-1][:2]) or "."
        b = "/".join(m["proprietary_path"].split("/")[:-1][:2]) or "."
        counts[f"{a} -> {b}"] += 1
    return dict(counts.most_common())


# -- the measured steps ------------------------------------------------------------------------


def qualifies(match: dict[str, int] | object, criterion: Criterion) -> bool:
    """Whether a run passes a criterion (see :data:`CRITERIA`); the policy's rule is
    ``openesx_license.ipindex.match._big_enough``."""

    def get(key: str) -> int:
        return int(match[key] if isinstance(match, dict) else getattr(match, key))

    min_lines, min_tokens, with_values, with_names, with_other_values = criterion
    tokens = get("tokens")
    values = get("value_matches")
    names = get("name_matches") if with_names != NEVER else 0
    if get("value_conflicts") and not values and not names and with_other_values is not None:
        return tokens >= max(min_tokens, with_other_values)
    least = min(min_tokens, with_values if values else NEVER, with_names if names else NEVER)
    return get("code_lines") >= min_lines or tokens >= least


def label(criterion: Criterion) -> str:
    """A criterion as the results name it."""
    names = ("min_lines", "min_tokens", "min_tokens_with_values", "min_tokens_with_names",
             "min_tokens_with_other_values")  # fmt: skip
    return " or ".join(
        f"{name}={value}"
        for name, value in zip(names, criterion, strict=True)
        if value is not None and value != NEVER
    )


def match_tree(index_path: Path, tree: Path, out: Path) -> None:
    """Match every C file of ``tree`` against the index, with the open tree's interface
    vocabulary (as the audit does) and without it; write both arms' matches as JSON (this is
    what ``measure`` times for the speed figure)."""
    start = time.perf_counter()
    index = FingerprintIndex.open(index_path)
    paths = c_family_files(tree)
    prints = list(
        print_files(tree, paths, index.params.k, index.params.window, uses=True, full=True, jobs=2)
    )
    printed = time.perf_counter()
    vocabulary = open_vocabulary(tree, paths)
    read = time.perf_counter()
    settings = CopySettings(
        min_lines=min(c[0] for c in CRITERIA),
        min_tokens=min(c[1] for c in CRITERIA),
        min_tokens_with_values=min(c[2] for c in CRITERIA),
        min_tokens_with_names=min(c[3] for c in CRITERIA),
        min_tokens_with_other_values=0,  # every criterion's conflicting runs are listed
        boilerplate_threshold=SETTINGS.boilerplate_threshold,
    )
    arms: dict[str, list[CopyMatch]] = {}
    seconds: dict[str, float] = {}
    for arm in ARMS:
        began = time.perf_counter()
        arms[arm] = find_copies(
            index, prints, settings, boilerplate=known_boilerplate(index.params.k),
            vocabulary=vocabulary if arm == "vocabulary" else frozenset(),
        )  # fmt: skip
        seconds[arm] = round(time.perf_counter() - began, 2)
    defined = {d.name for fp in prints for d in fp.definitions}
    refs = find_references(index, prints, paths, defined=defined)
    out.write_text(
        json.dumps(
            {
                "files": len(paths),
                "vocabulary_names": len(vocabulary),
                "seconds_fingerprint_open": round(printed - start, 2),
                "seconds_vocabulary": round(read - printed, 2),
                "seconds_match": seconds["vocabulary"],
                "seconds_match_without_vocabulary": seconds["no vocabulary"],
                "matches": [m.__dict__ for m in arms["vocabulary"]],
                "matches_without_vocabulary": [m.__dict__ for m in arms["no vocabulary"]],
                "references": len(refs),
                "reference_kinds": {
                    kind: sum(1 for r in refs if r.kind == kind) for kind in ("include", "symbol")
                },
            }
        )
    )


class RememberingIndex(FingerprintIndex):
    """The index with every posting list it looked up kept in memory: the accuracy loop
    matches one host file at a time, and the same frequent fingerprints come back."""

    def __init__(self, path: Path) -> None:
        opened = FingerprintIndex.open(path)
        super().__init__(opened.db, opened.name)
        self.seen: dict[int, list[Posting]] = {}

    def postings(self, hashes: Iterable[int]) -> dict[int, list[Posting]]:
        """As FingerprintIndex.postings, from memory for hashes asked before."""
        wanted = set(hashes)
        seen = self.seen
        new = {h for h in wanted if h not in seen}  # not 'wanted - seen.keys()': copies seen
        if new:
            found = super().postings(new)
            self.seen.update({h: found.get(h, []) for h in new})
        return {h: self.seen[h] for h in wanted if self.seen[h]}


def exact_kgrams(text: str, k: int = 5) -> list[int]:
    """Hashes of every run of ``k`` tokens as written (names and literal values kept)."""
    return kgram_hashes(tokenize(text).raw, k)


def accuracy(index_path: Path, qemu: Path, xen: Path, samples: int = SAMPLES) -> dict[str, object]:
    """Plant transformed QEMU fragments into Xen files; recall per kind and size, matching
    each planted file with Xen's interface vocabulary (as the audit does) and without it."""
    rng = random.Random(SEED)
    index = RememberingIndex(index_path)
    k, window = index.params.k, index.params.window
    sources = [p for p in c_family_files(qemu) if p.endswith(".c")]
    xen_files = c_family_files(xen)
    hosts = [p for p in xen_files if p.endswith(".c")]
    xen_prints = list(print_files(xen, xen_files, k, window, jobs=2))
    ignored = boilerplate_hashes(xen_prints, SETTINGS.boilerplate_threshold)
    ignored |= known_boilerplate(k)
    # the planted fragments go into .c files: the headers, and so the vocabulary, stay Xen's
    vocabulary = open_vocabulary(xen, xen_files)
    vocabularies: dict[str, Collection[str]] = {
        "vocabulary": vocabulary,
        "no vocabulary": frozenset(),
    }
    cpu: dict[str, float] = dict.fromkeys(ARMS, 0.0)
    found: dict[tuple[str, int, Criterion], list[bool]] = defaultdict(list)
    found_without: dict[tuple[str, int, Criterion], list[bool]] = defaultdict(list)
    found_any: dict[tuple[str, int], list[bool]] = defaultdict(list)
    # fragments that keep a k-gram of evidence of the original through the transformation
    evidence: dict[tuple[str, int], list[bool]] = defaultdict(list)
    misses: list[dict[str, object]] = []
    lost: list[dict[str, object]] = []  # found without the vocabulary, missed with it
    texts: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in texts:
            texts[path] = (qemu / path).read_text(errors="replace").split("\n")
        return texts[path]

    def described(m: CopyMatch, right: bool) -> dict[str, object]:
        return {
            "proprietary": f"{m.proprietary_path}:{m.proprietary_start_line}",
            "tokens": m.tokens, "code_lines": m.code_lines, "value_matches": m.value_matches,
            "value_conflicts": m.value_conflicts, "name_matches": m.name_matches,
            "names_source": right,
        }  # fmt: skip

    for size in SIZES:
        for _ in range(samples):
            src, start, end = pick_fragment(rng, qemu, sources, size)
            original = (qemu / src).read_text(errors="replace").split("\n")[start - 1 : end]
            same = set(exact_kgrams("\n".join(original)))
            shape = set(stream_hashes(tokenize("\n".join(original)), k)) - {EXCLUDED}

            def holds_fragment(m: CopyMatch, src: str = src, same: set[int] = same) -> bool:
                """The match names the fragment's source file, or a region of another QEMU
                file with the same code, names and values (QEMU carries many copies of
                itself, some with a few names changed): at least half of the fragment's or
                of the region's 5-token runs as written are in both. A region of the same
                shape with other names and values is not the source."""
                if m.proprietary_path == src:
                    return True
                lines = lines_of(m.proprietary_path)
                region = "\n".join(lines[m.proprietary_start_line - 1 : m.proprietary_end_line])
                theirs = set(exact_kgrams(region))
                both = len(same & theirs)
                return both > 0 and both >= 0.5 * min(len(same), len(theirs))

            host = rng.choice(hosts)
            host_text = (xen / host).read_text(errors="replace")
            for kind in KINDS:
                fragment = TRANSFORMS[kind](original)
                kept = shape & set(stream_hashes(tokenize("\n".join(fragment)), k))
                evidence[(kind, size)].append(bool(kept))
                text, first, last = plant(rng, host_text, fragment)
                fp = print_text(host, text, k, window, full=True)
                hits: dict[str, list[CopyMatch]] = {}
                rights: dict[str, list[CopyMatch]] = {}
                for arm, names in vocabularies.items():
                    began = time.process_time()
                    runs = find_copies(index, [fp], RAW, boilerplate=ignored, vocabulary=names)
                    cpu[arm] += time.process_time() - began
                    hits[arm] = [m for m in runs if m.start_line <= last and m.end_line >= first]
                    rights[arm] = [m for m in hits[arm] if holds_fragment(m)]
                for arm, table in (("vocabulary", found), ("no vocabulary", found_without)):
                    for criterion in CRITERIA:
                        table[(kind, size, criterion)].append(
                            any(qualifies(m, criterion) for m in rights[arm])
                        )
                ok = found[(kind, size, CRITERIA[0])][-1]
                hit = hits["vocabulary"]
                found_any[(kind, size)].append(any(qualifies(m, CRITERIA[0]) for m in hit))
                if not ok and found_without[(kind, size, CRITERIA[0])][-1]:
                    words = {w for line in fragment for w in IDENT.findall(line)}
                    lost.append({
                        "kind": kind, "size": size, "source": f"{src}:{start}", "host": host,
                        "fragment_tokens": len(tokenize("\n".join(original))),
                        "names_in_vocabulary": sorted(
                            w for w in words if w in vocabulary
                            and w not in vocabulary.exempt(host)),
                        "with": [described(m, m in rights["vocabulary"]) for m in hit],
                        "without": [described(m, m in rights["no vocabulary"])
                                    for m in hits["no vocabulary"]],
                    })  # fmt: skip
                if not ok and size >= 10 and kind != "reordered":
                    misses.append({
                        "kind": kind, "size": size, "source": f"{src}:{start}", "host": host,
                        "fragment_tokens": len(tokenize("\n".join(original))),
                        "overlapping": [described(m, m in rights["vocabulary"]) for m in hit],
                    })  # fmt: skip

    def share(table: dict[tuple[str, int, Criterion], list[bool]], c: Criterion) -> Any:
        return {
            kind: {
                str(size): round(sum(table[(kind, size, c)]) / len(table[(kind, size, c)]), 3)
                for size in SIZES
            }
            for kind in KINDS
        }

    tables = {label(c): share(found, c) for c in CRITERIA}
    table = tables[label(CRITERIA[0])]
    table_any = {
        kind: {
            str(size): round(sum(found_any[(kind, size)]) / len(found_any[(kind, size)]), 3)
            for size in SIZES
        }
        for kind in KINDS
    }
    index.close()
    return {
        "samples_per_cell": samples,
        "vocabulary_names": len(vocabulary),
        "recall": table,
        "recall_without_vocabulary": share(found_without, CRITERIA[0]),
        "recall_any_source": table_any,
        # no k-gram detector finds a fragment that keeps none of the original's k-grams of
        # evidence (too short for one k-gram, only lists that renaming turns into a pure shape,
        # every k-gram broken by reordering)
        "fragments_with_evidence": {
            kind: {
                str(size): round(sum(evidence[(kind, size)]) / len(evidence[(kind, size)]), 3)
                for size in SIZES
            }
            for kind in KINDS
        },
        "recall_by_criterion": tables,
        "recall_by_criterion_without_vocabulary": {
            label(c): share(found_without, c) for c in CRITERIA
        },
        "cpu_seconds_matching": {arm: round(cpu[arm], 1) for arm in ARMS},
        "lost_to_vocabulary": lost,
        "misses_10_lines_or_more": misses,
    }


def audit_xen(index: Path, xen: Path, tmp: Path) -> dict[str, object]:
    """``openesx-license audit XEN --ip-index INDEX`` as a user runs it (built-in policy, the
    licence scan included), with empty caches and again with the caches of the first run:
    time, peak memory, and the IP findings it reports."""
    if (K, WINDOW) != (DEFAULTS.k, DEFAULTS.window):
        return {"skipped": "the index is not built with the policy's k and window"}
    out: dict[str, object] = {}
    for caches in ("cold", "warm"):
        reports = tmp / f"audit-{caches}"
        run = measure(
            f"audit Xen with --ip-index ({caches} caches)",
            [str(BIN / "openesx-license"), "audit", str(xen), "--ip-index", str(index),
             "--out", str(reports), "--format", "json", "--fail-on", "never",
             "--cache-dir", str(tmp / "cache"), "--jobs", "2"],
        )  # fmt: skip
        findings = json.loads((reports / "findings.json").read_text())["findings"]
        out[caches] = {
            "measurement": run,
            "findings_by_rule": dict(Counter(f["rule"] for f in findings).most_common()),
        }
    return out


def reusable(index: Path) -> bool:
    """Whether ``index`` exists and was built with the parameters the benchmark uses."""
    try:
        built = FingerprintIndex.open(index)
    except FingerprintIndexError:
        return False
    try:
        built.require(IndexParameters(k=K, window=WINDOW))
        return True
    except FingerprintIndexError:
        return False
    finally:
        built.close()


def configure(
    k: int,
    window: int,
    min_lines: int,
    min_tokens: int,
    min_tokens_with_values: int,
    min_tokens_with_names: int = DEFAULTS.min_tokens_with_names,
    min_tokens_with_other_values: int = DEFAULTS.min_tokens_with_other_values,
    boilerplate_threshold: int = DEFAULTS.boilerplate_threshold,
) -> None:
    """Measure these winnowing parameters and this size rule instead of the policy defaults."""
    global K, WINDOW, SETTINGS, CRITERIA  # noqa: PLW0603 - the benchmark's parameters
    K, WINDOW = k, window
    SETTINGS = CopySettings(
        min_lines=min_lines,
        min_tokens=min_tokens,
        min_tokens_with_values=min_tokens_with_values,
        min_tokens_with_names=min_tokens_with_names,
        min_tokens_with_other_values=min_tokens_with_other_values,
        boilerplate_threshold=boilerplate_threshold,
    )
    chosen = (
        min_lines, min_tokens, min_tokens_with_values, min_tokens_with_names,
        min_tokens_with_other_values,
    )  # fmt: skip
    CRITERIA = (chosen, *(c for c in CRITERIA if c != chosen))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the tables; save bench/results/copied.json."""
    global SIZES  # noqa: PLW0603 - the benchmark's parameters
    parser = argparse.ArgumentParser(description="Copied-code detection: QEMU vs Xen.")
    parser.add_argument("--index", default=os.environ.get("OESX_BENCH_COPIED_INDEX"))
    parser.add_argument("-k", type=int, default=DEFAULTS.k)
    parser.add_argument("--window", type=int, default=DEFAULTS.window)
    parser.add_argument("--min-lines", type=int, default=DEFAULTS.min_lines)
    parser.add_argument("--min-tokens", type=int, default=DEFAULTS.min_tokens)
    parser.add_argument(
        "--min-tokens-with-values", type=int, default=DEFAULTS.min_tokens_with_values
    )
    parser.add_argument("--min-tokens-with-names", type=int, default=DEFAULTS.min_tokens_with_names)
    parser.add_argument(
        "--min-tokens-with-other-values", type=int,
        default=DEFAULTS.min_tokens_with_other_values,
    )  # fmt: skip
    parser.add_argument("--boilerplate-threshold", type=int, default=DEFAULTS.boilerplate_threshold)
    parser.add_argument("--samples", type=int, default=SAMPLES, help="fragments per cell")
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="fragment sizes in lines of code"
    )
    parser.add_argument("--name", default="copied", help="results file name (without .json)")
    parser.add_argument("--qemu", help="the QEMU tree (default: fetched with fetch_corpus)")
    parser.add_argument("--xen", help="the Xen tree (default: fetched with fetch_corpus)")
    parser.add_argument(
        "--no-audit", action="store_true",
        help="skip the two audits of Xen (the licence scan is most of the run's CPU time)",
    )  # fmt: skip
    # bench/run.py calls main() with its own command line in sys.argv: no options then
    args = parser.parse_args([] if argv is None else argv)
    configure(
        args.k, args.window, args.min_lines, args.min_tokens, args.min_tokens_with_values,
        args.min_tokens_with_names, args.min_tokens_with_other_values,
        args.boilerplate_threshold,
    )  # fmt: skip
    SIZES = tuple(int(size) for size in args.sizes.split(","))
    kept = args.index
    qemu = Path(args.qemu) if args.qemu else fetch_corpus("qemu")
    xen = Path(args.xen) if args.xen else fetch_corpus("xen")
    began, load_before = (time.perf_counter(), os.times()), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="oesx-copied-") as tmp:
        index = Path(kept) if kept else Path(tmp) / "qemu.db"
        build: Measurement | str
        if kept and reusable(index):
            build = f"reused {index} (built earlier with the same parameters)"
        else:
            build = measure(
                "fingerprint QEMU",
                [str(BIN / "openesx-license"), "fingerprint", str(qemu), "-o", str(index),
                 "--component", "qemu", "--jobs", "2",
                 "-k", str(K), "--window", str(WINDOW)],
            )  # fmt: skip
            if build.returncode != 0:
                return 1
        matches_json = Path(tmp) / "xen-matches.json"
        match = measure(
            "match Xen against the QEMU index",
            [
                sys.executable,
                __file__,
                "--match",
                str(index),
                str(xen),
                str(matches_json),
                str(SETTINGS.min_lines),
                str(SETTINGS.min_tokens),
                str(SETTINGS.min_tokens_with_values),
                str(SETTINGS.min_tokens_with_names),
                str(SETTINGS.min_tokens_with_other_values),
                str(SETTINGS.boilerplate_threshold),
            ],
        )
        if match.returncode != 0:
            return 1
        audits: dict[str, object] = (
            {"skipped": "--no-audit"} if args.no_audit else audit_xen(index, xen, Path(tmp))
        )
        untouched = json.loads(matches_json.read_text())
        meta = FingerprintIndex.open(index)
        index_info = {
            "files": int(meta.meta["files"]),
            "fingerprints": int(meta.meta["fingerprint_count"]),
            "bytes": index.stat().st_size,
            "k": meta.params.k,
            "window": meta.params.window,
        }
        meta.close()
        acc = accuracy(index, qemu, xen, args.samples)
    wall = time.perf_counter() - began[0]
    after = os.times()
    cpu = sum(after[:4]) - sum(began[1][:4])  # this process and its children, user + system
    run_info = {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "nice": os.nice(0),
    }
    for m in untouched["matches"] + untouched["matches_without_vocabulary"]:
        m["names_shared"] = names_shared(xen, qemu, m)
        m["category"] = "shared code" if m["names_shared"] >= SHARED_NAMES else "shape only"

    def untouched_arm(every_run: list[dict[str, Any]]) -> dict[str, Any]:
        listed = sorted(
            (m for m in every_run if qualifies(m, CRITERIA[0])),
            key=lambda m: (-m["tokens"], m["path"], m["start_line"]),
        )
        return {
            "matches": len(listed),
            "by_category": {
                category: sum(1 for m in listed if m["category"] == category)
                for category in ("shared code", "shape only")
            },
            "matches_by_criterion": {
                label(c): {
                    category: sum(
                        1 for m in every_run if qualifies(m, c) and m["category"] == category
                    )
                    for category in ("shared code", "shape only")
                }
                for c in CRITERIA
            },
            "listed": listed,
        }

    arm = untouched_arm(untouched["matches"])
    without = untouched_arm(untouched["matches_without_vocabulary"])
    false_positives, by_category = arm["listed"], arm["by_category"]
    kept_regions = {(m["path"], m["start_line"], m["proprietary_path"]) for m in false_positives}
    dropped = [
        m for m in without["listed"]
        if (m["path"], m["start_line"], m["proprietary_path"]) not in kept_regions
    ]  # fmt: skip
    payload: dict[str, object] = {
        "proprietary": f"QEMU ({qemu.name})",
        "open": f"Xen ({xen.name})",
        "settings": SETTINGS.__dict__,
        "run": run_info,
        "index": index_info,
        "speed": {"fingerprint": build, "match": match, "audit": audits,
                  "match_detail": {k: untouched[k] for k in
                                   ("files", "vocabulary_names", "seconds_fingerprint_open",
                                    "seconds_vocabulary", "seconds_match",
                                    "seconds_match_without_vocabulary")}},
        "untouched_tree": {
            "matches": len(false_positives),
            "by_category": by_category,
            "shared_code_by_folder": folders(m for m in false_positives
                                             if m["category"] == "shared code"),
            "shape_only_by_folder": folders(m for m in false_positives
                                            if m["category"] == "shape only"),
            "matches_by_criterion": arm["matches_by_criterion"],
            "references": untouched["references"],
            "reference_kinds": untouched["reference_kinds"],
            "listed": false_positives,
        },
        "untouched_tree_without_vocabulary": {
            "matches": without["matches"],
            "by_category": without["by_category"],
            "matches_by_criterion": without["matches_by_criterion"],
            # matched without the vocabulary, not with it: what the rule removes
            "dropped_by_vocabulary": dropped,
        },
        **acc,
    }  # fmt: skip
    path = save(args.name, payload)
    print(f"index: {index_info}")
    if isinstance(build, Measurement):
        print(f"fingerprint QEMU: {build.seconds} s, {build.peak_rss_mb} MB peak")
    print(f"match Xen: {match.seconds} s, {match.peak_rss_mb} MB peak")
    for caches, run in audits.items():
        if isinstance(run, dict):
            m = run["measurement"]
            assert isinstance(m, Measurement)
            print(f"audit Xen --ip-index ({caches}): {m.seconds} s, {m.peak_rss_mb} MB peak, "
                  f"findings {run['findings_by_rule']}")  # fmt: skip
    print(f"run: {run_info}")
    print(f"untouched Xen, vocabulary: {len(false_positives)} matches {by_category} "
          f"(listed in {path})")  # fmt: skip
    print(
        f"untouched Xen, no vocabulary: {without['matches']} matches "
        f"{without['by_category']} ({len(dropped)} not matched with the vocabulary)"
    )
    recall, recall_without = acc["recall"], acc["recall_without_vocabulary"]
    assert isinstance(recall, dict) and isinstance(recall_without, dict)
    print(f"recall, {acc['samples_per_cell']} per cell: with vocabulary | without")
    print(" " * 20 + "".join(f"{s:>14}" for s in SIZES))
    for kind, row in recall.items():
        print(f"{kind:<20}" + "".join(
            f"{row[str(s)]:>7.0%}{recall_without[kind][str(s)]:>7.0%}" for s in SIZES
        ))  # fmt: skip
    print(f"lost to the vocabulary: {len(acc['lost_to_vocabulary'])}")  # type: ignore[arg-type]
    ceiling = acc["fragments_with_evidence"]
    assert isinstance(ceiling, dict)
    print("with evidence (the most any k-gram detector finds)")
    for kind, row in ceiling.items():
        print(f"{kind:<20}" + "".join(f"{row[str(s)]:>7.0%}" for s in SIZES))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 11 and sys.argv[1] == "--match":
        configure(K, WINDOW, *map(int, sys.argv[5:11]))
        match_tree(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
