"""Direct invocations: Invoke's synchronous call and the asynchronous event queue.

:class:`Invoker` runs a function for ``Invoke`` outside any event source mapping, sharing the
account's :class:`~._concurrency.ConcurrencyPool` with the poller:

* **RequestResponse** (:meth:`Invoker.invoke_sync`): the handler runs at the current virtual
  instant and its result is returned at once; the instance stays taken for the invocation's
  virtual duration (released by a timer at its end), as the poller's invocations do.  With no
  free instance the call is refused with ``TooManyRequestsException`` (rule L.2).
* **Event** (:meth:`Invoker.submit`): the event joins the function's asynchronous queue and runs
  in virtual time.  A throttled attempt goes back to the queue and is tried again after a
  back-off doubling from 1 s to 5 minutes; a function error is retried after 1 minute, then 2
  minutes (``MaximumRetryAttempts``, default 2); an event older than
  ``MaximumEventAgeInSeconds`` (default 6 h) is dropped.  What becomes of each event is sent
  to the ``EventInvokeConfig``'s destinations (rule L.4).

AWS behaviour: rule L.1-L.4.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from streamsim._errors import InvalidParameterValueException, TooManyRequestsException

from ._destinations import iso_millis

if TYPE_CHECKING:
    from streamsim._clock import Clock

    from ._concurrency import ConcurrencyPool
    from ._destinations import Destination
    from ._functions import Function, InvocationResult

#: Asynchronous retries after a function error: 1 minute, then 2 minutes (rule L.4).
ASYNC_RETRY_DELAYS_MS = (60_000, 120_000)
DEFAULT_ASYNC_RETRIES = 2  # rule L.4: MaximumRetryAttempts 0-2, default 2
MAX_ASYNC_RETRIES = 2
DEFAULT_EVENT_AGE_S = 21_600  # rule L.4: MaximumEventAgeInSeconds 60-21600, default 6 h
MIN_EVENT_AGE_S = 60
MAX_EVENT_AGE_S = 21_600
#: back-off of a throttled asynchronous attempt: 1 s, doubling, at most 5 minutes (rule L.4)
THROTTLE_BACKOFF_FIRST_MS = 1_000
THROTTLE_BACKOFF_MAX_MS = 300_000
RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"  # rule L.2
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"
#: conditions of an asynchronous invocation record (rule L.4)
SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"


@attrs.frozen(kw_only=True)
class EventInvokeConfig:
    """A function's settings for asynchronous invocation (PutFunctionEventInvokeConfig).

    Attributes:
        maximum_retry_attempts: retries after a function error, 0-2 (default 2).
        maximum_event_age_s: seconds an event may wait in the queue, 60-21600 (default 6 h).
        on_success, on_failure: ARNs of destinations (queues, topics, buckets) or None.
        last_modified_ms: when it was last put.
    """

    maximum_retry_attempts: int = DEFAULT_ASYNC_RETRIES
    maximum_event_age_s: int = DEFAULT_EVENT_AGE_S
    on_success: str | None = None
    on_failure: str | None = None
    last_modified_ms: int = 0

    def __attrs_post_init__(self) -> None:
        retries = self.maximum_retry_attempts
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise InvalidParameterValueException(
                f"MaximumRetryAttempts must be an integer, got {retries!r}"
            )
        if not 0 <= retries <= MAX_ASYNC_RETRIES:
            raise InvalidParameterValueException(
                f"1 validation error detected: Value '{retries}' at 'maximumRetryAttempts' failed "
                f"to satisfy constraint: Member must have value less than or equal to "
                f"{MAX_ASYNC_RETRIES}"
                if retries > MAX_ASYNC_RETRIES
                else f"1 validation error detected: Value '{retries}' at 'maximumRetryAttempts' "
                "failed to satisfy constraint: Member must have value greater than or equal to 0"
            )
        age = self.maximum_event_age_s
        if isinstance(age, bool) or not isinstance(age, int):
            raise InvalidParameterValueException(
                f"MaximumEventAgeInSeconds must be an integer, got {age!r}"
            )
        if not MIN_EVENT_AGE_S <= age <= MAX_EVENT_AGE_S:
            bound, word = (
                (MIN_EVENT_AGE_S, "greater") if age < MIN_EVENT_AGE_S else (MAX_EVENT_AGE_S, "less")
            )
            raise InvalidParameterValueException(
                f"1 validation error detected: Value '{age}' at 'maximumEventAgeInSeconds' failed "
                f"to satisfy constraint: Member must have value {word} than or equal to {bound}"
            )


@attrs.define(eq=False)
class AsyncEvent:
    """One event of a function's asynchronous queue."""

    function: Function
    payload: Any
    request_id: str
    queued_ms: int
    attempts: int = 0
    throttles: int = 0
    last: InvocationResult | None = None


