"""What a licence file grants to the files it governs, read from ScanCode's match data.

A ``COPYING`` or ``LICENSE`` file often says more than the licence of its folder: Xen's root
``COPYING`` states that the tree is GPL version 2, then lists the BSD, MIT, LGPL, CC-BY, zlib
and public-domain code *elsewhere*; ``xen/COPYING`` explains that ``include/public`` is
BSD-style before carrying the GPL's text. Every licence such a file mentions is in its
``detected_license_expression`` (what the file says, as ScanCode reads it), but a file with no
licence of its own is not under all of them. :func:`granted_expression` reads what the licence
file grants to the project, from the kind of ScanCode rule each match is
(``is_license_text``, ``is_license_notice``, ``is_license_reference``, ``is_license_tag``,
``is_license_intro``, ``is_license_clue``) and the matched lines:

1. **Carried texts**: the full licence texts the file carries (matches of licence-text rules,
   and notices of at least :data:`CARRIED_TEXT_LINES` lines, such as a truncated MIT text);
2. else its **lead statement**: the first detection, in line order, that holds a notice, a
   reference or a tag (the opening "Most files in this repository are licensed under the
   GPL"); later paragraphs that name other licences speak of other paths;
3. a licence named *without a version* (ScanCode's ``GPL-1.0-or-later`` for "the GPL",
   ``LGPL-2.0-or-later`` for "the LGPL") takes the version the file's texts, notices,
   references and tags state when they state exactly one version of that licence ("the GPL"
   in a file that says "licensed under GPLv2" is GPL-2.0-only); ScanCode's unknown reference
   ("dual-licensed") beside named licences is a reference to them and is dropped;
4. the file's detected expression is kept to those licences, so a choice between them
   ("GPL-2.0-only OR MIT") stays a choice, and ids implied by another id of the same licence
   in the same ``AND`` are dropped (:func:`drop_implied`); a proprietary or commercial
   licence the file names anywhere always stays (a licence file never makes code open by
   what the grant leaves out).

Matches without a rule kind (a ScanCode JSON import) give no grant: the caller keeps the
file's whole detected expression, as before.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_expression import (
    AND,
    OR,
    BaseSymbol,
    ExpressionError,
    LicenseExpression,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

#: a notice this long (in lines) is a licence's terms carried in full (a truncated MIT text)
CARRIED_TEXT_LINES = 10
#: ScanCode's reading of a licence named without a version: the first version, "or later"
UNVERSIONED = frozenset({"GPL-1.0-or-later", "LGPL-2.0-or-later", "AGPL-1.0-or-later"})
_VERSIONED = re.compile(
    r"^(?P<name>[A-Za-z]+)-(?P<version>\d+(?:\.\d+)*)-(?P<scope>only|or-later)$"
)
#: a proprietary or commercial licence (as checks/proprietary.py reads one): never left out
_PROPRIETARY = re.compile(
    r"LicenseRef-[A-Za-z0-9.\-]*(?:proprietary|commercial|confidential)", re.I
)
#: ScanCode's "a licence is referred to here" (``{{dual-licensed}}``, "see LICENSE")
UNSTATED = frozenset({"LicenseRef-scancode-unknown-license-reference"})
#: kinds of rule that state a licence (not an intro such as "licensed under", not a clue)
_STATEMENT_KINDS = frozenset({"notice", "reference", "tag", "text"})


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return Licensing()


@dataclass(frozen=True, kw_only=True)
class Grant:
    """What a licence file grants: the expression and how it was read."""

    expression: str
    basis: str  # "its licence text" or "its lead statement (lines A-B)"
    #: the licence ids the grant was read from (before versions were settled)
    read_from: frozenset[str]


def granted_expression(
    detected: str, licences: Sequence[Mapping[str, Any]], tags: Iterable[str] = ()
) -> Grant | None:
    """The licence a licence file grants to the files it governs (see the module's rules), or
    None when its matches carry no rule kind or line (the caller then keeps ``detected``).

    ``detected`` is the file's ``detected_license_expression``, ``licences`` its licence
    detections as facts (each with ``matches`` carrying ``expression``, ``kind``,
    ``start_line``, ``end_line``), ``tags`` the expressions of its valid SPDX tags.
    """
    matches = [m for det in licences for m in det.get("matches", ())]
    if not matches or any("kind" not in m or "start_line" not in m for m in matches):
        return None
    carried = [m for m in matches if _is_carried_text(m)]
    if carried:
        chosen, basis = carried, "its licence text"
    else:
        lead = _lead_statement(licences)
        if lead is None:
            return None
        chosen = [m for m in lead["matches"] if m["kind"] in _STATEMENT_KINDS]
        basis = f"its lead statement (lines {lead['start_line']}-{lead['end_line']})"
    read_from = {key for m in chosen for key in _keys(m["expression"])}
    read_from |= {key for tag in tags for key in _keys(tag)}
    if read_from - UNSTATED:
        # "dual-licensed" beside the licences it names is a reference to those licences
        read_from -= UNSTATED
    stated = {
        key for m in matches if m["kind"] in _STATEMENT_KINDS for key in _keys(m["expression"])
    }
    # a licence file never makes code open by leaving a proprietary licence it names out
    read_from |= {key for key in _keys(detected) if _PROPRIETARY.match(key)}
    expression = pruned(detected, _versioned(read_from, stated))
    if expression is None:
        return None
    return Grant(expression=drop_implied(expression), basis=basis, read_from=frozenset(read_from))


def _is_carried_text(match: Mapping[str, Any]) -> bool:
    if match["kind"] == "text":
        return True
    lines = int(match["end_line"]) - int(match["start_line"]) + 1
    return match["kind"] == "notice" and lines >= CARRIED_TEXT_LINES


def _lead_statement(licences: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    ordered = sorted(licences, key=lambda d: (d["start_line"], d["end_line"]))
    for det in ordered:
        if any(m["kind"] in _STATEMENT_KINDS for m in det.get("matches", ())):
            return det
    return None


def _keys(expression: str) -> set[str]:
    return set(_cached_keys(expression))


@lru_cache(maxsize=4096)
def _cached_keys(expression: str) -> frozenset[str]:
    # thousands of files carry the same few expressions: parse each one once per run
    try:
        return frozenset(_licensing().license_keys(expression))
    except ExpressionError:
        return frozenset({expression})


def _versioned(keep: set[str], stated: set[str]) -> set[str]:
    """``keep`` with each unversioned licence id replaced by the one version of that licence
    the file states, when it states exactly one."""
    out = set(keep)
    for key in keep & UNVERSIONED:
        name = _name_version(key)[0]
        versions = {s for s in stated - UNVERSIONED if _name_version(s)[0] == name}
        if len(versions) == 1:
            out.discard(key)
            out |= versions
    return out


def settle_versions(
    expression: str, grant: str, *, stated: frozenset[str] = frozenset()
) -> str | None:
    """``expression`` (a file's own licence) with each licence it names without a version
    (:data:`UNVERSIONED`) given the one version of that licence ``grant`` (its licence file's)
    names, implied ids then dropped; None when nothing is settled. "the GNU General Public
    License, see COPYING" under a COPYING that grants GPL-2.0-only is GPL-2.0-only. A licence
    the file also names with a version is left to :func:`drop_implied`; an id in ``stated``
    (:func:`stated_with_version`: the file's own words give that very version, "version 2 of
    the License, or any later version") is not a licence without a version at all."""
    if not any(key in expression for key in UNVERSIONED):
        return None
    found = _keys(expression)
    granted = _keys(grant) - UNVERSIONED
    renames = {}
    for key in (found & UNVERSIONED) - stated:
        name = _name_version(key)[0]
        if any(_name_version(k)[0] == name for k in found - UNVERSIONED):
            continue  # the file states a version of it itself: drop_implied's matter
        versions = {g for g in granted if _name_version(g)[0] == name}
        if len(versions) == 1:
            renames[key] = versions.pop()
    if not renames:
        return None
    settled = expression
    for old, new in renames.items():
        settled = re.sub(rf"(?<![\w.+-]){re.escape(old)}(?![\w.+-])", new, settled)
    try:
        parsed = _licensing().parse(drop_implied(settled))
    except ExpressionError:
        return None
    return _tidy(parsed) if parsed is not None else None


#: ScanCode's licence key of each id in :data:`UNVERSIONED`
_SCANCODE_KEYS = {
    "GPL-1.0-or-later": "gpl-1.0-plus",
    "LGPL-2.0-or-later": "lgpl-2.0-plus",
    "AGPL-1.0-or-later": "agpl-1.0-plus",
}
#: a version in a rule's text: "version 2", "v2.1", "2.0", "LGPL2+", "GPLv2"
_VERSION_WORDS = re.compile(
    r"(?i)\bv(?:ersion)?\s*\.?\s*\d|\b\d\.\d\b|(?:GPL|licen[cs]e)[-_ ]?v?\d|\b\d\+"
)


def stated_with_version(rule_names: Iterable[str]) -> frozenset[str]:
    """The ids of :data:`UNVERSIONED` that the matched ScanCode rules ``rule_names`` give
    with their version written out. ScanCode's ``LGPL-2.0-or-later`` is both "the LGPL" (no
    version: ``lgpl_bare_single_word``) and "version 2 of the License, or (at your option)
    any later version" (``lgpl-2.0-plus_97``); only the first may take its licence file's
    version. A rule whose text this ScanCode does not ship says nothing."""
    out: set[str] = set()
    for name in rule_names:
        for spdx_id in _rule_versions(name.strip()):
            out.add(spdx_id)
    return frozenset(out)


@lru_cache(maxsize=2048)
def _rule_versions(name: str) -> frozenset[str]:
    if name.endswith(".LICENSE"):  # a licence's full text always states its version
        key = name[: -len(".LICENSE")]
        return frozenset(i for i, k in _SCANCODE_KEYS.items() if k == key)
    if not name.endswith(".RULE"):
        return frozenset()
    folder = _scancode_rules()
    if folder is None:
        return frozenset()
    try:
        raw = (folder / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    head, _, text = raw.partition("\n---\n") if raw.startswith("---") else ("", "", raw)
    found = re.search(r"(?m)^license_expression:\s*(.+)$", head)
    if found is None or not _VERSION_WORDS.search(text):
        return frozenset()
    keys = set(re.findall(r"[\w.+-]+", found.group(1)))
    return frozenset(i for i, k in _SCANCODE_KEYS.items() if k in keys)


@lru_cache(maxsize=1)
def _scancode_rules() -> Path | None:
    """ScanCode's rules folder, found without importing ScanCode (a warm run never loads
    it); None when ScanCode is not installed."""
    try:
        spec = importlib.util.find_spec("licensedcode")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "rules"
    return folder if folder.is_dir() else None


def _tidy(node: LicenseExpression) -> str:
    """``node`` with nested ANDs (ORs) flattened and each distinct part once."""
    return str(_licensing().dedup(str(_flat(node))))


def _flat(node: LicenseExpression) -> LicenseExpression:
    if isinstance(node, BaseSymbol):
        return node
    args: list[LicenseExpression] = []
    for arg in (_flat(a) for a in node.args):
        args.extend(arg.args if type(arg) is type(node) else (arg,))
    return type(node)(*args)


def _name_version(key: str) -> tuple[str | None, tuple[int, ...], str]:
    found = _VERSIONED.match(key)
    if not found:
        return None, (), ""
    version = tuple(int(p) for p in found["version"].split("."))
    return found["name"].upper(), version, found["scope"]


def pruned(expression: str, keep: set[str]) -> str | None:
    """``expression`` with every licence not in ``keep`` taken out (an exception not in
    ``keep`` leaves its licence bare), each distinct part once; None when nothing is left."""
    try:
        parsed = _licensing().parse(expression)
    except ExpressionError:
        return expression if expression in keep else None
    if parsed is None:
        return None
    node = _prune(parsed, keep)
    return _tidy(node) if node is not None else None


def _prune(node: LicenseExpression, keep: set[str]) -> LicenseExpression | None:
    if isinstance(node, LicenseWithExceptionSymbol):
        if node.license_symbol.key not in keep:
            return None
        return node if node.exception_symbol.key in keep else node.license_symbol
    if isinstance(node, BaseSymbol):
        return node if isinstance(node, LicenseSymbol) and node.key in keep else None
    args = [p for a in node.args if (p := _prune(a, keep)) is not None]
    if not args:
        return None
    return args[0] if len(args) == 1 else type(node)(*args)


def drop_implied(expression: str) -> str:
    """``expression`` without the ids that another id of the same licence in the same ``AND``
    implies: ``X-a-or-later`` beside ``X-b-only`` or ``X-b-or-later`` with b >= a (whoever
    complies with version b complies with "version a or any later version"; the or-later
    grant adds no obligation). ``GPL-1.0-or-later AND GPL-2.0-only`` is ``GPL-2.0-only``;
    ``OR`` choices and different licences are left alone."""
    try:
        parsed = _licensing().parse(expression)
    except ExpressionError:
        return expression
    if parsed is None:
        return expression
    return str(_drop(parsed))


def _drop(node: LicenseExpression) -> LicenseExpression:
    if isinstance(node, BaseSymbol):
        return node
    args = [_drop(a) for a in node.args]
    if isinstance(node, AND):
        plain = [_licence_of(a) for a in args]
        kept = [
            a
            for a, key in zip(args, plain, strict=True)
            if not (
                isinstance(a, LicenseSymbol)
                and key is not None
                and any(other is not None and _implies(other, key) for other in plain
                        if other != key)
            )
        ]  # fmt: skip
        args = kept or args
    elif not isinstance(node, OR):
        return node
    return args[0] if len(args) == 1 else type(node)(*args)


def _licence_of(node: LicenseExpression) -> str | None:
    if isinstance(node, LicenseWithExceptionSymbol):
        return str(node.license_symbol.key)
    if isinstance(node, LicenseSymbol):
        return str(node.key)
    return None


def _implies(stronger: str, weaker: str) -> bool:
    """Whether complying with ``stronger`` complies with ``weaker`` (see drop_implied)."""
    name, version, _ = _name_version(stronger)
    weak_name, weak_version, weak_scope = _name_version(weaker)
    return (
        name is not None
        and name == weak_name
        and weak_scope == "or-later"
        and version >= weak_version
    )
