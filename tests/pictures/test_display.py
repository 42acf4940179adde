"""Every public object reads well in a plain REPL, in IPython and in a notebook.

The list below names one instance of every public class (``streamsim.__all__``): a name added
to the public API must be added here, so its display is looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

import streamsim
from streamsim import (
    Binary,
    KinesisSettings,
    LambdaSettings,
    Simulation,
    SplitPolicy,
    StreamSettings,
    TTLSettings,
)

#: objects whose notebook display must include a picture
PICTURED = {"Simulation", "Stream", "KinesisStream", "EventSourceMapping", "Function", "Picture"}
#: the widest line a notebook shows without wrapping, and the most text an object may print
MAX_LINE = 120
MAX_TEXT = 1_500


def _instances() -> dict[str, Any]:
    """One object of every public type, from a small run that touched everything."""
    contexts: list[Any] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        contexts.append(context)
        if any(r["dynamodb"]["Keys"]["pk"]["S"] == "bad" for r in event["Records"]):
            raise ValueError("bad record")

    sim = Simulation(seed=9)
    table = sim.create_table("shown", hash_key="pk", partitions=2, stream_view_type="NEW_IMAGE")
    function = sim.create_function("show", handler, duration=0.05)
    queue = sim.create_queue("dlq")
    service = sim.lambda_service
    lam = sim.client("lambda")
    lam.create_event_source_mapping(
        FunctionName="show",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    for i in range(6):
        table.put_item(Item={"pk": f"k{i}", "n": i})
    table.put_item(Item={"pk": "bad"})
    sim.advance(minutes=5)
    (mapping,) = function.mappings
    stream = table.stream
    sim.client("kinesis").create_stream(StreamName="shown", ShardCount=2)
    sim.client("kinesis").put_record(StreamName="shown", Data=b"x", PartitionKey="k")
    kinesis_stream = sim.kinesis_stream("shown")
    shard = stream.shards[0]
    metrics = mapping.metrics
    errors = {
        name: getattr(streamsim, name)("a short message")
        for name in streamsim.__all__
        if isinstance(getattr(streamsim, name), type)
        and issubclass(getattr(streamsim, name), BaseException)
    }
    return {
        **errors,
        "Binary": Binary(b"\x00\x01"),
        "Blocked": streamsim.Blocked(kind="disabled", explanation="mapping x is Disabled"),
        "IdleReport": sim.run_until_idle(timedelta(minutes=1)),
        "InvocationTrace": mapping.trace,
        "Bucket": service.create_bucket("failures"),
        "Discard": metrics.discards[0],
        "DynamoDBClient": sim.client("dynamodb"),
        "DynamoDBStreamsClient": sim.client("dynamodbstreams"),
        "EventSourceMapping": mapping,
        "Function": function,
        "HandlerTimedOut": streamsim.HandlerTimedOut("the handler reached its deadline"),
        "Invocation": metrics.invocation_log[0],
        "IteratorAge": metrics.iterator_ages[0],
        "KinesisClient": sim.client("kinesis"),
        "KinesisSettings": KinesisSettings(),
        "KinesisShard": kinesis_stream.shards[0],
        "KinesisStream": kinesis_stream,
        "LambdaClient": lam,
        "LambdaContext": contexts[0],
        "LambdaService": service,
        "LambdaSettings": LambdaSettings(),
        "MappingConfig": mapping.config,
        "MappingEvent": mapping.history[-1],
        "MappingMetrics": metrics,
        "MetricsSnapshot": metrics.snapshot(),
        "Picture": stream.lineage(),
        "Queue": queue,
        "ScheduledCall": sim.every(timedelta(seconds=1), lambda: None),
        "Shard": shard,
        "Simulation": sim,
        "SplitPolicy": SplitPolicy(),
        "Stream": stream,
        "StreamEvent": stream.history[1],
        "StreamRecord": shard.records[0],
        "StreamSettings": StreamSettings(),
        "TTLSettings": TTLSettings(),
        "Table": table,
        "Topic": service.create_topic("alerts"),
    }


INSTANCES = _instances()


def test_every_public_type_is_listed() -> None:
    """The list covers exactly the public types of streamsim.__all__."""
    assert set(INSTANCES) == set(streamsim.__all__) - {"__version__"}
    for name, value in INSTANCES.items():
        assert isinstance(value, getattr(streamsim, name)), name


def _readable(text: str) -> Iterator[str]:
    """What is wrong with ``text`` as a display (nothing: readable)."""
    if " at 0x" in text:
        yield "shows a memory address"
    if len(text) > MAX_TEXT:
        yield f"is {len(text)} characters long"
    for line in text.splitlines():
        if len(line) > MAX_LINE:
            yield f"has a line of {len(line)} characters: {line[:60]}..."


#: errors print AWS's message as botocore does (its length is the message's)
ERRORS = {name for name, value in INSTANCES.items() if isinstance(value, Exception)}


def _readable_as(name: str, text: str) -> list[str]:
    problems = list(_readable(text))
    if name in ERRORS:
        problems = [p for p in problems if not p.startswith("has a line")]
        if name not in text:
            problems.append("does not name the error")
    return problems


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_plain_repr_is_readable(name: str) -> None:
    """repr() is short, has no memory address and no line wider than a notebook."""
    assert _readable_as(name, repr(INSTANCES[name])) == []


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_ipython_pretty_is_readable(name: str) -> None:
    """IPython's pretty printer shows the object as readably as repr()."""
    pretty = pytest.importorskip("IPython.lib.pretty")
    assert _readable_as(name, pretty.pretty(INSTANCES[name])) == []


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_notebook_display_is_readable(name: str) -> None:
    """A notebook gets text/plain always, and bare SVG for the objects that have a picture."""
    formatters = pytest.importorskip("IPython.core.formatters")
    bundle, _ = formatters.DisplayFormatter().format(INSTANCES[name])
    assert _readable_as(name, bundle["text/plain"]) == []
    if name in PICTURED:
        assert bundle["image/svg+xml"].startswith("<?xml")
    else:
        assert "image/svg+xml" not in bundle
    assert "<svg" not in bundle.get("text/html", "")  # untrusted notebooks strip it


def test_shard_repr_names_a_parent_that_left_memory() -> None:
    """A shard whose parent expired still names it (DescribeStream does), never parent=None."""
    sim = Simulation(seed=2)
    table = sim.create_table("gone", hash_key="pk", stream_view_type="KEYS_ONLY")
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=4)
    (old, child) = table.stream.shards
    table.put_item(Item={"pk": "b"})
    sim.advance(hours=26)
    assert table.stream.shard(old.shard_id) is None  # the parent left DescribeStream
    assert f"parent={old.short_id}" in repr(child)
    assert child.parent_shard_id == old.shard_id
    assert "parent=None" not in repr(child)
