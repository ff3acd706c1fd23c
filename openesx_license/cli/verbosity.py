"""``-q``/``--quiet`` and ``-v``/``--verbose``, accepted by every command and by the group.

The two flags set one level in the click context's ``meta`` (shared by the group and its
subcommand, so ``openesx-license -q audit .`` and ``openesx-license audit -q .`` mean the
same): -1 quiet, 0 normal, 1 and more verbose. What a level changes:

- quiet: no progress, no human summary or table on stderr/stdout when the results went to a
  file; errors are still printed, and a document asked for on stdout is still written;
- verbose: each stage of a long run is written as it ends (also on a terminal, where the
  normal level draws a bar), and summaries add detail (the policy and how it was found).
"""

from __future__ import annotations

import sys

import click

from openesx_license._util.progress import StageProgress, auto_mode

META_KEY = "openesx_license.verbosity"


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[META_KEY] = -1


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value and ctx.meta.get(META_KEY, 0) >= 0:
        ctx.meta[META_KEY] = max(ctx.meta.get(META_KEY, 0), value)


def verbosity_options() -> list[click.Option]:
    """The two options, as click parameters to append to a command."""
    return [
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_quiet,
            help="Print nothing but errors and the documents asked for on stdout.",
        ),
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            is_eager=True,
            callback=_set_verbose,
            help="Say more: each stage as it ends, the policy used.",
        ),
    ]


def add_verbosity(command: click.Command) -> click.Command:
    """``command`` with ``-q`` and ``-v`` added (once)."""
    names = {name for param in command.params for name in getattr(param, "opts", ())}
    if "--quiet" not in names:
        command.params.extend(verbosity_options())
    return command


def level() -> int:
    """The verbosity of the running command: -1 quiet, 0 normal, 1+ verbose."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(META_KEY, 0)) if ctx is not None else 0


def quiet() -> bool:
    """True under ``-q``."""
    return level() < 0


def info(message: str, *, err: bool = True) -> None:
    """Print ``message`` (stderr by default) unless quiet."""
    if not quiet():
        click.echo(message, err=err)


def detail(message: str) -> None:
    """Print ``message`` on stderr under ``-v`` only."""
    if level() > 0:
        click.echo(message, err=True)


def stage_progress(*, prefix: str = "") -> StageProgress:
    """The progress of a long command on stderr: off when quiet; one line per stage when
    verbose or when stderr is not a terminal; a bar otherwise."""
    if quiet():
        return StageProgress("off")
    mode = "lines" if level() > 0 else auto_mode(sys.stderr)
    return StageProgress(mode, stream=sys.stderr, prefix=prefix)
