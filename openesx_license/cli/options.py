"""``openesx-license options``: which candidate release licences the tree allows, and why not.

Thin: load the policy, call :func:`openesx_license.pipeline.release_options_of_tree`, print
the table (or JSON). The exit code is 0 whatever the verdicts (the table informs a decision;
``audit`` is the gate); 2 for a bad path or policy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from openesx_license._util.text import console_text
from openesx_license.cli import verbosity
from openesx_license.cli.common import engine_options, policy_option
from openesx_license.config.model import ComponentClass, Policy
from openesx_license.licensing.options import is_proprietary_blocker
from openesx_license.model import SCHEMA_VERSION, Blocker, FileRecord, ReleaseOption
from openesx_license.pipeline import discover_policy, release_options_of_tree
from openesx_license.reports.json_report import option_to_dict
from openesx_license.serialize import tool_to_dict

#: blockers printed per blocked candidate (the JSON keeps every grouped blocker)
SHOWN_BLOCKERS = 5


@click.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@policy_option()
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@engine_options
def options(
    path: Path,
    policy_path: Path | None,
    as_json: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> int:
    """Say, for each candidate licence of the policy, whether the open components could be
    released under it, how many files and components block it, and the top blockers.

    Proprietary code inside the tree blocks every candidate until it is removed.
    """
    policy, choice = discover_policy(path, policy_path)
    verbosity.detail(f"openesx-license: policy {choice.describe()}")
    rows, files = release_options_of_tree(
        path, policy, jobs=jobs, cache_dir=cache_dir, use_cache=not no_cache
    )
    if as_json:
        click.echo(json.dumps(options_to_dict(path, policy, rows, files), indent=2))
    else:
        click.echo(console_text(render_table(path, policy, rows, files)))
    return 0


def _open_files(policy: Policy, files: Mapping[str, FileRecord]) -> int:
    open_names = {c.name for c in policy.components if c.component_class is ComponentClass.OPEN}
    return sum(1 for r in files.values() if r.component in open_names)


def options_to_dict(
    root: Path, policy: Policy, rows: Sequence[ReleaseOption], files: Mapping[str, FileRecord]
) -> dict[str, object]:
    """The JSON of ``options --json`` (versioned like findings.json)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_to_dict(),
        "root": str(root),
        "policy": policy.source,
        "release_license": policy.release.license,
        "files": len(files),
        "open_files": _open_files(policy, files),
        "options": [option_to_dict(r) for r in rows],
    }


def _short(expression: str | None, width: int = 60) -> str:
    if not expression:
        return "no licence"
    return expression if len(expression) <= width else expression[: width - 3] + "..."


def render_table(
    root: Path, policy: Policy, rows: Sequence[ReleaseOption], files: Mapping[str, FileRecord]
) -> str:
    """The text table: one line per candidate; what blocks each once proprietary code is
    removed; the proprietary code that blocks them all."""
    lines = [
        f"Release licence options for {root} ({len(files)} files, "
        f"{_open_files(policy, files)} in open components; policy {policy.source}, "
        f"release licence {policy.release.license})",
        "",
    ]
    width = max([len(r.license) for r in rows] + [len("licence")])
    lines.append(
        f"{'licence':<{width}}  {'verdict':<8}  {'blocking files':>14}  {'proprietary':>11}  "
        f"{'undetermined':>12}  blocking components"
    )
    for r in rows:
        verdict = "allowed" if r.allowed else "blocked"
        comps = ", ".join(r.blocking_components) or "-"
        lines.append(
            f"{r.license:<{width}}  {verdict:<8}  {r.blocking_files:>14}  "
            f"{r.proprietary_files:>11}  {r.undetermined_files:>12}  {comps}"
        )
    proprietary = next((r for r in rows if r.proprietary_files), None)
    if proprietary is not None:
        lines.extend(
            ("", f"Proprietary code in the tree ({proprietary.proprietary_files} files) blocks "
             "every licence until it is removed:")
        )  # fmt: skip
        shown = [b for b in proprietary.blockers if is_proprietary_blocker(b)]
        lines.extend(_blocker_lines(shown))
    lines.extend(("", "Once the proprietary code is removed:"))
    for r in rows:
        licence = [b for b in r.blockers if not is_proprietary_blocker(b)]
        remaining = r.blocking_files - r.proprietary_files
        if not remaining:
            lines.append(f"  {r.license}: allowed")
            continue
        lines.append(f"  {r.license}: still blocked by {remaining} file(s):")
        lines.extend("  " + line for line in _blocker_lines(licence))
    undetermined = max((r.undetermined_files for r in rows), default=0)
    if undetermined:
        lines.extend(
            (
                "",
                f"{undetermined} open file(s) have no licence or one the tables do not know; "
                "they do not block, but each verdict holds only once they are resolved "
                "(see the unknown-license findings of `audit`).",
            )
        )
    return "\n".join(lines)


def _blocker_lines(blockers: Sequence[Blocker]) -> list[str]:
    out = [
        f"  {b.path} ({b.component or 'unmapped'}, {_short(b.license_expression)}): {b.reason}"
        for b in blockers[:SHOWN_BLOCKERS]
    ]
    if len(blockers) > SHOWN_BLOCKERS:
        out.append(f"  ... {len(blockers) - SHOWN_BLOCKERS} more groups (see --json)")
    return out
