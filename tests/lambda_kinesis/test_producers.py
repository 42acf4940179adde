"""Producers in virtual time: ``sim.every`` and ``sim.call_at`` (issue 17, Deliver 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim import ScheduledCall, Simulation
from tests.lambda_support import Recorder, attach, streamed


def test_every_runs_at_each_interval_inside_advance() -> None:
    """every(interval) calls the producer one interval from now, then every interval."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    seen: list[int] = []
    handle = sim.every(timedelta(milliseconds=250), lambda: seen.append(sim.now_ms - start))
    assert seen == []
    sim.advance(seconds=1)
    assert seen == [250, 500, 750, 1000]
    assert handle.runs == 4
    assert handle.next_time == datetime.fromtimestamp((start + 1250) / 1000, UTC)


def test_every_starts_at_start() -> None:
    """``start`` sets the first run: a timedelta from now (0 = now) or an aware datetime."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    seen: list[int] = []
    sim.every(timedelta(seconds=2), lambda: seen.append(sim.now_ms - start), start=timedelta(0))
    sim.every(
        timedelta(seconds=2),
        lambda: seen.append(-(sim.now_ms - start)),
        start=sim.now + timedelta(seconds=1),
    )
    sim.advance(seconds=4)
    assert seen == [0, -1000, 2000, -3000, 4000]


def test_every_rejects_bad_intervals_and_callables() -> None:
    """The interval must be a positive timedelta of whole ms; the producer must be callable."""
    sim = Simulation(seed=1)
    with pytest.raises(ValueError, match="positive"):
        sim.every(timedelta(0), lambda: None)
    with pytest.raises(ValueError, match="positive"):
        sim.every(timedelta(seconds=-1), lambda: None)
    with pytest.raises(ValueError, match="whole number of milliseconds"):
        sim.every(timedelta(microseconds=1500), lambda: None)
    with pytest.raises(TypeError, match="timedelta"):
        sim.every(1, lambda: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        sim.every(timedelta(seconds=1), "not callable")  # type: ignore[arg-type]
    assert sim.producers == []


def test_call_at_runs_once_at_a_datetime_or_a_delta() -> None:
    """call_at takes an aware datetime or a timedelta from now and runs once."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    seen: list[tuple[str, int]] = []
    sim.call_at(sim.now + timedelta(seconds=3), lambda: seen.append(("dt", sim.now_ms - start)))
    once = sim.call_at(timedelta(seconds=1), lambda: seen.append(("delta", sim.now_ms - start)))
    now = sim.call_at(timedelta(0), lambda: seen.append(("now", sim.now_ms - start)))
    sim.advance(seconds=10)
    assert seen == [("now", 0), ("delta", 1000), ("dt", 3000)]
    assert (once.runs, once.active, once.next_time, now.runs) == (1, False, None, 1)


def test_call_at_rejects_past_naive_and_other_times() -> None:
    """A time before now, a naive datetime or a non-time is refused; nothing is scheduled."""
    sim = Simulation(seed=1)
    sim.advance(seconds=5)
    with pytest.raises(ValueError, match="backwards"):
        sim.call_at(sim.now - timedelta(seconds=1), lambda: None)
    with pytest.raises(ValueError, match="backwards"):
        sim.call_at(timedelta(seconds=-1), lambda: None)
    with pytest.raises(ValueError, match="timezone-aware"):
        sim.call_at(datetime(2030, 1, 1), lambda: None)
    with pytest.raises(TypeError, match=r"timezone-aware datetime or a datetime\.timedelta"):
        sim.call_at(5, lambda: None)  # type: ignore[arg-type]
    assert sim.producers == []


def test_cancel_stops_a_producer_even_from_inside_it() -> None:
    """cancel() stops further runs; a producer may cancel itself."""
    sim = Simulation(seed=1)
    counts = {"a": 0, "b": 0}
    handles: dict[str, ScheduledCall] = {}

    def b() -> None:
        counts["b"] += 1
        if counts["b"] == 2:
            handles["b"].cancel()

    handles["a"] = sim.every(timedelta(seconds=1), lambda: counts.__setitem__("a", counts["a"] + 1))
    handles["b"] = sim.every(timedelta(seconds=1), b)
    sim.advance(seconds=3)
    handles["a"].cancel()
    handles["a"].cancel()  # twice is fine
    sim.advance(seconds=3)
    assert counts == {"a": 3, "b": 2}
    assert sim.producers == []
    assert "cancelled" in repr(handles["a"])


