"""``sim.client("dynamodbstreams")``: the DynamoDB Streams API (issue 3 point 6, spec A, G).

Every successful response is checked against botocore's ``dynamodbstreams`` output shape and
every error against the operation's error shapes (``tests/shapes.py``).
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from streamsim._clock import MS_PER_HOUR
from streamsim._errors import (
    ExpiredIteratorException,
    LimitExceededException,
    ResourceNotFoundException,
    StreamsimError,
    TrimmedDataAccessException,
    ValidationException,
)
from streamsim._simulation import Simulation
from streamsim._streams._stream import StreamSettings
from streamsim.testing import WriteLog, check_stream_history, read_stream
from tests.sdk_support import FACE_ONLY, FACES, client_for, skip_for_boto3
from tests.shapes import assert_matches_error_shape, assert_matches_output_shape

SERVICE = "dynamodbstreams"
UNKNOWN_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/nope/stream/2024-01-01T00:00:00.000"
UNKNOWN_SHARD = "shardId-00000001704067200000-00000000"


def check_error(operation: str, exc: StreamsimError) -> None:
    """The error is one the operation may raise, stamped with the operation's name."""
    assert_matches_error_shape(SERVICE, operation, exc)
    assert exc.operation_name == operation


class Streams:
    """The client, with every response and error checked against botocore's shapes.

    ``face`` (set by the ``face`` fixture) picks ``sim.client`` or a real boto3 client of
    ``sim.boto3_session()`` (tests/sdk_support.py).
    """

    face = "face"

    def __init__(self, sim: Simulation) -> None:
        self.raw = client_for(sim, SERVICE, self.face)

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        operation = "".join(part.title() for part in method.split("_"))

        def call(**params: Any) -> dict[str, Any]:
            try:
                response: dict[str, Any] = getattr(self.raw, method)(**params)
            except StreamsimError as exc:
                check_error(operation, exc)
                raise
            assert_matches_output_shape(SERVICE, operation, response)
            return response

        return call


