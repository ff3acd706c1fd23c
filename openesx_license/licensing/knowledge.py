"""The reviewed licence data of ``rules/licenses.toml`` and ``rules/compatibility.toml``.

:class:`LicenseKnowledge` answers the questions the expression logic asks: what is the
canonical id and category of a licence, which versions does an "-or-later" id stand for, which
compatibility row decides "inbound A into a work under B over edge kind E", and what an
exception (``WITH``) grants. Every answer carries the source the TOML cites. A file that breaks
the shape is reported once, every problem listed (:class:`~openesx_license.errors.PolicyError`).
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from openesx_license.errors import PolicyError
from openesx_license.resources import rules_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CATEGORIES = (
    "permissive",
    "weak-copyleft",
    "strong-copyleft",
    "network-copyleft",
    "public-domain",
    "proprietary",
    "unknown",
)

#: how inbound code joins the work; ``copy`` also stands for "no edge given" (part of the work)
COMBINATION_KINDS = ("copy", "static-link", "dynamic-link", "include", "separate")


@dataclass(frozen=True, kw_only=True)
class LicenseEntry:
    """One licence of ``rules/licenses.toml``."""

    id: str
    category: str
    source: str
    name: str = ""
    versions: tuple[str, ...] = ()  # "-or-later": the versions a recipient may choose from
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class CompatibilityEntry:
    """One row of ``rules/compatibility.toml``: inbound key into outbound key."""

    inbound: str  # an id, '@category' or '*'
    outbound: str
    allowed: bool
    source: str
    note: str = ""
    edges: Mapping[str, bool] | None = None  # per-edge-kind overrides of ``allowed``

    def allows(self, edge_kind: str) -> bool:
        """The answer of this row for ``edge_kind``."""
        if self.edges and edge_kind in self.edges:
            return self.edges[edge_kind]
        return self.allowed


@dataclass(frozen=True, kw_only=True)
class ExceptionGrant:
    """What a licence exception (``WITH``) permits: any outbound licence over ``edges``."""

    id: str
    edges: tuple[str, ...]
    source: str
    note: str = ""


class LicenseKnowledge:
    """Categories, aliases and compatibility rows, loaded from the reviewed TOML files."""

    def __init__(
        self,
        licenses: Mapping[str, LicenseEntry],
        patterns: tuple[tuple[str, str, str], ...],
        exceptions: Mapping[str, ExceptionGrant],
        exception_names: Mapping[str, str],
        rules: Mapping[tuple[str, str], CompatibilityEntry],
        graph_edges: Mapping[str, str],
        aggregation_source: str,
        aliases: Mapping[str, str],
    ) -> None:
        self._licenses = dict(licenses)
        self._patterns = patterns  # (glob, category, source)
        self._exceptions = dict(exceptions)
        self._exception_names = dict(exception_names)  # lower-case -> canonical exception id
        self._rules = dict(rules)
        self._graph_edges = dict(graph_edges)
        self.aggregation_source = aggregation_source
        self._aliases = dict(aliases)  # lower-case spelling -> canonical id
        #: caches of the expression logic (filled by openesx_license.licensing.expression)
        self.verdict_cache: dict[tuple[str, str, str], Any] = {}
        self._canonical: dict[str, str | None] = {}  # spelling -> id, for ids not in the table

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(
        cls, licenses_path: Path | None = None, compatibility_path: Path | None = None
    ) -> LicenseKnowledge:
        """Load the shipped licence data (or the given files); the shipped one is cached."""
        if licenses_path is None and compatibility_path is None:
            return _shipped()
        return _load(
            licenses_path or rules_file("licenses.toml"),
            compatibility_path or rules_file("compatibility.toml"),
        )

    # -- licences -------------------------------------------------------------------------

    def canonical(self, license_id: str) -> str | None:
        """The table's id for ``license_id`` (alias and case resolved), or None if unknown."""
        if license_id in self._licenses:
            return license_id
        if license_id in self._canonical:
            return self._canonical[license_id]
        hit = self._aliases.get(license_id.lower())
        if hit is None:
            hit = self._exception_names.get(license_id.lower())
        if hit is None and any(_glob_match(license_id, glob) for glob, _, _ in self._patterns):
            hit = license_id
        self._canonical[license_id] = hit
        return hit

    def knows(self, license_id: str) -> bool:
        """True when the tables classify ``license_id`` (directly, by alias or by pattern)."""
        return self.canonical(license_id) is not None

    def entry(self, license_id: str) -> LicenseEntry | None:
        """The table entry of ``license_id`` (patterns give a synthetic entry), or None."""
        key = self.canonical(license_id)
        if key is None:
            return None
        if key in self._licenses:
            return self._licenses[key]
        grant = self._exceptions.get(key)
        if grant is not None or key in self._exception_names.values():
            # ScanCode reports some exceptions as licences ("GPL-3.0-or-later AND
            # Autoconf-exception-3.0"): an exception only grants permissions
            return LicenseEntry(
                id=key,
                category="permissive",
                source=grant.source if grant else "an exception of rules/licenses.toml",
                note="a licence exception outside WITH adds permissions, no condition",
            )
        for glob, category, source in self._patterns:
            if _glob_match(key, glob):
                return LicenseEntry(id=key, category=category, source=source)
        return None  # pragma: no cover - canonical() only returns ids found above

    def category(self, license_id: str) -> str:
        """The category of ``license_id``; ``'unknown'`` for an id the tables do not know."""
        entry = self.entry(license_id)
        return entry.category if entry else "unknown"

    def versions(self, license_id: str) -> tuple[str, ...]:
        """For an "-or-later" id, the versions it offers (empty for any other id)."""
        entry = self.entry(license_id)
        return entry.versions if entry else ()

    def proprietary_globs(self) -> tuple[str, ...]:
        """Ids and globs of every proprietary licence (for :func:`denied_ids`)."""
        ids = (k for k, e in self._licenses.items() if e.category == "proprietary")
        globs = (g for g, category, _ in self._patterns if category == "proprietary")
        return (*ids, *globs)

    def license_ids(self) -> tuple[str, ...]:
        """Every licence id of the table (not aliases, not patterns), sorted."""
        return tuple(sorted(self._licenses))

    # -- exceptions -----------------------------------------------------------------------

    def exception(self, exception_id: str) -> ExceptionGrant | None:
        """What the exception grants, or None if the tables do not know it."""
        key = self._exception_names.get(exception_id.lower())
        return self._exceptions.get(key) if key else None

    def knows_exception(self, exception_id: str) -> bool:
        """True when ``exception_id`` is a known licence exception."""
        return exception_id.lower() in self._exception_names

    # -- compatibility --------------------------------------------------------------------

    def edge_kind(self, kind: str | None) -> str:
        """Map a graph edge kind (include, link, ...) or a compatibility kind to the latter."""
        if kind is None:
            return "copy"
        if kind in COMBINATION_KINDS:
            return kind
        mapped = self._graph_edges.get(kind)
        if mapped is None:
            raise ValueError(f"unknown edge kind {kind!r} (expected one of {COMBINATION_KINDS})")
        return mapped

    def rule(self, inbound: str, outbound: str) -> CompatibilityEntry | None:
        """The most specific row for canonical ids ``inbound`` -> ``outbound``, or None."""
        in_keys = (inbound, "@" + self.category(inbound), "*")
        out_keys = (outbound, "@" + self.category(outbound), "*")
        for in_key in in_keys:
            for out_key in out_keys:
                row = self._rules.get((in_key, out_key))
                if row is not None:
                    return row
        return None


