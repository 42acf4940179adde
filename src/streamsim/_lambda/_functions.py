"""Lambda functions: ordinary Python handlers run in virtual time.

A :class:`Function` wraps ``handler(event, context)``.  An invocation calls the handler at
its start instant and occupies the function for ``duration`` of virtual time, or for the
time the handler spent (``sim.spend()``), whichever is longer; its result is applied when
that time is over.  The handler has a clock of its own (:class:`~streamsim._clock.HandlerTime`):
``sim.now`` and ``context.get_remaining_time_in_millis()`` follow it, while the rest of the
simulation stands still and the handler's writes are committed at the start instant.  An
invocation that runs past the function's ``timeout`` fails with "Task timed out" at the
timeout instant, as AWS stops the function then: a handler spending past its deadline is
stopped there (:class:`~streamsim._clock.HandlerTimedOut`), so what it would do after the
deadline never happens.  A declared ``duration`` models time after the handler's work (it
is charged when the handler returns): with it alone, every effect of a timed-out handler
happens.  An exception raised by the handler, or a
response that cannot be serialised to JSON, is a function error.

Concurrency: each invocation occupies one instance from its start to its end.  A function
with reserved concurrency never runs more instances than reserved; the others share the
account's unreserved pool.  The account's :class:`~._concurrency.ConcurrencyPool` keeps
that bookkeeping; a function only reads its own figures from it (``active``,
``peak_concurrency``, ``reserved_concurrency``).

AWS behaviour: function timeout 1-900 s, default 3 s; memory 128-10240 MB, default 128 MB;
``context`` as the Python runtime's ``LambdaContext``.

Differs from AWS: there are no cold starts, versions or aliases (``$LATEST`` only), and the
handler runs in this process: advancing the simulation's time from inside it raises (spend it
with ``sim.spend()`` instead).
"""

from __future__ import annotations

import json
import re
import traceback
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from streamsim._clock import Clock, HandlerTime, HandlerTimedOut, ms_to_datetime
from streamsim._errors import InvalidParameterValueException

if TYPE_CHECKING:
    from ._concurrency import ConcurrencyPool

DEFAULT_TIMEOUT_S = 3  # AWS default function timeout
MAX_TIMEOUT_S = 900  # AWS maximum function timeout
DEFAULT_MEMORY_MB = 128  # AWS default MemorySize
MIN_MEMORY_MB = 128
MAX_MEMORY_MB = 10_240
#: Virtual time an invocation takes unless told otherwise: a warm, small function.
DEFAULT_DURATION_MS = 10
FUNCTION_NAME_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")
EXECUTED_VERSION = "$LATEST"
#: Largest response a function may return, in bytes of JSON (rule D.3: 6 MB invocation payload).
MAX_RESPONSE_BYTES = 6 * 1024 * 1024
#: Deepest nesting of lists and objects a response may have.  Differs from AWS: the Python
#: runtime's ``json.dumps`` gives up near the interpreter's recursion limit (about 1,000
#: levels, depending on the stack); an explicit limit keeps the outcome independent of the
#: caller's stack depth.
MAX_RESPONSE_DEPTH = 100

#: How long an invocation takes: seconds (int/float/Decimal), a timedelta, or a callable of
#: the event returning one of those.
Duration = float | int | Decimal | timedelta | Callable[[dict[str, Any]], Any]


def to_ms(value: Any, what: str) -> int:
    """Convert seconds (int, float, Decimal) or a timedelta into whole milliseconds.

    >>> to_ms(0.25, "duration"), to_ms(timedelta(seconds=2), "duration")
    (250, 2000)

    Raises:
        ValueError: negative, or not a whole number of milliseconds.
        TypeError: not a number or timedelta.
    """
    ms: float | Decimal
    if isinstance(value, timedelta):
        ms = value / timedelta(milliseconds=1)
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{what} must be seconds (a number) or a timedelta, got {value!r}")
    else:
        ms = Decimal(str(value)) * 1000
    if ms < 0:
        raise ValueError(f"{what} must not be negative, got {value!r}")
    if ms != int(ms):
        raise ValueError(f"{what} must be a whole number of milliseconds, got {value!r}")
    return int(ms)


