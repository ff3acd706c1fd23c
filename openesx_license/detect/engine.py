"""ScanCode Toolkit as the detection engine, called through its Python API.

Licences go through ``licensedcode.detection.detect_licenses`` on one block of text at a time
(the index is loaded lazily, once per process, on the first block that is not in the cache);
each detection is turned into plain data, its expression rendered to SPDX the way
``scancode.api.get_licenses`` does (``build_spdx_license_expression``), so that the combined
expression of a file agrees with ScanCode's ``detected_license_expression_spdx``. Copyrights
and holders go through ``cluecode``'s ``CopyrightDetector`` one candidate group at a time.
The results are JSON-ready dicts, the unit of the block cache.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

#: bump when what we extract or how we combine it changes: old cache entries become stale
DETECT_VERSION = "14"
#: matched text kept as evidence, per detection
MATCHED_TEXT_CHARS = 400
#: token texts whose copyright lexer label is remembered (per process)
LEXER_MEMORY = 200_000
#: an approximate match covering less of its rule than this (percent: ScanCode's
#: ``CLUES_MATCH_COVERAGE_THR``, below which it calls matches low quality) gives way to the
#: exact matches that overlap it and name other licences (:func:`_block_detections`)
WEAK_COVERAGE = 60

LicenseFacts = list[dict[str, Any]]
CopyrightFacts = dict[str, list[list[Any]]]


@lru_cache(maxsize=1)
def scancode_version() -> str:
    """The installed ScanCode Toolkit version."""
    return importlib.metadata.version("scancode-toolkit")


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Identity of the engine and its rules, without loading the index.

    ScanCode's version, our detection version and the size and mtime of ScanCode's built
    licence index: a reindex (new or changed rules) or an upgrade invalidates the cache.
    """
    from scancode_config import licensedcode_cache_dir

    index_file = os.path.join(licensedcode_cache_dir, "license_index", "index_cache")
    try:
        st = os.stat(index_file)
        index_id = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        index_id = "unbuilt"
    raw = f"scancode-toolkit {scancode_version()}|openesx-detect {DETECT_VERSION}|{index_id}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


def engine_label() -> str:
    """Human-readable engine name for the scan result."""
    return f"scancode-toolkit {scancode_version()} / openesx-detect {DETECT_VERSION}"


def load_index() -> None:
    """Load ScanCode's licence index into this process (a pool worker's initializer)."""
    from licensedcode.cache import get_index

    use_candidate_filter(get_index())


def use_candidate_filter(index: Any) -> None:
    """File the rules of ``index`` for :mod:`.candidates` (once) and use its filter; keep the
    index in less memory (:mod:`.index_memory`, once)."""
    from openesx_license.detect import candidates, index_memory

    if candidates.install(scancode_version()):
        candidates.ensure_filed(index)
    index_memory.compact_index(index, scancode_version())


def attach_exceptions(expression: Any) -> Any:
    """Join an exception ANDed to a licence in one detection into ``licence WITH exception``.

    ScanCode matches a notice and the exception that follows it as two rules when no single
    rule covers both, and combines them with AND (``gpl-2.0-plus AND
    autoconf-simple-exception-2.0``); an exception is not a licence and SPDX only allows it
    after WITH. Within one detection (one notice) the exception qualifies the plain licence
    next to it (the one before it, else the one after it); an exception with no plain licence
    beside it is left as it is. ``expression`` is a parsed ScanCode expression.
    """
    from license_expression import AND, LicenseWithExceptionSymbol

    def plain(node: Any) -> bool:
        return hasattr(node, "key") and not getattr(node, "is_exception", False)

    def walk(node: Any) -> Any:
        if not isinstance(node, AND) and hasattr(node, "args") and node.args:
            return node.__class__(*[walk(a) for a in node.args])
        if not isinstance(node, AND):
            return node
        args = [walk(a) for a in node.args]
        out: list[Any] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if getattr(arg, "is_exception", False) and hasattr(arg, "key"):
                if out and plain(out[-1]):
                    out[-1] = LicenseWithExceptionSymbol(out[-1], arg)
                    i += 1
                    continue
                if i + 1 < len(args) and plain(args[i + 1]):
                    out.append(LicenseWithExceptionSymbol(args[i + 1], arg))
                    i += 2
                    continue
            out.append(arg)
            i += 1
        return out[0] if len(out) == 1 else AND(*out)

    return walk(expression)


