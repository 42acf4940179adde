"""DynamoDB's Kinesis streaming destination (rule K.16-K.19) and the spec's checklist E.20-E.22.

Each rule test is named after its rule; ``test_checklist_e2N_...`` are the Kinesis spec's
checklist items 20-22.  Responses are checked against botocore's output shapes, Lambda events
against aws-lambda-powertools' ``KinesisDataStreamModel``.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import KinesisDataStreamModel
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import KinesisSettings, Simulation, TTLSettings
from streamsim._errors import (
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from tests.lambda_support import Recorder
from tests.shapes import assert_matches_output_shape

from .support import drain, shards

TABLE = "orders"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _setup(
    shard_count: int = 2, *, enable: bool = True, seed: int = 1, **settings: Any
) -> tuple[Simulation, Any, Any, str]:
    """A table ``orders`` (pk, sk), a Kinesis stream ``s``, optionally a destination."""
    settings.setdefault("throughput_limits", False)
    sim = Simulation(
        seed=seed,
        kinesis_settings=KinesisSettings(**settings),
        ttl_settings=TTLSettings(sweep_interval=timedelta(minutes=1)),
    )
    ddb, kin = sim.client("dynamodb"), sim.client("kinesis")
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    kin.create_stream(StreamName="s", ShardCount=shard_count)
    sim.advance(settings.get("status_delay", timedelta(0)))
    arn = kin.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    if enable:
        _checked(ddb, "enable_kinesis_streaming_destination", TableName=TABLE, StreamArn=arn)
        sim.advance(settings.get("status_delay", timedelta(0)))
    return sim, ddb, kin, arn


def _checked(client: Any, method: str, **params: Any) -> dict[str, Any]:
    response: dict[str, Any] = getattr(client, method)(**params)
    assert_matches_output_shape("dynamodb", client.meta.method_to_api_mapping[method], response)
    return response


def _records(kin: Any) -> list[tuple[str, dict[str, Any]]]:
    """(partition key, decoded Data) of every record of stream ``s``, shard by shard."""
    out = []
    for shard in shards(kin):
        records, _ = drain(kin, shard["ShardId"])
        out += [(r["PartitionKey"], json.loads(r["Data"])) for r in records]
    return out


def _key(pk: str, sk: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def _describe(ddb: Any) -> list[dict[str, Any]]:
    response = _checked(ddb, "describe_kinesis_streaming_destination", TableName=TABLE)
    assert response["TableName"] == TABLE
    out: list[dict[str, Any]] = response["KinesisDataStreamDestinations"]
    return out


# --- rule K.16: the control plane ----------------------------------------------------------------


def test_rule_k16_enable_answers_enabling_and_the_destination_becomes_active() -> None:
    """Enable answers ENABLING with its configuration; Describe then lists it ACTIVE."""
    _sim, ddb, _, arn = _setup(enable=False)
    response = _checked(
        ddb,
        "enable_kinesis_streaming_destination",
        TableName=f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}",
        StreamArn=arn,
        EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {
        "TableName": TABLE,
        "StreamArn": arn,
        "DestinationStatus": "ENABLING",
        "EnableKinesisStreamingConfiguration": {
            "ApproximateCreationDateTimePrecision": "MICROSECOND"
        },
    }
    assert _describe(ddb) == [
        {
            "StreamArn": arn,
            "DestinationStatus": "ACTIVE",
            "ApproximateCreationDateTimePrecision": "MICROSECOND",
        }
    ]


def test_rule_k16_statuses_last_the_status_delay_and_nothing_is_sent_before_active() -> None:
    """With a status delay, ENABLING lasts that long and changes made meanwhile are not sent."""
    delay = timedelta(seconds=30)
    sim, ddb, kin, arn = _setup(enable=False, status_delay=delay)
    ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    assert _describe(ddb)[0]["DestinationStatus"] == "ENABLING"
    ddb.put_item(TableName=TABLE, Item=_key("early", 1))
    sim.advance(delay)
    assert _describe(ddb)[0]["DestinationStatus"] == "ACTIVE"
    ddb.put_item(TableName=TABLE, Item=_key("late", 1))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for _, r in _records(kin)] == ["late"]
    response = _checked(
        ddb, "disable_kinesis_streaming_destination", TableName=TABLE, StreamArn=arn
    )
    assert response["DestinationStatus"] == "DISABLING"
    with pytest.raises(ResourceInUseException):
        ddb.update_kinesis_streaming_destination(
            TableName=TABLE,
            StreamArn=arn,
            UpdateKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MICROSECOND"
            },
        )
    with pytest.raises(ResourceInUseException, match="DISABLING"):
        ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    sim.advance(delay)
    assert _describe(ddb)[0]["DestinationStatus"] == "DISABLED"
    sim._model._check()


def test_rule_k16_disable_stops_delivery_and_the_destination_stays_listed() -> None:
    """After Disable no change is sent; Describe keeps the destination as DISABLED."""
    sim, ddb, kin, arn = _setup()
    ddb.put_item(TableName=TABLE, Item=_key("a", 1))
    ddb.disable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    ddb.put_item(TableName=TABLE, Item=_key("b", 1))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for _, r in _records(kin)] == ["a"]
    assert [d["DestinationStatus"] for d in _describe(ddb)] == ["DISABLED"]
    table = sim._model.tables.get(TABLE)
    assert table.observers == []  # a table without a destination pays nothing on writes
    ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    ddb.put_item(TableName=TABLE, Item=_key("c", 1))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for _, r in _records(kin)] == ["a", "c"]
    sim._model._check()


def test_rule_k16_update_changes_the_precision() -> None:
    """Update answers UPDATING; the records that follow use the new precision."""
    sim, ddb, kin, arn = _setup()
    sim.advance(milliseconds=7)
    ddb.put_item(TableName=TABLE, Item=_key("a", 1))
    response = _checked(
        ddb,
        "update_kinesis_streaming_destination",
        TableName=TABLE,
        StreamArn=arn,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert response["DestinationStatus"] == "UPDATING"
    assert response["UpdateKinesisStreamingConfiguration"] == {
        "ApproximateCreationDateTimePrecision": "MICROSECOND"
    }
    assert _describe(ddb)[0]["ApproximateCreationDateTimePrecision"] == "MICROSECOND"
    ddb.put_item(TableName=TABLE, Item=_key("b", 1))
    first, second = (r["dynamodb"] for _, r in _records(kin))
    assert second["ApproximateCreationDateTime"] == first["ApproximateCreationDateTime"] * 1000
    assert "ApproximateCreationDateTimePrecision" not in first
    assert second["ApproximateCreationDateTimePrecision"] == "MICROSECOND"


def test_rule_k16_errors_change_nothing() -> None:
    """Unknown table or stream, a stream twice, a second stream, bad precisions: AWS errors."""
    sim, ddb, kin, arn = _setup()
    kin.create_stream(StreamName="other", ShardCount=1)
    other = arn.replace("stream/s", "stream/other")
    missing = arn.replace("stream/s", "stream/nope")
    enable = ddb.enable_kinesis_streaming_destination
    with pytest.raises(ResourceNotFoundException):
        enable(TableName="missing", StreamArn=arn)
    with pytest.raises(ResourceNotFoundException):
        enable(TableName=TABLE, StreamArn=missing)
    with pytest.raises(ValidationException, match="already has an enabled"):
        enable(TableName=TABLE, StreamArn=arn)
    with pytest.raises(LimitExceededException):
        enable(TableName=TABLE, StreamArn=other)
    with pytest.raises(ResourceNotFoundException):
        ddb.disable_kinesis_streaming_destination(TableName=TABLE, StreamArn=other)
    with pytest.raises(ResourceNotFoundException):
        ddb.describe_kinesis_streaming_destination(TableName="missing")
    update = ddb.update_kinesis_streaming_destination
    with pytest.raises(ValidationException, match="already set"):
        update(
            TableName=TABLE,
            StreamArn=arn,
            UpdateKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MILLISECOND"
            },
        )
    with pytest.raises(ValidationException, match="enum value set"):
        update(
            TableName=TABLE,
            StreamArn=arn,
            UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "SECOND"},
        )
    with pytest.raises(ValidationException):
        update(TableName=TABLE, StreamArn=arn)
    assert _describe(ddb) == [
        {
            "StreamArn": arn,
            "DestinationStatus": "ACTIVE",
            "ApproximateCreationDateTimePrecision": "MILLISECOND",
        }
    ]
    with pytest.raises(ValidationException) as info:
        enable(TableName=TABLE, StreamArn=arn)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    sim._model._check()


def test_rule_k16_a_stream_not_active_cannot_become_a_destination() -> None:
    """A Kinesis stream still CREATING answers ResourceInUseException."""
    _sim, ddb, kin, _ = _setup(enable=False, status_delay=timedelta(seconds=10))
    kin.create_stream(StreamName="new", ShardCount=1)
    new = kin.describe_stream_summary(StreamName="new")["StreamDescriptionSummary"]["StreamARN"]
    with pytest.raises(ResourceInUseException):
        ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=new)
    assert _describe(ddb) == []


# --- rule K.17: the record ------------------------------------------------------------------------


def test_rule_k17_records_carry_both_images_and_no_stream_members() -> None:
    """INSERT, MODIFY, REMOVE records: members in AWS's order, images, SizeBytes, ms times."""
    sim, ddb, kin, _ = _setup(shard_count=1)
    sim.advance(milliseconds=250)
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "b": {"B": b"\x00x"}})
    ddb.update_item(
        TableName=TABLE,
        Key=_key("a", 1),
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "42"}},
    )
    ddb.delete_item(TableName=TABLE, Key=_key("a", 1))
    records = [r for _, r in _records(kin)]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for record in records:
        assert list(record) == [
            "awsRegion",
            "eventID",
            "eventName",
            "userIdentity",
            "recordFormat",
            "tableName",
            "dynamodb",
            "eventSource",
        ]
        assert UUID4.fullmatch(record["eventID"])
        assert record["userIdentity"] is None
        assert record["recordFormat"] == "application/json"
        assert record["tableName"] == TABLE
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "us-east-1"
        assert record["dynamodb"]["Keys"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}
        assert record["dynamodb"]["ApproximateCreationDateTime"] == sim.now_ms
    insert, modify, remove = (r["dynamodb"] for r in records)
    image = {"pk": {"S": "a"}, "sk": {"N": "1"}, "b": {"B": "AHg="}}
    assert (insert.get("NewImage"), insert.get("OldImage")) == (image, None)
    assert (modify["OldImage"], modify["NewImage"]) == (image, {**image, "n": {"N": "42"}})
    assert (remove.get("NewImage"), remove["OldImage"]) == (None, {**image, "n": {"N": "42"}})
    # rule B.6: Keys 7 (pk 2 + 1, sk 2 + 2); images add b (1 + 2) and n (1 + 2)
    assert [d["SizeBytes"] for d in (insert, modify, remove)] == [7 + 10, 7 + 10 + 13, 7 + 13]
    assert len({r["eventID"] for r in records}) == 3


