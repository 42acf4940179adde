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


def test_aws_cli_writes_and_reads_a_kinesis_stream() -> None:
    """The AWS CLI creates a stream, puts a record, reads it back and reshards, over HTTP."""
    import json
    import os
    import subprocess

    from .test_server import aws_cli

    cli = aws_cli()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "fake",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_MAX_ATTEMPTS": "1",
    }
    sim = Simulation(seed=1)
    with sim.serve(port=0) as server:

        def aws(*args: str) -> Any:
            result = subprocess.run(
                [cli, "kinesis", *args, "--endpoint-url", server.url, "--output", "json"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            return json.loads(result.stdout) if result.stdout.strip() else None

        aws("create-stream", "--stream-name", "cli", "--shard-count", "2")
        put = aws(
            "put-record", "--stream-name", "cli", "--partition-key", "a", "--data", "aGVsbG8="
        )
        iterator = aws(
            "get-shard-iterator", "--stream-name", "cli", "--shard-id", put["ShardId"],
            "--shard-iterator-type", "TRIM_HORIZON",
        )["ShardIterator"]  # fmt: skip
        records = aws("get-records", "--shard-iterator", iterator)["Records"]
        aws(
            "split-shard", "--stream-name", "cli", "--shard-to-split", "shardId-000000000000",
            "--new-starting-hash-key", "12345",
        )  # fmt: skip
        shards = aws("list-shards", "--stream-name", "cli")["Shards"]
    assert [r["SequenceNumber"] for r in records] == [put["SequenceNumber"]]
    assert records[0]["PartitionKey"] == "a"
    assert [s["ShardId"][-1] for s in shards] == ["0", "1", "2", "3"]
    # CLI v1 sends the text itself, v2 decodes it as base64 first
    stored = sim.client("kinesis")
    first = stored.get_shard_iterator(
        StreamName="cli", ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert stored.get_records(ShardIterator=first)["Records"][0]["Data"] in (b"aGVsbG8=", b"hello")
