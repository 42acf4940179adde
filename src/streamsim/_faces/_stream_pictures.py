"""What a stream's pictures and tables are made of: its lifecycle log folded into shard spans.

The stream's records and expired shards leave memory; its lifecycle log
(:mod:`streamsim._streams._history`) does not, so every shard the log still names is drawn,
counted and tabled, with the live shards' current record counts on top.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from streamsim._clock import datetime_to_ms, ms_to_datetime
from streamsim._pictures import (
    Picture,
    ReadSpan,
    ShardSpan,
    count_steps,
    counts_picture,
    lineage_picture,
    short_id,
)
from streamsim._streams._history import SHARD_CLOSED, SHARD_OPENED
from streamsim._streams._stream import Stream as StreamModel


def sequence_ranges(stream: StreamModel) -> dict[str, tuple[int | None, int | None]]:
    """Shard id -> (starting, ending) sequence number, from the log and the live shards."""
    ranges: dict[str, tuple[int | None, int | None]] = {}
    for event in stream.history:
        if event.shard_id is None:
            continue
        start, end = ranges.get(event.shard_id, (None, None))
        if event.kind == SHARD_OPENED:
            ranges[event.shard_id] = (event.sequence_number, end)
        elif event.kind == SHARD_CLOSED:
            ranges[event.shard_id] = (start, event.sequence_number)
    for shard in stream.all_shards:
        ranges[shard.shard_id] = (shard.starting_sequence_number, shard.ending_sequence_number)
    return ranges


def shard_spans(stream: StreamModel) -> list[ShardSpan]:
    """Every shard the lifecycle log names or memory holds, in opening order."""
    opened: dict[str, dict[str, Any]] = {}
    for event in stream.history:
        if event.kind == SHARD_OPENED and event.shard_id is not None:
            opened[event.shard_id] = {
                "shard_id": event.shard_id,
                "partition_id": event.partition,
                "hash_lo": event.hash_lo,
                "hash_hi": event.hash_hi,
                "opened_ms": event.at_ms,
                "closed_ms": None,
                "listed_until_ms": None,
                "parent_id": event.parent_shard_id,
                "records": 0,
            }
        elif event.kind == SHARD_CLOSED and event.shard_id in opened:
            entry = opened[event.shard_id]
            entry["closed_ms"] = event.at_ms
            entry["listed_until_ms"] = event.listed_until_ms
            entry["records"] = event.records
    for shard in stream.all_shards:  # the live ones: their counts now (and any the log lost)
        lo, hi = stream.hash_range(shard.partition_id)
        opened[shard.shard_id] = {
            "shard_id": shard.shard_id,
            "partition_id": shard.partition_id,
            "hash_lo": lo,
            "hash_hi": hi,
            "opened_ms": shard.created_ms,
            "closed_ms": shard.closed_ms,
            "listed_until_ms": shard.listed_until_ms,
            "parent_id": shard.parent_shard_id,
            "records": shard.end_position,
        }
    spans = [ShardSpan(**entry) for entry in opened.values()]
    return sorted(spans, key=lambda s: (s.opened_ms, s.shard_id))


def _ms(value: datetime | None) -> int | None:
    """A picture's time bound in virtual epoch ms (a timezone-aware datetime, or None)."""
    return None if value is None else datetime_to_ms(value)


def lineage(
    stream: StreamModel,
    *,
    by: str,
    reads: list[ReadSpan] | None,
    since: datetime | None,
    until: datetime | None,
    width: int,
) -> Picture:
    """The stream's lineage picture (see :func:`streamsim._pictures.lineage_picture`)."""
    now = stream.clock.now_ms
    ids = None
    spans = shard_spans(stream)
    if reads:
        ids = {s.shard_id for s in spans}
        reads = [r for r in reads if r.shard_id in ids]
    return lineage_picture(
        spans,
        title=f"Shard lineage of {stream.table_name} ({stream.label})",
        now_ms=now,
        origin_ms=stream.created_ms,
        retention_ms=stream.settings.retention_ms,
        by=by,
        reads=reads,
        start_ms=_ms(since),
        end_ms=_ms(until),
        width=width,
    )


def counts(stream: StreamModel, *, since: datetime | None, width: int) -> Picture:
    """Shards listed and open over time (see :func:`streamsim._pictures.counts_picture`)."""
    return counts_picture(
        shard_spans(stream),
        title=f"Shards of {stream.table_name}: listed vs open",
        now_ms=stream.clock.now_ms,
        origin_ms=stream.created_ms,
        start_ms=_ms(since),
        width=width,
    )


def counts_table(stream: StreamModel) -> list[dict[str, Any]]:
    """Rows ``time``, ``elapsed``, ``listed``, ``open`` at every instant a count changes."""
    origin = stream.created_ms
    return [
        {
            "time": ms_to_datetime(at),
            "elapsed": timedelta(milliseconds=at - origin),
            "listed": listed,
            "open": opened,
        }
        for at, listed, opened in count_steps(shard_spans(stream), stream.clock.now_ms)
    ]


def shards_table(stream: StreamModel) -> list[dict[str, Any]]:
    """One flat row per shard (expired ones included), in opening order."""
    now = stream.clock.now_ms
    live = {s.shard_id: s for s in stream.all_shards}
    numbers = sequence_ranges(stream)
    rows: list[dict[str, Any]] = []
    for span in shard_spans(stream):
        shard = live.get(span.shard_id)
        first, last = numbers.get(span.shard_id, (None, None))
        gone = span.listed_until_ms is not None and span.listed_until_ms <= now
        state = "open" if span.closed_ms is None else ("expired" if gone else "closed")
        rows.append(
            {
                "shard_id": span.shard_id,
                "short_id": short_id(span.shard_id),
                "partition": span.partition_id,
                "parent_shard_id": span.parent_id,
                "state": state,
                "opened": ms_to_datetime(span.opened_ms),
                "closed": None if span.closed_ms is None else ms_to_datetime(span.closed_ms),
                "listed_until": (
                    None if span.listed_until_ms is None else ms_to_datetime(span.listed_until_ms)
                ),
                "records": span.records,
                "readable_records": 0 if shard is None or gone else len(shard),
                "hash_lo": span.hash_lo,
                "hash_hi": span.hash_hi,
                "starting_sequence_number": None if first is None else str(first),
                "ending_sequence_number": None if last is None else str(last),
            }
        )
    return rows