def _glob_match(license_id: str, glob: str) -> bool:
    return fnmatch.fnmatchcase(license_id.lower(), glob.lower())


@lru_cache(maxsize=1)
def _shipped() -> LicenseKnowledge:
    return _load(rules_file("licenses.toml"), rules_file("compatibility.toml"))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise PolicyError(str(path), [f"cannot read: {exc.strerror or exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), [f"not valid TOML: {exc}"]) from exc


def _load(licenses_path: Path, compatibility_path: Path) -> LicenseKnowledge:
    lic = _read(licenses_path)
    comp = _read(compatibility_path)
    problems: list[str] = []
    licenses, aliases = _licenses(lic, problems)
    patterns = _patterns(lic, problems)
    exception_names = {
        str(k).lower(): str(k) for k in (lic.get("exception") or {}) if isinstance(k, str)
    }
    if problems:
        raise PolicyError(str(licenses_path), problems)
    known_keys = set(licenses) | {"@" + c for c in CATEGORIES} | {"*"}
    rules = _rules(comp, known_keys, problems)
    exceptions = _exceptions(comp, exception_names, problems)
    graph_edges = comp.get("graph_edges") or {}
    for kind, mapped in graph_edges.items():
        if mapped not in COMBINATION_KINDS:
            problems.append(f"[graph_edges] {kind}: {mapped!r} is not one of {COMBINATION_KINDS}")
    aggregation = comp.get("aggregation") or {}
    if not isinstance(aggregation.get("source"), str):
        problems.append("[aggregation]: 'source' is required")
    if problems:
        raise PolicyError(str(compatibility_path), problems)
    return LicenseKnowledge(
        licenses=licenses,
        patterns=patterns,
        exceptions=exceptions,
        exception_names=exception_names,
        rules=rules,
        graph_edges=graph_edges,
        aggregation_source=aggregation.get("source", ""),
        aliases=aliases,
    )


def _licenses(
    data: Mapping[str, Any], problems: list[str]
) -> tuple[dict[str, LicenseEntry], dict[str, str]]:
    licenses: dict[str, LicenseEntry] = {}
    aliases: dict[str, str] = {}
    for key, raw in (data.get("license") or {}).items():
        where = f'[license."{key}"]'
        if raw.get("category") not in CATEGORIES:
            problems.append(f"{where}: 'category' must be one of {', '.join(CATEGORIES)}")
            continue
        if not isinstance(raw.get("source"), str) or not raw["source"].strip():
            problems.append(f"{where}: 'source' is required (cite where the category comes from)")
            continue
        licenses[key] = LicenseEntry(
            id=key,
            category=raw["category"],
            source=raw["source"],
            name=raw.get("name", ""),
            versions=tuple(raw.get("versions", ())),
            note=raw.get("note"),
        )
        for spelling in (key, *raw.get("aliases", ())):
            previous = aliases.setdefault(spelling.lower(), key)
            if previous != key:
                problems.append(f"{where}: alias {spelling!r} already names {previous!r}")
    for key, entry in licenses.items():
        problems.extend(
            f'[license."{key}"]: version {v!r} is not a licence of this file'
            for v in entry.versions
            if v not in licenses
        )
    return licenses, aliases


def _patterns(data: Mapping[str, Any], problems: list[str]) -> tuple[tuple[str, str, str], ...]:
    out = []
    for i, raw in enumerate(data.get("pattern") or (), start=1):
        glob, category, source = raw.get("glob"), raw.get("category"), raw.get("source")
        if not isinstance(glob, str) or category not in CATEGORIES or not isinstance(source, str):
            problems.append(f"[[pattern]] #{i}: needs 'glob', a valid 'category' and 'source'")
            continue
        out.append((glob, category, source))
    return tuple(out)


def _rules(
    data: Mapping[str, Any], known_keys: set[str], problems: list[str]
) -> dict[tuple[str, str], CompatibilityEntry]:
    rules: dict[tuple[str, str], CompatibilityEntry] = {}
    for inbound, rows in (data.get("inbound") or {}).items():
        if inbound not in known_keys:
            problems.append(f'[inbound."{inbound}"]: not a licence of licenses.toml or a @category')
            continue
        for outbound, raw in rows.items():
            where = f'[inbound."{inbound}"] "{outbound}"'
            if outbound not in known_keys:
                problems.append(f"{where}: not a licence of licenses.toml or a @category")
                continue
            if not isinstance(raw.get("allowed"), bool):
                problems.append(f"{where}: 'allowed' must be true or false")
                continue
            if not isinstance(raw.get("source"), str) or not raw["source"].strip():
                problems.append(f"{where}: 'source' is required")
                continue
            edges = raw.get("edges")
            bad = [k for k in (edges or {}) if k not in COMBINATION_KINDS]
            if bad:
                problems.append(f"{where}: unknown edge kinds {bad} (expected {COMBINATION_KINDS})")
                continue
            rules[(inbound, outbound)] = CompatibilityEntry(
                inbound=inbound,
                outbound=outbound,
                allowed=raw["allowed"],
                source=raw["source"],
                note=raw.get("note", ""),
                edges=dict(edges) if edges else None,
            )
    return rules


def _exceptions(
    data: Mapping[str, Any], names: Mapping[str, str], problems: list[str]
) -> dict[str, ExceptionGrant]:
    out: dict[str, ExceptionGrant] = {}
    for key, raw in (data.get("exception") or {}).items():
        where = f'[exception."{key}"]'
        if key.lower() not in names:
            problems.append(f"{where}: not an exception of licenses.toml")
            continue
        edges = tuple(raw.get("edges", ()))
        if any(e not in COMBINATION_KINDS for e in edges) or not isinstance(raw.get("source"), str):
            problems.append(f"{where}: needs 'source' and 'edges' from {COMBINATION_KINDS}")
            continue
        out[key] = ExceptionGrant(
            id=key, edges=edges, source=raw["source"], note=raw.get("note", "")
        )
    return out
