"""Lambda Invoke (rule L.1-L.4): synchronous, asynchronous and dry-run invocations.

Responses are compared with what real botocore parses from the same call made through
``sim.boto3_session()`` (its own parser and output shape for Invoke).
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest

from streamsim import Simulation
from streamsim._errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestEntityTooLargeException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from streamsim._faces._params import ParamValidationError
from tests.lambda_support import Recorder, attach, streamed


def _sim(respond: Any = None, **options: Any) -> tuple[Simulation, Recorder, Any]:
    sim = Simulation(seed=7)
    recorder = Recorder(sim, respond)
    sim.create_function("f", recorder, **options)
    return sim, recorder, sim.client("lambda")


def test_request_response_runs_the_handler_now_and_returns_its_json() -> None:
    """RequestResponse runs the handler at the current instant: 200, its JSON, $LATEST."""
    sim, recorder, client = _sim(lambda event: {"echo": event})
    sim.advance(seconds=5)
    response = client.invoke(FunctionName="f", Payload=json.dumps({"a": 1}))
    assert recorder.calls == [(sim.now_ms, {"a": 1})]
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert "LogResult" not in response
    assert json.loads(response["Payload"].read()) == {"echo": {"a": 1}}
    assert response["ResponseMetadata"]["RequestId"] == recorder.contexts[0].aws_request_id


def test_empty_payload_is_an_empty_object_and_none_answers_null() -> None:
    """No Payload gives the handler ``{}``; a handler returning None answers ``null``."""
    _, recorder, client = _sim()
    response = client.invoke(FunctionName="f")
    assert recorder.events == [{}]
    assert response["Payload"].read() == b"null"


def test_payload_may_be_bytes_text_or_a_readable_object() -> None:
    """Payload takes bytes, text and file-like objects, as boto3 does."""
    sim, recorder, client = _sim()
    for payload in (b'{"k": 1}', '{"k": 1}', io.BytesIO(b'{"k": 1}')):
        client.invoke(FunctionName="f", Payload=payload)
        sim.advance(seconds=1)
    assert recorder.events == [{"k": 1}] * 3
    with pytest.raises(ParamValidationError, match="file-like object"):
        client.invoke(FunctionName="f", Payload=1)


def test_function_error_is_unhandled_with_the_runtime_error_body() -> None:
    """A handler that raises answers 200 with FunctionError Unhandled and the runtime's body."""

    def fail(event: Any) -> Any:
        raise ValueError("boom")

    _, recorder, client = _sim(fail)
    response = client.invoke(FunctionName="f")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    body = json.loads(response["Payload"].read())
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom"
    assert body["requestId"] == recorder.contexts[0].aws_request_id
    assert any("in fail" in frame for frame in body["stackTrace"])


def test_timeout_answers_sandbox_timedout() -> None:
    """An invocation past its timeout is a function error named Sandbox.Timedout."""
    _, _, client = _sim(timeout=1, duration=5)
    response = client.invoke(FunctionName="f")
    body = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]


def test_log_tail_is_base64_of_the_last_4_kb_of_the_log() -> None:
    """LogType Tail: LogResult is base64 of the log's last 4 KB (START, prints, END, REPORT)."""

    def chatty(event: Any) -> Any:
        print("x" * 6000)
        print("last line")
        return None

    _, recorder, client = _sim(chatty)
    response = client.invoke(FunctionName="f", LogType="Tail")
    log = base64.b64decode(response["LogResult"])
    assert len(log) == 4096
    rid = recorder.contexts[0].aws_request_id
    assert b"last line\nEND RequestId: " + rid.encode() in log
    assert log.rstrip().split(b"\n")[-1].startswith(b"REPORT RequestId: " + rid.encode())


def test_log_tail_names_the_error_of_a_failed_invocation() -> None:
    """The log of a failed invocation carries the runtime's [ERROR] line and traceback."""

    def fail(event: Any) -> Any:
        raise KeyError("k")

    _, _, client = _sim(fail)
    log = base64.b64decode(client.invoke(FunctionName="f", LogType="Tail")["LogResult"]).decode()
    assert "[ERROR] KeyError: 'k'\nTraceback (most recent call last):\n" in log


