"""The IP rules end to end on small fixture trees written to ``tmp_path``: a clean tree exits
0 with no findings; a transitive crossing through third-party code is reported with every hop;
a broken policy exits 2 naming the key. Files carry SPDX tags, so the fast path answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openesx_license.cli.main import main

pytestmark = pytest.mark.scancode

POLICY = """
[release]
name = "mini"
license = "GPL-2.0-only"

[[component]]
name = "core"
class = "open"
paths = ["core/**"]

[[component]]
name = "shim"
class = "third-party"
paths = ["vendor/shim/**"]

[[component]]
name = "secret"
class = "proprietary"
paths = ["secret/**"]

[[rule]]
name = "open-must-not-reach-proprietary"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
"""

CLEAN = {
    "core/main.c": '/* SPDX-License-Identifier: GPL-2.0-only */\n#include "util.h"\n\n'
    "int main(void)\n{\n\treturn util_answer() - 42;\n}\n",
    "core/util.h": "/* SPDX-License-Identifier: GPL-2.0-only */\nint util_answer(void);\n",
    "core/util.c": '/* SPDX-License-Identifier: GPL-2.0-only */\n#include "util.h"\n\n'
    "int util_answer(void)\n{\n\treturn 42;\n}\n",
    "vendor/shim/shim.h": "/* SPDX-License-Identifier: MIT */\nint shim_init(void);\n",
    "secret/engine.c": "/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */\n"
    "/* Proprietary and Confidential */\nint engine_run(void)\n{\n\treturn 0;\n}\n",
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def write_tree(root: Path, files: dict[str, str], policy: str = POLICY) -> Path:
    for rel, text in files.items():
        (root / "tree" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "tree" / rel).write_text(text)
    (root / "policy.toml").write_text(policy)
    return root / "tree"


def audit(root: Path, cache_dir: Path, *extra: str) -> tuple[int, dict[str, object]]:
    out = root / "out"
    argv = ["audit", str(root / "tree"), "--policy", str(root / "policy.toml"), "--out",
            str(out), "--cache-dir", str(cache_dir), "--jobs", "1", *extra]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    code = int(exit_info.value.code or 0)
    report = out / "findings.json"
    return code, json.loads(report.read_text()) if report.exists() else {}


def test_clean_tree_exits_0_without_findings(tmp_path: Path, cache_dir: Path) -> None:
    write_tree(tmp_path, CLEAN)
    code, report = audit(tmp_path, cache_dir)
    assert report["findings"] == []
    assert code == 0


def test_transitive_crossing_through_third_party(tmp_path: Path, cache_dir: Path) -> None:
    files = dict(CLEAN)
    files["core/main.c"] = files["core/main.c"].replace(
        '#include "util.h"', '#include "util.h"\n#include "../vendor/shim/shim.h"'
    )
    files["vendor/shim/shim.h"] += '#include "../../secret/engine.h"\n'
    files["secret/engine.h"] = "/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */\n"
    write_tree(tmp_path, files)
    code, report = audit(tmp_path, cache_dir)
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    (crossing,) = [f for f in findings if f["rule"] == "boundary-crossing"]
    assert crossing["path"] == "core/main.c" and crossing["line"] == 3
    assert [(e["path"], e["line"], e["kind"]) for e in crossing["evidence"]] == [
        ("core/main.c", 3, "include"),
        ("vendor/shim/shim.h", 3, "include"),
        ("secret/engine.h", None, "file"),
    ]


def test_bad_policy_exits_2_naming_the_key(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CLEAN, POLICY.replace('paths = ["secret/**"]', 'pathz = ["secret/**"]'))
    code, _ = audit(tmp_path, cache_dir)
    assert code == 2
    err = capsys.readouterr().err
    assert "policy.toml: [[component]] #3 'pathz': unknown key (did you mean 'paths'?)" in err
    assert "policy.toml: [[component]] #3 'paths': missing required key" in err


def test_graph_command_exports_component_edges(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(CLEAN)
    files["core/main.c"] += '#include "../secret/engine.h"\n'
    files["secret/engine.h"] = "/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */\n"
    tree = write_tree(tmp_path, files)
    out = tmp_path / "graph.json"
    argv = ["graph", str(tree), "--policy", str(tmp_path / "policy.toml"), "--format", "json",
            "--level", "component", "-o", str(out), "--cache-dir", str(cache_dir)]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    text = out.read_text()
    assert '"core"' in text and '"secret"' in text
    data = json.loads(text)
    edges = data.get("edges") or data.get("links") or []
    assert any(e.get("source") == "core" and e.get("target") == "secret" for e in edges), edges
