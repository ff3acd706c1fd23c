"""``openesx-license fingerprint``: a shareable index of proprietary code, no source inside."""

from __future__ import annotations

from pathlib import Path

import click

from openesx_license._util.run import default_jobs
from openesx_license._util.text import console_text
from openesx_license.cli import verbosity
from openesx_license.cli.common import policy_option
from openesx_license.config.model import CopiedCodeSettings
from openesx_license.errors import UsageError
from openesx_license.ipindex.build import build_index
from openesx_license.ipindex.store import IndexParameters


@click.command()
@click.argument("tree", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The index file to write (SQLite; replaced atomically).",
)
@policy_option(
    "Policy naming the components: only files of its proprietary components are indexed, "
    "under their component's name; its [copied_code] k and window are the defaults."
)
@click.option(
    "--component",
    metavar="NAME",
    help="Index every file under this one component name (default: the top-level folder).",
)
@click.option("-k", "k", type=click.IntRange(min=2), help="Tokens per k-gram (default: 25).")
@click.option(
    "--window", type=click.IntRange(min=1), help="Winnowing window in k-grams (default: 8)."
)
@click.option(
    "--jobs", type=click.IntRange(min=1, max=64), help="Worker processes (default: CPUs).",
)  # fmt: skip
def fingerprint(
    tree: Path,
    output: Path,
    policy_path: Path | None,
    component: str | None,
    k: int | None,
    window: int | None,
    jobs: int | None,
) -> int:
    """Fingerprint the proprietary source TREE into an index that holds no source text.

    The index keeps winnowed hashes of normalised k-grams (with line spans), the paths of the
    files, and salted hashes of exported symbol names; `audit --ip-index INDEX` finds copies of
    that code, and includes of its headers and uses of its symbols, in an open tree. An index
    matches only audits whose policy uses the same k and window.
    """
    if not tree.is_dir():
        raise UsageError(f"{tree}: no such folder (the proprietary tree to fingerprint)")
    if policy_path is not None and component is not None:
        raise UsageError(
            "--policy and --component are exclusive: choose one way to name components"
        )
    settings = CopiedCodeSettings()
    component_of = None
    if policy_path is not None:
        from openesx_license.config.components import ComponentMap
        from openesx_license.config.model import ComponentClass
        from openesx_license.pipeline import read_policy

        policy = read_policy(policy_path)
        settings = policy.copied_code
        components = ComponentMap(policy)

        def component_of(path: str) -> str | None:
            owner = components.component_for(path)
            if owner is None or owner.component_class is not ComponentClass.PROPRIETARY:
                return None
            return owner.name

        exclude = policy.exclude
    else:
        exclude = ()
        if component is not None:
            name = component

            def component_of(path: str) -> str | None:
                return name

    params = IndexParameters(k=k or settings.k, window=window or settings.window)
    summary = build_index(
        tree,
        output,
        params,
        component_of=component_of,
        exclude=exclude,
        jobs=jobs or default_jobs(),
    )
    for error in summary.errors:
        click.echo(console_text(f"openesx-license: warning: {error}"), err=True)
    parts = ", ".join(f"{name} {n}" for name, n in summary.components.items()) or "none"
    verbosity.info(
        f"{output}: {summary.files} files ({parts}), {summary.fingerprints} fingerprints, "
        f"{summary.symbols} exported symbols, {summary.headers} headers; k={params.k}, "
        f"window={params.window}; {summary.seconds:.1f} s"
        + (
            f"; {summary.skipped} files of no proprietary component skipped"
            if summary.skipped
            else ""
        ),
        err=False,
    )
    if summary.files == 0:
        click.echo("openesx-license: warning: no C or C++ file was indexed", err=True)
    return 0
