"""Standard C and POSIX names (``rules/standard-names.toml``): never proprietary references."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from openesx_license.errors import UsageError
from openesx_license.resources import rules_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

STANDARD_NAMES_FILE = "standard-names.toml"


@dataclass(frozen=True, kw_only=True)
class StandardNames:
    """Header names, function/object names and type/macro names the platform provides."""

    headers: frozenset[str]
    functions: frozenset[str]
    types: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def standard_names() -> StandardNames:
    """The shipped list (read once per process)."""
    path = rules_file(STANDARD_NAMES_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return StandardNames(
            headers=frozenset(data["headers"]["names"]),
            functions=frozenset(data["functions"]["names"]),
            types=frozenset(data["types"]["names"]),
        )
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the standard names ({exc})") from exc
