"""Licence matching in worker processes forked from one index server (issue 20, memory).

The workers must give what matching in this process gives, and the server that holds the
licence index must be gone when the scan returns (else 1.1 GB stays for the rest of the
audit).
"""

from __future__ import annotations

import multiprocessing.forkserver
import os
from pathlib import Path

import licensedcode
import pytest

from openesx_license.detect import scan_tree
from openesx_license.detect.scan import POOL_MIN_BLOCKS
from openesx_license.model import ScanResult

pytestmark = pytest.mark.scancode

LICENSES = Path(licensedcode.__file__).parent / "data" / "licenses"
NAMES = ["mit", "bsd-new", "apache-2.0", "isc", "zlib", "bsl-1.0", "mpl-2.0", "gpl-2.0",
         "lgpl-2.1", "artistic-2.0", "postgresql", "uoi-ncsa", "x11", "unlicense", "wtfpl-2.0",
         "bsd-simplified"]  # fmt: skip


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One C file per licence text: more distinct licence blocks than the pool threshold."""
    root = tmp_path_factory.mktemp("index-server") / "tree"
    root.mkdir()
    for name in NAMES:
        text = (LICENSES / f"{name}.LICENSE").read_text(encoding="utf-8").split("---", 2)[-1]
        body = "\n".join(f" * {line}".rstrip() for line in text.strip().splitlines()[:60])
        (root / f"{name}.c").write_text(f"/*\n{body}\n */\nint {name.replace('-', '_')};\n")
    assert len(NAMES) > POOL_MIN_BLOCKS
    return root


@pytest.fixture(scope="module")
def pooled(tree: Path) -> ScanResult:
    """The tree scanned with two workers (matchers forked from the index server)."""
    return scan_tree(tree, jobs=2, use_cache=False, progress=False)


def test_forked_matchers_give_what_this_process_gives(tree: Path, pooled: ScanResult) -> None:
    alone = scan_tree(tree, jobs=1, use_cache=False, progress=False)
    assert pooled.stats.distinct_blocks > POOL_MIN_BLOCKS
    assert [(r.path, r.detected_license_expression) for r in pooled.files] == [
        (r.path, r.detected_license_expression) for r in alone.files
    ]
    assert {r.path for r in pooled.files if r.detected_license_expression} == {
        f"{n}.c" for n in NAMES
    }


def test_the_index_server_is_stopped_after_the_scan(pooled: ScanResult) -> None:
    server = multiprocessing.forkserver._forkserver  # type: ignore[attr-defined]
    assert server._forkserver_pid is None
    children = [p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == os.getpid()]
    assert not [p for p in children if "forkserver" in _cmdline(p)]


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().decode(errors="replace")
    except OSError:
        return ""
