"""Bounded memory: what AWS forgets, the simulation forgets too (issue 12, deliverable 5)."""

from __future__ import annotations

import contextlib
import gc
import tracemalloc
from typing import Any, cast

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from streamsim import InvalidParameterValueException, LambdaSettings, Simulation
from streamsim._clock import Clock
from streamsim._lambda._concurrency import ConcurrencyPool
from streamsim._streams import _shard as shard_module
from streamsim._streams._records import CREATED, SEQ
from streamsim._streams._shard import Shard
from tests.lambda_support import attach, put, streamed


def transact_put(sim: Simulation, token: str, pk: str) -> None:
    """One TransactWriteItems putting item ``pk`` with ClientRequestToken ``token``."""
    sim.client("dynamodb").transact_write_items(
        TransactItems=[{"Put": {"TableName": "tbl", "Item": {"pk": {"S": pk}}}}],
        ClientRequestToken=token,
    )


def test_transaction_tokens_are_forgotten_ten_minutes_after_use() -> None:
    """A ClientRequestToken is held for AWS's 10-minute idempotency window, then dropped."""
    sim, _ = streamed()
    tokens = sim._model.transaction_tokens
    for i in range(1_000):
        transact_put(sim, f"token-{i}", f"k{i}")
        sim.advance(seconds=6)  # 100 tokens per 10 minutes
    assert len(tokens) <= 101
    tokens._check()


def test_a_token_reused_within_ten_minutes_is_still_idempotent() -> None:
    """Forgetting old tokens keeps the ones inside the window: a retry still succeeds."""
    sim, _ = streamed()
    transact_put(sim, "again", "a")
    sim.advance(minutes=9)
    transact_put(sim, "other", "b")  # sweeps, but "again" is 9 minutes old
    tokens = sim._model.transaction_tokens
    assert tokens.seen("again", tokens._tokens["again"][0])
    sim.advance(minutes=1)
    transact_put(sim, "third", "c")
    assert len(sim._model.transaction_tokens) == 2  # "again" is 10 minutes old: forgotten


def test_ttl_index_entries_go_with_their_items() -> None:
    """Overwriting, deleting or dropping an item's TTL drops its index entry: no growth."""
    sim, table = streamed()
    table.enable_time_to_live("exp")
    ttl = sim._engine("tbl").ttl
    far = 4_000_000_000
    for i in range(2_000):
        put(table, "same", exp=far + i)  # TTL changed on every write
        put(table, "kept", exp=far)  # the same TTL again
        put(table, f"gone{i}", exp=far)
        table.delete_item(Key={"pk": f"gone{i}"})
        put(table, f"plain{i % 10}", exp=far)
        put(table, f"plain{i % 10}")  # overwritten without TTL
    assert len(ttl) == 2
    assert len(ttl._heap) <= 64
    ttl._check()


def test_ttl_index_shrinks_when_items_with_ttl_are_deleted() -> None:
    """Deleting many items that had a TTL shrinks the index (no stale entries pile up)."""
    sim, table = streamed()
    table.enable_time_to_live("exp")
    ttl = sim._engine("tbl").ttl
    for i in range(1_000):
        put(table, f"k{i}", exp=4_000_000_000)
    for i in range(1_000):
        table.delete_item(Key={"pk": f"k{i}"})
        ttl._check()
    assert len(ttl) == 0
    assert len(ttl._heap) <= 64


def test_ttl_still_expires_items_after_their_entries_were_rebuilt() -> None:
    """An item rewritten many times expires at its last TTL, once."""
    sim, table = streamed()
    table.enable_time_to_live("exp")
    now_s = sim.now_ms // 1000
    for i in range(500):
        put(table, "x", exp=now_s + 10_000 + i)
    put(table, "x", exp=now_s + 60)
    sim.advance(minutes=30)
    assert table.get_item(Key={"pk": "x"}).get("Item") is None
    removes = [r for s in sim.streams[0].shards for r in s.records if r.event_name == "REMOVE"]
    assert len(removes) == 1


def test_a_disabled_mapping_keeps_no_reader_per_new_shard() -> None:
    """Disabled for days of rotations, a mapping holds the readers it had, not one per shard."""
    sim, table = streamed(partitions=16)
    mapping = attach(sim, lambda e, c: None)
    sim.advance(seconds=5)
    client = sim.client("lambda")
    client.update_event_source_mapping(UUID=mapping.uuid, Enabled=False)
    sim.advance(seconds=5)
    held = len(mapping.poller.readers)
    for _ in range(3):
        put(table, "a", "b", "c")
        sim.advance(days=1)
    assert len(mapping.poller.readers) == held


