"""Licence knowledge and compatibility (issue 4): categories, expressions, options.

- :class:`LicenseKnowledge` loads the reviewed data of ``rules/licenses.toml`` and
  ``rules/compatibility.toml``.
- :func:`outbound_verdict` answers "may code under this expression join a work released under
  that licence?"; :func:`combination_verdict` the same for two files joined by an edge.
- :func:`denied_ids` applies a policy's deny list; :func:`release_options` builds the options
  table of the ``options`` command and the audit.
"""

from openesx_license.licensing.combination import combination_verdict
from openesx_license.licensing.denial import denied_ids
from openesx_license.licensing.expression import (
    ExpressionSyntaxError,
    Term,
    Verdict,
    outbound_verdict,
    parse_expression,
)
from openesx_license.licensing.knowledge import (
    CATEGORIES,
    COMBINATION_KINDS,
    CompatibilityEntry,
    ExceptionGrant,
    LicenseEntry,
    LicenseKnowledge,
)
from openesx_license.licensing.options import release_options

__all__ = [
    "CATEGORIES",
    "COMBINATION_KINDS",
    "CompatibilityEntry",
    "ExceptionGrant",
    "ExpressionSyntaxError",
    "LicenseEntry",
    "LicenseKnowledge",
    "Term",
    "Verdict",
    "combination_verdict",
    "denied_ids",
    "outbound_verdict",
    "parse_expression",
    "release_options",
]
