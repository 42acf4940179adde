"""Scales and the virtual-time axis every picture shares.

Time is shown as time elapsed since the picture's origin (``0``, ``4h``, ``24h``), which is
what a lesson speaks of ("24 shards at 23:59, 28 from 24:00"); the origin itself is printed
once under the axis as a UTC instant.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ._palette import GREY, TEXT
from ._svg import Svg

_SECOND = 1_000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
#: tick steps to choose from, smallest first
STEPS = (
    1,
    10,
    100,
    _SECOND,
    5 * _SECOND,
    15 * _SECOND,
    _MINUTE,
    5 * _MINUTE,
    15 * _MINUTE,
    30 * _MINUTE,
    _HOUR,
    2 * _HOUR,
    4 * _HOUR,
    12 * _HOUR,
    _DAY,
    2 * _DAY,
    7 * _DAY,
    28 * _DAY,
)


class TimeScale:
    """Maps virtual milliseconds in ``[start_ms, end_ms]`` onto ``[x0, x1]`` pixels."""

    __slots__ = ("end_ms", "origin_ms", "start_ms", "x0", "x1")

    def __init__(self, start_ms: int, end_ms: int, x0: float, x1: float, *, origin_ms: int) -> None:
        self.start_ms = start_ms
        self.end_ms = max(end_ms, start_ms + 1)
        self.x0 = x0
        self.x1 = x1
        self.origin_ms = origin_ms

    def x(self, ms: int) -> float:
        """The x pixel of an instant (clamped to the plotted span)."""
        ms = min(max(ms, self.start_ms), self.end_ms)
        return self.x0 + (self.x1 - self.x0) * (ms - self.start_ms) / (self.end_ms - self.start_ms)

    def ticks(self, most: int = 8) -> list[int]:
        """Instants for ticks: multiples of a round step from the origin, at most ``most``."""
        span = self.end_ms - self.start_ms
        step = next((s for s in STEPS if span / s <= most), STEPS[-1])
        first = self.origin_ms + -(-(self.start_ms - self.origin_ms) // step) * step
        return list(range(first, self.end_ms + 1, step))


def elapsed(ms: int) -> str:
    """A duration as a label: ``0``, ``250ms``, ``7.5s``, ``15s``, ``30m``, ``4h``, ``1h30m``.

    Whole hours stay hours (``48h``: lessons count a stream's life in hours); other durations
    are cut to the unit that reads best, never rounded up.

    >>> [elapsed(v) for v in (0, 250, 7_560, 15_000, 1_800_000, 14_400_000, 5_400_000)]
    ['0', '250ms', '7.5s', '15s', '30m', '4h', '1h30m']
    >>> elapsed(172_800_000), elapsed(-90_500)
    ('48h', '-1m30s')
    """
    if ms == 0:
        return "0"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    if ms % _HOUR == 0:
        return f"{sign}{ms // _HOUR}h"
    if ms >= _HOUR and ms % _MINUTE == 0:
        return f"{sign}{ms // _HOUR}h{ms % _HOUR // _MINUTE}m"
    if ms % _MINUTE == 0:
        return f"{sign}{ms // _MINUTE}m"
    if ms % _SECOND == 0:
        return f"{sign}{ms // _SECOND}s"
    if ms >= _MINUTE:
        return f"{sign}{ms // _MINUTE}m{ms % _MINUTE // _SECOND}s"
    if ms >= _SECOND:
        return f"{sign}{ms // _SECOND}.{ms % _SECOND // 100}s"
    return f"{sign}{ms}ms"


def utc(ms: int) -> str:
    """An instant as ``YYYY-MM-DD HH:MM:SS UTC`` (milliseconds when not whole seconds)."""
    when = datetime.fromtimestamp(ms // 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return f"{when}.{ms % 1000:03d} UTC" if ms % 1000 else f"{when} UTC"


def draw_time_axis(svg: Svg, scale: TimeScale, y_top: float, y_axis: float) -> None:
    """Grid lines from ``y_top`` down to the axis at ``y_axis``, tick labels and the origin."""
    svg.line(scale.x0, y_axis, scale.x1, y_axis, stroke=TEXT, stroke_width="1")
    for tick in scale.ticks():
        x = scale.x(tick)
        svg.line(x, y_top, x, y_axis, stroke="#DDDDDD", stroke_width="1")
        svg.line(x, y_axis, x, y_axis + 4, stroke=TEXT, stroke_width="1")
        svg.label(x, y_axis + 16, elapsed(tick - scale.origin_ms), text_anchor="middle", fill=TEXT)
    svg.label(
        scale.x1,
        y_axis + 32,
        f"virtual time since {utc(scale.origin_ms)}",
        size=10,
        text_anchor="end",
        fill=GREY,
    )
