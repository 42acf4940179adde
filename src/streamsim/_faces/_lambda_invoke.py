"""Invoke and the EventInvokeConfig operations of ``sim.client("lambda")``.

:func:`invoke` turns Invoke's parameters into a call of the model's
:class:`~streamsim._lambda._invocations.Invoker` and its result into boto3's response:
``StatusCode`` (200, 202 or 204), ``FunctionError`` ("Unhandled"), ``LogResult`` (base64 of
the log's last 4 KB, with ``LogType="Tail"``), ``ExecutedVersion`` and ``Payload``, a
:class:`StreamingBody` as botocore hands out.

The log of a synchronous invocation is what Lambda writes to CloudWatch for it: ``START``,
what the handler printed (its ``stdout`` and ``stderr``, captured while it runs), the
runtime's error line when it failed, ``END`` and ``REPORT`` with the virtual duration.

AWS behaviour: rule L.1-L.4.
"""

from __future__ import annotations

import contextlib
import io
import json
from base64 import b64decode, b64encode
from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from streamsim._clock import ms_to_datetime
from streamsim._errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestEntityTooLargeException,
    ResourceNotFoundException,
)
from streamsim._lambda._functions import EXECUTED_VERSION
from streamsim._lambda._invocations import EventInvokeConfig, error_payload

if TYPE_CHECKING:
    from streamsim._lambda._functions import Function, InvocationResult
    from streamsim._lambda._service import LambdaService

#: rule L.3: the largest request of a synchronous and of an asynchronous invocation
MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024
MAX_ASYNC_REQUEST_BYTES = 1024 * 1024
#: rule L.1: LogResult holds the last 4 KB of the invocation's log
LOG_TAIL_BYTES = 4 * 1024
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
LOG_TYPES = ("None", "Tail")


class StreamingBody:
    """The ``Payload`` of an Invoke response, read as botocore's ``StreamingBody`` is.

    >>> body = StreamingBody(b'{"ok": true}')
    >>> body.read(5), body.read()
    (b'{"ok"', b': true}')
    """

    def __init__(self, data: bytes) -> None:
        self._raw = io.BytesIO(data)
        self._length = len(data)

    def read(self, amt: int | None = None) -> bytes:
        """Up to ``amt`` bytes (all that is left when None)."""
        return self._raw.read(amt)

    def readlines(self) -> list[bytes]:
        """The remaining lines."""
        return self._raw.readlines()

    def iter_chunks(self, chunk_size: int = 1024) -> Iterator[bytes]:
        """The remaining bytes in chunks of ``chunk_size``."""
        while chunk := self._raw.read(chunk_size):
            yield chunk

    def iter_lines(self, chunk_size: int = 1024, keepends: bool = False) -> Iterator[bytes]:
        """The remaining lines."""
        yield from self._raw.read().splitlines(keepends)

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_chunks()

    def close(self) -> None:
        """Close the body (reads fail afterwards)."""
        self._raw.close()

    def __enter__(self) -> StreamingBody:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<StreamingBody {self._length} bytes>"


def _payload_bytes(payload: Any) -> bytes:
    """The request's ``Payload`` as bytes: bytes, bytearray, text or a readable object."""
    if payload is None:
        return b""
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8")
    read = getattr(payload, "read", None)
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise InvalidParameterValueException(
        f"Payload must be bytes, a str or a file-like object, got {type(payload).__name__}"
    )


def _event_of(data: bytes) -> Any:
    """The event a payload carries; an empty payload is ``{}`` (rule L.3).

    Raises:
        InvalidRequestContentException: not UTF-8 JSON.
    """
    if not data.strip():
        return {}
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {exc}"
        ) from None


def _check_size(data: bytes, invocation_type: str) -> None:
    """Refuse a payload over the invocation type's limit (rule L.3)."""
    if invocation_type == "Event":
        if len(data) > MAX_ASYNC_REQUEST_BYTES:
            raise RequestEntityTooLargeException(
                f"{len(data)} byte payload is too large for the Event invocation type "
                f"(limit {MAX_ASYNC_REQUEST_BYTES} bytes)"
            )
    elif len(data) > MAX_SYNC_REQUEST_BYTES:
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {MAX_SYNC_REQUEST_BYTES} bytes for the "
            "InvokeFunction operation"
        )


