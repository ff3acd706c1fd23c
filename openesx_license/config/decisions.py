"""The decisions file: reviewed conclusions about findings and files (docs/decisions.md).

The policy names it with ``decisions = "path"`` (relative to the policy file). Each
``[[decision]]`` table records what a legal reviewer concluded about one finding (``finding``,
its fingerprint) or one file (``path``), pinned to ``content``, the hash of what was judged
(:mod:`openesx_license.gate.decisions` computes it). The file is validated like the policy:
every problem listed at once, each naming the file, the table number and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openesx_license.config.tomlread import TableReader
from openesx_license.errors import PolicyError
from openesx_license.model import Decision, DecisionKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: keys of a [[decision]] table
DECISION_KEYS = (
    "kind", "finding", "path", "content", "reviewer", "date", "reason", "upstream", "license",
)  # fmt: skip
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")
_CONTENT = re.compile(r"^sha256:[0-9a-f]{64}$")


def decisions_path(policy_file: Path, written: str) -> Path:
    """The decisions file a policy at ``policy_file`` names as ``written``."""
    return (policy_file.parent / written).resolve()


def load_decisions(path: Path, *, display: str | None = None) -> tuple[Decision, ...]:
    """Read and validate the decisions file at ``path``; raises :class:`PolicyError` naming
    the file (``display``, else the path) with every problem found. A file that does not
    exist yet holds no decisions (the first ``decide`` creates it): decisions only ever
    settle findings, so a missing file fails closed."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except IsADirectoryError:
        raise PolicyError(name, ["is a folder, expected the TOML decisions file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(name, [f"cannot read the decisions file: {exc}"]) from None
    return parse_decisions(text, source=name)


def parse_decisions(text: str, *, source: str) -> tuple[Decision, ...]:
    """Validate decisions TOML ``text`` (``source`` names it in messages and in each
    decision)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, [f"TOML syntax error: {exc}"]) from None
    reader = TableReader(top_keys=("decision",))
    reader.keys(data, "top level", ("decision",))
    out: list[Decision] = []
    first: dict[tuple[str, str], int] = {}
    for index, (where, table) in enumerate(reader.tables(data, "decision"), start=1):
        decision = _decision(reader, where, table, index, source)
        if decision is None:
            continue
        key = ("finding", decision.finding) if decision.finding else ("path", decision.path or "")
        if key in first:
            reader.problem(
                f"{where} '{key[0]}'",
                f"{key[1]!r} is already decided in [[decision]] #{first[key]}: one decision "
                "per finding or file (remove the older one when recording a new review)",
            )
            continue
        first[key] = index
        out.append(decision)
    if reader.problems:
        raise PolicyError(source, reader.problems)
    return tuple(out)


def _decision(
    reader: TableReader, where: str, table: Mapping[str, Any], index: int, source: str
) -> Decision | None:
    reader.keys(table, where, DECISION_KEYS)
    before = len(reader.problems)
    kind_name = reader.typed(table, where, "kind", str, required=True)
    finding = reader.typed(table, where, "finding", str)
    path = reader.typed(table, where, "path", str)
    content = reader.typed(table, where, "content", str, required=True)
    reviewer = reader.typed(table, where, "reviewer", str, required=True)
    date = reader.typed(table, where, "date", (dt.date, str), required=True)
    reason = reader.typed(table, where, "reason", str, required=True)
    upstream = reader.typed(table, where, "upstream", str)
    license_ = reader.typed(table, where, "license", str)
    kind: DecisionKind | None = None
    if kind_name is not None:
        try:
            kind = DecisionKind(kind_name)
        except ValueError:
            known = ", ".join(k.value for k in DecisionKind)
            reader.problem(f"{where} 'kind'", f"expected one of {known}, got {kind_name!r}")
    if (finding is None) == (path is None):
        reader.problem(where, "needs exactly one of 'finding' (a fingerprint) or 'path'")
    if finding is not None and not _FINGERPRINT.match(finding):
        reader.problem(f"{where} 'finding'", f"expected a finding fingerprint (32 hex digits), "
                       f"got {finding!r}")  # fmt: skip
    if path is not None and (not path.strip() or path.startswith("/") or "\\" in path):
        reader.problem(f"{where} 'path'", f"expected a '/'-separated path relative to the "
                       f"audited root, got {path!r}")  # fmt: skip
    if content is not None and not _CONTENT.match(content):
        reader.problem(f"{where} 'content'", "expected 'sha256:' and 64 hex digits (what "
                       "`openesx-license decide` writes)")  # fmt: skip
    for key, value in (("reviewer", reviewer), ("reason", reason)):
        if value is not None and not value.strip():
            reader.problem(f"{where} '{key}'", "must not be empty")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            reader.problem(f"{where} 'date'", f"expected a date YYYY-MM-DD, got {date!r}")
    if isinstance(date, dt.datetime):
        date = date.date()
    if kind is DecisionKind.SHARED_UPSTREAM:
        for key, value in (("upstream", upstream), ("license", license_)):
            if not value:
                reader.problem(f"{where} '{key}'", "required for kind 'shared-upstream'")
    if kind is DecisionKind.CONCLUDED_LICENSE and not license_:
        reader.problem(f"{where} 'license'", "required for kind 'concluded-license'")
    if license_:
        problem = spdx_problem(license_)
        if problem:
            reader.problem(f"{where} 'license'", problem)
    if len(reader.problems) > before or kind is None or not isinstance(date, dt.date):
        return None
    assert content is not None and reviewer is not None and reason is not None
    return Decision(
        kind=kind,
        reviewer=reviewer,
        date=date.isoformat(),
        reason=reason,
        content=content,
        finding=finding,
        path=path,
        upstream=upstream,
        license=license_,
        source=source,
        index=index,
    )


def spdx_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid SPDX licence expression (LicenseRef-* allowed)."""
    from openesx_license._util.spdx import spdx_problem as problem  # built on first use

    return problem(expression)
