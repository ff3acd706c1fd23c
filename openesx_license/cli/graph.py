"""``openesx-license graph``: export the dependency graph (file or component level)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from openesx_license.cli import verbosity
from openesx_license.cli.common import engine_options, policy_option
from openesx_license.errors import UsageError
from openesx_license.pipeline import dependency_graph, discover_policy


@click.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@policy_option("TOML policy that names the components (default: the built-in one).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "dot", "json"]),
    default="json",
    show_default=True,
)
@click.option(
    "--level", type=click.Choice(["file", "component"]), default="file", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: standard output).",
)
@engine_options
def graph(
    path: Path,
    policy_path: Path | None,
    fmt: str,
    level: str,
    output: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> int:
    """Export the dependency graph of the tree at PATH (include, link, symbol, import edges)."""
    from openesx_license._util.fs import atomic_write_text
    from openesx_license.graph.export import export_graph

    policy, choice = discover_policy(path, policy_path)
    verbosity.detail(f"openesx-license: policy {choice.describe()}")
    g = dependency_graph(path, policy, jobs=jobs, cache_dir=cache_dir, use_cache=not no_cache)
    text = export_graph(g, fmt, level)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        atomic_write_text(output, text)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write the graph: {exc.strerror or exc}") from exc
    verbosity.info(
        f"{output}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges ({level}, {fmt})"
    )
    return 0
