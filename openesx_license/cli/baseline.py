"""``openesx-license baseline``: record today's findings as accepted, for ``audit --baseline``.

Findings of non-waivable rules (the IP rules, expired or stale waivers) are never recorded;
they are listed on stderr and make the command exit 1, because ``audit --baseline`` will
still fail on them. Waived findings are not recorded either: their waiver already accepts
them, and recording them would outlive the waiver's expiry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from openesx_license._util.text import console_line, console_text
from openesx_license.cli import verbosity
from openesx_license.cli.common import engine_options, policy_option
from openesx_license.errors import BaselineError
from openesx_license.gate import Baseline, load_baseline, record_baseline
from openesx_license.gate.baseline import write_baseline
from openesx_license.model import FindingStatus
from openesx_license.pipeline import discover_policy, run_audit

SHOWN = 20


@click.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@policy_option("TOML policy (default: the built-in one).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default="openesx-baseline.json",
    show_default=True,
    help="Baseline file to write (replaced atomically; dates of kept entries are preserved).",
)
@click.option(
    "--ip-index",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fingerprint index of proprietary code, as given to `audit`.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date to record and to judge waiver expiry by (default: today).",
)
@engine_options
def baseline(
    path: Path,
    policy_path: Path | None,
    output: Path,
    ip_index: Path | None,
    today: dt.datetime | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> int:
    """Audit PATH and record its findings as accepted in a baseline file.

    `audit --baseline FILE` then fails only on findings that are not in FILE. IP findings
    (proprietary-code, copied-code, non-waivable boundary-crossing) are never recorded.
    Exit 0 when every finding was recorded, 1 when some could not be (they still fail the
    gate), 2 on a usage, policy or input error.
    """
    policy, choice = discover_policy(path, policy_path)
    verbosity.detail(f"openesx-license: policy {choice.describe()}")
    day = today.date() if today else dt.date.today()
    result = run_audit(
        path,
        policy,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        ip_index=ip_index,
        today=day,
        progress=verbosity.stage_progress(prefix="openesx-license: "),
        policy_origin=choice.origin,
    )
    candidates = [f for f in result.findings if f.status is FindingStatus.NEW]
    recorded, refused = record_baseline(
        candidates,
        policy=policy,
        today=day,
        source=str(output),
        previous=_previous(output),
        root=result.root,
    )
    write_baseline(recorded, output)
    waived = len(result.findings) - len(candidates)
    verbosity.info(
        f"openesx-license baseline: recorded {len(recorded.entries)} finding(s) in {output}"
        + (f" ({waived} waived finding(s) left to their waivers)" if waived else "")
    )
    if not refused:
        return 0
    click.echo(
        f"Not recorded: {len(refused)} finding(s) of rules that can never be baselined "
        "(an IP leak is never grandfathered; fix expired or stale waivers in the policy). "
        "`audit --baseline` still fails on them:",
        err=True,
    )
    for finding in refused[:SHOWN]:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        click.echo(console_line(f"  {finding.rule:<18} {where}: {finding.message}"), err=True)
    if len(refused) > SHOWN:
        click.echo(f"  ... and {len(refused) - SHOWN} more", err=True)
    return 1


def _previous(output: Path) -> Baseline | None:
    """The baseline being replaced (to keep its entries' dates), when there is a usable one."""
    if not output.exists():
        return None
    try:
        return load_baseline(output)
    except BaselineError as exc:
        click.echo(
            console_text(f"openesx-license baseline: replacing an unusable baseline: {exc}"),
            err=True,
        )
        return None
