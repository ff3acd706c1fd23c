"""Run the CLI in this process or in a child, and read back what an audit found."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from openesx_license.cli.main import main
from tests.helpers.unprivileged import REPO, unprivileged

Finding = tuple[str, str, str | None]


def run_main(args: Sequence[str]) -> tuple[int, str, str]:
    """``openesx-license ARGS`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        else:  # pragma: no cover - main always exits
            code = 0
    return code, out.getvalue(), err.getvalue()


def cli_argv(*args: str) -> list[str]:
    """The argv of ``openesx-license ARGS`` as a child process of this worktree."""
    return [sys.executable, "-c", "from openesx_license.cli.main import main; main()", *args]


def child_env() -> dict[str, str]:
    """The environment of a child run: this worktree's package first on the path."""
    return dict(os.environ, PYTHONPATH=str(REPO))


def run_cli(
    *args: str, drop_privileges: bool = False, timeout: float = 600
) -> tuple[int, str, str]:
    """``openesx-license ARGS`` in a child process (optionally with file permissions applying
    even to root): (exit code, stdout, stderr)."""
    argv = cli_argv(*args)
    proc = subprocess.run(
        unprivileged(argv) if drop_privileges else argv,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=child_env(),
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def findings_of(report_dir: Path) -> set[Finding]:
    """The (rule, path, target) of every finding in ``report_dir/findings.json``."""
    data = json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))
    return {(f["rule"], f["path"], f.get("target")) for f in data["findings"]}


def injected_lines(*texts: str) -> list[str]:
    """Lines of console output that a GitHub runner or a terminal would act on."""
    bad = []
    for text in texts:
        for line in re.split(r"[\r\n]", text):
            stripped = line.lstrip()
            if stripped.startswith(("::", "##[")) or any(c in line for c in "\x1b\x07\x9b"):
                bad.append(line)
    return bad
