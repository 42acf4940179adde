"""Fault plans: printable values that replay, and each fault doing what it says."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

import streamsim.testing
from streamsim import Simulation
from streamsim._errors import ProvisionedThroughputExceededException
from streamsim.testing import (
    Advance,
    BatchHasEvent,
    BatchHasKey,
    BatchSizeAtLeast,
    ConsumerHistory,
    ConsumerWorld,
    Crash,
    DownstreamError,
    Duplicate,
    FaultInjector,
    FaultPlan,
    InjectedFault,
    IteratorExpiry,
    Put,
    Scenario,
    StreamToggle,
    Throttle,
    Timeout,
    run_consumer_test,
)
from tests.lambda_support import put

NAMESPACE = {name: getattr(streamsim.testing, name) for name in streamsim.testing.__all__}


def setup(plan: FaultPlan, **mapping: Any) -> tuple[Simulation, Any, ConsumerHistory, Any, list]:
    """A table with a stream, a sink, a recording handler behind the plan, and a mapping."""
    sim = Simulation(seed=5)
    table = sim.create_table("src", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
    sink = sim.create_table("sink", hash_key="pk")
    history = ConsumerHistory(sim, sinks=[sink])
    injector = plan.start(sim)
    seen: list[list[str]] = []
    faulty_sink = injector.table(sink)

    def handler(event: dict[str, Any], context: Any) -> None:
        seen.append([r["dynamodb"]["SequenceNumber"] for r in event["Records"]])
        for record in event["Records"]:
            faulty_sink.put_item(Item={"pk": record["dynamodb"]["SequenceNumber"]})

    injector.create_function(sim, "fn", handler, outer=history.wrap)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        **mapping,
    )
    return sim, table, history, injector, seen


def test_plan_repr_is_python_that_rebuilds_it() -> None:
    """eval(repr(plan)) with the testing namespace gives an equal plan."""
    plan = FaultPlan(
        faults=(
            Crash(on=[3, 1], after=2),
            Timeout(probability=0.25),
            Duplicate(on=(2,)),
            DownstreamError(on=(4,), error="TransactionConflictException"),
        ),
        seed=9,
    )
    assert eval(repr(plan), NAMESPACE) == plan
    assert plan.faults[0].on == (1, 3)


def test_plans_reject_nonsense() -> None:
    """Invocation numbers start at 1, probabilities lie in [0, 1], errors are known names."""
    with pytest.raises(ValueError, match="invocation numbers"):
        Crash(on=(0,))
    with pytest.raises(ValueError, match="probability"):
        Timeout(probability=1.5)
    with pytest.raises(ValueError, match="error must be one of"):
        DownstreamError(error="Oops")
    with pytest.raises(TypeError, match="not a fault"):
        FaultPlan(faults=("crash",))  # type: ignore[arg-type]


def test_crash_part_way_keeps_the_prefix_effects_and_retries() -> None:
    """Crash(after=1): the handler processes one record, the invocation fails, all retried."""
    sim, table, history, injector, seen = setup(FaultPlan(faults=(Crash(on=(1,), after=1),)))
    put(table, "a", "b")
    sim.advance(seconds=1)
    injector.heal()
    sim.run_until_idle(timedelta(minutes=5))
    first, second = history.attempts()[:2]
    assert first.outcome == "function_error"
    assert first.error is not None
    assert first.error.startswith("InjectedFault")
    assert len(first.writes) == 1
    assert second.outcome == "success"
    assert len(seen[0]) == 1
    assert len(seen[1]) == 2
    assert injector.struck == [(1, "Crash")]


def test_timeout_part_way_is_a_timeout_outcome() -> None:
    """Timeout(after=1): the first record's effect happens, then the invocation times out."""
    sim, table, history, _, _ = setup(FaultPlan(faults=(Timeout(on=(1,), after=1),)))
    put(table, "a", "b")
    sim.advance(seconds=10)
    first = history.attempts()[0]
    assert first.outcome == "timeout"
    assert len(first.writes) == 1


