"""Lambda's event source mapping on a Kinesis stream (rule L.5-L.11), one test per rule."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import KinesisDataStreamModel

from streamsim._errors import InvalidParameterValueException, ResourceConflictException
from streamsim._kinesis import _shard as kinesis_shard
from streamsim._lambda import _kinesis_source
from tests.lambda_kinesis.support import (
    data_of,
    kinesis,
    map_function,
    put,
    put_paced,
    reshard_merge,
    reshard_split,
    values,
)
from tests.lambda_support import Recorder


def test_the_adapter_reads_records_as_the_kinesis_model_hands_them_out() -> None:
    """The adapter's record field indexes are those of streamsim._kinesis._shard's reads."""
    for name in ("SEQ", "ARRIVAL", "KEY", "DATA"):
        assert getattr(_kinesis_source, name) == getattr(kinesis_shard, name)


# --- rule L.6: the event ------------------------------------------------------------------------


def test_kinesis_event_validates_against_powertools_kinesis_model() -> None:
    """Every event a Kinesis mapping sends parses as powertools' KinesisDataStreamModel."""
    sim, stream = kinesis(shards=2)
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, BatchSize=5)
    for i in range(12):
        put(sim, stream, f"user{i % 4}", {"i": i, "text": "héllo"})
    put(sim, stream, "raw", b"\x00\xffnot json")
    sim.advance(seconds=5)
    assert recorder.events
    for event in recorder.events:
        model = KinesisDataStreamModel(**event)
        for record in model.Records:
            assert record.eventSource == "aws:kinesis"
            assert record.eventName == "aws:kinesis:record"
    assert sorted(v["i"] for v in values_json(recorder)) == list(range(12))


def values_json(recorder: Recorder) -> list[Any]:
    out = []
    for event in recorder.events:
        for record in event["Records"]:
            raw = base64.b64decode(record["kinesis"]["data"])
            if raw.startswith(b"{"):
                out.append(json.loads(raw))
    return out


def test_kinesis_event_record_has_the_exact_aws_shape() -> None:
    """kinesis{...}, eventID <shardId>:<SN>, role, region, ARN, arrival in seconds with ms."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    map_function(sim, stream, recorder)
    sim.advance(milliseconds=1234)
    arrival = sim.now_ms
    sn = put(sim, stream, "user-1", {"order": 7})
    sim.advance(seconds=2)
    [event] = recorder.events
    [record] = event["Records"]
    assert list(event) == ["Records"]
    assert record == {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "user-1",
            "sequenceNumber": str(sn),
            "data": base64.b64encode(b'{"order": 7}').decode(),
            "approximateArrivalTimestamp": arrival / 1000,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sn}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/fn-role",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
    }
    assert len(str(sn)) == 56


def test_records_of_one_event_come_from_one_shard_in_order() -> None:
    """Each event holds one shard's records in ascending sequence-number order."""
    sim, stream = kinesis(shards=4)
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, BatchSize=100)
    for i in range(200):
        put(sim, stream, f"k{i}", i)
    sim.advance(seconds=5)
    for event in recorder.events:
        shards = {r["eventID"].split(":")[0] for r in event["Records"]}
        assert len(shards) == 1
        sns = [int(r["kinesis"]["sequenceNumber"]) for r in event["Records"]]
        assert sns == sorted(sns)
    assert sorted(values(recorder)) == list(range(200))


# --- rule L.5: starting positions ----------------------------------------------------------------


def test_trim_horizon_reads_every_retained_record() -> None:
    """TRIM_HORIZON starts at the oldest retained record."""
    sim, stream = kinesis()
    for i in range(3):
        put(sim, stream, "k", i)
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, StartingPosition="TRIM_HORIZON")
    sim.advance(seconds=3)
    assert values(recorder) == [0, 1, 2]


def test_latest_reads_only_records_written_after_the_mapping() -> None:
    """LATEST starts at the open shards' ends."""
    sim, stream = kinesis()
    put(sim, stream, "k", "old")
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, StartingPosition="LATEST")
    put(sim, stream, "k", "new")
    sim.advance(seconds=3)
    assert values(recorder) == ["new"]


