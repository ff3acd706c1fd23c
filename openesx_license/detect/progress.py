"""A one-line progress bar with ETA on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Counts units of one phase and redraws at most five times a second."""

    def __init__(self, enabled: bool | None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._label = ""
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._drawn = 0.0

    def phase(self, label: str, total: int) -> None:
        """Start counting ``total`` units of a new phase."""
        self._label, self._total, self._done = label, total, 0
        self._start = time.monotonic()
        self._draw(force=True)

    def advance(self, units: int = 1) -> None:
        """Count ``units`` more as done."""
        self._done += units
        self._draw(force=self._done >= self._total)

    def close(self) -> None:
        """Clear the line."""
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled or self._total <= 0:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.2:
            return
        self._drawn = now
        share = min(1.0, self._done / self._total)
        filled = int(share * 30)
        elapsed = now - self._start
        eta = elapsed / share - elapsed if share > 0 else 0.0
        bar = "#" * filled + "-" * (30 - filled)
        self.stream.write(
            f"\r\033[K{self._label:<18} [{bar}] {self._done}/{self._total} "
            f"{share:4.0%} ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        )
        self.stream.flush()
