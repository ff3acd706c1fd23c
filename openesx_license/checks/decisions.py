"""The rules about reviewed decisions (their findings come from the gate, see
:mod:`openesx_license.gate.decisions`)."""

from __future__ import annotations

from openesx_license.checks.registry import Check, register
from openesx_license.model import Severity


@register
class LapsedDecision(Check):
    """A reviewed decision whose judged content has changed."""

    id = "lapsed-decision"
    severity = Severity.WARNING
    title = "A reviewed decision has lapsed"
    description = (
        "A [[decision]] of the decisions file settled a finding or a file, pinned to a hash "
        "of the content the reviewer judged (the finding's regions, or the file). That content "
        "has changed since, so the decision no longer applies: the findings it settled count "
        "again, and this finding names the decision to review again."
    )
    guidance = (
        "Have the reviewer look at the changed code. If the conclusion still holds, record it "
        "again with `openesx-license decide FINGERPRINT --kind K --reason R --reviewer NAME` "
        "(which pins the new content) and delete the old [[decision]] table; otherwise fix the "
        "findings it covered."
    )
    waivable = False
    emitted_by = "gate"


@register
class StaleDecision(Check):
    """A reviewed decision that matches no finding or file any more."""

    id = "stale-decision"
    severity = Severity.WARNING
    title = "A reviewed decision matches nothing"
    description = (
        "A [[decision]] of the decisions file names a finding fingerprint that no finding of "
        "this audit has, or a path that is not a file of the tree: the problem was fixed, the "
        "file moved, or the fingerprint was mistyped."
    )
    guidance = (
        "Remove the [[decision]] table (keep the decisions file the list of conclusions that "
        "still apply); if the file moved, record the decision again for its new path."
    )
    emitted_by = "gate"
