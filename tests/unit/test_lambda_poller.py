"""The poller: polling, batching, starting positions, lineage, parallelization, concurrency.

Rule D.3, D.4, D.12 and checklist G.15; the seed lab's two statements about concurrency.
"""

from __future__ import annotations

import gc
import itertools
import json
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest

from streamsim._lambda._poller import ShardReader
from tests.lambda_support import Recorder, attach, put, streamed


def shard_of(sim: Any) -> dict[str, str]:
    """Sequence number -> shard id, for every record of the first stream."""
    return {
        str(r.sequence_number): s.shard_id for s in sim.streams[0].all_shards for r in s.records
    }


def test_poll_happens_on_250ms_ticks() -> None:
    """A record written between ticks is picked up at the next poll tick."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec)
    start = sim.now_ms
    sim.advance(milliseconds=260)
    put(table, "a")
    sim.advance(seconds=1)
    assert [t - start for t, _ in rec.calls] == [500]


def test_poll_interval_is_a_setting() -> None:
    """``poll_interval_ms`` changes the tick."""
    sim, table = streamed(poll_interval=timedelta(seconds=1))
    rec = Recorder(sim)
    attach(sim, rec)
    start = sim.now_ms
    sim.advance(milliseconds=10)
    put(table, "a")
    sim.advance(seconds=2)
    assert [t - start for t, _ in rec.calls] == [1000]


def test_idle_shards_cost_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quiet week schedules no 250 ms polling: only rotations wake the readers."""
    polls: list[int] = []
    original = ShardReader.poll

    def counting(self: ShardReader) -> None:
        polls.append(1)
        original(self)

    monkeypatch.setattr(ShardReader, "poll", counting)
    sim, table = streamed(partitions=2)
    rec = Recorder(sim)
    attach(sim, rec)
    put(table, "a", "b")
    started = time.perf_counter()
    sim.advance(days=7)
    elapsed = time.perf_counter() - started
    assert len(rec.calls) >= 1
    assert len(polls) < 500  # polling every 250 ms would be 4.8 million polls
    assert elapsed < 5
    put(table, "late")
    sim.advance(seconds=1)
    assert [k for keys in rec.pks() for k in keys].count("late") == 1


def test_batch_size_reached_invokes() -> None:
    """BatchSize bounds every batch: 250 records make 100 + 100 + 50."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=100)
    put(table, *[f"k{i}" for i in range(250)])
    sim.advance(seconds=1)
    assert [len(b) for b in rec.batches] == [100, 100, 50]


def test_back_to_back_batches_do_not_wait_for_the_next_tick() -> None:
    """With a backlog, the next batch starts as soon as the previous invocation ends."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None, BatchSize=10)
    put(table, *[f"k{i}" for i in range(30)])
    sim.advance(seconds=1)
    starts = [entry.start_ms for entry in mapping.invocation_log]
    assert [b - a for a, b in itertools.pairwise(starts)] == [10, 10]


def test_each_batch_comes_from_one_shard_in_order() -> None:
    """All records of one event come from one shard, in sequence-number order (D.10)."""
    sim, table = streamed(partitions=4)
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=7)
    put(table, *[f"k{i}" for i in range(200)])
    sim.advance(seconds=5)
    owner = shard_of(sim)
    assert sum(len(b) for b in rec.batches) == 200
    for batch in rec.batches:
        assert len({owner[sn] for sn in batch}) == 1
        assert [int(sn) for sn in batch] == sorted(int(sn) for sn in batch)


def test_batching_window_gathers_records() -> None:
    """With MaximumBatchingWindowInSeconds the batch waits for the window, then goes."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec, MaximumBatchingWindowInSeconds=2)
    start = sim.now_ms
    put(table, "a")
    sim.advance(milliseconds=900)
    put(table, "b")
    sim.advance(seconds=5)
    assert rec.pks() == [["a", "b"]]
    assert rec.calls[0][0] - start == 2000  # window began at the first poll (tick 0)


def test_batching_window_ends_early_when_batch_is_full() -> None:
    """A full batch does not wait for the batching window."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec, MaximumBatchingWindowInSeconds=60, BatchSize=5)
    start = sim.now_ms
    put(table, "a")
    sim.advance(milliseconds=300)
    put(table, "b", "c", "d", "e", "f")
    sim.advance(seconds=1)
    assert rec.calls[0][0] - start == 500  # the tick after the 5th record arrived
    assert rec.pks()[0] == ["a", "b", "c", "d", "e"]


