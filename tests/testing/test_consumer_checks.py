"""Consumer-side checkers: each says valid, or gives a minimal witness and an explanation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from streamsim import Simulation
from streamsim.testing import (
    ConsumerHistory,
    WriteLog,
    check_consumer_order,
    check_convergence,
    check_lineage_order,
    check_no_duplicate_effect,
    check_no_lost_change,
    shard_parents,
    table_items,
)


def world(
    handler: Any, *, mappings: int = 1, partitions: int = 1, **params: Any
) -> tuple[Simulation, Any, WriteLog, ConsumerHistory]:
    """A streamed table, a log of it, and ``mappings`` mappings of one recorded handler."""
    sim = Simulation(seed=2)
    table = sim.create_table(
        "src", hash_key="pk", partitions=partitions, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    log = WriteLog(table)
    history = ConsumerHistory(sim)
    lam = sim.client("lambda")
    for i in range(mappings):
        sim.create_function(f"fn{i}", history.wrap(handler))
        lam.create_event_source_mapping(
            FunctionName=f"fn{i}",
            EventSourceArn=table.latest_stream_arn,
            StartingPosition="TRIM_HORIZON",
            **params,
        )
    return sim, table, log, history


def ok(event: dict[str, Any], context: Any) -> None:
    """A handler that accepts everything."""


def test_a_healthy_history_passes_every_check() -> None:
    """One mapping, a handler that succeeds: nothing lost, duplicated or reordered."""
    sim, table, log, history = world(ok, partitions=2)
    for i in range(6):
        table.put_item(Item={"pk": f"k{i % 3}", "n": i})
    sim.run_until_idle(timedelta(minutes=5))
    arn = table.latest_stream_arn
    result = (
        check_no_lost_change(history, log)
        + check_no_duplicate_effect(history)
        + check_consumer_order(history)
        + check_lineage_order(history, shard_parents(sim, arn))
    )
    assert result.valid, result.explanation
    assert history.attempts()[0].committed == len(history.attempts()[0].records)


def test_a_change_never_processed_is_lost_with_its_attempts() -> None:
    """A batch given up after failures: 'lost', naming the attempts that were given it."""

    def fail(event: dict[str, Any], context: Any) -> None:
        raise ValueError("no")

    sim, table, log, history = world(fail, MaximumRetryAttempts=1)
    table.put_item(Item={"pk": "a"})
    sim.run_until_idle(timedelta(minutes=5))
    result = check_no_lost_change(history, log)
    assert [a.kind for a in result.anomalies] == ["lost"]
    assert "delivered but never processed: attempts #1 function_error; #2" in result.explanation


def test_a_record_processed_twice_is_duplicated() -> None:
    """Two mappings of one handler process each record twice: 'duplicated'."""
    sim, table, _, history = world(ok, mappings=2)
    table.put_item(Item={"pk": "a"})
    sim.run_until_idle(timedelta(minutes=5))
    result = check_no_duplicate_effect(history)
    assert [a.kind for a in result.anomalies] == ["duplicated"]
    assert "processed twice: by attempt #1 and again by #2" in result.explanation


def test_an_item_processed_out_of_order_is_reordered() -> None:
    """A later record of an item processed before an earlier one: 'reordered'."""
    sim, table, _, history = world(ok, mappings=2)
    table.put_item(Item={"pk": "a", "n": 1})
    table.put_item(Item={"pk": "a", "n": 2})
    sim.run_until_idle(timedelta(minutes=5))
    result = check_consumer_order(history)
    assert [a.kind for a in result.anomalies] == ["reordered"]


def test_a_child_processed_before_its_parent_is_reported() -> None:
    """With the lineage claiming one shard is the other's child, its early commit is flagged."""
    sim, table, _, history = world(ok, partitions=2)
    table.put_item(Item={"pk": "a"})
    sim.run_until_idle(timedelta(minutes=5))
    for i in range(20):
        table.put_item(Item={"pk": f"k{i}"})
    sim.run_until_idle(timedelta(minutes=5))
    shards = [a.shard_id for a in history.attempts() if a.shard_id is not None]
    first, later = shards[0], next(s for s in reversed(shards) if s != shards[0])
    result = check_lineage_order(history, {first: later})
    assert [a.kind for a in result.anomalies] == ["child-before-parent"]


def test_convergence_compares_values_not_types() -> None:
    """Numbers compare by value (Decimal('2') == 2); the witness names the diverging item."""
    assert check_convergence(
        [{"key": Decimal("1"), "v": Decimal("2")}], [{"key": 1, "v": 2}], key=("key",)
    ).valid
    result = check_convergence(
        [{"key": "a", "v": 3}, {"key": "z", "v": 1}], [{"key": "a", "v": 2}], key=("key",)
    )
    (anomaly,) = result.anomalies
    assert anomaly.kind == "diverged"
    assert anomaly.witness["key"] == {"key": "a"}
    assert "is {'key': 'a', 'v': 3} in the sink but {'key': 'a', 'v': 2}" in anomaly.explanation


def test_convergence_explains_with_the_attempts_that_wrote_the_item() -> None:
    """Given the history, a diverging sink item lists the attempts that wrote it."""
    sim = Simulation(seed=4)
    table = sim.create_table("src", hash_key="pk", stream_view_type="NEW_IMAGE")
    sink = sim.create_table("sink", hash_key="key")
    history = ConsumerHistory(sim, sinks=[sink])

    def count(event: dict[str, Any], context: Any) -> None:
        for _ in event["Records"]:
            sink.update_item(
                Key={"key": "all"},
                UpdateExpression="ADD c :one",
                ExpressionAttributeValues={":one": 1},
            )

    sim.create_function("fn", history.wrap(count))
    sim.client("lambda").create_event_source_mapping(
        FunctionName="fn", EventSourceArn=table.latest_stream_arn, StartingPosition="TRIM_HORIZON"
    )
    table.put_item(Item={"pk": "a"})
    sim.run_until_idle(timedelta(minutes=1))
    result = check_convergence(
        table_items(sink), [{"key": "all", "c": 2}], key=("key",), history=history
    )
    assert not result.valid
    assert "Attempts that wrote it:\n#1" in result.explanation
    assert "wrote MODIFY" in result.explanation or "wrote INSERT" in result.explanation
    assert "committed 1/1" in str(history)
