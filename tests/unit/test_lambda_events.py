"""The Lambda DynamoDB event (rule D.10): exact records, powertools models and BatchProcessor."""

from __future__ import annotations

import json
from base64 import b64encode
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from streamsim import Binary, Simulation
from streamsim._lambda._events import events_builder
from streamsim._streams._records import StreamFacts
from streamsim._streams._view import StreamRecord
from tests.lambda_support import Recorder, attach, put, streamed
from tests.shapes import validate_dynamodb_stream_event

VIEWS = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY")

RICH = {
    "s": "héllo",
    "n": Decimal("-1.50"),
    "b": Binary(b"\x00\x01"),
    "t": True,
    "z": None,
    "ss": {"a", "b"},
    "ns": {Decimal(1), Decimal(2)},
    "bs": {Binary(b"x")},
    "l": [1, "two", {"three": [None]}],
    "m": {"k": {"nested": Binary(b"y")}},
    "empty": "",
}


def _json_value(av: dict[str, Any]) -> dict[str, Any]:
    ((tag, value),) = av.items()
    if tag == "M":
        return {"M": {k: _json_value(v) for k, v in value.items()}}
    if tag == "L":
        return {"L": [_json_value(v) for v in value]}
    if tag in ("SS", "NS"):
        return {tag: list(value)}
    if tag == "B":
        return {"B": b64encode(value).decode("ascii")}
    if tag == "BS":
        return {"BS": [b64encode(v).decode("ascii") for v in value]}
    return {tag: value}