def test_payload_limit_6mb_cuts_batches() -> None:
    """A batch never exceeds 6 MB of JSON: big items make smaller batches (D.3)."""
    sim, table = streamed(view="NEW_IMAGE")
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=1000)
    for i in range(40):
        table.put_item(Item={"pk": f"k{i}", "data": "x" * 300_000})
    sim.advance(seconds=10)
    sizes = [len(json.dumps(e, separators=(",", ":")).encode()) for e in rec.events]
    assert sum(len(b) for b in rec.batches) == 40
    assert all(size <= 6 * 1024 * 1024 for size in sizes)
    assert len(rec.batches[0]) < 40
    one = sizes[0] // len(rec.batches[0])
    assert sizes[0] + one > 6 * 1024 * 1024  # one more record would not have fitted


def test_payload_limit_is_a_setting() -> None:
    """``max_payload_bytes`` bounds the JSON of each event."""
    sim, table = streamed(max_payload_bytes=5_000)
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=100)
    put(table, *[f"k{i}" for i in range(50)])
    sim.advance(seconds=5)
    sizes = [len(json.dumps(e, separators=(",", ":")).encode()) for e in rec.events]
    assert len(rec.batches) > 1
    assert all(size <= 5_000 for size in sizes)
    assert sum(len(b) for b in rec.batches) == 50


def test_trim_horizon_reads_retained_records() -> None:
    """TRIM_HORIZON delivers the records written before the mapping existed (D.12)."""
    sim, table = streamed()
    put(table, "old1", "old2")
    rec = Recorder(sim)
    attach(sim, rec, StartingPosition="TRIM_HORIZON")
    put(table, "new")
    sim.advance(seconds=1)
    assert [k for keys in rec.pks() for k in keys] == ["old1", "old2", "new"]


def test_latest_reads_only_new_records() -> None:
    """LATEST skips what the stream held when the mapping was created (D.12)."""
    sim, table = streamed()
    put(table, "old")
    rec = Recorder(sim)
    attach(sim, rec, StartingPosition="LATEST")
    put(table, "new")
    sim.advance(seconds=1)
    assert rec.pks() == [["new"]]


def test_new_shards_are_discovered_after_rotation() -> None:
    """Records on shards opened after the mapping (rotation) are delivered."""
    sim, table = streamed(partitions=2)
    rec = Recorder(sim)
    attach(sim, rec, StartingPosition="LATEST")
    put(table, "before")
    sim.advance(seconds=1)
    sim.streams[0].rotate_now()
    put(table, "after")
    sim.advance(seconds=1)
    assert [k for keys in rec.pks() for k in keys] == ["before", "after"]


def test_rotation_by_time_over_days() -> None:
    """Shards rotating every 4 hours keep being followed for days."""
    sim, table = streamed(partitions=2)
    rec = Recorder(sim)
    attach(sim, rec)
    for hour in range(30):
        put(table, f"h{hour}")
        sim.advance(hours=1)
    assert [k for keys in rec.pks() for k in keys] == [f"h{h}" for h in range(30)]


def test_child_shard_not_read_before_parent_finished() -> None:
    """A split's children wait until the parent's blocked batch succeeded (D.4, G.15)."""
    sim, table = streamed()
    attempts: dict[str, int] = defaultdict(int)

    def respond(event: dict[str, Any]) -> None:
        for r in event["Records"]:
            key = r["dynamodb"]["Keys"]["pk"]["S"]
            attempts[key] += 1
            if key == "parent" and attempts[key] <= 3:
                raise RuntimeError("not yet")

    rec = Recorder(sim, respond)
    attach(sim, rec)
    put(table, "parent")
    sim.advance(milliseconds=100)
    table.split_partition(0)
    put(table, *[f"child{i}" for i in range(10)])
    sim.advance(seconds=30)
    keys = rec.pks()
    last_parent = max(i for i, ks in enumerate(keys) if "parent" in ks)
    first_child = min(i for i, ks in enumerate(keys) if any(k.startswith("child") for k in ks))
    assert keys[last_parent] == ["parent"]
    assert first_child > last_parent
    assert attempts["parent"] == 4
    assert sum(1 for ks in keys for k in ks if k.startswith("child")) == 10


def test_parent_records_before_child_records_per_key() -> None:
    """A key written before and after a split is processed in write order."""
    sim, table = streamed(partitions=1)
    rec = Recorder(sim)
    attach(sim, rec, BatchSize=3)
    for i in range(5):
        table.put_item(Item={"pk": "k", "n": i})
    table.split_partition(0)
    for i in range(5, 10):
        table.put_item(Item={"pk": "k", "n": i})
    sim.advance(seconds=5)
    values = [int(r["dynamodb"]["NewImage"]["n"]["N"]) for e in rec.events for r in e["Records"]]
    assert values == list(range(10))


