"""``openesx-license scan``: the licence and copyright inventory of a tree.

Thin: parse the options, call :func:`openesx_license.detect.scan_tree`, write the versioned
JSON (temp file + rename) or print a short table. Exit 0 on success (a scan has no findings to
gate on), 2 for a missing PATH or a bad option.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.fs import atomic_write_text, encode_text
from openesx_license._util.progress import StageProgress
from openesx_license._util.text import console_line
from openesx_license.cli import verbosity
from openesx_license.cli.common import check_globs, cluster_options, engine_options
from openesx_license.errors import UsageError
from openesx_license.model import ScanResult
from openesx_license.serialize import license_counts, scan_to_dict

#: licences listed in the table printed without --json
TABLE_ROWS = 15


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the scan as versioned JSON to this file ('-' for stdout).",
)
@engine_options
@cluster_options
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    callback=lambda _ctx, _param, value: check_globs("--exclude", value),
    help="Leave out paths matching GLOB (repeatable; the policy's glob grammar: 'vendor', "
    "'**/*.min.js', 'tools/fw/**').",
)
@click.option(
    "--marker",
    "markers",
    multiple=True,
    metavar="TEXT",
    help="Proprietary marker text (repeatable; default: 'VMware Confidential', "
    "'Proprietary and Confidential').",
)
@click.option(
    "--from-scancode",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Reuse a ScanCode JSON scan of PATH (`scancode -l -c --json`): its detections answer "
    "the files it covers; the others are scanned.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: a bar when stderr is a terminal, else one line per "
    "stage; nothing with -q).",
)
def scan(
    path: Path,
    json_path: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    executor: ExecutorSpec,
    shared_cache: str | None,
    exclude: tuple[str, ...],
    markers: tuple[str, ...],
    from_scancode: Path | None,
    progress: bool | None,
) -> int:
    """List every file of PATH with its licence (SPDX), copyright holders and proprietary
    markers, with the evidence of each (method, lines, score, matched rule)."""
    from openesx_license.detect import scan_tree  # ScanCode loads lazily, on first use
    from openesx_license.detect.markers import marker_problem
    from openesx_license.detect.scancode_import import load_scancode_json

    for marker in markers:
        problem = marker_problem(marker)
        if problem:
            raise UsageError(f"--marker {marker!r}: {problem}")

    if json_path is not None and str(json_path) != "-":
        _check_folder(json_path)  # before minutes of scanning, not after
    imported = load_scancode_json(from_scancode, path) if from_scancode else None
    result = scan_tree(
        path,
        exclude=exclude,
        markers=markers or None,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        progress=_progress(progress),
        imported=imported,
        executor=executor,
        shared_cache=shared_cache,
    )
    if not result.files:
        click.echo(console_line(f"openesx-license: warning: {path}: no file to scan"), err=True)
    if json_path is not None:
        document = json.dumps(scan_to_dict(result), indent=1, ensure_ascii=False) + "\n"
        if str(json_path) == "-":
            # valid UTF-8 whatever the names (a non-UTF-8 name is its JSON escape)
            click.echo(encode_text(document).decode("utf-8"), nl=False)
            if not verbosity.quiet():
                print_table(result, to_stderr=True)
            return 0
        write_atomic(json_path, document)
    if not verbosity.quiet():
        print_table(result, to_stderr=json_path is not None and str(json_path) == "-")
    return 0


def _check_folder(path: Path) -> None:
    """Raise a :class:`UsageError` when the folder ``path`` would be written in is missing."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    _check_folder(path)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def print_table(result: ScanResult, *, to_stderr: bool = False) -> None:
    """A short summary: files per licence, sources, errors, and what the run did."""
    files = result.files
    counts = license_counts(files)

    def echo(text: str, *, err: bool) -> None:
        click.echo(console_line(text), err=err)

    width = min(70, max([len(k) for k in list(counts)[:TABLE_ROWS]] + [7]))
    echo(f"{'files':>7}  {'licence':<{width}}", err=to_stderr)
    for expression, count in list(counts.items())[:TABLE_ROWS]:
        shown = expression if len(expression) <= width else expression[: width - 3] + "..."
        echo(f"{count:>7}  {shown}", err=to_stderr)
    if len(counts) > TABLE_ROWS:
        rest = sum(list(counts.values())[TABLE_ROWS:])
        echo(f"{rest:>7}  ({len(counts) - TABLE_ROWS} other expressions)", err=to_stderr)
    sources = Counter(f.license_source for f in files)
    with_errors = [f for f in files if f.errors]
    with_markers = sum(1 for f in files if f.markers)
    stats = result.stats
    echo(
        f"{len(files)} files: "
        + ", ".join(f"{n} {src}" for src, n in sorted(sources.items()))
        + f"; {with_markers} with proprietary markers; {len(with_errors)} with errors",
        err=to_stderr,
    )
    for rec in with_errors[:5]:
        echo(f"  {rec.path}: {rec.errors[0]}", err=to_stderr)
    if len(with_errors) > 5:
        echo(f"  ... and {len(with_errors) - 5} more (see --json)", err=to_stderr)
    if result.skipped:
        echo(
            f"{len(result.skipped)} path(s) left out by the default exclusions, none of them "
            "tracked by git ('skipped' in --json)",
            err=to_stderr,
        )
    echo(
        f"detected {stats.detected}, from cache {stats.cached}, "
        f"{stats.distinct_blocks} distinct licence blocks matched, {stats.seconds:.1f} s",
        err=to_stderr,
    )


def _progress(option: bool | None) -> StageProgress:
    """The scan's progress on stderr: nothing with -q or --no-progress, a bar with
    --progress, else a bar on a terminal and one line per stage otherwise."""
    if verbosity.quiet() or option is False:
        return StageProgress("off")
    if option:
        return StageProgress("bar", prefix="openesx-license: ")
    return verbosity.stage_progress(prefix="openesx-license: ")
