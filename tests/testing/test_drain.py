"""Drive and observe: ``sim.run_until_idle``, ``mapping.caught_up``, ``mapping.blocked``, traces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from streamsim import Blocked, IdleReport, InvocationTrace, Simulation
from tests.lambda_support import Recorder, attach, put, streamed


def view(sim: Simulation, mapping: Any) -> Any:
    """The public view of a model mapping."""
    return sim.lambda_service.mapping(mapping.uuid)


def test_run_until_idle_drains_every_record() -> None:
    """run_until_idle stops once every record was processed, and reports idle."""
    sim, table = streamed(partitions=2)
    recorder = Recorder(sim)
    mapping = view(sim, attach(sim, recorder, BatchSize=2))
    put(table, *"abcdefg")
    report = sim.run_until_idle(timedelta(minutes=5))
    assert report.idle
    assert isinstance(report, IdleReport)
    assert mapping.caught_up
    assert sum(len(b) for b in recorder.batches) == 7
    assert timedelta(0) < report.elapsed < timedelta(minutes=1)


def test_run_until_idle_stops_when_caught_up_not_later() -> None:
    """Time stops at the instant the mapping caught up: nothing after it runs."""
    sim, table = streamed()
    recorder = Recorder(sim)
    attach(sim, recorder)
    put(table, "a")
    report = sim.run_until_idle(timedelta(hours=10))
    assert report.elapsed < timedelta(seconds=10)
    before = sim.now_ms
    assert sim.run_until_idle(timedelta(hours=1)).elapsed_ms == 0
    assert sim.now_ms == before


def test_caught_up_is_false_while_records_wait() -> None:
    """A mapping with unread records, or a batch in flight, is not caught up."""
    sim, table = streamed()
    mapping = view(sim, attach(sim, Recorder(sim)))
    sim.run_until_idle(timedelta(minutes=1))
    assert mapping.caught_up
    put(table, "a")
    assert not mapping.caught_up
    sim.run_until_idle(timedelta(minutes=1))
    assert mapping.caught_up


def test_blocked_when_retrying_a_failing_batch_forever() -> None:
    """Unlimited retries of a batch that always fails: blocked with kind 'retrying' and why."""
    sim, table = streamed()

    def fail(event: dict[str, Any]) -> Any:
        raise ValueError("boom")

    mapping = view(sim, attach(sim, Recorder(sim, fail)))
    put(table, "a")
    report = sim.run_until_idle(timedelta(hours=1))
    assert report.idle
    [(uuid, why)] = report.blocked
    assert uuid == mapping.uuid
    assert isinstance(why, Blocked)
    assert why.kind == "retrying"
    assert why.failures >= 3
    assert "ValueError: boom" in str(why)
    assert not mapping.caught_up
    assert mapping.blocked is not None


def test_patience_lets_a_healed_batch_retry() -> None:
    """After a failing handler is fixed, run_until_idle retries the batch and catches up."""
    sim, table = streamed()
    broken = [True]

    def respond(event: dict[str, Any]) -> Any:
        if broken[0]:
            raise ValueError("boom")
        return None

    mapping = view(sim, attach(sim, Recorder(sim, respond)))
    put(table, "a")
    assert sim.run_until_idle(timedelta(hours=1)).blocked
    broken[0] = False
    report = sim.run_until_idle(timedelta(hours=1))
    assert report.idle
    assert not report.blocked
    assert mapping.caught_up
    assert mapping.blocked is None


def test_limited_retries_are_progress_not_blocked() -> None:
    """With MaximumRetryAttempts set, the failing batch is given up and the mapping catches up."""
    sim, table = streamed()

    def fail(event: dict[str, Any]) -> Any:
        raise ValueError("boom")

    mapping = view(sim, attach(sim, Recorder(sim, fail), MaximumRetryAttempts=2))
    put(table, "a")
    report = sim.run_until_idle(timedelta(hours=1))
    assert report.idle
    assert not report.blocked
    assert mapping.caught_up
    assert len(mapping.metrics.discards) == 1


def test_disabled_mapping_is_blocked() -> None:
    """A disabled mapping is blocked (kind 'disabled') and does not hold run_until_idle up."""
    sim, table = streamed()
    mapping = view(sim, attach(sim, Recorder(sim), Enabled=False))
    put(table, "a")
    report = sim.run_until_idle(timedelta(hours=1))
    assert report.idle
    assert mapping.blocked is not None
    assert mapping.blocked.kind == "disabled"


def test_reserved_concurrency_zero_is_blocked_throttled() -> None:
    """A function with reserved concurrency 0 is throttled for good: blocked 'throttled'."""
    sim, table = streamed()
    mapping = view(sim, attach(sim, Recorder(sim)))
    sim.client("lambda").put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    put(table, "a")
    report = sim.run_until_idle(timedelta(hours=1))
    assert report.idle
    assert mapping.blocked is not None
    assert mapping.blocked.kind == "throttled"


def test_max_time_bounds_the_run() -> None:
    """When max_time passes first, the report says not idle and names the mapping behind."""
    sim, table = streamed()

    def fail(event: dict[str, Any]) -> Any:
        raise ValueError("boom")

    mapping = view(sim, attach(sim, Recorder(sim, fail), MaximumRetryAttempts=100))
    put(table, "a")
    report = sim.run_until_idle(timedelta(seconds=30))
    assert not report.idle
    assert report.behind == (mapping.uuid,)
    assert report.elapsed == timedelta(seconds=30)
    assert "NOT idle" in str(report)


def test_run_until_idle_rejects_bad_arguments() -> None:
    """max_time must be a timedelta of whole ms, patience a positive int."""
    sim = Simulation(seed=1)
    with pytest.raises(TypeError):
        sim.run_until_idle(60)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole"):
        sim.run_until_idle(timedelta(microseconds=1))
    with pytest.raises(ValueError, match="patience"):
        sim.run_until_idle(timedelta(seconds=1), patience=0)


def test_trace_renders_one_line_per_invocation() -> None:
    """mapping.trace renders attempts, sequence numbers, outcomes and errors, one per line."""
    sim, table = streamed()
    calls = [0]

    def respond(event: dict[str, Any]) -> Any:
        calls[0] += 1
        if calls[0] == 1:
            raise ValueError("first try fails")
        return None

    mapping = view(sim, attach(sim, Recorder(sim, respond)))
    put(table, "a", "b")
    sim.run_until_idle(timedelta(minutes=5))
    trace = mapping.trace
    assert isinstance(trace, InvocationTrace)
    assert len(trace) == 2
    lines = str(trace).splitlines()
    assert "attempt 1: function_error (ValueError: first try fails)" in lines[0]
    assert "attempt 2: success" in lines[1]
    assert "x2" in lines[0]
    assert len(trace.failures()) == 1


def test_trace_render_limits_to_the_newest_lines() -> None:
    """render(limit=n) shows the newest n invocations and says how many came before."""
    sim, table = streamed()
    mapping = view(sim, attach(sim, Recorder(sim), BatchSize=1))
    put(table, *"abcd")
    sim.run_until_idle(timedelta(minutes=5))
    lines = mapping.trace.render(limit=2).splitlines()
    assert lines[0] == "... 2 earlier invocations"
    assert len(lines) == 3
    assert len(str(mapping.trace).splitlines()) == 4


def test_idle_report_reads_well() -> None:
    """str(IdleReport) says idle or not, the time spent, and each blocked mapping's reason."""
    sim, table = streamed()
    attach(sim, Recorder(sim), Enabled=False)
    put(table, "a")
    text = str(sim.run_until_idle(timedelta(minutes=1)))
    assert text.startswith("idle after 0:00:00")
    assert "- blocked " in text
    assert "Disabled: it does not poll" in text
