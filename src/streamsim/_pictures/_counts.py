"""The counts picture: how many shards DescribeStream lists, and how many are open, over time.

A closed shard stays listed until its last record ages out of the retention window, so the
listed count runs ahead of the open count: at 4 partitions and a 4-hour rotation, 24 shards
are listed at 23:59 and 28 from 24:00 on, while 4 are open throughout.
"""

from __future__ import annotations

from ._axis import TimeScale, draw_time_axis, elapsed
from ._data import ShardSpan
from ._palette import BLUE, GREY, ORANGE, TEXT
from ._picture import Picture
from ._svg import Svg

LEFT = 64.0
RIGHT = 24.0
TOP = 48.0
PLOT = 200.0


def count_steps(shards: list[ShardSpan], now_ms: int) -> list[tuple[int, int, int]]:
    """``(instant, listed, open)`` at every instant either count changes, up to ``now_ms``.

    A shard is listed from its opening until ``listed_until_ms`` (exclusive) and open until
    it closes.

    >>> count_steps([ShardSpan("a", 0, 0, 1, 0, 10, 30, None, 1),
    ...              ShardSpan("b", 0, 0, 1, 10, None, None, "a", 0)], 40)
    [(0, 1, 1), (10, 2, 1), (30, 1, 1)]
    """
    changes: dict[int, list[int]] = {}
    for s in shards:
        changes.setdefault(s.opened_ms, [0, 0])
        changes[s.opened_ms][0] += 1
        changes[s.opened_ms][1] += 1
        if s.closed_ms is not None and s.closed_ms <= now_ms:
            changes.setdefault(s.closed_ms, [0, 0])[1] -= 1
        if s.listed_until_ms is not None and s.listed_until_ms <= now_ms:
            changes.setdefault(s.listed_until_ms, [0, 0])[0] -= 1
    out: list[tuple[int, int, int]] = []
    listed = opened = 0
    for at in sorted(changes):
        if at > now_ms:
            break
        d_listed, d_open = changes[at]
        listed += d_listed
        opened += d_open
        if not out or (out[-1][1], out[-1][2]) != (listed, opened):
            out.append((at, listed, opened))
    return out


def counts_picture(
    shards: list[ShardSpan],
    *,
    title: str,
    now_ms: int,
    origin_ms: int,
    start_ms: int | None = None,
    width: int = 900,
) -> Picture:
    """Draw the listed and open shard counts of ``shards`` as step lines up to ``now_ms``."""
    steps = count_steps(shards, now_ms)
    start = start_ms if start_ms is not None else (steps[0][0] if steps else now_ms)
    top_count = max((max(listed, op) for _, listed, op in steps), default=1)
    height = TOP + PLOT + 54
    svg = Svg(width, height, title=title)
    scale = TimeScale(start, now_ms, LEFT, width - RIGHT, origin_ms=origin_ms)
    axis_y = TOP + PLOT

    def y(count: int) -> float:
        return axis_y - PLOT * count / (top_count * 1.1 or 1)

    svg.label(LEFT, 20, title, size=14, fill=TEXT, font_weight="bold")
    last = steps[-1] if steps else (now_ms, 0, 0)
    svg.label(
        LEFT,
        36,
        f"now {elapsed(now_ms - origin_ms)}: {last[1]} listed, {last[2]} open; "
        f"at most {max((s[1] for s in steps), default=0)} listed",
        size=11,
        fill=GREY,
    )
    draw_time_axis(svg, scale, TOP, axis_y)
    step = max(1, -(-top_count // 6))
    for count in range(0, top_count + 1, step):
        svg.line(LEFT - 4, y(count), LEFT, y(count), stroke=TEXT, stroke_width="1")
        svg.label(LEFT - 8, y(count) + 4, str(count), size=10, text_anchor="end", fill=TEXT)
    svg.line(LEFT, TOP, LEFT, axis_y, stroke=TEXT, stroke_width="1")
    for index, colour, dash, name in (
        (1, BLUE, "", "listed by DescribeStream"),
        (2, ORANGE, "6 3", "open"),
    ):
        points: list[tuple[float, float]] = []
        for i, step_ in enumerate(steps):
            x = scale.x(step_[0])
            if i:
                points.append((x, points[-1][1]))
            points.append((x, y(step_[index])))
        if points:
            points.append((scale.x(now_ms), points[-1][1]))
        style = {"fill": "none", "stroke": colour, "stroke_width": "2"}
        if dash:
            style["stroke_dasharray"] = dash
        svg.polyline(points, **style)
        lx = width - RIGHT - 330 + (0 if index == 1 else 200)
        svg.line(lx, 16, lx + 18, 16, **style)
        svg.label(lx + 22, 20, name, size=10, fill=TEXT)
    summary = f"{title}: at {elapsed(now_ms - origin_ms)}: {last[1]} listed, {last[2]} open"
    mermaid = _mermaid(steps, origin_ms, title)
    return Picture(kind="counts", title=title, summary=summary, svg=svg.text(), mermaid=mermaid)


def _mermaid(steps: list[tuple[int, int, int]], origin_ms: int, title: str) -> str:
    labels = ", ".join(f'"{elapsed(at - origin_ms)}"' for at, _, _ in steps)
    listed = ", ".join(str(s[1]) for s in steps)
    opened = ", ".join(str(s[2]) for s in steps)
    return (
        "xychart-beta\n"
        f'  title "{title}"\n'
        f"  x-axis [{labels}]\n"
        f'  y-axis "shards"\n'
        f"  line [{listed}]\n"
        f"  line [{opened}]\n"
    )
