"""A fresh virtual environment that borrows this one's installed dependencies.

Installing ScanCode and the rest into a new venv would take minutes and the network; instead
the new venv (made without pip) gets a ``.pth`` file naming this environment's site-packages,
which Python appends after the venv's own. ``python -m pip`` in it is this environment's pip,
installing into the new venv. Whatever is installed there comes first on ``sys.path``, so the
package under test is the one installed, not the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

#: pip arguments that install the package alone, offline, built with this environment's
#: setuptools, never touching an installation outside the new venv
OFFLINE_PIP_ARGS = "--no-deps --no-index --no-build-isolation --ignore-installed"


def make_fresh_venv(path: Path) -> Path:
    """Create the venv at ``path`` and return its ``bin`` folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return path / "bin"


def clean_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without PYTHONPATH, ``bin_dir`` first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env
