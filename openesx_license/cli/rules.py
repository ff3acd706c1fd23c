"""``openesx-license rules`` and ``explain RULE``: the rule registry, for people."""

from __future__ import annotations

import textwrap

import click

from openesx_license.checks.registry import all_checks
from openesx_license.errors import UsageError

#: where the rule reference lives in the repository (SARIF helpUri points at its sections)
RULES_DOC = "docs/rules.md"


def _waivable(rule_id: str, waivable: bool) -> str:
    if rule_id == "boundary-crossing":
        return "as the policy's `[[rule]]` says (`waivable`, default false)"
    return "yes" if waivable else "no"


def rules_markdown() -> str:
    """docs/rules.md: one section per rule, its heading the rule id (the anchor SARIF's
    ``helpUri`` links to)."""
    lines = [
        "# Rules",
        "",
        "Every finding names one of these rules by its stable id. This page is generated from",
        "the rule registry: `openesx-license rules --markdown > docs/rules.md` (a test checks",
        "that it is current). SARIF's `helpUri` of each rule links to its section here.",
    ]
    for rule_id, rule in all_checks().items():
        lines += [
            "",
            f"## {rule_id}",
            "",
            f"**{rule.title}**",
            "",
            f"Severity: {rule.severity.value}. Waivable: {_waivable(rule_id, rule.waivable)}."
            + (f" Emitted by: {rule.emitted_by}." if rule.emitted_by else ""),
            "",
            rule.description,
            "",
            f"How to fix: {rule.guidance}",
        ]
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--markdown", is_flag=True, help=f"Print the rule reference ({RULES_DOC}).")
def rules(markdown: bool) -> int:
    """List every rule: id, default severity, whether it can be waived, title."""
    if markdown:
        click.echo(rules_markdown(), nl=False)
        return 0
    registry = all_checks()
    width = max(len(rule_id) for rule_id in registry)
    click.echo(f"{'RULE':<{width}}  SEVERITY  WAIVABLE  TITLE")
    for rule_id, rule in registry.items():
        waivable = "yes" if rule.waivable else "no"
        if rule_id == "boundary-crossing":
            waivable = "policy"  # each [[rule]] of the policy says
        click.echo(f"{rule_id:<{width}}  {rule.severity.value:<8}  {waivable:<8}  {rule.title}")
    return 0


@click.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> int:
    """Explain RULE: what it finds, why it matters and how to fix it."""
    registry = all_checks()
    rule = registry.get(rule_id)
    if rule is None:
        raise UsageError(f"unknown rule {rule_id!r}; known rules: {', '.join(registry)}")
    waivable = "yes" if rule.waivable else "no"
    if rule_id == "boundary-crossing":
        waivable = "as the policy's [[rule]] says ('waivable', default false)"
    click.echo(f"{rule.id}: {rule.title}")
    click.echo(f"severity: {rule.severity.value}   waivable: {waivable}")
    if rule.emitted_by:
        click.echo(f"emitted by: {rule.emitted_by}")
    click.echo("\n" + textwrap.fill(rule.description, width=88))
    click.echo("\nHow to fix:\n" + textwrap.fill(rule.guidance, width=88))
    click.echo("\nHow to settle:\n" + textwrap.fill(rule.settling(), width=88))
    return 0
