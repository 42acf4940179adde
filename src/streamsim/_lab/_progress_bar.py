"""A one-line progress bar for long runs, redrawn in place on a terminal.

It shows how much of the virtual run is done, the virtual time reached, the records produced and
the wall time spent.  The wall clock is read only to decide when to redraw (at most every
``interval`` seconds) and to print the elapsed time: nothing the simulation does depends on it.
"""

from __future__ import annotations

import time
from typing import TextIO

#: Characters of the bar itself.
WIDTH = 30


def _clock(ms: int) -> str:
    """Virtual elapsed time as ``H:MM``.

    >>> _clock(3_600_000 * 25 + 60_000 * 7)
    '25:07'
    """
    minutes = ms // 60_000
    return f"{minutes // 60}:{minutes % 60:02d}"


class ProgressBar:
    """``[#######.......]  45%  10:48 of 24:00 virtual  19,440 records  3.2 s``.

    Args:
        out: where to draw (the lab uses standard error, so standard output stays the report);
            None draws nothing.
        total_ms: the virtual length of the run.
        enabled: False draws nothing.
        interval: the least wall time between redraws, in seconds.
    """

    def __init__(
        self, out: TextIO | None, total_ms: int, *, enabled: bool = True, interval: float = 0.2
    ) -> None:
        self._out = out
        self._total_ms = max(total_ms, 1)
        self.enabled = enabled and out is not None
        self._interval = interval
        self._started = time.perf_counter()
        self._drawn_at: float | None = None
        self._width = 0

    def line(self, done_ms: int, records: int, wall_s: float) -> str:
        """The bar's text for ``done_ms`` of the run.

        >>> ProgressBar(None, 4 * 3_600_000).line(3_600_000, 1800, 0.5)
        '[#######.......................]  25%   1:00 of 4:00 virtual     1,800 records    0.5 s'
        """
        done = min(max(done_ms, 0), self._total_ms)
        filled = done * WIDTH // self._total_ms
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done * 100 // self._total_ms:3d}%  "
            f"{_clock(done):>5} of {_clock(self._total_ms)} virtual  {records:>8,} records  "
            f"{wall_s:5.1f} s"
        )

    def update(self, done_ms: int, records: int) -> None:
        """Redraw if enough wall time passed since the last redraw."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._drawn_at is not None and now - self._drawn_at < self._interval:
            return
        self._draw(self.line(done_ms, records, now - self._started))
        self._drawn_at = now

    def finish(self, done_ms: int, records: int) -> None:
        """Draw the final state and end the line (nothing if nothing was drawn)."""
        if not self.enabled or self._drawn_at is None:
            return
        self._draw(self.line(done_ms, records, time.perf_counter() - self._started), end="\n")

    def _draw(self, text: str, end: str = "") -> None:
        if self._out is None:
            return
        pad = " " * max(self._width - len(text), 0)
        self._out.write(f"\r{text}{pad}{end}")
        self._out.flush()
        self._width = len(text)
