"""Reviewed decisions end to end on the demo tree: `decide` pins a decision to what it judged,
the next audit reports the finding as decided (and the gate passes it), a change to the copied
code lapses the decision, a decision matching nothing is stale, a malformed decisions file is
exit 2 naming the file, the table and the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openesx_license.cli.main import main
from openesx_license.resources import rules_file

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"
COPY = "vmkernel/mem/dirty_track.c"

pytestmark = pytest.mark.scancode


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    tree = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, tree)
    policy = tmp_path / "policy" / "openesx.toml"
    policy.parent.mkdir()
    policy.write_text(
        'decisions = "decisions.toml"\n' + rules_file("openesx.toml").read_text(), "utf-8"
    )
    return tree


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), capsys.readouterr().err


def _audit(tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    out = tree.parent / "report"
    policy = tree.parent / "policy" / "openesx.toml"
    rc, _ = _run(
        ["audit", str(tree), "--policy", str(policy), "--out", str(out), "--cache-dir",
         str(cache), "--jobs", "1", "--format", "json,sarif,md,html"],
        capsys,
    )  # fmt: skip
    return rc, json.loads((out / "findings.json").read_text())


def _by_rule(doc: dict, rule: str, path: str) -> dict:
    (found,) = [f for f in doc["findings"] if f["rule"] == rule and f["path"] == path]
    return found


def test_a_decision_settles_the_copy_in_every_report_and_lapses_on_change(
    demo: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = demo.parent / "policy" / "openesx.toml"
    rc, doc = _audit(demo, cache_dir, capsys)
    assert rc == 1
    copy = _by_rule(doc, "copied-code", COPY)
    rc, err = _run(
        ["decide", copy["fingerprint"], "--kind", "open-origin", "--reviewer", "A. Lawyer",
         "--reason", "vmkernel's tracker predates VMotion's; VMotion forked it",
         "--policy", str(policy), "--findings", str(demo.parent / "report" / "findings.json"),
         "--date", "2026-12-01"],
        capsys,
    )  # fmt: skip
    assert rc == 0, err
    written = (policy.parent / "decisions.toml").read_text()
    assert 'kind = "open-origin"' in written and "date = 2026-12-01" in written
    assert f'finding = "{copy["fingerprint"]}"' in written and 'content = "sha256:' in written

    rc, doc = _audit(demo, cache_dir, capsys)
    decided = _by_rule(doc, "copied-code", COPY)
    assert decided["status"] == "decided"
    assert decided["decision"]["reviewer"] == "A. Lawyer"
    assert decided["decision"]["kind"] == "open-origin"
    note = "Decided by A. Lawyer on 2026-12-01: vmkernel's tracker predates VMotion's"
    assert decided["status_note"].startswith(note)
    # the crossing made of the same copy is the same fact: settled with it
    crossing = [f for f in doc["findings"] if f["rule"] == "boundary-crossing"
                and f["path"] == COPY]  # fmt: skip
    assert [c["status"] for c in crossing] == ["decided"]
    assert doc["summary"]["by_status"]["decided"] == 2
    # every report says so
    out = demo.parent / "report"
    sarif = json.loads((out / "findings.sarif").read_text())
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "copied-code"]
    assert results[0]["suppressions"][0]["justification"].startswith(note)
    assert "<summary>Decided findings (2)</summary>" in (out / "summary.md").read_text()
    html = (out / "report.html").read_text()
    assert 'id="decided"' in html and "Decided by A. Lawyer on 2026-12-01" in html
    assert rc == 1  # the other (undecided) IP findings of the demo still fail

    # the copied code changes (a comment in the region: the match, and so the finding's
    # identity, stay the same): the decision lapses, the copy counts again
    source = demo / COPY
    lines = source.read_text().splitlines(keepends=True)
    start, _ = decided["data"]["open_lines"]
    lines[start] = lines[start].rstrip("\n") + " /* changed after the review */\n"
    source.write_text("".join(lines))
    rc, doc = _audit(demo, cache_dir, capsys)
    again = _by_rule(doc, "copied-code", COPY)
    assert again["status"] == "new" and again.get("decision") is None
    (lapsed,) = [f for f in doc["findings"] if f["rule"] == "lapsed-decision"]
    assert lapsed["path"] == "decisions.toml" and "[[decision]] #1" in lapsed["message"]
    assert again["fingerprint"] == copy["fingerprint"]


def test_a_decision_matching_nothing_is_stale_and_a_bad_file_is_exit_2(
    demo: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = demo.parent / "policy" / "decisions.toml"
    decisions.write_text(
        '[[decision]]\nkind = "not-a-copy"\nfinding = "' + "0" * 32 + '"\n'
        'content = "sha256:' + "1" * 64 + '"\nreviewer = "R"\ndate = 2026-12-01\n'
        'reason = "checked"\n'
    )
    rc, doc = _audit(demo, cache_dir, capsys)
    (stale,) = [f for f in doc["findings"] if f["rule"] == "stale-decision"]
    assert stale["severity"] == "warning" and "0" * 32 in stale["message"]

    decisions.write_text(
        decisions.read_text()
        + '\n[[decision]]\nkind = "shared-upstream"\npath = "a.c"\nreviewer = ""\n'
        'date = "yesterday"\nreason = "x"\ncontent = "abc"\nupstrem = "zlib"\n'
    )
    rc, err = _run(
        ["audit", str(demo), "--policy", str(demo.parent / "policy" / "openesx.toml"),
         "--out", str(demo.parent / "report2")],
        capsys,
    )  # fmt: skip
    assert rc == 2
    for problem in (
        "decisions.toml: [[decision]] #2 'upstrem': unknown key (did you mean 'upstream'?)",
        "decisions.toml: [[decision]] #2 'content': expected 'sha256:'",
        "decisions.toml: [[decision]] #2 'reviewer': must not be empty",
        "decisions.toml: [[decision]] #2 'date': expected a date YYYY-MM-DD",
        "decisions.toml: [[decision]] #2 'upstream': required for kind 'shared-upstream'",
        "decisions.toml: [[decision]] #2 'license': required for kind 'shared-upstream'",
    ):
        assert problem in err
    assert not (demo.parent / "report2").exists()


def test_a_moved_copy_keeps_its_identity_and_decision_a_changed_one_does_not(
    demo: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = demo.parent / "policy" / "openesx.toml"
    _, doc = _audit(demo, cache_dir, capsys)
    copy = _by_rule(doc, "copied-code", COPY)
    rc, err = _run(
        ["decide", copy["fingerprint"], "--kind", "open-origin", "--reviewer", "A. Lawyer",
         "--reason", "VMotion forked vmkernel's tracker", "--policy", str(policy),
         "--findings", str(demo.parent / "report" / "findings.json"), "--date", "2026-12-01"],
        capsys,
    )  # fmt: skip
    assert rc == 0, err

    # code inserted above the copy moves it down by four lines: the same finding, still decided
    source = demo / COPY
    text = source.read_text()
    moved = text.replace(
        '#include "vmkernel/vmk_types.h"\n',
        '#include "vmkernel/vmk_types.h"\n\n/* pages the overcommit code looked at */\n'
        "static vmk_uint32 vmk_pages_seen;\n\n",
    )
    assert moved != text
    source.write_text(moved)
    _, doc = _audit(demo, cache_dir, capsys)
    shifted = _by_rule(doc, "copied-code", COPY)
    assert shifted["line"] == copy["line"] + 4
    assert shifted["fingerprint"] == copy["fingerprint"]
    assert shifted["status"] == "decided"
    assert not [f for f in doc["findings"] if f["rule"] in ("lapsed-decision", "stale-decision")]

    # the copied code itself changes (another bound in its loop): another finding, so the
    # decision names none any more
    source.write_text(moved.replace("for (b = 0; b < 64; b++)", "for (b = 1; b < 63; b += 2)"))
    _, doc = _audit(demo, cache_dir, capsys)
    changed = _by_rule(doc, "copied-code", COPY)
    assert changed["fingerprint"] != copy["fingerprint"]
    assert changed["status"] == "new"
    assert [f["rule"] for f in doc["findings"] if f["rule"].endswith("-decision")] == [
        "stale-decision"
    ]