def reference_event_record(stream: StreamFacts, record: StreamRecord) -> dict[str, Any]:
    """The Lambda event record (rule D.10) built plainly from the typed view, member by
    member in AWS's order: the reference the renderer is held to."""
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": record.created_ms // 1000,
        "Keys": {k: _json_value(v) for k, v in record.keys.items()},
    }
    if record.new_image is not None:
        body["NewImage"] = {k: _json_value(v) for k, v in record.new_image.items()}
    if record.old_image is not None:
        body["OldImage"] = {k: _json_value(v) for k, v in record.old_image.items()}
    body["SequenceNumber"] = str(record.sequence_number)
    body["SizeBytes"] = record.size_bytes
    body["StreamViewType"] = stream.view_type
    out: dict[str, Any] = {
        "eventID": record.event_id,
        "eventName": record.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": stream.region,
        "dynamodb": body,
        "eventSourceARN": stream.arn,
    }
    if record.is_ttl_delete:
        out["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return out


def workload(table: Any, sim: Any) -> None:
    """INSERTs, MODIFYs, REMOVEs and a TTL delete of rich items."""
    table.enable_time_to_live("ttl")
    table.put_item(Item={"pk": "rich", **RICH})
    table.put_item(Item={"pk": "rich", **RICH, "s": "changed"})
    table.put_item(Item={"pk": "gone"})
    table.delete_item(Key={"pk": "gone"})
    table.put_item(Item={"pk": "expiring", "ttl": sim.now_ms // 1000})
    sim.advance(hours=1)


@pytest.mark.parametrize("view", VIEWS)
def test_builder_matches_the_reference_event_record(view: str) -> None:
    """The poller's builder builds exactly the reference event record, and so does the view."""
    sim, table = streamed(view=view, range_key=None)
    workload(table, sim)
    stream = sim.streams[0]
    build_all = events_builder(stream)
    build = lambda raw: build_all((raw,))[0]  # noqa: E731
    records = [r for shard in stream.all_shards for r in shard.records]
    assert len(records) == 6
    for record in records:
        built = build(record.raw)
        assert built["dynamodb"]["SizeBytes"] == record.size_bytes
        assert built == reference_event_record(stream, record)
        assert built == record.to_lambda_event_record()


def _containers(value: Any, out: list[Any]) -> list[Any]:
    """Every dict and list inside ``value`` (itself included)."""
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            _containers(v, out)
    elif isinstance(value, list):
        out.append(value)
        for v in value:
            _containers(v, out)
    return out


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("range_key", [None, "sk"])
def test_builder_is_byte_for_byte_the_reference(view: str, range_key: str | None) -> None:
    """The builder's records serialise to exactly the reference's JSON, key order included."""
    sim = Simulation(seed=1)
    table = sim.create_table(
        "tbl",
        hash_key="pk",
        hash_key_type="N",
        range_key=range_key,
        range_key_type="B",
        stream_view_type=view,
    )
    table.enable_time_to_live("ttl")
    key: dict[str, Any] = {"pk": Decimal(7)}
    if range_key is not None:
        key[range_key] = Binary(b"\xff\x00")
    table.put_item(Item={**key, **RICH})
    table.put_item(Item={**key, **RICH, "s": "changed", "extra": [Binary(b"z")]})
    table.delete_item(Key=key)
    table.put_item(Item={**key, "ttl": sim.now_ms // 1000})
    sim.advance(hours=1)
    stream = sim.streams[0]
    build_all = events_builder(stream)
    build = lambda raw: build_all((raw,))[0]  # noqa: E731
    records = [r for shard in stream.all_shards for r in shard.records]
    assert [r.event_name for r in records] == ["INSERT", "MODIFY", "REMOVE", "INSERT", "REMOVE"]
    for record in records:
        built = json.dumps(build(record.raw), ensure_ascii=False)
        assert built == json.dumps(reference_event_record(stream, record), ensure_ascii=False)


@pytest.mark.parametrize("view", VIEWS)
def test_every_container_of_an_event_is_fresh(view: str) -> None:
    """No dict or list of an event is shared with another event, the same event or the table."""
    sim, table = streamed(view=view, range_key="sk")
    table.put_item(Item={"pk": "a", "sk": "1", **RICH})
    table.put_item(Item={"pk": "a", "sk": "1", **RICH, "s": "changed"})
    table.put_item(Item={"pk": "b", "sk": "1", **RICH})
    stream = sim.streams[0]
    build_all = events_builder(stream)
    build = lambda raw: build_all((raw,))[0]  # noqa: E731
    records = [r.raw for shard in stream.all_shards for r in shard.records]
    stored = _containers(sim._engine("tbl")._items, [])
    seen = {id(c) for c in stored}
    events = [build(record) for record in records for _ in range(2)]
    for event in events:
        for container in _containers(event, []):
            assert id(container) not in seen
            seen.add(id(container))


@pytest.mark.parametrize("view", VIEWS)
def test_every_event_validates_against_powertools_model(view: str) -> None:
    """Every event the poller builds parses as powertools' DynamoDBStreamModel."""
    sim, table = streamed(view=view, partitions=2)
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=2)
    workload(table, sim)
    put(table, *[f"k{i}" for i in range(20)])
    sim.advance(seconds=5)
    assert sum(len(e["Records"]) for e in rec.events) == 26
    for event in rec.events:
        model = validate_dynamodb_stream_event(event)
        assert len(model.Records) == len(event["Records"])


def test_event_record_fields() -> None:
    """Records carry eventSourceARN, eventVersion 1.1, 32-hex eventID, region, view type."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec)
    put(table, "a")
    sim.advance(seconds=1)
    (record,) = rec.events[0]["Records"]
    assert record["eventSourceARN"] == sim.streams[0].arn
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert len(record["eventID"]) == 32
    assert int(record["eventID"], 16) >= 0
    assert record["awsRegion"] == "us-east-1"
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert record["dynamodb"]["ApproximateCreationDateTime"] == sim.now_ms // 1000 - 1
    assert "userIdentity" not in record
    assert list(rec.events[0]) == ["Records"]


def test_ttl_delete_has_lower_case_user_identity() -> None:
    """A TTL delete's record has userIdentity with lower-case keys (D.10)."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec)
    table.enable_time_to_live("ttl")
    table.put_item(Item={"pk": "x", "ttl": sim.now_ms // 1000})
    sim.advance(hours=1)
    removes = [r for e in rec.events for r in e["Records"] if r["eventName"] == "REMOVE"]
    assert [r["userIdentity"] for r in removes] == [
        {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    ]


def test_handler_mutation_does_not_leak() -> None:
    """A handler that mutates its event changes neither the table nor the retried event."""
    sim, table = streamed()
    calls: list[str] = []

    def respond(event: dict[str, Any]) -> None:
        image = event["Records"][0]["dynamodb"]["NewImage"]
        calls.append(image["v"]["S"])
        image["v"]["S"] = "mutated"
        if len(calls) == 1:
            raise RuntimeError("retry me")

    attach(sim, Recorder(sim, respond))
    table.put_item(Item={"pk": "a", "v": "orig"})
    sim.advance(seconds=5)
    assert calls == ["orig", "orig"]
    assert table.get_item(Key={"pk": "a"})["Item"]["v"] == "orig"


def test_powertools_batch_processor_partial_failures() -> None:
    """A powertools BatchProcessor handler runs unchanged and gets partial batches right."""
    sim, table = streamed()
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    processed: list[str] = []
    failed_once: set[str] = set()

    def record_handler(record: DynamoDBRecord) -> None:
        key = record.dynamodb.keys["pk"] if record.dynamodb and record.dynamodb.keys else None
        assert isinstance(key, str)
        if key.startswith("bad") and key not in failed_once:
            failed_once.add(key)
            raise ValueError(f"cannot process {key}")
        processed.append(key)

    def lambda_handler(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    mapping = attach(sim, lambda_handler, FunctionResponseTypes=["ReportBatchItemFailures"])
    put(table, "a", "b", "bad1", "c", "bad2", "d")
    sim.advance(seconds=30)
    # first call: powertools processes all six; bad1 and bad2 fail, the lowest is bad1, so
    # bad1 and everything after it are retried (a and b are committed, never redelivered)
    assert processed == ["a", "b", "c", "d", "bad1", "c", "bad2", "d"]
    outcomes = [entry.outcome for entry in mapping.invocation_log]
    assert outcomes == ["partial_failure", "success"]
    assert [entry.batch_size for entry in mapping.invocation_log] == [6, 4]


def test_powertools_all_failed_batch_is_a_function_error() -> None:
    """When every record fails, powertools raises: the whole batch is retried."""
    sim, table = streamed()
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def record_handler(record: DynamoDBRecord) -> None:
        raise ValueError("no")

    def lambda_handler(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    mapping = attach(
        sim,
        lambda_handler,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
    )
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert [entry.outcome for entry in mapping.invocation_log] == ["function_error"] * 2
    assert [entry.batch_size for entry in mapping.invocation_log] == [2, 2]


def test_handler_mutation_reaches_no_item_sharing_the_value() -> None:
    """Items share equal stored values; a handler mutating its copy changes none of them."""
    sim, table = streamed()

    def respond(event: dict[str, Any]) -> None:
        for record in event["Records"]:
            record["dynamodb"]["NewImage"]["v"]["S"] = "mutated"

    attach(sim, Recorder(sim, respond))
    table.put_item(Item={"pk": "a", "v": "shared"})
    table.put_item(Item={"pk": "b", "v": "shared"})
    sim.advance(seconds=5)
    table.put_item(Item={"pk": "c", "v": "shared"})
    sim.advance(seconds=5)
    for pk in ("a", "b", "c"):
        assert table.get_item(Key={"pk": pk})["Item"]["v"] == "shared"
    images = [r.new_image for s in sim.streams[0].shards for r in s.records]
    assert [image["v"] for image in images] == [{"S": "shared"}] * 3