def test_at_timestamp_reads_from_the_first_record_at_or_after_the_instant() -> None:
    """AT_TIMESTAMP starts each shard at its first record that arrived at or after T."""
    sim, stream = kinesis(shards=2)
    for i in range(4):
        put(sim, stream, f"k{i}", f"before{i}")
    sim.advance(seconds=10)
    instant = sim.now
    for i in range(4):
        put(sim, stream, f"k{i}", f"at{i}")
    sim.advance(seconds=10)
    for i in range(4):
        put(sim, stream, f"k{i}", f"after{i}")
    recorder = Recorder(sim)
    mapping = map_function(
        sim,
        stream,
        recorder,
        StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=instant,
    )
    sim.advance(seconds=3)
    assert sorted(values(recorder)) == sorted(
        [f"at{i}" for i in range(4)] + [f"after{i}" for i in range(4)]
    )
    response = sim.client("lambda").get_event_source_mapping(UUID=mapping.uuid)
    assert response["StartingPosition"] == "AT_TIMESTAMP"
    assert response["StartingPositionTimestamp"] == instant


def test_at_timestamp_takes_epoch_seconds_and_skips_shards_closed_before_it() -> None:
    """Epoch seconds work; a shard closed before T is not read, its children are."""
    sim, stream = kinesis()
    put(sim, stream, "k", "parent")
    reshard_split(sim, stream, "shardId-000000000000")
    sim.advance(seconds=5)
    instant = sim.now_ms // 1000
    put(sim, stream, "k", "child")
    recorder = Recorder(sim)
    map_function(
        sim, stream, recorder, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=instant
    )
    sim.advance(seconds=3)
    assert values(recorder) == ["child"]


def test_starting_position_timestamp_goes_with_at_timestamp_only() -> None:
    """AT_TIMESTAMP needs a timestamp; a timestamp needs AT_TIMESTAMP; the future is refused."""
    sim, stream = kinesis()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    base = {"FunctionName": "fn", "EventSourceArn": stream.arn}
    with pytest.raises(InvalidParameterValueException, match="required with StartingPosition"):
        client.create_event_source_mapping(**base, StartingPosition="AT_TIMESTAMP")
    with pytest.raises(InvalidParameterValueException, match="only valid with StartingPosition"):
        client.create_event_source_mapping(
            **base, StartingPosition="LATEST", StartingPositionTimestamp=sim.now
        )
    with pytest.raises(InvalidParameterValueException, match="future"):
        client.create_event_source_mapping(
            **base,
            StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp=sim.now + timedelta(hours=1),
        )
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


def test_dynamodb_streams_still_refuse_at_timestamp() -> None:
    """AT_TIMESTAMP and StartingPositionTimestamp stay refused for DynamoDB streams."""
    from tests.lambda_support import streamed

    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    arn = sim.streams[0].arn
    with pytest.raises(InvalidParameterValueException, match="DynamoDB streams: AT_TIMESTAMP"):
        client.create_event_source_mapping(
            FunctionName="fn",
            EventSourceArn=arn,
            StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp=datetime(2024, 1, 1, tzinfo=UTC),
        )


def test_kinesis_mapping_refuses_unknown_streams_consumers_and_duplicates() -> None:
    """An unknown stream or an EFO consumer ARN is refused; one mapping per function and stream."""
    sim, stream = kinesis()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    for arn in (
        "arn:aws:kinesis:us-east-1:123456789012:stream/nope",
        f"{stream.arn}/consumer/c1:1704067200",
    ):
        with pytest.raises(InvalidParameterValueException):
            client.create_event_source_mapping(
                FunctionName="fn", EventSourceArn=arn, StartingPosition="LATEST"
            )
    client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=stream.arn, StartingPosition="LATEST"
    )
    with pytest.raises(ResourceConflictException):
        client.create_event_source_mapping(
            FunctionName="fn", EventSourceArn=stream.arn, StartingPosition="LATEST"
        )


