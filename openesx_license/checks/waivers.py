"""Rules about the policy's own waivers; their findings come from the gate, not a graph check.

See :mod:`openesx_license.gate.waivers` for how waivers are matched and when they lapse.
"""

from __future__ import annotations

from openesx_license.checks.registry import Check, register
from openesx_license.model import Severity


@register
class ExpiredWaiver(Check):
    """A waiver whose ``expires`` date has passed: what it accepted counts again."""

    id = "expired-waiver"
    severity = Severity.ERROR
    title = "A waiver has expired"
    description = (
        "A [[waiver]] of the policy accepted some findings until a date that has now passed. "
        "A waiver is a time-boxed decision by a named owner; once it lapses the findings it "
        "covered count against the gate again and this finding points at the waiver, so the "
        "decision is taken again rather than silently prolonged."
    )
    guidance = (
        "Fix the findings the waiver covered (they are listed again as new), then delete the "
        "[[waiver]] table. If the acceptance still stands, have its owner review it again and "
        "set a new 'expires' date with an updated 'reason'. Expired waivers cannot be baselined."
    )
    waivable = False
    emitted_by = "gate"


@register
class StaleWaiver(Check):
    """A waiver that matches no finding."""

    id = "stale-waiver"
    severity = Severity.WARNING
    title = "A waiver matches no finding"
    description = (
        "A [[waiver]] of the policy no longer matches any finding: the problem it accepted was "
        "fixed, or its rule, path or edge globs are wrong. A stale waiver is dangerous because it "
        "would silently accept a new problem that happens to match it later."
    )
    guidance = (
        "If the problem was fixed, delete the [[waiver]] table. Otherwise correct its 'rule', "
        "'path' or 'edge' so that it matches the finding it is meant to accept (`openesx-license "
        "audit --format json` lists each finding's rule, path and target)."
    )
    waivable = False
    emitted_by = "gate"
