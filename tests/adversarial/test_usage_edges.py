"""The smaller ways to get a silent or broken run: each is a clear message and the right exit
code (issue #17, point 8), plus trees too deep for recursion."""

from __future__ import annotations

import os
from pathlib import Path

from openesx_license._util.procs import jobs_limit
from tests.adversarial.conftest import EXPECTED, MARKER, make_tree
from tests.helpers.audit_runs import findings_of, injected_lines, run_main


def _audit(tree: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_main(
        ["audit", str(tree), "--policy", str(tree.parent / "policy.toml"), "--out", str(out),
         "--no-cache", "--jobs", "1", *extra]
    )  # fmt: skip


def test_jobs_has_an_upper_bound(small_tree: Path, tmp_path: Path) -> None:
    code, _, err = run_main(["audit", str(small_tree), "--jobs", str(jobs_limit() + 1)])
    assert code == 2 and "'--jobs'" in err and f"1<=x<={jobs_limit()}" in err
    assert not (tmp_path / "openesx-license-report").exists()


def test_an_empty_format_is_refused(small_tree: Path, tmp_path: Path) -> None:
    code, _, err = run_main(
        ["audit", str(small_tree), "--out", str(tmp_path / "o"), "--format", ""]
    )
    assert code == 2 and "--format: no report format given" in err
    assert not (tmp_path / "o").exists()


def test_an_empty_tree_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run_main(["audit", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert code == 0 and "no file to audit: nothing was checked" in err
    code, _, err = run_main(["scan", str(tmp_path / "empty"), "--no-cache"])
    assert code == 0 and "no file to scan" in err


def test_a_component_glob_matching_nothing_is_a_warning(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    policy = tmp_path / "policy.toml"
    policy.write_text(policy.read_text().replace('paths = ["vault/**"]', 'paths = ["valut/**"]'))
    code, _, err = _audit(tree, tmp_path / "out")
    assert code == 1 and findings_of(tmp_path / "out") >= EXPECTED
    assert f"{policy}: [[component]] 'vault': path 'valut/**' matches no file of the tree" in err


def test_every_policy_problem_is_listed_in_one_run(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'schema = 1\n[release]\nname = "x"\nlicense = "GPL-2.0-onyl"\n'
        '[[component]]\nname = "a"\nclass = "open"\npaths = []\n'
        '[[waiver]]\nrule = "proprietary-code"\npath = "a/**"\nreason = "we like it"\n'
    )
    (tmp_path / "tree").mkdir()
    code, _, err = run_main(["audit", str(tmp_path / "tree"), "--policy", str(policy)])
    assert code == 2
    assert "unknown SPDX license id(s) GPL-2.0-onyl" in err
    assert "'paths': must not be empty" in err
    assert "[[waiver]] #1 'rule': findings of 'proprietary-code' can never be waived" in err


def test_a_blank_marker_is_refused(small_tree: Path, tmp_path: Path) -> None:
    for marker in (" ", "", "--", "*/"):
        code, _, err = run_main(["scan", str(small_tree), "--no-cache", "--marker", marker])
        assert code == 2 and f"--marker {marker!r}:" in err, (marker, err)
    policy = tmp_path / "p.toml"
    policy.write_text(
        'schema = 1\n[release]\nname = "x"\nlicense = "MIT"\n[markers]\nproprietary = [" "]\n'
    )
    code, _, err = run_main(["audit", str(small_tree), "--policy", str(policy)])
    assert code == 2 and "[markers] 'proprietary'" in err and "must not be blank" in err


def test_a_tree_a_thousand_folders_deep(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    chain = [tree]
    for _ in range(1000):
        chain.append(chain[-1] / "d")
        os.mkdir(chain[-1])
    (chain[-1] / "deep.c").write_text(f"/* {MARKER} */\n")
    try:
        code, _, err = _audit(tree, tmp_path / "out")
        assert code == 1, err
        assert ("proprietary-code", "d/" * 1000 + "deep.c", MARKER) in findings_of(tmp_path / "out")
    finally:  # pytest's clean-up recurses and would fail on this tree
        (chain[-1] / "deep.c").unlink()
        for folder in reversed(chain[1:]):
            os.rmdir(folder)


def test_machine_output_owns_stdout(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    code, out, err = _audit(tree, tmp_path / "out", "--format", "json,github")
    assert code == 1
    assert all(line.startswith("::") for line in out.splitlines()), out
    assert "Gate (--fail-on error): fail" in err and injected_lines(err) == []
    code, out, err = run_main(["scan", str(tree), "--no-cache", "--json", "-"])
    assert code == 0 and out.startswith("{") and "files:" in err