def test_rule_k17_ttl_deletes_name_the_dynamodb_service() -> None:
    """A delete by Time to Live carries a userIdentity naming dynamodb.amazonaws.com."""
    sim, ddb, kin, _ = _setup(shard_count=1)
    ddb.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    expires = sim.now_ms // 1000 + 10
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "exp": {"N": str(expires)}})
    ddb.put_item(TableName=TABLE, Item=_key("b", 1))
    ddb.delete_item(TableName=TABLE, Key=_key("b", 1))
    sim.advance(minutes=5)
    records = [r for _, r in _records(kin)]
    identities = [(r["eventName"], r["userIdentity"]) for r in records]
    assert identities == [
        ("INSERT", None),
        ("INSERT", None),
        ("REMOVE", None),
        ("REMOVE", {"type": "Service", "principalId": "dynamodb.amazonaws.com"}),
    ]


def test_rule_k17_a_change_too_large_for_kinesis_is_skipped_and_counted() -> None:
    """A change whose record passes 1 MiB is not sent; it is counted as failed."""
    sim, ddb, kin, _arn = _setup(shard_count=1)
    # 40,000 BOOLs: about 80 KB of item, about 560 KB of DynamoDB JSON per image
    flags = [{"BOOL": True}] * 40_000
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "v": {"L": flags}})
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "v": {"L": [*flags, {"NULL": True}]}})
    ddb.put_item(TableName=TABLE, Item=_key("b", 1))
    assert [r["eventName"] for _, r in _records(kin)] == ["INSERT", "INSERT"]
    [destination] = sim._model.kinesis_destinations.of(sim._model.tables.get(TABLE))
    assert (destination.delivered, destination.failed) == (2, 1)


