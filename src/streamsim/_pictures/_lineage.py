"""The lineage picture: one bar per shard over virtual time, parent -> child links.

Lanes run left to right in virtual time.  By hash range (the default) the vertical axis is the
partition-key hash space: a shard's bar covers its partition's range, so a rotation continues
a lane and a split forks it into two thinner lanes.  By partition, each partition id gets a
lane of its own, in numeric order.  Optional Lambda lanes underneath show which instance read
which shard when.

A Kinesis stream is drawn the same way with ``unit="shard"``: its hash-key space is
``2^128`` (``hash_space``), each shard is its own "partition" (numbered by its index), a split
forks a lane, a merge joins two (links from both parents, ``AdjacentParentShardId`` too), and
an UpdateShardCount is the splits and merges it is made of.
"""

from __future__ import annotations

from ._axis import TimeScale, draw_time_axis, elapsed
from ._data import HASH_SPACE, ReadSpan, ShardSpan, instance_lanes, short_id
from ._palette import CLOSED, GREY, LINK, NOW, OPEN, RETENTION, SERIES, TEXT
from ._picture import Picture
from ._svg import Svg, num

LEFT = 96.0
RIGHT = 24.0
TOP = 48.0
LANE = 34.0  # height of one partition lane (by partition) and of one instance lane
GAP = 3.0  # padding inside a lane, above and below a bar


