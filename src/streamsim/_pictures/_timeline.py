"""The timeline picture: a function's (or one mapping's) work over virtual time, four panels.

1. concurrent instances (a step line; the reserved concurrency as a dashed cap);
2. throttles (a tick per refused attempt);
3. iterator age (the age of each batch's last record when it was processed);
4. batch sizes (a stem per invocation; failed ones in vermilion).
"""

from __future__ import annotations

from ._axis import TimeScale, draw_time_axis, elapsed
from ._data import ReadSpan
from ._palette import BLUE, BLUISH_GREEN, GREY, ORANGE, TEXT, THROTTLE, VERMILLION
from ._picture import Picture
from ._svg import Svg

LEFT = 110.0
RIGHT = 24.0
TOP = 48.0
PANEL = 80.0
GAP = 18.0


def concurrency_steps(spans: list[ReadSpan]) -> list[tuple[int, int]]:
    """``(instant, instances running)`` at every instant the count changes.

    An instance runs from an invocation's start to its end (exclusive).

    >>> concurrency_steps([ReadSpan("a", 0, 10), ReadSpan("b", 5, 10), ReadSpan("a", 10, 12)])
    [(0, 1), (5, 2), (10, 1), (12, 0)]
    """
    delta: dict[int, int] = {}
    for span in spans:
        delta[span.start_ms] = delta.get(span.start_ms, 0) + 1
        delta[span.end_ms] = delta.get(span.end_ms, 0) - 1
    out: list[tuple[int, int]] = []
    running = 0
    for at in sorted(delta):
        running += delta[at]
        if not out or out[-1][1] != running:
            out.append((at, running))
    return out


def timeline_picture(
    *,
    title: str,
    spans: list[ReadSpan],
    throttles: list[int],
    ages: list[tuple[int, int]],
    batches: list[tuple[int, int, bool]],
    now_ms: int,
    origin_ms: int,
    reserved: int | None = None,
    start_ms: int | None = None,
    width: int = 900,
) -> Picture:
    """Draw the four panels.

    Args:
        spans: each invocation's run (its shard id, start and end).
        throttles: the instants attempts were refused for want of an instance.
        ages: ``(instant, iterator age in ms)`` samples.
        batches: ``(start instant, records, succeeded)`` per invocation.
        reserved: the function's reserved concurrency, drawn as a cap (None: none).
    """
    start = start_ms if start_ms is not None else origin_ms
    height = TOP + 4 * PANEL + 3 * GAP + 54
    svg = Svg(width, height, title=title)
    scale = TimeScale(start, now_ms, LEFT, width - RIGHT, origin_ms=origin_ms)
    steps = concurrency_steps(spans)
    peak = max((c for _, c in steps), default=0)
    oldest = max((a for _, a in ages), default=0)
    svg.label(LEFT, 20, title, size=14, fill=TEXT, font_weight="bold")
    svg.label(
        LEFT,
        36,
        f"{len(spans)} invocations, peak {peak} instance{'' if peak == 1 else 's'}, "
        f"{len(throttles)} throttles, oldest iterator age {elapsed(oldest)}",
        size=11,
        fill=GREY,
    )
    tops = [TOP + i * (PANEL + GAP) for i in range(4)]
    axis_y = tops[3] + PANEL
    draw_time_axis(svg, scale, TOP, axis_y)
    for top, name in zip(
        tops, ("instances", "throttles", "iterator age", "batch size"), strict=True
    ):
        svg.label(LEFT - 8, top + PANEL / 2 + 4, name, size=11, text_anchor="end", fill=TEXT)
        svg.line(LEFT, top + PANEL, width - RIGHT, top + PANEL, stroke="#CCCCCC", stroke_width="1")
    # 1. instances
    cap = max(peak, reserved or 0, 1)

    def y1(count: float) -> float:
        return tops[0] + PANEL - PANEL * count / (cap * 1.15)

    points: list[tuple[float, float]] = []
    for at, count in steps:
        x = scale.x(at)
        if points:
            points.append((x, points[-1][1]))
        points.append((x, y1(count)))
    if points:
        points.append((scale.x(now_ms), points[-1][1]))
    svg.polyline(points, fill="none", stroke=BLUE, stroke_width="1.5")
    _note(svg, tops[0], f"peak {peak}", BLUE)
    if reserved is not None:
        svg.line(
            LEFT,
            y1(reserved),
            width - RIGHT,
            y1(reserved),
            stroke=ORANGE,
            stroke_width="1",
            stroke_dasharray="5 3",
        )
        svg.label(
            width - RIGHT,
            y1(reserved) - 3,
            f"reserved concurrency {reserved}",
            size=10,
            text_anchor="end",
            fill=ORANGE,
        )
    # 2. throttles
    for at in sorted(set(throttles)):
        x = scale.x(at)
        svg.line(x, tops[1] + 10, x, tops[1] + PANEL - 10, stroke=THROTTLE, stroke_width="1")
    _note(svg, tops[1], f"{len(throttles)} in all", THROTTLE)
    # 3. iterator age
    top_age = max(oldest, 1)
    svg.polyline(
        [(scale.x(at), tops[2] + PANEL - PANEL * age / (top_age * 1.15)) for at, age in ages],
        fill="none",
        stroke=BLUISH_GREEN,
        stroke_width="1.5",
    )
    _note(svg, tops[2], f"max {elapsed(oldest)}", BLUISH_GREEN)
    # 4. batch sizes
    biggest = max((n for _, n, _ in batches), default=1) or 1
    for at, size, ok in batches:
        x = scale.x(at)
        y = tops[3] + PANEL - PANEL * size / (biggest * 1.15)
        svg.line(x, tops[3] + PANEL, x, y, stroke=BLUE if ok else VERMILLION, stroke_width="1")
    _note(svg, tops[3], f"max {biggest} records", BLUE)
    summary = f"{title}: {len(spans)} invocations, peak {peak}, {len(throttles)} throttles"
    mermaid = _mermaid(title, steps, origin_ms)
    return Picture(kind="timeline", title=title, summary=summary, svg=svg.text(), mermaid=mermaid)


def _note(svg: Svg, top: float, text: str, colour: str) -> None:
    """A panel's figure, under its name at the left."""
    svg.label(LEFT - 8, top + PANEL / 2 + 18, text, size=10, text_anchor="end", fill=colour)


def _mermaid(title: str, steps: list[tuple[int, int]], origin_ms: int) -> str:
    labels = ", ".join(f'"{elapsed(at - origin_ms)}"' for at, _ in steps[:200])
    values = ", ".join(str(c) for _, c in steps[:200])
    return (
        "xychart-beta\n"
        f'  title "{title}: concurrent instances"\n'
        f"  x-axis [{labels}]\n"
        '  y-axis "instances"\n'
        f"  line [{values}]\n"
    )
