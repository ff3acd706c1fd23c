"""Baseline files: today's findings recorded as accepted, so that a gate fails on new ones only.

A baseline is versioned JSON (``schema_version``), one entry per accepted finding with its
fingerprint (see :mod:`.fingerprint`), rule, path, target, message and the date it was first
accepted (kept when the baseline is re-recorded). It is written atomically (temp file + rename).

Findings of non-waivable rules (the IP rules) are never recorded, and a baseline file that
holds such entries anyway (edited by hand) is refused as a whole with a message naming them:
an IP leak must never be grandfathered.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openesx_license import __version__
from openesx_license._util.fs import atomic_write_text
from openesx_license.config.model import Policy
from openesx_license.errors import BaselineError
from openesx_license.gate.acceptance import (
    finding_is_waivable,
    rule_is_waivable,
)
from openesx_license.gate.identity import ALGORITHM
from openesx_license.model import Finding

#: version of the baseline file format; readers refuse other major versions
BASELINE_SCHEMA = "1.0"


@dataclass(frozen=True, kw_only=True)
class BaselineEntry:
    """One accepted finding."""

    fingerprint: str
    rule: str
    path: str
    target: str | None
    message: str
    created: dt.date  # when this finding was first accepted
    policy_rule: str | None = None  # the [[rule]] table behind a boundary finding


@dataclass(frozen=True, kw_only=True)
class Baseline:
    """A whole baseline file."""

    source: str  # the file it was read from (for messages)
    created: dt.date
    entries: tuple[BaselineEntry, ...]
    algorithm: str = ALGORITHM
    tool: str = f"openesx-license {__version__}"
    root: str | None = None
    policy: str | None = None

    def by_fingerprint(self) -> dict[str, BaselineEntry]:
        """Entries keyed by fingerprint."""
        return {e.fingerprint: e for e in self.entries}


def record_baseline(
    findings: Iterable[Finding],
    *,
    policy: Policy,
    today: dt.date,
    source: str,
    previous: Baseline | None = None,
    root: str | None = None,
) -> tuple[Baseline, tuple[Finding, ...]]:
    """A baseline accepting ``findings`` (fingerprinted), and the findings it refused to record.

    Refused are the findings of non-waivable rules. Entries already in ``previous`` keep their
    ``created`` date.
    """
    earlier = previous.by_fingerprint() if previous else {}
    entries: dict[str, BaselineEntry] = {}
    refused: list[Finding] = []
    for finding in findings:
        if not finding.fingerprint:
            raise ValueError(f"finding without fingerprint: {finding.rule} {finding.path}")
        if not finding_is_waivable(finding, policy):
            refused.append(finding)
            continue
        old = earlier.get(finding.fingerprint)
        entries[finding.fingerprint] = BaselineEntry(
            fingerprint=finding.fingerprint,
            rule=finding.rule,
            path=finding.path,
            target=finding.target,
            message=finding.message,
            created=old.created if old else today,
            policy_rule=finding.policy_rule,
        )
    ordered = sorted(
        entries.values(), key=lambda e: (e.rule, e.path, e.target or "", e.fingerprint)
    )
    baseline = Baseline(
        source=source,
        created=today,
        entries=tuple(ordered),
        root=root,
        policy=policy.source,
    )
    return baseline, tuple(refused)


def baseline_to_dict(baseline: Baseline) -> dict[str, Any]:
    """The JSON form of a baseline."""
    return {
        "schema_version": BASELINE_SCHEMA,
        "kind": "openesx-license-baseline",
        "tool": baseline.tool,
        "fingerprint_algorithm": baseline.algorithm,
        "created": baseline.created.isoformat(),
        "root": baseline.root,
        "policy": baseline.policy,
        "entries": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "path": e.path,
                "target": e.target,
                "message": e.message,
                "created": e.created.isoformat(),
                **({"policy_rule": e.policy_rule} if e.policy_rule else {}),
            }
            for e in baseline.entries
        ],
    }


def write_baseline(baseline: Baseline, path: Path) -> Path:
    """Write ``baseline`` to ``path`` atomically (temp file in the same folder, then rename)."""
    text = json.dumps(baseline_to_dict(baseline), indent=2, ensure_ascii=False) + "\n"
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BaselineError(f"{path}: folder {folder} does not exist")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from exc
    return path


def load_baseline(path: Path, policy: Policy | None = None) -> Baseline:
    """Read and validate a baseline file; with ``policy``, refuse non-waivable entries.

    Raises :class:`BaselineError` listing every problem (file, entry number, key).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    baseline = _parse(data, str(path))
    if policy is not None:
        refused = [
            (i, e)
            for i, e in enumerate(baseline.entries, start=1)
            if not rule_is_waivable(e.rule, policy, e.policy_rule)
        ]
        if refused:
            raise BaselineError(_refusal(str(path), refused))
    return baseline


