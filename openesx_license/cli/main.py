"""The ``openesx-license`` command: a click group whose subcommands load lazily.

Lazy loading keeps ``rules`` and ``--help`` instant (ScanCode's import alone takes seconds).
Every library error (:class:`~openesx_license.errors.OpenesxError`) becomes one message and
exit 2; anything unexpected becomes exit 3 with a short message (``OESX_DEBUG=1`` shows the
traceback).
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from openesx_license import __version__
from openesx_license._util.text import console_text
from openesx_license.cli.verbosity import add_verbosity
from openesx_license.errors import OpenesxError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

#: subcommand name -> ("module:attribute" of its click command, one-line help)
COMMANDS = {
    "audit": ("openesx_license.cli.audit:audit", "Run the whole audit; write reports; gate CI."),
    "audit-many": (
        "openesx_license.cli.audit_many:audit_many",
        "Audit the trees or git refs of a manifest; summary matrix.",
    ),
    "scan": ("openesx_license.cli.scan:scan", "Licence and copyright inventory of a tree."),
    "graph": ("openesx_license.cli.graph:graph", "Export the dependency graph."),
    "options": ("openesx_license.cli.options:options", "Which release licences the tree allows."),
    "fingerprint": (
        "openesx_license.cli.fingerprint:fingerprint",
        "Build a shareable fingerprint index of proprietary code.",
    ),
    "baseline": ("openesx_license.cli.baseline:baseline", "Record today's findings as accepted."),
    "decide": (
        "openesx_license.cli.decide:decide",
        "Record a reviewer's decision about a finding.",
    ),
    "rules": ("openesx_license.cli.rules:rules", "List the rules."),
    "explain": ("openesx_license.cli.rules:explain", "Explain one rule, with fix guidance."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return add_verbosity(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="openesx-license", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Audit a hypervisor source tree before its open-source release.

    Licence inventory, IP-boundary checks against proprietary components, licence
    compatibility with the release licence, and reports for legal reviewers and CI.
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/policy/input error,
    3 internal error. Shell completion: see docs/cli.md.
    """


add_verbosity(cli)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI and map errors to exit codes."""
    try:
        rc = cli.main(args=argv, prog_name="openesx-license", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("openesx-license: interrupted", err=True)
        sys.exit(130)
    except click.exceptions.UsageError as exc:
        # a bad option or a missing argument: one line (click's own display takes four)
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        click.echo(f"openesx-license: error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        # click's own usage errors (bad option, missing argument): one line, exit 2
        exc.show()
        sys.exit(EXIT_USAGE)
    except OpenesxError as exc:
        click.echo(console_text(f"openesx-license: error: {exc}"), err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("openesx-license: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_CLEAN)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: exit 3, not a crash
        if os.environ.get("OESX_DEBUG"):
            traceback.print_exc()
        click.echo(
            console_text(f"openesx-license: internal error: {type(exc).__name__}: {exc}") + "\n"
            "(set OESX_DEBUG=1 for the traceback; please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(rc if isinstance(rc, int) else EXIT_CLEAN)
