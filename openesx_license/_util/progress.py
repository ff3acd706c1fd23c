"""Progress of a long run on stderr: one stage at a time, with its rate and, when known, ETA.

:class:`StageProgress` speaks the same three calls as the scan's own bar (``phase``,
``advance``, ``close``; the :class:`ProgressSink` protocol), so the audit hands one object to
every step and each step names its stages. It has three modes:

- ``bar`` (stderr is a terminal): one line redrawn at most five times a second, with the stage,
  units done of the total, units per second and an ETA (every long stage counts its files:
  the scan's, the copied-code step's fingerprinting and matching, the graph's reading and
  resolving, the rules); a short step that does not count its units
  (:meth:`StageProgress.stage`) shows its size and a clock, redrawn every second by a
  background thread, so that it never looks hung;
- ``lines`` (a log, a CI job): one line per stage when it ends, with its count, time and rate,
  so a job log shows where the minutes went without a line per file;
- ``off`` (``-q``): nothing.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Literal, Protocol, TextIO, TypeVar

Mode = Literal["bar", "lines", "off"]
T = TypeVar("T")

#: seconds between two redraws of the bar
REDRAW = 0.2


class ProgressSink(Protocol):
    """What a step reports progress to: stages with a unit count, and their end."""

    def phase(self, label: str, total: int) -> None:
        """Start a stage of ``total`` units (ending the previous one)."""

    def advance(self, units: int = 1) -> None:
        """Count ``units`` more as done in the current stage."""

    def close(self) -> None:
        """End the current stage."""


def auto_mode(stream: TextIO, *, quiet: bool = False) -> Mode:
    """``off`` when quiet, ``bar`` on a terminal, ``lines`` otherwise."""
    if quiet:
        return "off"
    try:
        return "bar" if stream.isatty() else "lines"
    except (AttributeError, ValueError):  # a closed or fake stream
        return "lines"


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return (
        f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else (f"{whole // 60}:{whole % 60:02d}")
    )


class StageProgress:
    """Stages of a run, drawn as a bar, written as one line each, or not shown at all.

    :meth:`phase`'s ``unit`` names what a stage counts (``files``); without one the counts
    stand alone (the scan's stages count files, then licence blocks).
    """

    def __init__(
        self, mode: Mode = "lines", *, stream: TextIO | None = None, prefix: str = ""
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.mode: Mode = mode
        self.prefix = prefix
        self._label = ""
        self._unit = ""
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._drawn = 0.0
        self._open = False
        self._counted = True
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    def phase(self, label: str, total: int, *, unit: str = "") -> None:
        """End the current stage (if any) and start ``label`` with ``total`` units, counted
        as they are done with :meth:`advance` (the bar shows a rate and an ETA)."""
        self._begin(label, total, unit, counted=True)

    def stage(self, label: str, size: int, *, unit: str = "files") -> None:
        """End the current stage and start ``label``, a step over ``size`` units that does
        not count them one by one: the bar shows its size and the time it has taken so far
        (redrawn every second), and, when it ends, its rate."""
        self._begin(label, size, unit, counted=False)
        if self.mode == "bar":
            self._stop = threading.Event()
            self._ticker = threading.Thread(target=self._tick, args=(self._stop,), daemon=True)
            self._ticker.start()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            self._draw(force=True)

    def _begin(self, label: str, total: int, unit: str, *, counted: bool) -> None:
        self.close()
        self._label, self._unit, self._total, self._done = label, unit, max(0, total), 0
        self._counted = counted
        self._start = time.monotonic()
        self._open = True
        self._draw(force=True)

    def advance(self, units: int = 1) -> None:
        """Count ``units`` more as done."""
        if not self._open:
            return
        self._done += units
        self._draw(force=False)

    def close(self) -> None:
        """End the current stage: clear the bar, or write the stage's line."""
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        if not self._open:
            return
        self._open = False
        if self.mode == "bar":
            with self._lock:
                self.stream.write("\r\033[K")
                self.stream.flush()
        elif self.mode == "lines":
            self.stream.write(self.prefix + self.summary_line() + "\n")
            self.stream.flush()

    def discard(self) -> None:
        """End the current stage without its line: it turned out to have nothing to do (a
        previous build's snapshot that was not there)."""
        if self.mode == "lines":
            self._open = False
        self.close()

    def summary_line(self) -> str:
        """``label: N files in S s (R files/s)`` of the current (or just ended) stage; a stage
        of one unit (listing the tree) gives its time only."""
        elapsed = time.monotonic() - self._start
        done = self._done or self._total
        if done <= 1:
            return f"{self._label}: {elapsed:.1f} s"
        unit = f" {self._unit}" if self._unit else ""
        rate = f" ({done / elapsed:,.0f}{unit}/s)" if elapsed >= 0.05 else ""
        return f"{self._label}: {done:,}{unit} in {elapsed:.1f} s{rate}"

    def _draw(self, *, force: bool) -> None:
        if self.mode != "bar":
            return
        now = time.monotonic()
        if not force and now - self._drawn < REDRAW and self._done < self._total:
            return
        self._drawn = now
        elapsed = now - self._start
        text = f"{self._label:<22}"
        if not self._counted:
            unit = f" {self._unit}" if self._unit else ""
            self._write(f"{text} ({self._total:,}{unit}) {_clock(elapsed)}")
            return
        if self._total > 0:
            share = min(1.0, self._done / self._total)
            filled = int(share * 24)
            text += f" [{'#' * filled}{'-' * (24 - filled)}] {self._done:,}/{self._total:,}"
        if elapsed >= 0.5 and self._done:
            rate = self._done / elapsed
            shown = f"{rate:,.1f}" if rate < 10 else f"{rate:,.0f}"
            text += f" {shown}{' ' + self._unit if self._unit else ''}/s"
            if self._total > self._done:
                text += f" ETA {_clock((self._total - self._done) / rate)}"
        else:
            text += f" {_clock(elapsed)}"
        self._write(text)

    def _write(self, text: str) -> None:
        # a line wider than the terminal wraps, and \r would then redraw only its last row
        width = shutil.get_terminal_size((100, 24)).columns - 1
        with self._lock:
            if self._open:
                self.stream.write("\r\033[K" + (self.prefix + text)[:width])
                self.stream.flush()


def counted(items: Iterable[T], progress: ProgressSink | None) -> Iterator[T]:
    """``items``, each counted as one unit done of ``progress``'s current stage as it is
    taken (None: not counted)."""
    if progress is None:
        yield from items
        return
    for item in items:
        progress.advance()  # produced is done (a worker pool's result, a file's print)
        yield item


def silent() -> StageProgress:
    """A sink that shows nothing (library calls without a terminal, ``-q``)."""
    return StageProgress("off")
