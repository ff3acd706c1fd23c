"""Per-path statements in licence files: "vtpm: exclusively contains code under MIT".

A licence file often names, below its own grant, the licence of a sub-folder or of single
files, in a section headed by the path or in a list of paths under a licence statement:

    vtpm                                 Sphinx documentation:
    ====
    Exclusively contains code            All source rendered by Sphinx is licensed under
    licensed under a MIT license         CC-BY-4.0.
                                         ...
                                         This includes:
                                           * All ReStructured Text files:  docs/*/*.rst

A file that states no licence of its own and that such a section names takes the licence the
section states, when the statement is at least as close to the file as the licence file that
would otherwise govern it. What is read is kept narrow (docs/scan-json.md, "Per-path
statements"), because the wording of these files is free:

- the statement files are the licence files (``COPYING``, ``LICENSE*``, ``LICENCE*``) and the
  ``README*`` files a licence file names ("see docs/README.source for more specific
  information");
- a section is the text under a heading line (underlined with ``===`` or ``---``, or ending in
  ``:`` before a blank line); its paths are the heading, when the heading is only a path or a
  glob, and the last word of its bulleted lines (``* ... docs/conf.py``), read against the
  statement file's folder, then each folder above it; a path that names no file of the tree,
  or lies outside the statement file's folder, is not read (``*`` matches across ``/``, as in
  Debian's DEP-5 globs);
- its licence is what ScanCode matched in the section's lines as a notice, reference, tag or
  licence text (not an intro such as "licensed under", not a clue), joined with OR when the
  section offers a choice ("dually licensed", "alternatively", "at your option" that is not
  "any later version"); a section that names no licence ("licensed under the license from
  which the patch was generated") grants nothing;
- a section that speaks of a part only ("a significant portion of files", "most", "some",
  "several", "except") grants nothing: which files it means is not said;
- a file's own licence always comes first; licence files and the statement file itself are
  never targets.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openesx_license.detect.assemble import combine_and
from openesx_license.detect.grant import UNSTATED, drop_implied
from openesx_license.model import DetectionMethod, FileRecord, LicenseDetection, LicenseSource

#: names of licence files (as governing files are named in detect/resolve.py)
LICENCE_FILE_NAME = re.compile(r"^(COPYING|LICEN[CS]E)([._-][^/]*)?$", re.IGNORECASE)
#: a README a licence file names as holding more of the licensing ("see docs/README.source")
_README_MENTION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*README[\w.-]*)", re.IGNORECASE)
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_BULLET = re.compile(r"^\s*[*\-+]\s+\S")
_PATHLIKE = re.compile(r"^[\w.*?\[\]-]+(?:/[\w.*?\[\]-]*)*$")
#: words that make a section speak of a part of what it names, not of all of it
PARTIAL = re.compile(
    r"\b(most|some|several|portion|part of|certain|except|exceptions?|unless|a number of|"
    r"many|majority|a few|partly|partially)\b",
    re.IGNORECASE,
)
_STATEMENT_KINDS = frozenset({"notice", "reference", "tag", "text"})
#: a section that offers a choice between the licences it names ("dually licensed as GPLv2.0
#: or later and a BSD 2-clause license"): they are joined with OR
CHOICE = re.compile(
    r"\b(dual(ly)?|multi|double)[\s-]*licen[cs]|\balternatively\b"
    r"|\bat\s+your\s+(option|choice)\b(?!\W*(any\s+)?later)",
    re.IGNORECASE,
)
_MAX_STATEMENT_BYTES = 256 * 1024


@dataclass(frozen=True, kw_only=True)
class PathStatement:
    """One section of a statement file: the licence it states for the paths it names."""

    source: str  # the statement file, relative to the root
    line: int  # 1-based line of the path in it
    written: str  # the path or glob as written
    pattern: str  # resolved, root-relative (a glob when the text wrote one)
    expression: str


def read_statements(
    root: Path, records: Sequence[FileRecord], facts_by_path: Mapping[str, Any]
) -> list[PathStatement]:
    """Every per-path statement of the tree's statement files (see the module)."""
    paths = {r.path for r in records}
    licence_files = [r.path for r in records if LICENCE_FILE_NAME.match(posixpath.basename(r.path))]
    sources = dict.fromkeys(licence_files)
    for path in licence_files:
        for named in _named_readmes(root, path, paths):
            sources.setdefault(named)
    out: list[PathStatement] = []
    for source in sources:
        facts = facts_by_path.get(source)
        text = _read(root / source)
        if facts is None or text is None:
            continue
        out.extend(_statements(source, text.splitlines(), facts["licences"], paths))
    return out


def apply_path_statements(
    root: Path, records: list[FileRecord], facts_by_path: Mapping[str, Any]
) -> list[FileRecord]:
    """``records`` with each file that states no licence of its own (``license-file``) given
    the licence of the nearest per-path statement that names it, when that statement is at
    least as close to it as its governing licence file."""
    statements = read_statements(root, records, facts_by_path)
    if not statements:
        return records
    return [_applied(rec, statements) for rec in records]