class ResponseError(Exception):
    """A handler's response that cannot be returned; ``error_type`` as the runtime names it."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def serialise_response(response: Any) -> Any:
    """Return ``response`` after a JSON round trip, as the runtime serialises it.

    The nesting is checked without recursion first, so a response too deep (or cyclic) is
    refused the same way at any caller stack depth.

    Raises:
        ResponseError: ``Runtime.MarshalError`` (not JSON-serialisable, nested deeper than
            :data:`MAX_RESPONSE_DEPTH`) or ``Function.ResponseSizeTooLarge`` (over
            :data:`MAX_RESPONSE_BYTES`).

    >>> serialise_response({"a": (1, 2)})
    {'a': [1, 2]}
    """
    if isinstance(response, dict | list | tuple):
        containers = (dict, list, tuple)
        stack: list[tuple[Any, int]] = [(response, 1)]
        nodes = 0
        while stack:
            value, depth = stack.pop()
            if depth > MAX_RESPONSE_DEPTH:
                raise ResponseError(
                    "Runtime.MarshalError",
                    f"Unable to marshal response: nested deeper than {MAX_RESPONSE_DEPTH} levels",
                )
            nodes += 1
            if nodes > MAX_RESPONSE_BYTES:  # every value takes at least one byte of JSON
                raise ResponseError(
                    "Function.ResponseSizeTooLarge",
                    f"Response payload size exceeded maximum allowed payload size "
                    f"({MAX_RESPONSE_BYTES} bytes).",
                )
            children = value.values() if isinstance(value, dict) else value
            for child in children:
                if isinstance(child, containers):
                    stack.append((child, depth + 1))
    try:
        text = json.dumps(response)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ResponseError(
            "Runtime.MarshalError", f"Unable to marshal response: {describe(exc)}"
        ) from None
    if len(text) > MAX_RESPONSE_BYTES:  # ASCII only (ensure_ascii): characters are bytes
        raise ResponseError(
            "Function.ResponseSizeTooLarge",
            f"Response payload size ({len(text)} bytes) exceeded maximum allowed payload size "
            f"({MAX_RESPONSE_BYTES} bytes).",
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ResponseError(
            "Runtime.MarshalError", f"Unable to marshal response: {describe(exc)}"
        ) from None


def describe(exc: BaseException) -> str:
    """``str(exc)``, or a stand-in when the exception's ``__str__`` itself fails."""
    try:
        return str(exc)
    except Exception:
        return f"<unprintable {type(exc).__name__} object>"


def _interrupted(request_id: str, now: int, exc: BaseException) -> InvocationResult:
    """The failed result of an invocation a ``BaseException`` interrupted (re-raised later)."""
    name = type(exc).__name__
    return InvocationResult(
        request_id=request_id,
        start_ms=now,
        end_ms=now,
        error_type="Runtime.ExitError" if isinstance(exc, SystemExit) else name,
        error_message=f"the invocation was interrupted by {name}",
        escaped=exc,
    )


