"""What the Lambda pictures and tables are made of: a mapping's logs, a function's spans.

Instances are numbered as the pictures number them (:func:`streamsim._pictures.instance_lanes`),
so the ``instance`` column of :func:`invocations_table` matches the lineage picture's lanes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from streamsim._clock import datetime_to_ms, ms_to_datetime
from streamsim._kinesis._stream import KinesisStream as KinesisStreamModel
from streamsim._lambda._dynamodb_source import DynamoDBStreamSource
from streamsim._lambda._functions import Function as FunctionModel
from streamsim._lambda._kinesis_source import KinesisStreamSource
from streamsim._lambda._mapping import EventSourceMapping as MappingModel
from streamsim._lambda._metrics import PARTIAL_FAILURE, SUCCESS, THROTTLED, Invocation
from streamsim._pictures import (
    Picture,
    ReadSpan,
    concurrency_steps,
    instance_lanes,
    short_id,
    timeline_picture,
)

from ._stream_pictures import shard_spans


def _ms(value: datetime | None) -> int | None:
    """A picture's time bound in virtual epoch ms (a timezone-aware datetime, or None)."""
    return None if value is None else datetime_to_ms(value)


def reads(invocations: Iterable[Invocation]) -> list[ReadSpan]:
    """One read span per invocation."""
    return [ReadSpan(i.shard_id, i.start_ms, i.end_ms) for i in invocations]


def shard_parents(mapping: MappingModel) -> dict[str, str | None]:
    """Shard id -> parent id for every shard the mapping's stream still knows of (a DynamoDB
    stream's lifecycle log, a Kinesis stream's shards in memory)."""
    source = mapping.source
    if isinstance(source, DynamoDBStreamSource):
        return {s.shard_id: s.parent_id for s in shard_spans(source.stream)}
    if isinstance(source, KinesisStreamSource) and isinstance(source.stream, KinesisStreamModel):
        return {s.shard_id: s.parent_shard_id for s in source.stream.all_shards}
    return {}  # pragma: no cover - every source is one of the two


def mapping_timeline(mapping: MappingModel, *, since: datetime | None, width: int) -> Picture:
    """The four-panel timeline of one mapping."""
    metrics = mapping.metrics
    log = list(metrics.invocation_log)
    return timeline_picture(
        title=f"Mapping {mapping.uuid[:8]}: {mapping.function.name} <- {mapping.source.name}",
        spans=reads(log),
        throttles=[event[0] for event in metrics.history if event[1] == THROTTLED],
        ages=[(a.at_ms, a.age_ms) for a in metrics.iterator_ages],
        batches=[(i.start_ms, i.batch_size, i.outcome in (SUCCESS, PARTIAL_FAILURE)) for i in log],
        now_ms=mapping.function.clock.now_ms,
        origin_ms=mapping.created_ms,
        reserved=mapping.function.reserved_concurrency,
        start_ms=_ms(since),
        width=width,
    )


def function_timeline(
    function: FunctionModel, mappings: list[MappingModel], *, since: datetime | None, width: int
) -> Picture:
    """The four-panel timeline of a function over all its event sources."""
    log = [i for m in mappings for i in m.metrics.invocation_log]
    log.sort(key=lambda i: (i.start_ms, i.shard_id))
    ages = sorted((a.at_ms, a.age_ms) for m in mappings for a in m.metrics.iterator_ages)
    return timeline_picture(
        title=f"Function {function.name}",
        spans=[ReadSpan("", start, end) for start, end in function.spans],
        throttles=list(function.throttle_times),
        ages=ages,
        batches=[(i.start_ms, i.batch_size, i.outcome in (SUCCESS, PARTIAL_FAILURE)) for i in log],
        now_ms=function.clock.now_ms,
        origin_ms=function.created_ms,
        reserved=function.reserved_concurrency,
        start_ms=_ms(since),
        width=width,
    )


def invocations_table(mapping: MappingModel) -> list[dict[str, Any]]:
    """One flat row per invocation of a mapping, oldest first."""
    log = list(mapping.metrics.invocation_log)
    lanes = instance_lanes(reads(log), shard_parents(mapping))
    return [
        {
            "start": ms_to_datetime(inv.start_ms),
            "end": ms_to_datetime(inv.end_ms),
            "duration_ms": inv.end_ms - inv.start_ms,
            "shard_id": inv.shard_id,
            "short_id": short_id(inv.shard_id),
            "instance": lane + 1,
            "batch_size": inv.batch_size,
            "attempt": inv.attempt,
            "outcome": inv.outcome,
            "error": inv.error,
            "first_sequence_number": inv.first_sequence_number,
            "last_sequence_number": inv.last_sequence_number,
            "request_id": inv.request_id,
            "mapping": mapping.uuid,
        }
        for inv, lane in zip(log, lanes, strict=True)
    ]


def concurrency_table(function: FunctionModel) -> list[dict[str, Any]]:
    """Rows ``time``, ``elapsed``, ``instances``: the count from that instant on."""
    spans = [ReadSpan("", start, end) for start, end in function.spans]
    origin = function.created_ms
    return [
        {
            "time": ms_to_datetime(at),
            "elapsed": timedelta(milliseconds=at - origin),
            "instances": count,
        }
        for at, count in concurrency_steps(spans)
    ]