def _applied(rec: FileRecord, statements: Iterable[PathStatement]) -> FileRecord:
    if (
        rec.license_source != LicenseSource.LICENSE_FILE
        or rec.markers
        or LICENCE_FILE_NAME.match(posixpath.basename(rec.path))
    ):
        return rec
    governed = [d for d in rec.detections if d.method is DetectionMethod.LICENSE_FILE]
    if not governed or not governed[-1].governing_file:
        return rec
    governing = governed[-1].governing_file
    governing_folder = posixpath.dirname(governing)
    best: tuple[int, int, PathStatement] | None = None
    for st in statements:
        folder = posixpath.dirname(st.source)
        if st.source == rec.path or not _within(folder, governing_folder):
            continue
        specificity = _match(st.pattern, rec.path)
        if specificity is None:
            continue
        rank = (folder.count("/") + bool(folder), specificity)
        if best is None or rank >= best[:2]:  # the deepest file, the most specific path
            best = (*rank, st)
    if best is None:
        return rec
    st = best[2]
    detection = LicenseDetection(
        license_expression=st.expression,
        method=DetectionMethod.LICENSE_FILE,
        governing_file=st.source,
        message=(
            f"no licence stated in the file; {st.source} line {st.line} states the licence "
            f"of {st.written!r}: {st.expression} (closer than {governing}'s grant)"
        ),
    )
    kept = tuple(d for d in rec.detections if d is not governed[-1])
    return replace(rec, license_expression=st.expression, detections=(*kept, detection))


def _within(folder: str, ancestor: str) -> bool:
    return not ancestor or folder == ancestor or folder.startswith(ancestor + "/")


def _match(pattern: str, path: str) -> int | None:
    """How specifically ``pattern`` names ``path`` (2 the file, 1 a folder above it, 0 a
    glob), or None."""
    if pattern == path:
        return 2
    if path.startswith(pattern.rstrip("/") + "/"):
        return 1
    if any(c in pattern for c in "*?[") and fnmatch.fnmatchcase(path, pattern):
        return 0
    return None


def _named_readmes(root: Path, licence_file: str, paths: set[str]) -> list[str]:
    text = _read(root / licence_file)
    if text is None:
        return []
    folder = posixpath.dirname(licence_file)
    found = []
    for name in _README_MENTION.findall(text):
        for candidate in (posixpath.join(folder, name), name):
            clean = posixpath.normpath(candidate)
            if clean in paths and clean != licence_file:
                found.append(clean)
                break
    return found


def _read(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_STATEMENT_BYTES)
    except OSError:
        return None
    return data.decode("utf-8", errors="replace")


def _statements(
    source: str, lines: list[str], licences: Sequence[Mapping[str, Any]], paths: set[str]
) -> list[PathStatement]:
    out = []
    for first, last, heading in _sections(lines):
        body = "\n".join(lines[first - 1 : last])
        if PARTIAL.search(body):
            continue
        expression = _section_licence(licences, first, last, choice=bool(CHOICE.search(body)))
        if expression is None:
            continue
        named = []
        if heading is not None and _PATHLIKE.match(lines[heading - 1].strip()):
            named.append((heading, lines[heading - 1].strip()))
        for number in range(first, last + 1):
            text = lines[number - 1]
            if _BULLET.match(text) and _PATHLIKE.match(text.split()[-1]):
                named.append((number, text.split()[-1]))
        for number, written in named:
            pattern = _resolve(source, written, paths)
            if pattern is not None:
                out.append(
                    PathStatement(
                        source=source,
                        line=number,
                        written=written,
                        pattern=pattern,
                        expression=expression,
                    )
                )
    return out


def _sections(lines: list[str]) -> list[tuple[int, int, int | None]]:
    """(first, last, heading) line numbers of each section; a heading's own lines count in
    it, the text before the first heading is a section without one."""
    starts: list[int] = []
    for i, text in enumerate(lines):
        stripped = text.strip()
        if not stripped or text[:1].isspace() or _UNDERLINE.match(text):
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _UNDERLINE.match(following) or (stripped.endswith(":") and not following.strip()):
            starts.append(i + 1)
    sections: list[tuple[int, int, int | None]] = []
    if not starts or starts[0] > 1:
        sections.append((1, (starts[0] - 1) if starts else len(lines), None))
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(lines)
        sections.append((start, end, start))
    return sections


def _section_licence(
    licences: Sequence[Mapping[str, Any]], first: int, last: int, *, choice: bool = False
) -> str | None:
    """What ScanCode matched as a statement in lines ``first``-``last`` (match by match: one
    detection may run across two sections), joined with OR when the section offers a
    ``choice``: None when it names no licence (only "licensed under", a clue, or an unnamed
    reference)."""
    found = [
        m["expression"]
        for det in licences
        for m in det.get("matches", ())
        if m.get("kind") in _STATEMENT_KINDS
        and "start_line" in m
        and first <= m["start_line"]
        and m["end_line"] <= last
        and m["expression"] not in UNSTATED
    ]
    if choice and len(set(found)) > 1:
        return " OR ".join(f"({e})" if " " in e else e for e in dict.fromkeys(found))
    combined = combine_and(found)
    return drop_implied(combined) if combined else None


def _resolve(source: str, written: str, paths: set[str]) -> str | None:
    """``written`` as a root-relative path or glob naming at least one file of the tree inside
    the statement file's folder (not a licence file, not ``source``), or None. It is read
    against the statement file's folder, then each folder above it ("docs/conf.py" in
    ``docs/README.source`` is the project's ``docs/conf.py``)."""
    folder = posixpath.dirname(source)
    base = folder
    while True:
        pattern = posixpath.normpath(posixpath.join(base, written) if base else written)
        inside = not folder or pattern.startswith(folder + "/")
        if inside and not pattern.startswith(".."):
            for p in paths:
                if (
                    p != source
                    and not LICENCE_FILE_NAME.match(posixpath.basename(p))
                    and _match(pattern, p) is not None
                ):
                    return pattern
        if not base:
            return None
        base = posixpath.dirname(base)
