"""The plain data pictures are drawn from: what a caller hands in, nothing live.

The faces turn a stream's lifecycle log and a mapping's logs into these records; the drawing
code never sees a model object.  They are frozen dataclasses, so ``pandas.DataFrame(list)``
takes a list of them as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the partition-key hash space a table's partitions divide (``[0, HASH_SPACE)``)
HASH_SPACE = 1 << 64


@dataclass(frozen=True, slots=True)
class ShardSpan:
    """One shard's life, as a lineage picture draws it.

    Attributes:
        shard_id: the full shard id.
        partition_id: the table partition it took writes for.
        hash_lo / hash_hi: the partition's half-open range of the key hash space.
        opened_ms / closed_ms: when it opened and closed (None while open).
        listed_until_ms: the first instant DescribeStream no longer lists it (None while it
            cannot yet be known: the shard is open).
        parent_id: the parent shard's id, or None for a root.
        records: records ever appended to it (trimmed ones included).
        adjacent_parent_id: the second parent of a Kinesis shard made by a merge
            (``AdjacentParentShardId``), else None.
    """

    shard_id: str
    partition_id: int
    hash_lo: int
    hash_hi: int
    opened_ms: int
    closed_ms: int | None
    listed_until_ms: int | None
    parent_id: str | None
    records: int
    adjacent_parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReadSpan:
    """One invocation's read of one shard: the batch came from ``shard_id``, ran start..end."""

    shard_id: str
    start_ms: int
    end_ms: int


def short_id(shard_id: str) -> str:
    """The part of a shard id people tell shards apart by: its last 8 hex characters.

    >>> short_id("shardId-00000001704067200000-f8be89c9")
    'f8be89c9'
    """
    return shard_id.rsplit("-", 1)[-1]


def instance_lanes(reads: list[ReadSpan], parents: dict[str, str | None]) -> list[int]:
    """Number the instances that ran ``reads``: one lane index per read, in the given order.

    AWS does not name its instances; the pictures number them by a fixed rule so a reader
    can follow one: reads go in start order, and each takes the free lane that last read the
    same shard, else the lane that last read its parent shard, else the lowest free lane.
    A lane is free once the read before it ended.

    >>> reads = [ReadSpan("a", 0, 5), ReadSpan("b", 1, 4), ReadSpan("a", 6, 9)]
    >>> instance_lanes(reads, {})
    [0, 1, 0]
    """
    order = sorted(range(len(reads)), key=lambda i: (reads[i].start_ms, reads[i].shard_id, i))
    busy_until: list[int] = []
    last_lane: dict[str, int] = {}
    out = [0] * len(reads)
    for i in order:
        read = reads[i]
        free = [lane for lane, until in enumerate(busy_until) if until <= read.start_ms]
        lane = -1
        for preferred in (read.shard_id, parents.get(read.shard_id)):
            if preferred is not None and last_lane.get(preferred, -1) in free:
                lane = last_lane[preferred]
                break
        if lane < 0:
            lane = free[0] if free else len(busy_until)
        if lane == len(busy_until):
            busy_until.append(0)
        busy_until[lane] = max(read.end_ms, read.start_ms + 1)
        last_lane[read.shard_id] = lane
        out[i] = lane
    return out
