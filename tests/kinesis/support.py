"""Helpers shared by the Kinesis tests: a simulation with one stream, draining a shard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from streamsim import KinesisSettings, Simulation
from tests.shapes import assert_matches_output_shape

SPACE = 1 << 128


def stream(
    shards: int = 1,
    *,
    name: str = "s",
    limits: bool = False,
    delay: timedelta = timedelta(0),
    seed: int = 1,
) -> tuple[Simulation, Any]:
    """A simulation with an ACTIVE stream ``name`` of ``shards`` shards, and its client."""
    sim = Simulation(
        seed=seed, kinesis_settings=KinesisSettings(throughput_limits=limits, status_delay=delay)
    )
    client = sim.client("kinesis")
    client.create_stream(StreamName=name, ShardCount=shards)
    sim.advance(delay)
    return sim, client


def checked(client: Any, method: str, **params: Any) -> dict[str, Any]:
    """``client.<method>(**params)``, its response checked against botocore's output shape."""
    response: dict[str, Any] = getattr(client, method)(**params)
    assert_matches_output_shape("kinesis", client.meta.method_to_api_mapping[method], response)
    return response


def shards(client: Any, name: str = "s", **params: Any) -> list[dict[str, Any]]:
    """Every listed shard of a stream (ListShards, one call)."""
    out: list[dict[str, Any]] = checked(client, "list_shards", StreamName=name, **params)["Shards"]
    return out


def drain(client: Any, shard_id: str, name: str = "s") -> tuple[list[dict[str, Any]], Any]:
    """Read a shard from TRIM_HORIZON to the end: (records, the last response)."""
    iterator = client.get_shard_iterator(
        StreamName=name, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while True:
        page = checked(client, "get_records", ShardIterator=iterator)
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if iterator is None or not page["Records"]:
            return records, page
