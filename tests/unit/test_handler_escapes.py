"""One rule for exceptions escaping an invocation (issue 12, "A mapping dies silently").

An exception from a handler or its ``duration`` callable is a function error (retries,
bisection, destinations, metrics, rule D.5); a response that cannot be returned is a function
error as the runtime reports it (rule D.3, D.6); ``KeyboardInterrupt`` / ``SystemExit`` /
``GeneratorExit`` leave ``advance()`` with the simulation consistent and the next ``advance()``
carries on; a bug of the poller is raised as ``SimulationError`` from the bug and the mapping
says so, and keeps going.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from streamsim import Simulation, SimulationError
from streamsim._lambda._functions import MAX_RESPONSE_BYTES, MAX_RESPONSE_DEPTH
from streamsim._lambda._mapping import EventSourceMapping
from tests.lambda_support import Recorder, attach, put, streamed


class UnprintableError(Exception):
    """An exception whose ``__str__`` fails."""

    def __str__(self) -> str:
        raise RuntimeError("__str__ failed")


class BrokenDict(dict[str, Any]):
    """A dict whose ``values()`` and ``items()`` fail."""

    def values(self) -> Any:
        raise LookupError("values() failed")

    def items(self) -> Any:
        raise LookupError("items() failed")


def nested(depth: int) -> list[Any]:
    """A list nested ``depth`` levels deep, built without recursion."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def first_call(respond: Callable[[], Any]) -> Callable[[dict[str, Any]], Any]:
    """A Recorder response: ``respond()`` on the first call only, then success."""
    calls = [0]

    def answer(event: dict[str, Any]) -> Any:
        calls[0] += 1
        return respond() if calls[0] == 1 else None

    return answer


def raising(exc: BaseException) -> Callable[[], Any]:
    """A ``respond`` that raises ``exc``."""

    def respond() -> Any:
        raise exc

    return respond


def status(sim: Simulation, mapping: EventSourceMapping) -> dict[str, Any]:
    """GetEventSourceMapping for ``mapping``."""
    return sim.client("lambda").get_event_source_mapping(UUID=mapping.uuid)


def deliveries_after(
    respond: Callable[[], Any], **function: Any
) -> tuple[Recorder, EventSourceMapping, Simulation]:
    """Fail the first invocation with ``respond``; then check later records still flow."""
    sim, table = streamed()
    recorder = Recorder(sim, first_call(respond))
    mapping = attach(sim, recorder, function=function or None, BatchSize=1)
    put(table, "a")
    sim.advance(seconds=5)
    put(table, "b")
    sim.advance(seconds=60)
    sim._check()
    return recorder, mapping, sim


@pytest.mark.parametrize(
    ("respond", "error_type"),
    [
        (raising(UnprintableError()), "UnprintableError"),
        (raising(RecursionError("deep")), "RecursionError"),
        (lambda: nested(1_000), "Runtime.MarshalError"),
        (lambda: nested(MAX_RESPONSE_DEPTH + 1), "Runtime.MarshalError"),
        (lambda: {"loop": (loop := []), "x": loop.append(loop)}, "Runtime.MarshalError"),
        (lambda: object(), "Runtime.MarshalError"),
        (lambda: {(1, 2): 3}, "Runtime.MarshalError"),
        (lambda: BrokenDict(a=1), "Runtime.MarshalError"),
        (lambda: "x" * (20 * 1024 * 1024), "Function.ResponseSizeTooLarge"),
    ],
    ids=[
        "unprintable",
        "recursion",
        "deep-1000",
        "deep-limit",
        "cycle",
        "object",
        "key",
        "broken-dict",
        "20MB",
    ],
)
def test_a_failing_invocation_is_a_function_error_and_the_mapping_carries_on(
    respond: Callable[[], Any], error_type: str
) -> None:
    """A handler error or an unreturnable response fails the batch; it is retried, then later
    records are delivered too."""
    recorder, mapping, sim = deliveries_after(respond)
    assert recorder.pks() == [["a"], ["a"], ["b"]]
    first = mapping.invocation_log[0]
    assert first.outcome == "function_error"
    assert first.error is not None
    assert first.error.startswith(f"{error_type}: ")
    assert mapping.metrics.errors == 1
    assert status(sim, mapping)["LastProcessingResult"] == "OK"


