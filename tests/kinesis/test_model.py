"""The Kinesis model's read API, the one an event source adapter (the Lambda poller) uses.

Shards are read by position (``first_position``, ``end_position``, ``read``, ``record_at``);
a stream offers ``lineage_order``, ``open_shards``, ``descendants``, each shard its ``parents``;
``on_append`` and ``on_new_shard`` callbacks follow writes and reshards.
"""

from __future__ import annotations

import gc

from streamsim._kinesis._hashing import hash_key
from streamsim._kinesis._shard import ARRIVAL, CHUNK, DATA, KEY, SEQ, KinesisShard

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
    assert shard.contains(shard.hash_key_at(2))
    assert shard.record_at(3) is None
    sim.advance(hours=21, milliseconds=1)  # the first record is 24 h and 1 ms old
    assert (shard.first_position, shard.end_position) == (1, 3)
    assert shard.read(1)[0][DATA] == b"1"
    assert shard.read(1)[0][SEQ] < record[SEQ]
    assert shard.position_at_time(sim.now_ms) == 3


def test_records_share_keys_and_instants_and_keep_only_explicit_hash_keys() -> None:
    """A key's records share one partition key and one write call's records one arrival
    instant; the hash key is the partition key's MD5 unless an ExplicitHashKey chose it."""
    sim, client = stream(1)
    model = sim._model.kinesis.stream("s")
    key = "".join(["sen", "sor"])  # a string of its own, not the literal's
    puts = client.put_records(
        StreamName="s",
        Records=[
            {"Data": b"a", "PartitionKey": "".join(["sen", "sor"])},
            {"Data": b"b", "PartitionKey": key},
            {"Data": b"c", "PartitionKey": key, "ExplicitHashKey": "7"},
        ],
    )
    (shard,) = model.open_shards()
    first, second, explicit = shard.read(0)
    assert first[KEY] is second[KEY] is explicit[KEY]
    assert first[ARRIVAL] == second[ARRIVAL] == sim.now_ms  # one instant per write call
    assert [shard.hash_key_at(p) for p in range(3)] == [hash_key("sensor")] * 2 + [7]
    assert [str(r[SEQ]) for r in (first, second, explicit)] == [
        put["SequenceNumber"] for put in puts["Records"]
    ]
    assert shard.record_at(1) == second
    assert shard.position_of_sequence(second[SEQ]) == 1
    assert shard.position_of_sequence(second[SEQ] + 1) == 2


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


def _slots_the_collector_walks() -> int:
    """Elements of every container the cyclic GC tracks, after a full collection."""
    gc.collect()
    return sum(len(o) for o in gc.get_objects() if isinstance(o, (list, tuple, dict, set)))


def test_retained_records_cost_the_garbage_collector_nothing() -> None:
    """A shard's records are held where the cyclic GC does not walk them: retaining five
    chunks of records adds less than two chunks' worth of slots to a full collection (the
    columns' unfinished tails), where three lists of records would add fifteen."""
    sim, client = stream(1)
    before = _slots_the_collector_walks()
    for _ in range(5 * CHUNK // 500):
        records = [{"Data": b"%d" % n, "PartitionKey": f"k{n % 50}"} for n in range(500)]
        assert client.put_records(StreamName="s", Records=records)["FailedRecordCount"] == 0
        sim.advance(seconds=1)
    (shard,) = sim._model.kinesis.stream("s").open_shards()
    assert shard.end_position >= 5 * CHUNK - 500
    assert _slots_the_collector_walks() - before < 2 * CHUNK
