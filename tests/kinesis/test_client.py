"""``sim.client("kinesis")`` and real boto3 against it: every operation, shapes, paging, errors.

Each test runs twice: on the face itself and through ``sim.boto3_session()`` (botocore's
serialiser, the JSON 1.1 wire, botocore's parser and paginators), see ``tests/sdk_support.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from streamsim import InvalidArgumentException, KinesisSettings, Simulation
from streamsim._errors import (
    DryRunOperationException,
    ExpiredNextTokenException,
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    StreamsimError,
    ValidationException,
)
from streamsim._faces._params import ParamValidationError
from tests.sdk_support import FACE_ONLY, FACES, client_for, skip_for_boto3
from tests.shapes import assert_matches_error_shape, assert_matches_output_shape


@pytest.fixture(params=FACES)
def face(request: pytest.FixtureRequest) -> str:
    """``face`` (sim.client) or ``boto3`` (sim.boto3_session().client)."""
    return str(request.param)


def _world(face: str, **settings: Any) -> tuple[Simulation, Any]:
    sim = Simulation(seed=3, kinesis_settings=KinesisSettings(**settings))
    return sim, client_for(sim, "kinesis", face)


def _ok(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    method = next(m for m, op in client.meta.method_to_api_mapping.items() if op == operation)
    response: dict[str, Any] = getattr(client, method)(**params)
    assert_matches_output_shape("kinesis", operation, response)
    return response


def _error(client: Any, operation: str, cls: type[StreamsimError], **params: Any) -> str:
    method = next(m for m, op in client.meta.method_to_api_mapping.items() if op == operation)
    with pytest.raises(cls) as info:
        getattr(client, method)(**params)
    assert_matches_error_shape("kinesis", operation, info.value)
    return str(info.value.response["Error"]["Message"])


def test_every_operation_answers_botocore_output_shapes(face: str) -> None:
    """Each of the 18 operations answers a response valid against botocore's output shape."""
    sim, client = _world(face)
    _ok(client, "CreateStream", StreamName="s", ShardCount=2, Tags={"team": "a"})
    _ok(client, "DescribeStream", StreamName="s")
    _ok(client, "DescribeStreamSummary", StreamName="s")
    _ok(client, "ListStreams")
    _ok(client, "ListShards", StreamName="s")
    put = _ok(client, "PutRecord", StreamName="s", Data=b"\x01", PartitionKey="k")
    _ok(client, "PutRecords", StreamName="s", Records=[{"Data": b"", "PartitionKey": "k"}])
    iterator = _ok(
        client,
        "GetShardIterator",
        StreamName="s",
        ShardId=put["ShardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=put["SequenceNumber"],
    )["ShardIterator"]
    records = _ok(client, "GetRecords", ShardIterator=iterator)["Records"]
    assert records[0]["Data"] == b"\x01"
    assert records[0]["PartitionKey"] == "k"
    assert records[0]["ApproximateArrivalTimestamp"] == sim.now
    _ok(client, "IncreaseStreamRetentionPeriod", StreamName="s", RetentionPeriodHours=48)
    _ok(client, "DecreaseStreamRetentionPeriod", StreamName="s", RetentionPeriodHours=24)
    _ok(
        client,
        "SplitShard",
        StreamName="s",
        ShardToSplit="shardId-000000000000",
        NewStartingHashKey="9",
    )
    _ok(
        client,
        "UpdateShardCount",
        StreamName="s",
        TargetShardCount=2,
        ScalingType="UNIFORM_SCALING",
    )
    opened = client.list_shards(StreamName="s", ShardFilter={"Type": "AT_LATEST"})["Shards"]
    first, second = sorted(opened, key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
    _ok(
        client,
        "MergeShards",
        StreamName="s",
        ShardToMerge=first["ShardId"],
        AdjacentShardToMerge=second["ShardId"],
    )
    _ok(client, "AddTagsToStream", StreamName="s", Tags={"b": "2"})
    _ok(client, "RemoveTagsFromStream", StreamName="s", TagKeys=["team"])
    assert _ok(client, "ListTagsForStream", StreamName="s")["Tags"] == [{"Key": "b", "Value": "2"}]
    _ok(client, "DeleteStream", StreamName="s")
    _error(client, "DescribeStream", ResourceNotFoundException, StreamName="s")


def test_streams_are_addressed_by_name_or_arn(face: str) -> None:
    """StreamARN works wherever StreamName does; a name and an ARN that disagree are refused."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    assert arn == "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    put = client.put_record(StreamARN=arn, Data=b"a", PartitionKey="k")
    assert put["ShardId"] == "shardId-000000000000"
    assert client.list_shards(StreamARN=arn)["Shards"][0]["ShardId"] == put["ShardId"]
    client.create_stream(StreamName="t", ShardCount=1)
    _error(client, "DescribeStreamSummary", InvalidArgumentException, StreamName="t", StreamARN=arn)
    message = _error(client, "DescribeStream", ResourceNotFoundException, StreamName="nope")
    assert message == "Stream nope under account 123456789012 not found."


def test_create_stream_refuses_duplicates_and_bad_names(face: str) -> None:
    """A duplicate is ResourceInUseException; a name outside the pattern a ValidationException."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1)
    message = _error(client, "CreateStream", ResourceInUseException, StreamName="s", ShardCount=1)
    assert message == "Stream s under account 123456789012 already exists."
    message = _error(
        client, "CreateStream", ValidationException, StreamName="bad name!", ShardCount=1
    )
    assert message.startswith("1 validation error detected: Value 'bad name!' at 'streamName'")
    assert client.list_streams()["StreamNames"] == ["s"]


def test_rejected_calls_change_nothing(face: str) -> None:
    """A call refused for any reason leaves streams, shards, records and tags as they were."""
    sim, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=2, Tags={"a": "1"})
    client.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    before = (client.list_shards(StreamName="s"), client.list_tags_for_stream(StreamName="s"))
    attempts = [
        (
            "put_records",
            {
                "StreamName": "s",
                "Records": [
                    {"Data": b"", "PartitionKey": "k"},
                    {"Data": b"", "PartitionKey": "k", "ExplicitHashKey": str(1 << 128)},
                ],
            },
        ),
        ("put_record", {"StreamName": "s", "Data": b"x" * (1024 * 1024), "PartitionKey": "k"}),
        (
            "split_shard",
            {"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1"},
        ),
        (
            "merge_shards",
            {
                "StreamName": "s",
                "ShardToMerge": "shardId-000000000001",
                "AdjacentShardToMerge": "shardId-000000000000",
            },
        ),
        (
            "update_shard_count",
            {"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"},
        ),
        ("add_tags_to_stream", {"StreamName": "s", "Tags": {f"k{i}": "v" for i in range(50)}}),
        ("decrease_stream_retention_period", {"StreamName": "s", "RetentionPeriodHours": 12}),
        ("put_record", {"StreamName": "s", "Data": b"x", "PartitionKey": "k", "DryRun": True}),
    ]
    for method, params in attempts:
        with pytest.raises(StreamsimError):
            getattr(client, method)(**params)
    after = (client.list_shards(StreamName="s"), client.list_tags_for_stream(StreamName="s"))
    for one, two in zip(before, after, strict=True):
        one.pop("ResponseMetadata")
        two.pop("ResponseMetadata")
    assert before == after
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000001", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert len(client.get_records(ShardIterator=iterator)["Records"]) == 1
    sim._check()


def test_dry_run_checks_and_does_nothing(face: str) -> None:
    """DryRun=True answers DryRunOperationException once every check passed, writing nothing."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1)
    message = _error(
        client,
        "PutRecord",
        DryRunOperationException,
        StreamName="s",
        Data=b"",
        PartitionKey="k",
        DryRun=True,
    )
    assert "DryRun flag is set" in message
    _error(
        client,
        "PutRecord",
        ValidationException,
        StreamName="s",
        Data=b"",
        PartitionKey="k" * 257,
        DryRun=True,
    )
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert client.get_records(ShardIterator=iterator)["Records"] == []


def test_describe_stream_pages_by_exclusive_start_shard_id(face: str) -> None:
    """DescribeStream returns at most Limit (<= 100) shards; the paginator walks them all."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=7)
    page = client.describe_stream(StreamName="s", Limit=3)["StreamDescription"]
    assert [s["ShardId"][-1] for s in page["Shards"]] == ["0", "1", "2"]
    assert page["HasMoreShards"]
    pages = list(
        client.get_paginator("describe_stream").paginate(
            StreamName="s", PaginationConfig={"PageSize": 3}
        )
    )
    assert [len(p["StreamDescription"]["Shards"]) for p in pages] == [3, 3, 1]
    assert pages[-1]["StreamDescription"]["HasMoreShards"] is False


def test_list_streams_pages_with_next_token(face: str) -> None:
    """ListStreams pages by NextToken while HasMoreStreams; both lists come per page."""
    _, client = _world(face)
    for name in ("c", "a", "b"):
        client.create_stream(StreamName=name, ShardCount=1)
    first = client.list_streams(Limit=2)
    assert first["StreamNames"] == ["a", "b"]
    assert first["HasMoreStreams"]
    second = client.list_streams(NextToken=first["NextToken"])
    assert second["StreamNames"] == ["c"]
    assert not second["HasMoreStreams"]
    assert client.list_streams(ExclusiveStartStreamName="a")["StreamNames"] == ["b", "c"]
    full = (
        client.get_paginator("list_streams")
        .paginate(PaginationConfig={"PageSize": 1})
        .build_full_result()
    )
    assert full["StreamNames"] == ["a", "b", "c"]
    assert [s["StreamName"] for s in full["StreamSummaries"]] == ["a", "b", "c"]


def test_list_shards_next_token_rules(face: str) -> None:
    """A NextToken names the stream: it cannot come with StreamName; it expires after 300 s."""
    sim, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=5)
    first = client.list_shards(StreamName="s", MaxResults=2)
    assert len(first["Shards"]) == 2
    second = client.list_shards(NextToken=first["NextToken"], MaxResults=2)
    assert [s["ShardId"][-1] for s in second["Shards"]] == ["2", "3"]
    message = _error(
        client, "ListShards", InvalidArgumentException, StreamName="s", NextToken=first["NextToken"]
    )
    assert message == "NextToken and StreamName cannot be provided together."
    _error(client, "ListShards", InvalidArgumentException)
    sim.advance(seconds=301)
    _error(client, "ListShards", ExpiredNextTokenException, NextToken=second["NextToken"])
    pages = client.get_paginator("list_shards").paginate(
        StreamName="s", PaginationConfig={"PageSize": 2}
    )
    with pytest.raises(ClientError, match="NextToken and StreamName"):
        list(pages)  # botocore's paginator repeats StreamName: it fails on AWS too (rule K.2)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    created = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"][
        "StreamCreationTimestamp"
    ]
    assert len(client.list_shards(StreamARN=arn, StreamCreationTimestamp=created)["Shards"]) == 5
    _error(
        client,
        "ListShards",
        ResourceNotFoundException,
        StreamName="s",
        StreamCreationTimestamp=created + timedelta(seconds=1),
    )


