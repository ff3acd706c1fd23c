"""``audit --redact-proprietary``: no line of any proprietary file of the demo in any report.

The demo is audited twice through the CLI, every format written (``github`` goes to stdout):
once as it is, once with ``--redact-proprietary``. The proprietary files are found without the
tool: the folders of the policy's proprietary components, and every file that carries one of
the policy's proprietary markers. Each distinctive line of them (8 characters or more once
stripped, and not also found in the text of an open file) is searched in every report — in its
text, its HTML-unescaped text and every string of the JSON it carries. The plain run must leak
some (or the search proves nothing); the redacted run must leak none, and its HTML must say it
redacted.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from openesx_license.cli.main import main
from openesx_license.config.loader import load_policy
from openesx_license.reports import ReportFormat
from openesx_license.resources import rules_file

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"

pytestmark = pytest.mark.scancode


def _proprietary_files(tree: Path) -> list[Path]:
    policy = load_policy(rules_file("openesx.toml"))
    folders = [
        glob.split("*", 1)[0]
        for c in policy.components
        if c.component_class.value == "proprietary"
        for glob in c.paths
    ]
    markers = policy.markers.proprietary
    out = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        rel = path.relative_to(tree).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(rel.startswith(f) for f in folders if f) or any(m in text for m in markers):
            out.append(path)
    return out


def _distinctive_lines(tree: Path) -> dict[str, str]:
    """Stripped line -> the proprietary file it comes from."""
    secret = _proprietary_files(tree)
    assert len(secret) >= 10, "the demo should have proprietary components and a marked file"
    public = "\n".join(
        path.read_text(errors="replace")
        for path in tree.rglob("*")
        if path.is_file() and path not in secret
    )
    lines: dict[str, str] = {}
    for path in secret:
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.strip()
            if len(line) >= 8 and line not in public:
                lines[line] = path.relative_to(tree).as_posix()
    return lines


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _haystack(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    # the page's own script and style are the tool's code, not the tree's ('continue;')
    text = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", text, flags=re.DOTALL)
    parts = [text, html.unescape(text)]
    docs = []
    if path.suffix in (".json", ".sarif"):
        docs.append(text)
    if path.suffix == ".html":
        docs += re.findall(r'<script type="application/json" id="report-data">(.*?)</script>',
                           text, re.DOTALL)  # fmt: skip
    for doc in docs:
        strings = _strings(json.loads(doc))
        parts += strings
        # an excerpt is a list of lines: each is searched whole
        parts += [line.strip() for s in strings for line in s.splitlines()]
    return "\n".join(parts)


def _audit(tree: Path, out: Path, cache: Path, *extra: str) -> dict[str, str]:
    formats = ",".join(f.value for f in ReportFormat)
    argv = ["audit", str(tree), "--policy", str(rules_file("openesx.toml")), "--out", str(out),
            "--format", formats, "--fail-on", "never", "--cache-dir", str(cache), "--jobs", "1",
            *extra]  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    return {p.name: _haystack(p) for p in sorted(out.iterdir())}


def _leaks(reports: dict[str, str], lines: dict[str, str]) -> list[str]:
    return [
        f"{name}: {origin}: {line}"
        for name, text in reports.items()
        for line, origin in lines.items()
        if line in text
    ]


def test_no_proprietary_line_in_any_redacted_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, tree)
    lines = _distinctive_lines(tree)
    cache = tmp_path / "cache"

    plain = _audit(tree, tmp_path / "plain", cache)
    plain["stdout"] = capsys.readouterr().out
    assert _leaks(plain, lines), "without redaction some proprietary line should show"

    redacted = _audit(tree, tmp_path / "redacted", cache, "--redact-proprietary")
    redacted["stdout"] = capsys.readouterr().out
    assert set(redacted) >= {"report.html", "findings.json", "findings.sarif", "summary.md"}
    assert _leaks(redacted, lines) == []
    page = (tmp_path / "redacted" / "report.html").read_text(encoding="utf-8")
    assert 'id="redaction-note"' in page and "Proprietary code redacted" in page
    assert "[redacted proprietary code at vmotion/dirtylog.c:16-40, sha256 " in page
    assert "redacted proprietary code" not in (tmp_path / "plain" / "report.html").read_text()


def test_policy_key_makes_redaction_the_default(tmp_path: Path) -> None:
    tree = tmp_path / "openesx-mini"
    shutil.copytree(DEMO, tree)
    policy = tmp_path / "policy.toml"
    text = rules_file("openesx.toml").read_text(encoding="utf-8")
    policy.write_text(text + "\n[reports]\nredact_proprietary = true\n", encoding="utf-8")
    argv = ["audit", str(tree), "--policy", str(policy), "--out", str(tmp_path / "out"),
            "--format", "json", "--fail-on", "never", "--cache-dir", str(tmp_path / "c"),
            "--jobs", "1"]  # fmt: skip
    with pytest.raises(SystemExit):
        main(argv)
    doc = (tmp_path / "out" / "findings.json").read_text(encoding="utf-8")
    assert _leaks({"findings.json": _haystack(tmp_path / "out" / "findings.json")},
                  _distinctive_lines(tree)) == []  # fmt: skip
    assert "[redacted proprietary code at " in doc
