"""Exclude globs, gitignore-flavoured: ``*`` stays in one folder, ``**`` crosses folders.

A pattern without a ``/`` matches a file or folder name at any depth (``*.min.js``,
``vendor``); a pattern with a ``/`` is anchored at the scanned root (``tools/firmware/**``).
A pattern that matches a folder excludes everything below it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    # the pattern may name a folder: then everything below it matches too
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def matches_any(path: str, patterns: Sequence[str]) -> bool:
    """True when the relative, '/'-separated ``path`` is excluded by one of ``patterns``."""
    return any(_compile(p).match(path) for p in patterns if p)