def test_list_shards_filters(face: str) -> None:
    """ShardFilter types select shards by id, by being open, and by time (rule K.4)."""
    sim, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=2)
    created = sim.now
    sim.advance(hours=1)
    client.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(1 << 126)
    )
    split_at = sim.now
    sim.advance(hours=1)

    def ids(kind: str, **extra: Any) -> list[str]:
        shard_filter = {"Type": kind, **extra}
        return [
            s["ShardId"][-1]
            for s in client.list_shards(StreamName="s", ShardFilter=shard_filter)["Shards"]
        ]

    assert ids("FROM_TRIM_HORIZON") == ["0", "1", "2", "3"]
    assert ids("AT_LATEST") == ["1", "2", "3"]
    assert ids("AT_TRIM_HORIZON") == ["0", "1"]
    assert ids("AFTER_SHARD_ID", ShardId="shardId-000000000001") == ["2", "3"]
    assert ids("AT_TIMESTAMP", Timestamp=created + timedelta(minutes=30)) == ["0", "1"]
    assert ids("AT_TIMESTAMP", Timestamp=split_at) == ["1", "2", "3"]
    assert ids("FROM_TIMESTAMP", Timestamp=split_at + timedelta(minutes=1)) == ["1", "2", "3"]
    assert ids("FROM_TIMESTAMP", Timestamp=created) == ["0", "1", "2", "3"]
    _error(
        client,
        "ListShards",
        InvalidArgumentException,
        StreamName="s",
        ShardFilter={"Type": "AT_TIMESTAMP"},
    )
    _error(
        client, "ListShards", ValidationException, StreamName="s", ShardFilter={"Type": "SOMETIMES"}
    )


