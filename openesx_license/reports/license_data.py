"""SPDX expressions as the SBOM and NOTICE formatters need them, and ScanCode's licence texts.

Licence texts are never retyped: they come from ScanCode Toolkit's licence data (the
``licensedcode/data/licenses/*.LICENSE`` files, YAML front matter + text), looked up by SPDX id
through each licence's ``spdx_license_key`` (then ``other_spdx_license_keys``), and
``LicenseRef-scancode-<key>`` directly by ScanCode key. Only the front matter of every file is
read to build the id map (~0.6 s); a text is loaded when asked for. Loading ScanCode's whole
licence cache (``get_licenses_db()``) would also unpickle the detection index (~7 s).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from license_expression import ExpressionError, LicenseSymbol

from openesx_license._util.spdx import spdx_licensing

_REF_CHARS = re.compile(r"[^A-Za-z0-9.\-]+")
_SPDX_KEY = re.compile(r"^spdx_license_key:\s*(\S+)\s*$", re.MULTILINE)
_OTHER_KEYS = re.compile(r"^other_spdx_license_keys:\s*\n((?:\s+-\s*.+\n)+)", re.MULTILINE)
_SCANCODE_REF = "LicenseRef-scancode-"


def as_license_ref(key: str) -> str:
    """A symbol the SPDX list does not know, as a valid ``LicenseRef-`` id."""
    if key.startswith("LicenseRef-"):
        return "LicenseRef-" + _REF_CHARS.sub("-", key[len("LicenseRef-") :]).strip("-")
    return "LicenseRef-" + (_REF_CHARS.sub("-", key).strip("-") or "unknown")


#: prefix of the LicenseRef an SBOM uses for an exception found outside a ``WITH`` clause
EXCEPTION_REF = "LicenseRef-exception-"


def exception_ref(exception_id: str) -> str:
    """The ``LicenseRef-`` an SBOM records a standalone exception under."""
    bare = (
        exception_id[len("LicenseRef-") :]
        if exception_id.startswith("LicenseRef-")
        else (exception_id)
    )
    return EXCEPTION_REF + _REF_CHARS.sub("-", bare).strip("-")


def exception_of_ref(ref: str) -> str | None:
    """The exception id behind an :func:`exception_ref` (as ScanCode or SPDX spell it)."""
    if not ref.startswith(EXCEPTION_REF):
        return None
    bare = ref[len(EXCEPTION_REF) :]
    for candidate in (bare, f"LicenseRef-{bare}"):
        if scancode_key(candidate) is not None:
            return candidate
    return bare


def spdx_expression(expression: str | None, *, standalone_exceptions: bool = True) -> str | None:
    """``expression`` normalised to SPDX: known ids in their SPDX case, other symbols as
    ``LicenseRef-...``; None for no expression or one that cannot be parsed. Remembered per
    expression: a tree has few distinct ones, and its SBOMs ask for each file's (Linux: 78,000).

    ScanCode reports an exception it found without the licence it modifies as a plain term
    (``GPL-1.0-or-later AND Autoconf-exception-3.0``), which SPDX forbids outside ``WITH``.
    With ``standalone_exceptions=False`` (the SBOMs) such a term becomes
    :func:`exception_ref` of it, so the document stays valid and keeps the fact.
    """
    if not expression or not expression.strip():
        return None
    return _spdx_expression(expression, standalone_exceptions)


@functools.lru_cache(maxsize=4096)
def _spdx_expression(expression: str, standalone_exceptions: bool) -> str | None:
    licensing = spdx_licensing()
    try:
        parsed = licensing.parse(expression, simple=False)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    # substitution matches the parsed symbol objects themselves (is_exception included)
    mapping = {
        s: LicenseSymbol(as_license_ref(s.key))
        for s in licensing.unknown_license_symbols(parsed)
        if as_license_ref(s.key) != s.key
    }
    if not standalone_exceptions:
        mapping.update(
            (s, LicenseSymbol(exception_ref(s.key)))
            for s in licensing.license_symbols(parsed, decompose=False)
            if type(s) is LicenseSymbol and s.is_exception
        )
    if mapping:
        parsed = parsed.subs(mapping)
    return str(parsed)


def license_keys(expression: str | None, *, standalone_exceptions: bool = True) -> list[str]:
    """Every licence and exception id of an SPDX expression, in order, without repeats."""
    normalised = spdx_expression(expression, standalone_exceptions=standalone_exceptions)
    if normalised is None:
        return []
    return list(_license_keys(normalised))


@functools.lru_cache(maxsize=4096)
def _license_keys(normalised: str) -> tuple[str, ...]:
    licensing = spdx_licensing()
    return tuple(dict.fromkeys(licensing.license_keys(licensing.parse(normalised))))


def license_refs(expression: str | None, *, standalone_exceptions: bool = True) -> list[str]:
    """The ``LicenseRef-`` ids of an expression."""
    keys = license_keys(expression, standalone_exceptions=standalone_exceptions)
    return [k for k in keys if k.startswith("LicenseRef-")]


@dataclass(frozen=True, kw_only=True)
class LicenseText:
    """A licence (or exception) of ScanCode's data."""

    spdx_id: str
    scancode_key: str
    name: str
    is_exception: bool
    text: str  # '' when ScanCode holds no text (e.g. public-domain)
    homepage_url: str | None = None


def licenses_dir() -> Path:
    """The folder of ScanCode's ``.LICENSE`` files."""
    from licensedcode.models import licenses_data_dir

    return Path(licenses_data_dir)


@functools.lru_cache(maxsize=1)
def _scancode_keys() -> dict[str, str]:
    """SPDX id (lower case) -> ScanCode key, primary keys before aliases."""
    primary: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for path in sorted(licenses_dir().glob("*.LICENSE")):
        with path.open(encoding="utf-8") as handle:
            head = handle.read(6000)
        front = head.split("\n---", 2)[0] if head.startswith("---") else head
        key = path.name[: -len(".LICENSE")]
        if m := _SPDX_KEY.search(front):
            primary.setdefault(m.group(1).strip("'\"").lower(), key)
        if m := _OTHER_KEYS.search(front):
            for line in m.group(1).splitlines():
                alias = line.strip().lstrip("-").strip().strip("'\"")
                if alias:
                    aliases.setdefault(alias.lower(), key)
    return {**aliases, **primary}


def scancode_key(spdx_id: str) -> str | None:
    """The ScanCode key of an SPDX id or ``LicenseRef-scancode-*`` ref, None when unknown."""
    keys = _scancode_keys()
    if found := keys.get(spdx_id.lower()):
        return found
    if spdx_id.startswith(_SCANCODE_REF):
        key = spdx_id[len(_SCANCODE_REF) :].lower()
        if (licenses_dir() / f"{key}.LICENSE").is_file():
            return key
    return None


@functools.lru_cache(maxsize=512)
def license_text(spdx_id: str) -> LicenseText | None:
    """ScanCode's data for ``spdx_id`` (name, text...), None when ScanCode does not know it."""
    key = scancode_key(spdx_id)
    if key is None:
        return None
    from licensedcode.models import License

    lic = License.from_dir(key=key, licenses_data_dir=str(licenses_dir()))
    return LicenseText(
        spdx_id=spdx_id,
        scancode_key=key,
        name=lic.name or key,
        is_exception=bool(lic.is_exception),
        text=(lic.text or "").strip("\n"),
        homepage_url=lic.homepage_url or None,
    )