# --- rule L.7: polling and batching --------------------------------------------------------------


def test_a_kinesis_shard_is_polled_about_once_a_second() -> None:
    """A record waits at most one poll interval (1 s) before its invocation."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    map_function(sim, stream, recorder)
    sim.advance(milliseconds=100)
    put(sim, stream, "k", 1)
    sim.advance(milliseconds=500)
    assert recorder.calls == []
    sim.advance(milliseconds=600)
    assert len(recorder.calls) == 1
    assert sim.lambda_service.settings.kinesis_poll_interval == timedelta(seconds=1)


def test_batch_size_up_to_10000() -> None:
    """BatchSize takes up to 10,000 records per batch; 10,001 is refused."""
    sim, stream = kinesis()
    put_paced(sim, stream, "k", list(range(10_050)))
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, BatchSize=10_000)
    sim.advance(seconds=3)
    assert [len(e["Records"]) for e in recorder.events] == [10_000, 50]
    with pytest.raises(InvalidParameterValueException, match="BatchSize"):
        map_function(sim, stream, recorder, name="g", BatchSize=10_001)


def test_a_batch_stays_within_the_6_mb_payload() -> None:
    """Records of about 1 MB are batched so no event exceeds 6 MB of JSON."""
    sim, stream = kinesis()
    put_paced(sim, stream, "k", [b"x" * 900_000] * 12)
    sizes: list[int] = []
    sim.create_function("fn", lambda e, c: sizes.append(len(json.dumps(e).encode())) and None)
    map_function(sim, stream, None, BatchSize=100)
    sim.advance(seconds=10)
    assert sum(sizes) > 12 * 1_200_000
    assert all(size <= 6 * 1024 * 1024 for size in sizes)
    assert len(sizes) >= 3


def test_the_batching_window_gathers_records() -> None:
    """MaximumBatchingWindowInSeconds gathers records before invoking."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, BatchSize=100, MaximumBatchingWindowInSeconds=5)
    for i in range(5):
        put(sim, stream, "k", i)
        sim.advance(milliseconds=500)
    sim.advance(seconds=10)
    assert [len(e["Records"]) for e in recorder.events] == [5]


# --- rule L.8: parallelization -------------------------------------------------------------------


def test_parallelization_factor_keeps_each_partition_key_in_order() -> None:
    """With ParallelizationFactor 4, batches of one shard run at once; each key stays in order."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(
        sim, stream, recorder, function={"duration": 0.5}, ParallelizationFactor=4, BatchSize=5
    )
    for i in range(200):
        put(sim, stream, f"user{i % 10}", {"key": f"user{i % 10}", "i": i})
    sim.advance(minutes=1)
    seen: dict[str, list[int]] = {}
    for value in values(recorder):
        seen.setdefault(value["key"], []).append(value["i"])
    assert sum(map(len, seen.values())) == 200
    for items in seen.values():
        assert items == sorted(items)
    assert mapping.function.peak_concurrency > 1


# --- rule L.9: lineage ----------------------------------------------------------------------------


def test_parents_before_children_after_a_split() -> None:
    """No record of a child shard is invoked before every record of its parent."""
    sim, stream = kinesis()
    recorder = Recorder(sim, lambda e: None)
    sim.create_function("fn", recorder, duration=1, timeout=10)
    map_function(sim, stream, recorder, BatchSize=1)
    for i in range(5):
        put(sim, stream, "k", ("parent", i))
    reshard_split(sim, stream, "shardId-000000000000")
    for i in range(5):
        put(sim, stream, "k", ("child", i))
    sim.advance(minutes=1)
    assert values(recorder) == [["parent", i] for i in range(5)] + [["child", i] for i in range(5)]


def test_a_merged_shard_waits_for_both_parents() -> None:
    """A merge's child is read only after both parents are finished."""
    sim, stream = kinesis(shards=2)
    recorder = Recorder(sim)
    sim.create_function("fn", recorder, duration=2, timeout=10)
    map_function(sim, stream, recorder, BatchSize=1)
    keys = {}
    for i in range(40):  # find a key on each shard
        key = f"k{i}"
        shard = stream.route(int.from_bytes(__import__("hashlib").md5(key.encode()).digest()))
        keys.setdefault(shard.shard_id, key)
    k0, k1 = keys["shardId-000000000000"], keys["shardId-000000000001"]
    for i in range(3):
        put(sim, stream, k0, ["p0", i])
    for i in range(6):
        put(sim, stream, k1, ["p1", i])
    reshard_merge(sim, stream, "shardId-000000000000", "shardId-000000000001")
    put(sim, stream, k0, ["child", 0])
    sim.advance(minutes=1)
    order = values(recorder)
    child_at = order.index(["child", 0])
    assert child_at == len(order) - 1 == 9
    last_ids = {r["eventID"].split(":")[0] for r in recorder.events[-1]["Records"]}
    assert last_ids == {"shardId-000000000002"}