def test_parallelization_factor_runs_slots_concurrently_keeping_key_order() -> None:
    """With ParallelizationFactor 4 one shard has up to 4 batches in flight; keys stay ordered."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, ParallelizationFactor=4, BatchSize=5, function={"duration": 0.1})
    for n in range(20):
        for k in range(8):
            table.put_item(Item={"pk": f"key{k}", "n": n})
    sim.advance(seconds=10)
    function = sim.lambda_service.functions["fn"]
    assert 1 < function.peak_concurrency <= 4
    per_key: dict[str, list[int]] = defaultdict(list)
    for event in rec.events:
        for r in event["Records"]:
            per_key[r["dynamodb"]["Keys"]["pk"]["S"]].append(
                int(r["dynamodb"]["NewImage"]["n"]["N"])
            )
    assert all(values == list(range(20)) for values in per_key.values())
    assert {entry.slot for entry in mapping.invocation_log} <= {0, 1, 2, 3}


def test_one_partition_key_uses_one_slot() -> None:
    """Records of one partition key (several sort keys) go through one slot, in order."""
    sim, table = streamed(range_key="sk")
    rec = Recorder(sim)
    attach(sim, rec, ParallelizationFactor=4, BatchSize=2, function={"duration": 0.1})
    for n in range(12):
        table.put_item(Item={"pk": "same", "sk": f"s{n % 5}", "n": n})
    sim.advance(seconds=10)
    assert sim.lambda_service.functions["fn"].peak_concurrency == 1
    values = [int(r["dynamodb"]["NewImage"]["n"]["N"]) for e in rec.events for r in e["Records"]]
    assert values == list(range(12))


def test_order_by_full_key_setting_spreads_one_partition_key() -> None:
    """With order_by_full_key, sort keys of one partition key may run in parallel (F.9)."""
    sim, table = streamed(range_key="sk", order_by_full_key=True)
    rec = Recorder(sim)
    attach(sim, rec, ParallelizationFactor=4, BatchSize=2, function={"duration": 0.1})
    for n in range(40):
        table.put_item(Item={"pk": "same", "sk": f"s{n % 8}", "n": n})
    sim.advance(seconds=10)
    assert sim.lambda_service.functions["fn"].peak_concurrency > 1
    per_item: dict[str, list[int]] = defaultdict(list)
    for event in rec.events:
        for r in event["Records"]:
            image = r["dynamodb"]["NewImage"]
            per_item[image["sk"]["S"]].append(int(image["n"]["N"]))
    assert all(values == sorted(values) for values in per_item.values())


def test_parallelization_blocked_key_does_not_block_other_slots() -> None:
    """A failing key blocks only its own slot; other keys of the shard keep flowing."""
    sim, table = streamed()

    def respond(event: dict[str, Any]) -> None:
        if any(r["dynamodb"]["Keys"]["pk"]["S"] == "poison" for r in event["Records"]):
            raise RuntimeError("poison")

    rec = Recorder(sim, respond)
    attach(sim, rec, ParallelizationFactor=10, BatchSize=1)
    put(table, "poison", *[f"k{i}" for i in range(30)])
    sim.advance(seconds=20)
    delivered = {k for keys in rec.pks() for k in keys}
    assert len(delivered - {"poison"}) >= 20  # most other keys got through


def test_four_open_shards_give_four_concurrent_instances() -> None:
    """Seed lab: with 4 open shards there are 4 concurrent instances."""
    sim, table = streamed(partitions=4)
    attach(sim, lambda e, c: None, function={"duration": 0.2})
    put(table, *[f"k{i}" for i in range(400)])
    sim.advance(seconds=30)
    assert sim.lambda_service.functions["fn"].peak_concurrency == 4


def test_reserved_concurrency_one_runs_one_at_a_time() -> None:
    """Seed lab: with reserved concurrency 1 there is one instance at a time."""
    sim, table = streamed(partitions=4)
    rec = Recorder(sim)
    mapping = attach(
        sim, rec, function={"duration": 0.2, "reserved_concurrency": 1}, MaximumRetryAttempts=0
    )
    put(table, *[f"k{i}" for i in range(400)])
    sim.advance(minutes=2)
    function = sim.lambda_service.functions["fn"]
    assert function.peak_concurrency == 1
    assert sum(len(b) for b in rec.batches) == 400
    log = sorted(mapping.invocation_log, key=lambda e: e.start_ms)
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(log))


def test_throttles_do_not_use_retry_attempts() -> None:
    """Throttled batches wait and are delivered; no retry attempt is used, nothing discarded."""
    sim, table = streamed(partitions=4)
    mapping = attach(
        sim,
        lambda e, c: None,
        function={"duration": 1, "reserved_concurrency": 1},
        MaximumRetryAttempts=0,
    )
    put(table, *[f"k{i}" for i in range(40)])
    sim.advance(minutes=1)
    metrics = mapping.metrics
    assert metrics.throttles > 0
    assert metrics.dropped == 0
    assert not metrics.discards
    assert sim.lambda_service.functions["fn"].throttles == metrics.throttles
    assert all(entry.attempt == 1 for entry in mapping.invocation_log)


def test_reserved_concurrency_zero_stops_processing() -> None:
    """Reserved concurrency 0 stops all invocations; lifting it resumes."""
    sim, table = streamed(partitions=2)
    rec = Recorder(sim)
    attach(sim, rec, function={"reserved_concurrency": 0})
    put(table, "a", "b", "c")
    sim.advance(minutes=5)
    assert rec.calls == []
    sim.client("lambda").delete_function_concurrency(FunctionName="fn")
    sim.advance(seconds=1)
    assert sorted(k for keys in rec.pks() for k in keys) == ["a", "b", "c"]


def test_throttled_batches_are_given_up_when_too_old() -> None:
    """Throttles are retried until the records exceed MaximumRecordAgeInSeconds (D.4)."""
    sim, table = streamed()
    queue = sim.create_queue("dlq")
    rec = Recorder(sim)
    mapping = attach(
        sim,
        rec,
        function={"reserved_concurrency": 0},
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    put(table, "a")
    sim.advance(seconds=30)
    put(table, "b")
    sim.advance(seconds=31)
    assert [m["DDBStreamBatchInfo"]["batchSize"] for m in queue.messages] == [1]
    sim.advance(seconds=30)
    assert rec.calls == []
    assert [d.condition for d in mapping.metrics.discards] == ["RecordAgeExceeded"] * 2
    assert all(m["requestContext"]["approximateInvokeCount"] == 0 for m in queue.messages)
    sim.lambda_service._check()


def test_disable_pauses_and_enable_resumes_from_checkpoint() -> None:
    """Enabled=False pauses; Enabled=True resumes after the last processed record (D.12)."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec)
    client = sim.client("lambda")
    put(table, "a")
    sim.advance(seconds=1)
    client.update_event_source_mapping(UUID=mapping.uuid, Enabled=False)
    put(table, "b", "c")
    sim.advance(minutes=10)
    assert rec.pks() == [["a"]]
    client.update_event_source_mapping(UUID=mapping.uuid, Enabled=True)
    sim.advance(seconds=1)
    assert rec.pks() == [["a"], ["b", "c"]]


