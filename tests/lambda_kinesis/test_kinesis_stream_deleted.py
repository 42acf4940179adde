"""Deleting the Kinesis stream a mapping reads (rule L.12), one test per behaviour."""

from __future__ import annotations

from datetime import timedelta

from streamsim import KinesisSettings, Simulation
from tests.lambda_kinesis.support import kinesis, map_function, put, values
from tests.lambda_support import Recorder


def test_deleting_the_stream_stops_its_mappings_for_good() -> None:
    """After DeleteStream completes the mapping invokes nothing more (a record not yet polled is
    lost), keeps its State, and GetEventSourceMapping's LastProcessingResult says why."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder)
    put(sim, stream, "k", 1)
    sim.advance(seconds=2)
    assert values(recorder) == [1]
    put(sim, stream, "k", 2)  # not yet polled when the stream goes
    sim.client("kinesis").delete_stream(StreamName="clicks")
    sim.advance(minutes=5)
    assert values(recorder) == [1]
    assert not mapping.is_polling
    described = sim.client("lambda").get_event_source_mapping(UUID=mapping.uuid)
    assert described["State"] == "Enabled"
    assert described["LastProcessingResult"] == f"PROBLEM: Stream not found: {stream.arn}"
    sim._check()


def test_a_mapping_whose_stream_was_deleted_is_blocked_not_behind() -> None:
    """blocked names the deleted stream, and run_until_idle counts the mapping as idle."""
    sim, stream = kinesis()
    mapping = map_function(sim, stream, Recorder(sim))
    sim.client("kinesis").delete_stream(StreamName="clicks")
    blocked = sim.lambda_service.mapping(mapping.uuid).blocked
    assert blocked is not None
    assert blocked.kind == "source deleted"
    assert stream.arn in blocked.explanation
    report = sim.run_until_idle(timedelta(minutes=1))
    assert report.idle
    assert [uuid for uuid, _ in report.blocked] == [mapping.uuid]


def test_a_stream_still_deleting_is_read_until_it_is_gone() -> None:
    """While DeleteStream's status delay runs (DELETING) the mapping still reads the stream."""
    sim = Simulation(seed=4, kinesis_settings=KinesisSettings(status_delay=timedelta(seconds=30)))
    kinesis_client = sim.client("kinesis")
    kinesis_client.create_stream(StreamName="slow", ShardCount=1)
    sim.advance(seconds=31)
    stream = sim._model.kinesis.stream("slow")
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder)
    kinesis_client.delete_stream(StreamName="slow")
    put(sim, stream, "k", 7)
    sim.advance(seconds=5)
    assert values(recorder) == [7]
    assert mapping.is_polling
    sim.advance(seconds=30)
    assert not mapping.is_polling
    assert mapping.last_processing_result.startswith("PROBLEM: Stream not found")


def test_re_enabling_a_mapping_of_a_deleted_stream_does_not_poll() -> None:
    """Disabling and enabling again changes State but the mapping still polls nothing."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder)
    sim.client("kinesis").delete_stream(StreamName="clicks")
    lam = sim.client("lambda")
    lam.update_event_source_mapping(UUID=mapping.uuid, Enabled=False)
    sim.advance(seconds=5)
    lam.update_event_source_mapping(UUID=mapping.uuid, Enabled=True)
    sim.advance(seconds=5)
    assert lam.get_event_source_mapping(UUID=mapping.uuid)["State"] == "Enabled"
    assert not mapping.is_polling
    sim._check()


def test_deleting_the_mapping_of_a_deleted_stream_still_works() -> None:
    """A mapping left behind by its stream can be deleted as usual."""
    sim, stream = kinesis()
    mapping = map_function(sim, stream, Recorder(sim))
    sim.client("kinesis").delete_stream(StreamName="clicks")
    lam = sim.client("lambda")
    lam.delete_event_source_mapping(UUID=mapping.uuid)
    sim.advance(seconds=5)
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    sim._check()


def test_an_invocation_in_flight_when_the_stream_goes_is_not_checkpointed() -> None:
    """A batch still running when the stream is deleted ends, and nothing follows it."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder, function={"duration": 5})
    put(sim, stream, "k", 1)
    sim.advance(seconds=2)  # the invocation runs from about 1 s to 6 s
    put(sim, stream, "k", 2)
    sim.client("kinesis").delete_stream(StreamName="clicks")
    sim.advance(minutes=1)
    assert values(recorder) == [1]
    assert sim.lambda_service.function("fn").active == 0
    assert mapping.blocked is not None
    sim._check()
