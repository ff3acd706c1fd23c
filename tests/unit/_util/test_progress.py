"""StageProgress: a bar with rate and ETA on a terminal, one line per stage in a log, or
nothing."""

from __future__ import annotations

import io
import os
import time

import pytest

from openesx_license._util import progress as progress_mod
from openesx_license._util.progress import StageProgress, auto_mode, counted


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_mode_writes_one_line_per_stage_with_rate() -> None:
    out = io.StringIO()
    sink = StageProgress("lines", stream=out, prefix="x: ")
    sink.phase("inventory", 1)
    sink.advance()
    sink.phase("reading files", 300, unit="files")
    sink.advance(150)
    time.sleep(0.06)
    sink.advance(150)
    sink.stage("building the graph", 300)
    sink.close()
    sink.close()  # a second close writes nothing more
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("x: inventory: ") and lines[0].endswith(" s")
    assert lines[1].startswith("x: reading files: 300 files in ") and "files/s)" in lines[1]
    assert lines[2].startswith("x: building the graph: 300 files in ")
    assert "\r" not in out.getvalue()


def test_bar_mode_shows_rate_and_eta_then_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: now[0])
    out = _Tty()
    sink = StageProgress("bar", stream=out)
    sink.phase("matching licences", 100)
    now[0] += 10.0
    sink.advance(25)  # 2.5 per second: 75 left take 30 s
    drawn = out.getvalue().split("\r\033[K")[-1]
    assert "25/100" in drawn and "2.5/s" in drawn and "ETA 0:30" in drawn
    sink.close()
    assert out.getvalue().endswith("\r\033[K")


def test_bar_never_wider_than_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        progress_mod.shutil, "get_terminal_size", lambda fallback: os.terminal_size((40, 24))
    )
    out = _Tty()
    sink = StageProgress("bar", stream=out, prefix="openesx-license: ")
    sink.phase("matching licences", 1000)
    sink.stage("building the dependency graph", 20_313)
    for drawn in out.getvalue().split("\r\033[K"):
        assert len(drawn) <= 39


def test_off_mode_and_auto_mode() -> None:
    out = io.StringIO()
    sink = StageProgress("off", stream=out)
    sink.phase("a", 10)
    sink.advance(10)
    sink.stage("b", 5)
    sink.close()
    assert out.getvalue() == ""
    assert auto_mode(io.StringIO()) == "lines"
    assert auto_mode(_Tty()) == "bar"
    assert auto_mode(_Tty(), quiet=True) == "off"


def test_an_uncounted_stage_shows_a_running_clock() -> None:
    out = _Tty()
    sink = StageProgress("bar", stream=out)
    sink.stage("building the dependency graph", 3_097)
    time.sleep(1.3)
    sink.close()
    draws = [d for d in out.getvalue().split("\r\033[K") if d]
    assert draws[0].endswith("(3,097 files) 0:00")
    assert any(d.endswith("(3,097 files) 0:01") for d in draws[1:])
    assert out.getvalue().endswith("\r\033[K")
    size = len(out.getvalue())
    time.sleep(1.1)
    assert len(out.getvalue()) == size  # the clock stopped with the stage


class _Recorder:
    """A ProgressSink that remembers every call (the real StageProgress is tested above)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def phase(self, label: str, total: int) -> None:
        self.calls.append((label, total))

    def advance(self, units: int = 1) -> None:
        self.calls.append(("advance", units))

    def close(self) -> None:
        self.calls.append(("close", 0))


def test_counted_counts_each_item_as_it_is_produced() -> None:
    sink = _Recorder()
    seen = [(item, len(sink.calls)) for item in counted(iter("abc"), sink)]
    assert seen == [("a", 1), ("b", 2), ("c", 3)]  # counted before the consumer gets it
    assert sink.calls == [("advance", 1)] * 3
    assert list(counted([1, 2], None)) == [1, 2]


def test_counted_stage_in_a_log_gives_count_time_and_rate() -> None:
    out = io.StringIO()
    sink = StageProgress("lines", stream=out)
    sink.phase("copied code: fingerprinting", 3, unit="files")
    for _ in counted(range(3), sink):
        time.sleep(0.03)
    sink.close()
    line = out.getvalue()
    assert line.startswith("copied code: fingerprinting: 3 files in ") and "files/s)" in line


def test_discard_ends_a_stage_without_its_line() -> None:
    out = io.StringIO()
    sink = StageProgress("lines", stream=out)
    sink.stage("dependency graph: from the last build", 10)
    sink.discard()
    sink.phase("dependency graph: reading files", 10, unit="files")
    sink.advance(10)
    sink.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dependency graph: reading files: 10 files")
    tty = _Tty()
    bar = StageProgress("bar", stream=tty)
    bar.stage("dependency graph: from the last build", 10)
    bar.discard()
    assert tty.getvalue().endswith("\r\033[K")  # the bar is cleared, its clock stopped
