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
from dataclasses import dataclass

#: lines without legalese tolerated inside one licence block (ScanCode groups matches that
#: are at most 4 lines apart into one detection)
GAP_LINES = 4
#: lines without licence words that may end a block's last sentence
TAIL_LINES = 3
#: longest licence block sent at once; a longer run is cut (full licence texts are ~700 lines)
MAX_BLOCK_LINES = 4000
#: share of a file's non-blank lines in licence blocks above which the file is one block
WHOLE_FILE_SHARE = 0.5
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
    freely copies abandoned distribution misrepresented
    """.split()
)
#: phrases that carry a licence or a disclaimer without any word of :data:`LICENCE_WORDS`
#: ("This file has been put into the public domain.", "PROVIDED AS IS AND WITHOUT ...", the
#: Developer's Certificate of Origin); a line holding one starts or extends a block too
LICENCE_PHRASES = re.compile(
    r"public[\s-]+domain|provided\s+[\"'`]*as[\s-]+is|[\"'`]as[\s-]+is[\"'`]"
    r"|certificate\s+of\s+origin",
    re.IGNORECASE,
)

_COPYRIGHT_START = frozenset({"copyright", "c", "portions", "parts", "copyrighted", "copr"})
_COPYRIGHT_WORDS = frozenset({"copyright", "copyrights", "copyrighted", "rights", "reserved"})


@dataclass(frozen=True, kw_only=True)
class LicenseBlock:
    """A run of lines that may hold licence text: ``start`` is the 0-based first line."""

    key: str
    start: int
    text: str


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


def _is_bare_copyright(words: list[str], phrase: bool = False) -> bool:
    """A copyright statement with no licence words besides 'copyright ... rights reserved'."""
    if phrase or not words or words[0] not in _COPYRIGHT_START:
        return False
    return not any(w in LICENCE_WORDS and w not in _COPYRIGHT_WORDS for w in words)


def _tail(lines: list[str], last: int, next_start: int) -> int:
    """Extend a block over the wordy lines that end its last sentence ("IN THE SOFTWARE.").

    A licence text's last lines may hold no licence word; cut there, the text no longer
    matches the whole rule. Up to :data:`TAIL_LINES` lines are added, stopping at a line
    without words (a comment's end, a blank line) and before the next block.
    """
    end = last
    limit = min(len(lines) - 1, last + TAIL_LINES)
    if next_start >= 0:
        limit = min(limit, next_start - 1)
    while end < limit and _WORDS.search(lines[end + 1]):
        end += 1
    return end


def license_blocks(
    lines: list[str], blank: frozenset[int] = frozenset(), *, whole: bool | None = None
) -> list[LicenseBlock]:
    """The licence blocks of ``lines``; indexes in ``blank`` (tag lines) count as empty.

    A licence text must be matched in one piece to be recognised as the whole licence and not
    as fragments: with ``whole=True`` (a COPYING or LICENSE file) the file is one block; with
    ``whole=None`` (documents) it is when its blocks cover at least :data:`WHOLE_FILE_SHARE` of
    its non-blank lines; with ``whole=False`` (code, whose licence sits in comments) never, so
    that an edit of the code does not change the header's block.
    """
    words = LICENCE_WORDS
    relevant = []
    blanked = set(blank)
    for i, line in enumerate(lines):
        if i in blank:
            continue
        found = _WORDS.findall(line.lower())
        phrase = LICENCE_PHRASES.search(line) is not None
        if not phrase and not any(w in words for w in found):
            continue
        if _is_bare_copyright(found, phrase):
            blanked.add(i)
        else:
            relevant.append(i)
    if not relevant:
        return []
    spans = []
    first = last = relevant[0]
    for i in [*relevant[1:], -1]:
        if i >= 0 and i - last <= GAP_LINES + 1 and i - first < MAX_BLOCK_LINES:
            last = i
            continue
        spans.append((first, _tail(lines, last, i)))
        first = last = i
    if whole is None:
        covered = sum(b - a + 1 for a, b in spans)
        non_blank = sum(1 for line in lines if line.strip())
        whole = covered >= WHOLE_FILE_SHARE * non_blank and len(lines) <= MAX_BLOCK_LINES
    if whole:
        spans = [(0, len(lines) - 1)]
    blocks = []
    for first, last in spans:
        chunk = ["" if j in blank else lines[j] for j in range(first, last + 1)]
        if not whole:
            chunk = ["" if first + k in blanked else line for k, line in enumerate(chunk)]
        blocks.append(LicenseBlock(key=block_key(chunk), start=first, text="\n".join(chunk)))
    return blocks


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