# --- rule L.10: filters ---------------------------------------------------------------------------


def test_filters_match_the_decoded_json_data() -> None:
    """A data pattern matches decoded JSON; non-JSON data is dropped; filtered records skip."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(
        sim,
        stream,
        recorder,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"data": {"type": ["buy"]}})}]},
    )
    put(sim, stream, "a", {"type": "buy", "n": 1})
    put(sim, stream, "a", {"type": "sell", "n": 2})
    put(sim, stream, "a", b"type=buy")
    put(sim, stream, "a", {"type": "buy", "n": 3})
    sim.advance(seconds=3)
    assert [v["n"] for v in values(recorder)] == [1, 3]
    assert mapping.metrics.filtered_out == 2


def test_a_data_pattern_that_is_not_an_object_is_refused() -> None:
    """A Kinesis filter whose data pattern is not a JSON object is refused at create."""
    sim, stream = kinesis()
    with pytest.raises(InvalidParameterValueException, match="data pattern"):
        map_function(
            sim,
            stream,
            lambda e, c: None,
            FilterCriteria={"Filters": [{"Pattern": json.dumps({"data": ["buy"]})}]},
        )


# --- rule L.11: errors, retries, destinations -----------------------------------------------------


def test_retries_exhausted_send_kinesis_batch_info_to_the_destination() -> None:
    """After MaximumRetryAttempts the batch goes to OnFailure with KinesisBatchInfo (ms times)."""
    sim, stream = kinesis()

    def fail(event: Any) -> Any:
        raise RuntimeError("no")

    recorder = Recorder(sim, fail)
    queue = sim.create_queue("dlq")
    sim.advance(milliseconds=123)
    first = put(sim, stream, "k", 1)
    sim.advance(milliseconds=456)
    last = put(sim, stream, "k", 2)
    map_function(
        sim,
        stream,
        recorder,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    sim.advance(minutes=5)
    assert len(recorder.calls) == 3
    [message] = queue.messages
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["requestContext"]["approximateInvokeCount"] == 3
    assert message["responseContext"]["functionError"] == "Unhandled"
    info = message["KinesisBatchInfo"]
    assert info == {
        "shardId": "shardId-000000000000",
        "startSequenceNumber": str(first),
        "endSequenceNumber": str(last),
        "approximateArrivalOfFirstRecord": "2024-01-01T00:00:02.123Z",
        "approximateArrivalOfLastRecord": "2024-01-01T00:00:02.579Z",
        "batchSize": 2,
        "streamArn": stream.arn,
    }
    assert "DDBStreamBatchInfo" not in message


def test_bisect_on_function_error_isolates_the_bad_record() -> None:
    """BisectBatchOnFunctionError halves a failing batch until the bad record stands alone."""
    sim, stream = kinesis()

    def respond(event: Any) -> Any:
        if any(data_of(r) == "bad" for r in event["Records"]):
            raise ValueError("bad record")
        return None

    recorder = Recorder(sim, respond)
    queue = sim.create_queue("dlq")
    for value in ["a", "b", "bad", "c"]:
        put(sim, stream, "k", value)
    map_function(
        sim,
        stream,
        recorder,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    sim.advance(minutes=5)
    succeeded = [
        data_of(r)
        for (_, e) in recorder.calls
        for r in e["Records"]
        if "bad" not in map(data_of, e["Records"])
    ]
    assert sorted(succeeded) == ["a", "b", "c"]
    assert [m["KinesisBatchInfo"]["batchSize"] for m in queue.messages] == [1]


def test_report_batch_item_failures_retries_from_the_reported_sequence_number() -> None:
    """A partial batch response names kinesis.sequenceNumber; that record and later retry."""
    sim, stream = kinesis()
    sns = [put(sim, stream, "k", i) for i in range(4)]
    attempts: list[list[int]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        got = [data_of(r) for r in event["Records"]]
        attempts.append(got)
        if len(attempts) == 1:
            return {"batchItemFailures": [{"itemIdentifier": str(sns[2])}]}
        return {"batchItemFailures": []}

    sim.create_function("fn", handler)
    map_function(sim, stream, None, FunctionResponseTypes=["ReportBatchItemFailures"])
    sim.advance(minutes=1)
    assert attempts == [[0, 1, 2, 3], [2, 3]]


def test_maximum_record_age_up_to_a_week_discards_old_records() -> None:
    """MaximumRecordAgeInSeconds 60-604800: older records are discarded, unsent."""
    sim, stream = kinesis()
    with pytest.raises(InvalidParameterValueException, match="MaximumRecordAgeInSeconds"):
        map_function(sim, stream, lambda e, c: None, MaximumRecordAgeInSeconds=604_801)
    put(sim, stream, "k", "old")
    sim.advance(minutes=5)
    put(sim, stream, "k", "young")
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, name="g", MaximumRecordAgeInSeconds=60)
    sim.advance(seconds=3)
    assert values(recorder) == ["young"]
    map_function(sim, stream, Recorder(sim), name="h", MaximumRecordAgeInSeconds=604_800)


def test_tumbling_windows_use_arrival_time() -> None:
    """Tumbling windows group records by approximateArrivalTimestamp and carry state."""
    sim, stream = kinesis()
    calls: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(event)
        state = dict(event.get("state") or {})
        state["n"] = state.get("n", 0) + len(event["Records"])
        return {"state": state}

    sim.create_function("fn", handler)
    map_function(sim, stream, None, TumblingWindowInSeconds=60)
    for i in range(3):
        put(sim, stream, "k", i)
        sim.advance(seconds=10)
    sim.advance(minutes=2)
    final = [c for c in calls if c["isFinalInvokeForWindow"]]
    assert len(final) == 1
    assert final[0]["state"] == {"n": 3}
    assert final[0]["shardId"] == "shardId-000000000000"
    assert final[0]["eventSourceARN"] == stream.arn


def test_kinesis_mapping_round_trips_through_botocore() -> None:
    """A Kinesis AT_TIMESTAMP mapping made through a real boto3 client parses as the face says."""
    sim, stream = kinesis()
    sim.create_function("fn", lambda e, c: None)
    instant = sim.now - timedelta(seconds=1)
    client = sim.boto3_session().client("lambda")
    made = client.create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=stream.arn,
        StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=instant,
        BatchSize=10_000,
        MaximumBatchingWindowInSeconds=1,
        MaximumRecordAgeInSeconds=604_800,
    )
    face = sim.client("lambda").get_event_source_mapping(UUID=made["UUID"])
    assert made["StartingPositionTimestamp"] == instant
    assert face["StartingPositionTimestamp"] == instant
    assert made["EventSourceArn"] == face["EventSourceArn"] == stream.arn
    assert (made["BatchSize"], made["MaximumRecordAgeInSeconds"]) == (10_000, 604_800)