def detect_license_block(text: str, *, exact: bool = False) -> LicenseFacts:
    """ScanCode's licence detections in one block, as plain data (lines relative to the block).

    Clues (detections without an expression) are left out, as ScanCode leaves them out of
    ``detected_license_expression``. ``exact`` (a probe, :mod:`.probes`) leaves out
    ScanCode's approximate matcher and its tag reader (ours reads tags): only its hash and
    exact rule matchers count.
    """
    from licensedcode.cache import build_spdx_license_expression, get_cache, get_index
    from licensedcode.detection import is_license_intro

    licensing = get_cache().licensing
    use_candidate_filter(get_index())

    def spdx(expression: str) -> str:
        return str(build_spdx_license_expression(expression, licensing=licensing))

    facts: LicenseFacts = []
    found = _exact_detections(text) if exact else _block_detections(text)
    for det in found:
        if det.license_expression is None:
            continue
        expression = str(attach_exceptions(licensing.parse(det.license_expression)))
        matches = det.matches
        first = matches[0]
        try:
            matched_text = first.matched_text(whole_lines=False, highlight=False)
        except Exception:  # noqa: BLE001 - evidence text is a nicety, never a failure
            matched_text = ""
        facts.append(
            {
                "expression": spdx(expression),
                "scancode_expression": expression,
                "start_line": min(m.start_line for m in matches),
                "end_line": max(m.end_line for m in matches),
                "score": round(max(m.score() for m in matches), 2),
                "rules": [m.rule.identifier for m in matches],
                "matched_text": " ".join(matched_text.split())[:MATCHED_TEXT_CHARS],
                "matches": [
                    {
                        "expression": spdx(m.rule.license_expression),
                        "rule": m.rule.identifier,
                        "start_line": m.start_line,
                        "end_line": m.end_line,
                        "intro": bool(is_license_intro(m)),
                        "kind": _rule_kind(m.rule),
                        "references": list(m.rule.referenced_filenames or ()),
                    }
                    for m in matches
                ],
            }
        )
    return facts


def _exact_detections(text: str) -> list[Any]:
    """ScanCode's detections of ``text`` from its hash and exact rule matches alone, grouped
    and post-processed as ``detect_licenses`` does."""
    from licensedcode.cache import get_index
    from licensedcode.match_spdx_lid import MATCH_SPDX_ID

    found = get_index().match(query_string=text, approximate=False)
    return _detections([m for m in found if m.matcher != MATCH_SPDX_ID])


def _block_detections(text: str) -> list[Any]:
    """ScanCode's detections of a licence block, as ``detect_licenses`` makes them, except
    that an approximate match covering less than :data:`WEAK_COVERAGE` % of its rule gives
    way to the exact matches (100 % of their rule) that overlap it, when they name other
    licences than it does.

    ScanCode keeps the larger of two overlapping matches, whatever their quality, so a few
    words that an approximate match aligns with a rule can swallow a rule matched exactly: "This
    file may be distributed separately from the Linux kernel, or incorporated into other
    software packages, subject to the following license:" above an MIT text matches 16-18 %
    of ``gpl-2.0-plus_or_copyleft_next.RULE`` over the exact intro
    ``unknown-license-reference_211`` (Xen's ``tools/include/xen-sys/*``). Whether ScanCode
    tries that rule at all depends on the text around the notice: it sequence-matches only a
    query run's 70 best candidates, and a whole file's run (cut after 15 junk lines, 4 in a
    string) holds more text than our block, so ``scancode`` on the file never tries it and
    says MIT. Preferring the exact matches makes the answer independent of that context, and
    is what ScanCode does when it chooses between its matchers (exact first).
    """
    from licensedcode.cache import get_index
    from licensedcode.match_seq import MATCH_SEQ

    index = get_index()
    found = index.match(query_string=text)
    weak = [m for m in found if m.matcher == MATCH_SEQ and m.coverage() < WEAK_COVERAGE]
    if not weak:
        return _detections(found)
    strong = [m for m in found if not any(m is w for w in weak)]
    exact = [
        m
        for m in index.match(query_string=text, approximate=False)
        if m.coverage() == 100 and not any(_within(m, s) for s in strong)
    ]
    kept = list(strong)
    for match in weak:
        inner = [e for e in exact if e.qstart <= match.qend and match.qstart <= e.qend]
        keys = {k for e in inner for k in e.rule.license_keys()}
        # the same licences either way: ScanCode's own choice stands (its rule may name a
        # file that a "see COPYING" reference follows)
        kept.extend(inner if inner and keys != set(match.rule.license_keys()) else [match])
    unique = {(m.rule.identifier, m.qstart, m.qend): m for m in kept}
    return _detections(sorted(unique.values(), key=lambda m: (m.qstart, m.qend)))