class LambdaContext:
    """The ``context`` argument of a handler, like the Python runtime's ``LambdaContext``.

    Attributes:
        function_name, function_version (``$LATEST``), invoked_function_arn,
        memory_limit_in_mb, aws_request_id, log_group_name, log_stream_name,
        identity, client_context (None for stream invocations).
    """

    __slots__ = (
        "_clock",
        "_deadline_ms",
        "aws_request_id",
        "client_context",
        "function_name",
        "function_version",
        "identity",
        "invoked_function_arn",
        "log_group_name",
        "log_stream_name",
        "memory_limit_in_mb",
    )

    def __init__(self, function: Function, request_id: str, deadline_ms: int) -> None:
        self.function_name = function.name
        self.function_version = EXECUTED_VERSION
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = function.log_group_name
        self.log_stream_name = function.log_stream_name
        self.identity = None
        self.client_context = None
        self._clock = function.clock
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out, on the handler's own clock
        (it falls as the handler spends virtual time with ``sim.spend()``)."""
        return max(0, self._deadline_ms - self._clock.handler_now_ms())

    def __repr__(self) -> str:
        return f"<LambdaContext {self.function_name} request={self.aws_request_id}>"


class InvocationResult(NamedTuple):
    """What one invocation did (a named tuple: one is made per invocation, see
    :class:`~streamsim._lambda._metrics.Invocation`).

    Attributes:
        request_id: the ``aws_request_id``.
        start_ms / end_ms: when it started and when its result is applied.
        response: the handler's return value after a JSON round trip (None on error).
        error_type / error_message: set when it failed ("Unhandled" function error).
        timed_out: True when it ran past the timeout.
        escaped: a ``BaseException`` that is not an ``Exception`` (``KeyboardInterrupt``,
            ``SystemExit``, ...) that interrupted the invocation; the caller applies the
            result (a failure), then re-raises it.
        stack_trace: the frames of the handler's exception, formatted as the Python runtime
            lists them in an error response's ``stackTrace``.
    """

    request_id: str
    start_ms: int
    end_ms: int
    response: Any = None
    error_type: str | None = None
    error_message: str | None = None
    timed_out: bool = False
    escaped: BaseException | None = None
    #: the handler's traceback as the Python runtime lists it (``stackTrace``), on its errors
    stack_trace: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the function returned normally."""
        return self.error_type is None