# --- rule K.18: the partition key ----------------------------------------------------------------


def test_rule_k18_one_item_keeps_one_partition_key_and_items_spread() -> None:
    """Partition keys are 32 uppercase hex digits, one per item; items use several shards."""
    _sim, ddb, kin, _ = _setup(shard_count=4)
    for i in range(40):
        ddb.put_item(TableName=TABLE, Item={**_key(f"user{i}", i), "v": {"N": "1"}})
        ddb.put_item(TableName=TABLE, Item={**_key(f"user{i}", i), "v": {"N": "2"}})
    by_item: dict[str, set[str]] = {}
    for shard in shards(kin):
        for record in drain(kin, shard["ShardId"])[0]:
            assert re.fullmatch(r"[0-9A-F]{32}", record["PartitionKey"])
            pk = json.loads(record["Data"])["dynamodb"]["Keys"]["pk"]["S"]
            by_item.setdefault(pk, set()).add(shard["ShardId"])
    assert len(by_item) == 40
    assert all(len(s) == 1 for s in by_item.values())
    assert len(set().union(*by_item.values())) == 4


# --- rule K.19: ordering, duplicates, throttling -------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.integers(0, 2), st.integers(0, 3)),
        min_size=1,
        max_size=30,
    )
)
def test_rule_k19_by_default_each_change_arrives_once_in_order(
    ops: list[tuple[str, int, int]],
) -> None:
    """Default settings: one record per item change, each item's records in change order."""
    _sim, ddb, kin, _ = _setup(shard_count=3)
    expected: dict[str, list[tuple[str, Any]]] = {}
    current: dict[str, int] = {}
    for pk, sk, value in ops:
        name = f"{pk}#{sk}"
        if value == 0:
            ddb.delete_item(TableName=TABLE, Key=_key(pk, sk))
            if name in current:
                expected.setdefault(name, []).append(("REMOVE", None))
                del current[name]
        else:
            ddb.put_item(TableName=TABLE, Item={**_key(pk, sk), "v": {"N": str(value)}})
            if current.get(name) != value:
                event = "MODIFY" if name in current else "INSERT"
                expected.setdefault(name, []).append((event, str(value)))
                current[name] = value
    seen: dict[str, list[tuple[str, Any]]] = {}
    for _, record in _records(kin):
        keys = record["dynamodb"]["Keys"]
        new = record["dynamodb"].get("NewImage")
        seen.setdefault(f"{keys['pk']['S']}#{keys['sk']['N']}", []).append(
            (record["eventName"], None if new is None else new["v"]["N"])
        )
    assert seen == expected


