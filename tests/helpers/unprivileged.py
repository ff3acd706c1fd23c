"""Run a command so that file permissions apply to it, even when the tests run as root.

Root passes every permission check through the capabilities ``CAP_DAC_OVERRIDE`` and
``CAP_DAC_READ_SEARCH``; a test of an unreadable file or a read-only folder would then prove
nothing. As root, the command runs under ``setpriv`` with both capabilities dropped from its
bounding and inheritable sets (still uid 0, owner of the test's files, so mode bits decide);
as any other user it runs as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_DROP = "-dac_override,-dac_read_search"
REPO = Path(__file__).resolve().parents[2]


def unprivileged(argv: Sequence[str]) -> list[str]:
    """``argv`` wrapped so that permission checks apply to it."""
    if os.geteuid() != 0:
        return list(argv)
    return ["setpriv", f"--inh-caps={_DROP}", f"--bounding-set={_DROP}", "--", *argv]


def run_python(code: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args...`` unprivileged, with this worktree's package first on the
    path; output captured as text."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        unprivileged([sys.executable, "-c", code, *args]),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``openesx-license args...`` unprivileged in a child process."""
    return run_python("from openesx_license.cli.main import main; main()", *args, timeout=timeout)
