"""The public surface is small and locked: adding or removing a name is a decision.

Also: every public method's return type is precise, every exported object reads well in a
REPL, and what users are handed (streams, shards, the Lambda service, functions, mappings) is
a read-only view whose model mutators are out of reach.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, Literal

import pytest

import streamsim
from streamsim import Simulation

EXPECTED = {
    "Binary",
    "Blocked",
    "Bucket",
    "ConditionalCheckFailedException",
    "Discard",
    "DynamoDBClient",
    "DynamoDBStreamsClient",
    "EventSourceMapping",
    "ExpiredIteratorException",
    "Function",
    "HandlerTimedOut",
    "InternalServerError",
    "InvalidArgumentException",
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "Invocation",
    "IdleReport",
    "InvocationTrace",
    "IteratorAge",
    "KinesisClient",
    "KinesisSettings",
    "KinesisShard",
    "KinesisStream",
    "LambdaClient",
    "LambdaContext",
    "LambdaService",
    "LambdaSettings",
    "LimitExceededException",
    "MappingConfig",
    "MappingEvent",
    "MappingMetrics",
    "MetricsSnapshot",
    "Picture",
    "Queue",
    "RequestEntityTooLargeException",
    "ScheduledCall",
    "ResourceConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "Shard",
    "Simulation",
    "SimulationError",
    "SplitPolicy",
    "Stream",
    "StreamEvent",
    "StreamRecord",
    "StreamSettings",
    "StreamsimError",
    "TTLSettings",
    "Table",
    "TooManyRequestsException",
    "Topic",
    "TransactionCanceledException",
    "TrimmedDataAccessException",
    "ValidationException",
    "__version__",
}


def test_exported_names_are_locked() -> None:
    """streamsim.__all__ is exactly the documented public surface."""
    assert set(streamsim.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    """Every name in __all__ is importable from the package."""
    for name in streamsim.__all__:
        assert hasattr(streamsim, name), name


def test_errors_subclass_the_nearest_stdlib_error() -> None:
    """AWS errors can be caught as ordinary Python errors too."""
    assert issubclass(streamsim.ValidationException, ValueError)
    assert issubclass(streamsim.ResourceNotFoundException, LookupError)
    assert issubclass(streamsim.InvalidParameterValueException, ValueError)
    assert issubclass(streamsim.TrimmedDataAccessException, LookupError)


def test_errors_are_botocore_client_errors() -> None:
    """With botocore installed, `except ClientError` catches streamsim's errors unchanged."""
    from botocore.exceptions import ClientError

    exc = streamsim.ValidationException("bad thing", "PutItem")
    assert isinstance(exc, ClientError)
    assert exc.response["Error"] == {"Code": "ValidationException", "Message": "bad thing"}
    assert exc.operation_name == "PutItem"
    assert str(exc) == (
        "An error occurred (ValidationException) when calling the PutItem operation: bad thing"
    )


# --- typed return values -----------------------------------------------------------------------


def test_creators_return_precise_types() -> None:
    """create_function -> Function, create_queue -> Queue, table/create_table -> Table."""
    hints = typing.get_type_hints(Simulation.create_function)
    assert hints["return"] is streamsim.Function
    assert typing.get_type_hints(Simulation.create_queue)["return"] is streamsim.Queue
    assert typing.get_type_hints(Simulation.create_table)["return"] is streamsim.Table
    assert typing.get_type_hints(Simulation.table)["return"] is streamsim.Table
    lambda_service = Simulation.lambda_service.fget
    assert lambda_service is not None
    assert typing.get_type_hints(lambda_service)["return"] is streamsim.LambdaService


