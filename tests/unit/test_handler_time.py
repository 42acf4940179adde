"""Virtual time inside a Lambda handler: its own clock, sim.spend(), stopping at the deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from streamsim import Simulation, SimulationError
from tests.lambda_support import attach, put


def world(handler: Any, **function: Any) -> tuple[Simulation, Any, Any, Any]:
    """A source with a stream, a sink, and ``handler(sim, sink)`` mapped with no retries."""
    sim = Simulation(seed=3)
    table = sim.create_table("src", hash_key="pk", stream_view_type="KEYS_ONLY")
    sink = sim.create_table("sink", hash_key="pk")
    mapping = attach(sim, handler(sim, sink), function=function, MaximumRetryAttempts=0)
    return sim, table, sink, mapping


def test_remaining_time_falls_as_the_handler_spends_time() -> None:
    """get_remaining_time_in_millis() and sim.now follow the handler's own clock."""
    seen: list[tuple[int, int]] = []

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            for _ in event["Records"]:
                seen.append((sim.now_ms, context.get_remaining_time_in_millis()))
                sim.spend(milliseconds=400)
            seen.append((sim.now_ms, context.get_remaining_time_in_millis()))

        return run

    sim, table, _, _ = world(handler, timeout=3)
    start = sim.now_ms
    put(table, "a", "b")
    sim.advance(seconds=5)
    assert seen == [(start, 3000), (start + 400, 2600), (start + 800, 2200)]
    assert sim.now_ms == start + 5000  # outside handlers, the simulation's own instant


def test_the_invocation_lasts_what_the_handler_spent_or_its_duration() -> None:
    """An invocation ends after max(declared duration, time spent)."""

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            sim.spend(seconds=2)

        return run

    sim, table, _, mapping = world(handler, timeout=10, duration=1)
    put(table, "a")
    sim.advance(seconds=10)
    (entry,) = mapping.invocation_log
    assert entry.outcome == "success"
    assert entry.end_ms - entry.start_ms == 2000


def test_spending_past_the_deadline_stops_the_handler_there() -> None:
    """Effects before the deadline happen, later ones do not; the outcome is a timeout."""

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            for record in event["Records"]:
                sim.spend(seconds=1)
                sink.put_item(Item={"pk": record["dynamodb"]["Keys"]["pk"]["S"]})

        return run

    sim, table, sink, mapping = world(handler, timeout=2)
    put(table, "a", "b", "c")
    sim.advance(seconds=10)
    assert sorted(i["pk"] for i in sink.scan()["Items"]) == ["a", "b"]
    (entry,) = mapping.invocation_log
    assert entry.outcome == "timeout"
    assert entry.end_ms - entry.start_ms == 2000


def test_except_exception_in_the_handler_does_not_swallow_the_timeout() -> None:
    """The stop at the deadline is a BaseException: ``except Exception`` lets it through."""
    after: list[str] = []

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            try:
                sim.spend(seconds=5)
            except Exception:
                after.append("caught")
            after.append("went on")

        return run

    sim, table, _, mapping = world(handler, timeout=1)
    put(table, "a")
    sim.advance(seconds=10)
    assert after == []
    assert mapping.invocation_log[0].outcome == "timeout"


def test_spend_outside_a_handler_raises() -> None:
    """sim.spend() is for a running handler; outside one it is a SimulationError."""
    sim = Simulation(seed=1)
    with pytest.raises(SimulationError, match="advance"):
        sim.spend(seconds=1)
    with pytest.raises(ValueError, match="backwards"):
        sim.spend(milliseconds=-1)
    with pytest.raises(TypeError):
        sim.spend("1s")  # type: ignore[arg-type]


def test_a_declared_duration_past_the_timeout_is_charged_after_the_work() -> None:
    """With only a declared duration, the handler's work is done before time passes: every
    effect happens and the invocation times out (documented in docs/fidelity.md)."""

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            for record in event["Records"]:
                sink.put_item(Item={"pk": record["dynamodb"]["Keys"]["pk"]["S"]})

        return run

    sim, table, sink, mapping = world(handler, timeout=1, duration=5)
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert len(sink.scan()["Items"]) == 2
    assert mapping.invocation_log[0].outcome == "timeout"


def test_spend_takes_a_timedelta() -> None:
    """sim.spend(timedelta(...)) works like advance's forms."""
    seen: list[int] = []

    def handler(sim: Simulation, sink: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> None:
            before = sim.now
            after = sim.spend(timedelta(milliseconds=250), milliseconds=50)
            seen.append(int((after - before).total_seconds() * 1000))

        return run

    sim, table, _, _ = world(handler)
    put(table, "a")
    sim.advance(seconds=1)
    assert seen == [300]