def test_disabled_longer_than_retention_loses_records() -> None:
    """Records trimmed while the mapping was disabled are lost and counted (D.12)."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, Enabled=False)
    put(table, "a", "b")
    sim.advance(hours=25)
    put(table, "c")
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=True)
    sim.advance(seconds=1)
    assert rec.pks() == [["c"]]
    assert mapping.metrics.trimmed_unread == 2


def test_update_batch_size_applies_to_next_batches() -> None:
    """An updated BatchSize is used from the next batch on."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, BatchSize=2)
    put(table, "a", "b", "c")
    sim.advance(seconds=1)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, BatchSize=10)
    put(table, *[f"k{i}" for i in range(5)])
    sim.advance(seconds=1)
    assert [len(b) for b in rec.batches] == [2, 1, 5]


def test_update_parallelization_factor_keeps_key_order() -> None:
    """Changing ParallelizationFactor reroutes pending records without reordering a key."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, ParallelizationFactor=3, BatchSize=2, function={"duration": 0.3})
    for n in range(6):
        for k in range(4):
            table.put_item(Item={"pk": f"key{k}", "n": n})
    sim.advance(milliseconds=100)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, ParallelizationFactor=1)
    for n in range(6, 10):
        for k in range(4):
            table.put_item(Item={"pk": f"key{k}", "n": n})
    sim.advance(seconds=30)
    per_key: dict[str, list[int]] = defaultdict(list)
    for event in rec.events:
        for r in event["Records"]:
            per_key[r["dynamodb"]["Keys"]["pk"]["S"]].append(
                int(r["dynamodb"]["NewImage"]["n"]["N"])
            )
    assert all(values == list(range(10)) for values in per_key.values())


def test_function_update_moves_the_mapping() -> None:
    """UpdateEventSourceMapping with FunctionName sends later batches to the new function."""
    sim, table = streamed()
    first, second = Recorder(sim), Recorder(sim)
    mapping = attach(sim, first)
    sim.create_function("other", second)
    put(table, "a")
    sim.advance(seconds=1)
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, FunctionName="other")
    put(table, "b")
    sim.advance(seconds=1)
    assert first.pks() == [["a"]]
    assert second.pks() == [["b"]]


def test_function_update_mid_invocation_releases_the_right_instance() -> None:
    """An invocation in flight when the function changes frees an instance of the old one."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None, function={"duration": 2})
    sim.create_function("other", lambda e, c: None)
    put(table, "a")
    sim.advance(seconds=1)
    assert sim.lambda_service.functions["fn"].active == 1
    sim.client("lambda").update_event_source_mapping(UUID=mapping.uuid, FunctionName="other")
    put(table, "b")
    sim.advance(seconds=10)
    functions = sim.lambda_service.functions
    assert functions["fn"].active == 0
    assert functions["other"].active == 0
    assert functions["other"].invocations == 1
    sim.lambda_service._check()