def test_rule_k19_duplicates_setting_writes_some_changes_twice() -> None:
    """destination_duplicates=0.5 writes about half the changes twice (same eventID)."""
    _sim, ddb, kin, _ = _setup(shard_count=1, destination_duplicates=0.5)
    for i in range(200):
        ddb.put_item(TableName=TABLE, Item=_key("a", i))
    ids = [r["eventID"] for _, r in _records(kin)]
    assert 250 < len(ids) < 350
    assert len(set(ids)) == 200
    again = _setup(shard_count=1, destination_duplicates=0.5)
    for i in range(200):
        again[1].put_item(TableName=TABLE, Item=_key("a", i))
    assert [r["eventID"] for _, r in _records(again[2])] == ids  # seeded: the same run


def test_rule_k19_throttled_writes_are_retried_in_order() -> None:
    """Past the shard's 1,000 records/s the rest wait and arrive later, none lost, in order."""
    sim, ddb, kin, _arn = _setup(shard_count=1, throughput_limits=True)
    for i in range(1500):
        ddb.put_item(TableName=TABLE, Item=_key("a", i))
    destination = sim._model.kinesis_destinations.of(sim._model.tables.get(TABLE))[0]
    assert destination.throttled >= 1
    assert destination.delivered < 1500
    sim.advance(seconds=5)
    assert destination.delivered == 1500
    sks = [int(r["dynamodb"]["Keys"]["sk"]["N"]) for _, r in _records(kin)]
    assert sks == list(range(1500))
    sim._model._check()


