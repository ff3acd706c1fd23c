"""``openesx-license decide``: record a legal reviewer's decision about one finding.

Thin: read the last audit's findings.json, build the decision (:mod:`openesx_license.gate.decide`),
append it to the decisions file the policy names (``decisions = "path"``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from openesx_license.cli.audit import DEFAULT_OUT
from openesx_license.cli.common import policy_option
from openesx_license.config.decisions import decisions_path
from openesx_license.errors import UsageError
from openesx_license.gate.decide import append_decision, decision_toml, new_decision, read_findings
from openesx_license.model import DecisionKind
from openesx_license.pipeline import read_policy


@click.command()
@click.argument("fingerprint")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in DecisionKind]),
    required=True,
    help="What the reviewer concluded.",
)
@click.option("--reason", required=True, help="Why: what was compared, what was found.")
@click.option("--reviewer", required=True, help="Who decided (name or e-mail).")
@policy_option("TOML policy whose 'decisions' key names the decisions file.")
@click.option("--upstream", help="shared-upstream: the upstream code both sides derive from.")
@click.option(
    "--license",
    "license_",
    help="shared-upstream: the upstream's licence; concluded-license: the file's licence.",
)
@click.option(
    "--findings",
    "findings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=str(Path(DEFAULT_OUT) / "findings.json"),
    show_default=True,
    help="findings.json of the audit the reviewer looked at.",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the decision (default: today).",
)
def decide(
    fingerprint: str,
    kind: str,
    reason: str,
    reviewer: str,
    policy_path: Path | None,
    upstream: str | None,
    license_: str | None,
    findings_path: Path,
    day: dt.datetime | None,
) -> int:
    """Append a reviewed decision about the finding FINGERPRINT to the decisions file.

    The decision is pinned to a hash of what it judged (the finding's regions as the tree is
    now; for concluded-license, the file), so it lapses when that changes. Exit 0 when
    recorded, 2 on a usage, policy or input error.
    """
    if policy_path is None:
        raise UsageError("--policy: the policy whose 'decisions' key names the decisions file")
    policy = read_policy(policy_path)
    if policy.decisions_file is None:
        raise UsageError(
            f"{policy_path}: the policy names no decisions file; add a top-level "
            'decisions = "decisions.toml" (relative to the policy file)'
        )
    target = decisions_path(policy_path, policy.decisions_file)
    doc = read_findings(findings_path)
    decision = new_decision(
        doc,
        fingerprint,
        kind=DecisionKind(kind),
        reviewer=reviewer,
        reason=reason,
        upstream=upstream,
        license=license_,
        today=day.date() if day else None,
    )
    entry = next(f for f in doc["findings"] if f.get("fingerprint") == fingerprint)
    decisions = append_decision(
        target, decision_toml(decision, finding=entry), display=policy.decisions_file
    )
    click.echo(
        f"openesx-license decide: recorded [[decision]] #{len(decisions)} ({kind}, "
        f"{entry['rule']} at {entry['path']}) in {target}",
        err=True,
    )
    return 0
