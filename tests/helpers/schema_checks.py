"""Schema validation helpers shared by the report tests (SARIF, findings.json).

jsonschema checks ``format`` only for formats it has a checker for; ``uri`` and ``date-time``
need optional packages that are not installed, so they are checked here with the standard
library, strictly enough to catch a relative URI where an absolute one is required or a date
that is not ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema

REPO = Path(__file__).resolve().parents[2]
#: the official OASIS schema (errata 01), from the shared folder beside the repository (CI has
#: a copy there too); nothing is fetched
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
FINDINGS_SCHEMA = REPO / "docs" / "findings.schema.json"

_CHECKER = jsonschema.FormatChecker()


@_CHECKER.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if not parts.scheme or " " in value:
        raise ValueError(f"not an absolute URI: {value!r}")
    return True


@_CHECKER.checks("uri-reference", raises=ValueError)
def _is_uri_reference(value: object) -> bool:
    if isinstance(value, str) and (" " in value or "\\" in value):
        raise ValueError(f"not a URI reference: {value!r}")
    return True


@_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def sarif_schema() -> dict[str, Any]:
    """The SARIF 2.1.0 schema (OASIS errata 01)."""
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


def validate(document: Any, schema: dict[str, Any]) -> None:
    """Validate ``document`` against ``schema`` (its own draft), formats included; raise all."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=_CHECKER).iter_errors(document), key=str)
    if errors:
        details = "\n".join(
            f"- {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
        )
        raise AssertionError(f"{len(errors)} schema error(s):\n{details}")