# --- checklist E.20-E.22 --------------------------------------------------------------------------


def _lambda_on_stream(sim: Simulation, arn: str, recorder: Recorder, **params: Any) -> None:
    sim.create_function("fn", recorder)
    params.setdefault("StartingPosition", "TRIM_HORIZON")
    sim.client("lambda").create_event_source_mapping(
        FunctionName="fn", EventSourceArn=arn, **params
    )


def _decoded(recorder: Recorder) -> list[dict[str, Any]]:
    return [
        json.loads(base64.b64decode(r["kinesis"]["data"]))
        for event in recorder.events
        for r in event["Records"]
    ]


def test_checklist_e20_lambda_gets_kinesis_events_that_parse_as_powertools_model() -> None:
    """E.20: camelCase kinesis members, aws:kinesis source, eventID shardId:seq; powertools."""
    sim, ddb, _, arn = _setup()
    recorder = Recorder(sim)
    _lambda_on_stream(sim, arn, recorder)
    for i in range(6):
        ddb.put_item(TableName=TABLE, Item=_key(f"k{i}", i))
    sim.advance(seconds=5)
    for event in recorder.events:
        model = KinesisDataStreamModel(**event)
        for raw, record in zip(event["Records"], model.Records, strict=True):
            assert record.eventSource == "aws:kinesis"
            assert record.eventVersion == "1.0"
            assert record.eventName == "aws:kinesis:record"
            assert record.kinesis.kinesisSchemaVersion == "1.0"
            assert re.fullmatch(r"shardId-\d{12}:\d+", raw["eventID"])
            assert raw["eventID"].endswith(f":{raw['kinesis']['sequenceNumber']}")
            assert raw["eventSourceARN"] == arn
            assert {"awsRegion", "invokeIdentityArn"} <= set(raw)
    assert len(_decoded(recorder)) == 6


def test_checklist_e21_at_timestamp_is_accepted_for_a_kinesis_mapping() -> None:
    """E.21: AT_TIMESTAMP with StartingPositionTimestamp starts at records from that time."""
    sim, ddb, _, arn = _setup()
    ddb.put_item(TableName=TABLE, Item=_key("old", 1))
    sim.advance(seconds=10)
    instant = sim.now
    ddb.put_item(TableName=TABLE, Item=_key("new", 1))
    recorder = Recorder(sim)
    _lambda_on_stream(
        sim, arn, recorder, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=instant
    )
    sim.advance(seconds=5)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _decoded(recorder)] == ["new"]


def test_checklist_e21_parallelization_factor_keeps_each_item_in_order() -> None:
    """E.21: ParallelizationFactor 4 on a one-shard stream keeps every item's changes in order."""
    sim, ddb, _, arn = _setup(shard_count=1)
    recorder = Recorder(sim)
    sim.create_function("fn", recorder, duration=0.5)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=arn,
        StartingPosition="TRIM_HORIZON",
        ParallelizationFactor=4,
        BatchSize=5,
    )
    for i in range(100):
        ddb.put_item(TableName=TABLE, Item={**_key(f"k{i % 10}", 0), "v": {"N": str(i)}})
    sim.advance(minutes=1)
    seen: dict[str, list[int]] = {}
    for record in _decoded(recorder):
        pk = record["dynamodb"]["Keys"]["pk"]["S"]
        seen.setdefault(pk, []).append(int(record["dynamodb"]["NewImage"]["v"]["N"]))
    assert sum(map(len, seen.values())) == 100
    assert all(values == sorted(values) for values in seen.values())
    assert sim.lambda_service.functions["fn"].peak_concurrency > 1