def test_duplicate_calls_the_handler_twice() -> None:
    """Duplicate: the handler sees the same event twice in one invocation."""
    sim, table, _, _, seen = setup(FaultPlan(faults=(Duplicate(on=(1,)),)))
    put(table, "a")
    sim.advance(seconds=1)
    assert seen[0] == seen[1]


def test_downstream_error_fails_the_handlers_own_write() -> None:
    """DownstreamError(after=1): the second write raises the AWS error, before it is applied."""
    sim, table, history, _, _ = setup(
        FaultPlan(faults=(DownstreamError(on=(1,), after=1),)), BatchSize=5
    )
    put(table, "a", "b", "c")
    sim.advance(seconds=1)
    first = history.attempts()[0]
    assert first.error is not None
    assert first.error.startswith("ProvisionedThroughputExceededException")
    assert len(first.writes) == 1
    assert issubclass(ProvisionedThroughputExceededException, RuntimeError)


def test_probabilistic_plans_are_deterministic_per_seed() -> None:
    """Faults drawn per record come from sim.rng: the same plan and seed strike the same way."""
    plan = FaultPlan(faults=(Crash(probability=0.3),), seed=2)

    def struck() -> list[tuple[int, str]]:
        sim, table, _, injector, _ = setup(plan, BatchSize=2)
        for i in range(12):
            put(table, f"k{i}")
            sim.advance(seconds=1)
        return list(injector.struck)

    assert struck() == struck()
    assert struck()


def test_heal_switches_every_fault_off() -> None:
    """After heal(), a plan that targets every early invocation strikes no more."""
    sim, table, history, injector, _ = setup(
        FaultPlan(
            faults=(
                Crash(
                    on=(1, 2, 3),
                ),
            )
        )
    )
    injector.heal()
    put(table, "a")
    sim.run_until_idle(timedelta(minutes=1))
    assert [a.outcome for a in history.attempts()] == ["success"]
    assert injector.struck == []
    with pytest.raises(InjectedFault):
        raise InjectedFault("importable")


def test_timeout_stops_the_handler_at_its_deadline_with_no_time_left() -> None:
    """Timeout: the handler's clock runs to the deadline; the invocation ends there, timed out."""
    sim = Simulation(seed=5)
    table = sim.create_table("src", hash_key="pk", stream_view_type="KEYS_ONLY")
    injector = FaultPlan(faults=(Timeout(on=(1,)),)).start(sim)
    history = ConsumerHistory(sim)
    contexts: list[Any] = []

    def keep(event: dict[str, Any], context: Any) -> None:
        contexts.append(context)

    sim.create_function("fn", history.wrap(injector.wrap(keep)), timeout=3)
    mapping = sim.client("lambda").create_event_source_mapping(
        FunctionName="fn", EventSourceArn=table.latest_stream_arn, StartingPosition="TRIM_HORIZON"
    )
    put(table, "a")
    sim.advance(seconds=10)
    first = history.attempts()[0]
    assert first.outcome == "timeout"
    logged = sim.lambda_service.mapping(mapping["UUID"]).invocation_log[0]
    assert logged.end_ms - logged.start_ms == 3000


def test_timeout_outside_a_simulation_is_a_crash() -> None:
    """An injector started without a simulation cannot run a clock: its Timeout raises."""
    injector = FaultInjector(FaultPlan(faults=(Timeout(on=(1,)),)), random.Random(0))
    handler = injector.wrap(lambda event, context: None)
    with pytest.raises(InjectedFault, match="timeout"):
        handler({"Records": []}, None)


def test_predicate_faults_strike_the_batches_they_match() -> None:
    """when=BatchHasKey("b"): only invocations whose batch holds item b crash."""
    sim, table, history, injector, _ = setup(FaultPlan(faults=(Crash(when=BatchHasKey("b")),)))
    put(table, "a")
    sim.advance(seconds=1)
    put(table, "b")
    sim.advance(seconds=1)
    injector.heal()
    sim.run_until_idle(timedelta(minutes=5))
    assert [a.outcome for a in history.attempts()] == ["success", "function_error", "success"]
    assert injector.struck == [(2, "Crash")]


