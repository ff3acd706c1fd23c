"""``openesx-license audit-many MANIFEST``: audit many trees or git refs, one summary matrix.

Thin: validate the manifest (every problem at once, exit 2), call
:func:`openesx_license.fleet.audit_many`, print one line per tree. Exit 0 when every tree
passes its gate, 1 when one fails it, 2 when the manifest is bad or a tree could not be
audited.
"""

from __future__ import annotations

from pathlib import Path

import click

from openesx_license._util.executor import ExecutorSpec
from openesx_license.checks.registry import all_checks
from openesx_license.cli import verbosity
from openesx_license.cli.common import cluster_options, engine_options
from openesx_license.config.manifest import load_manifest
from openesx_license.fleet import audit_many as run_many
from openesx_license.reports import parse_formats

DEFAULT_OUT = "openesx-license-reports"


@click.command("audit-many")
@click.argument("manifest", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the summary (summary.html, summary.json) and one report folder per tree.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=("json", "html"),
    show_default=True,
    help="Report formats of each tree, comma-separated or repeated (as for audit).",
)
@engine_options
@cluster_options
def audit_many(
    manifest: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    executor: ExecutorSpec,
    shared_cache: str | None,
) -> int:
    """Audit every tree of MANIFEST (a TOML list of folders or git refs, each with its
    policy), sharing the cache and the executor; write a report folder per tree and a
    summary matrix (tree x verdict x blocking findings) in HTML and JSON.

    Exit codes: 0 every tree passes, 1 a tree fails its gate, 2 a bad manifest or a tree that
    could not be audited, 3 internal error.
    """
    parse_formats(formats)  # an unknown format is exit 2 before any scanning
    plan = load_manifest(manifest, rule_ids=all_checks())
    result = run_many(
        plan,
        out_dir,
        formats,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        executor=executor,
        shared_cache=shared_cache,
        say=verbosity.info,
        progress=verbosity.stage_progress(prefix="openesx-license: "),
    )
    width = max(len(t.name) for t in result.trees) if result.trees else 4
    for tree in result.trees:
        detail = tree.error or (
            f"{tree.blocking} blocking finding(s) of {tree.findings}, {tree.files} files"
        )
        verbosity.info(f"{tree.name:<{width}}  {tree.verdict:<5}  {detail}", err=False)
    verbosity.info("Summary: " + ", ".join(str(p) for p in result.written), err=False)
    return result.exit_code
