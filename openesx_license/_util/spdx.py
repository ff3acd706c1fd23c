"""The one SPDX licensing object of the process (license-expression's, built once).

``get_spdx_licensing()`` reads the SPDX licence and exception lists and builds its symbol
table (tens of milliseconds); every stage that parses or validates an expression uses this
cached one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from license_expression import Licensing, get_spdx_licensing


@lru_cache(maxsize=1)
def spdx_licensing() -> Licensing:
    """license-expression's Licensing that knows the SPDX list (ids, exceptions, aliases)."""
    return get_spdx_licensing()


_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")


def spdx_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid SPDX licence expression (LicenseRef-* allowed), or
    None when it is one."""
    info = spdx_licensing().validate(expression)
    if not info.errors:
        return None
    unknown = [s for s in info.invalid_symbols if s and not _LICENSE_REF.match(str(s))]
    if not unknown and info.invalid_symbols and all(info.invalid_symbols):
        return None
    if unknown:
        return f"unknown SPDX license id(s) {', '.join(map(str, unknown))} in {expression!r}"
    return f"invalid SPDX license expression {expression!r}"