def lineage_picture(
    shards: list[ShardSpan],
    *,
    title: str,
    now_ms: int,
    origin_ms: int,
    retention_ms: int,
    by: str = "hash",
    reads: list[ReadSpan] | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    width: int = 900,
    hash_space: int = HASH_SPACE,
    unit: str = "partition",
) -> Picture:
    """Draw ``shards`` (and optionally the ``reads`` of a Lambda mapping) as a lineage picture.

    Args:
        shards: every shard to draw (any order; drawn by hash range or partition, then time).
        title: the caption.
        now_ms: the "now" line; open bars end there.
        origin_ms: where elapsed time on the axis counts from (the stream's creation).
        retention_ms: the shaded window before now whose records are still readable.
        by: ``"hash"`` or ``"partition"`` (see the module docstring).
        reads: invocations of a mapping on these shards, for the instance lanes.
        start_ms / end_ms: the span of time drawn (default: the first shard's opening to now).
        width: the picture's width in pixels.
        hash_space: the size of the key space the hash ranges divide (``2^64`` for a table's
            partitions, ``2^128`` for Kinesis hash keys).
        unit: what ``partition_id`` numbers: ``"partition"`` (a table's partitions) or
            ``"shard"`` (a Kinesis stream, whose shards are numbered by their index).

    Raises:
        ValueError: ``by`` is neither ``"hash"`` nor ``"partition"``, or ``unit`` neither
            ``"partition"`` nor ``"shard"``.
    """
    if by not in ("hash", "partition"):
        raise ValueError(f"by must be 'hash' or 'partition', got {by!r}")
    if unit not in ("partition", "shard"):
        raise ValueError(f"unit must be 'partition' or 'shard', got {unit!r}")
    ordered = sorted(shards, key=lambda s: (s.hash_lo, s.partition_id, s.opened_ms, s.shard_id))
    start = (
        start_ms if start_ms is not None else min((s.opened_ms for s in ordered), default=now_ms)
    )
    end = end_ms if end_ms is not None else now_ms
    reads = [r for r in (reads or []) if r.end_ms >= start and r.start_ms <= end]
    partitions = sorted({s.partition_id for s in ordered})
    if by == "hash":
        band = max(120.0, min(480.0, LANE * max(1, len(partitions))))
    else:
        band = LANE * max(1, len(partitions))
    lanes = _read_lanes(reads, ordered)
    lambda_band = (LANE * (max(lanes, default=-1) + 1) + 24.0) if reads else 0.0
    axis_y = TOP + band + lambda_band + 10.0
    height = axis_y + 44.0
    svg = Svg(width, height, title=title)
    scale = TimeScale(start, end, LEFT, width - RIGHT, origin_ms=origin_ms)
    lane_of = {p: i for i, p in enumerate(partitions)}

    def y_span(shard: ShardSpan) -> tuple[float, float]:
        if by == "hash":
            top = TOP + band * shard.hash_lo / hash_space
            bottom = TOP + band * shard.hash_hi / hash_space
        else:
            top = TOP + LANE * lane_of[shard.partition_id]
            bottom = top + LANE
        return top + GAP, bottom - GAP

    svg.label(LEFT, 20, title, size=14, fill=TEXT, font_weight="bold")
    open_count = sum(1 for s in ordered if s.closed_ms is None)
    where = (
        f" in {len(partitions)} partition{'' if len(partitions) == 1 else 's'}"
        if unit == "partition"
        else ""
    )
    svg.label(
        LEFT,
        36,
        f"{len(ordered)} shards ({open_count} open){where}; now {elapsed(now_ms - origin_ms)}",
        size=11,
        fill=GREY,
    )
    _legend(svg, width)
    # the retention window: records written here are still readable
    lo = scale.x(now_ms - retention_ms)
    svg.rect(lo, TOP, scale.x(now_ms) - lo, band, fill=RETENTION)
    draw_time_axis(svg, scale, TOP, axis_y)
    _lane_labels(svg, ordered, by, band, lane_of, unit)
    for shard in ordered:
        _bar(svg, scale, shard, y_span(shard), now_ms, origin_ms, unit)
    spans = {s.shard_id: s for s in ordered}
    links = [(p, s) for s in ordered for p in (s.parent_id, s.adjacent_parent_id) if p]
    for parent_id, shard in links:  # split and merge links over the bars: a fork must be seen
        parent = spans.get(parent_id)
        if parent is None or parent.closed_ms is None:
            continue
        py0, py1 = y_span(parent)
        cy0, cy1 = y_span(shard)
        x0, x1 = scale.x(parent.closed_ms), scale.x(shard.opened_ms)
        y0, y1 = (py0 + py1) / 2, (cy0 + cy1) / 2
        if abs(y0 - y1) >= 0.5:
            svg.path(
                f"M{num(x0 - 16)},{num(y0)} C{num(x0 - 4)},{num(y0)} {num(x1 - 10)},{num(y1)} "
                f"{num(x1)},{num(y1)}",
                fill="none",
                stroke=LINK,
                stroke_width="1.5",
            )
            svg.circle(x1, y1, 2.5, fill=LINK)
    if reads:
        _draw_reads(svg, scale, reads, lanes, ordered, TOP + band + 24.0, partitions, unit)
    if start <= now_ms <= end:  # a window that ends before now (``until``) has no now line
        x_now = scale.x(now_ms)
        svg.line(
            x_now, TOP - 4, x_now, axis_y, stroke=NOW, stroke_width="1.5", stroke_dasharray="4 3"
        )
        svg.label(x_now, TOP - 6, "now", size=10, text_anchor="middle", fill=NOW)
    where = f"{len(partitions)} partitions " if unit == "partition" else ""
    summary = (
        f"{title}: {len(ordered)} shards, {open_count} open, {where}"
        f"by {by}, now {elapsed(now_ms - origin_ms)}"
    )
    return Picture(
        kind="lineage",
        title=title,
        summary=summary,
        svg=svg.text(),
        mermaid=lineage_mermaid(ordered, origin_ms=origin_ms, unit=unit),
    )


def _legend(svg: Svg, width: float) -> None:
    x = width - RIGHT - 300
    for label, style in (
        ("open", {"fill": OPEN}),
        ("closed", {"fill": CLOSED}),
        (
            "no longer listed",
            {"fill": CLOSED, "fill_opacity": "0.3", "stroke": GREY, "stroke_dasharray": "3 2"},
        ),
    ):
        svg.rect(x, 12, 12, 10, **style)
        svg.label(x + 16, 21, label, size=10, fill=TEXT)
        x += 20 + 6.5 * len(label)
    svg.rect(x, 12, 12, 10, fill=RETENTION, stroke=GREY, stroke_width="0.5")
    svg.label(x + 16, 21, "retention", size=10, fill=TEXT)


