"""The adapter from AWS's HTTP protocols to the faces: what a raw request gets back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from streamsim import Simulation
from streamsim._sdk._adapter import Adapter, WireResponse


@pytest.fixture
def adapter() -> Adapter:
    sim = Simulation(seed=1)
    sim.create_table("orders", hash_key="pk")
    return sim._sdk_adapter()


def dynamodb(adapter: Adapter, operation: str, body: bytes) -> WireResponse:
    headers = {"x-amz-target": f"DynamoDB_20120810.{operation}"}
    return adapter.handle("POST", "/", "", headers, body)


def error_of(response: WireResponse) -> tuple[int, str, str]:
    payload: dict[str, Any] = json.loads(response.body)
    code = payload.get("__type", response.headers.get("x-amzn-ErrorType", "")).rsplit("#", 1)[-1]
    return response.status, code, payload.get("message") or payload.get("Message", "")


def test_malformed_json_is_a_serialization_exception(adapter: Adapter) -> None:
    """A body that is not JSON answers 400 SerializationException."""
    status, code, _ = error_of(dynamodb(adapter, "PutItem", b"{not json"))
    assert (status, code) == (400, "SerializationException")


def test_body_that_is_not_an_object_is_a_serialization_exception(adapter: Adapter) -> None:
    """A JSON body that is not an object answers SerializationException."""
    assert error_of(dynamodb(adapter, "ListTables", b"[1, 2]"))[1] == "SerializationException"


def test_blob_that_is_not_base64_is_a_serialization_exception(adapter: Adapter) -> None:
    """A B value that is not base64 text answers SerializationException naming the member."""
    body = json.dumps({"TableName": "orders", "Item": {"pk": {"S": "a"}, "b": {"B": "*"}}})
    status, code, message = error_of(dynamodb(adapter, "PutItem", body.encode()))
    assert (status, code) == (400, "SerializationException")
    assert "Item.b.B" in message


def test_unknown_target_is_unknown_operation_exception(adapter: Adapter) -> None:
    """An X-Amz-Target no simulated service has answers UnknownOperationException."""
    response = adapter.handle(
        "POST", "/", "", {"x-amz-target": "Firehose_20150804.PutRecord"}, b"{}"
    )
    assert error_of(response)[:2] == (400, "UnknownOperationException")
    assert error_of(dynamodb(adapter, "NoSuchOperation", b"{}"))[1] == "UnknownOperationException"


def test_unsimulated_operation_names_streamsim(adapter: Adapter) -> None:
    """A real DynamoDB operation streamsim does not simulate says so."""
    status, code, message = error_of(dynamodb(adapter, "CreateBackup", b"{}"))
    assert (status, code) == (400, "UnknownOperationException")
    assert "streamsim does not simulate" in message
    assert "CreateBackup" in message


def test_unknown_lambda_route_is_a_404(adapter: Adapter) -> None:
    """A REST path no Lambda operation has answers 404 UnknownOperationException."""
    response = adapter.handle("GET", "/2015-03-31/nowhere", "", {}, b"")
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert response.status == 404


def test_lambda_routes_decode_path_and_query() -> None:
    """Path labels are percent-decoded and query members typed by the model."""
    sim = Simulation(seed=1)
    sim.create_function("fn", lambda event, context: None)
    adapter = sim._sdk_adapter()
    arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn"
    response = adapter.handle("GET", f"/2015-03-31/functions/{arn}", "", {}, b"")
    assert json.loads(response.body)["Configuration"]["FunctionName"] == "fn"
    listed = adapter.handle(
        "GET", "/2015-03-31/event-source-mappings/", "MaxItems=5&FunctionName=fn", {}, b""
    )
    assert (listed.status, json.loads(listed.body)) == (200, {"EventSourceMappings": []})
    bad = adapter.handle("GET", "/2015-03-31/event-source-mappings", "MaxItems=x", {}, b"")
    assert error_of(bad)[:2] == (400, "SerializationException")


def test_service_errors_keep_code_message_and_status(adapter: Adapter) -> None:
    """A face's AWS-named error becomes the same code, message and status on the wire."""
    status, code, message = error_of(dynamodb(adapter, "DescribeTable", b'{"TableName": "nope"}'))
    assert (status, code) == (400, "ResourceNotFoundException")
    assert "nope" in message


def test_a_bug_is_an_internal_server_error(
    adapter: Adapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception inside a face answers 500 InternalServerError, never escapes."""
    sim = Simulation(seed=2)
    client = sim.client("dynamodb", parameter_validation=False)  # the service side (rule H.37)

    def broken(**_: Any) -> Any:
        raise KeyError("bug")

    monkeypatch.setattr(client, "list_tables", broken)
    status, code, message = error_of(dynamodb(sim._sdk_adapter(), "ListTables", b"{}"))
    assert (status, code) == (500, "InternalServerError")
    assert "KeyError" in message


def test_nothing_in_a_request_is_evaluated(adapter: Adapter) -> None:
    """Strings that look like code are data: stored and returned as written."""
    text = "__import__('os').system('false')"
    body = json.dumps({"TableName": "orders", "Item": {"pk": {"S": text}}}).encode()
    assert dynamodb(adapter, "PutItem", body).status == 200
    got = dynamodb(
        adapter, "GetItem", json.dumps({"TableName": "orders", "Key": {"pk": {"S": text}}}).encode()
    )
    assert json.loads(got.body)["Item"]["pk"]["S"] == text


def test_deeply_nested_json_is_a_serialization_exception(adapter: Adapter) -> None:
    """JSON nested deeper than the parser can follow answers SerializationException."""
    body = b'{"Item": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert error_of(dynamodb(adapter, "PutItem", body))[:2] == (400, "SerializationException")


def test_nesting_deeper_than_dynamodb_allows_is_a_validation_exception(adapter: Adapter) -> None:
    """A map nested past DynamoDB's 32 levels is the face's ValidationException, not a crash."""
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(200):
        value = {"M": {"m": value}}
    body = json.dumps({"TableName": "orders", "Item": {"pk": {"S": "a"}, "deep": value}})
    status, code, _ = error_of(dynamodb(adapter, "PutItem", body.encode()))
    assert (status, code) == (400, "ValidationException")