def test_tags_add_overwrite_list_and_page(face: str) -> None:
    """Tags: added or overwritten, at most 50, listed by key in pages with HasMoreTags."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1, Tags={"z": "0"})
    client.add_tags_to_stream(StreamName="s", Tags={f"k{i:02d}": str(i) for i in range(12)})
    client.add_tags_to_stream(StreamName="s", Tags={"z": "1"})
    page = client.list_tags_for_stream(StreamName="s")
    assert len(page["Tags"]) == 10
    assert page["HasMoreTags"]
    rest = client.list_tags_for_stream(
        StreamName="s", ExclusiveStartTagKey=page["Tags"][-1]["Key"], Limit=50
    )
    assert rest["Tags"][-1] == {"Key": "z", "Value": "1"}
    assert not rest["HasMoreTags"]
    _error(
        client,
        "AddTagsToStream",
        LimitExceededException,
        StreamName="s",
        Tags={f"n{i}": "" for i in range(40)},
    )
    client.remove_tags_from_stream(StreamName="s", TagKeys=["z", "missing"])
    assert len(client.list_tags_for_stream(StreamName="s", Limit=50)["Tags"]) == 12


def test_status_moves_over_virtual_time(face: str) -> None:
    """With a status delay: CREATING (reads and writes refused), ACTIVE, DELETING, then gone."""
    sim, client = _world(face, status_delay=timedelta(seconds=20))
    client.create_stream(StreamName="s", ShardCount=1)
    status = lambda: client.describe_stream(StreamName="s")["StreamDescription"]["StreamStatus"]  # noqa: E731
    assert status() == "CREATING"
    _error(
        client, "PutRecord", ResourceNotFoundException, StreamName="s", Data=b"", PartitionKey="k"
    )
    _error(
        client,
        "IncreaseStreamRetentionPeriod",
        ResourceInUseException,
        StreamName="s",
        RetentionPeriodHours=48,
    )
    sim.advance(seconds=20)
    assert status() == "ACTIVE"
    client.put_record(StreamName="s", Data=b"", PartitionKey="k")
    client.delete_stream(StreamName="s")
    assert status() == "DELETING"
    client.put_record(StreamName="s", Data=b"", PartitionKey="k")  # still writable
    sim.advance(seconds=20)
    _error(client, "DescribeStream", ResourceNotFoundException, StreamName="s")
    client.create_stream(StreamName="s", ShardCount=1)  # the name is free again


def test_iterators_of_a_deleted_stream_are_refused(face: str) -> None:
    """An iterator of a deleted (even re-created) stream answers ResourceNotFoundException."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1)
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="LATEST"
    )["ShardIterator"]
    client.delete_stream(StreamName="s")
    client.create_stream(StreamName="s", ShardCount=1)
    _error(client, "GetRecords", ResourceNotFoundException, ShardIterator=iterator)


