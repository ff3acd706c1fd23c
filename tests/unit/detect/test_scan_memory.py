"""What the scan's main process keeps while the matchers work (issue 20, memory).

Once blocks and copyright groups are deduplicated, the files keep neither their texts nor
their lines (only the distinct ones are matched), and each task's arguments are freed when
the task is done.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from openesx_license.detect import engine, scan_tree
from openesx_license.detect.blocks import CopyrightGroup, LicenseBlock
from openesx_license.detect.prepare import PreparedFile
from openesx_license.detect.scan import _run_chunks, _without_texts

NOTICE = (
    "{c} Permission to use, copy, modify, and distribute this software for any\n"
    "{c} purpose with or without fee is hereby granted. BOOM\n"
    "{c} THE SOFTWARE IS PROVIDED AS IS.\n"
)


class _Quiet:
    def phase(self, name: str, total: int) -> None:
        """Nothing to show."""

    def advance(self, units: int = 1) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to show."""


def _square(value: int) -> tuple[int, int]:
    return 1, value * value


def test_tasks_are_freed_as_they_are_done_and_results_come_in_order() -> None:
    tasks: list[tuple[Any, ...]] = [(n,) for n in range(40)]
    assert _run_chunks(None, _square, tasks, _Quiet()) == [n * n for n in range(40)]
    assert tasks == [()] * 40
    tasks = [(n,) for n in range(40)]
    with ProcessPoolExecutor(2) as pool:
        assert _run_chunks(pool, _square, tasks, _Quiet()) == [n * n for n in range(40)]
    assert tasks == [()] * 40


def test_files_keep_no_texts_unless_their_line_count_differs() -> None:
    block = LicenseBlock(key="k", start=3, text="a\nb")
    odd = LicenseBlock(key="k", start=9, text="a\nb\nc")
    group = CopyrightGroup(key="g", start=1, lines=((1, "(c) Ann"),))
    light = _without_texts(PreparedFile(path="f.c", blocks=(block, odd), groups=(group,)), {"k": 1})
    assert light.blocks == (LicenseBlock(key="k", start=3, text=""), odd)
    assert light.groups == (CopyrightGroup(key="g", start=1, lines=()),)


@pytest.mark.scancode
def test_a_failed_block_is_reported_with_each_files_own_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same notice in two files (one key): the failure message of each gives its own
    lines, though the files no longer hold the text."""
    real = engine.detect_license_block

    def failing(text: str, *, exact: bool = False) -> Any:
        if "BOOM" in text and not exact:
            raise ValueError("no index today")
        return real(text, exact=exact)

    monkeypatch.setattr(engine, "detect_license_block", failing)
    (tmp_path / "a.c").write_text("/*\n" + NOTICE.format(c=" *") + " */\nint a;\n")
    (tmp_path / "b.py").write_text("#!/usr/bin/env python\n\n\n" + NOTICE.format(c="#"))
    result = scan_tree(tmp_path, jobs=1, use_cache=False, progress=False)
    errors = {f.path: [e for e in f.errors if "failed" in e] for f in result.files}
    assert errors == {
        "a.c": ["licence detection failed on lines 2-4: ValueError: no index today"],
        "b.py": ["licence detection failed on lines 4-6: ValueError: no index today"],
    }
    assert result.stats.distinct_blocks >= 1
