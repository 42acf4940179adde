"""Teaching settings: per-shard sequence numbers, honestly labelled."""

from __future__ import annotations

import pytest

from streamsim import Simulation, StreamSettings


def _run(scope: str) -> Simulation:
    sim = Simulation(seed=8, stream_settings=StreamSettings(sequence_numbers=scope))
    table = sim.create_table("seq", hash_key="pk", partitions=2, stream_view_type="KEYS_ONLY")
    for step in range(40):
        table.put_item(Item={"pk": f"k{step % 6}", "n": step})
        sim.advance(hours=1)
        if step == 9:
            table.split_partition(1)
        sim._check()
    return sim


def test_per_shard_numbers_increase_within_each_shard_only() -> None:
    """With sequence_numbers='per_shard', numbers rise within a shard but not across shards."""
    sim = _run("per_shard")
    (stream,) = sim.streams
    for shard in stream.all_shards:
        numbers = [r.sequence_number for r in shard.records]
        assert numbers == sorted(numbers)
        assert all(shard.starting_sequence_number < n for n in numbers)
        assert all(len(str(n)) == 21 for n in numbers)
    starts = [s.starting_sequence_number for s in stream.lineage_order()]
    assert starts != sorted(starts)  # some child numbers below an earlier shard
    ids = [r.event_id for s in stream.all_shards for r in s.records]
    assert len(ids) == len(set(ids))


def test_stream_wide_numbers_are_the_default() -> None:
    """By default numbers rise across the whole stream: a child numbers above its parent."""
    sim = _run("stream")
    (stream,) = sim.streams
    for shard in stream.all_shards:
        parent = shard.parent
        if parent is not None and parent.ending_sequence_number is not None:
            assert shard.starting_sequence_number > parent.ending_sequence_number


def test_per_shard_numbers_read_back_through_the_streams_api() -> None:
    """GetShardIterator AT/AFTER_SEQUENCE_NUMBER work on per-shard numbers."""
    sim = _run("per_shard")
    (stream,) = sim.streams
    client = sim.client("dynamodbstreams")
    shard = next(s for s in stream.shards if len(s.records) >= 2)
    first = shard.records[0]
    iterator = client.get_shard_iterator(
        StreamArn=stream.arn,
        ShardId=shard.shard_id,
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        SequenceNumber=str(first.sequence_number),
    )["ShardIterator"]
    records = client.get_records(ShardIterator=iterator)["Records"]
    assert records[0]["dynamodb"]["SequenceNumber"] == str(shard.records[1].sequence_number)


def test_unknown_sequence_number_scopes_are_refused() -> None:
    """sequence_numbers takes 'stream' or 'per_shard' only."""
    with pytest.raises(ValueError, match="sequence_numbers"):
        StreamSettings(sequence_numbers="global")
