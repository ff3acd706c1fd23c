"""Copy matches of unchanged open files, remembered between audits (monorepo and
``--ip-index`` mode).

Matching every open file against the proprietary fingerprints is the costliest part of a
re-audit that changed a handful of files. :func:`~openesx_license.ipindex.match.find_copies`
treats each open file on its own once three things are fixed: the proprietary side (its
files, contents and components in monorepo mode; the build of the index, named by its
random salt, with ``--ip-index``), the settings, and the set of ignored fingerprints (the
boilerplate: fingerprints seen in ``boilerplate_threshold`` open files, plus the known
boilerplate). The matches of one open file depend on that set only through

* the ignored fingerprints the proprietary side holds (only those can ever be looked up), and
* the ignored fingerprints among the file's own selected ones (they let a run of hits extend).

So a file's matches are stored under its content hash, the digest of the proprietary side and
settings (:attr:`CopyMatchCache.scope`), and the digest of its own ignored fingerprints; any
change to one of them is a miss and the file is matched again. The code of the matching
modules is part of the key (:func:`~openesx_license._util.kvcache.source_digest`), so a change to
the matching logic never reads stale matches.
"""

from __future__ import annotations

import dataclasses
import json
import marshal
import zlib
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from openesx_license._util.kvcache import KeyValueCache, parts_digest, source_digest
from openesx_license.ipindex.match import CopyMatch, CopySettings

CACHE_FILE = "copy-matches.sqlite"
#: above this many changed open files the boilerplate is counted afresh
_INCREMENTAL_FILES = 200
#: the modules whose code decides the matches (a change to any of them invalidates the cache)
MATCHING_MODULES = (
    "openesx_license.csource.definitions",
    "openesx_license.csource.directives",
    "openesx_license.csource.lexer",
    "openesx_license.csource.symbols",
    "openesx_license.csource.uses",
    "openesx_license.ipindex.boilerplate",
    "openesx_license.ipindex.build",
    "openesx_license.ipindex.fileprint",
    "openesx_license.ipindex.match",
    "openesx_license.ipindex.store",
    "openesx_license.ipindex.vocabulary",
    "openesx_license.ipindex.winnow",
    "openesx_license.copies.stage",
    __name__,
)


def _digest(parts: Iterable[object]) -> str:
    return parts_digest(repr(part) for part in parts)[:24]


class CopyMatchCache:
    """Copy matches per open file content (see the module docstring)."""

    def __init__(self, folder: Path, *, k: int, window: int, settings: CopySettings) -> None:
        self._code = _digest([source_digest(*MATCHING_MODULES), k, window])
        self._settings = dataclasses.astuple(settings)
        self.scope = ""
        self.ignored: Collection[int] = frozenset()
        self.templates: Collection[int] = frozenset()
        self._ignored = self._templates = _NONE
        self._store = KeyValueCache(folder, CACHE_FILE)

    def hash_sets(self, sha1s: Iterable[str]) -> dict[str, array[int]]:
        """The known key sets (sorted arrays: winnowed fingerprints, and each combined with its
        names and values, :func:`~openesx_license.ipindex.match.print_keys`) of ``sha1s``."""
        found = self._store.get_many(f"h:{self._code}:{sha1}" for sha1 in set(sha1s))
        out: dict[str, array[int]] = {}
        for key, blob in found.items():
            hashes = array("q")
            hashes.frombytes(blob)
            out[key.rsplit(":", 1)[1]] = hashes
        return out

    def put_hash_sets(self, items: Iterable[tuple[str, array[int]]]) -> None:
        """Remember the winnowed fingerprints of contents (``(sha1, sorted array)`` pairs)."""
        self._store.put_many((f"h:{self._code}:{sha1}", a.tobytes()) for sha1, a in items)

    def boilerplate(
        self,
        root: Path,
        open_files: Sequence[tuple[str, str]],
        sets: dict[str, array[int]],
        threshold: int,
    ) -> set[int]:
        """:func:`open_boilerplate` of the open files (``(path, sha1)``; ``sets`` holds the
        fingerprint set of each content), updated from the previous audit of ``root`` when
        few files changed: a fingerprint that no changed file holds, before or after, is
        boilerplate exactly when it was; the others are counted again."""
        slot = f"b:{self._code}:{threshold}:{root}"
        state = dict(open_files)
        ignored = self._boilerplate_update(slot, state, sets, threshold)
        if ignored is None:
            ignored = open_boilerplate([sets[sha1] for _, sha1 in open_files], threshold)
        blob = marshal.dumps((state, array("q", sorted(ignored)).tobytes()))
        self._store.put_many([(slot, blob)])
        return ignored

    def _boilerplate_update(
        self, slot: str, state: dict[str, str], sets: dict[str, array[int]], threshold: int
    ) -> set[int] | None:
        blob = self._store.get(slot)
        if blob is None:
            return None
        try:
            before, ignored_bytes = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return None
        changed = {p for p in before.keys() | state.keys() if before.get(p) != state.get(p)}
        if len(changed) > _INCREMENTAL_FILES:
            return None
        old_sha1s = {before[p] for p in changed if p in before}
        old_sets = self.hash_sets(old_sha1s - sets.keys())
        touched: set[int] = set()
        for path in changed:
            for version in (before.get(path), state.get(path)):
                if version is None:
                    continue
                hashes = sets.get(version, old_sets.get(version))
                if hashes is None:
                    return None  # a former version's fingerprints are not known any more
                touched.update(hashes)
        counts: Counter[int] = Counter()
        for sha1 in state.values():
            counts.update(touched.intersection(sets[sha1]))
        previous = array("q")
        previous.frombytes(ignored_bytes)
        ignored = set(previous) - touched
        ignored.update(h for h, n in counts.items() if n >= threshold)
        return ignored

    def set_scope(
        self,
        proprietary: Sequence[tuple[str, str, str]],
        held: Collection[int],
        ignored: Collection[int],
        templates: Collection[int] = frozenset(),
        vocabulary: Collection[str] = frozenset(),
    ) -> None:
        """Fix the proprietary side and the boilerplate: ``proprietary`` is (path, sha1,
        component) of every proprietary file matched against, ``held`` their fingerprints,
        ``ignored`` every fingerprint the matching ignores as boilerplate, ``templates`` those
        the open tree repeats (they count only with agreeing values or names), ``vocabulary``
        the names the open headers declare (they are no evidence of a copy)."""
        self.ignored = ignored
        self.templates = templates
        self._ignored = np.array(sorted(ignored), dtype=np.int64)
        self._templates = np.array(sorted(templates), dtype=np.int64)
        shared = sorted(h for h in held if h in ignored)
        repeated = sorted(h for h in held if h in templates)
        self.scope = _digest(
            [self._code, self._settings, sorted(proprietary), shared, repeated, sorted(vocabulary)]
        )

    def key(self, sha1: str, hashes: array[int]) -> str:
        """The cache key of the matches of an open file with content ``sha1`` and the sorted
        set of winnowed fingerprints ``hashes`` (after :meth:`set_scope`)."""
        keys = np.frombuffer(hashes, dtype=np.int64) if len(hashes) else _NONE
        own = keys[_members(keys, self._ignored)].tolist()
        own_templates = keys[_members(keys, self._templates)].tolist()
        return (
            f"m:{self.scope}:{sha1}:{_digest(own) if own else '-'}"
            f":{_digest(own_templates) if own_templates else '-'}"
        )

    def get_many(self, keys: Iterable[str]) -> dict[str, list[dict[str, object]]]:
        """The stored matches (as field dicts, path left out) of the ``keys`` known."""
        found: dict[str, list[dict[str, object]]] = {}
        for key, blob in self._store.get_many(keys).items():
            fields = _decode(blob)
            if fields is not None:
                found[key] = fields
        return found

    def put_many(self, items: Iterable[tuple[str, Sequence[CopyMatch]]]) -> None:
        """Store each key's matches (an empty list too: "no copy" is worth remembering)."""
        rows = []
        for key, matches in items:
            fields = [
                {k: v for k, v in dataclasses.asdict(m).items() if k != "path"} for m in matches
            ]
            rows.append((key, zlib.compress(json.dumps(fields).encode(), 1)))
        self._store.put_many(rows)

    def close(self) -> None:
        """Close the database."""
        self._store.close()


