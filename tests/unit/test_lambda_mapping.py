"""Event source mapping parameters (rule D.1, checklist G.11, G.16) and State (rule D.2)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from streamsim import InvalidParameterValueException, ResourceConflictException
from streamsim._errors import ResourceInUseException, ResourceNotFoundException
from streamsim._lambda._mapping import MappingConfig
from tests.lambda_support import Recorder, attach, put, streamed
from tests.shapes import assert_matches_error_shape, assert_matches_output_shape


def create(**params: Any) -> dict[str, Any]:
    """CreateEventSourceMapping on a fresh simulation with function ``fn``."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    params.setdefault("StartingPosition", "LATEST")
    return sim.client("lambda").create_event_source_mapping(  # type: ignore[no-any-return]
        FunctionName="fn", EventSourceArn=sim.streams[0].arn, **params
    )


def rejected(**params: Any) -> InvalidParameterValueException:
    """The InvalidParameterValueException a create with ``params`` raises."""
    with pytest.raises(InvalidParameterValueException) as info:
        create(**params)
    assert_matches_error_shape("lambda", "CreateEventSourceMapping", info.value)
    return info.value


def test_defaults_for_dynamodb() -> None:
    """BatchSize 100, window 0, factor 1, record age -1, retries -1, no bisect, no window."""
    r = create()
    assert r["BatchSize"] == 100
    assert r["MaximumBatchingWindowInSeconds"] == 0
    assert r["ParallelizationFactor"] == 1
    assert r["MaximumRecordAgeInSeconds"] == -1
    assert r["MaximumRetryAttempts"] == -1
    assert r["BisectBatchOnFunctionError"] is False
    assert r["TumblingWindowInSeconds"] == 0
    assert r["FunctionResponseTypes"] == []
    assert r["DestinationConfig"] == {"OnFailure": {}}


def test_batch_size_is_1_to_10000() -> None:
    """BatchSize 1 and 10000 are accepted; 0 and 10001 are rejected (G.11)."""
    assert create(BatchSize=1)["BatchSize"] == 1
    assert create(BatchSize=10_000)["BatchSize"] == 10_000
    rejected(BatchSize=0)
    rejected(BatchSize=10_001)


def test_batching_window_is_0_to_300_seconds() -> None:
    """MaximumBatchingWindowInSeconds 0-300 (G.11)."""
    assert create(MaximumBatchingWindowInSeconds=300)["MaximumBatchingWindowInSeconds"] == 300
    rejected(MaximumBatchingWindowInSeconds=301)
    rejected(MaximumBatchingWindowInSeconds=-1)


def test_starting_position_only_trim_horizon_or_latest() -> None:
    """StartingPosition is required and only TRIM_HORIZON / LATEST (G.16)."""
    assert create(StartingPosition="TRIM_HORIZON")["StartingPosition"] == "TRIM_HORIZON"
    assert "AT_TIMESTAMP" in rejected(StartingPosition="AT_TIMESTAMP").message
    rejected(StartingPosition="EARLIEST")
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    with pytest.raises(InvalidParameterValueException, match="StartingPosition is required"):
        sim.client("lambda").create_event_source_mapping(
            FunctionName="fn", EventSourceArn=sim.streams[0].arn
        )


def test_starting_position_timestamp_is_not_for_dynamodb() -> None:
    """StartingPositionTimestamp (and other non-DynamoDB parameters) are rejected."""
    rejected(StartingPositionTimestamp=0)
    rejected(Topics=["t"])
    rejected(ScalingConfig={"MaximumConcurrency": 2})


def test_parallelization_factor_is_1_to_10() -> None:
    """ParallelizationFactor 1-10 (G.11)."""
    assert create(ParallelizationFactor=10)["ParallelizationFactor"] == 10
    rejected(ParallelizationFactor=0)
    rejected(ParallelizationFactor=11)


