"""Copyright holders merged across spellings, with ScanCode's own holder normalisation.

The same holder is written many ways ("Free Software Foundation, Inc.", "the Free Software
Foundation"; "Jean-loup Gailly, Mark Adler", "Jean-loup Gailly and Mark Adler"). ScanCode
Toolkit's summary plugin (``summarycode.copyright_tallies``) clusters them: its
``canonical_holder`` maps well-known names to one spelling, then the text is lower-cased,
stripped, transliterated to ASCII and fingerprinted (the ``fingerprints`` library: words
sorted, punctuation and company suffixes dropped). :func:`holder_key` is that key, with one
step of ours on top: ``and`` / ``&`` between names counts as the comma it stands for.

A merged holder is shown under the canonical name when ScanCode has one, else its most
frequent spelling; every spelling stays listed (the files' own words are the evidence).
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from openesx_license.model import FileRecord

_CONNECTOR = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)


@functools.lru_cache(maxsize=65536)
def holder_key(name: str) -> str:
    """The clustering key of a holder name (see the module docstring)."""
    from summarycode.copyright_tallies import Text, canonical_holder

    text = Text(canonical_holder(_CONNECTOR.sub(", ", name.strip())), name)
    with warnings.catch_warnings():  # fingerprints asks for pyicu; its fallback is fine here
        warnings.simplefilter("ignore")
        text.normalize()
        text.transliterate()
        text.fingerprint()
    return text.key or name.strip().casefold()


@functools.lru_cache(maxsize=65536)
def _canonical(name: str) -> str | None:
    from summarycode.copyright_tallies import COMMON_NAMES, keep_only_chars

    return COMMON_NAMES.get(keep_only_chars(name).lower())


@dataclass(frozen=True, kw_only=True)
class MergedHolder:
    """One holder, however the files spell it."""

    name: str  # the name shown
    spellings: tuple[str, ...]  # every spelling found, most files first
    files: int
    components: tuple[str, ...]


def merge_holders(names: Iterable[str]) -> dict[str, str]:
    """Each name -> the name it is shown under (its group's canonical or commonest spelling)."""
    counts = Counter(n.strip() for n in names if n and n.strip())
    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        groups[holder_key(name)].append(name)
    shown: dict[str, str] = {}
    for members in groups.values():
        canonical = next((c for c in map(_canonical, members) if c), None)
        best = canonical or max(members, key=lambda n: (counts[n], len(n), n))
        shown.update(dict.fromkeys(members, best))
    return shown


def merged_holders(files: Iterable[FileRecord]) -> list[MergedHolder]:
    """The holders of ``files`` merged, most files first."""
    records = list(files)
    display = merge_holders(h.holder for rec in records for h in rec.holders)
    files_of: dict[str, set[str]] = defaultdict(set)
    components: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for rec in records:
        for raw in {h.holder.strip() for h in rec.holders if h.holder.strip()}:
            name = display[raw]
            files_of[name].add(rec.path)
            components[name].add(rec.component or "(none)")
            spellings[name][raw] += 1
    return [
        MergedHolder(
            name=name,
            spellings=tuple(s for s, _ in spellings[name].most_common()),
            files=len(paths),
            components=tuple(sorted(components[name])),
        )
        for name, paths in sorted(files_of.items(), key=lambda i: (-len(i[1]), i[0].casefold()))
    ]
