"""What a Kinesis stream's pictures and tables are made of: its shards folded into shard spans.

A Kinesis stream keeps no lifecycle log: its shards stay in memory until they have expired
(nothing left within retention) and the hourly sweep drops them, so the pictures show every
shard still in memory, expired ones faded.  Each shard is drawn as its own "partition"
numbered by its index (:func:`streamsim._pictures.lineage_picture` with ``unit="shard"``) over
the 128-bit hash-key space, with links from its parent and, after a merge, its adjacent parent.

AWS behaviour: rule K.10-K.13 (lineage, retention, resharding).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from streamsim._clock import datetime_to_ms, ms_to_datetime
from streamsim._kinesis._shard import ARRIVAL, KinesisShard
from streamsim._kinesis._stream import KinesisStream
from streamsim._pictures import (
    Picture,
    ReadSpan,
    ShardSpan,
    counts_picture,
    lineage_picture,
)

#: Kinesis hash keys are 128-bit (rule K.5)
HASH_KEYS = 1 << 128


def _ms(value: datetime | None) -> int | None:
    """A picture's time bound in virtual epoch ms (a timezone-aware datetime, or None)."""
    return None if value is None else datetime_to_ms(value)


def listed_until_ms(shard: KinesisShard, retention_ms: int, now_ms: int) -> int | None:
    """The first instant ListShards no longer lists a closed shard, or None while it is open.

    A closed shard is listed until its newest record ages out (one retention period after
    its closing when it never held one, rule K.11).  Once its records have left memory the
    instant is no longer known exactly: it is then ``now_ms`` (the shard is expired already).
    """
    closed = shard.closed_ms
    if closed is None:
        return None
    if shard.end_position == 0:
        return closed + retention_ms
    if shard.last_sequence_number is None:  # every record was trimmed and dropped
        return now_ms
    newest = shard.record_at(shard.end_position - 1)
    assert newest is not None
    return int(newest[ARRIVAL]) + retention_ms


def shard_spans(stream: KinesisStream) -> list[ShardSpan]:
    """Every shard of ``stream`` still in memory, in opening (index) order."""
    now = stream.clock.now_ms
    retention = stream.retention_ms
    return [
        ShardSpan(
            shard_id=shard.shard_id,
            partition_id=shard.index,
            hash_lo=shard.starting_hash_key,
            hash_hi=shard.ending_hash_key + 1,
            opened_ms=shard.created_ms,
            closed_ms=shard.closed_ms,
            listed_until_ms=listed_until_ms(shard, retention, now),
            parent_id=shard.parent_shard_id,
            records=shard.end_position,
            adjacent_parent_id=shard.adjacent_parent_shard_id,
        )
        for shard in stream.all_shards
    ]


def lineage(
    stream: KinesisStream,
    *,
    by: str,
    reads: list[ReadSpan] | None,
    since: datetime | None,
    until: datetime | None,
    width: int,
) -> Picture:
    """The stream's lineage picture (see :func:`streamsim._pictures.lineage_picture`)."""
    spans = shard_spans(stream)
    if reads:
        ids = {s.shard_id for s in spans}
        reads = [r for r in reads if r.shard_id in ids]
    return lineage_picture(
        spans,
        title=f"Shard lineage of Kinesis stream {stream.name}",
        now_ms=stream.clock.now_ms,
        origin_ms=stream.created_ms,
        retention_ms=stream.retention_ms,
        by=by,
        reads=reads,
        start_ms=_ms(since),
        end_ms=_ms(until),
        width=width,
        hash_space=HASH_KEYS,
        unit="shard",
    )


def counts(stream: KinesisStream, *, since: datetime | None, width: int) -> Picture:
    """Shards listed and open over time (see :func:`streamsim._pictures.counts_picture`)."""
    return counts_picture(
        shard_spans(stream),
        title=f"Shards of Kinesis stream {stream.name}: listed vs open",
        now_ms=stream.clock.now_ms,
        origin_ms=stream.created_ms,
        start_ms=_ms(since),
        width=width,
    )


def shards_table(stream: KinesisStream) -> list[dict[str, Any]]:
    """One flat row per shard still in memory, in index order."""
    now = stream.clock.now_ms
    live = {s.shard_id: s for s in stream.all_shards}
    rows: list[dict[str, Any]] = []
    for span in shard_spans(stream):
        shard = live[span.shard_id]
        gone = span.listed_until_ms is not None and span.listed_until_ms <= now
        state = "open" if span.closed_ms is None else ("expired" if gone else "closed")
        ending = shard.ending_sequence_number
        rows.append(
            {
                "shard_id": span.shard_id,
                "index": span.partition_id,
                "parent_shard_id": span.parent_id,
                "adjacent_parent_shard_id": span.adjacent_parent_id,
                "state": state,
                "opened": ms_to_datetime(span.opened_ms),
                "elapsed": timedelta(milliseconds=span.opened_ms - stream.created_ms),
                "closed": None if span.closed_ms is None else ms_to_datetime(span.closed_ms),
                "listed_until": (
                    None if span.listed_until_ms is None else ms_to_datetime(span.listed_until_ms)
                ),
                "records": span.records,
                "readable_records": 0 if gone else shard.end_position - shard.first_position,
                "starting_hash_key": str(shard.starting_hash_key),
                "ending_hash_key": str(shard.ending_hash_key),
                "starting_sequence_number": str(shard.starting_sequence_number),
                "ending_sequence_number": None if ending is None else str(ending),
            }
        )
    return rows
