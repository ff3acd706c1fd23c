"""``openesx-license audit`` on the automake, CMake and Cargo trees of tests/assets/buildgraph
(secret/ proprietary, the rest open): each way an open build pulls in proprietary code is a
``boundary-crossing`` finding whose evidence is the build file's line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openesx_license.cli.main import main

pytestmark = pytest.mark.scancode

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "buildgraph"

OPEN_PROGRAM = "bin_PROGRAMS = tool\ntool_SOURCES = main.c util.c\n"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def audit(tree: Path, out: Path, cache_dir: Path) -> tuple[int, dict[str, object]]:
    argv = ["audit", str(tree), "--policy", str(ASSETS / "policy.toml"), "--out", str(out),
            "--format", "json", "--cache-dir", str(cache_dir), "--jobs", "1"]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), json.loads((out / "findings.json").read_text())


def crossings_from(report: dict[str, object], path: str) -> list[dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["rule"] == "boundary-crossing" and f["path"] == path]


def first_hop(finding: dict[str, object]) -> tuple[object, ...]:
    evidence = finding["evidence"]
    assert isinstance(evidence, list)
    hop = evidence[0]
    return hop["path"], hop["line"], hop["text"], hop["kind"]


@pytest.mark.parametrize(
    ("makefile_am", "line", "text", "target"),
    [
        (OPEN_PROGRAM + "LDADD = ../lib/libopen.la\nLDADD += ../secret/lib/libx.la\n", 4,
         "LDADD += ../secret/lib/libx.la", "secret/lib/x_impl.c"),
        (OPEN_PROGRAM + "if WITH_SECRET\ntool_SOURCES += $(top_srcdir)/secret/x.c\nendif\n", 4,
         "tool_SOURCES += $(top_srcdir)/secret/x.c", "secret/x.c"),
        (OPEN_PROGRAM + "tool_LDADD = -lm \\\n  -L$(top_builddir)/secret/fast -lsecretfast\n", 4,
         "-L$(top_builddir)/secret/fast -lsecretfast", "secret/fast/fast.c"),
    ],
    ids=["libtool-library", "top-srcdir-source", "dash-l"],
)  # fmt: skip
def test_automake_links_to_proprietary_code_are_reported_with_the_makefile_am_line(
    tmp_path: Path, cache_dir: Path, makefile_am: str, line: int, text: str, target: str
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ASSETS / "automake", tree)
    (tree / "open" / "Makefile.am").write_text(makefile_am)
    (tree / "Makefile.am").write_text("SUBDIRS = lib open\n")
    code, report = audit(tree, tmp_path / "out", cache_dir)
    assert code == 1
    (finding,) = crossings_from(report, "open/Makefile.am")
    assert first_hop(finding) == ("open/Makefile.am", line, text, "link")
    assert finding["evidence"][-1]["path"] == target  # type: ignore[index]
    assert finding["line"] == line
    assert crossings_from(report, "Makefile.am") == []  # SUBDIRS no longer names secret/


def test_cmake_target_link_libraries_across_folders(tmp_path: Path, cache_dir: Path) -> None:
    code, report = audit(ASSETS / "cmake", tmp_path / "out", cache_dir)
    assert code == 1
    (finding,) = crossings_from(report, "app/CMakeLists.txt")
    assert first_hop(finding) == (
        "app/CMakeLists.txt", 7, "target_link_libraries(app PRIVATE Secret::engine m)", "link"
    )  # fmt: skip
    files = {f["path"]: f for f in report["files"]}  # type: ignore[attr-defined]
    assert files["broken/CMakeLists.txt"]["errors"] == [
        "graph: cannot read CMake: line 1: unterminated string"
    ]


def test_cargo_path_dependency_and_rust_use_of_a_proprietary_crate(
    tmp_path: Path, cache_dir: Path
) -> None:
    code, report = audit(ASSETS / "cargo", tmp_path / "out", cache_dir)
    assert code == 1
    (manifest,) = crossings_from(report, "vmm/Cargo.toml")
    assert first_hop(manifest) == (
        "vmm/Cargo.toml", 7, "secret-crypto = { workspace = true }", "link"
    )  # fmt: skip
    (use,) = crossings_from(report, "vmm/src/main.rs")
    assert first_hop(use) == (
        "vmm/src/main.rs", 5, "use secret_crypto::{seal, open as unseal};", "import"
    )  # fmt: skip
    (dev,) = crossings_from(report, "crates/devices/Cargo.toml")
    assert first_hop(dev)[1:3] == (5, "[dev-dependencies.vault]")