def test_dry_run_returns_204_without_running() -> None:
    """DryRun checks the request and answers 204; the handler does not run."""
    sim, recorder, client = _sim()
    response = client.invoke(FunctionName="f", InvocationType="DryRun", Payload=b"{}")
    sim.advance(minutes=1)
    assert response["StatusCode"] == 204
    assert response["Payload"].read() == b""
    assert recorder.calls == []
    with pytest.raises(InvalidRequestContentException):
        client.invoke(FunctionName="f", InvocationType="DryRun", Payload=b"not json")


def test_event_returns_202_and_runs_in_virtual_time() -> None:
    """Event answers 202 at once; the handler runs inside the next advance, same request id."""
    sim, recorder, client = _sim()
    start = sim.now_ms
    response = client.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"n": 1}')
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    assert recorder.calls == []
    sim.advance(milliseconds=0)
    assert recorder.calls == [(start, {"n": 1})]
    assert recorder.contexts[0].aws_request_id == response["ResponseMetadata"]["RequestId"]


def test_async_function_error_retries_after_one_then_two_minutes() -> None:
    """A failing async event runs 3 times: at 0, 1 minute after the first, 2 after the second."""

    def fail(event: Any) -> Any:
        raise RuntimeError("no")

    sim, recorder, client = _sim(fail)
    start = sim.now_ms
    client.invoke(FunctionName="f", InvocationType="Event")
    sim.advance(minutes=10)
    times = [t - start for t, _ in recorder.calls]
    assert times == [0, 10 + 60_000, 10 + 60_000 + 10 + 120_000]
    ids = {c.aws_request_id for c in recorder.contexts}
    assert len(ids) == 1  # retries keep the event's request id


def test_async_maximum_retry_attempts_limits_retries() -> None:
    """MaximumRetryAttempts 0 runs a failing async event once."""

    def fail(event: Any) -> Any:
        raise RuntimeError("no")

    sim, recorder, client = _sim(fail)
    client.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
    client.invoke(FunctionName="f", InvocationType="Event")
    sim.advance(minutes=10)
    assert len(recorder.calls) == 1


def test_async_events_older_than_maximum_event_age_are_dropped() -> None:
    """An event throttled past MaximumEventAgeInSeconds is dropped to OnFailure, never run."""
    sim, recorder, client = _sim()
    queue = sim.create_queue("dlq")
    client.put_function_event_invoke_config(
        FunctionName="f",
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"id": 9}')
    sim.advance(minutes=10)
    assert recorder.calls == []
    [message] = queue.messages
    assert message["requestContext"]["condition"] == "EventAgeExceeded"
    assert message["requestContext"]["approximateInvokeCount"] == 0
    assert message["requestPayload"] == {"id": 9}
    assert "responseContext" not in message


def test_async_destinations_receive_invocation_records() -> None:
    """OnSuccess gets the response; OnFailure gets RetriesExhausted with the error payload."""
    sim, _, client = _sim(lambda event: event.get("ok") or (_ for _ in ()).throw(ValueError("x")))
    ok, bad = sim.create_queue("ok"), sim.create_queue("bad")
    client.put_function_event_invoke_config(
        FunctionName="f",
        MaximumRetryAttempts=1,
        DestinationConfig={
            "OnSuccess": {"Destination": ok.arn},
            "OnFailure": {"Destination": bad.arn},
        },
    )
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"ok": 5}')
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"ok": 0}')
    sim.advance(minutes=5)
    [success] = ok.messages
    assert success["requestContext"]["condition"] == "Success"
    assert success["responsePayload"] == 5
    assert success["requestContext"]["functionArn"].endswith(":function:f:$LATEST")
    [failure] = bad.messages
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["responsePayload"]["errorType"] == "ValueError"


