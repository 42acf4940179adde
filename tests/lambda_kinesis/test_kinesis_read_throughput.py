"""Lambda's polls of a Kinesis shard share the shard's read throughput (rule L.7, K.14): 5
GetRecords calls and 2 MiB a second, with every other standard consumer of the shard."""

from __future__ import annotations

from typing import Any

from streamsim import KinesisSettings, Simulation
from streamsim._errors import ProvisionedThroughputExceededException
from tests.lambda_kinesis.support import kinesis, map_function, put, values
from tests.lambda_support import Recorder


def _iterator(sim: Simulation) -> str:
    response = sim.client("kinesis").get_shard_iterator(
        StreamName="clicks", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )
    return str(response["ShardIterator"])


def _reads_admitted(sim: Simulation, iterator: str, calls: int = 5) -> int:
    """How many of ``calls`` GetRecords at this instant the shard admits."""
    client = sim.client("kinesis")
    admitted = 0
    for _ in range(calls):
        try:
            client.get_records(ShardIterator=iterator, Limit=1)
        except ProvisionedThroughputExceededException:
            continue
        admitted += 1
    return admitted


def _polled_once(**settings: Any) -> tuple[Simulation, str]:
    """A mapping that polled the shard once (at 1 s) and read two records in one batch; the
    simulation and a user's iterator of the shard."""
    sim = Simulation(seed=5, kinesis_settings=KinesisSettings(**settings))
    sim.client("kinesis").create_stream(StreamName="clicks", ShardCount=1)
    stream = sim._model.kinesis.stream("clicks")
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, function={"duration": 0.1})
    iterator = _iterator(sim)
    sim.advance(milliseconds=500)
    put(sim, stream, "k", 1)
    put(sim, stream, "k", 2)
    sim.advance(milliseconds=500)  # the poll at 1 s reads both records
    assert values(recorder) == [1, 2]
    return sim, iterator


def test_a_poll_that_reads_uses_one_of_the_shards_five_reads_a_second() -> None:
    """Right after the poller read a batch, a user's GetRecords gets 4 calls that second."""
    sim, iterator = _polled_once()
    assert _reads_admitted(sim, iterator) == 4


def test_the_poller_is_charged_per_batch_read_not_per_record() -> None:
    """A poll reading 500 records is one GetRecords call: the user still gets 4 that second."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    map_function(sim, stream, recorder, BatchSize=500)
    iterator = _iterator(sim)
    sim.advance(milliseconds=1_500)
    for n in range(500):
        put(sim, stream, f"k{n}", n)
    sim.advance(milliseconds=500)  # the next poll tick reads all 500 at once
    assert len(recorder.calls) == 1
    assert _reads_admitted(sim, iterator) == 4


def test_a_users_reads_put_off_the_pollers_read() -> None:
    """When the user spent the shard's 5 reads of the second, the poller reads at a later
    poll: the records arrive one poll interval late, none is lost, and it is counted."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder)
    iterator = _iterator(sim)
    sim.advance(milliseconds=1)  # just past a poll tick
    put(sim, stream, "k", 1)
    sim.advance(milliseconds=998)
    ticks = sim.now_ms + 1
    assert _reads_admitted(sim, iterator) == 5
    sim.advance(milliseconds=1)  # the poll tick: no read left
    assert recorder.calls == []
    assert sim.lambda_service.mapping(mapping.uuid).metrics.read_throttles == 1
    sim.advance(seconds=1)
    assert values(recorder) == [1]
    assert recorder.calls[0][0] == ticks + 1_000
    sim._check()


def test_the_pollers_bytes_count_against_the_shards_2_mib_a_second() -> None:
    """A batch of 3.6 MB leaves the shard's byte budget in debt: a user's GetRecords is
    throttled until it has refilled (about 0.7 s), then admitted."""
    sim, stream = kinesis()
    recorder = Recorder(sim)
    mapping = map_function(sim, stream, recorder, Enabled=False)
    for n in range(4):  # within the shard's 1 MiB a second of writes
        put(sim, stream, f"k{n}", b"x" * 900_000)
        sim.advance(seconds=1)
    iterator = _iterator(sim)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=True)
    sim.advance(milliseconds=1)  # enabled: the poll at once reads all four
    assert len(recorder.calls) == 1
    assert _reads_admitted(sim, iterator, calls=1) == 0
    sim.advance(milliseconds=800)
    assert _reads_admitted(sim, iterator, calls=1) == 1


def test_mappings_on_one_shard_share_its_reads() -> None:
    """Two mappings polling one shard use two of its five reads in that second."""
    sim, stream = kinesis()
    first, second = Recorder(sim), Recorder(sim)
    map_function(sim, stream, first, name="a")
    map_function(sim, stream, second, name="b")
    iterator = _iterator(sim)
    sim.advance(milliseconds=500)
    put(sim, stream, "k", 1)
    sim.advance(milliseconds=500)
    assert values(first) == values(second) == [1]
    assert _reads_admitted(sim, iterator) == 3


def test_idle_polls_are_not_charged() -> None:
    """A poll with nothing to read costs nothing (streamsim does not run idle polls)."""
    sim, stream = kinesis()
    map_function(sim, stream, Recorder(sim))
    iterator = _iterator(sim)
    sim.advance(seconds=10)
    assert _reads_admitted(sim, iterator) == 5


def test_without_throughput_limits_the_poller_reads_free() -> None:
    """With KinesisSettings(throughput_limits=False) nothing is charged or throttled."""
    sim, iterator = _polled_once(throughput_limits=False)
    assert _reads_admitted(sim, iterator, calls=8) == 8


def test_a_read_of_more_than_10000_records_counts_as_several_calls() -> None:
    """With ParallelizationFactor 2 a poll hands every unread record to the slots at once: a
    read of 15,000 records is two GetRecords calls (10,000 records a call, rule K.9)."""
    sim, stream = kinesis()
    mapping = map_function(sim, stream, Recorder(sim), Enabled=False, ParallelizationFactor=2)
    for second in range(15):
        for n in range(1_000):
            put(sim, stream, f"k{n}", second)
        sim.advance(seconds=1)
    iterator = _iterator(sim)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=True)
    sim.advance(milliseconds=1)
    assert mapping.metrics.polled == 15_000
    assert _reads_admitted(sim, iterator) == 3