def test_checklist_e21_failed_batches_go_on_failure_with_kinesis_batch_info() -> None:
    """E.21: an exhausted batch's on-failure record has the key KinesisBatchInfo."""
    sim, ddb, _, arn = _setup(shard_count=1)

    def fail(event: Any) -> Any:
        raise RuntimeError("no")

    recorder = Recorder(sim, fail)
    queue = sim.create_queue("dlq")
    _lambda_on_stream(
        sim,
        arn,
        recorder,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    ddb.put_item(TableName=TABLE, Item=_key("a", 1))
    sim.advance(minutes=2)
    [message] = queue.messages
    assert message["KinesisBatchInfo"]["streamArn"] == arn
    assert message["KinesisBatchInfo"]["batchSize"] == 1


def test_checklist_e22_kds_for_dynamodb_record_format() -> None:
    """E.22: UUID eventID, application/json, tableName, null userIdentity, both images,
    no SequenceNumber/StreamViewType/eventVersion, integer times in ms or µs."""
    sim, ddb, kin, arn = _setup(shard_count=1)
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "v": {"S": "x"}})
    ddb.update_kinesis_streaming_destination(
        TableName=TABLE,
        StreamArn=arn,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    ddb.put_item(TableName=TABLE, Item={**_key("a", 1), "v": {"S": "y"}})
    ms, us = (r for _, r in _records(kin))
    for record in (ms, us):
        assert UUID4.fullmatch(record["eventID"])
        assert record["recordFormat"] == "application/json"
        assert record["tableName"] == TABLE
        assert record["userIdentity"] is None
        assert "eventVersion" not in record
        body = record["dynamodb"]
        assert not {"SequenceNumber", "StreamViewType"} & set(body)
        assert isinstance(body["ApproximateCreationDateTime"], int)
    assert ms["dynamodb"]["ApproximateCreationDateTime"] == sim.now_ms
    assert us["dynamodb"]["ApproximateCreationDateTime"] == sim.now_ms * 1000
    assert us["dynamodb"]["OldImage"]["v"] == {"S": "x"}
    assert us["dynamodb"]["NewImage"]["v"] == {"S": "y"}


# --- end to end -----------------------------------------------------------------------------------


def test_table_to_kinesis_to_lambda_delivers_every_change_once_in_per_item_order() -> None:
    """Table -> Kinesis destination -> Lambda: every change once, each item in change order."""
    sim, ddb, _, arn = _setup(shard_count=3, throughput_limits=True)
    recorder = Recorder(sim)
    _lambda_on_stream(sim, arn, recorder, BatchSize=7)
    expected: dict[str, list[str]] = {}
    for i in range(300):
        pk = f"item{i % 17}"
        if i % 11 == 10:
            ddb.delete_item(TableName=TABLE, Key=_key(pk, 0))
            if expected.get(pk, ["REMOVE"])[-1] != "REMOVE":
                expected[pk].append("REMOVE")
        else:
            ddb.put_item(TableName=TABLE, Item={**_key(pk, 0), "v": {"N": str(i)}})
            last = expected.get(pk, ["REMOVE"])[-1]
            expected.setdefault(pk, []).append(f"{'INSERT' if last == 'REMOVE' else 'MODIFY'}:{i}")
        sim.advance(milliseconds=10)
    sim.advance(minutes=1)
    seen: dict[str, list[str]] = {}
    for record in _decoded(recorder):
        new = record["dynamodb"].get("NewImage")
        label = record["eventName"] + ("" if new is None else f":{new['v']['N']}")
        seen.setdefault(record["dynamodb"]["Keys"]["pk"]["S"], []).append(label)
    assert seen == expected
    sim._model._check()


def test_rule_k16_operations_answer_a_real_boto3_client() -> None:
    """Through a real boto3 session the four operations answer as sim.client does."""
    sim, _, _, arn = _setup(enable=False)
    ddb = sim.boto3_session().client("dynamodb")
    response = ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    assert response["DestinationStatus"] == "ENABLING"
    assert ddb.describe_kinesis_streaming_destination(TableName=TABLE)[
        "KinesisDataStreamDestinations"
    ] == [
        {
            "StreamArn": arn,
            "DestinationStatus": "ACTIVE",
            "ApproximateCreationDateTimePrecision": "MILLISECOND",
        }
    ]
    with pytest.raises(ddb.exceptions.ClientError) as info:
        ddb.enable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    response = ddb.disable_kinesis_streaming_destination(TableName=TABLE, StreamArn=arn)
    assert response["DestinationStatus"] == "DISABLING"