def live_shards() -> int:
    """Stream shards alive in the process (after a full collection)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Shard))


def recording_mapping(sim: Simulation) -> tuple[Any, list[str]]:
    """A mapping whose handler notes the key of every record it gets, and those keys."""
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        seen.extend(r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"])

    return attach(sim, handler), seen


def set_enabled(sim: Simulation, mapping: Any, enabled: bool) -> None:
    """Enable or disable ``mapping`` through the Lambda client."""
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=enabled)


def disabled_recording_mapping(sim: Simulation) -> tuple[Any, list[str]]:
    """:func:`recording_mapping`, left to settle for 5 seconds, then disabled."""
    mapping, seen = recording_mapping(sim)
    sim.advance(seconds=5)
    set_enabled(sim, mapping, False)
    return mapping, seen


def put_hourly(sim: Simulation, table: Any, keys: list[str]) -> None:
    """Put one item per key, an hour apart."""
    for key in keys:
        put(table, key)
        sim.advance(hours=1)


def test_a_disabled_mapping_does_not_keep_expired_shards_alive() -> None:
    """Disabled for days, a mapping lets expired shards go (a held shard keeps its children)."""
    sim, table = streamed(partitions=8)
    mapping = attach(sim, lambda e, c: None)
    sim.advance(seconds=5)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=False)
    counts = []
    for day in range(4):
        for hour in range(24):
            put(table, f"k{day}-{hour}")
            sim.advance(hours=1)
        counts.append(live_shards())
    assert counts[1] == counts[2] == counts[3], counts
    assert len(mapping.poller.readers) <= 8


def test_a_mapping_reenabled_after_days_counts_the_expired_records_lost() -> None:
    """Re-enabled days later: what expired meanwhile is lost and counted, the rest arrives."""
    sim, table = streamed(partitions=2)
    mapping, seen = disabled_recording_mapping(sim)
    old = [f"old{i}" for i in range(12)]
    put_hourly(sim, table, old)  # written over the first 12 hours: expired 3 days later
    sim.advance(days=3)
    new = [f"new{i}" for i in range(6)]
    put_hourly(sim, table, new)
    set_enabled(sim, mapping, True)
    sim.advance(minutes=5)
    assert sorted(seen) == new  # (across partitions, in no particular order)
    assert mapping.metrics.trimmed_unread == len(old)
    sim._check()


def test_a_split_while_disabled_leaves_no_child_unread() -> None:
    """A split while disabled gives both children readers, though the first one's opening
    comes before the second exists (found by the mapping state machine)."""
    sim, table = streamed(partitions=2)
    mapping, seen = recording_mapping(sim)
    sim.advance(seconds=5)
    table.split_partition(0)
    sim.advance(seconds=5)
    set_enabled(sim, mapping, False)
    sim.advance(seconds=5)
    table.split_partition(1)  # an empty shard closes while paused; two children open
    sim.advance(seconds=5)
    keys = [f"k{i}" for i in range(40)]
    for key in keys:
        put(table, key)
    set_enabled(sim, mapping, True)
    sim.advance(minutes=5)
    assert sorted(seen) == sorted(keys)
    sim._check()


def test_a_reenabled_mapping_delivers_what_arrived_while_disabled() -> None:
    """Records written while disabled, across rotations, arrive in order after re-enabling."""
    sim, table = streamed(partitions=2)
    mapping, seen = disabled_recording_mapping(sim)
    sim.advance(seconds=5)
    keys = [f"k{i}" for i in range(20)]  # all within the 24-hour retention
    put_hourly(sim, table, keys)  # rotations every 4 hours open new shards meanwhile
    set_enabled(sim, mapping, True)
    sim.advance(minutes=5)
    assert sorted(seen) == sorted(keys)
    assert len(seen) == len(keys)


def test_a_stream_adapter_is_dropped_with_its_last_mapping() -> None:
    """The Lambda service holds a stream's adapter only while a mapping reads the stream."""
    sim, _ = streamed()
    mapping = attach(sim, lambda e, c: None)
    service = sim._model.lambda_service
    assert service.source_count == 1
    sim.client("lambda").delete_event_source_mapping(UUID=mapping.uuid)
    sim.advance(minutes=1)
    assert service.source_count == 0