def _lane_labels(
    svg: Svg,
    shards: list[ShardSpan],
    by: str,
    band: float,
    lane_of: dict[int, int],
    unit: str,
) -> None:
    """By partition: each lane's name.  By hash: the key-space axis, 0% to 100%."""
    if by == "partition":
        for partition, lane in lane_of.items():
            y = TOP + LANE * lane + LANE / 2 + 4
            svg.label(LEFT - 8, y, f"{unit} {partition}", size=10, text_anchor="end", fill=TEXT)
        return
    svg.label(
        12,
        TOP + band / 2,
        "hash range",
        size=10,
        fill=GREY,
        transform=f"rotate(-90 12 {num(TOP + band / 2)})",
        text_anchor="middle",
    )
    for quarter in range(5):
        y = TOP + band * quarter / 4
        svg.line(LEFT - 4, y, LEFT, y, stroke=TEXT, stroke_width="1")
        svg.label(LEFT - 8, y + 4, f"{25 * quarter}%", size=10, text_anchor="end", fill=TEXT)


def _bar(
    svg: Svg,
    scale: TimeScale,
    shard: ShardSpan,
    ys: tuple[float, float],
    now_ms: int,
    origin_ms: int,
    unit: str,
) -> None:
    top, bottom = ys
    end = shard.closed_ms if shard.closed_ms is not None else now_ms
    x0, x1 = scale.x(shard.opened_ms), scale.x(end)
    gone = shard.listed_until_ms is not None and shard.listed_until_ms <= now_ms
    closed = "open" if shard.closed_ms is None else f"closed {elapsed(shard.closed_ms - origin_ms)}"
    where = (
        f"partition {shard.partition_id}"
        if unit == "partition"
        else f"hash keys {shard.hash_lo}..{shard.hash_hi - 1}"
    )
    tip = (
        f"{shard.shard_id}\n{where}, opened "
        f"{elapsed(shard.opened_ms - origin_ms)}, {closed}, {shard.records} records"
        + (f"\nparent {shard.parent_id}" if shard.parent_id else "")
        + (f"\nadjacent parent {shard.adjacent_parent_id}" if shard.adjacent_parent_id else "")
        + ("\nno longer listed by DescribeStream" if gone else "")
    )
    style: dict[str, str] = {
        "fill": OPEN if shard.closed_ms is None else CLOSED,
        "stroke": "#FFFFFF",
        "stroke_width": "1",
    }
    if gone:
        style.update(fill_opacity="0.3", stroke=GREY, stroke_dasharray="3 2")
    svg.rect(x0, top, x1 - x0, bottom - top, tip=tip, **style)
    if x1 - x0 < 1.5:  # too short to see at this scale: a tick marks it
        svg.line(x0, top, x0, bottom, stroke=style["fill"], stroke_width="1.5")
    if x1 - x0 >= 84 and bottom - top >= 12:
        text = f"{_name(shard.shard_id, shard.partition_id, unit)} · {shard.records}"
        svg.label(x0 + 7, (top + bottom) / 2 + 4, text, size=10, fill=TEXT)


def _read_lanes(reads: list[ReadSpan], shards: list[ShardSpan]) -> list[int]:
    parents = {s.shard_id: s.parent_id for s in shards}
    return instance_lanes(reads, parents)


