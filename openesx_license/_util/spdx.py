"""The one SPDX licensing object of the process (license-expression's, built once).

``get_spdx_licensing()`` reads the SPDX licence and exception lists and builds its symbol
table (tens of milliseconds); every stage that parses or validates an expression uses this
cached one.
"""

from __future__ import annotations

from functools import lru_cache

from license_expression import Licensing, get_spdx_licensing


@lru_cache(maxsize=1)
def spdx_licensing() -> Licensing:
    """license-expression's Licensing that knows the SPDX list (ids, exceptions, aliases)."""
    return get_spdx_licensing()