def test_memory_stays_flat_over_days_of_virtual_time() -> None:
    """Days of writes, transactions, TTL and a disabled mapping: memory ends where it started.

    The retained records are bounded by the 24-hour retention, so from the second day on the
    heap should stop growing.
    """
    # the logs' own bounds: the invocation log, the mapping history and function spans
    sim, table = streamed(partitions=8, invocation_log_limit=100, history_limit=100)
    table.enable_time_to_live("exp")
    mapping = attach(sim, lambda e, c: None, name="on")
    off = attach(sim, lambda e, c: None, name="off")
    sim.client("lambda").update_event_source_mapping(UUID=off.uuid, Enabled=False)

    def one_day(day: int) -> None:
        for minute in range(24 * 60 // 4):
            i = day * 1_000 + minute
            hour_s = sim.now_ms // 3_600_000 * 3_600  # few distinct numbers: _N_POOL stays put
            put(table, f"k{minute % 50}", exp=hour_s + 7_200)
            transact_put(sim, f"t{i}", f"x{minute % 50}")
            sim.advance(minutes=4)

    # the process-wide pools of equal values (_items._python) are bounded on their own
    # (test_frozen_store) and shared with every earlier test of the process: how full they
    # already are decides when their dicts resize, so they are left out of the figure
    pools = tracemalloc.Filter(inclusive=False, filename_pattern="*/_items/_python.py")

    def traced() -> int:
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces([pools])
        return sum(stat.size for stat in snapshot.statistics("filename"))

    tracemalloc.start()
    try:
        one_day(0)
        one_day(1)
        before = traced()
        for day in range(2, 5):
            one_day(day)
        after = traced()
    finally:
        tracemalloc.stop()
    assert mapping.poller.active
    assert after - before < 200_000, f"grew {after - before} bytes over 3 days"
    sim._check()


# --- concurrency bookkeeping independent of the number of functions ---------------------------


class NaivePool(ConcurrencyPool[str]):
    """The reference: every pooled release walks every key in order (the old O(functions))."""

    def release(self, key: str) -> None:
        """Give back an instance, then offer instances to every key with waiters."""
        self._active[key] -= 1
        if self._pooled[key]:
            self._pooled[key] -= 1
            self._unreserved_active -= 1
            self._grant_all()
        else:
            self._grant(key)


class LogWaiter:
    """A waiter that logs its grants and holds the instance it got."""

    def __init__(self, name: str, log: list[str], held: list[str]) -> None:
        self.name = name
        self.log = log
        self.held = held

    def on_grant(self, key: str, /) -> None:
        """Note the grant and keep the instance."""
        self.log.append(f"{self.name}<-{key}")
        self.held.append(key)


@settings(max_examples=200)
@example([("a", 1, 0)] * 3 + [("a", 2, 0), ("a", 1, 0), ("r", 0, 0)])  # two keys queued
@given(
    st.lists(st.tuples(st.sampled_from("awrcs"), st.integers(0, 7), st.integers(0, 3)), max_size=80)
)
def test_a_freed_instance_goes_to_the_first_waiting_function_as_before(
    ops: list[tuple[str, int, int]],
) -> None:
    """The indexed pool grants exactly what a walk over every function would, in order."""
    logs: list[list[str]] = []
    for cls in (ConcurrencyPool, NaivePool):
        pool: ConcurrencyPool[str] = cls(account_concurrency=6, unreserved_minimum=2)
        keys = [f"f{i}" for i in range(8)]
        for i, key in enumerate(keys):
            pool.add(key, 1 if i % 3 == 0 else None)
        log: list[str] = []
        held: list[str] = []
        waiters: list[LogWaiter] = []
        for op, k, n in ops:
            key = keys[k]
            if op == "a":
                if pool.acquire(key):
                    held.append(key)
                else:
                    waiter = LogWaiter(f"w{len(waiters)}", log, held)
                    waiters.append(waiter)
                    pool.wait(key, waiter)
            elif op == "r" and held:
                pool.release(held.pop(n % len(held)))
            elif op == "c" and waiters:
                pool.cancel(waiters[n % len(waiters)])
            elif op == "s":
                with contextlib.suppress(InvalidParameterValueException):
                    pool.set_reserved(key, None if n == 3 else n)
            elif op == "w":
                log.append(f"active {key} {pool.active(key)}")
            pool._check()
        logs.append(log)
    assert logs[0] == logs[1]


# --- retained records in sealed chunks the garbage collector does not walk --------------------


def _check_against(shard: Shard, model: list[Any], now_ms: int, retention_ms: int) -> None:
    """Every read of ``shard`` answers as one plain list of ``model`` would."""
    readable = [r for r in model if r[CREATED] >= now_ms - retention_ms]
    first = shard.first_position
    assert first == len(model) - len(readable)
    assert shard.end_position == len(model)
    assert len(shard) == len(readable)
    assert shard.read(first) == readable
    for p in range(first, len(model) + 1):
        assert shard.read(p, 3) == model[p : p + 3]
        assert shard.record_at(p) == (model[p] if p < len(model) else None)
    for sn in range(len(model) + 2):
        below = sum(1 for r in readable if r[SEQ] < sn)
        assert shard.position_of_sequence(sn) == first + below
    for t in range(now_ms + 2):
        before = sum(1 for r in readable if r[CREATED] < t)
        assert shard.position_at_time(t) == first + before
    shard._check()


@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=60),
    st.integers(1, 40),
)
def test_chunked_records_read_exactly_as_one_list(
    steps: list[tuple[int, bool]], retention_ms: int
) -> None:
    """Sealed chunks and trimming by whole chunks change no read, position or trim result."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shard_module, "CHUNK", 4)
        clock = Clock(0)
        shard = Shard(
            cast(Any, None), "shardId-x", 0, 0, 1, None, clock=clock, retention_ms=retention_ms
        )
        model: list[Any] = []
        for gap, check in steps:
            clock.advance_to(clock.now_ms + gap)
            record = (len(model) + 1, clock.now_ms, "INSERT", 10, "k", None, None, None, False)
            shard.append(record)
            model.append(record)
            if check:
                _check_against(shard, model, clock.now_ms, retention_ms)
        _check_against(shard, model, clock.now_ms, retention_ms)


def test_retained_records_are_not_walked_by_the_garbage_collector() -> None:
    """A shard's sealed chunks of records are untracked: a collection walks one entry each."""
    sim, table = streamed()
    for i in range(3 * shard_module.CHUNK):
        put(table, f"k{i % 100}", n=i)
    # A collection untracks a tuple whose contents are untracked, at worst one level per
    # collection (it depends on the order of the collector's lists): (name, tag) pair, shape,
    # frozen image, record, chunk.
    for _ in range(5):
        gc.collect()
    (shard,) = sim._model.streams[0].open_shards
    chunks = shard._chunks
    assert len(chunks) == 3
    assert not any(gc.is_tracked(chunk) for chunk in chunks)


