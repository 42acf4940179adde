"""Kinesis through real AWS SDK paths: ``sim.boto3_session()``, ``sim.patch_boto3()``, HTTP.

botocore serialises each request as JSON 1.1 (``X-Amz-Target: Kinesis_20131202.*``, base64
``Data``), the simulation answers it, and botocore parses the answer (bytes, datetimes, its
own error classes, paginators).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from streamsim import Simulation

from .test_server import client as served_client


def _produce_and_consume(kinesis: Any) -> list[bytes]:
    """Create a 2-shard stream, write 20 records, read every shard to its tip."""
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")
    puts = kinesis.put_records(
        StreamName="clicks",
        Records=[{"Data": b"click-%02d" % i, "PartitionKey": f"user{i % 7}"} for i in range(20)],
    )
    assert puts["FailedRecordCount"] == 0
    read: list[bytes] = []
    for page in kinesis.get_paginator("list_streams").paginate():
        assert page["StreamNames"] == ["clicks"]
    for shard in kinesis.list_shards(StreamName="clicks")["Shards"]:
        iterator = kinesis.get_shard_iterator(
            StreamName="clicks", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        response = kinesis.get_records(ShardIterator=iterator)
        assert response["MillisBehindLatest"] == 0
        assert "NextShardIterator" in response
        read += [record["Data"] for record in response["Records"]]
    return sorted(read)


def test_boto3_session_produces_and_consumes() -> None:
    """A client of sim.boto3_session() writes and reads records as bytes, errors as botocore's."""
    sim = Simulation(seed=1)
    kinesis = sim.boto3_session().client("kinesis")
    assert _produce_and_consume(kinesis) == [b"click-%02d" % i for i in range(20)]
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as info:
        kinesis.describe_stream(StreamName="missing")
    assert info.value.response["Error"]["Message"] == (
        "Stream missing under account 123456789012 not found."
    )
    with pytest.raises(kinesis.exceptions.InvalidArgumentException, match="Invalid ShardIterator"):
        kinesis.get_records(ShardIterator="garbage")
    sim._check()


def test_patched_boto3_client_reaches_the_simulation() -> None:
    """boto3.client("kinesis") made inside sim.patch_boto3() is answered by the simulation."""
    sim = Simulation(seed=1)
    with sim.patch_boto3():
        kinesis = boto3.client("kinesis")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        put = kinesis.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    listed = sim.client("kinesis").list_shards(StreamName="s")["Shards"]
    assert listed[0]["ShardId"] == put["ShardId"]


def test_served_endpoint_answers_kinesis_over_http() -> None:
    """A boto3 Kinesis client pointed at sim.serve()'s URL runs a producer and a consumer."""
    sim = Simulation(seed=1)
    with sim.serve(port=0) as server:
        kinesis = served_client(server.url, "kinesis")
        assert _produce_and_consume(kinesis) == [b"click-%02d" % i for i in range(20)]
        with pytest.raises(ClientError) as info:
            kinesis.split_shard(
                StreamName="clicks", ShardToSplit="shardId-000000000000", NewStartingHashKey="1"
            )
    assert info.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
