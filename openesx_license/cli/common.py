"""Options several commands share, declared once so that their spelling and help agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from openesx_license._util.executor import ENV_ADDRESS, parse_executor
from openesx_license._util.globs import glob_problem
from openesx_license._util.procs import MAX_JOBS, jobs_limit

F = TypeVar("F", bound=Callable[..., object])
#: environment variable naming the shared cache when --shared-cache is not given
SHARED_CACHE_ENV = "OPENESX_LICENSE_SHARED_CACHE"


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


def cluster_options(func: F) -> F:
    """``--executor`` and ``--shared-cache``: where the matching runs, and a fleet's cache
    (docs/scale.md). Passed as ``executor`` (an ``ExecutorSpec``) and ``shared_cache``."""
    for option in reversed(
        (
            click.option(
                "--executor",
                metavar="local|tcp://HOST:PORT|tls://HOST:PORT",
                callback=lambda _ctx, _param, value: parse_executor(value),
                help="Where licence and copyright matching, graph facts and copy fingerprints "
                "run: 'local' process pools, or the Dask scheduler at this address (default: "
                f"${ENV_ADDRESS} when set, else local). tls:// uses Dask's own TLS "
                "configuration (DASK_DISTRIBUTED__COMM__TLS__*).",
            ),
            click.option(
                "--shared-cache",
                metavar="FOLDER|URL",
                envvar=SHARED_CACHE_ENV,
                help="Second-level detection cache shared by a fleet: a folder on shared "
                "storage, or an fsspec URL (s3://..., needs fsspec). Write-once entries; the "
                f"local cache is asked first. Default: ${SHARED_CACHE_ENV}.",
            ),
        )
    ):
        func = option(func)
    return func
