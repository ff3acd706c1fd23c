"""Concluded licences against a human truth: Debian's ``debian/copyright`` (DEP-5).

    python bench/dep5.py TREE OURS.json SCANCODE.json     # score two scans of TREE
    python bench/dep5.py sample TREE N OUT [SEED]         # a seeded sample of TREE's files
                                                          # (paths kept), for ScanCode

ScanCode takes about 25 minutes on the whole of Xen; on a shared machine the sample gives
its side in minutes (a file's detection does not depend on the other files, except for
"see COPYING" references, so every COPYING/LICENSE file of the tree is copied too).

Debian's maintainers state, in the machine-readable ``debian/copyright`` of a source package,
the licence of every file of the tree (``Files:`` globs, the last matching stanza wins),
including the files that state no licence of their own. Each file of our scan is scored on its
concluded ``license_expression``, and on ScanCode's ``detected_license_expression_spdx`` (ScanCode
concludes nothing for a file without a licence of its own), against the stanza's
``License:``, at two levels:

- **family**: the same set of licence families (GPL, LGPL, BSD, MIT, public domain ...);
  exceptions (the right side of ``WITH``) are not families: ``GPL-2`` is met by
  ``GPL-2.0-only``, ``GPL-2.0-or-later`` and ``GPL-2.0-only WITH Linux-syscall-note``, not by
  ``GPL-2.0-only AND MIT``;
- **exact**: the same set of SPDX licence and exception ids (``GPL-2+`` is
  ``GPL-2.0-or-later``, not ``GPL-2.0-only``), after dropping, on both sides alike, an id that
  another id of the same licence in the same ``AND`` implies (``GPL-1.0-or-later AND
  GPL-2.0-only`` counts as ``GPL-2.0-only``: whoever complies with version 2 complies with
  "version 1 or any later version"; :func:`openesx_license.detect.grant.drop_implied`).
  Debian's public-domain names (``MISC-XZ-PUBLIC-DOMAIN-WHATEVER``...) are
  ``LicenseRef-scancode-public-domain``, the id both tools give public-domain dedications.

``AND`` and ``OR`` are not told apart (Debian's ``GPL-2 or LGPL-2.1`` is the set of the two
ids); a file without a licence counts as a miss. On both sides alike, texts that grant nothing
(a warranty disclaimer, a trademark or export notice) beside a licence are not counted as ids
or families: Debian's ``License:`` never lists them.

Shares are given for the files under a *specific* stanza (any but ``Files: *``) and for all
files: ours on every file of the tree, and both tools on the files ScanCode's scan covers
(the sample). Binary files are left out (neither tool reads them for licences).

A second figure, beside the first (which is the target's): the same shares on the files where
Debian's stanza does **not contradict the file's own licence header**. A header contradicts the
stanza when the licence families it states differ from the stanza's; the families are read
here, from the first :data:`HEADER_LINES` lines of the file, by a short fixed list of phrases
(:data:`HEADER_PHRASES`: the full names of the GNU licences, the opening words of the BSD and
MIT permission texts, "public domain", an ``SPDX-License-Identifier`` tag...), not by either
tool's detection, so the exclusion is the same for both and anyone can re-check it (``--show
N`` prints N seeded excluded files with the phrase and line that excluded each). A file whose
header names no licence is never excluded, nor is a licence file or a document (the scan's
``kind`` ``license`` or ``doc``, from the file's name): their text names licences for other
paths.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from license_expression import (
    BaseSymbol,
    ExpressionError,
    LicenseExpression,
    LicenseWithExceptionSymbol,
    Licensing,
)

from openesx_license.detect.grant import drop_implied
from openesx_license.detect.resolve import NOT_A_LICENCE

_LICENSING = Licensing()
#: Debian short names -> SPDX ids (https://dep-team.pages.debian.net/deps/dep5/#license-specification)
DEBIAN_TO_SPDX = {
    "expat": "MIT",
    "mit": "MIT",
    "x11": "X11",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd-4-clause": "BSD-4-Clause",
    "isc": "ISC",
    "zlib": "Zlib",
    "apache-2.0": "Apache-2.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc0-1.0": "CC0-1.0",
    "public-domain": "LicenseRef-scancode-public-domain",
}
_GNU = re.compile(r"^(a|l)?gpl-(\d(?:\.\d)?)(\+)?$", re.IGNORECASE)
#: how much of a file is its header, for the contradiction test
HEADER_LINES = 100
#: licence statements a header holds, read without either tool's detection: phrase -> family
HEADER_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), name)
    for pattern, name in (
        (r"\bGNU (?:Lesser|Library) General Public Licen[cs]e", "LGPL"),
        (r"\bGNU Affero General Public Licen[cs]e", "AGPL"),
        (r"\bGNU General Public Licen[cs]e", "GPL"),
        (r"\bRedistribution and use in source and binary forms", "BSD"),
        (r"\bPermission is hereby granted, free of charge, to any person", "MIT"),
        (r"\bpublic domain\b", "public-domain"),
        (r"\bCreative Commons Attribution\b", "CC-BY"),
        (r"\bApache License\b", "Apache"),
        (r"\bMozilla Public License\b", "mpl"),
        (r"\bgives unlimited permission to copy", "FSF-permissive"),
        (r"\bare permitted in any medium without royalty", "FSF-permissive"),
    )
)
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*(.+?)\s*(?:\*/|-->|$)", re.IGNORECASE)
_COMMENT_LEAD = re.compile(r"^\s*(?://+|/\*+|\*+/?|#+|;+|%+|!|--|\.\.|dnl\b|\(\*|REM\b)?\s?")


@dataclass(frozen=True, kw_only=True)
class Stanza:
    """One ``Files:`` paragraph: its globs (in order) and its licence as SPDX ids."""

    globs: tuple[str, ...]
    license: str
    ids: frozenset[str]


def debian_id(name: str) -> str:
    """One Debian licence short name as an SPDX id (``GPL-2+`` -> ``GPL-2.0-or-later``)."""
    gnu = _GNU.match(name)
    if gnu:
        kind = (gnu.group(1) or "").upper() + "GPL"
        version = gnu.group(2) if "." in gnu.group(2) else f"{gnu.group(2)}.0"
        return f"{kind}-{version}-{'or-later' if gnu.group(3) else 'only'}"
    low = name.lower()
    if "public-domain" in low:
        return "LicenseRef-scancode-public-domain"
    if "m4-ax" in low:
        return "FSFAP"
    return DEBIAN_TO_SPDX.get(low, name)


def parse_dep5(text: str) -> list[Stanza]:
    """The ``Files:`` stanzas of a DEP-5 ``debian/copyright`` text, in order."""
    stanzas = []
    for para in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        for line in para.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = value.strip()
        if "files" in fields and "license" in fields:
            licence = fields["license"].split("\n")[0].strip()
            names = [n for n in re.split(r"\s+(?:or|and)\s+|,\s*", licence) if n]
            stanzas.append(
                Stanza(
                    globs=tuple(fields["files"].split()),
                    license=licence,
                    ids=frozenset(debian_id(n) for n in names),
                )
            )
    return stanzas


def stanza_of(path: str, stanzas: list[Stanza]) -> Stanza | None:
    """The last stanza with a glob matching ``path`` (``*`` matches ``/`` too, as in DEP-5)."""
    found = None
    for stanza in stanzas:
        if any(fnmatch.fnmatchcase(path, g) for g in stanza.globs):
            found = stanza
    return found


def family(spdx_id: str) -> str:
    """The licence family of an SPDX id (``GPL-2.0-only`` -> ``GPL``)."""
    low = spdx_id.lower()
    if "public-domain" in low or low in ("cc0-1.0", "unlicense"):
        return "public-domain"
    low = low.removeprefix("licenseref-scancode-")
    for prefix, name in (("lgpl", "LGPL"), ("agpl", "AGPL"), ("gpl", "GPL"), ("bsd", "BSD"),
                         ("mit", "MIT"), ("x11", "MIT"), ("apache", "Apache"), ("cc-by", "CC-BY"),
                         ("fsf", "FSF-permissive")):  # fmt: skip
        if low.startswith(prefix):
            return name
    return re.sub(r"[-_.]?\d.*$", "", low)


def _without_non_licences(licences: set[str]) -> set[str]:
    """``licences`` without the texts that grant nothing (a warranty disclaimer, a trademark
    or export notice: :data:`openesx_license.detect.resolve.NOT_A_LICENCE`), unless nothing
    else is left: Debian's ``License:`` never lists them, and they are no licence family."""
    kept = licences - NOT_A_LICENCE
    return kept or licences