def test_shard_ids_resolve_by_their_number(face: str) -> None:
    """shardId-1 and shard-1 name shardId-000000000001, as AWS resolves them."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=2)
    for given in ("shardId-1", "shard-1", "x-000001"):
        client.get_shard_iterator(StreamName="s", ShardId=given, ShardIteratorType="LATEST")
    _error(
        client,
        "GetShardIterator",
        ResourceNotFoundException,
        StreamName="s",
        ShardId="shardId-2",
        ShardIteratorType="LATEST",
    )


def test_sequence_number_for_ordering_must_come_from_the_stream(face: str) -> None:
    """SequenceNumberForOrdering takes a number of the stream; the new record numbers above it."""
    _, client = _world(face)
    client.create_stream(StreamName="s", ShardCount=1)
    first = client.put_record(StreamName="s", Data=b"", PartitionKey="k")["SequenceNumber"]
    second = client.put_record(
        StreamName="s", Data=b"", PartitionKey="k", SequenceNumberForOrdering=first
    )
    assert int(second["SequenceNumber"]) > int(first)
    message = _error(
        client,
        "PutRecord",
        InvalidArgumentException,
        StreamName="s",
        Data=b"",
        PartitionKey="k",
        SequenceNumberForOrdering="12345",
    )
    assert message.startswith("ExclusiveMinimumSequenceNumber 12345 used in PutRecord on stream s")


def test_botocore_checks_come_first(face: str) -> None:
    """Missing or mistyped parameters fail botocore's own client-side validation."""
    _, client = _world(face)
    with pytest.raises(ParamValidationError, match='Missing required parameter in input: "Data"'):
        client.put_record(StreamName="s", PartitionKey="k")
    with pytest.raises(ParamValidationError, match="Invalid type for parameter Data"):
        client.put_record(StreamName="s", PartitionKey="k", Data=5)