def test_async_throttles_back_off_from_one_second_without_using_retries() -> None:
    """A throttled async event waits 1 s, 2 s, 4 s ... and runs once an instance is free."""
    sim, recorder, client = _sim(duration=10, timeout=30)
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    start = sim.now_ms
    client.invoke(FunctionName="f")  # holds the one instance for 10 s
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"late": 1}')
    sim.advance(minutes=1)
    # attempts at 0, 1, 3, 7 s are throttled; at 15 s the instance is free
    assert recorder.calls[-1] == (start + 15_000, {"late": 1})
    assert sim.lambda_service.function("f").throttles == 4


def test_reserved_concurrency_throttles_synchronous_invokes() -> None:
    """A synchronous invoke beyond reserved concurrency is TooManyRequestsException (429)."""
    sim, _, client = _sim(duration=1)
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    client.invoke(FunctionName="f")
    with pytest.raises(TooManyRequestsException) as caught:
        client.invoke(FunctionName="f")
    response = caught.value.response
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert response["Type"] == "User"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert caught.value.operation_name == "Invoke"
    sim.advance(seconds=1)  # the first invocation is over: its instance is free again
    assert client.invoke(FunctionName="f")["StatusCode"] == 200


def test_synchronous_invokes_share_the_pool_with_the_poller() -> None:
    """An instance a synchronous invoke holds is one the poller cannot use (rule D.4)."""
    sim, table = streamed()
    recorder = Recorder(sim)
    attach(
        sim, recorder, name="g", function={"reserved_concurrency": 1, "duration": 30, "timeout": 60}
    )
    client = sim.client("lambda")
    client.invoke(FunctionName="g", Payload=b'{"direct": true}')
    table.put_item(Item={"pk": "a"})
    sim.advance(seconds=10)
    assert [e for e in recorder.events if "Records" in e] == []  # throttled meanwhile
    sim.advance(seconds=60)
    assert [len(e["Records"]) for e in recorder.events if "Records" in e] == [1]
    assert sim.lambda_service.function("g").throttles >= 1


def test_payload_over_6_mb_is_request_entity_too_large() -> None:
    """A synchronous request over 6 MB is refused with 413; an Event one over 1 MB too."""
    _, recorder, client = _sim()
    big = json.dumps(["x" * 1024] * 6200).encode()
    with pytest.raises(RequestEntityTooLargeException, match="6291456 bytes"):
        client.invoke(FunctionName="f", Payload=big)
    medium = json.dumps(["x" * 1024] * 1100).encode()
    with pytest.raises(RequestEntityTooLargeException, match=r"Event invocation type \(limit"):
        client.invoke(FunctionName="f", InvocationType="Event", Payload=medium)
    assert client.invoke(FunctionName="f", Payload=medium)["StatusCode"] == 200
    assert len(recorder.calls) == 1


def test_response_over_6_mb_is_a_function_error() -> None:
    """A response too large to return is Function.ResponseSizeTooLarge, Unhandled."""
    _, _, client = _sim(lambda event: "x" * (6 * 1024 * 1024 + 1))
    response = client.invoke(FunctionName="f")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Function.ResponseSizeTooLarge"


def test_non_json_payload_is_invalid_request_content() -> None:
    """A payload that is not JSON (or not UTF-8) is InvalidRequestContentException."""
    _, recorder, client = _sim()
    for payload in (b"abc", b"\xff\xfe", b'{"a": '):
        with pytest.raises(InvalidRequestContentException, match="Could not parse request body"):
            client.invoke(FunctionName="f", Payload=payload)
    assert recorder.calls == []


def test_invoke_rejects_unknown_functions_types_and_qualifiers() -> None:
    """Unknown functions and qualifiers are 404s; a bad InvocationType is a 400."""
    _, _, client = _sim()
    with pytest.raises(ResourceNotFoundException):
        client.invoke(FunctionName="nope")
    with pytest.raises(ResourceNotFoundException):
        client.invoke(FunctionName="f", Qualifier="prod")
    with pytest.raises(InvalidParameterValueException, match="invocationType"):
        client.invoke(FunctionName="f", InvocationType="Later")