def test_producers_run_before_the_simulations_own_work_at_one_instant() -> None:
    """At one instant producers run first, whatever was scheduled before them."""
    sim = Simulation(seed=1)
    order: list[str] = []
    target = sim.now_ms + 1000
    sim._clock.call_at(target, lambda: order.append("work"))  # the simulation's own work
    sim.call_at(timedelta(seconds=1), lambda: order.append("producer"))
    sim.advance(seconds=1)
    assert order == ["producer", "work"]


def test_producers_due_together_run_in_registration_order() -> None:
    """Two producers meeting at one instant run in the order they were registered."""
    sim = Simulation(seed=1)
    order: list[tuple[int, str]] = []
    start = sim.now_ms
    sim.every(timedelta(seconds=3), lambda: order.append((sim.now_ms - start, "3s")))
    sim.every(timedelta(seconds=2), lambda: order.append((sim.now_ms - start, "2s")))
    sim.advance(seconds=6)
    assert order == [(2000, "2s"), (3000, "3s"), (4000, "2s"), (6000, "3s"), (6000, "2s")]


@given(
    st.lists(st.tuples(st.integers(1, 7), st.integers(0, 5), st.booleans()), min_size=1, max_size=6)
)
def test_producer_order_is_time_then_registration(specs: list[tuple[int, int, bool]]) -> None:
    """Property: runs come in (instant, registration) order, each at its exact instants."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    log: list[tuple[int, int]] = []
    for rank, (period, first, repeat) in enumerate(specs):

        def record(rank: int = rank) -> None:
            log.append((sim.now_ms - start, rank))

        if repeat:
            sim.every(timedelta(seconds=period), record, start=timedelta(seconds=first))
        else:
            sim.call_at(timedelta(seconds=first), record)
    sim.advance(seconds=20)
    assert log == sorted(log)
    expected = sorted(
        (t * 1000, rank)
        for rank, (period, first, repeat) in enumerate(specs)
        for t in (range(first, 21, period) if repeat else [first])
    )
    assert log == expected


def test_a_producer_exception_leaves_advance_and_the_simulation_consistent() -> None:
    """A producer's exception leaves advance() at its instant; the next advance carries on."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    ticks: list[int] = []
    runs = {"n": 0}

    def flaky() -> None:
        runs["n"] += 1
        if runs["n"] == 2:
            raise RuntimeError("producer broke")

    sim.every(timedelta(seconds=1), lambda: ticks.append(sim.now_ms - start))
    faulty = sim.every(timedelta(seconds=1), flaky)
    with pytest.raises(RuntimeError, match="producer broke"):
        sim.advance(seconds=5)
    assert sim.now_ms - start == 2000  # time stopped at the failing instant
    assert ticks == [1000, 2000]
    sim._check()
    sim.advance(seconds=3)  # the rest runs; the faulty producer keeps its schedule
    assert ticks == [1000, 2000, 3000, 4000, 5000]
    assert faulty.runs == 5
    assert sim.now_ms - start == 5000


def test_advance_inside_a_producer_is_a_simulation_error() -> None:
    """A producer may not move time: sim.advance() inside it raises SimulationError."""
    from streamsim import SimulationError

    sim = Simulation(seed=1)
    sim.call_at(timedelta(seconds=1), lambda: sim.advance(seconds=1))
    with pytest.raises(SimulationError):
        sim.advance(seconds=2)


def test_a_producer_feeds_a_mapping_in_virtual_time() -> None:
    """A producer writing an item a second reaches the function, in order, each once."""
    sim, table = streamed()
    recorder = Recorder(sim)
    attach(sim, recorder)
    counter = {"n": 0}

    def produce() -> None:
        counter["n"] += 1
        table.put_item(Item={"pk": "k", "n": counter["n"]})

    sim.every(timedelta(seconds=1), produce)
    sim.advance(minutes=1)
    delivered = [
        int(r["dynamodb"]["NewImage"]["n"]["N"]) for e in recorder.events for r in e["Records"]
    ]
    assert delivered == list(range(1, 61))


def test_scheduled_call_repr_is_readable() -> None:
    """A ScheduledCall's repr says what, when next, and how many runs."""
    sim = Simulation(seed=1)

    def tick() -> None:
        pass

    handle = sim.every(timedelta(seconds=1), tick)
    assert repr(handle) == (
        "<ScheduledCall every 0:00:01 test_scheduled_call_repr_is_readable.<locals>.tick "
        "next=2024-01-01T00:00:01.000 runs=0>"
    )
    once = sim.call_at(timedelta(0), tick)
    sim.advance(seconds=1)
    assert repr(once).endswith(" done runs=1>")