def _refusal(source: str, refused: list[tuple[int, BaselineEntry]]) -> str:
    lines = [
        f"{source}: refused: {len(refused)} baseline entr{'y' if len(refused) == 1 else 'ies'} "
        "try to accept findings of rules that can never be baselined (an IP leak is never "
        "grandfathered; an expired or stale waiver is fixed in the policy):"
    ]
    lines += [
        f"  entry #{i}: {e.rule} at {e.path}"
        + (f" -> {e.target}" if e.target else "")
        + f" (fingerprint {e.fingerprint})"
        for i, e in refused
    ]
    lines.append(
        "Remove these entries (or re-record the baseline with `openesx-license baseline`, "
        "which never records them) and fix the code."
    )
    return "\n".join(lines)


def _parse(data: Any, source: str) -> Baseline:
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise BaselineError(f"{source}: expected a JSON object at the top")
    version = data.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != BASELINE_SCHEMA.split(".")[0]:
        raise BaselineError(
            f"{source}: 'schema_version' is {version!r}, this tool reads {BASELINE_SCHEMA}; "
            "re-record the baseline with `openesx-license baseline`"
        )
    algorithm = data.get("fingerprint_algorithm")
    if algorithm != ALGORITHM:
        raise BaselineError(
            f"{source}: 'fingerprint_algorithm' is {algorithm!r}, this tool computes "
            f"{ALGORITHM!r}; re-record the baseline with `openesx-license baseline`"
        )
    created = _date(data.get("created"), f"{source}: 'created'", problems)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f"{source}: 'entries' must be a list")
    entries: list[BaselineEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_entries, start=1):
        where = f"{source}: entry #{number}"
        entry = _entry(raw, where, problems)
        if entry is None:
            continue
        if entry.fingerprint in seen:
            problems.append(f"{where}: duplicate fingerprint {entry.fingerprint}")
        seen.add(entry.fingerprint)
        entries.append(entry)
    if problems:
        raise BaselineError("\n".join(problems))
    return Baseline(
        source=source,
        created=created or dt.date.min,
        entries=tuple(entries),
        algorithm=ALGORITHM,
        tool=str(data.get("tool") or ""),
        root=data.get("root") if isinstance(data.get("root"), str) else None,
        policy=data.get("policy") if isinstance(data.get("policy"), str) else None,
    )


def _entry(raw: Any, where: str, problems: list[str]) -> BaselineEntry | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected an object")
        return None
    before = len(problems)
    values: dict[str, str] = {}
    for key in ("fingerprint", "rule", "path"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            problems.append(f"{where}: '{key}' must be a non-empty string")
        else:
            values[key] = value
    problems.extend(
        f"{where}: '{key}' must be a string or null"
        for key in ("target", "message", "policy_rule")
        if raw.get(key) is not None and not isinstance(raw.get(key), str)
    )
    created = _date(raw.get("created"), f"{where}: 'created'", problems)
    if len(problems) > before:
        return None
    return BaselineEntry(
        fingerprint=values["fingerprint"],
        rule=values["rule"],
        path=values["path"],
        target=raw.get("target"),
        message=raw.get("message") or "",
        created=created or dt.date.min,
        policy_rule=raw.get("policy_rule"),
    )


def _date(value: Any, where: str, problems: list[str]) -> dt.date | None:
    if not isinstance(value, str):
        problems.append(f"{where} must be a date YYYY-MM-DD")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where} must be a date YYYY-MM-DD, got {value!r}")
        return None
