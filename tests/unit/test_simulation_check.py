"""``Simulation._check()`` can fail: each invariant family, corrupted on purpose, is reported.

Every test builds a small healthy simulation, checks that ``_check()`` passes, breaks one
invariant by poking internals, and asserts that ``_check()`` raises ``AssertionError`` with a
message naming what broke.
"""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import Simulation
from streamsim._dynamodb._table import SplitPolicy, TableEngine
from streamsim._items import item_size
from streamsim._streams._records import CREATED, SEQ
from streamsim._streams._shard import Shard


def _sim(**options: Any) -> tuple[Simulation, TableEngine]:
    """A simulation with one streamed two-partition table holding a few items."""
    sim = Simulation(seed=3, **options)
    table = sim.create_table(
        "orders", hash_key="pk", partitions=2, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    for i in range(8):
        table.put_item(Item={"pk": f"k{i}", "n": i})
        sim.advance(milliseconds=100)
    sim._check()
    return sim, sim._engine("orders")


def _broken(sim: Simulation, message: str) -> None:
    """Assert that ``sim._check()`` fails with ``message`` in its explanation."""
    with pytest.raises(AssertionError, match=message):
        sim._check()


def _mapped(reserved: int | None = None) -> tuple[Simulation, Any]:
    """A simulation whose table's stream feeds function ``f`` through an enabled mapping."""
    sim, _ = _sim()
    sim.create_function("f", lambda event, context: None)
    if reserved is not None:
        sim.client("lambda").put_function_concurrency(
            FunctionName="f", ReservedConcurrentExecutions=reserved
        )
    uuid = sim.client("lambda").create_event_source_mapping(
        FunctionName="f",
        EventSourceArn=sim.table("orders").latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
    )["UUID"]
    sim.advance(seconds=5)
    sim._check()
    return sim, sim._model.lambda_service.mapping(uuid)


# --- streams and shards -------------------------------------------------------------------------


def test_one_open_shard_per_live_partition() -> None:
    """A partition split behind the stream's back leaves partitions without an open shard."""
    sim, engine = _sim()
    engine.partitions.split(0, now_ms=sim.now_ms)
    engine._pids.clear()  # the cached partitions of the keys: the stale ids are not the point
    _broken(sim, "open shards of partitions")


def test_stream_enabled_only_as_its_tables_current_stream() -> None:
    """A table that forgets its enabled stream leaves an enabled stream it does not own."""
    sim, engine = _sim()
    engine.stream = None
    _broken(sim, "replaced stream is enabled")


def test_lineage_parents_close_before_children_open() -> None:
    """A parent whose closing time is after its child opened breaks the lineage order."""
    sim, engine = _sim()
    stream = engine.stream
    assert stream is not None
    (child, *_) = stream.rotate_now()
    sim.advance(seconds=10)
    parent = child.parent
    assert parent is not None
    parent.closed_ms = child.created_ms + 1
    _broken(sim, "opened before its parent closed")


def test_lineage_has_no_cycles() -> None:
    """An open shard that is its own parent makes a lineage cycle."""
    sim, engine = _sim()
    stream = engine.stream
    assert stream is not None
    shard = stream.open_shards[0]
    shard.parent = shard
    _broken(sim, "lineage has a cycle")


def test_split_children_cover_their_parents_hash_range() -> None:
    """Split children that do not tile the retired parent partition's range are reported."""
    sim, engine = _sim()
    engine.split_partition(0)
    sim._check()
    retired = next(p for p in engine.partitions.history if p.retired_ms is not None)
    retired.hi -= 1
    _broken(sim, "split children do not cover its hash range")


def test_sequence_numbers_increase_across_the_stream_as_issued() -> None:
    """A record numbered below another but created after it breaks the issue order."""
    sim, engine = _sim()
    stream = engine.stream
    assert stream is not None
    shard = next(s for s in stream.all_shards if len(s))
    records = shard._tail  # a few records: all in the open tail
    earlier = records[0]
    others = [r for s in stream.all_shards if s is not shard for r in s.records]
    assert any(r.sequence_number > earlier[SEQ] for r in others)
    records[0] = (*earlier[:CREATED], sim.now_ms, *earlier[CREATED + 1 :])
    shard._next_trim_ms = sim.now_ms + shard._retention_ms  # keep the shard's own books right
    _broken(sim, "do not increase across the stream as issued")


def test_retention_no_readable_record_is_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    """With trimming switched off, records older than the retention period stay readable."""
    sim, _ = _sim()
    monkeypatch.setattr(Shard, "trim", lambda self: None)
    sim.advance(hours=25)
    _broken(sim, "past retention")


def test_retention_first_position_follows_trimming() -> None:
    """A shard claiming to have trimmed records it still serves is inconsistent."""
    sim, engine = _sim()
    stream = engine.stream
    assert stream is not None
    shard = next(s for s in stream.all_shards if len(s))
    shard._trimmed_through = shard.last_sequence_number or 0
    _broken(sim, "a trimmed record is still readable")


# --- tables -------------------------------------------------------------------------------------


def test_table_item_count_matches_the_stored_items() -> None:
    """An item count that drifted from the stored items is reported."""
    sim, engine = _sim()
    engine._count += 1
    _broken(sim, "item count")


def test_table_items_within_the_size_limit() -> None:
    """An item over 400 KB stored past the checks is reported."""
    sim, engine = _sim()
    item = {"pk": {"S": "big"}, "blob": {"S": "x" * 410_000}}
    engine.commit("big", None, item, item_size(item))
    _broken(sim, "over the item limit")


def test_table_items_within_the_nesting_limit() -> None:
    """An item nested deeper than 32 levels stored past the checks is reported."""
    sim, engine = _sim()
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(33):
        value = {"L": [value]}
    item = {"pk": {"S": "deep"}, "nest": value}
    engine.commit("deep", None, item, item_size(item))
    _broken(sim, "nests 34 levels")


def test_table_key_types_as_declared() -> None:
    """A stored item whose key is not of the declared type is reported."""
    sim, engine = _sim()
    engine.commit("7", None, {"pk": {"N": "7"}}, 4)
    _broken(sim, "is not of type S")


def test_table_byte_accounting_matches_the_stored_items() -> None:
    """Partition byte accounting that drifted from the stored items is reported."""
    sim, engine = _sim(split_policy=SplitPolicy(max_partition_bytes=10**9))
    engine.put({"pk": {"S": "extra"}})
    sim._check()
    pid = engine.partition_of("extra")
    engine._splits._bytes[pid] += 1
    _broken(sim, "partition byte accounting")


# --- Lambda -------------------------------------------------------------------------------------


def test_concurrency_in_flight_counted_by_the_pool() -> None:
    """A slot holding an instance the pool does not count is reported."""
    sim, mapping = _mapped()
    slot = mapping.poller.slots()[0]
    slot.granted = mapping.function
    _broken(sim, "granted to slots but the pool counts 0")


def test_concurrency_never_over_the_reservation() -> None:
    """A function running more instances than reserved (no cap was lowered) is reported."""
    sim, mapping = _mapped(reserved=1)
    pool = sim._model.lambda_service.concurrency
    pool._active[mapping.function] = 2
    pool._peak[mapping.function] = 2
    _broken(sim, "over its reserved concurrency")


def test_concurrency_never_over_the_unreserved_pool() -> None:
    """Functions holding more unreserved instances than the pool has are reported."""
    sim, mapping = _mapped()
    pool = sim._model.lambda_service.concurrency
    over = pool.unreserved_capacity + 1
    pool._active[mapping.function] = pool._pooled[mapping.function] = over
    pool._peak[mapping.function] = over
    pool._unreserved_active = over
    _broken(sim, "over the unreserved pool")


def test_concurrency_waiting_slots_really_wait() -> None:
    """A slot queued for an instance while its function has a free one is reported."""
    sim, mapping = _mapped()
    slot = mapping.poller.slots()[0]
    slot.waiting = True
    sim._model.lambda_service.concurrency.wait(mapping.function, slot)
    _broken(sim, "a slot waits though f has a free instance")


def test_mapping_poller_follows_the_mapping_state() -> None:
    """A disabled mapping whose poller still polls is reported."""
    sim, mapping = _mapped()
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=False)
    sim.advance(seconds=5)
    sim._check()
    mapping.poller.active = True
    _broken(sim, "its poller is still active")
