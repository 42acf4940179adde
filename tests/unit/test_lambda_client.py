"""``sim.client("lambda")``: responses shaped as botocore's lambda model, errors, paging.

Every test runs through ``sim.client("lambda")`` and through a real boto3 client of
``sim.boto3_session()`` (the ``face`` fixture; tests/sdk_support.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import InvalidParameterValueException, ResourceNotFoundException, ValidationException
from streamsim._faces._params import ParamValidationError
from tests.lambda_support import attach, streamed
from tests.sdk_support import FACES, client_for
from tests.shapes import assert_matches_error_shape, assert_matches_output_shape

_FACE = {"kind": "face"}


@pytest.fixture(autouse=True, params=FACES)
def face(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test of this module runs through ``sim.client`` and through real boto3."""
    monkeypatch.setitem(_FACE, "kind", request.param)
    return str(request.param)


def lambda_client(sim: Any) -> Any:
    """The Lambda client under test (see ``face``)."""
    return client_for(sim, "lambda", _FACE["kind"])


def test_every_mapping_operation_matches_botocore_shapes() -> None:
    """Create, update, get, list and delete responses validate against botocore's shapes."""
    sim, _ = streamed()
    queue = sim.create_queue("dlq")
    sim.create_function("fn", lambda e, c: None)
    client = lambda_client(sim)
    created = client.create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=sim.streams[0].arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        MaximumBatchingWindowInSeconds=1,
        ParallelizationFactor=2,
        MaximumRecordAgeInSeconds=3600,
        MaximumRetryAttempts=5,
        BisectBatchOnFunctionError=True,
        TumblingWindowInSeconds=60,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
        MetricsConfig={"Metrics": ["EventCount"]},
        Tags={"team": "a"},
    )
    assert_matches_output_shape("lambda", "CreateEventSourceMapping", created)
    uuid = created["UUID"]
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{uuid}")
    assert created["LastModified"].tzinfo is not None
    got = client.get_event_source_mapping(UUID=uuid)
    assert_matches_output_shape("lambda", "GetEventSourceMapping", got)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=20)
    assert_matches_output_shape("lambda", "UpdateEventSourceMapping", updated)
    listed = client.list_event_source_mappings()
    assert_matches_output_shape("lambda", "ListEventSourceMappings", listed)
    deleted = client.delete_event_source_mapping(UUID=uuid)
    assert_matches_output_shape("lambda", "DeleteEventSourceMapping", deleted)


def test_get_reflects_processing_result() -> None:
    """LastProcessingResult turns OK after a successful invocation."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None)
    table.put_item(Item={"pk": "a"})
    sim.advance(seconds=1)
    got = lambda_client(sim).get_event_source_mapping(UUID=mapping.uuid)
    assert got["LastProcessingResult"] == "OK"


def test_list_filters_and_pages(face: str) -> None:
    """ListEventSourceMappings filters by function and stream and pages with NextMarker."""
    sim, _ = streamed()
    client = lambda_client(sim)
    for i in range(5):
        sim.create_function(f"f{i}", lambda e, c: None)
        client.create_event_source_mapping(
            FunctionName=f"f{i}", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
        )
    page = client.list_event_source_mappings(MaxItems=2)
    assert len(page["EventSourceMappings"]) == 2
    assert "NextMarker" in page
    seen = [m["UUID"] for m in page["EventSourceMappings"]]
    while "NextMarker" in page:
        page = client.list_event_source_mappings(MaxItems=2, Marker=page["NextMarker"])
        seen += [m["UUID"] for m in page["EventSourceMappings"]]
    assert len(seen) == len(set(seen)) == 5
    only = client.list_event_source_mappings(FunctionName="f3")["EventSourceMappings"]
    assert [m["FunctionArn"].rsplit(":", 1)[1] for m in only] == ["f3"]
    by_stream = client.list_event_source_mappings(EventSourceArn=sim.streams[0].arn)
    assert len(by_stream["EventSourceMappings"]) == 5
    # botocore rejects MaxItems=0 client-side; the face raises the service's error (its doc)
    expected = ParamValidationError if face == "boto3" else InvalidParameterValueException
    with pytest.raises(expected):
        client.list_event_source_mappings(MaxItems=0)


def test_kms_key_hides_filter_criteria_in_lists() -> None:
    """With a KMSKeyArn, ListEventSourceMappings does not show FilterCriteria (rule D.1)."""
    sim, _ = streamed()
    attach(
        sim,
        lambda e, c: None,
        KMSKeyArn="arn:aws:kms:us-east-1:123456789012:key/k",
        FilterCriteria={"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
    )
    (listed,) = lambda_client(sim).list_event_source_mappings()["EventSourceMappings"]
    assert "FilterCriteria" not in listed
    assert listed["KMSKeyArn"].startswith("arn:aws:kms")


def test_function_concurrency_put_get_delete() -> None:
    """Put/Get/DeleteFunctionConcurrency round-trip and match botocore's shapes."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = lambda_client(sim)
    assert client.get_function_concurrency(FunctionName="fn").keys() == {"ResponseMetadata"}
    put = client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=3)
    assert put["ReservedConcurrentExecutions"] == 3
    assert_matches_output_shape("lambda", "PutFunctionConcurrency", put)
    got = client.get_function_concurrency(FunctionName="fn")
    assert_matches_output_shape("lambda", "GetFunctionConcurrency", got)
    assert got["ReservedConcurrentExecutions"] == 3
    deleted = client.delete_function_concurrency(FunctionName="fn")
    assert_matches_output_shape("lambda", "DeleteFunctionConcurrency", deleted)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert sim.lambda_service.functions["fn"].reserved_concurrency is None


def test_reservation_keeps_unreserved_minimum() -> None:
    """Reserving more than the account minus 100 unreserved is rejected."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = lambda_client(sim)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=900)
    with pytest.raises(InvalidParameterValueException, match=r"minimum value of \[100\]"):
        client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=901)


def test_get_function_matches_botocore_shape() -> None:
    """GetFunction returns Configuration, Code and Concurrency as botocore models them."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None, timeout=30, reserved_concurrency=2)
    got = lambda_client(sim).get_function(FunctionName="fn")
    assert_matches_output_shape("lambda", "GetFunction", got)
    assert got["Configuration"]["Timeout"] == 30
    assert got["Concurrency"] == {"ReservedConcurrentExecutions": 2}


def test_unknown_function_and_mapping_are_not_found() -> None:
    """Unknown names raise ResourceNotFoundException, HTTP 404 as Lambda models it."""
    sim, _ = streamed()
    client = lambda_client(sim)
    with pytest.raises(ResourceNotFoundException) as info:
        client.get_function(FunctionName="nope")
    assert_matches_error_shape("lambda", "GetFunction", info.value)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info2:
        client.get_event_source_mapping(UUID="00000000-0000-4000-8000-000000000000")
    assert_matches_error_shape("lambda", "GetEventSourceMapping", info2.value)
    assert info2.value.operation_name == "GetEventSourceMapping"


def test_botocore_client_side_checks() -> None:
    """Unknown or missing parameters and wrong types fail as botocore's validation does."""
    sim, _ = streamed()
    client = lambda_client(sim)
    with pytest.raises(ValidationException, match="Parameter validation failed"):
        client.get_event_source_mapping()
    with pytest.raises(ValidationException, match='Unknown parameter in input: "Bogus"'):
        client.get_event_source_mapping(UUID="x", Bogus=1)
    with pytest.raises(ValidationException, match="Invalid type for parameter BatchSize"):
        client.create_event_source_mapping(FunctionName="fn", BatchSize="10")