def test_disabled_stream_is_drained() -> None:
    """After the table's stream is disabled, the records it holds are still delivered."""
    sim, table = streamed(partitions=2)
    rec = Recorder(sim, lambda e: None)
    attach(sim, rec, function={"duration": 1}, BatchSize=1)
    put(table, "a", "b", "c", "d")
    table.disable_stream()
    sim.advance(seconds=30)
    assert sorted(k for keys in rec.pks() for k in keys) == ["a", "b", "c", "d"]


def test_two_mappings_on_one_stream_each_get_everything() -> None:
    """Two functions mapped to one stream each receive every record."""
    sim, table = streamed()
    one, two = Recorder(sim), Recorder(sim)
    attach(sim, one, name="one")
    attach(sim, two, name="two")
    put(table, "a", "b")
    sim.advance(seconds=1)
    assert one.pks() == two.pks() == [["a", "b"]]


def test_poller_invariants_hold() -> None:
    """The service's and every mapping's _check() pass after a busy run."""
    sim, table = streamed(partitions=3)
    attach(sim, lambda e, c: None, ParallelizationFactor=3, function={"reserved_concurrency": 2})
    put(table, *[f"k{i}" for i in range(300)])
    sim.advance(milliseconds=300)
    sim.lambda_service._check()
    sim.advance(seconds=30)
    sim.lambda_service._check()


def test_handler_runs_with_the_gc_as_the_program_set_it() -> None:
    """The poller pauses the cyclic GC only while it builds events: a handler sees the GC
    running, and a handler's own gc.disable() stays in force after it returns."""
    sim, table = streamed()
    seen: list[bool] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        seen.append(gc.isenabled())
        gc.disable()

    sim.create_function("gc-probe", handler)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="gc-probe", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
    )
    assert gc.isenabled()
    try:
        put(table, "a")
        sim.advance(seconds=10)
        assert seen == [True]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_batch_waiting_for_an_instance_holds_no_rendered_events() -> None:
    """Batches throttled (reserved concurrency 1) or in their batching window keep records,
    not events: the events are rendered at the invocation, and arrive the same."""
    sim, table = streamed(partitions=2)
    rec = Recorder(sim)
    mapping = attach(
        sim,
        rec,
        function={"duration": 1, "reserved_concurrency": 1},
        MaximumBatchingWindowInSeconds=2,
    )
    put(table, *[f"k{i}" for i in range(20)])
    sim.advance(milliseconds=500)
    slots = [slot for reader in mapping.poller.readers.values() for slot in reader.slots]
    held = [b for slot in slots for b in (slot.building, slot.batch) if b is not None]
    assert held
    assert all(b.records and b.events is None for b in held)
    sim.advance(seconds=10)
    assert mapping.metrics.throttles > 0
    delivered = [r["dynamodb"]["Keys"]["pk"]["S"] for event in rec.events for r in event["Records"]]
    assert sorted(delivered) == sorted(f"k{i}" for i in range(20))


def test_a_batch_begun_on_the_fast_path_continues_under_a_filter() -> None:
    """A filter added while a batch fills in its batching window: the batch goes on, with its
    earlier records rendered then, and later records filtered."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, MaximumBatchingWindowInSeconds=5)
    put(table, "a1")
    sim.advance(seconds=1)
    assert rec.events == []
    sim.client("lambda").update_event_source_mapping(
        UUID=mapping.uuid,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]})}]},
    )
    put(table, "b1")
    table.put_item(Item={"pk": "a1", "v": 2})  # a MODIFY: filtered out
    sim.advance(seconds=10)
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for event in rec.events for r in event["Records"]]
    assert keys == ["a1", "b1"]
