"""Ship the top-level ``rules/`` and ``reports/`` folders inside the wheel.

The design card keeps licence data and report templates at the top of the repository, where
they are reviewed like code. A wheel can only carry files inside a package, so the build copies
them to ``openesx_license/_data/``; :mod:`openesx_license.resources` finds them there when
installed, and at the repository top in an editable install.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithData(build_py):
    """build_py that also copies rules/ and reports/ into the built package."""

    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "openesx_license" / "_data"
        for name in ("rules", "reports"):
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(here / name, dest, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithData})
