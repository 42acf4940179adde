"""Helpers for the Lambda-reads-Kinesis tests: a simulation with a Kinesis stream, writes,
reshards and a mapping, through the Kinesis model's API (the ``kinesis`` branch's)."""

from __future__ import annotations

import json
from typing import Any

from streamsim import Simulation
from streamsim._kinesis._stream import KinesisStream
from streamsim._lambda._mapping import EventSourceMapping
from streamsim._lambda._service import LambdaSettings
from tests.lambda_support import Recorder


def kinesis(
    *, shards: int = 1, seed: int = 1, name: str = "clicks", **settings: Any
) -> tuple[Simulation, KinesisStream]:
    """A simulation with one ACTIVE Kinesis stream of ``shards`` shards."""
    sim = Simulation(seed=seed, lambda_settings=LambdaSettings(**settings))
    stream = sim._model.kinesis.create_stream(name, shards)
    sim.advance(seconds=2)  # CREATING -> ACTIVE
    return sim, stream


def put(sim: Simulation, stream: KinesisStream, key: str, value: Any) -> int:
    """PutRecord of ``value`` as JSON under partition key ``key``; its sequence number."""
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    return sim._model.kinesis.put_record(stream, key, data).sequence_number


def put_paced(sim: Simulation, stream: KinesisStream, key: str, items: list[Any]) -> None:
    """Put ``items`` under ``key`` within the shard's write limits (1 MiB, 1,000 records a
    second): a second of virtual time passes every 500 records or 900 KB."""
    count = size = 0
    for item in items:
        data = item if isinstance(item, bytes) else json.dumps(item).encode()
        if count == 500 or size + len(data) > 900_000:
            sim.advance(seconds=1)
            count = size = 0
        put(sim, stream, key, data)
        count += 1
        size += len(data)


def map_function(
    sim: Simulation,
    stream: KinesisStream,
    handler: Any,
    *,
    name: str = "fn",
    function: dict[str, Any] | None = None,
    **params: Any,
) -> EventSourceMapping:
    """Create function ``name`` and map it to ``stream``; return the model mapping."""
    if name not in sim.lambda_service.functions:
        sim.create_function(name, handler, **(function or {}))
    params.setdefault("StartingPosition", "TRIM_HORIZON")
    response = sim.client("lambda").create_event_source_mapping(
        FunctionName=name, EventSourceArn=stream.arn, **params
    )
    return sim._model.lambda_service.mapping(response["UUID"])


def values(recorder: Recorder) -> list[Any]:
    """Every record's decoded data, over all calls, in call order."""
    return [data_of(r) for event in recorder.events for r in event.get("Records", [])]


def data_of(record: dict[str, Any]) -> Any:
    """One event record's data, decoded from base64 and JSON."""
    import base64

    return json.loads(base64.b64decode(record["kinesis"]["data"]))


def reshard_split(sim: Simulation, stream: KinesisStream, shard_id: str) -> None:
    """Split ``shard_id`` in the middle of its range and wait for the stream to be ACTIVE."""
    shard = stream.shard(shard_id)
    assert shard is not None
    lo, hi = shard.hash_range
    sim._model.kinesis.split_shard(stream, shard_id, str((lo + hi) // 2))
    sim.advance(seconds=2)


def reshard_merge(sim: Simulation, stream: KinesisStream, lower: str, upper: str) -> None:
    """Merge two adjacent open shards and wait for the stream to be ACTIVE."""
    sim._model.kinesis.merge_shards(stream, lower, upper)
    sim.advance(seconds=2)