def test_event_invoke_config_ranges_and_round_trip() -> None:
    """EventInvokeConfig: retries 0-2, age 60-21600; get, update and delete round-trip."""
    _, _, client = _sim()
    with pytest.raises(ResourceNotFoundException):
        client.get_function_event_invoke_config(FunctionName="f")
    with pytest.raises(InvalidParameterValueException, match="less than or equal to 2"):
        client.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=3)
    with pytest.raises(InvalidParameterValueException, match="less than or equal to 21600"):
        client.put_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=21601)
    put = client.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    assert put["MaximumEventAgeInSeconds"] == 21600
    updated = client.update_function_event_invoke_config(
        FunctionName="f", MaximumEventAgeInSeconds=120
    )
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 120)
    got = client.get_function_event_invoke_config(FunctionName="f")
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        k: v for k, v in updated.items() if k != "ResponseMetadata"
    }
    client.delete_function_event_invoke_config(FunctionName="f")
    with pytest.raises(ResourceNotFoundException):
        client.get_function_event_invoke_config(FunctionName="f")


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    out["Payload"] = out["Payload"].read()
    return out


@pytest.mark.parametrize(
    ("params", "fails"),
    [
        ({"Payload": b'{"a": [1, 2]}', "LogType": "Tail"}, False),
        ({"Payload": b"{}"}, True),
        ({"InvocationType": "Event", "Payload": b"{}"}, False),
        ({"InvocationType": "DryRun"}, False),
    ],
)
def test_invoke_responses_match_botocores_parse_of_the_wire(
    params: dict[str, Any], fails: bool
) -> None:
    """The face's Invoke response equals what botocore parses from the same call over HTTP."""

    def handler(event: Any, context: Any) -> Any:
        print("line")
        if fails:
            raise ValueError("bad")
        return {"got": event}

    responses = []
    for use_boto3 in (False, True):
        sim = Simulation(seed=3)
        sim.create_function("f", handler)
        client = sim.boto3_session().client("lambda") if use_boto3 else sim.client("lambda")
        response = client.invoke(FunctionName="f", **params)
        responses.append(response)
    face, wire = map(_without_metadata, responses)
    assert face == wire
    meta_face, meta_wire = (r["ResponseMetadata"] for r in responses)
    assert meta_face["HTTPStatusCode"] == meta_wire["HTTPStatusCode"]
    assert meta_face["RequestId"] == meta_wire["RequestId"]
    for header in ("x-amz-function-error", "x-amz-log-result", "x-amz-executed-version"):
        assert meta_face["HTTPHeaders"].get(header) == meta_wire["HTTPHeaders"].get(header)


def test_invoke_errors_match_botocores_parse_of_the_wire() -> None:
    """A throttled invoke parses through botocore with Reason and Type, status 429."""
    sim = Simulation(seed=3)
    sim.create_function("f", lambda e, c: None, reserved_concurrency=0)
    client = sim.boto3_session().client("lambda")
    with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
        client.invoke(FunctionName="f")
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_client_context_reaches_a_synchronous_handler() -> None:
    """ClientContext (base64 JSON) is the handler's context.client_context; garbage is refused."""
    _, recorder, client = _sim()
    text = base64.b64encode(
        json.dumps(
            {"client": {"app_title": "shop"}, "custom": {"k": 1}, "env": {"e": "x"}}
        ).encode()
    ).decode()
    client.invoke(FunctionName="f", ClientContext=text)
    context = recorder.contexts[0].client_context
    assert (context.client.app_title, context.custom, context.env) == ("shop", {"k": 1}, {"e": "x"})
    with pytest.raises(InvalidRequestContentException, match="Client context"):
        client.invoke(FunctionName="f", ClientContext="not base64!")
    assert len(recorder.calls) == 1
