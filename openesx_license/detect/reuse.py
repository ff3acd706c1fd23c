"""REUSE declarations (``REUSE.toml``, ``.reuse/dep5``) as declared licences of the files.

Projects that follow the REUSE specification (https://reuse.software/spec-3.3/) declare the
licence of files that cannot carry a header (images, data, generated files) in one place at
the tree's root. Those declarations are facts about the files, like a COPYING file, but more
specific: they name the files. A file's concluded ``license_expression`` then comes from the
declaration, with ``license_source = "reuse"`` and a detection of method ``declared`` whose
``governing_file`` is ``REUSE.toml`` or ``.reuse/dep5`` and whose ``matched_rule`` names the
table. ``detected_license_expression`` (the file's own text) never changes.

How a declaration combines with what the file says itself (REUSE's ``precedence``):

- ``closest`` (``REUSE.toml``'s default): the file's own licence when it states one, else the
  declaration (which then also beats a directory's COPYING file);
- ``aggregate``: the file's own licence AND the declaration;
- ``override``: the declaration alone;
- ``.reuse/dep5`` paragraphs aggregate, as REUSE treats them.

When several tables or paragraphs match a file, the last one in the file wins (REUSE's rule).
Globs: in ``REUSE.toml`` ``*`` stays within a folder and ``**`` crosses folders; in dep5
``*`` matches any characters, ``/`` included. A declaration file that cannot be read or parsed
is reported as an error of that file's record (the scan goes on without it).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from openesx_license.detect.assemble import combine_and
from openesx_license.model import DetectionMethod, FileRecord, LicenseDetection, LicenseSource

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REUSE_TOML = "REUSE.toml"
DEP5 = ".reuse/dep5"
PRECEDENCES = ("closest", "aggregate", "override")


@dataclass(frozen=True, kw_only=True)
class Declaration:
    """One ``[[annotations]]`` table or dep5 ``Files:`` paragraph."""

    source: str  # REUSE.toml | .reuse/dep5
    label: str  # "[[annotations]] #2", "Files paragraph #3 (line 7)"
    patterns: tuple[re.Pattern[str], ...]
    license_expression: str
    precedence: str

    def matches(self, path: str) -> bool:
        """True when one of the globs matches ``path`` (relative, ``/``-separated)."""
        return any(p.fullmatch(path) for p in self.patterns)


@lru_cache(maxsize=1024)
def _glob(pattern: str, *, star_crosses: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append(".*" if star_crosses else "[^/]*")
        elif c == "?":
            out.append("." if star_crosses else "[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def read_reuse_toml(text: str) -> tuple[list[Declaration], list[str]]:
    """Declarations of a ``REUSE.toml`` text, and the problems found (tables skipped)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{REUSE_TOML}: TOML syntax error: {exc}"]
    problems = []
    if data.get("version") != 1:
        problems.append(f"{REUSE_TOML}: 'version': expected 1, got {data.get('version')!r}")
    out = []
    for n, table in enumerate(data.get("annotations") or [], start=1):
        where = f"[[annotations]] #{n}"
        if not isinstance(table, dict):
            problems.append(f"{REUSE_TOML}: {where}: expected a table")
            continue
        paths = _strings(table.get("path"))
        licenses = _strings(table.get("SPDX-License-Identifier"))
        precedence = table.get("precedence", "closest")
        if not paths:
            problems.append(f"{REUSE_TOML}: {where} 'path': missing or not a string/list")
        if precedence not in PRECEDENCES:
            problems.append(
                f"{REUSE_TOML}: {where} 'precedence': expected one of "
                f"{', '.join(PRECEDENCES)}, got {precedence!r}"
            )
        if not paths or precedence not in PRECEDENCES or not licenses:
            continue  # an annotation of copyright only declares no licence
        out.append(
            Declaration(
                source=REUSE_TOML,
                label=where,
                patterns=tuple(_glob(p, star_crosses=False) for p in paths),
                license_expression=combine_and(licenses) or licenses[0],
                precedence=precedence,
            )
        )
    return out, problems


def read_dep5(text: str) -> list[Declaration]:
    """Declarations of a ``.reuse/dep5`` text (Debian copyright format 1.0)."""
    out = []
    paragraph: dict[str, str] = {}
    start = 1
    count = 0

    def flush() -> None:
        nonlocal count
        files, licence = paragraph.get("files", ""), paragraph.get("license", "")
        if files and licence:
            count += 1
            out.append(
                Declaration(
                    source=DEP5,
                    label=f"Files paragraph #{count} (line {start})",
                    patterns=tuple(_glob(p, star_crosses=True) for p in files.split()),
                    license_expression=licence.splitlines()[0].strip(),
                    precedence="aggregate",
                )
            )

    key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            flush()
            paragraph, key, start = {}, "", number + 1
            continue
        if line[0] in " \t" and key:
            paragraph[key] += "\n" + line.strip()
            continue
        name, _, value = line.partition(":")
        key = name.strip().lower()
        paragraph[key] = value.strip()
    flush()
    return out


def load_declarations(root: Path) -> tuple[list[Declaration], list[tuple[str, str]]]:
    """The declarations of ``root``'s REUSE.toml and .reuse/dep5 (in that order), and
    ``(file, problem)`` pairs for declaration files that could not be used whole."""
    declarations: list[Declaration] = []
    problems: list[tuple[str, str]] = []
    for name in (REUSE_TOML, DEP5):
        path = root / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((name, f"REUSE declarations not read: {exc}"))
            continue
        if name == REUSE_TOML:
            found, issues = read_reuse_toml(text)
            problems.extend((name, f"REUSE declarations: {issue}") for issue in issues)
        else:
            found = read_dep5(text)
        declarations.extend(found)
    return declarations, problems


def apply_reuse(root: Path, records: list[FileRecord]) -> list[FileRecord]:
    """``records`` with the REUSE declarations of ``root`` applied (see the module)."""
    declarations, problems = load_declarations(root)
    if not declarations and not problems:
        return records
    out = []
    for record in records:
        errors = tuple(p for name, p in problems if name == record.path)
        if errors:
            record = replace(record, errors=tuple(dict.fromkeys([*record.errors, *errors])))
        # the last matching declaration of a file wins; REUSE.toml's beat dep5's
        chosen = _last_match(declarations, record.path)
        out.append(_declare(record, chosen) if chosen is not None else record)
    return out


def _last_match(declarations: list[Declaration], path: str) -> Declaration | None:
    toml = [d for d in declarations if d.source == REUSE_TOML and d.matches(path)]
    if toml:
        return toml[-1]
    dep5 = [d for d in declarations if d.source == DEP5 and d.matches(path)]
    return dep5[-1] if dep5 else None


def _declare(record: FileRecord, decl: Declaration) -> FileRecord:
    own = record.license_expression if record.license_source is LicenseSource.DETECTED else None
    if decl.precedence == "closest" and own:
        return record
    if decl.precedence == "aggregate" and own:
        concluded = combine_and([own, decl.license_expression]) or decl.license_expression
    else:
        concluded = decl.license_expression
    evidence = LicenseDetection(
        license_expression=decl.license_expression,
        method=DetectionMethod.DECLARED,
        governing_file=decl.source,
        matched_rule=f"{decl.source} {decl.label}",
        message=f"REUSE declaration, precedence {decl.precedence}",
    )
    return replace(
        record,
        license_expression=concluded,
        license_source=LicenseSource.REUSE,
        detections=(*record.detections, evidence),
    )
