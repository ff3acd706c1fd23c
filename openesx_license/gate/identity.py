"""Finding identity (JSON `fingerprint`): what a baseline, a waiver review and SARIF rely on.

A fingerprint must survive everything that does not change the problem itself: lines inserted
above it, a reformatted file, an edited comment, another finding appearing in the same file. It
must change when the problem changes: another rule, another file, another target, another
offending line. It is therefore built from

- the rule id,
- the finding's path,
- ``Finding.target`` (the far end of a dependency edge, the component or symbol reached, or the
  licence involved),
- the *normalised* text of the finding's own evidence line (the first evidence hop in the
  finding's own file, else the first hop): comments dropped from code lines, every run of
  whitespace and every comment delimiter removed, so ``#include   "a.h" /* x */`` and
  ``# include "a.h"`` are the same line,
- an occurrence number when the same (rule, path, target, line text) occurs more than once in
  one file (``#include "a.h"`` twice), counted in line order,

and never a line number, a message or a whole dependency path (a path through other files
changes when those files change; the leak in *this* file stays the same leak).

A ``copied-code`` finding's evidence is a region ("open code, lines 172-174"), not a line of
text, so its identity takes ``data["content"]`` instead of the evidence text: a digest of the
matched k-grams in order (their abstract hashes and their names and values hashes,
:attr:`~openesx_license.ipindex.match.CopyMatch.content`). A copy that moves by a few lines
keeps its fingerprint (and its reviewed decision); a copy whose code changes gets another.

The result is ``ALGORITHM`` (recorded in baselines) plus 32 hex digits of SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from openesx_license.model import EDGE_KINDS, Evidence, Finding

#: recorded in baseline files; bump when the recipe below changes meaning
ALGORITHM = "oesx-fp-1"

#: evidence kinds whose text is a line of code (a trailing comment there is not part of it)
CODE_EDGE_KINDS = frozenset(EDGE_KINDS)

_BLOCK_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_LINE_COMMENT = re.compile(r"(?<![:\"'])//.*$", re.MULTILINE)
_DELIMITERS = re.compile(r"/\*|\*/|//|^\s*(?:\*|#|;|--|dnl\b)", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")


def normalise_evidence(text: str, kind: str) -> str:
    """The evidence text as fingerprinted: no comments on code lines, no delimiters, no spaces.

    Licence and marker evidence lives *inside* comments, so only the comment delimiters are
    dropped there; code evidence (an ``#include``, a call, a Makefile line) loses its comments.
    """
    if kind in CODE_EDGE_KINDS:
        text = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub(" ", text))
    else:
        text = _DELIMITERS.sub(" ", text)
    return _WHITESPACE.sub("", text)


def anchor_evidence(finding: Finding) -> Evidence | None:
    """The evidence hop that locates ``finding`` in its own file (None when it has none)."""
    for hop in finding.evidence:
        if hop.path == finding.path:
            return hop
    return finding.evidence[0] if finding.evidence else None


def _identity(finding: Finding) -> tuple[str, str, str, str]:
    content = finding.data.get("content") if finding.rule == "copied-code" else None
    if isinstance(content, str) and content:
        return (finding.rule, finding.path, finding.target or "", f"content:{content}")
    hop = anchor_evidence(finding)
    text = normalise_evidence(hop.text, hop.kind) if hop is not None else ""
    return (finding.rule, finding.path, finding.target or "", text)


def finding_identity(finding: Finding, occurrence: int = 1) -> str:
    """The fingerprint of one finding (``occurrence`` counts identical ones in one file)."""
    parts = [ALGORITHM, *_identity(finding)]
    if occurrence > 1:
        parts.append(str(occurrence))
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return digest[:32]


def with_identities(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Every finding with ``fingerprint`` set; order kept, duplicates numbered in line order."""
    items = list(findings)
    by_line = sorted(
        range(len(items)),
        key=lambda i: (items[i].line if items[i].line is not None else -1, i),
    )
    seen: dict[tuple[str, str, str, str], int] = {}
    prints: dict[int, str] = {}
    for index in by_line:
        identity = _identity(items[index])
        seen[identity] = seen.get(identity, 0) + 1
        prints[index] = finding_identity(items[index], seen[identity])
    return tuple(replace(f, fingerprint=prints[i]) for i, f in enumerate(items))