@pytest.fixture(autouse=True, params=FACES)
def face(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test of this module runs through ``sim.client`` and through real boto3."""
    monkeypatch.setattr(Streams, "face", request.param)
    return str(request.param)


def make(
    partitions: int = 1, view_type: str = "NEW_AND_OLD_IMAGES", **settings: Any
) -> tuple[Simulation, Any, Streams]:
    sim = Simulation(seed=11, stream_settings=StreamSettings(**settings))
    table = sim.create_table(
        "orders", hash_key="pk", partitions=partitions, stream_view_type=view_type
    )
    return sim, table, Streams(sim)


def shard_ids(client: Streams, arn: str, **params: Any) -> list[str]:
    shards = client.describe_stream(StreamArn=arn, **params)["StreamDescription"]["Shards"]
    return [s["ShardId"] for s in shards]


def iterator(client: Streams, table: Any, kind: str = "TRIM_HORIZON", **params: Any) -> str:
    shard = params.pop("ShardId", None) or table.stream.open_shards[0].shard_id
    return client.get_shard_iterator(  # type: ignore[no-any-return]
        StreamArn=table.stream.arn, ShardId=shard, ShardIteratorType=kind, **params
    )["ShardIterator"]


def keys(response: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in response["Records"]]


# --- ListStreams -------------------------------------------------------------------------------


def test_list_streams_without_streams_returns_an_empty_list() -> None:
    """No stream: {"Streams": []}, the key present (rule A.4)."""
    sim = Simulation(seed=1)
    sim.create_table("plain", hash_key="pk")
    client = Streams(sim)
    assert client.list_streams()["Streams"] == []
    assert client.list_streams(TableName="plain")["Streams"] == []


def test_list_streams_lists_stream_arn_table_and_label() -> None:
    """Each entry has StreamArn, TableName and StreamLabel; TableName filters."""
    sim, table, client = make()
    sim.create_table("other", hash_key="id", stream_view_type="KEYS_ONLY")
    assert client.list_streams(TableName="orders")["Streams"] == [
        {
            "StreamArn": table.latest_stream_arn,
            "TableName": "orders",
            "StreamLabel": table.latest_stream_label,
        }
    ]
    assert len(client.list_streams()["Streams"]) == 2


def test_list_streams_paginates_with_last_evaluated_stream_arn() -> None:
    """Limit pages the listing; LastEvaluatedStreamArn continues it and is absent at the end."""
    sim = Simulation(seed=1)
    for i in range(5):
        sim.create_table(f"table{i}", hash_key="pk", stream_view_type="KEYS_ONLY")
    client = Streams(sim)
    seen: list[str] = []
    params: dict[str, Any] = {"Limit": 2}
    pages = 0
    while True:
        page = client.list_streams(**params)
        pages += 1
        seen.extend(s["StreamArn"] for s in page["Streams"])
        if "LastEvaluatedStreamArn" not in page:
            break
        assert page["LastEvaluatedStreamArn"] == page["Streams"][-1]["StreamArn"]
        params["ExclusiveStartStreamArn"] = page["LastEvaluatedStreamArn"]
    assert pages == 3
    assert seen == sorted(seen)
    assert len(set(seen)) == 5


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_list_streams_limit_outside_1_to_100_raises_validation(limit: int) -> None:
    """ListStreams Limit 0, negative or above 100 raises ValidationException (rule A.4)."""
    _, _, client = make()
    with pytest.raises(ValidationException, match=r"[Ll]imit"):
        client.list_streams(Limit=limit)


def test_list_streams_malformed_exclusive_start_arn_raises_validation() -> None:
    """A malformed ExclusiveStartStreamArn raises ValidationException."""
    _, _, client = make()
    with pytest.raises(ValidationException):
        client.list_streams(ExclusiveStartStreamArn="x" * 40)


def test_list_streams_of_unknown_table_raises_resource_not_found() -> None:
    """TableName naming no table (and no listed stream) raises ResourceNotFoundException."""
    _, _, client = make()
    with pytest.raises(ResourceNotFoundException):
        client.list_streams(TableName="missing")


def test_list_streams_keeps_disabled_and_deleted_tables_streams_for_24_hours() -> None:
    """Disabled streams and deleted tables' streams are listed for 24 hours (rule A.4)."""
    sim, table, client = make()
    old = table.latest_stream_arn
    table.disable_stream()
    sim.advance(seconds=1)
    table.enable_stream("KEYS_ONLY")
    sim.client("dynamodb").delete_table(TableName="orders")
    listed = [s["StreamArn"] for s in client.list_streams(TableName="orders")["Streams"]]
    assert listed == [old, table.streams[1].arn]
    sim.advance(hours=24)
    with pytest.raises(ResourceNotFoundException):
        client.list_streams(TableName="orders")


# --- DescribeStream ----------------------------------------------------------------------------


def test_describe_stream_describes_status_view_key_schema_and_time() -> None:
    """StreamDescription carries ARN, label, status, view type, tz-aware time, key schema."""
    sim = Simulation(seed=2)
    sim.create_table(
        "events", hash_key="pk", range_key="sk", range_key_type="N", stream_view_type="NEW_IMAGE"
    )
    arn = sim.table("events").latest_stream_arn
    description = Streams(sim).describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamArn"] == arn
    assert description["StreamLabel"] == "2024-01-01T00:00:00.000"
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_IMAGE"
    assert description["TableName"] == "events"
    assert description["CreationRequestDateTime"] == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert description["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert "LastEvaluatedShardId" not in description


def test_describe_stream_shows_status_transitions() -> None:
    """DescribeStream's StreamStatus goes ENABLING, ENABLED, DISABLING, DISABLED."""
    sim, table, client = make(status_delay=timedelta(seconds=1))
    arn = table.latest_stream_arn

    def status() -> str:
        return client.describe_stream(StreamArn=arn)["StreamDescription"][  # type: ignore[no-any-return]
            "StreamStatus"
        ]

    assert status() == "ENABLING"
    sim.advance(seconds=1)
    assert status() == "ENABLED"
    table.disable_stream()
    assert status() == "DISABLING"
    sim.advance(seconds=1)
    assert status() == "DISABLED"


def test_describe_stream_lists_shards_in_id_order_open_without_ending_number() -> None:
    """Shards come in shard-id order; open ones lack EndingSequenceNumber, closed have it."""
    sim, table, client = make(partitions=3)
    sim.advance(hours=4)
    shards = client.describe_stream(StreamArn=table.latest_stream_arn)["StreamDescription"][
        "Shards"
    ]
    ids = [s["ShardId"] for s in shards]
    assert ids == sorted(ids)
    assert len(shards) == 6
    for shard in shards:
        numbers = shard["SequenceNumberRange"]
        model = table.stream.shard(shard["ShardId"])
        assert numbers["StartingSequenceNumber"] == str(model.starting_sequence_number)
        assert ("EndingSequenceNumber" in numbers) == (not model.is_open)
        assert ("ParentShardId" in shard) == (model.parent is not None)


def test_describe_stream_paginates_with_last_evaluated_shard_id() -> None:
    """Limit pages shards; LastEvaluatedShardId is the page's last shard, absent at the end."""
    _sim, table, client = make(partitions=5)
    arn = table.latest_stream_arn
    everything = shard_ids(client, arn)
    seen: list[str] = []
    params: dict[str, Any] = {"StreamArn": arn, "Limit": 2}
    while True:
        description = client.describe_stream(**params)["StreamDescription"]
        seen.extend(s["ShardId"] for s in description["Shards"])
        last = description.get("LastEvaluatedShardId")
        if last is None:
            break
        assert last == description["Shards"][-1]["ShardId"]
        params["ExclusiveStartShardId"] = last
    assert seen == everything


def test_describe_stream_exclusive_start_at_last_or_unknown_shard_gives_no_shards() -> None:
    """ExclusiveStartShardId = last shard, or an unknown id: empty Shards, no error (A.5)."""
    _, table, client = make(partitions=2)
    arn = table.latest_stream_arn
    last = shard_ids(client, arn)[-1]
    assert shard_ids(client, arn, ExclusiveStartShardId=last) == []
    assert shard_ids(client, arn, ExclusiveStartShardId=UNKNOWN_SHARD) == []


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_describe_stream_limit_outside_1_to_100_raises_validation(limit: int) -> None:
    """DescribeStream Limit 0, negative or above 100 raises ValidationException."""
    _, table, client = make()
    with pytest.raises(ValidationException, match=r"[Ll]imit"):
        client.describe_stream(StreamArn=table.latest_stream_arn, Limit=limit)


def test_describe_stream_shard_filter_child_shards_returns_the_children() -> None:
    """ShardFilter CHILD_SHARDS with a parent id lists only that parent's children."""
    _sim, table, client = make(partitions=2)
    first_partition = table.partitions[0].partition_id
    parent = next(s for s in table.stream.open_shards if s.partition_id == first_partition)
    table.split_partition(0)
    arn = table.latest_stream_arn
    only_children = {"Type": "CHILD_SHARDS", "ShardId": parent.shard_id}
    children = shard_ids(client, arn, ShardFilter=only_children)
    assert sorted(children) == sorted(c.shard_id for c in parent.children)
    assert len(children) == 2
    leaf = table.stream.open_shards[0].shard_id
    assert shard_ids(client, arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": leaf}) == []


def test_describe_stream_bad_shard_filter_raises_validation() -> None:
    """A ShardFilter with another Type or without ShardId raises ValidationException."""
    _, table, client = make()
    arn = table.latest_stream_arn
    shard = table.stream.open_shards[0].shard_id
    with pytest.raises(ValidationException):
        client.describe_stream(StreamArn=arn, ShardFilter={"Type": "PARENT", "ShardId": shard})
    with pytest.raises(ValidationException):
        client.describe_stream(StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS"})


def test_describe_stream_malformed_arn_raises_validation() -> None:
    """A StreamArn that is not a stream ARN raises ValidationException (rule A.5)."""
    _, table, client = make()
    with pytest.raises(ValidationException):
        client.describe_stream(StreamArn=table.latest_stream_arn.replace("/stream/", "/strm/"))
    with pytest.raises(ValidationException):
        client.describe_stream(StreamArn="short")


def test_describe_stream_unknown_arn_raises_resource_not_found() -> None:
    """A well-formed ARN of no stream raises ResourceNotFoundException."""
    _, _, client = make()
    with pytest.raises(ResourceNotFoundException):
        client.describe_stream(StreamArn=UNKNOWN_ARN)


def test_describe_stream_after_retention_of_a_disabled_stream_raises_not_found() -> None:
    """24 hours after disabling, the stream is gone: ResourceNotFoundException."""
    sim, table, client = make()
    arn = table.latest_stream_arn
    table.disable_stream()
    sim.advance(hours=23)
    client.describe_stream(StreamArn=arn)
    sim.advance(hours=1)
    with pytest.raises(ResourceNotFoundException):
        client.describe_stream(StreamArn=arn)


def test_describe_stream_drops_closed_shards_whose_data_aged_out() -> None:
    """A closed shard leaves DescribeStream once its records are trimmed (rule A.5, A.10)."""
    sim, table, client = make()
    table.put_item(Item={"pk": "a"})
    first = table.stream.open_shards[0].shard_id
    sim.advance(hours=24)
    assert first in shard_ids(client, table.latest_stream_arn)
    sim.advance(milliseconds=1)
    assert first not in shard_ids(client, table.latest_stream_arn)


# --- GetShardIterator --------------------------------------------------------------------------


def test_shard_iterator_looks_like_aws_and_is_deterministic() -> None:
    """Iterators are <StreamArn>|1|<token>, at most 2048 chars, the same for the same seed."""
    _, table, client = make()
    first = iterator(client, table)
    _, table2, client2 = make()
    assert first == iterator(client2, table2)
    arn, version, token = first.split("|")
    assert arn == table.latest_stream_arn
    assert version == "1"
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", token)
    assert len(first) <= 2048


def test_trim_horizon_reads_from_the_oldest_untrimmed_record() -> None:
    """TRIM_HORIZON starts at the oldest record still readable."""
    sim, table, client = make(rotation_period=timedelta(hours=48))
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=2)
    table.put_item(Item={"pk": "b"})
    assert keys(client.get_records(ShardIterator=iterator(client, table))) == ["a", "b"]
    sim.advance(hours=22, milliseconds=1)
    assert keys(client.get_records(ShardIterator=iterator(client, table))) == ["b"]


def test_latest_reads_only_records_written_after_the_iterator() -> None:
    """LATEST starts just after the newest record."""
    _, table, client = make()
    table.put_item(Item={"pk": "a"})
    latest = iterator(client, table, "LATEST")
    table.put_item(Item={"pk": "b"})
    assert keys(client.get_records(ShardIterator=latest)) == ["b"]


def test_at_sequence_number_rereads_that_record_and_after_reads_the_next() -> None:
    """AT_SEQUENCE_NUMBER re-reads exactly the record; AFTER_ returns the next one (A.6)."""
    _, table, client = make(max_readers_per_shard=None)
    for pk in "abc":
        table.put_item(Item={"pk": pk})
    records = client.get_records(ShardIterator=iterator(client, table))["Records"]
    second = records[1]["dynamodb"]["SequenceNumber"]
    at = iterator(client, table, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    after = iterator(client, table, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    assert keys(client.get_records(ShardIterator=at)) == ["b", "c"]
    assert keys(client.get_records(ShardIterator=after)) == ["c"]


def test_at_starting_sequence_number_reads_the_whole_shard() -> None:
    """AT_SEQUENCE_NUMBER with the shard's StartingSequenceNumber reads all of it (A.6)."""
    _, table, client = make()
    for pk in "ab":
        table.put_item(Item={"pk": pk})
    start = str(table.stream.open_shards[0].starting_sequence_number)
    at = iterator(client, table, "AT_SEQUENCE_NUMBER", SequenceNumber=start)
    assert keys(client.get_records(ShardIterator=at)) == ["a", "b"]


def test_at_timestamp_starts_at_the_first_record_of_that_second_or_later() -> None:
    """AT_TIMESTAMP reads from the first record whose ApproximateCreationDateTime >= it."""
    sim, table, client = make()
    table.put_item(Item={"pk": "a"})
    sim.advance(seconds=10)
    table.put_item(Item={"pk": "b"})
    sim.advance(seconds=10)
    at = iterator(client, table, "AT_TIMESTAMP", Timestamp=sim.now - timedelta(seconds=15))
    assert keys(client.get_records(ShardIterator=at)) == ["b"]
    with pytest.raises(ValidationException):
        iterator(client, table, "AT_TIMESTAMP", Timestamp=sim.now + timedelta(seconds=1))
    with pytest.raises(ValidationException):
        iterator(client, table, "AT_TIMESTAMP")


@pytest.mark.parametrize("kind", ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"])
def test_sequence_number_is_required_for_at_and_after(kind: str) -> None:
    """AT_/AFTER_SEQUENCE_NUMBER without SequenceNumber raise ValidationException (A.6)."""
    _, table, client = make()
    with pytest.raises(ValidationException, match="SequenceNumber"):
        iterator(client, table, kind)


@pytest.mark.parametrize("kind", ["TRIM_HORIZON", "LATEST"])
def test_sequence_number_is_forbidden_for_trim_horizon_and_latest(kind: str) -> None:
    """TRIM_HORIZON/LATEST with a SequenceNumber raise ValidationException (A.6)."""
    _, table, client = make()
    start = str(table.stream.open_shards[0].starting_sequence_number)
    with pytest.raises(ValidationException, match="SequenceNumber"):
        iterator(client, table, kind, SequenceNumber=start)


@pytest.mark.parametrize(
    "number", ["12345678901234567890x", "1" * 20, "1" * 41, "-10000000000000000000"]
)
def test_non_numeric_or_wrong_length_sequence_number_raises_validation(number: str) -> None:
    """A SequenceNumber that is not 21-40 decimal digits raises ValidationException."""
    _, table, client = make()
    with pytest.raises(ValidationException):
        iterator(client, table, "AT_SEQUENCE_NUMBER", SequenceNumber=number)


def test_sequence_number_outside_the_shard_raises_validation() -> None:
    """A SequenceNumber below the shard's start or never issued raises ValidationException."""
    _, table, client = make()
    with pytest.raises(ValidationException):
        iterator(client, table, "AT_SEQUENCE_NUMBER", SequenceNumber="9" * 25)
    with pytest.raises(ValidationException):
        iterator(client, table, "AT_SEQUENCE_NUMBER", SequenceNumber="0" * 21)


def test_sequence_number_older_than_the_trim_point_raises_trimmed_data_access() -> None:
    """An SN trimmed away (older than 24 h) raises TrimmedDataAccessException (A.6)."""
    sim, table, client = make(rotation_period=timedelta(hours=48))
    table.put_item(Item={"pk": "a"})
    (record,) = table.stream.open_shards[0].records
    sim.advance(hours=24, milliseconds=1)
    table.put_item(Item={"pk": "b"})
    with pytest.raises(TrimmedDataAccessException):
        iterator(
            client,
            table,
            "AT_SEQUENCE_NUMBER",
            ShardId=record.shard.shard_id,
            SequenceNumber=str(record.sequence_number),
        )


def test_invalid_iterator_type_raises_validation() -> None:
    """An unknown ShardIteratorType raises ValidationException."""
    _, table, client = make()
    with pytest.raises(ValidationException):
        iterator(client, table, "OLDEST")


def test_unknown_shard_raises_resource_not_found() -> None:
    """An unknown ShardId under a valid stream raises ResourceNotFoundException (A.6)."""
    _, table, client = make()
    with pytest.raises(ResourceNotFoundException):
        iterator(client, table, ShardId=UNKNOWN_SHARD)


def test_get_shard_iterator_malformed_arn_raises_validation_unknown_raises_not_found() -> None:
    """Malformed StreamArn: ValidationException; well-formed unknown: ResourceNotFound."""
    _, table, client = make()
    shard = table.stream.open_shards[0].shard_id
    with pytest.raises(ValidationException):
        client.get_shard_iterator(
            StreamArn="arn:aws:dynamodb:nowhere", ShardId=shard, ShardIteratorType="LATEST"
        )
    with pytest.raises(ResourceNotFoundException):
        client.get_shard_iterator(StreamArn=UNKNOWN_ARN, ShardId=shard, ShardIteratorType="LATEST")


def test_missing_and_unknown_parameters_raise_validation(face: str) -> None:
    """Missing required or unknown parameters fail as botocore's client-side validation does."""
    _, table, client = make()
    with pytest.raises(ValidationException, match="Missing required parameter"):
        client.get_shard_iterator(StreamArn=table.latest_stream_arn, ShardIteratorType="LATEST")
    with pytest.raises(ValidationException, match="Unknown parameter"):
        client.get_records(ShardIterator=iterator(client, table), MaxRecords=10)
    if face == "boto3":
        return  # botocore >= 1.35 resolves endpoint parameters (ShardIterator) before validating
    with pytest.raises(ValidationException, match="Invalid type"):
        client.get_records(ShardIterator=42)


# --- GetRecords --------------------------------------------------------------------------------


def test_get_records_returns_records_in_order_with_the_exact_shape() -> None:
    """GetRecords returns the shard's records, oldest first, in the Record shape."""
    _, table, client = make()
    table.put_item(Item={"pk": "a", "n": 1})
    table.put_item(Item={"pk": "a", "n": 2})
    response = client.get_records(ShardIterator=iterator(client, table))
    assert [r["eventName"] for r in response["Records"]] == ["INSERT", "MODIFY"]
    sns = [int(r["dynamodb"]["SequenceNumber"]) for r in response["Records"]]
    assert sns == sorted(sns)


@pytest.mark.parametrize("view_type", ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"])
def test_get_records_returns_fresh_containers_a_caller_may_mutate(view_type: str) -> None:
    """Mutating every dict and list of a GetRecords response changes no later read."""
    sim, table, client = make(view_type=view_type, max_readers_per_shard=None)
    # the test compares repr()s, and botocore's parser gives timestamps tzlocal() (same instant)
    skip_for_boto3(client.raw, FACE_ONLY + ": repr() of the face's own datetimes")
    nested = {"m": {"l": [1, "x", {"b": b"\x01"}]}, "ss": {"a", "b"}, "ns": {1, 2}}
    table.put_item(Item={"pk": "a", "s": "one", "n": 1, "ok": True, "nul": None, **nested})
    table.put_item(Item={"pk": "a", "s": "two", "bs": {b"\x00"}, **nested})
    table.put_item(Item={"pk": "b", "s": "three"})
    table.delete_item(Key={"pk": "a"})
    sim.advance(seconds=1)
    table.put_item(Item={"pk": "c", "s": "four"})
    start = iterator(client, table)
    before = client.get_records(ShardIterator=start)["Records"]
    expected = repr(before)

    def scribble(value: Any) -> None:
        if isinstance(value, dict):
            for child in list(value.values()):
                scribble(child)
            value["scribbled"] = {"S": "!"}
        elif isinstance(value, list):
            for child in list(value):
                scribble(child)
            value.append("scribbled")

    scribble(before)
    for _ in range(2):
        again = client.get_records(ShardIterator=start)["Records"]
        assert repr(again) == expected
        scribble(again)
    assert repr(table.stream.open_shards[0].records[0].to_aws()) == repr(
        client.get_records(ShardIterator=start, Limit=1)["Records"][0]
    )


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_get_records_limit_outside_1_to_1000_raises_validation(limit: int) -> None:
    """GetRecords Limit 0, negative or above 1000 raises ValidationException (A.7)."""
    _, table, client = make()
    with pytest.raises(ValidationException, match=r"[Ll]imit"):
        client.get_records(ShardIterator=iterator(client, table), Limit=limit)


def test_get_records_limit_caps_the_count_default_1000() -> None:
    """Limit caps the records per call; the default is 1000."""
    _, table, client = make(max_readers_per_shard=None)
    for i in range(1200):
        table.put_item(Item={"pk": f"k{i}"})
    first = client.get_records(ShardIterator=iterator(client, table))
    assert len(first["Records"]) == 1000
    rest = client.get_records(ShardIterator=first["NextShardIterator"], Limit=150)
    assert len(rest["Records"]) == 150
    assert len(client.get_records(ShardIterator=rest["NextShardIterator"])["Records"]) == 50


def test_get_records_stops_before_one_megabyte_but_returns_at_least_one() -> None:
    """A call returns at most 1 MB of SizeBytes, and at least one record (A.7)."""
    _, table, client = make(view_type="NEW_AND_OLD_IMAGES")
    big = "x" * 300_000
    for i in range(4):
        table.put_item(Item={"pk": "a", "v": f"{i}{big}"})
    response = client.get_records(ShardIterator=iterator(client, table))
    sizes = [r["dynamodb"]["SizeBytes"] for r in response["Records"]]
    assert sum(sizes) <= 1024 * 1024
    assert sizes == [300_008, 600_013]  # INSERT (new image), MODIFY (old + new): 900 KB
    response = client.get_records(ShardIterator=response["NextShardIterator"])
    assert len(response["Records"]) == 1  # two more MODIFYs would be 1.2 MB
    big_one = make(view_type="NEW_AND_OLD_IMAGES")
    for i in range(2):
        big_one[1].put_item(Item={"pk": "a", "v": f"{i}{'x' * 399_000}"})
    first = big_one[2].get_records(ShardIterator=iterator(big_one[2], big_one[1]), Limit=1)
    alone = big_one[2].get_records(ShardIterator=first["NextShardIterator"])
    assert [r["dynamodb"]["SizeBytes"] for r in alone["Records"]] == [798_013]


def test_records_key_is_always_present_even_when_empty() -> None:
    """Records is in every response, [] when nothing is there (G.1)."""
    _, table, client = make()
    assert client.get_records(ShardIterator=iterator(client, table))["Records"] == []


def test_next_shard_iterator_always_present_on_an_open_shard() -> None:
    """An open shard always gives NextShardIterator, also with no records (A.7, G.1)."""
    _, table, client = make()
    response = client.get_records(ShardIterator=iterator(client, table))
    assert response["Records"] == []
    assert "NextShardIterator" in response
    table.put_item(Item={"pk": "a"})
    response = client.get_records(ShardIterator=response["NextShardIterator"])
    assert keys(response) == ["a"]
    response = client.get_records(ShardIterator=response["NextShardIterator"])
    assert response["Records"] == []
    assert "NextShardIterator" in response


def test_next_shard_iterator_absent_once_a_closed_shard_is_read_to_its_end() -> None:
    """A closed shard read to its end gives no NextShardIterator (A.7, G.1)."""
    sim, table, client = make(max_readers_per_shard=None)
    for i in range(3):
        table.put_item(Item={"pk": f"k{i}"})
    shard = table.stream.open_shards[0].shard_id
    sim.advance(hours=4)
    partial = client.get_records(ShardIterator=iterator(client, table, ShardId=shard), Limit=2)
    assert "NextShardIterator" in partial
    final = client.get_records(ShardIterator=partial["NextShardIterator"])
    assert keys(final) == ["k2"]
    assert "NextShardIterator" not in final
    empty = client.get_records(ShardIterator=iterator(client, table, "LATEST", ShardId=shard))
    assert empty == {"Records": [], "ResponseMetadata": empty["ResponseMetadata"]}


def test_iterator_expires_after_15_minutes() -> None:
    """An iterator used 15 minutes (iterator_ttl_ms) after issue raises ExpiredIterator (A.6)."""
    sim, table, client = make()
    fresh = iterator(client, table)
    sim.advance(minutes=14, seconds=59)
    response = client.get_records(ShardIterator=fresh)
    sim.advance(seconds=1)
    with pytest.raises(ExpiredIteratorException):
        client.get_records(ShardIterator=fresh)
    sim.advance(minutes=14)
    client.get_records(ShardIterator=response["NextShardIterator"])  # issued later: valid


def test_iterator_ttl_is_a_setting() -> None:
    """StreamSettings(iterator_ttl=...) changes the lifetime."""
    sim, table, client = make(iterator_ttl=timedelta(seconds=1))
    fresh = iterator(client, table)
    sim.advance(seconds=1)
    with pytest.raises(ExpiredIteratorException):
        client.get_records(ShardIterator=fresh)


def test_iterator_at_records_trimmed_since_raises_trimmed_data_access() -> None:
    """An iterator pointing at records trimmed after it was issued raises Trimmed (A.7)."""
    sim, table, client = make(rotation_period=timedelta(hours=48))
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=23, minutes=50)
    stale = iterator(client, table)
    sim.advance(minutes=10, milliseconds=1)
    with pytest.raises(TrimmedDataAccessException):
        client.get_records(ShardIterator=stale)


def test_more_than_two_readers_of_a_shard_within_a_second_raises_limit_exceeded() -> None:
    """Strict model: a third distinct reader of one shard within a second raises (rule A.9)."""
    sim, table, client = make(reader_throttle="strict")
    first, second, third = (iterator(client, table) for _ in range(3))
    client.get_records(ShardIterator=first)
    second_response = client.get_records(ShardIterator=second)
    with pytest.raises(LimitExceededException):
        client.get_records(ShardIterator=third)
    client.get_records(ShardIterator=second_response["NextShardIterator"])  # same reader: fine
    sim.advance(seconds=1)
    client.get_records(ShardIterator=third)


def test_rule_f7_three_chains_reading_one_shard_back_to_back_are_not_throttled() -> None:
    """Rule F.7: by default a few iterator chains reading a shard at one instant all pass."""
    _, table, client = make()
    for key in "abc":
        table.put_item(Item={"pk": key})
    for _ in range(3):
        response = client.get_records(ShardIterator=iterator(client, table), Limit=1)
        while response["Records"]:
            response = client.get_records(ShardIterator=response["NextShardIterator"], Limit=1)


def test_rule_f7_sustained_over_subscription_is_throttled() -> None:
    """Rule F.7: readers beyond the limit drain a bucket of reader_burst reads (1 per second)."""
    sim, table, client = make(reader_burst=4)
    chains = [iterator(client, table) for _ in range(3)]
    refused = 0
    for _ in range(20):  # three readers, each polling every 200 ms
        for i, chain in enumerate(chains):
            try:
                chains[i] = client.get_records(ShardIterator=chain)["NextShardIterator"]
            except LimitExceededException:
                refused += 1
        sim.advance(milliseconds=200)
    assert refused > 0
    sim.advance(seconds=10)  # the bucket refills
    fresh = iterator(client, table)
    client.get_records(ShardIterator=fresh)


def test_rule_f7_two_readers_never_draw_on_the_bucket() -> None:
    """Rule F.7: up to max_readers_per_shard readers may poll as fast as they like."""
    sim, table, client = make(reader_burst=1)
    chains = [iterator(client, table) for _ in range(2)]
    for _ in range(50):
        chains = [client.get_records(ShardIterator=c)["NextShardIterator"] for c in chains]
        sim.advance(milliseconds=10)


def test_reader_limit_is_a_setting_and_can_be_switched_off() -> None:
    """max_readers_per_shard=None lets any number of readers read a shard."""
    _, table, client = make(max_readers_per_shard=None)
    for _ in range(10):
        client.get_records(ShardIterator=iterator(client, table))


def test_garbage_or_tampered_iterator_raises_validation() -> None:
    """An iterator GetShardIterator did not issue raises ValidationException (A.7)."""
    _, table, client = make()
    good = iterator(client, table)
    arn, _version, token = good.split("|")
    for bad in ("garbage", f"{arn}|1|", f"{arn}|2|{token}", f"{arn}|1|{token[:-4]}AAAA"):
        with pytest.raises(ValidationException, match="ShardIterator"):
            client.get_records(ShardIterator=bad)
    with pytest.raises(ValidationException):
        client.get_records(ShardIterator="x" * 2049)


def test_iterator_of_a_stream_that_aged_out_raises_resource_not_found() -> None:
    """Reading a stream that is no longer listed raises ResourceNotFoundException."""
    sim, table, client = make(iterator_ttl=timedelta(hours=48))
    fresh = iterator(client, table)
    table.disable_stream()
    sim.advance(hours=24)
    with pytest.raises(ResourceNotFoundException):
        client.get_records(ShardIterator=fresh)


def test_iterators_keep_no_state_in_the_service() -> None:
    """Handing out many iterators does not grow memory (stateless tokens, no registry)."""
    _, table, client = make()
    raw = client.raw
    skip_for_boto3(raw, FACE_ONLY + ": memory of the service, not of botocore's clients")
    shard = table.stream.open_shards[0].shard_id
    arn = table.latest_stream_arn

    def issue(n: int) -> None:
        for _ in range(n):
            raw.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")

    issue(100)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    issue(5000)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 20_000


# --- errors and the client itself --------------------------------------------------------------


def test_client_exceptions_has_a_class_per_error_code() -> None:
    """client.exceptions.<Code> exists for every code, as with boto3."""
    _, _table, client = make()
    exceptions = client.raw.exceptions
    for name in (
        "ResourceNotFoundException",
        "ValidationException",
        "ExpiredIteratorException",
        "TrimmedDataAccessException",
        "LimitExceededException",
        "InternalServerError",
    ):
        assert issubclass(getattr(exceptions, name), StreamsimError)
    with pytest.raises(exceptions.ResourceNotFoundException):
        client.describe_stream(StreamArn=UNKNOWN_ARN)
    assert exceptions.from_code("ValidationException") is ValidationException


def test_errors_carry_code_message_and_operation() -> None:
    """Errors look like botocore's ClientError: Code, Message, HTTP status, operation."""
    _, _, client = make()
    with pytest.raises(ResourceNotFoundException) as info:
        client.describe_stream(StreamArn=UNKNOWN_ARN)
    error = info.value.response["Error"]
    assert error["Code"] == "ResourceNotFoundException"
    assert UNKNOWN_ARN in error["Message"]
    assert info.value.operation_name == "DescribeStream"
    assert "DescribeStream operation" in str(info.value)


# --- the worked example of the seed lab --------------------------------------------------------


def test_worked_example_24_shards_and_an_exact_lineage_following_read() -> None:
    """Seed lab: 4 partitions, steady writes for just under 24 h -> 24 shards (6 per
    partition, 4 open, one parent chain each); a lineage-following reader through the client
    reads every change exactly once, in per-item write order."""
    sim = Simulation(seed=42)
    table = sim.create_table(
        "orders", hash_key="pk", partitions=4, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    log = WriteLog(table)
    writes = 0
    while sim.now_ms - 1_704_067_200_000 < 24 * MS_PER_HOUR - 60_000:
        table.put_item(Item={"pk": f"order#{writes % 40}", "n": writes})
        writes += 1
        sim.advance(seconds=30)
    client = Streams(sim)
    arn = table.latest_stream_arn
    shards = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 24
    assert sum("EndingSequenceNumber" not in s["SequenceNumberRange"] for s in shards) == 4
    by_id = {s["ShardId"]: s for s in shards}
    children: dict[str | None, list[str]] = {}
    for shard in shards:
        children.setdefault(shard.get("ParentShardId"), []).append(shard["ShardId"])
    assert len(children[None]) == 4
    for root in children[None]:  # each partition: one chain of 6 shards
        chain = [root]
        while chain[-1] in children:
            (child,) = children[chain[-1]]
            chain.append(child)
        assert len(chain) == 6
        assert "EndingSequenceNumber" not in by_id[chain[-1]]["SequenceNumberRange"]
    records = read_stream(sim, arn)
    assert len(records) == writes == len(log)
    result = check_stream_history(records, log)
    assert result.valid, result.explanation
