"""Cut a file's text into the blocks that can carry licence or copyright text.

Licence headers repeat across thousands of files, so detection works on blocks, not files:

- a *licence block* is a run of lines holding words that licence texts and notices are made of
  (:data:`LICENCE_WORDS`), allowing up to :data:`GAP_LINES` other lines inside the run; the
  rest of the file is never sent to the engine. ``SPDX-License-Identifier`` lines are blanked
  (the tag fast path reads them), and so are bare copyright statements (their years and holders
  differ from file to file and would defeat the deduplication; the copyright detector reads them).
- a *copyright group* is what ScanCode's own ``collect_candidate_lines`` yields: the candidate
  lines of one copyright statement, which its detector parses one group at a time.

Each block is keyed by a hash of its normalised content (lower-case word tokens per line, the
same tokenisation ScanCode's query uses, so comment decoration does not matter) so that a
block seen once is matched once.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from openesx_license.detect.comments import comment_spans, is_blank, paragraphs

#: lines without legalese tolerated inside one licence block (ScanCode groups matches that
#: are at most 4 lines apart into one detection)
GAP_LINES = 4
#: lines of a paragraph taken before and after a licence line outside a comment
PARAGRAPH_REACH = 12
#: longest licence block sent at once; a longer run is cut (full licence texts are ~700 lines)
MAX_BLOCK_LINES = 4000
#: share of a file's (or a comment's) non-blank lines in licence blocks above which the file
#: (or the comment) is one block
WHOLE_FILE_SHARE = 0.5
#: a document (not code) of at most this many non-blank lines is one block, licence words or
#: not ("AFPL Ghostscript", "Parity-7.0"): ScanCode reads it all, and it is cheap to match
SMALL_DOCUMENT_LINES = 40
_WORDS = re.compile(r"[^_\W]+\+?[^_\W]*", re.UNICODE)
#: words that licence texts, notices and references are made of; a line with none of them
#: never starts a licence block
LICENCE_WORDS = frozenset(
    """
    license licence licensed licenses licences licensing licensor licensee licensors sublicense
    copyright copyrighted copyrights copyleft gpl gplv2 gplv3 lgpl lgplv2 agpl gnu fsf bsd mit
    apache mozilla mpl cddl epl eupl spdx cc0 unlicense wtfpl
    warranty warranties merchantability liability liable damages disclaimer disclaimed
    disclaims infringement indemnify royalty redistribute redistributed redistribution
    redistributions distribute distributed distributing permission permitted
    reproduce modify foundation proprietary confidential trademark trademarks patent patents
    freely copies abandoned distribution distributions misrepresented licenza licencia
    licenses licencias licenze lizenz lizenzen lizenziert lizenzbedingungen urheberrecht
    urheberrechte haftung gewährleistung nutzungsrechte licentie licenties auteursrecht
    aansprakelijkheid garantie droits auteur licença licenças direitos derechos diritti autore
    лицензия лицензии лицензионное авторское авторские права licencja licencji prawa autorskie
    licens licensen upphovsrätt ophavsret opphavsrett tekijänoikeus lisenssi
    eula publicdomain licenseid datenlizenz commercial noncommercial creative commons
    attribution sharealike noderivatives noderivs derivs freeware shareware legal agreement
    disclaim guarantee guaranteed indemnification indemnity jurisdiction arbitration warranted
    gfdl mulan acknowledgment acknowledgement
    creativecommons opensource legalcode artistic
    """.split()
)
_URL = re.compile(r"\b(?:https?|ftp)://|\bwww\.[a-z0-9-]+\.|\b[a-z0-9-]+\.(?:org|com|net|edu|gov)/")
_DECORATION = re.compile(r"^\s*(?:[*#;!%]+|//+|--)\s?")
_ID_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+_-]*[a-z0-9+]")
#: the same words in scripts without spaces between words (found as substrings)
_CJK_LICENCE = re.compile(
    "ライセンス|使用許諾|著作権|许可证|許可證|版权|版權|授权|授權|许可协议|라이선스|저작권"
)
#: phrases that carry a licence or a disclaimer without any word of :data:`LICENCE_WORDS`
#: ("This file has been put into the public domain.", "PROVIDED AS IS AND WITHOUT ...", the
#: Developer's Certificate of Origin); a line holding one starts or extends a block too
LICENCE_PHRASES = re.compile(
    r"public[\s-]+domain|provided\s+[\"'`]*as[\s-]+is|[\"'`]as[\s-]+is[\"'`]"
    r"|certificate\s+of\s+origin|free\s+software|choose\s+(any\s+)?one\s+of"
    r"|choice\s+of\s+(one\s+of\s+)?(the\s+following|two|three)|terms\s+(of|and\s+conditions\s+of)\s+(use|service)",
    re.IGNORECASE,
)

_STATEMENT = re.compile(r"\b(1[89]|20)\d\d\b|\(c\)|\u00a9|rights\s+reserved", re.IGNORECASE)
_COPYRIGHT_START = frozenset({"copyright", "c", "portions", "parts", "copyrighted", "copr"})
_COPYRIGHT_WORDS = frozenset({"copyright", "copyrights", "copyrighted", "rights", "reserved"})


@dataclass(frozen=True, kw_only=True)
class LicenseBlock:
    """A run of lines that may hold licence text: ``start`` is the 0-based first line;
    ``exact`` blocks (:mod:`.probes`) are matched by ScanCode's exact matchers only; a
    ``tag`` block is a tag line with an unknown id (:func:`.tags.tag_block`)."""

    key: str
    start: int
    text: str
    exact: bool = False
    tag: bool = False


@dataclass(frozen=True, kw_only=True)
class CopyrightGroup:
    """Candidate lines of one copyright statement; ``lines`` are (line number - start, text)."""

    key: str
    start: int
    lines: tuple[tuple[int, str], ...]


def split_lines(text: str) -> list[str]:
    """Lines as ScanCode numbers them (``\\n``, ``\\r\\n`` and lone ``\\r`` end a line)."""
    return text.splitlines()


def _normalise(line: str) -> str:
    return " ".join(_WORDS.findall(line.lower()))


def block_key(lines: list[str]) -> str:
    """Hash of a block's normalised lines (decoration and case do not change it)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for line in lines:
        digest.update(_normalise(line).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def _is_bare_copyright(line: str) -> bool:
    """A copyright statement (a year, a (c) or "rights reserved" in it) with no licence words
    besides 'copyright ... rights reserved'."""
    words = _WORDS.findall(line.lower())
    if not words or words[0] not in _COPYRIGHT_START or LICENCE_PHRASES.search(line):
        return False
    if not _STATEMENT.search(line):
        return False
    return not any(w in LICENCE_WORDS and w not in _COPYRIGHT_WORDS for w in words)


def is_license_line(line: str) -> bool:
    """A line holding a licence word (:data:`LICENCE_WORDS`, in any of its languages), a
    licence phrase, a URL, or a licence id that ScanCode knows (``cc-by-nc-3.0``)."""
    low = line.lower()
    if LICENCE_PHRASES.search(line) or _CJK_LICENCE.search(line) or _URL.search(low):
        return True
    if any(w in LICENCE_WORDS or "gpl" in w or "gfdl" in w for w in _WORDS.findall(low)):
        return True
    ids = license_ids()
    return any(t.rstrip(".") in ids for t in _ID_TOKEN.findall(low))


def candidate_lines(lines: list[str]) -> Sequence[int]:
    """Indexes of the lines that can be licence lines or open a split licence phrase.

    A superset of the lines for which :func:`is_license_line` or :func:`_split_phrase` holds:
    testing every line of a file was most of the time spent cutting blocks, and most lines of
    code hold no licence word. In an ASCII text (where ``str.lower`` and case-insensitive
    matching agree letter for letter) each test needs a fixed string on the line, found with
    string searches over the whole text:

    - a licence word, or a licence id, is a word (or a run of id characters) of the
      lower-cased text: the text's words are intersected with :data:`LICENCE_WORDS` and its
      runs with :func:`license_ids`, and the lines holding the ones found are kept;
    - ``gpl`` or ``gfdl`` inside a word, and a URL (``://``, ``www.``, ``.org/`` ...);
    - a phrase of :data:`LICENCE_PHRASES` holds one of :data:`_PHRASE_NEEDLES` ("public",
      "provided", "'as", "software" ...); a phrase split over lines ``i`` and ``i + 1``, or
      found in the first words of line ``i + 1`` (:func:`_split_phrase`), holds one on line
      ``i`` or ``i + 1``, so the line before each line holding one is kept too.

    A line with any other character (CJK licence words, Unicode case rules) is kept, with the
    line before it. The exact tests then run on the kept lines only.
    """
    text = "\n".join(lines)
    marked: set[int] = set()
    if text.isascii():
        low = text.lower()
        lengths = map(len, lines)
    else:  # the non-ASCII lines are all kept; the others are searched as below
        lowered = [line.lower() for line in lines]
        low = "\n".join(lowered)
        lengths = map(len, lowered)
        for i, line in enumerate(lines):
            if not line.isascii():
                marked.update((i - 1, i) if i else (i,))
    words = _ASCII_LICENCE_WORDS.intersection(low.translate(_NOT_ALNUM).split())
    runs = set(low.translate(_NOT_ID_CHAR).split())
    ids = license_ids().intersection({r.lstrip(".+_-").rstrip("._-") for r in runs})
    needles = [*words, *ids, *(n for n in _FIXED_NEEDLES if n in low)]
    phrase = [n for n in _PHRASE_NEEDLES if n in low]
    if not needles and not phrase:
        return sorted(marked)
    starts = [0, *accumulate(n + 1 for n in lengths)]
    marked.update(bisect_right(starts, p) - 1 for n in needles for p in _positions(low, n))
    for index in {bisect_right(starts, p) - 1 for n in phrase for p in _positions(low, n)}:
        marked.update((index - 1, index) if index else (index,))
    return sorted(marked)


def _positions(text: str, needle: str) -> Iterator[int]:
    """Every position of ``needle`` in ``text``."""
    pos = text.find(needle)
    while pos >= 0:
        yield pos
        pos = text.find(needle, pos + 1)


_ASCII_LICENCE_WORDS = frozenset(w for w in LICENCE_WORDS if w.isascii())
#: ASCII characters that end a word of ``_WORDS`` (in lower-cased ASCII text) / a run of
#: characters a licence id is made of (``_ID_TOKEN``)
_NOT_ALNUM = str.maketrans({chr(c): " " for c in range(128) if not re.match("[a-z0-9]", chr(c))})
_NOT_ID_CHAR = str.maketrans(
    {chr(c): " " for c in range(128) if not re.match("[a-z0-9.+_-]", chr(c))}
)
#: fixed strings that ``gpl``/``gfdl`` inside a word and :data:`_URL` need
_FIXED_NEEDLES = ("gpl", "gfdl", "://", "www.", ".org/", ".com/", ".net/", ".edu/", ".gov/")
#: one of these is in every match of :data:`LICENCE_PHRASES`, on the line where the phrase
#: starts or (split phrases) on the next line
_PHRASE_NEEDLES = (
    "public", "provided", "'as", '"as', "`as", "certificate", "software", "choose", "choice",
    "terms",
)  # fmt: skip


@lru_cache(maxsize=1)
def license_ids() -> frozenset[str]:
    """Lower-case licence ids of more than one part (``nposl-3.0``, ``occt-pl``): the SPDX ids,
    their deprecated aliases and ScanCode's own keys, from the installed ScanCode's data.

    Single-word ids (``curl``, ``ruby``, ``html5``) are common words in code and are left out.
    """
    from licensedcode.models import load_licenses

    ids: set[str] = set()
    for lic in load_licenses(with_deprecated=True).values():
        for name in (lic.key, lic.spdx_license_key, *(lic.other_spdx_license_keys or ())):
            low = (name or "").lower().removeprefix("licenseref-scancode-")
            if re.fullmatch(r"[a-z0-9][a-z0-9.+_-]*", low) and re.search(r"[-.+_]", low):
                ids.add(low)
    return frozenset(ids)


def license_blocks(
    lines: list[str], blank: frozenset[int] = frozenset(), *, whole: bool | None = None
) -> list[LicenseBlock]:
    """The licence blocks of ``lines``; indexes in ``blank`` (tag lines) count as empty.

    A licence text must be matched in one piece to be recognised as the whole licence and not
    as fragments:

    - ``whole=True`` (a COPYING or LICENSE file): the file is one block, whatever its language;
    - ``whole=None`` (documents): the paragraphs holding licence lines are the blocks, and the
      whole file is one block when they cover :data:`WHOLE_FILE_SHARE` of its non-blank lines
      or when it is small (:data:`SMALL_DOCUMENT_LINES`);
    - ``whole=False`` (code): in each comment holding licence lines, everything from the first
      to the last paragraph holding one is one block (a licence text pasted in a comment stays
      whole; the comment's other paragraphs, a file name or a description, stay out, so that
      the same notice in many files is one block); licence lines outside comments are grouped
      as in documents.

    Blocks closer than :data:`GAP_LINES` are joined (ScanCode groups matches that close into
    one detection). Bare copyright statements that open a block are blanked (their years and
    holders differ from file to file and would defeat the deduplication; the copyright
    detector reads them); a copyright line further in is kept, as the licence texts and rules
    that quote one need it.
    """
    if whole and len(lines) <= MAX_BLOCK_LINES:
        chunk = ["" if j in blank else line for j, line in enumerate(lines)]
        if not any(_WORDS.search(line) for line in chunk):
            return []
        return [LicenseBlock(key=block_key(chunk), start=0, text="\n".join(chunk))]
    # a bare copyright line is found by the copyright detector; it joins a block only as a
    # line of a licence paragraph
    relevant = [
        i
        for i in candidate_lines(lines)
        if i not in blank
        and (is_license_line(lines[i]) or _split_phrase(lines, i))
        and not _is_bare_copyright(lines[i])
    ]
    if whole is None and len(lines) <= MAX_BLOCK_LINES:
        non_blank = sum(1 for line in lines if line.strip())
        if non_blank <= SMALL_DOCUMENT_LINES:
            return license_blocks(lines, blank, whole=True)
    if not relevant:
        return []
    spans: list[tuple[int, int]] = []
    loose = relevant
    if whole is False:
        spans, loose = _comment_spans(lines, relevant)
    spans += _paragraph_spans(lines, loose)
    spans = _joined(sorted(spans))
    if whole is None:
        covered = sum(b - a + 1 for a, b in spans)
        non_blank = sum(1 for line in lines if line.strip())
        if covered >= WHOLE_FILE_SHARE * non_blank and len(lines) <= MAX_BLOCK_LINES:
            return license_blocks(lines, blank, whole=True)
    blanked = _leading_copyrights(lines, spans, blank)
    blocks = []
    for first, last in spans:
        chunk = ["" if j in blanked else lines[j] for j in range(first, last + 1)]
        if any(_WORDS.search(line) for line in chunk):
            blocks.append(LicenseBlock(key=block_key(chunk), start=first, text="\n".join(chunk)))
    return blocks


def _split_phrase(lines: list[str], i: int) -> bool:
    """A licence phrase broken over lines ``i`` and ``i + 1`` ("... to the public" /
    "domain.")."""
    if i + 1 >= len(lines):
        return False
    tail = " ".join(lines[i].split()[-3:])
    head = " ".join(_DECORATION.sub("", lines[i + 1]).split()[:3])
    return LICENCE_PHRASES.search(f"{tail} {head}") is not None


def _comment_spans(
    lines: list[str], relevant: list[int]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Spans of the comments' licence paragraphs, and the relevant lines outside comments.

    A comment's span runs from its first licence paragraph to its last one, or to the
    comment's end when licence paragraphs make up at least :data:`WHOLE_FILE_SHARE` of it or
    it is short (:data:`SMALL_DOCUMENT_LINES`): the last paragraphs of a licence text may
    hold no licence word ("The views and conclusions contained in the software ...").
    """
    wanted = set(relevant)
    inside: set[int] = set()
    spans = []
    for first, last in comment_spans(lines):
        hits = [i for i in range(first, last + 1) if i in wanted]
        if not hits:
            continue
        inside.update(hits)
        paras = paragraphs(first, last, lines)
        licence = [p for p in paras if any(p[0] <= i <= p[1] for i in hits)]
        share = sum(b - a + 1 for a, b in licence) / max(1, sum(b - a + 1 for a, b in paras))
        small = sum(b - a + 1 for a, b in paras) <= SMALL_DOCUMENT_LINES
        end = paras[-1][1] if share >= WHOLE_FILE_SHARE or small else licence[-1][1]
        spans.append((licence[0][0], end))
    return spans, [i for i in relevant if i not in inside]


def _paragraph_spans(lines: list[str], relevant: list[int]) -> list[tuple[int, int]]:
    """Each relevant line's paragraph (its run of non-blank lines), at most
    :data:`PARAGRAPH_REACH` lines before and after it."""
    spans = []
    for i in relevant:
        first = i
        while first > 0 and i - first < PARAGRAPH_REACH and not is_blank(lines[first - 1]):
            first -= 1
        last = i
        end = len(lines) - 1
        while last < end and last - i < PARAGRAPH_REACH and not is_blank(lines[last + 1]):
            last += 1
        spans.append((first, last))
    return spans


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans at most :data:`GAP_LINES` apart joined, none longer than :data:`MAX_BLOCK_LINES`."""
    out: list[tuple[int, int]] = []
    for first, last in spans:
        if out and first - out[-1][1] <= GAP_LINES + 1 and last - out[-1][0] < MAX_BLOCK_LINES:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _leading_copyrights(
    lines: list[str], spans: list[tuple[int, int]], blank: frozenset[int]
) -> set[int]:
    """Lines to blank: tags, and the bare copyright lines that open a span (before its first
    other line with words): their years and holders differ from file to file."""
    blanked = set(blank)
    for first, last in spans:
        for j in range(first, last + 1):
            if j in blank or is_blank(lines[j]):
                continue
            if not _is_bare_copyright(lines[j]):
                break
            blanked.add(j)
    return blanked


# A superset of what makes ScanCode's collect_candidate_lines take a line (its statement
# markers, a year, a URL, debian <s> tags, "all rights reserved"), on the raw lower-cased line.
_COPYRIGHT_HINT = re.compile(
    r"opyr|opyl|copr|copy|right|reserv|auth|devel|filecontributor|<s>|</s>|<s/>|by(?![a-z0-9])"
    r"|@|\u00a9|\(c\)|\( c|\(co|169|xa9|00a9|\\251|http|s>|19[6-9]\d|20\d\d"
)
#: ScanCode keeps at most two lines after a candidate line in one group
_GROUP_TAIL = 3
# A group none of whose lines holds one of these cannot yield a copyright statement or holder
# (ScanCode's grammar builds both around a copyright sign or word, or an "all rights
# reserved"); it would only yield authors, which we do not report. A superset, on raw lines.
_STATEMENT_SIGN = re.compile(
    r"opyr|opyl|copr|\(\s*c\s*\)|\u00a9|reserv|&#169|&#xa9|&copy|u00a9|\\251|\|copy\|"
)


def copyright_groups(lines: list[str]) -> list[CopyrightGroup]:
    """ScanCode's copyright candidate groups of ``lines`` that can hold a statement, keyed.

    ``collect_candidate_lines`` prepares every line it sees, which is slow on a whole file.
    It is run only on windows: a run of lines that can be candidates (a cheap superset test),
    each followed by the lines its state machine may still take, and only on windows holding
    a copyright sign. The machine's state is empty at each window's start, so the groups are
    those it yields on the whole file.
    """
    from cluecode.copyrights import collect_candidate_lines

    windows: list[list[int]] = []  # [first, last, has a sign]
    for i, line in enumerate(lines):
        low = line.lower()
        if not _COPYRIGHT_HINT.search(low):
            continue
        sign = 1 if _STATEMENT_SIGN.search(low) else 0
        if windows and i <= windows[-1][1] + 1:
            windows[-1][1] = min(len(lines) - 1, i + _GROUP_TAIL)
            windows[-1][2] |= sign
        else:
            windows.append([i, min(len(lines) - 1, i + _GROUP_TAIL), sign])
    groups = []
    for first, last, sign in windows:
        if not sign:
            continue
        numbered = [(j + 1, lines[j]) for j in range(first, last + 1)]
        for group in collect_candidate_lines(numbered):
            if not group or not any(_STATEMENT_SIGN.search(t.lower()) for _, t in group):
                continue
            start = group[0][0]
            rel = tuple((ln - start + 1, text) for ln, text in group)
            digest = hashlib.sha1(repr(rel).encode("utf-8", "surrogatepass"), usedforsecurity=False)
            groups.append(CopyrightGroup(key=digest.hexdigest(), start=start, lines=rel))
    return groups
