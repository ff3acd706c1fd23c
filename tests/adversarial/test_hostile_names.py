"""Hostile file names and tree shapes: every file is audited, every name reaches the report
intact, nothing reaches the console that a terminal or a GitHub runner would act on.

The names are bytes: newlines followed by workflow commands (``::error``, ``::stop-commands``),
terminal escape sequences (OSC window titles, clear screen), bytes that are not UTF-8, line
separators, percent escapes, shell metacharacters. Every file carries a proprietary marker, so
each must come back as a ``proprietary-code`` finding on exactly its own path.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.helpers.audit_runs import injected_lines, run_main

MARKED = b"/* VMware Confidential */\nint x;\n"

#: names a hostile contributor would pick (each gets '.c' appended)
NASTY = [
    b"\n::error file=x,line=1::pwned",
    b"\n::stop-commands::tok",
    b"::warning::hi",
    b"\n##[error]legacy",
    b"\x1b]0;owned title\x07",
    b"\x1b[2J\x1b[Hclear",
    b"\x9b31mc1",
    b"caf\xe9",
    b"\xff\xfe\xfa",
    b"\xe2\x80\xa8line-sep",
    b"%0Apercent",
    b"-rf --no-preserve-root",
    b" leading space",
    b"tab\there",
    b"a:b,c",
    b"<script>alert(1)</script>",
    b"'\"`$(id)",
    b"\r\ncrlf",
]


def _component(raw: bytes) -> bytes:
    cleaned = raw.replace(b"/", b"_").replace(b"\0", b"_")[:120]
    return cleaned if cleaned.strip(b".") else b"_" + cleaned


names = st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=60)).map(_component)
#: a tree shape: files, each under a chain of (hostile) folders 0-12 deep
trees = st.lists(
    st.tuples(st.lists(names, min_size=0, max_size=12), names),
    min_size=1,
    max_size=6,
    unique_by=lambda t: tuple(t[0]) + (t[1],),
)


def _build(root: Path, shape: list[tuple[list[bytes], bytes]]) -> set[str]:
    made: set[str] = set()
    base = os.fsencode(root)
    for folders, name in shape:
        # a folder name equal to a file name elsewhere would clash: number the folders
        parts = [b"d%d_" % i + f for i, f in enumerate(folders)]
        folder = os.path.join(base, *parts) if parts else base
        os.makedirs(folder, exist_ok=True)
        rel = b"/".join([*parts, name + b".c"])
        with open(os.path.join(base, rel), "wb") as handle:
            handle.write(MARKED)
        made.add(os.fsdecode(rel))
    return made


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failing audit prints its tree; no slow shrink
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(shape=trees)
@example(shape=[([], _component(n)) for n in NASTY])
@example(shape=[([_component(n) for n in NASTY[:8]], b"deep")])
def test_every_hostile_file_is_audited_and_nothing_is_injected(
    shape: list[tuple[list[bytes], bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        made = _build(root, shape)
        out = Path(tmp) / "out"
        code, stdout, stderr = run_main(
            ["audit", str(root), "--out", str(out), "--format", "json,sarif,html,md,github",
             "--cache-dir", str(Path(tmp) / "cache"), "--jobs", "1"]
        )  # fmt: skip
        assert code == 1, stderr  # a proprietary marker in the open tree fails the gate
        assert "internal error" not in stderr and "Traceback" not in stderr
        report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        marked = {f["path"] for f in report["findings"] if f["rule"] == "proprietary-code"}
        assert marked == made  # no finding lost, every name intact (surrogates for raw bytes)
        assert {f["path"] for f in report["files"]} == made
        assert injected_lines(stderr) == []  # the human summary: on stderr (github owns stdout)
        for line in stdout.split("\n"):  # the annotations: one line each, nothing else
            assert line == "" or line.startswith(("::error ", "::warning ", "::notice ")), line
        for name in ("findings.sarif", "summary.md", "report.html"):
            (out / name).read_bytes().decode("utf-8")  # valid UTF-8 whatever the names


def test_every_command_carries_names_that_are_not_utf8(tmp_path: Path) -> None:
    """scan, graph, options, baseline, fingerprint and audit (with the index it made) on a
    tree whose open and proprietary files have names that are not UTF-8."""
    tree = tmp_path / "tree"
    (tree / "vault").mkdir(parents=True)
    body = b"// SPDX-License-Identifier: GPL-2.0-only\nint f%d(int x) { return x * 3 + %d; }\n"
    with open(os.path.join(os.fsencode(tree), b"caf\xe9.c"), "wb") as handle:
        handle.write(body % (1, 1))
    with open(os.path.join(os.fsencode(tree), b"vault/v\xff\n::error::x.c"), "wb") as handle:
        handle.write(body % (2, 2))
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'schema = 1\n[release]\nname = "x"\nlicense = "GPL-2.0-only"\n'
        '[[component]]\nname = "open"\nclass = "open"\npaths = ["**"]\n'
        '[[component]]\nname = "vault"\nclass = "proprietary"\npaths = ["vault/**"]\n'
    )
    cache = ["--cache-dir", str(tmp_path / "cache")]
    runs = [
        ["scan", str(tree), "--json", str(tmp_path / "scan.json"), *cache],
        ["graph", str(tree), "--policy", str(policy), "-o", str(tmp_path / "g.graphml"), *cache],
        ["options", str(tree), "--policy", str(policy), *cache],
        ["baseline", str(tree), "--policy", str(policy), "-o", str(tmp_path / "b.json"), *cache],
        ["fingerprint", str(tree), "--policy", str(policy), "-o", str(tmp_path / "p.idx")],
        ["audit", str(tree), "--policy", str(policy), "--ip-index", str(tmp_path / "p.idx"),
         "--out", str(tmp_path / "out"), "--format", "json,html,sarif,spdx,cyclonedx,notice,md",
         *cache],
    ]  # fmt: skip
    for args in runs:
        code, out, err = run_main(args)
        assert code == 0, (args[0], err)
        assert "internal error" not in err and injected_lines(out, err) == [], (args[0], out, err)
    names = {f["path"] for f in json.loads((tmp_path / "scan.json").read_text())["files"]}
    assert names == {os.fsdecode(b"caf\xe9.c"), os.fsdecode(b"vault/v\xff\n::error::x.c")}
    report = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert {f["path"] for f in report["files"]} == names
    code, out, err = run_main(["audit", str(tree), "--policy", str(policy), "--out", "-", *cache])
    assert code == 0 and injected_lines(err) == [], err
    assert {f["path"] for f in json.loads(out)["files"]} == names  # findings.json on stdout