def test_unprintable_exception_is_described_without_its_str() -> None:
    """An exception whose __str__ fails is logged with a stand-in message."""
    _, mapping, _ = deliveries_after(raising(UnprintableError()))
    assert mapping.invocation_log[0].error == (
        "UnprintableError: <unprintable UnprintableError object>"
    )


def test_a_20_mb_response_is_refused_as_response_size_too_large() -> None:
    """A response over 6 MB of JSON fails with Function.ResponseSizeTooLarge (rule D.3)."""
    _, mapping, _ = deliveries_after(lambda: "x" * (MAX_RESPONSE_BYTES - 1))
    error = mapping.invocation_log[0].error
    assert error is not None
    assert "6291456 bytes" in error
    _, mapping, _ = deliveries_after(lambda: "x" * (MAX_RESPONSE_BYTES - 2))
    assert mapping.invocation_log[0].outcome == "success"


def test_a_response_at_the_depth_limit_is_accepted_at_a_deep_caller_stack() -> None:
    """A response nested MAX_RESPONSE_DEPTH levels returns fine when advance() runs 400 frames
    deep."""
    sim, table = streamed()
    recorder = Recorder(sim, lambda event: nested(MAX_RESPONSE_DEPTH))
    mapping = attach(sim, recorder)
    put(table, "a")
    at_depth(400, lambda: sim.advance(seconds=1))
    assert [entry.outcome for entry in mapping.invocation_log] == ["success"]


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(3), GeneratorExit()])
def test_interrupting_exceptions_leave_advance_and_the_next_advance_carries_on(
    exc: BaseException,
) -> None:
    """KeyboardInterrupt, SystemExit and GeneratorExit propagate out of advance(); the
    interrupted invocation counts as failed and its batch is retried by the next advance()."""
    sim, table = streamed()
    recorder = Recorder(sim, first_call(raising(exc)))
    mapping = attach(sim, recorder, BatchSize=1)
    put(table, "a")
    with pytest.raises(type(exc)):
        sim.advance(seconds=5)
    sim._check()
    assert status(sim, mapping)["State"] == "Enabled"
    put(table, "b")
    sim.advance(seconds=60)
    sim._check()
    assert recorder.pks() == [["a"], ["a"], ["b"]]
    first = mapping.invocation_log[0]
    assert first.outcome == "function_error"
    expected = "Runtime.ExitError" if isinstance(exc, SystemExit) else type(exc).__name__
    assert first.error is not None
    assert first.error.startswith(expected)
    assert sim.lambda_service.functions["fn"].active == 0


def test_keyboard_interrupt_in_the_duration_callable_propagates_and_resumes() -> None:
    """A KeyboardInterrupt from duration(event) leaves advance(); the batch is retried later."""
    calls = [0]

    def duration(event: dict[str, Any]) -> float:
        calls[0] += 1
        if calls[0] == 1:
            raise KeyboardInterrupt
        return 0.01

    sim, table = streamed()
    recorder = Recorder(sim)
    attach(sim, recorder, function={"duration": duration})
    put(table, "a")
    with pytest.raises(KeyboardInterrupt):
        sim.advance(seconds=5)
    sim.advance(seconds=60)
    assert recorder.pks() == [["a"]]


def test_a_failing_duration_callable_is_a_function_error() -> None:
    """duration(event) raising or returning nonsense fails the invocation; retries follow."""
    calls = [0]

    def duration(event: dict[str, Any]) -> Any:
        calls[0] += 1
        return "soon" if calls[0] == 1 else 0.01

    recorder, mapping, _ = deliveries_after(lambda: None, duration=duration)
    assert recorder.pks() == [["a"], ["b"]]
    first = mapping.invocation_log[0]
    assert first.outcome == "function_error"
    assert first.error is not None
    assert first.error.startswith("TypeError: the function's duration(event) failed")