def client_context_of(text: Any) -> Any:
    """``ClientContext`` (base64 of a JSON object) as the Python runtime hands it to a handler:
    an object with ``client`` (its fields as attributes), ``custom`` and ``env``; None if absent.

    >>> client_context_of("eyJjdXN0b20iOiB7ImsiOiAxfX0=").custom
    {'k': 1}

    Raises:
        InvalidRequestContentException: not base64 of a JSON object (rule L.1).
    """
    if text is None:
        return None
    try:
        value = json.loads(b64decode(text, validate=True))
    except (ValueError, TypeError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise InvalidRequestContentException(
            "Client context must be a valid Base64-encoded JSON object."
        )
    client = value.get("client")
    return SimpleNamespace(
        client=SimpleNamespace(**client) if isinstance(client, dict) else None,
        custom=value.get("custom"),
        env=value.get("env"),
    )


def _latest_only(function: Function, qualifier: Any) -> None:
    if qualifier not in (None, EXECUTED_VERSION):
        raise ResourceNotFoundException(
            f"Function not found: {function.arn}:{qualifier} (streamsim functions have no "
            "versions or aliases, only $LATEST)"
        )


def _log(result: InvocationResult, printed: str, memory_mb: int) -> str:
    """The CloudWatch log of one invocation, as the Python runtime and Lambda write it."""
    rid = result.request_id
    lines = [f"START RequestId: {rid} Version: {EXECUTED_VERSION}\n"]
    if printed:
        lines.append(printed if printed.endswith("\n") else printed + "\n")
    if not result.ok:
        if result.timed_out:
            lines.append(f"{result.error_message}\n")
        else:
            lines.append(
                f"[ERROR] {result.error_type}: {result.error_message}\n"
                + "Traceback (most recent call last):\n"
                + "".join(result.stack_trace)
            )
    duration = result.end_ms - result.start_ms
    lines.append(f"END RequestId: {rid}\n")
    lines.append(
        f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
        f"{max(duration, 1)} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: "
        f"{min(memory_mb, 40)} MB\t\n"
    )
    return "".join(lines)


def log_tail(log: str) -> str:
    """``LogResult``: base64 of the log's last 4 KB (rule L.1).

    >>> import base64
    >>> base64.b64decode(log_tail("x" * 5000)) == b"x" * 4096
    True
    """
    return b64encode(log.encode("utf-8")[-LOG_TAIL_BYTES:]).decode("ascii")


def invoke(service: LambdaService, params: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Invoke: the response's members and the invocation's request id (None for DryRun).

    Raises:
        InvalidParameterValueException: a bad InvocationType, LogType or Payload type.
        RequestEntityTooLargeException, InvalidRequestContentException: the payload (rule L.3).
        ResourceNotFoundException: no such function or qualifier.
        TooManyRequestsException: a synchronous call without a free instance (rule L.2).
    """
    invocation_type = params.get("InvocationType", "RequestResponse")
    if invocation_type not in INVOCATION_TYPES:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{invocation_type}' at 'invocationType' failed "
            f"to satisfy constraint: Member must satisfy enum value set: {list(INVOCATION_TYPES)}"
        )
    log_type = params.get("LogType", "None")
    if log_type not in LOG_TYPES:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{log_type}' at 'logType' failed to satisfy "
            f"constraint: Member must satisfy enum value set: {list(LOG_TYPES)}"
        )
    function = service.function(params["FunctionName"])
    _latest_only(function, params.get("Qualifier"))
    data = _payload_bytes(params.get("Payload"))
    _check_size(data, invocation_type)
    event = _event_of(data)
    client_context = client_context_of(params.get("ClientContext"))
    if invocation_type == "DryRun":
        return {"StatusCode": 204, "Payload": StreamingBody(b"")}, None
    if invocation_type == "Event":
        queued = service.invoke_async(function, event)
        return {"StatusCode": 202, "Payload": StreamingBody(b"")}, queued.request_id
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        result = service.invoke_sync(function, event, client_context)
    out: dict[str, Any] = {"StatusCode": 200}
    if result.ok:
        body = json.dumps(result.response).encode("utf-8")
    else:
        out["FunctionError"] = "Unhandled"
        body = json.dumps(error_payload(result)).encode("utf-8")
    if log_type == "Tail":
        out["LogResult"] = log_tail(_log(result, printed.getvalue(), function.memory_mb))
    out["ExecutedVersion"] = EXECUTED_VERSION
    out["Payload"] = StreamingBody(body)
    return out, result.request_id


def put_event_invoke_config(
    service: LambdaService, params: Mapping[str, Any], *, replace: bool
) -> dict[str, Any]:
    """Put (``replace``) or update a function's EventInvokeConfig; its description (rule L.4)."""
    function = service.function(params["FunctionName"])
    _latest_only(function, params.get("Qualifier"))
    base = service.invoker.config(function)
    if base is None or replace:
        base = EventInvokeConfig()
    on_success, on_failure = base.on_success, base.on_failure
    if "DestinationConfig" in params:
        config = params["DestinationConfig"] or {}
        on_success = _destination_arn(service, config, "OnSuccess")
        on_failure = _destination_arn(service, config, "OnFailure")
    cfg = EventInvokeConfig(
        maximum_retry_attempts=params.get("MaximumRetryAttempts", base.maximum_retry_attempts),
        maximum_event_age_s=params.get("MaximumEventAgeInSeconds", base.maximum_event_age_s),
        on_success=on_success,
        on_failure=on_failure,
        last_modified_ms=service.clock.now_ms,
    )
    service.invoker.configs[function] = cfg
    return event_invoke_config_dict(function, cfg)


def _destination_arn(service: LambdaService, config: Mapping[str, Any], which: str) -> str | None:
    member = config.get(which) or {}
    arn = member.get("Destination") if isinstance(member, Mapping) else None
    if arn in (None, ""):
        return None
    if service.destination(arn) is None:
        raise InvalidParameterValueException(
            f"The destination ARN {arn} is invalid: no queue, topic or bucket with this ARN "
            "exists in the simulation"
        )
    return str(arn)


def event_invoke_config(service: LambdaService, params: Mapping[str, Any]) -> dict[str, Any]:
    """GetFunctionEventInvokeConfig (rule L.4).

    Raises:
        ResourceNotFoundException: no such function, or it has no EventInvokeConfig.
    """
    function = service.function(params["FunctionName"])
    _latest_only(function, params.get("Qualifier"))
    cfg = service.invoker.config(function)
    if cfg is None:
        raise ResourceNotFoundException(
            f"The function {function.arn} doesn't have an EventInvokeConfig"
        )
    return event_invoke_config_dict(function, cfg)


def delete_event_invoke_config(service: LambdaService, params: Mapping[str, Any]) -> None:
    """DeleteFunctionEventInvokeConfig: the defaults apply again (rule L.4)."""
    event_invoke_config(service, params)  # the same refusals
    del service.invoker.configs[service.function(params["FunctionName"])]


def event_invoke_config_dict(function: Function, cfg: EventInvokeConfig) -> dict[str, Any]:
    """``FunctionEventInvokeConfig`` as botocore's output shape has it."""
    return {
        "LastModified": ms_to_datetime(cfg.last_modified_ms),
        "FunctionArn": f"{function.arn}:{EXECUTED_VERSION}",
        "MaximumRetryAttempts": cfg.maximum_retry_attempts,
        "MaximumEventAgeInSeconds": cfg.maximum_event_age_s,
        "DestinationConfig": {
            "OnSuccess": {"Destination": cfg.on_success} if cfg.on_success else {},
            "OnFailure": {"Destination": cfg.on_failure} if cfg.on_failure else {},
        },
    }