@pytest.mark.parametrize(
    ("last", "error", "text"),
    [
        (
            {"Data": b"x", "PartitionKey": 5},
            ParamValidationError,
            "Invalid type for parameter Records[499].PartitionKey, value: 5, type: <class 'int'>",
        ),
        (
            {"Data": b"x", "PartitionKey": ""},
            ParamValidationError,
            "Invalid length for parameter Records[499].PartitionKey, value: 0, valid min length: 1",
        ),
        (
            {"Data": b"x", "PartitionKey": "k", "Bogus": 1},
            ParamValidationError,
            'Unknown parameter in Records[499]: "Bogus", must be one of: Data, ExplicitHashKey',
        ),
        (
            {"Data": b"x", "PartitionKey": "k\udc80"},
            ValidationException,
            "a string in Records[499].PartitionKey is not valid UTF-8",
        ),
        (
            {"Data": b"x", "PartitionKey": "\u00e9" * 257},
            ValidationException,
            "at 'records.500.member.partitionKey' failed to satisfy constraint: Member must have "
            "length less than or equal to 256",
        ),
        (
            {"Data": b"x", "PartitionKey": "k", "ExplicitHashKey": "x"},
            ValidationException,
            "Value 'x' at 'records.500.member.explicitHashKey' failed to satisfy constraint",
        ),
    ],
)
def test_put_records_checks_every_entry_of_a_long_call(
    last: dict[str, Any], error: type[StreamsimError], text: str
) -> None:
    """The checks of PutRecords' entries (fast for plain entries) still find and word a
    problem in any one of 500 entries exactly as they do for a single entry."""
    sim = Simulation()
    client = sim.client("kinesis")
    client.create_stream(StreamName="s", ShardCount=1)
    sim.advance(seconds=1)
    plain = [{"Data": b"%d" % i, "PartitionKey": f"k{i}"} for i in range(499)]
    with pytest.raises(error) as info:
        client.put_records(StreamName="s", Records=[*plain, last])
    assert text in str(info.value)
    accepted = client.put_records(
        StreamName="s", Records=[*plain, {"Data": "t", "PartitionKey": "\u00e9"}]
    )
    assert accepted["FailedRecordCount"] == 0


def test_waiters_poll_in_virtual_time(face: str) -> None:
    """stream_exists advances virtual time every 10 s until ACTIVE; stream_not_exists until gone."""
    skip_for_boto3(
        client_for(Simulation(), "kinesis", face), "real boto3 waiters sleep in wall time"
    )
    sim, client = _world(face, status_delay=timedelta(seconds=25))
    client.create_stream(StreamName="s", ShardCount=1)
    start = sim.now
    client.get_waiter("stream_exists").wait(StreamName="s")
    assert sim.now - start == timedelta(seconds=30)
    client.delete_stream(StreamName="s")
    client.get_waiter("stream_not_exists").wait(StreamName="s")
    assert client.get_waiter("stream_exists").config.max_attempts == 18


def test_client_meta_and_repr(face: str) -> None:
    """meta names the service, region and every operation; the repr names the client."""
    skip_for_boto3(client_for(Simulation(), "kinesis", face), FACE_ONLY)
    _, client = _world(face)
    assert client.meta.service_name == "kinesis"
    assert client.meta.region_name == "us-east-1"
    assert len(client.meta.method_to_api_mapping) == 18
    assert repr(client) == "<KinesisClient region=us-east-1>"
    assert client.can_paginate("list_shards")
    assert not client.can_paginate("put_record")
    with pytest.raises(ValueError, match="Waiter does not exist"):
        client.get_waiter("table_exists")