def _draw_reads(
    svg: Svg,
    scale: TimeScale,
    reads: list[ReadSpan],
    lanes: list[int],
    shards: list[ShardSpan],
    top: float,
    partitions: list[int],
    unit: str,
) -> None:
    """The Lambda lanes: one per instance, a bar per run of reads of one shard."""
    partition_of = {s.shard_id: s.partition_id for s in shards}
    colour_of = {p: SERIES[i % len(SERIES)] for i, p in enumerate(partitions)}
    count = max(lanes) + 1
    svg.label(
        LEFT, top - 8, "Lambda instances (which instance read which shard)", size=10, fill=GREY
    )
    merged: list[tuple[int, str, int, int, int]] = []  # lane, shard, start, end, reads
    order = sorted(range(len(reads)), key=lambda i: (lanes[i], reads[i].start_ms, i))
    for i in order:
        lane, read = lanes[i], reads[i]
        if merged and merged[-1][0] == lane and merged[-1][1] == read.shard_id:
            last = merged[-1]
            merged[-1] = (lane, last[1], last[2], max(last[3], read.end_ms), last[4] + 1)
        else:
            merged.append((lane, read.shard_id, read.start_ms, read.end_ms, 1))
    for lane in range(count):
        y = top + LANE * lane
        svg.label(
            LEFT - 8,
            y + LANE / 2 + 4,
            f"instance {lane + 1}",
            size=10,
            text_anchor="end",
            fill=TEXT,
        )
    for lane, shard_id, start, end, n in merged:
        y = top + LANE * lane
        x0, x1 = scale.x(start), scale.x(end)
        colour = colour_of.get(partition_of.get(shard_id, -1), GREY)
        tip = f"instance {lane + 1} read {shard_id}: {n} invocation{'' if n == 1 else 's'}"
        svg.rect(
            x0,
            y + GAP,
            max(x1 - x0, 1.5),
            LANE - 2 * GAP,
            tip=tip,
            fill=colour,
            fill_opacity="0.5",
        )
        if x1 - x0 >= 84:
            partition = partition_of.get(shard_id)
            text = short_id(shard_id) if partition is None else _name(shard_id, partition, unit)
            svg.label(x0 + 7, y + LANE / 2 + 4, text, size=10, fill=TEXT)


def _name(shard_id: str, number: int, unit: str) -> str:
    """How a bar names its shard: ``p<partition> <short id>``, or ``shard <index>`` (Kinesis).

    >>> _name("shardId-00000001704067200000-f8be89c9", 2, "partition"), _name("x", 3, "shard")
    ('p2 f8be89c9', 'shard 3')
    """
    return f"p{number} {short_id(shard_id)}" if unit == "partition" else f"shard {number}"


def lineage_mermaid(shards: list[ShardSpan], *, origin_ms: int, unit: str = "partition") -> str:
    """The lineage as a Mermaid flowchart: a node per shard, parent --> child edges.

    Shards are grouped in a subgraph per partition; a Kinesis stream's (``unit="shard"``) are
    not grouped, and a merged shard has an edge from each of its two parents.

    >>> print(lineage_mermaid([ShardSpan("shardId-1-aa", 0, 0, 1, 0, 10, None, None, 3)],
    ...                        origin_ms=0))
    flowchart LR
      subgraph p0 [partition 0]
        saa["aa · 0 → 10ms · 3 records"]:::closed
      end
      classDef open fill:#009E73,color:#fff
      classDef closed fill:#56B4E9,color:#000
    <BLANKLINE>
    """
    lines = ["flowchart LR"]
    by_partition: dict[int, list[ShardSpan]] = {}
    for shard in sorted(shards, key=lambda s: (s.partition_id, s.opened_ms, s.shard_id)):
        by_partition.setdefault(shard.partition_id, []).append(shard)
    known = {s.shard_id for s in shards}
    grouped = unit == "partition"
    for partition, members in by_partition.items():
        if grouped:
            lines.append(f"  subgraph p{partition} [partition {partition}]")
        for s in members:
            end = "open" if s.closed_ms is None else elapsed(s.closed_ms - origin_ms)
            name = short_id(s.shard_id) if grouped else f"shard {s.partition_id}"
            text = f"{name} · {elapsed(s.opened_ms - origin_ms)} → {end}"
            state = "open" if s.closed_ms is None else "closed"
            indent = "    " if grouped else "  "
            lines.append(
                f'{indent}s{short_id(s.shard_id)}["{text} · {s.records} records"]:::{state}'
            )
        if grouped:
            lines.append("  end")
    for s in sorted(shards, key=lambda s: (s.partition_id, s.opened_ms, s.shard_id)):
        for parent_id in (s.parent_id, s.adjacent_parent_id):
            if parent_id is not None and parent_id in known:
                lines.append(f"  s{short_id(parent_id)} --> s{short_id(s.shard_id)}")
    lines.append(f"  classDef open fill:{OPEN},color:#fff")
    lines.append(f"  classDef closed fill:{CLOSED},color:#000")
    return "\n".join(lines) + "\n"