def test_maximum_record_age_is_minus_1_or_60_to_604800() -> None:
    """MaximumRecordAgeInSeconds -1 or 60-604800; 0-59 are rejected although in range (G.11)."""
    assert create(MaximumRecordAgeInSeconds=-1)["MaximumRecordAgeInSeconds"] == -1
    assert create(MaximumRecordAgeInSeconds=60)["MaximumRecordAgeInSeconds"] == 60
    assert create(MaximumRecordAgeInSeconds=604_800)["MaximumRecordAgeInSeconds"] == 604_800
    for bad in (0, 59, -2, 604_801):
        rejected(MaximumRecordAgeInSeconds=bad)


def test_maximum_retry_attempts_is_minus_1_to_10000() -> None:
    """MaximumRetryAttempts -1-10000 (G.11)."""
    assert create(MaximumRetryAttempts=0)["MaximumRetryAttempts"] == 0
    assert create(MaximumRetryAttempts=10_000)["MaximumRetryAttempts"] == 10_000
    rejected(MaximumRetryAttempts=-2)
    rejected(MaximumRetryAttempts=10_001)


def test_tumbling_window_is_0_to_900() -> None:
    """TumblingWindowInSeconds 0-900 (G.11)."""
    assert create(TumblingWindowInSeconds=900)["TumblingWindowInSeconds"] == 900
    rejected(TumblingWindowInSeconds=901)