class Invoker:
    """Direct invocations of the account's functions (``Invoke``), sharing its concurrency.

    Args:
        clock: the simulation's clock.
        concurrency: the account's pool (the poller's too).
        destination: the queue, topic or bucket with an ARN, or None.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        concurrency: ConcurrencyPool[Function],
        destination: Callable[[str], Destination | None],
    ) -> None:
        self.clock = clock
        self.concurrency = concurrency
        self._destination = destination
        self.configs: dict[Function, EventInvokeConfig] = {}
        #: events queued or waiting for a retry, per function, oldest first
        self.queued: dict[Function, deque[AsyncEvent]] = {}
        #: what became of finished asynchronous events: (request id, condition), oldest first
        self.outcomes: deque[tuple[str, str]] = deque(maxlen=10_000)

    # --- synchronous ----------------------------------------------------------------------------

    def take_instance(self, function: Function) -> None:
        """Take an instance of ``function`` for a synchronous call, or refuse it (rule L.2).

        Raises:
            TooManyRequestsException: no free instance (``Reason`` names the limit).
        """
        if not self.concurrency.acquire(function):
            function.note_throttle()
            reason = RESERVED_LIMIT if function.reserved_concurrency is not None else ACCOUNT_LIMIT
            raise TooManyRequestsException("Rate Exceeded.", reason=reason)

    def invoke_sync(
        self, function: Function, payload: Any, client_context: Any = None
    ) -> InvocationResult:
        """Run ``function`` now with ``payload`` (RequestResponse); its instance is held for
        the invocation's virtual duration.

        A ``BaseException`` that interrupted the handler is re-raised once the instance's
        release is scheduled.

        Raises:
            TooManyRequestsException: no free instance (rule L.2).
        """
        self.take_instance(function)
        try:
            result = function.invoke(payload, client_context=client_context)
        except BaseException:
            self.concurrency.release(function)
            raise
        self.clock.call_at(result.end_ms, lambda: self.concurrency.release(function))
        if result.escaped is not None:
            raise result.escaped
        return result

    # --- asynchronous ---------------------------------------------------------------------------

    def config(self, function: Function) -> EventInvokeConfig | None:
        """The function's EventInvokeConfig, or None (defaults apply)."""
        return self.configs.get(function)

    def submit(self, function: Function, payload: Any, request_id: str) -> AsyncEvent:
        """Queue ``payload`` for ``function`` (Event); its first attempt is due now."""
        event = AsyncEvent(function, payload, request_id, self.clock.now_ms)
        self.queued.setdefault(function, deque()).append(event)
        self.clock.call_at(self.clock.now_ms, lambda: self._attempt(event))
        return event

    def _attempt(self, event: AsyncEvent) -> None:
        function = event.function
        cfg = self.configs.get(function) or EventInvokeConfig()
        now = self.clock.now_ms
        if now - event.queued_ms > cfg.maximum_event_age_s * 1000:
            self._finish(event, EVENT_AGE_EXCEEDED, cfg)
            return
        if not self.concurrency.acquire(function):
            function.note_throttle()  # back to the queue; no retry attempt is used
            backoff = THROTTLE_BACKOFF_FIRST_MS << min(event.throttles, 20)
            delay = min(backoff, THROTTLE_BACKOFF_MAX_MS)
            event.throttles += 1
            self.clock.call_later(delay, lambda: self._attempt(event))
            return
        try:
            result = function.invoke(event.payload, event.request_id)
        except BaseException:
            self.concurrency.release(function)
            raise
        event.attempts += 1
        self.clock.call_at(result.end_ms, lambda: self._complete(event, result))
        if result.escaped is not None:
            raise result.escaped

    def _complete(self, event: AsyncEvent, result: InvocationResult) -> None:
        function = event.function
        self.concurrency.release(function)
        event.last = result
        cfg = self.configs.get(function) or EventInvokeConfig()
        if result.ok:
            self._finish(event, SUCCESS, cfg)
            return
        retries = event.attempts - 1
        if retries >= cfg.maximum_retry_attempts:
            self._finish(event, RETRIES_EXHAUSTED, cfg)
            return
        delay = ASYNC_RETRY_DELAYS_MS[min(retries, len(ASYNC_RETRY_DELAYS_MS) - 1)]
        self.clock.call_later(delay, lambda: self._attempt(event))

    def _finish(self, event: AsyncEvent, condition: str, cfg: EventInvokeConfig) -> None:
        queue = self.queued.get(event.function)
        if queue is not None:
            queue.remove(event)
            if not queue:
                del self.queued[event.function]
        self.outcomes.append((event.request_id, condition))
        arn = cfg.on_success if condition == SUCCESS else cfg.on_failure
        destination = self._destination(arn) if arn is not None else None
        if destination is not None:
            key = f"aws/lambda/async/{event.function.name}/{event.request_id}"
            destination.deliver(self.invocation_record(event, condition), None, key)

    def invocation_record(self, event: AsyncEvent, condition: str) -> dict[str, Any]:
        """The record an asynchronous invocation sends to its destination (rule L.4)."""
        result = event.last
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": iso_millis(self.clock.now_ms),
            "requestContext": {
                "requestId": event.request_id,
                "functionArn": f"{event.function.arn}:$LATEST",
                "condition": condition,
                "approximateInvokeCount": event.attempts,
            },
            "requestPayload": event.payload,
        }
        if result is not None:
            context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
            if not result.ok:
                context["functionError"] = "Unhandled"
            record["responseContext"] = context
            record["responsePayload"] = (
                result.response if result.ok else error_payload(result, include_trace=False)
            )
        return record

    def pending(self, function: Function) -> int:
        """Asynchronous events of ``function`` not finished yet."""
        return len(self.queued.get(function, ()))

    def _check(self) -> None:
        """Assert the queues' invariants: every queued event belongs to its function's queue."""
        for function, queue in self.queued.items():
            assert queue, f"an empty asynchronous queue is kept for {function.name}"
            assert all(e.function is function for e in queue), "an event in another's queue"

    def __repr__(self) -> str:
        waiting = sum(map(len, self.queued.values()))
        return f"<Invoker async_events={waiting} configs={len(self.configs)}>"


def error_payload(result: InvocationResult, *, include_trace: bool = True) -> dict[str, Any]:
    """The body Lambda returns for a failed invocation, as the Python runtime writes it.

    ``{"errorMessage", "errorType", "requestId", "stackTrace"}`` for an error of the handler;
    a timeout has only ``errorMessage`` and ``errorType`` (rule L.1).
    """
    body: dict[str, Any] = {
        "errorMessage": result.error_message,
        "errorType": result.error_type,
    }
    if not result.timed_out:
        body["requestId"] = result.request_id
        body["stackTrace"] = list(result.stack_trace) if include_trace else []
    return body