def test_client_overloads_name_each_client_class() -> None:
    """client() has one overload per service literal, each returning that client's class."""
    returns: dict[Any, Any] = {}
    for overload in typing.get_overloads(Simulation.client):
        hints = typing.get_type_hints(overload)
        returns[hints["service"]] = hints["return"]
    assert returns[Literal["dynamodb"]] is streamsim.DynamoDBClient
    assert returns[Literal["dynamodbstreams"]] is streamsim.DynamoDBStreamsClient
    assert returns[Literal["lambda"]] is streamsim.LambdaClient
    assert returns[Literal["kinesis"]] is streamsim.KinesisClient


TYPED_USE = """
from typing import assert_type

import streamsim

sim = streamsim.Simulation(seed=1)
assert_type(sim.client("dynamodb"), streamsim.DynamoDBClient)
assert_type(sim.client("dynamodbstreams"), streamsim.DynamoDBStreamsClient)
assert_type(sim.client("lambda"), streamsim.LambdaClient)
assert_type(sim.client("kinesis"), streamsim.KinesisClient)
assert_type(sim.create_function("f", lambda event, context: None), streamsim.Function)
assert_type(sim.create_queue("q"), streamsim.Queue)
assert_type(sim.lambda_service, streamsim.LambdaService)
assert_type(sim.lambda_service.mapping("u").metrics, streamsim.MappingMetrics)
assert_type(sim.streams, list[streamsim.Stream])
table = sim.create_table("orders", hash_key="pk")
assert_type(table.stream, streamsim.Stream | None)
"""


def test_mypy_sees_the_precise_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under mypy --strict, typing.assert_type holds for the clients and creators."""
    api = pytest.importorskip("mypy.api")
    source = tmp_path / "typed_use.py"
    source.write_text(TYPED_USE)
    # this checkout's package, not whichever streamsim the environment has installed
    monkeypatch.setenv("MYPYPATH", str(Path(streamsim.__file__).parents[1]))
    args = ["--strict", "--cache-dir", str(tmp_path / "cache"), str(source)]
    out, err, status = api.run(args)
    assert status == 0, out + err


def test_clients_and_creators_return_what_they_say() -> None:
    """At run time the objects are of the annotated classes; an unknown service is refused."""
    sim = Simulation(seed=1)
    assert isinstance(sim.client("dynamodb"), streamsim.DynamoDBClient)
    assert isinstance(sim.client("dynamodbstreams"), streamsim.DynamoDBStreamsClient)
    assert isinstance(sim.client("lambda"), streamsim.LambdaClient)
    assert isinstance(sim.client("kinesis"), streamsim.KinesisClient)
    assert isinstance(sim.create_function("fn", lambda e, c: None), streamsim.Function)
    assert isinstance(sim.create_queue("q"), streamsim.Queue)
    assert isinstance(sim.lambda_service, streamsim.LambdaService)
    with pytest.raises(ValueError, match="unknown service"):
        sim.client("s3")  # type: ignore[call-overload]


# --- a REPL-friendly surface -------------------------------------------------------------------


def _world() -> tuple[Simulation, streamsim.Table, streamsim.EventSourceMapping]:
    """A table with a stream, one function mapped to it, a queue, a write processed."""
    sim = Simulation(seed=1)
    table = sim.create_table("orders", hash_key="pk", stream_view_type="NEW_IMAGE")
    sim.create_function("fn", lambda e, c: None)
    queue = sim.create_queue("dlq")
    assert table.stream is not None
    response = sim.client("lambda").create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=table.stream.arn,
        StartingPosition="TRIM_HORIZON",
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    table.put_item(Item={"pk": "a"})
    sim.advance(seconds=10)
    return sim, table, sim.lambda_service.mapping(response["UUID"])


def test_every_user_facing_object_has_a_meaningful_repr() -> None:
    """No `<... object at 0x...>` for anything a public call hands back."""
    sim, table, mapping = _world()
    stream = table.stream
    assert stream is not None
    service = sim.lambda_service
    objects: list[object] = [
        sim,
        sim.client("dynamodb"),
        sim.client("dynamodbstreams"),
        sim.client("lambda"),
        sim.client("kinesis"),
        sim.kinesis_settings,
        table,
        stream,
        stream.shards[0],
        stream.shards[0].records[0],
        service,
        service.function("fn"),
        service.destination(service.create_queue("other").arn),
        service.create_topic("topic"),
        service.create_bucket("bucket"),
        mapping,
        mapping.config,
        mapping.metrics,
        mapping.metrics.snapshot(),
        mapping.invocation_log[0],
        sim.stream_settings,
    ]
    for obj in objects:
        text = repr(obj)
        assert " at 0x" not in text, text
        assert type(obj).__name__ in text or "DynamoDB" in text, text
    assert repr(sim.client("lambda")) == "<LambdaClient region=us-east-1>"


def test_metrics_repr_is_several_short_lines_not_the_whole_log() -> None:
    """A mapping's metrics show counters a few to a line and the logs by their lengths."""
    _, _, mapping = _world()
    lines = repr(mapping.metrics).splitlines()
    assert len(lines) > 3
    assert all(len(line) <= 100 for line in lines)
    assert "invocation_log=<1 Invocation>" in repr(mapping.metrics)
    assert "request_id" not in repr(mapping.metrics)


