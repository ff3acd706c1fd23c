"""Known boilerplate: code shapes (``rules/boilerplate.toml``) whose matches prove no copying."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from openesx_license.csource.lexer import tokenize
from openesx_license.errors import UsageError
from openesx_license.ipindex.fileprint import stream_hashes
from openesx_license.resources import rules_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BOILERPLATE_FILE = "boilerplate.toml"


@dataclass(frozen=True, kw_only=True)
class BoilerplateSnippet:
    """One known shape, with why it is boilerplate."""

    name: str
    reason: str
    code: str


def load_snippets(path: Path | None = None) -> tuple[BoilerplateSnippet, ...]:
    """Read the snippets (default: the shipped ``rules/boilerplate.toml``)."""
    path = path or rules_file(BOILERPLATE_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read known boilerplate ({exc})") from exc
    snippets = []
    for i, entry in enumerate(data.get("snippet", []), start=1):
        missing = [key for key in ("name", "reason", "code") if not entry.get(key)]
        if missing:
            raise UsageError(f"{path}: [[snippet]] #{i}: missing {', '.join(missing)}")
        snippets.append(
            BoilerplateSnippet(name=entry["name"], reason=entry["reason"], code=entry["code"])
        )
    return tuple(snippets)


def known_boilerplate(k: int, path: Path | None = None) -> frozenset[int]:
    """Every k-gram hash of every known snippet (not only the winnowed ones: a copy's
    winnowing selects other k-grams than the snippet's own would)."""
    hashes: set[int] = set()
    for snippet in load_snippets(path):
        hashes.update(stream_hashes(tokenize(snippet.code), k))
    return frozenset(hashes)
