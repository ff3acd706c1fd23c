"""Every cache file of a run, broken every way: the audit finds the same, says which file was
broken, and the next run is warm again (the file was rebuilt). Never exit 3, never a raw Python
warning."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openesx_license._util import kvcache
from tests.adversarial.conftest import EXPECTED, make_tree
from tests.helpers.audit_runs import findings_of, run_cli, run_main

CACHE_FILES = (
    "detect.sqlite",
    "inventory-stat.sqlite",
    "graph-facts.sqlite",
    "graph-snapshot.sqlite",
    "ipindex-prints.sqlite",
    "copy-matches.sqlite",
    "ipindex-vocabulary.sqlite",
)


def _audit(tree: Path, out: Path, cache: Path) -> tuple[int, str]:
    kvcache._WARNED.clear()  # each run is a new process in real life
    code, _, err = run_main(
        ["audit", str(tree), "--policy", str(tree.parent / "policy.toml"), "--out", str(out),
         "--cache-dir", str(cache), "--jobs", "1"]
    )  # fmt: skip
    return code, err


def _damage(path: Path, how: str, cuts: list[tuple[int, bytes]]) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        path.write_bytes(b"this is not a database" * 200)
    elif how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 3]))
    elif how == "empty":
        path.write_bytes(b"")
    else:  # "pages": keep the header, scribble over pages
        for offset, junk in cuts:
            at = 100 + offset % max(1, len(data) - 100)
            data[at : at + len(junk)] = junk
        path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A tree, a warm cache of it (every cache file written) and its reports."""
    base = tmp_path_factory.mktemp("warm")
    tree = make_tree(base / "tree")
    code, err = _audit(tree, base / "out", base / "cache")
    assert code == 1 and findings_of(base / "out") >= EXPECTED, err
    assert sorted(p.name for p in (base / "cache").glob("*.sqlite")) == sorted(CACHE_FILES)
    return tree, base / "cache", base / "out"


@settings(
    max_examples=18,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(CACHE_FILES),
    how=st.sampled_from(["garbage", "truncated", "empty", "pages"]),
    cuts=st.lists(st.tuples(st.integers(0, 1 << 20), st.binary(min_size=8, max_size=600)),
                  min_size=1, max_size=8),
)  # fmt: skip
def test_a_broken_cache_file_is_named_missed_and_rebuilt(
    warm: tuple[Path, Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    how: str,
    cuts: list[tuple[int, bytes]],
) -> None:
    tree, warm_cache, warm_out = warm
    base = tmp_path_factory.mktemp("broken")
    cache = base / "cache"
    shutil.copytree(warm_cache, cache)
    for suffix in ("-wal", "-shm"):
        (cache / f"{name}{suffix}").unlink(missing_ok=True)
    _damage(cache / name, how, cuts)
    code, err = _audit(tree, base / "out", cache)
    assert code == 1, err
    assert findings_of(base / "out") == findings_of(warm_out)
    assert "internal error" not in err and "Traceback" not in err and "UserWarning" not in err
    for line in err.splitlines():
        if "warning: cache" in line:  # a damage SQLite noticed: named, with what was done
            assert f"{cache / name}:" in line and ("rebuilt" in line or "without" in line)
    code, err = _audit(tree, base / "out2", cache)  # the run after: no warning, same findings
    assert code == 1 and "warning: cache" not in err, err
    assert findings_of(base / "out2") == findings_of(base / "out")


def test_a_read_only_cache_folder_costs_speed_only(
    warm: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """As root, run with CAP_DAC_OVERRIDE dropped (tests.helpers.unprivileged), so that the
    folder's mode applies."""
    tree, warm_cache, _ = warm
    cache = tmp_path / "cache"
    shutil.copytree(warm_cache, cache)
    empty = tmp_path / "empty-cache"
    empty.mkdir()
    for folder in (cache, empty):
        for child in folder.iterdir():
            child.chmod(0o444)
        folder.chmod(0o555)
    try:
        for folder in (cache, empty):
            out = tmp_path / f"out-{folder.name}"
            code, _, err = run_cli(
                "audit", str(tree), "--policy", str(tree.parent / "policy.toml"),
                "--out", str(out), "--cache-dir", str(folder), drop_privileges=True,
            )  # fmt: skip
            assert code == 1, err
            assert findings_of(out) >= EXPECTED
            assert "internal error" not in err and "Traceback" not in err
            if folder == empty:
                assert f"warning: cache {folder}/" in err and "running without" in err
    finally:
        for folder in (cache, empty):
            folder.chmod(0o755)
            for child in folder.iterdir():
                child.chmod(0o644)


def test_a_cache_folder_that_is_a_file_or_below_one(small_tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a folder")
    policy = str(small_tree.parent / "policy.toml")
    code, _, err = run_main(
        ["audit", str(small_tree), "--policy", policy, "--out", str(tmp_path / "out"),
         "--cache-dir", str(blocker)]
    )  # fmt: skip
    assert code == 2 and f"'--cache-dir': Directory '{blocker}' is a file" in err  # usage error
    below = blocker / "cache"  # cannot be made: a cache fault, not an input error
    code, _, err = run_main(
        ["audit", str(small_tree), "--policy", policy, "--out", str(tmp_path / "out"),
         "--cache-dir", str(below)]
    )  # fmt: skip
    assert code == 1 and findings_of(tmp_path / "out") >= EXPECTED, err
    assert f"warning: cache {below}/" in err and "cannot create the folder" in err
    assert "internal error" not in err and os.path.isfile(blocker)