def _within(inner: Any, outer: Any) -> bool:
    """Whether match ``inner`` lies within the span of match ``outer`` (same query)."""
    return bool(outer.qstart <= inner.qstart and inner.qend <= outer.qend)


def _detections(matches: list[Any]) -> list[Any]:
    """``matches`` of one text grouped into detections and post-processed as
    ``detect_licenses`` does."""
    from licensedcode.cache import get_licensing
    from licensedcode.detection import LicenseDetection, group_matches, process_detections

    if not matches:
        return []
    detections = [LicenseDetection.from_matches(matches=g) for g in group_matches(matches)]
    return list(process_detections(detections=detections, licensing=get_licensing()))


def _rule_kind(rule: Any) -> str:
    """What a ScanCode rule is: a licence ``text``, a ``notice``, a ``reference`` (a name or
    URL), a ``tag``, an ``intro`` or a ``clue``."""
    for kind in ("text", "notice", "reference", "tag", "intro", "clue"):
        if getattr(rule, f"is_license_{kind}", False):
            return kind
    return "notice"


_DETECTOR: Any = None
_NO_LABEL = object()


class _RememberingLexer:
    """ScanCode's copyright lexer (pygmars ``Lexer``), remembering each token's label.

    The lexer labels a token by the first of some hundreds of regular expressions that
    matches its text, so the label depends on the text alone; half of the time of copyright
    detection went into it, on the same few thousand words ("Copyright", "(c)", years,
    names) over and over. Remembered labels are the ones the lexer gives; the memory is
    emptied when it holds :data:`LEXER_MEMORY` texts.
    """

    def __init__(self, lexer: Any) -> None:
        self._lexer = lexer
        self._labels: dict[str, Any] = {}

    def lex_tokens(self, tokens: Iterable[Any], trace: bool = False) -> Iterator[Any]:
        """Label ``tokens`` as ``Lexer.lex_tokens`` does (``trace`` goes to the lexer)."""
        if trace:
            yield from self._lexer.lex_tokens(tokens, trace=trace)
            return
        labels = self._labels
        for token in tokens:
            label = labels.get(token.value)
            if label is None:
                if len(labels) >= LEXER_MEMORY:
                    labels.clear()
                label = _NO_LABEL
                for matcher, found in self._lexer._matchers:
                    if matcher(token.value):
                        label = found
                        break
                labels[token.value] = label
            if label is not _NO_LABEL:
                token.label = label
            yield token


def detect_copyright_group(lines: Iterable[tuple[int, str]]) -> CopyrightFacts:
    """Copyright statements and holders of one candidate group (lines as given)."""
    global _DETECTOR
    from cluecode.copyrights import CopyrightDetection, CopyrightDetector, HolderDetection

    if _DETECTOR is None:
        _DETECTOR = CopyrightDetector()
        _DETECTOR.lexer = _RememberingLexer(_DETECTOR.lexer)
    facts: CopyrightFacts = {"copyrights": [], "holders": []}
    for found in _DETECTOR.detect(
        numbered_lines=list(lines),
        include_copyrights=True,
        include_holders=True,
        include_authors=False,
        include_copyright_years=True,
        include_copyright_allrights=False,
    ):
        if isinstance(found, CopyrightDetection):
            facts["copyrights"].append([found.copyright, found.start_line, found.end_line])
        elif isinstance(found, HolderDetection):
            facts["holders"].append([found.holder, found.start_line, found.end_line])
    return facts
