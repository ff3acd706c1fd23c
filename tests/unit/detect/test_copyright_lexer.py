"""The remembering copyright lexer gives ScanCode's own copyrights and holders."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluecode.copyrights import CopyrightDetector

from openesx_license.detect import engine
from openesx_license.detect.blocks import copyright_groups, split_lines
from openesx_license.detect.prepare import read_text

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def _groups() -> list[tuple[tuple[int, str], ...]]:
    groups = []
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file() and not path.is_symlink():
            text, _ = read_text(str(path), path.stat().st_size)
            groups += [g.lines for g in copyright_groups(split_lines(text))]
    return groups


def test_remembered_labels_give_the_same_copyrights(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = _groups()
    assert len(groups) > 30
    monkeypatch.setattr(engine, "_DETECTOR", None)
    remembered = [engine.detect_copyright_group(g) for g in groups * 2]  # second pass: memory
    assert isinstance(engine._DETECTOR.lexer, engine._RememberingLexer)
    monkeypatch.setattr(engine, "_DETECTOR", CopyrightDetector())  # ScanCode's own lexer
    plain = [engine.detect_copyright_group(g) for g in groups]
    assert sum(len(f["copyrights"]) for f in plain) > 20
    assert remembered == plain * 2


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "LEXER_MEMORY", 5)
    monkeypatch.setattr(engine, "_DETECTOR", None)
    found = engine.detect_copyright_group([(1, "Copyright (c) 2001-2004 Jane Roe and John Doe")])
    assert found["holders"] and len(engine._DETECTOR.lexer._labels) <= 5