class Function:
    """A simulated Lambda function.

    Args:
        name: 1-64 characters of ``[a-zA-Z0-9_-]``.
        handler: ``handler(event, context)``.
        timeout: seconds (or timedelta) before an invocation is stopped, 1-900, default 3.
        duration: virtual time one invocation takes: seconds, a timedelta, or a callable of
            the event returning either (default 10 ms).
        memory_size: MB, 128-10240, default 128 (only reported).
        concurrency: the account's pool, which counts this function's instances (the
            caller adds the function to it).
        history_limit: invocation spans and throttle instants kept (None: all).

    Attributes:
        arn: ``arn:aws:lambda:<region>:<account>:function:<name>``.
        log_group_name: ``/aws/lambda/<name>``, the handler's ``context.log_group_name``.
        active: instances running now; peak_concurrency: the most ever at once.
        invocations, errors, throttles: counts over all event sources.
    """

    def __init__(
        self,
        *,
        name: str,
        handler: Callable[..., Any],
        clock: Clock,
        region: str,
        account_id: str,
        request_ids: Callable[[], str],
        timeout: Any = DEFAULT_TIMEOUT_S,
        duration: Duration | None = None,
        memory_size: int = DEFAULT_MEMORY_MB,
        concurrency: ConcurrencyPool[Function],
        history_limit: int | None = None,
    ) -> None:
        if not isinstance(name, str) or not FUNCTION_NAME_RE.fullmatch(name):
            raise InvalidParameterValueException(
                f"Function name must be 1-64 characters of letters, digits, '-' and '_', "
                f"got {name!r}"
            )
        if not callable(handler):
            raise TypeError(f"handler must be callable as handler(event, context), got {handler!r}")
        timeout_ms = to_ms(timeout, "timeout")
        if not 1000 <= timeout_ms <= MAX_TIMEOUT_S * 1000 or timeout_ms % 1000:
            raise InvalidParameterValueException(
                f"Timeout must be a whole number of seconds between 1 and {MAX_TIMEOUT_S}, "
                f"got {timeout!r}"
            )
        if (
            isinstance(memory_size, bool)
            or not isinstance(memory_size, int)
            or not MIN_MEMORY_MB <= memory_size <= MAX_MEMORY_MB
        ):
            raise InvalidParameterValueException(
                f"MemorySize must be an integer between {MIN_MEMORY_MB} and {MAX_MEMORY_MB} MB, "
                f"got {memory_size!r}"
            )
        self.name = name
        self.handler = handler
        self.clock = clock
        self.arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
        #: the CloudWatch Logs group of its invocations (``context.log_group_name``)
        self.log_group_name = f"/aws/lambda/{name}"
        self.timeout_ms = timeout_ms
        self.memory_mb = memory_size
        self.created_ms = clock.now_ms
        self._request_ids = request_ids
        self._fixed_duration_ms: int | None = DEFAULT_DURATION_MS
        self._duration_fn: Callable[[dict[str, Any]], Any] | None = None
        self.duration = duration
        self._concurrency = concurrency
        self.invocations = 0
        self.errors = 0
        self.throttles = 0
        #: ``(start, end)`` of each invocation, oldest first (at most ``history_limit``)
        self.spans: deque[tuple[int, int]] = deque(maxlen=history_limit)
        #: the instants attempts were throttled (at most ``history_limit``)
        self.throttle_times: deque[int] = deque(maxlen=history_limit)
        stamp = ms_to_datetime(self.created_ms).strftime("%Y/%m/%d")
        self.log_stream_name = f"{stamp}/[{EXECUTED_VERSION}]{request_ids().replace('-', '')}"

    # --- concurrency (kept by the pool) ---------------------------------------------------------

    @property
    def reserved_concurrency(self) -> int | None:
        """Cap on concurrent instances (None: the function shares the unreserved pool)."""
        return self._concurrency.reserved(self)

    @property
    def active(self) -> int:
        """Instances running now."""
        return self._concurrency.active(self)

    @property
    def peak_concurrency(self) -> int:
        """The most instances that ever ran at once."""
        return self._concurrency.peak(self)

    # --- configuration --------------------------------------------------------------------------

    @property
    def duration(self) -> Duration | None:
        """The configured duration (None: the default of 10 ms)."""
        return self._duration

    @duration.setter
    def duration(self, value: Duration | None) -> None:
        if value is None:
            self._fixed_duration_ms, self._duration_fn = DEFAULT_DURATION_MS, None
        elif callable(value) and not isinstance(value, timedelta):
            self._fixed_duration_ms, self._duration_fn = None, value
        else:
            self._fixed_duration_ms, self._duration_fn = to_ms(value, "duration"), None
        self._duration = value

    @property
    def timeout_seconds(self) -> int:
        """The timeout in whole seconds (the ``Timeout`` of GetFunction)."""
        return self.timeout_ms // 1000

    def duration_ms(self, event: dict[str, Any]) -> int:
        """Virtual milliseconds an invocation with ``event`` takes (before the timeout)."""
        fixed = self._fixed_duration_ms
        if fixed is not None:
            return fixed
        assert self._duration_fn is not None
        return to_ms(self._duration_fn(event), "duration(event)")

    # --- invoking -------------------------------------------------------------------------------

    def invoke(
        self, event: dict[str, Any], request_id: str | None = None, client_context: Any = None
    ) -> InvocationResult:
        """Run the handler now with ``event``; return what happened and when it ends.

        The run is logged in :attr:`spans` (see :meth:`_run` for the rules).  ``request_id``:
        the ``aws_request_id`` to use (an asynchronous event keeps one over its retries);
        None draws a new one.  ``client_context``: the handler's ``context.client_context``
        (Invoke's ``ClientContext``).
        """
        result = self._run(event, request_id, client_context)
        self.spans.append((result.start_ms, result.end_ms))
        return result

    def note_throttle(self) -> None:
        """Count an attempt refused for want of a free instance, and log its instant."""
        self.throttles += 1
        self.throttle_times.append(self.clock.now_ms)

    def _run(
        self, event: dict[str, Any], request_id: str | None = None, client_context: Any = None
    ) -> InvocationResult:
        """Run the handler now with ``event``; return what happened and when it ends.

        The caller owns concurrency (an instance must be held) and applies the result at
        ``end_ms``.  This never raises for anything the handler or the ``duration`` callable
        does (one rule, rule D.5):

        * an ``Exception`` from either (a :class:`~streamsim.SimulationError` from
          ``sim.advance()`` inside the handler included, and one whose ``str()`` fails) is a
          function error ("Unhandled");
        * a response that cannot be serialised (not JSON, nested deeper than
          :data:`MAX_RESPONSE_DEPTH`, over :data:`MAX_RESPONSE_BYTES`) is a function error,
          as the runtime reports it (``Runtime.MarshalError``,
          ``Function.ResponseSizeTooLarge``);
        * a ``BaseException`` that is not an ``Exception`` (``KeyboardInterrupt``,
          ``SystemExit``, ``GeneratorExit``, ...) ends the invocation as failed at once and
          is handed back in ``escaped``: the caller schedules the result, then re-raises it.
        """
        now = self.clock.now_ms
        if request_id is None:
            request_id = self._request_ids()
        self.invocations += 1
        duration = self._fixed_duration_ms  # duration_ms(event), inlined for the common case
        try:
            if duration is None:
                duration = self.duration_ms(event)
        except Exception as exc:  # the simulation's own model of the function failed
            self.errors += 1
            return InvocationResult(
                request_id=request_id,
                start_ms=now,
                end_ms=now,
                error_type=type(exc).__name__,
                error_message=f"the function's duration(event) failed: {describe(exc)}",
            )
        except BaseException as exc:
            self.errors += 1
            return _interrupted(request_id, now, exc)
        # the handler's own clock (rule D.5 timeouts): it spends time with sim.spend()
        frames = self.clock.frames
        start = frames[-1].now_ms if frames else now  # a nested call starts at its caller's now
        frame = HandlerTime(start, start + self.timeout_ms)
        context = LambdaContext(self, request_id, frame.deadline_ms)
        frames.append(frame)
        context.client_context = client_context
        try:
            response = self.handler(event, context)
        except HandlerTimedOut:  # stopped at its deadline: nothing after it happened
            response = None
        except Exception as exc:  # a function error, as the runtime reports it
            self.errors += 1
            timed_out, end = self._end(now, duration, frame)
            return InvocationResult(
                request_id=request_id,
                start_ms=now,
                end_ms=end,
                error_type=type(exc).__name__,
                error_message=describe(exc),
                timed_out=timed_out,
                stack_trace=tuple(
                    traceback.format_list(traceback.extract_tb(exc.__traceback__))[1:]
                ),
            )
        except BaseException as exc:
            self.errors += 1
            return _interrupted(request_id, now, exc)
        finally:
            frames.pop()
        spent = frame.spent_ms
        if spent or frame.timed_out or duration > self.timeout_ms:
            timed_out, end = self._end(now, duration, frame)
        else:
            timed_out, end = False, now + duration
        if timed_out:
            self.errors += 1
            stamp = ms_to_datetime(end).strftime("%Y-%m-%dT%H:%M:%S.") + f"{end % 1000:03d}Z"
            return InvocationResult(
                request_id=request_id,
                start_ms=now,
                end_ms=end,
                error_type="Sandbox.Timedout",
                error_message=(
                    f"{stamp} {request_id} Task timed out after "
                    f"{self.timeout_ms / 1000:.2f} seconds"
                ),
                timed_out=True,
            )
        if response is not None:
            try:
                response = serialise_response(response)
            except Exception as exc:  # ResponseError, or a value whose own methods fail
                self.errors += 1
                if not isinstance(exc, ResponseError):
                    exc = ResponseError(
                        "Runtime.MarshalError", f"Unable to marshal response: {describe(exc)}"
                    )
                return InvocationResult(
                    request_id=request_id,
                    start_ms=now,
                    end_ms=end,
                    error_type=exc.error_type,
                    error_message=str(exc),
                )
        # the success of every stream batch: built from its fields in order by tuple.__new__,
        # as the generated __new__ with keywords costs about 3x as much (callgrind: 5,500
        # instructions, 1,700 so)
        return tuple.__new__(
            InvocationResult, (request_id, now, end, response, None, None, False, None, ())
        )

    def _end(self, now: int, duration: int, frame: HandlerTime) -> tuple[bool, int]:
        """``(timed out, end instant)``: the invocation lasts its declared duration or the
        time its handler spent, whichever is longer, cut at the timeout."""
        length = max(duration, frame.spent_ms)
        if frame.timed_out or length > self.timeout_ms:
            return True, now + self.timeout_ms
        return False, now + length

    def __repr__(self) -> str:
        reserved = self.reserved_concurrency
        return (
            f"<Function {self.name} active={self.active} peak={self.peak_concurrency} "
            f"reserved={reserved}>"
        )
