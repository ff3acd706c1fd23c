"""Options several commands share, declared once so that their spelling and help agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from openesx_license._util.globs import glob_problem
from openesx_license._util.procs import MAX_JOBS, jobs_limit

F = TypeVar("F", bound=Callable[..., object])


def engine_options(func: F) -> F:
    """``--jobs``, ``--no-cache`` and ``--cache-dir``: how the scan runs and what it reuses."""
    for option in reversed(
        (
            click.option(
                "--jobs",
                type=click.IntRange(min=1, max=jobs_limit()),
                help=f"Worker processes (default: CPUs; at most {jobs_limit()}: four per CPU, "
                f"{MAX_JOBS} in all, each may hold 1 GB).",
            ),
            click.option(
                "--no-cache", is_flag=True, help="Neither read nor write the detection cache."
            ),
            click.option(
                "--cache-dir",
                type=click.Path(path_type=Path, file_okay=False),
                help="Detection cache folder (default: $XDG_CACHE_HOME/openesx-license).",
            ),
        )
    ):
        func = option(func)
    return func


def check_globs(option: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` when every one is a valid path glob; a usage error naming ``option`` else."""
    for value in values:
        problem = glob_problem(value)
        if problem:
            raise click.BadParameter(problem, param_hint=option)
    return values


def policy_option(
    help_text: str = "TOML policy (default: the built-in one: the whole tree open, GPL-2.0-only).",
) -> Callable[[F], F]:
    """``--policy FILE`` (passed as ``policy_path``); commands differ only in its help text."""
    return click.option(
        "--policy",
        "policy_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help=help_text,
    )
