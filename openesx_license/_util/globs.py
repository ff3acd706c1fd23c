"""Path globs: the one grammar of component paths, facades, waivers and exclusions.

Validation, matching and specificity. Syntax (paths are relative to the audited root,
``/``-separated, matched in full):

- ``*`` matches any run of characters inside one path segment (never ``/``);
- ``?`` matches one character other than ``/``;
- ``[abc]``, ``[a-z]``, ``[!abc]`` match one character of (or not of) a set;
- ``**`` as a whole segment matches zero or more segments: ``vmkernel/**`` matches
  ``vmkernel/sched/cpu.c`` (and ``vmkernel`` itself), ``**/Makefile`` matches ``Makefile`` and
  ``drivers/net/Makefile``;
- a trailing ``/`` is shorthand for ``/**`` (``vmotion/`` claims everything below ``vmotion``).

Specificity (which of several matching globs wins): the glob with the **longest literal
prefix** (the characters before its first wildcard, counted after the trailing-``/``
rewrite) wins; on a tie, the one with **fewer wildcards** (``**`` counts as one); on a further
tie, the one with **more literal characters** overall. ``drivers/net/vmxnet/**`` therefore
beats ``drivers/**``, and ``drivers/net/e1000.c`` beats ``drivers/net/*.c``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_WILDCARD_CHARS = "*?["


@dataclass(frozen=True, kw_only=True)
class Specificity:
    """Sort key of a glob: larger is more specific (compare with ``<``/``max``)."""

    literal_prefix: int
    wildcards: int
    literal_chars: int

    def key(self) -> tuple[int, int, int]:
        """Tuple that orders globs from least to most specific."""
        return (self.literal_prefix, -self.wildcards, self.literal_chars)


def normalise(pattern: str) -> str:
    """The pattern as matched: a trailing ``/`` becomes ``/**``."""
    return pattern + "**" if pattern.endswith("/") else pattern


def glob_problem(pattern: object) -> str | None:
    """Why ``pattern`` is not a usable policy glob, or None when it is fine."""
    if not isinstance(pattern, str):
        return f"expected a path glob (string), got {type_name(pattern)}"
    if not pattern.strip():
        return "a path glob must not be empty"
    if pattern != pattern.strip():
        return f"glob {pattern!r} has leading or trailing spaces"
    if pattern.startswith("/"):
        return f"glob {pattern!r} must be relative to the audited root (no leading '/')"
    if "\\" in pattern:
        return f"glob {pattern!r} contains '\\'; use '/' as the path separator"
    segments = normalise(pattern).split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        return f"glob {pattern!r} has an empty, '.' or '..' path segment"
    for seg in segments:
        if "**" in seg and seg != "**":
            return f"glob {pattern!r}: '**' must be a whole path segment (e.g. 'dir/**/x.c')"
        problem = _bracket_problem(seg)
        if problem:
            return f"glob {pattern!r}: {problem}"
    return None


def _bracket_problem(segment: str) -> str | None:
    i = 0
    while i < len(segment):
        if segment[i] == "]":
            return "']' without a matching '['"
        if segment[i] == "[":
            end = segment.find("]", i + 2 if segment[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:
                return "'[' without a matching ']'"
            i = end
        i += 1
    return None


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """Compile a (valid) policy glob to an anchored regular expression."""
    segments = normalise(pattern).split("/")
    if segments == ["**"]:
        return re.compile(r".*\Z", re.DOTALL)
    parts: list[str] = []
    for index, seg in enumerate(segments):
        last = index == len(segments) - 1
        if seg == "**":
            # zero or more whole segments; at the end it also matches the folder itself
            parts.append("(?:/.*)?" if last else "(?:[^/]+/)*")
            continue
        parts.append(_segment_regex(seg) + ("" if last else "/"))
    regex = "".join(parts)
    # 'a/**' compiled as 'a/' + '(?:/.*)?' would need a slash twice; fix the join
    regex = regex.replace("/(?:/.*)?", "(?:/.*)?")
    return re.compile(regex + r"\Z", re.DOTALL)


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            start = i + 1
            negate = segment[start : start + 1] == "!"
            if negate:
                start += 1
            end = segment.find("]", start + 1 if segment[start : start + 1] == "]" else start)
            body = segment[start:end].replace("\\", "\\\\")
            out.append(f"[^/{body}]" if negate else f"[{body}]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def glob_matches(pattern: str, path: str) -> bool:
    """True when the relative ``path`` is matched in full by ``pattern``."""
    return compile_glob(pattern).match(path) is not None


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """True when one of the exclusion ``patterns`` matches the relative ``path`` or one of its
    folders (a pattern naming a folder, ``vendor`` or ``tools/firmware``, leaves out
    everything below it; ``**/*.o`` is how a name is excluded at any depth)."""
    if not patterns:
        return False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(compile_glob(p).match(prefix) for p in patterns if p for prefix in prefixes)


def specificity(pattern: str) -> Specificity:
    """How specific ``pattern`` is (see the module docstring for the order)."""
    norm = normalise(pattern)
    first = min((norm.find(c) for c in _WILDCARD_CHARS if c in norm), default=len(norm))
    wildcards = len(re.findall(r"\*\*|\*|\?|\[[^\]]*\]", norm))
    literal = len(re.sub(r"\*\*|\*|\?|\[[^\]]*\]", "", norm))
    return Specificity(literal_prefix=first, wildcards=wildcards, literal_chars=literal)


def type_name(value: object) -> str:
    """The TOML name of a Python value's type, for messages ('string', 'array'...)."""
    return {
        bool: "boolean",
        int: "integer",
        float: "float",
        str: "string",
        list: "array",
        dict: "table",
    }.get(type(value), type(value).__name__)
