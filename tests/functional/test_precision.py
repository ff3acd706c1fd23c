"""False-positive classes of issue #15 that need the real detection engine and graph, on
tests/assets/precision: notice strings are not a file's licence, unresolved includes belong to
no component, a nested proprietary component is one note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openesx_license.config.loader import load_policy
from openesx_license.model import AuditResult, Severity
from openesx_license.pipeline import run_audit

ASSET = Path(__file__).resolve().parents[1] / "assets" / "precision"

pytestmark = pytest.mark.scancode


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    tree = tmp_path_factory.mktemp("precision") / "tree"
    shutil.copytree(ASSET, tree)
    cache = tmp_path_factory.mktemp("cache")
    return run_audit(tree, load_policy(tree / "policy.toml"), jobs=1, cache_dir=cache)


def test_notice_strings_a_program_prints_do_not_make_it_proprietary(result: AuditResult) -> None:
    files = {f.path: f for f in result.scan.files}
    # ScanCode does see proprietary/commercial licences in the printed strings...
    for path in ("app/legal.c", "app/banner.c"):
        assert "LicenseRef-scancode-commercial-license" in (
            files[path].detected_license_expression or ""
        )
    found = {f.path: f for f in result.findings if f.rule == "proprietary-code"}
    # ...but only the header comment of closed.c states the file's own licence
    assert "app/legal.c" not in found and "app/banner.c" not in found
    assert found["app/closed.c"].severity is Severity.ERROR
    assert found["app/closed.c"].line == 2


def test_unresolved_includes_belong_to_no_component_under_a_catch_all(
    result: AuditResult,
) -> None:
    crossings = {(f.path, f.target) for f in result.findings if f.rule == "boundary-crossing"}
    assert ("app/main.c", "vendor") not in crossings
    assert crossings == set()


def test_a_nested_proprietary_component_is_one_note(result: AuditResult) -> None:
    nested = [
        f for f in result.findings if f.rule == "proprietary-code" and f.component == "secret"
    ]
    assert len(nested) == 1
    (note,) = nested
    assert note.severity is Severity.NOTE and note.target == "app"
    assert note.data["files"] == 2 and "app/secret/engine.c" in note.message
