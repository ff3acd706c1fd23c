"""Which findings a waiver or a baseline may accept at all.

The IP rules (``proprietary-code``, ``copied-code``, ``boundary-crossing``) declare
``waivable = False``: an IP leak is never grandfathered, by a baseline, a waiver or ``--since``.
A ``[[rule]]`` table of the policy carries its own ``waivable`` flag; a ``boundary-crossing``
finding names the table that produced it in ``Finding.policy_rule`` and is acceptable
exactly when that table says ``waivable = true``.
"""

from __future__ import annotations

from openesx_license.checks.registry import get_check
from openesx_license.config.model import Policy
from openesx_license.model import Finding

#: rules whose findings come from the policy's [[rule]] tables (each table says if waivable)
TABLE_DRIVEN_RULES = frozenset({"boundary-crossing"})


def rule_is_waivable(rule_id: str, policy: Policy, policy_rule: str | None = None) -> bool:
    """May findings of ``rule_id`` (from the ``[[rule]]`` ``policy_rule``) be accepted?

    Unknown rule ids are not waivable (nothing should accept what no rule emits).
    """
    rule = get_check(rule_id)
    if rule is None:
        return False
    if policy_rule is not None and rule_id in TABLE_DRIVEN_RULES:
        table = next((r for r in policy.rules if r.name == policy_rule), None)
        if table is not None:
            return table.waivable
    return rule.waivable


def finding_is_waivable(finding: Finding, policy: Policy) -> bool:
    """May a waiver or a baseline accept ``finding``?"""
    return rule_is_waivable(finding.rule, policy, finding.policy_rule)


def rule_may_ever_be_waived(rule_id: str, policy: Policy) -> bool:
    """Could any finding of ``rule_id`` be accepted under ``policy``?

    True for a waivable rule class, and for a rule whose findings come from ``[[rule]]`` tables
    (``boundary-crossing``) when at least one such table says ``waivable = true``.
    """
    return may_ever_be_waived(rule_id, tables_waivable=any(r.waivable for r in policy.rules))


def may_ever_be_waived(rule_id: str, *, tables_waivable: bool) -> bool:
    """:func:`rule_may_ever_be_waived` given only whether any ``[[rule]]`` table of the policy
    says ``waivable = true`` (the policy loader asks before the policy is whole)."""
    rule = get_check(rule_id)
    if rule is None:
        return False
    if rule.waivable:
        return True
    return rule_id in TABLE_DRIVEN_RULES and tables_waivable
