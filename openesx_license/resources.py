"""Locate the shipped data folders (``rules/`` and ``reports/``).

Installed from a wheel they live in ``openesx_license/_data/``; in a source checkout or an
editable install they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``rules`` or ``reports`` shipped with the tool."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"openesx-license data folder {name!r} not found (broken install?)")


def rules_file(filename: str) -> Path:
    """Return a file of the shipped ``rules/`` folder (licence data, the example policy)."""
    return data_dir("rules") / filename