def test_function_response_types_only_report_batch_item_failures() -> None:
    """FunctionResponseTypes holds at most ReportBatchItemFailures."""
    r = create(FunctionResponseTypes=["ReportBatchItemFailures"])
    assert r["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    rejected(FunctionResponseTypes=["Other"])
    rejected(FunctionResponseTypes=["ReportBatchItemFailures", "ReportBatchItemFailures"])


def test_filter_criteria_at_most_5_filters() -> None:
    """FilterCriteria is validated at create time, with at most 5 filters."""
    pattern = {"Pattern": '{"eventName": ["INSERT"]}'}
    r = create(FilterCriteria={"Filters": [pattern] * 5})
    assert r["FilterCriteria"] == {"Filters": [pattern] * 5}
    rejected(FilterCriteria={"Filters": [pattern] * 6})
    rejected(FilterCriteria={"Filters": [{"Pattern": "not json"}]})


def test_destination_config_on_failure_only() -> None:
    """DestinationConfig takes OnFailure only; OnSuccess is rejected."""
    sim, _ = streamed()
    queue = sim.create_queue("dlq")
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    r = client.create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=sim.streams[0].arn,
        StartingPosition="LATEST",
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    assert r["DestinationConfig"] == {"OnFailure": {"Destination": queue.arn}}
    rejected(DestinationConfig={"OnSuccess": {"Destination": queue.arn}})


def test_destination_must_exist_and_not_be_fifo() -> None:
    """An unknown destination ARN or a FIFO queue is rejected."""
    rejected(DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:nope"}})
    sim, _ = streamed()
    fifo = sim.create_queue("dlq.fifo")
    sim.create_function("fn", lambda e, c: None)
    with pytest.raises(InvalidParameterValueException, match="FIFO"):
        sim.client("lambda").create_event_source_mapping(
            FunctionName="fn",
            EventSourceArn=sim.streams[0].arn,
            StartingPosition="LATEST",
            DestinationConfig={"OnFailure": {"Destination": fifo.arn}},
        )


def test_batch_size_over_10_needs_window_only_when_enforced() -> None:
    """BatchSize > 10 with window 0 is accepted unless the setting enforces the doc rule."""
    assert create(BatchSize=100)["BatchSize"] == 100
    sim, _ = streamed(require_batching_window_over_10=True)
    sim.create_function("fn", lambda e, c: None)
    with pytest.raises(InvalidParameterValueException):
        sim.client("lambda").create_event_source_mapping(
            FunctionName="fn",
            EventSourceArn=sim.streams[0].arn,
            StartingPosition="LATEST",
            BatchSize=11,
        )


def test_unknown_stream_and_function() -> None:
    """An unknown stream is InvalidParameterValueException, an unknown function not found."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    arn = sim.streams[0].arn
    with pytest.raises(InvalidParameterValueException, match="Stream not found"):
        client.create_event_source_mapping(
            FunctionName="fn", EventSourceArn=arn + "x", StartingPosition="LATEST"
        )
    with pytest.raises(ResourceNotFoundException) as info:
        client.create_event_source_mapping(
            FunctionName="nope", EventSourceArn=arn, StartingPosition="LATEST"
        )
    assert_matches_error_shape("lambda", "CreateEventSourceMapping", info.value)


def test_second_mapping_same_function_same_stream_conflicts() -> None:
    """A second mapping of one function to one stream raises ResourceConflictException."""
    sim, _ = streamed()
    first = attach(sim, lambda e, c: None)
    client = sim.client("lambda")
    with pytest.raises(ResourceConflictException) as info:
        client.create_event_source_mapping(
            FunctionName="fn", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
        )
    arn = sim.streams[0].arn
    assert info.value.message == (  # AWS's text, quotes and spaces included (rule D.1)
        f'The event source arn (" {arn} ") and function (" fn ") provided mapping already '
        f"exists. Please update or delete the existing mapping with UUID {first.uuid}"
    )
    assert_matches_error_shape("lambda", "CreateEventSourceMapping", info.value)
    assert client.exceptions.ResourceConflictException is ResourceConflictException


def test_function_by_arn_or_partial_arn() -> None:
    """FunctionName may be a name, an ARN or a partial ARN."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    arn = sim.streams[0].arn
    r = client.create_event_source_mapping(
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:fn",
        EventSourceArn=arn,
        StartingPosition="LATEST",
    )
    assert r["FunctionArn"].endswith(":function:fn")
    client.delete_event_source_mapping(UUID=r["UUID"])
    r = client.create_event_source_mapping(
        FunctionName="123456789012:function:fn", EventSourceArn=arn, StartingPosition="LATEST"
    )
    assert r["FunctionArn"].endswith(":function:fn")


def test_create_reports_creating_then_enabled() -> None:
    """Create returns State Creating; the mapping then becomes Enabled."""
    sim, _ = streamed()
    sim.create_function("fn", lambda e, c: None)
    client = sim.client("lambda")
    r = client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
    )
    assert r["State"] == "Creating"
    assert r["StateTransitionReason"] == "User action"
    assert r["LastProcessingResult"] == "No records processed"
    assert client.get_event_source_mapping(UUID=r["UUID"])["State"] == "Enabled"


def test_start_delay_keeps_creating_and_polls_later() -> None:
    """With start_delay_ms the mapping stays Creating and invokes nothing until it ends."""
    sim, table = streamed(start_delay=timedelta(minutes=1))
    rec = Recorder(sim)
    mapping = attach(sim, rec)
    put(table, "a")
    sim.advance(seconds=30)
    assert mapping.state == "Creating"
    assert rec.calls == []
    sim.advance(seconds=31)
    assert mapping.state == "Enabled"
    assert len(rec.calls) == 1


def test_latest_from_poll_start_misses_writes_while_creating() -> None:
    """With latest_from_poll_start, writes made while Creating are missed (AWS's warning)."""
    sim, table = streamed(start_delay=timedelta(seconds=1), latest_from_poll_start=True)
    rec = Recorder(sim)
    attach(sim, rec, StartingPosition="LATEST")
    put(table, "early")
    sim.advance(seconds=2)
    put(table, "late")
    sim.advance(seconds=1)
    assert rec.pks() == [["late"]]


def test_created_disabled_is_disabled() -> None:
    """Enabled=False at create: Creating, then Disabled; nothing is invoked."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, Enabled=False)
    put(table, "a")
    sim.advance(seconds=5)
    assert mapping.state == "Disabled"
    assert rec.calls == []


def test_update_states_and_in_use() -> None:
    """Update shows Updating / Disabling / Enabling; updating mid-transition is in use."""
    sim, _ = streamed(transition=timedelta(seconds=1))
    mapping = attach(sim, lambda e, c: None)
    client = sim.client("lambda")
    r = client.update_event_source_mapping(UUID=mapping.uuid, BatchSize=5)
    assert r["State"] == "Updating"
    assert r["BatchSize"] == 5
    assert_matches_output_shape("lambda", "UpdateEventSourceMapping", r)
    with pytest.raises(ResourceInUseException):
        client.update_event_source_mapping(UUID=mapping.uuid, BatchSize=6)
    sim.advance(seconds=2)
    assert client.get_event_source_mapping(UUID=mapping.uuid)["State"] == "Enabled"
    assert client.update_event_source_mapping(UUID=mapping.uuid, Enabled=False)["State"] == (
        "Disabling"
    )
    sim.advance(seconds=2)
    assert mapping.state == "Disabled"
    assert client.update_event_source_mapping(UUID=mapping.uuid, Enabled=True)["State"] == (
        "Enabling"
    )
    assert mapping.state == "Enabled"  # start_delay_ms is 0


def test_update_keeps_unmentioned_settings() -> None:
    """UpdateEventSourceMapping changes only the parameters it is given."""
    sim, _ = streamed()
    mapping = attach(sim, lambda e, c: None, BatchSize=7, MaximumRetryAttempts=3)
    r = sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, BatchSize=9)
    assert r["BatchSize"] == 9
    assert r["MaximumRetryAttempts"] == 3
    assert mapping.config.starting_position == "TRIM_HORIZON"


def test_update_validates_like_create() -> None:
    """Update applies the same ranges as create."""
    sim, _ = streamed()
    mapping = attach(sim, lambda e, c: None)
    with pytest.raises(InvalidParameterValueException):
        sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, BatchSize=20_000)
    assert mapping.config.batch_size == 100


def test_delete_stops_and_forgets() -> None:
    """Delete answers Deleting, stops invoking at once, and the mapping is then gone."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec)
    client = sim.client("lambda")
    r = client.delete_event_source_mapping(UUID=mapping.uuid)
    assert r["State"] == "Deleting"
    assert_matches_output_shape("lambda", "DeleteEventSourceMapping", r)
    put(table, "a")
    sim.advance(seconds=2)
    assert rec.calls == []
    with pytest.raises(ResourceNotFoundException):
        client.get_event_source_mapping(UUID=mapping.uuid)
    assert sim._model.streams[0].on_append == []
    assert sim._model.streams[0].on_new_shard == []


def test_mapping_config_model_validators() -> None:
    """MappingConfig itself carries the bounds (the model, not only the client)."""
    with pytest.raises(InvalidParameterValueException):
        MappingConfig(starting_position="LATEST", parallelization_factor=True)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterValueException):
        MappingConfig(starting_position="LATEST", bisect_batch_on_function_error=1)  # type: ignore[arg-type]
    config = MappingConfig(
        starting_position="LATEST", function_response_types=["ReportBatchItemFailures"]
    )
    assert config.report_batch_item_failures


def test_uuids_are_version_4_as_the_uuid_module_writes_them() -> None:
    """Mapping UUIDs and request ids: uuid.UUID(int=bits, version=4) text, from the seed."""
    sim, _ = streamed()
    service = sim._model.lambda_service
    state = service._rng.getstate()
    made = [service.new_uuid() for _ in range(200)]
    service._rng.setstate(state)
    expected = [str(uuid.UUID(int=service._rng.getrandbits(128), version=4)) for _ in range(200)]
    assert made == expected
    assert all(uuid.UUID(u).version == 4 for u in made)
