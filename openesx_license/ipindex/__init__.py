"""IP fingerprint index: winnowed k-gram hashes, header names and symbols of proprietary code.

``build_index`` writes a shareable index of a proprietary tree (no source text inside, see
:mod:`.store`); ``find_copies`` and ``find_references`` match open files' prints against it.
The stages below this one (inventory, detect) are not needed: the index works on any folder.
"""

from openesx_license.ipindex.build import build_index, write_index
from openesx_license.ipindex.fileprint import FilePrint, print_files, print_text
from openesx_license.ipindex.match import (
    CopyMatch,
    CopySettings,
    IndexReference,
    find_copies,
    find_references,
)
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters

__all__ = [
    "CopyMatch",
    "CopySettings",
    "FilePrint",
    "FingerprintIndex",
    "IndexParameters",
    "IndexReference",
    "build_index",
    "find_copies",
    "find_references",
    "print_files",
    "print_text",
    "write_index",
]
