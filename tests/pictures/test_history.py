"""Lifecycle logs: what happened to shards and mappings, kept after retention, bounded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from streamsim import LambdaSettings, Simulation, StreamSettings

from .scenarios import throttled


def test_stream_history_names_every_kind_of_event() -> None:
    """Enabling, opening, closing (with the reason), a split with its ranges, expiry, disabling."""
    sim = Simulation(seed=3)
    table = sim.create_table("life", hash_key="pk", stream_view_type="KEYS_ONLY")
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=4)
    table.split_partition(0)
    sim.advance(hours=30)
    stream = table.stream
    table.disable_stream()
    kinds = [e.kind for e in stream.history]
    assert kinds[0] == "stream_enabled"
    assert kinds[-1] == "stream_disabled"
    assert {"shard_opened", "shard_closed", "shard_expired", "partition_split"} <= set(kinds)
    (split,) = [e for e in stream.history if e.kind == "partition_split"]
    assert (split.partition, split.hash_lo, split.hash_hi) == (0, 0, 1 << 64)
    assert split.children == (1, 2)
    reasons = {e.reason for e in stream.history if e.kind == "shard_closed"}
    assert reasons == {"rotation", "split", "disabled"}
    times = [e.at_ms for e in stream.history]
    assert times == sorted(times)


def test_an_expiry_is_logged_at_the_instant_the_shard_left_the_listing() -> None:
    """shard_expired carries the exact instant DescribeStream stopped listing the shard."""
    sim = Simulation(seed=3)
    table = sim.create_table("expiry", hash_key="pk", stream_view_type="KEYS_ONLY")
    table.put_item(Item={"pk": "a"})  # at 0: the first shard's last record
    sim.advance(hours=30)
    (expired,) = [e for e in table.stream.history if e.kind == "shard_expired"]
    assert expired.at - sim.now == timedelta(hours=24, milliseconds=1) - timedelta(hours=30)


def test_stream_history_is_bounded_by_its_setting() -> None:
    """StreamSettings(history_limit=n) keeps the newest n lifecycle events."""
    sim = Simulation(seed=3, stream_settings=StreamSettings(history_limit=10))
    table = sim.create_table("short", hash_key="pk", partitions=2, stream_view_type="KEYS_ONLY")
    sim.advance(days=3)
    history = table.stream.history
    assert len(history) == 10
    assert history[0].kind != "stream_enabled"  # the oldest went first


def test_mapping_history_logs_throttles_retries_checkpoints_discards_and_states() -> None:
    """A mapping's history has its throttles, retries, checkpoints, discards and states."""
    _, _, mapping = throttled()
    kinds = {e.kind for e in mapping.history}
    assert {"state", "throttled", "checkpoint"} <= kinds
    sim = Simulation(seed=5)
    table = sim.create_table("fail", hash_key="pk", stream_view_type="KEYS_ONLY")

    def handler(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("always")

    function = sim.create_function("failing", handler)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="failing",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=2,
    )
    table.put_item(Item={"pk": "x"})
    sim.advance(minutes=1)
    (failing,) = function.mappings
    kinds = [e.kind for e in failing.history]
    assert kinds.count("retry") == 2
    assert kinds.count("discarded") == 1
    assert [e.detail for e in failing.history if e.kind == "state"] == ["Creating", "Enabled"]


def test_mapping_history_and_function_spans_are_bounded() -> None:
    """LambdaSettings(history_limit=n) bounds a mapping's history and a function's spans."""
    sim = Simulation(seed=5, lambda_settings=LambdaSettings(history_limit=5))
    table = sim.create_table("bound", hash_key="pk", stream_view_type="KEYS_ONLY")
    function = sim.create_function("f", lambda event, context: None)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="f", EventSourceArn=table.latest_stream_arn, StartingPosition="LATEST"
    )
    for i in range(20):
        table.put_item(Item={"pk": f"k{i}"})
        sim.advance(seconds=2)
    (mapping,) = function.mappings
    assert len(mapping.history) == 5
    assert len(function.concurrency_table()) <= 2 * 5
    assert len(mapping.invocation_log) == 20  # the invocation log has its own bound
