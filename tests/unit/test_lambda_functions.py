"""Functions: handler calls, LambdaContext, virtual duration, timeouts, errors (issue 4 point 1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from streamsim import (
    InvalidParameterValueException,
    ResourceConflictException,
    Simulation,
    SimulationError,
)
from streamsim._lambda._functions import to_ms
from tests.lambda_support import Recorder, attach, put, streamed


def test_handler_gets_event_and_lambda_context() -> None:
    """The handler is called with the event and a context shaped like the runtime's."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec, function={"timeout": 5, "memory_size": 256})
    put(table, "a")
    sim.advance(seconds=1)
    (context,) = rec.contexts
    assert context.function_name == "fn"
    assert context.function_version == "$LATEST"
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert context.memory_limit_in_mb == 256
    assert context.log_group_name == "/aws/lambda/fn"
    assert context.log_stream_name.startswith("2024/01/01/[$LATEST]")
    assert len(context.aws_request_id) == 36
    assert context.identity is None
    assert context.client_context is None


def test_remaining_time_counts_down_in_virtual_time() -> None:
    """get_remaining_time_in_millis is the full timeout at the start instant of the call."""
    sim, table = streamed()
    seen: list[int] = []
    attach(sim, lambda e, c: seen.append(c.get_remaining_time_in_millis()))
    put(table, "a")
    sim.advance(seconds=1)
    assert seen == [3000]


def test_handler_runs_at_invocation_start_time() -> None:
    """The handler sees the virtual time at which the invocation starts (a poll tick)."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec)
    sim.advance(milliseconds=100)
    put(table, "a")
    sim.advance(seconds=1)
    start = sim.lambda_service.functions["fn"].created_ms
    assert rec.calls[0][0] == start + 250  # the first poll tick after the write


def test_invocation_occupies_fixed_duration() -> None:
    """An invocation's result is applied ``duration`` after it started."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None, function={"duration": 0.5})
    put(table, "a")
    sim.advance(seconds=2)
    (entry,) = mapping.invocation_log
    assert entry.end_ms - entry.start_ms == 500


def test_duration_can_be_a_callable_of_the_event() -> None:
    """``duration`` may be computed from the event (here: 10 ms per record)."""
    sim, table = streamed()
    mapping = attach(
        sim,
        lambda e, c: None,
        function={"duration": lambda event: timedelta(milliseconds=10 * len(event["Records"]))},
    )
    put(table, "a", "b", "c")
    sim.advance(seconds=2)
    (entry,) = mapping.invocation_log
    assert entry.end_ms - entry.start_ms == 30


def test_default_duration_is_small() -> None:
    """Without ``duration`` an invocation takes 10 ms of virtual time."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None)
    put(table, "a")
    sim.advance(seconds=1)
    (entry,) = mapping.invocation_log
    assert entry.end_ms - entry.start_ms == 10


def test_invocation_longer_than_timeout_is_task_timed_out() -> None:
    """A duration beyond the timeout fails with "Task timed out" at the timeout instant."""
    sim, table = streamed()
    mapping = attach(
        sim, lambda e, c: None, function={"timeout": 2, "duration": 5}, MaximumRetryAttempts=0
    )
    put(table, "a")
    sim.advance(seconds=10)
    (entry,) = mapping.invocation_log
    assert entry.outcome == "timeout"
    assert entry.end_ms - entry.start_ms == 2000
    assert entry.error is not None
    assert "Task timed out after 2.00 seconds" in entry.error


def test_handler_exception_is_a_function_error() -> None:
    """An exception raised by the handler is a function error with its type and message."""
    sim, table = streamed()

    def boom(event: Any, context: Any) -> None:
        raise KeyError("missing")

    mapping = attach(sim, boom, MaximumRetryAttempts=0)
    put(table, "a")
    sim.advance(seconds=1)
    (entry,) = mapping.invocation_log
    assert entry.outcome == "function_error"
    assert entry.error == "KeyError: 'missing'"
    assert sim.lambda_service.functions["fn"].errors == 1


def test_unserialisable_response_is_a_function_error() -> None:
    """A response JSON cannot encode fails the invocation (Runtime.MarshalError)."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: {"value": Decimal("1")}, MaximumRetryAttempts=0)
    put(table, "a")
    sim.advance(seconds=1)
    (entry,) = mapping.invocation_log
    assert entry.error is not None
    assert entry.error.startswith("Runtime.MarshalError")


def test_advancing_time_from_a_handler_raises_inside_the_handler() -> None:
    """sim.advance() in a handler raises SimulationError there; escaping, it fails the batch."""
    sim, table = streamed()
    seen: list[BaseException] = []

    def handler(event: Any, context: Any) -> None:
        try:
            sim.advance(seconds=1)
        except SimulationError as exc:
            seen.append(exc)
            raise

    mapping = attach(sim, handler, MaximumRetryAttempts=0)
    put(table, "a")
    sim.advance(seconds=1)
    assert len(seen) == 1
    (entry,) = mapping.invocation_log
    assert entry.error is not None
    assert entry.error.startswith("SimulationError: time cannot be advanced")


def test_function_settings_are_validated() -> None:
    """Bad names, timeouts and memory sizes raise InvalidParameterValueException."""
    sim = Simulation(seed=1)
    for kwargs in ({"timeout": 0}, {"timeout": 901}, {"timeout": 1.5}, {"memory_size": 64}):
        with pytest.raises(InvalidParameterValueException):
            sim.create_function("f", lambda e, c: None, **kwargs)
    with pytest.raises(InvalidParameterValueException):
        sim.create_function("bad name", lambda e, c: None)
    with pytest.raises(InvalidParameterValueException):
        sim.create_function("g", lambda e, c: None, reserved_concurrency=-1)


def test_duplicate_function_name_conflicts() -> None:
    """A second function with the same name raises ResourceConflictException."""
    sim = Simulation(seed=1)
    sim.create_function("f", lambda e, c: None)
    with pytest.raises(ResourceConflictException):
        sim.create_function("f", lambda e, c: None)


def test_request_ids_are_deterministic() -> None:
    """The same seed gives the same aws_request_ids, in any process."""

    def ids(seed: int) -> list[str]:
        sim, table = streamed(seed=seed)
        rec = Recorder(sim)
        attach(sim, rec)
        put(table, "a")
        sim.advance(seconds=1)
        put(table, "b")
        sim.advance(seconds=1)
        return [c.aws_request_id for c in rec.contexts]

    assert ids(3) == ids(3)
    assert ids(3) != ids(4)


def test_to_ms_converts_seconds_and_timedeltas() -> None:
    """Durations are seconds or timedeltas, in whole milliseconds."""
    assert to_ms(1, "x") == 1000
    assert to_ms(Decimal("0.005"), "x") == 5
    assert to_ms(timedelta(minutes=1), "x") == 60_000
    with pytest.raises(ValueError):
        to_ms(0.0005, "x")
    with pytest.raises(ValueError):
        to_ms(-1, "x")
    with pytest.raises(TypeError):
        to_ms("1", "x")