def test_predicates_are_values_that_print_as_python() -> None:
    """Predicates rebuild from their repr and reject what is not one (a lambda)."""
    plan = FaultPlan(
        faults=(
            Crash(when=BatchSizeAtLeast(3)),
            Duplicate(when=BatchHasEvent("REMOVE")),
            IteratorExpiry(when=BatchHasKey("k1")),
            StreamToggle(on=(2,)),
        )
    )
    assert eval(repr(plan), NAMESPACE) == plan
    with pytest.raises(TypeError, match="when="):
        Crash(when=lambda records: True)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BatchSizeAtLeast(0)
    with pytest.raises(ValueError):
        BatchHasEvent("DELETE")
    assert BatchSizeAtLeast(2)([{}, {}])
    assert not BatchSizeAtLeast(3)([{}, {}])


def test_iterator_expiry_resumes_from_the_checkpoint() -> None:
    """IteratorExpiry after a failed call: the batch is re-read from the checkpoint at once as
    a new batch (attempt 1 again, no retry back-off), and nothing is lost or skipped."""
    plan = FaultPlan(faults=(Crash(on=(1,)), IteratorExpiry(on=(1,))))
    sim, table, history, injector, _seen = setup(plan, BatchSize=3)
    put(table, "a", "b")
    sim.advance(milliseconds=500)
    put(table, "c")
    injector.heal()
    sim.run_until_idle(timedelta(minutes=5))
    first, second, third = history.attempts()
    assert (first.outcome, second.outcome, third.outcome) == (
        "function_error",
        "success",
        "success",
    )
    assert second.attempt == 1
    assert second.at_ms - first.at_ms < 1000
    assert second.records == first.records
    assert len(first.records) == 2
    assert len(third.records) == 1
    assert injector.struck == [(1, "Crash"), (1, "IteratorExpiry")]


def test_stream_toggle_gives_a_new_stream_and_the_old_one_is_read_to_its_end() -> None:
    """StreamToggle: the source gets a new stream ARN; the mapping still reads the old stream
    to its end; the consumer world maps the new one, and every change is processed once."""
    world = ConsumerWorld(
        lambda sink: lambda event, context: None,
        faults=FaultPlan(faults=(StreamToggle(on=(1,)),)),
        mapping={"BatchSize": 1},
    )
    old_arn = world.source.latest_stream_arn
    for op in (Put("a"), Put("b"), Advance(2000), Put("c"), Advance(2000)):
        world.apply(op)
    assert world.source.latest_stream_arn != old_arn
    assert world.injector.new_streams == [world.source.latest_stream_arn]
    assert world.stream_arns == [old_arn, world.source.latest_stream_arn]
    result = world.finish(expected=lambda items: [])
    kinds = {a.kind for a in result.anomalies}
    assert "lost" not in kinds
    assert "duplicated" not in kinds
    delivered = [
        (r.stream_arn, r.keys["pk"]["S"]) for a in world.history.attempts() for r in a.records
    ]
    assert (old_arn, "a") in delivered
    assert (old_arn, "b") in delivered
    assert (world.source.latest_stream_arn, "c") in delivered


def test_iterator_expiry_while_another_shard_is_throttled_loses_nothing() -> None:
    """A shard whose batch waits for an instance (throttled) when the iterators expire gives
    that batch up too and reads it again once instances are back (found by Hypothesis)."""
    scenario = Scenario(
        operations=(
            Put("a1", 1),
            Put("a1", 2),
            Put("b1", 1),
            Throttle(1000),
            Put("a1", 1),
            Advance(1),
        ),
        mapping={"BatchSize": 2, "ParallelizationFactor": 1},
        faults=FaultPlan(faults=(IteratorExpiry(when=BatchSizeAtLeast(2)),)),
    )
    run = run_consumer_test(
        lambda sink: lambda event, context: None, scenario, expected=lambda items: []
    )
    assert run.injector.struck == [(1, "IteratorExpiry")]
    assert "lost" not in {a.kind for a in run.result.anomalies}
    delivered = [r.keys["pk"]["S"] for a in run.history.attempts() for r in a.records]
    assert sorted(delivered) == ["a1", "a1", "a1", "b1"]