#: fingerprints counted at once by :func:`open_boilerplate` (8 bytes each, sorted to count
#: them: a Linux-size tree holds 100 million or more distinct ones)
COUNT_AT_ONCE = 4_000_000


def open_boilerplate(hash_sets: Iterable[array[int]], threshold: int) -> set[int]:
    """:func:`~openesx_license.ipindex.match.boilerplate_hashes` of the open files, from
    their sets of fingerprints (sorted, without repeats): the fingerprints found in at least
    ``threshold`` of them, without making a set per file (equality with
    ``boilerplate_hashes`` is tested).

    Counted one range of values at a time (the fingerprints are uniform over the 64-bit
    range), each file's slice of the range found by bisection, so that no more than about
    :data:`COUNT_AT_ONCE` fingerprints are counted at a time whatever the tree's size."""
    sets = [np.frombuffer(hashes, dtype=np.int64) for hashes in hash_sets if len(hashes)]
    total = sum(len(hashes) for hashes in sets)
    parts = max(1, -(-total // COUNT_AT_ONCE))
    width = -(-(1 << 64) // parts)
    cuts = np.array([-(1 << 63) + i * width for i in range(1, parts)], dtype=np.int64)
    bounds = [[0, *np.searchsorted(hashes, cuts).tolist(), len(hashes)] for hashes in sets]
    found: set[int] = set()
    for part in range(parts):
        pieces = [
            hashes[where[part] : where[part + 1]]
            for hashes, where in zip(sets, bounds, strict=True)
            if where[part] < where[part + 1]
        ]
        if pieces:
            values, counts = np.unique(np.concatenate(pieces), return_counts=True)
            found.update(values[counts >= threshold].tolist())
    return found


_NONE = np.zeros(0, dtype=np.int64)


def _members(
    values: npt.NDArray[np.int64], sorted_set: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in ``sorted_set`` (a sorted array)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values).clip(max=len(sorted_set) - 1)
    return sorted_set[at] == values


def _decode(blob: bytes) -> list[dict[str, object]] | None:
    try:
        fields = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError):
        return None  # a damaged entry is a miss
    return fields if isinstance(fields, list) else None


def revive(path: str, fields: Sequence[dict[str, object]]) -> list[CopyMatch]:
    """Stored matches as :class:`CopyMatch` es of the open file at ``path``."""
    return [CopyMatch(path=path, **f) for f in fields]  # type: ignore[arg-type]