# --- read-only views ---------------------------------------------------------------------------


def _assert_read_only(obj: object, attribute: str) -> None:
    """Assigning ``attribute`` (or a new attribute) on ``obj`` fails."""
    with pytest.raises(AttributeError):
        setattr(obj, attribute, None)
    with pytest.raises(AttributeError):
        obj.extra = 1  # type: ignore[attr-defined]


def test_stream_is_a_read_only_view() -> None:
    """A user's Stream has no model mutators; its reads all work; attributes are read-only."""
    sim, table, _ = _world()
    stream = table.stream
    assert isinstance(stream, streamsim.Stream)
    for mutator in (
        "append",
        "split",
        "end",
        "on_append",
        "on_new_shard",
        "readers",
        "new_reader_id",
        "clock",
    ):
        assert not hasattr(stream, mutator), mutator
    _assert_read_only(stream, "arn")
    assert stream == table.stream == sim.streams[0]
    assert hash(stream) == hash(table.stream)
    assert stream.status == "ENABLED"
    assert stream.view_type == "NEW_IMAGE"
    assert stream.table_name == "orders"
    assert [s.shard_id for s in stream.shards] == [s.shard_id for s in stream.open_shards]
    assert stream.lineage_order() == stream.shards
    assert stream.shard(stream.shards[0].shard_id) == stream.shards[0]
    assert stream.lineage_text().startswith("<Stream orders ")
    assert [r.keys for r in stream] == [{"pk": {"S": "a"}}]
    (new,) = stream.rotate_now()
    assert new.parent == stream.shards[0]
    assert stream.roots() == [stream.shards[0]]
    assert stream.leaves() == [new]


def test_shard_is_a_read_only_view() -> None:
    """A user's Shard has no append/trim/close; lineage, range and records read as before."""
    _, table, _ = _world()
    stream = table.stream
    assert stream is not None
    (shard,) = stream.shards
    assert isinstance(shard, streamsim.Shard)
    for mutator in ("append", "trim", "close", "read", "record_at", "position_of_sequence"):
        assert not hasattr(shard, mutator), mutator
    _assert_read_only(shard, "parent")
    _assert_read_only(shard, "children")
    assert shard.is_open
    assert shard.parent is None
    assert shard.children == []
    (record,) = shard.records
    assert record.shard == shard
    assert shard.starting_sequence_number <= record.sequence_number
    assert shard.ending_sequence_number is None
    assert len(shard) == 1
    assert shard.stream == stream
    (child,) = stream.rotate_now()
    (closed,) = [s for s in stream.shards if not s.is_open]
    assert closed == shard
    assert closed.children == [child]
    assert closed.ending_sequence_number is not None
    assert record.sequence_number <= closed.ending_sequence_number
    assert list(child.ancestors()) == [shard]
    assert list(shard.descendants()) == [child]
    assert shard.records == closed.records


