"""The Kinesis model's read API, the one an event source adapter (the Lambda poller) uses.

Shards are read by position (``first_position``, ``end_position``, ``read``, ``record_at``);
a stream offers ``lineage_order``, ``open_shards``, ``descendants``, each shard its ``parents``;
``on_append`` and ``on_new_shard`` callbacks follow writes and reshards.
"""

from __future__ import annotations

import gc

from streamsim._kinesis._hashing import hash_key
from streamsim._kinesis._shard import ARRIVAL, DATA, KEY, SEQ, KinesisShard, record_hash_key

from .support import stream


def test_shards_are_read_by_position_and_trimming_keeps_positions() -> None:
    """Positions count records since the shard opened; trimming moves first_position only."""
    sim, client = stream(1)
    model = sim._model.kinesis.stream("s")
    for i in range(3):
        client.put_record(StreamName="s", Data=b"%d" % i, PartitionKey="k")
        sim.advance(hours=1)
    (shard,) = model.open_shards()
    assert (shard.first_position, shard.end_position) == (0, 3)
    assert [r[DATA] for r in shard.read(1)] == [b"1", b"2"]
    assert [r[DATA] for r in shard.read(0, 2)] == [b"0", b"1"]
    record = shard.record_at(2)
    assert record is not None
    assert record[KEY] == "k"
    assert record[ARRIVAL] == sim.now_ms - 3_600_000
    assert shard.contains(record_hash_key(record))
    assert shard.record_at(3) is None
    sim.advance(hours=21, milliseconds=1)  # the first record is 24 h and 1 ms old
    assert (shard.first_position, shard.end_position) == (1, 3)
    assert shard.read(1)[0][DATA] == b"1"
    assert shard.read(1)[0][SEQ] < record[SEQ]
    assert shard.position_at_time(sim.now_ms) == 3


def test_records_are_compact_untracked_tuples_sharing_their_partition_keys() -> None:
    """A stored record is a tuple of atomic values the GC untracks; its hash key is stored
    only when an ExplicitHashKey chose it, and a key's records share one partition key."""
    sim, client = stream(1)
    model = sim._model.kinesis.stream("s")
    key = "".join(["sen", "sor"])  # a string of its own, not the literal's
    client.put_records(
        StreamName="s",
        Records=[
            {"Data": b"a", "PartitionKey": "".join(["sen", "sor"])},
            {"Data": b"b", "PartitionKey": key},
            {"Data": b"c", "PartitionKey": key, "ExplicitHashKey": "7"},
        ],
    )
    (shard,) = model.open_shards()
    first, second, explicit = shard.read(0)
    assert len(first) == len(second) == 4
    assert len(explicit) == 5
    assert first[KEY] is second[KEY] is explicit[KEY]
    assert first[ARRIVAL] is second[ARRIVAL]  # the clock's int, shared within one call
    assert record_hash_key(first) == hash_key("sensor")
    assert record_hash_key(explicit) == 7
    gc.collect()
    assert not any(gc.is_tracked(r) for r in (first, second, explicit))


def test_subscribers_hear_appends_and_new_shards_in_lineage_order() -> None:
    """on_append gets the shard of each write; on_new_shard every shard a reshard created."""
    sim, client = stream(2)
    model = sim._model.kinesis.stream("s")
    appended: list[str] = []
    opened: list[str] = []

    def on_append(shard: KinesisShard) -> None:
        appended.append(shard.shard_id)

    def on_new(shard: KinesisShard) -> None:
        opened.append(shard.shard_id)

    model.subscribe(on_append, on_new)
    client.put_record(StreamName="s", Data=b"", PartitionKey="a")
    client.update_shard_count(StreamName="s", TargetShardCount=3, ScalingType="UNIFORM_SCALING")
    assert appended == ["shardId-000000000000"]
    assert opened == [s.shard_id for s in model.shards[2:]]  # intermediate ones included
    order = model.lineage_order()
    for i, shard in enumerate(order):
        assert all(order.index(p) < i for p in shard.parents)
    roots = model.shards[:2]
    assert model.descendants(roots) == model.shards[2:]
    assert all(len(model.parents(s)) in (1, 2) for s in model.shards[2:])
    model.unsubscribe(on_append, on_new)
    client.put_record(StreamName="s", Data=b"", PartitionKey="a")
    assert len(appended) == 1
    sim._check()


def test_expired_shards_leave_memory_and_children_keep_their_ids() -> None:
    """An expired parent is swept from memory; its children still name it by id."""
    sim, client = stream(1)
    model = sim._model.kinesis.stream("s")
    client.put_record(StreamName="s", Data=b"", PartitionKey="a")
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="5")
    sim.advance(hours=26)
    assert [s.shard_id for s in model.all_shards] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]
    child = model.all_shards[0]
    assert child.parents == ()
    assert child.parent_shard_id == "shardId-000000000000"
    sim._check()