def test_failing_duration_callable_goes_to_the_on_failure_destination() -> None:
    """A duration callable that always fails exhausts the retries like any function error."""
    sim, table = streamed()
    queue = sim.create_queue("dlq")

    def duration(event: dict[str, Any]) -> float:
        raise ValueError("no duration")

    recorder = Recorder(sim)
    mapping = attach(
        sim,
        recorder,
        function={"duration": duration},
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    put(table, "a")
    sim.advance(minutes=1)
    assert recorder.calls == []
    assert mapping.metrics.dropped == 1
    (message,) = queue.messages
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"


def test_calling_advance_inside_a_handler_is_a_simulation_error_it_may_catch() -> None:
    """sim.advance() in a handler raises SimulationError there; caught, the batch succeeds."""
    sim, table = streamed()
    seen: list[BaseException] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        try:
            sim.advance(seconds=1)
        except SimulationError as exc:
            seen.append(exc)

    mapping = attach(sim, handler)
    put(table, "a")
    sim.advance(seconds=5)
    assert len(seen) == 1
    assert [entry.outcome for entry in mapping.invocation_log] == ["success"]


def test_an_internal_error_is_raised_as_simulation_error_and_the_mapping_carries_on() -> None:
    """A bug in the poller surfaces as SimulationError from the bug; the mapping reports it in
    LastProcessingResult and internal_errors, and the next advance() delivers everything."""
    sim, table = streamed()
    recorder = Recorder(sim)
    mapping = attach(sim, recorder, BatchSize=1)
    (reader,) = mapping.poller.readers.values()
    build = reader.build_events
    broken = [True]

    def flaky(records: Any) -> Any:
        if broken[0]:
            broken[0] = False
            raise KeyError("bug")
        return build(records)

    reader.build_events = flaky
    put(table, "a", "b")
    with pytest.raises(SimulationError, match="internal error in event source mapping") as info:
        sim.advance(seconds=5)
    assert isinstance(info.value.__cause__, KeyError)
    assert mapping.metrics.internal_errors == 1
    assert mapping.metrics.snapshot().internal_errors == 1
    assert status(sim, mapping)["LastProcessingResult"] == "PROBLEM: Internal error: KeyError"
    assert sim.lambda_service.functions["fn"].active == 0
    sim._check()
    sim.advance(seconds=5)
    assert recorder.pks() == [["a"], ["b"]]
    assert status(sim, mapping)["LastProcessingResult"] == "OK"


def test_an_internal_error_applying_a_result_is_reported_and_retried() -> None:
    """A bug while applying a result is raised once as SimulationError; the slot is polled
    again and nothing is lost."""
    sim, table = streamed()
    recorder = Recorder(sim)
    mapping = attach(sim, recorder, BatchSize=1)
    number = mapping.poller.sequence_number
    broken = [True]

    def flaky(record: Any) -> int:
        if broken[0] and sim.lambda_service.functions["fn"].active == 0:
            broken[0] = False
            raise ValueError("bug")
        return number(record)

    put(table, "a")
    sim.advance(seconds=1)
    mapping.poller.sequence_number = flaky
    put(table, "b")
    with pytest.raises(SimulationError) as info:
        sim.advance(seconds=5)
    assert isinstance(info.value.__cause__, ValueError)
    assert mapping.metrics.internal_errors == 1
    sim.advance(seconds=60)
    assert [pks[0] for pks in recorder.pks()][:2] == ["a", "b"]
    assert status(sim, mapping)["State"] == "Enabled"


def at_depth(frames: int, call: Callable[[], Any]) -> Any:
    """Run ``call`` under ``frames`` extra Python frames (a deep caller stack)."""
    if frames <= 0:
        return call()
    return at_depth(frames - 1, call)