def ids_of(expression: str | None) -> frozenset[str]:
    """The licence and exception ids of an SPDX expression, implied ids dropped."""
    licences, exceptions = split_ids(expression)
    return licences | exceptions


def split_ids(expression: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """The licence ids and the exception ids of ``expression``, after
    :func:`drop_implied`."""
    if not expression:
        return frozenset(), frozenset()
    try:
        parsed = _LICENSING.parse(drop_implied(expression))
    except ExpressionError:
        return frozenset({expression}), frozenset()
    licences: set[str] = set()
    exceptions: set[str] = set()

    def walk(node: LicenseExpression) -> None:
        if isinstance(node, LicenseWithExceptionSymbol):
            licences.add(str(node.license_symbol.key))
            exceptions.add(str(node.exception_symbol.key))
        elif isinstance(node, BaseSymbol):
            licences.add(str(node.key))
        else:
            for arg in node.args:
                walk(arg)

    if parsed is not None:
        walk(parsed)
    return frozenset(_without_non_licences(licences)), frozenset(exceptions)


def header_families(text: str) -> tuple[frozenset[str], list[tuple[int, str]]]:
    """The licence families the header of a file's ``text`` (its first :data:`HEADER_LINES`
    lines) states by :data:`HEADER_PHRASES` and ``SPDX-License-Identifier`` tags, and the
    evidence: (line, phrase or tag) of each. Comment leaders are taken off and lines joined,
    so a phrase broken across comment lines is found."""
    lines = text.splitlines()[:HEADER_LINES]
    found: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(lines, 1):
        tag = _SPDX_TAG.search(line)
        if tag:
            licences, _ = split_ids(tag.group(1))
            for licence in licences:
                found.setdefault(family(licence), (number, tag.group(0).strip()))
    joined, starts = "", []
    for line in lines:
        starts.append(len(joined))
        bare = _COMMENT_LEAD.sub("", line, count=1)
        joined += re.sub(r"\s+", " ", bare).strip() + " "
    for pattern, name in HEADER_PHRASES:
        hit = pattern.search(joined)
        if hit and name not in found:
            line = sum(1 for begin in starts if begin <= hit.start())
            found[name] = (line, hit.group(0))
    return frozenset(found), sorted(found.values())


def contradicts(families: frozenset[str], stanza: Stanza) -> bool:
    """Whether a header stating licence ``families`` contradicts Debian's ``stanza``: it
    states some, and they are not the stanza's."""
    return bool(families) and families != {family(i) for i in stanza.ids}


def _header_of(tree: Path, path: str) -> tuple[frozenset[str], list[tuple[int, str]]]:
    try:
        with (tree / path).open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return frozenset(), []
    return header_families(head.decode("utf-8", errors="replace"))


def score(tree: Path, ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Family and exact shares for ours and ScanCode's, specific stanzas and all files."""
    stanzas = parse_dep5((tree / "debian" / "copyright").read_text(encoding="utf-8"))
    ours_files = {f["path"]: f for f in ours["files"] if f["kind"] != "binary"}
    theirs_expr = {
        f["path"].split("/", 1)[1]: f.get("detected_license_expression_spdx")
        for f in theirs["files"]
        if f.get("type") == "file" and "/" in f["path"]
    }
    scope_names = ("specific", "all", "specific-consistent", "all-consistent")
    counts: dict[str, Counter[str]] = {scope: Counter() for scope in scope_names}
    tree_counts: dict[str, Counter[str]] = {scope: Counter() for scope in scope_names}
    misses: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for path, rec in sorted(ours_files.items()):
        stanza = stanza_of(path, stanzas)
        if stanza is None:
            continue
        scopes = ["all"] + (["specific"] if stanza.globs != ("*",) else [])
        # a licence file or a document names licences in its text for other paths: no header
        header = rec["kind"] not in ("license", "doc")
        families, evidence = _header_of(tree, path) if header else (frozenset(), [])
        if contradicts(families, stanza):
            excluded.append(
                {
                    "path": path,
                    "debian": stanza.license,
                    "header": sorted(families),
                    "evidence": evidence,
                    "specific": "specific" in scopes,
                    "sampled": path in theirs_expr,
                }
            )
        else:
            scopes += [f"{scope}-consistent" for scope in scopes]
        ours_result = judge(rec["license_expression"], stanza)
        for scope in scopes:
            _count(tree_counts[scope], "ours", ours_result)
        if not all(ours_result):
            misses.append(
                {
                    "path": path,
                    "debian": stanza.license,
                    "ours": rec["license_expression"],
                    "source": rec.get("license_source"),
                    "family": ours_result[0],
                    "sampled": path in theirs_expr,
                    "scancode": theirs_expr.get(path),
                }
            )
        if path not in theirs_expr:
            continue
        for scope in scopes:
            _count(counts[scope], "ours", ours_result)
            _count(counts[scope], "scancode", judge(theirs_expr[path], stanza))
    return {
        "stanzas": len(stanzas),
        "shares": _shares(counts),
        "tree_shares": _shares(tree_counts),
        "ours_misses": misses,
        "excluded": excluded,
    }


def judge(expression: str | None, stanza: Stanza) -> tuple[bool, bool]:
    """Whether ``expression`` has the stanza's licence families, and its exact ids."""
    licences, exceptions = split_ids(expression)
    truth_families = {family(i) for i in stanza.ids}
    return {family(i) for i in licences} == truth_families, licences | exceptions == stanza.ids


def _count(counter: Counter[str], tool: str, result: tuple[bool, bool]) -> None:
    if tool == "ours":
        counter["files"] += 1
    counter[f"{tool}_family"] += result[0]
    counter[f"{tool}_exact"] += result[1]


def _shares(counts: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    return {
        scope: {
            "files": c["files"],
            **{k: round(v / max(1, c["files"]), 4) for k, v in c.items() if k != "files"},
        }
        for scope, c in counts.items()
    }


def sample_tree(tree: Path, n: int, out: Path, seed: int = 16) -> int:
    """Copy a seeded sample of ``n`` text files of ``tree`` (and its licence files) to
    ``out/<tree name>``, paths kept; return how many files were copied."""
    import random
    import shutil

    files = sorted(
        p.relative_to(tree).as_posix()
        for p in tree.rglob("*")
        if p.is_file() and not p.is_symlink() and b"\0" not in p.read_bytes()[:8192]
    )
    licence = [f for f in files if re.match(r"(COPYING|LICEN[CS]E)", f.rsplit("/", 1)[-1])]
    picked = sorted(set(random.Random(seed).sample(files, min(n, len(files)))) | set(licence))
    for rel in picked:
        dest = out / tree.name / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(tree / rel, dest)
    return len(picked)


def main(argv: list[str]) -> int:
    """Score two scan documents of a tree against its debian/copyright; print the shares."""
    if argv and argv[0] == "sample":
        seed = int(argv[4]) if len(argv) > 4 else 16
        copied = sample_tree(Path(argv[1]), int(argv[2]), Path(argv[3]), seed)
        print(f"{copied} files copied to {Path(argv[3]) / Path(argv[1]).name}")
        return 0
    show = 0
    if "--show" in argv:
        at = argv.index("--show")
        show = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    tree, ours_path, theirs_path = Path(argv[0]), Path(argv[1]), Path(argv[2])
    result = score(tree, json.loads(ours_path.read_text()), json.loads(theirs_path.read_text()))
    print(f"debian/copyright: {result['stanzas']} Files stanzas")
    excluded = result["excluded"]
    print(
        f"  stanza contradicts the file's own header: {len(excluded)} files "
        f"({sum(e['specific'] for e in excluded)} under specific stanzas, "
        f"{sum(e['sampled'] for e in excluded)} in ScanCode's sample)"
    )
    for (debian, header), n in Counter(
        (e["debian"], "+".join(e["header"])) for e in excluded
    ).most_common(12):
        print(f"    {n:>4} files: Debian {debian} | header {header}")
    if show:
        import random

        for e in sorted(random.Random(16).sample(excluded, min(show, len(excluded))),
                        key=lambda e: e["path"]):  # fmt: skip
            said = "; ".join(f"line {n}: {text[:60]!r}" for n, text in e["evidence"])
            print(f"    {e['path']}: Debian {e['debian']}; {said}")
    print("  whole tree, ours only:")
    for scope, t in result["tree_shares"].items():
        print(f"    {scope:<9} {t['files']:>5} files  family {t['ours_family']:.1%}, "
              f"exact {t['ours_exact']:.1%}")  # fmt: skip
    print("  ScanCode's sample, both tools:")
    for scope, s in result["shares"].items():
        print(f"    {scope:<9} {s['files']:>5} files  family: ours {s['ours_family']:.1%}, "
              f"ScanCode {s['scancode_family']:.1%}   exact: ours {s['ours_exact']:.1%}, "
              f"ScanCode {s['scancode_exact']:.1%}")  # fmt: skip
    for level, wanted in (("family", False), ("exact only", True)):
        misses = Counter(
            (m["debian"], m["ours"], m["source"])
            for m in result["ours_misses"]
            if m["family"] is wanted
        )
        print(f"  ours wrong at {level} level (whole tree):")
        for (debian, ours, source), n in misses.most_common(25):
            print(f"    {n:>4} files: Debian {debian} | ours {ours} ({source})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