def test_lambda_service_is_a_read_only_view() -> None:
    """sim.lambda_service looks things up and creates destinations; no concurrency levers."""
    sim, _, mapping = _world()
    service = sim.lambda_service
    for mutator in (
        "concurrency",
        "new_uuid",
        "set_reserved_concurrency",
        "create_event_source_mapping",
        "update_event_source_mapping",
        "delete_event_source_mapping",
        "release",
        "clock",
    ):
        assert not hasattr(service, mutator), mutator
    _assert_read_only(service, "functions")
    assert list(service.functions) == ["fn"]
    service.functions.clear()  # a new dict each time: the service is untouched
    assert list(service.functions) == ["fn"]
    assert service.mapping(mapping.uuid) == mapping
    assert service.mappings == {mapping.uuid: mapping}
    assert service.list_event_source_mappings(function_name="fn") == [mapping]
    assert len(service.destinations) == 1
    assert service == sim.lambda_service


def test_function_and_mapping_are_read_only_views() -> None:
    """Functions and mappings expose their state and metrics, not invoke/update/delete."""
    sim, _, mapping = _world()
    function = sim.lambda_service.function("fn")
    assert isinstance(function, streamsim.Function)
    assert not hasattr(function, "invoke")
    _assert_read_only(function, "duration")
    assert function.peak_concurrency == 1
    assert function.active == 0
    assert function.invocations == 1
    assert function.errors == 0
    assert function.arn.endswith(":function:fn")
    assert isinstance(mapping, streamsim.EventSourceMapping)
    for mutator in ("start", "update", "delete", "poller", "source"):
        assert not hasattr(mapping, mutator), mutator
    _assert_read_only(mapping, "state")
    (entry,) = mapping.invocation_log
    assert isinstance(entry, streamsim.Invocation)
    assert entry.outcome == "success"
    assert mapping.metrics.invocation_log == [entry]
    assert mapping.state == "Enabled"
    assert mapping.function == function
    assert mapping.event_source_arn == sim.streams[0].arn
    assert isinstance(mapping.config, streamsim.MappingConfig)
    assert isinstance(mapping.metrics, streamsim.MappingMetrics)
    _assert_read_only(mapping.metrics, "polled")
    assert mapping.metrics.invocations == 1
    assert mapping.metrics.polled == 1
    assert mapping.metrics.discards == []
    assert [a.shard_id for a in mapping.metrics.iterator_ages] == [entry.shard_id]
    assert mapping.metrics.as_cloudwatch()["Invocations"] == 1
    assert mapping.metrics == mapping.metrics
    assert isinstance(mapping.metrics.snapshot(), streamsim.MetricsSnapshot)


def test_destinations_are_read_only_views() -> None:
    """Queues, topics and buckets show what they received; delivering is the poller's."""
    sim, _, _ = _world()
    service = sim.lambda_service
    (queue,) = service.destinations.values()
    assert isinstance(queue, streamsim.Queue)
    topic = service.create_topic("topic")
    bucket = service.create_bucket("bucket")
    assert isinstance(topic, streamsim.Topic)
    assert isinstance(bucket, streamsim.Bucket)
    for destination in (queue, topic, bucket):
        assert not hasattr(destination, "deliver")
        _assert_read_only(destination, "arn")
        assert service.destination(destination.arn) == destination
    assert queue.messages == []
    queue.messages.append({"forged": True})  # a new list each time: the queue is untouched
    assert queue.messages == []
    assert queue.arn == "arn:aws:sqs:us-east-1:123456789012:dlq"
    assert bucket.objects == {}
    assert bucket.arn == "arn:aws:s3:::bucket"
    assert topic.kind == "sns"
    assert not topic.fifo