def test_invocation_log_keeps_the_newest_ten_thousand_entries_by_default() -> None:
    """Without a setting, a mapping's invocation log and iterator ages stop at 10,000 entries."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None, BatchSize=1)
    for i in range(10_050):
        put(table, f"k{i % 7}", n=i)
        sim.advance(seconds=1)
    metrics = mapping.metrics
    assert metrics.invocations > 10_000
    assert len(metrics.invocation_log) == 10_000
    assert len(metrics.iterator_ages) == 10_000
    assert metrics.invocation_log[-1].batch_size == 1


def test_throttled_batches_leave_no_cancelled_timers_behind() -> None:
    """A function throttled for an hour (reserved concurrency 1 over four shards) schedules a
    record-age deadline a day ahead for every throttled batch; cancelled when an instance is
    granted, those deadlines leave the scheduler instead of piling up for a day."""
    sim = Simulation(seed=0)
    table = sim.create_table("slow", hash_key="pk", partitions=4, stream_view_type="KEYS_ONLY")
    sim.create_function("slow", lambda e, c: None, duration=0.5, reserved_concurrency=1)
    mapping = attach(sim, lambda e, c: None, name="slow")
    for step in range(1_800):  # an hour, 10 writes every 2 seconds
        for i in range(10):
            table.put_item(Item={"pk": f"k{i}", "step": step})
        sim.advance(seconds=2)
    assert mapping.metrics.throttles > 1_000
    assert len(sim._model.clock._heap) < 300


def test_discards_keep_the_newest_entries_as_the_invocation_log() -> None:
    """A handler failing for hours with no retries discards every batch: the mapping keeps
    the newest ``invocation_log_limit`` discards, and counts every dropped record."""
    sim = Simulation(seed=0, lambda_settings=LambdaSettings(invocation_log_limit=50))
    table = sim.create_table("failing", hash_key="pk", stream_view_type="KEYS_ONLY")

    def fail(event: Any, context: Any) -> None:
        raise RuntimeError("poison")

    mapping = attach(sim, fail, name="failing", MaximumRetryAttempts=0)
    for minute in range(120):
        table.put_item(Item={"pk": f"k{minute}"})
        sim.advance(minutes=1)
    metrics = mapping.metrics
    assert metrics.dropped == 120
    assert len(metrics.discards) == 50
    assert metrics.discards[-1].last_sequence_number == str(
        sim.streams[0].shards[-1].records[-1].sequence_number
    )
