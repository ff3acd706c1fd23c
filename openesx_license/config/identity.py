"""What an SBOM needs to name a component: ``version``, ``supplier``, ``purl`` and ``cpe``.

These optional ``[[component]]`` keys feed the SPDX and CycloneDX documents (NTIA's minimum
elements: supplier, name, version, unique identifiers) so that Dependency-Track and scanners
can match a third-party component to its advisories. Each value is checked here; a problem is
a message for the policy loader, which names the file, the table and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openesx_license.config.tomlread import TableReader

#: how a supplier may be written: "Organization: X", "Person: X (mail)" or just a name
SUPPLIER_KINDS = ("Organization", "Person")
_SUPPLIER = re.compile(r"^(Organization|Person):\s*(\S.*)$")
# CPE 2.3 formatted string: "cpe:2.3:" then 11 fields (part, vendor, product, version, update,
# edition, language, sw_edition, target_sw, target_hw, other); ':' inside a field is escaped
_CPE23_FIELD = r"(?:\\.|[^:\\])+"
_CPE23 = re.compile(rf"^cpe:2\.3:[aho*\-](?::{_CPE23_FIELD}){{10}}$")
# CPE 2.2 URI: "cpe:/" part ":" vendor ...
_CPE22 = re.compile(r"^cpe:/[aho](?::[A-Za-z0-9._\-~%]*){0,6}$")


@dataclass(frozen=True, kw_only=True)
class ComponentIdentity:
    """SBOM identity of a component; every field optional."""

    version: str | None = None
    supplier: str | None = None  # normalised: "Organization: X" or "Person: X"
    purl: str | None = None
    cpe: str | None = None

    @property
    def cpe_version(self) -> str | None:
        """``"2.3"`` or ``"2.2"`` for the CPE's syntax, None without one."""
        if self.cpe is None:
            return None
        return "2.3" if self.cpe.startswith("cpe:2.3:") else "2.2"


def supplier_problem(value: str) -> str | None:
    """Why ``value`` is not a supplier."""
    if not value.strip():
        return "must not be empty"
    if ":" in value.split()[0] and not _SUPPLIER.match(value):
        return (
            f"expected 'Organization: NAME', 'Person: NAME' or a plain organisation name, "
            f"got {value!r}"
        )
    return None


def normalise_supplier(value: str) -> str:
    """``"Organization: X"`` for a plain name; an explicit kind is kept."""
    match = _SUPPLIER.match(value.strip())
    if match:
        return f"{match.group(1)}: {match.group(2).strip()}"
    return f"Organization: {value.strip()}"


def purl_problem(value: str) -> str | None:
    """Why ``value`` is not a package URL (``pkg:type/namespace/name@version``)."""
    from packageurl import PackageURL

    try:
        PackageURL.from_string(value)
    except ValueError as exc:
        return f"invalid package URL {value!r}: {exc}"
    return None


def cpe_problem(value: str) -> str | None:
    """Why ``value`` is not a CPE 2.3 formatted string or a CPE 2.2 URI."""
    if _CPE23.match(value) or _CPE22.match(value):
        return None
    return (
        f"invalid CPE {value!r}: expected a CPE 2.3 formatted string "
        "('cpe:2.3:a:VENDOR:PRODUCT:VERSION:*:*:*:*:*:*:*') or a CPE 2.2 URI ('cpe:/a:...')"
    )


def version_problem(value: str) -> str | None:
    """Why ``value`` is not a version."""
    return "must not be empty" if not value.strip() else None


def read_identity(reader: TableReader, table: Mapping[str, Any], where: str) -> ComponentIdentity:
    """The SBOM keys of one ``[[component]]`` table; each bad value is a problem of
    ``reader`` at ``where 'key'`` and is left out."""
    values: dict[str, str | None] = {}
    for key, check in (
        ("version", version_problem),
        ("supplier", supplier_problem),
        ("purl", purl_problem),
        ("cpe", cpe_problem),
    ):
        value = reader.typed(table, where, key, str)
        problem = check(value) if value is not None else None
        if problem:
            reader.problem(f"{where} '{key}'", problem)
        values[key] = value if value is not None and not problem else None
    supplier = values["supplier"]
    return ComponentIdentity(
        version=values["version"],
        supplier=normalise_supplier(supplier) if supplier else None,
        purl=values["purl"],
        cpe=values["cpe"],
    )
