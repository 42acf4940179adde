"""Property: under random workloads, rotations, splits and random failures the poller delivers.

A handler fails at random (seeded): sometimes it raises, sometimes it reports a random subset of
its records in ``batchItemFailures``.  With ReportBatchItemFailures on and unlimited retries,
whatever the workload:

* every record is processed successfully at least once;
* for each key, the records, in the order they were first processed successfully, are in
  write order;
* no record of a child shard is handed to the function before every record of its parent
  shard was processed successfully (a parent is finished before its children start).

"Processed successfully" follows rule D.6: in an invocation that raised, no record; in one
that reported failures, the records before the lowest reported one; otherwise all of them.

A second property drives the account's concurrency pool with random operations: it grants each
function's waiters first come, first served and keeps its books.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._errors import InvalidParameterValueException
from streamsim._lambda._concurrency import ConcurrencyPool
from streamsim._lambda._service import LambdaSettings

OPERATIONS = st.one_of(
    st.tuples(st.just("put"), st.integers(0, 11)),
    st.tuples(st.just("advance"), st.integers(1, 2_000)),
    st.tuples(st.just("rotate"), st.just(0)),
    st.tuples(st.just("split"), st.integers(0, 7)),
)


@st.composite
def workloads(draw: st.DrawFn) -> dict[str, Any]:
    """A table layout, a mapping configuration, a failure rate and a list of operations."""
    return {
        "partitions": draw(st.integers(1, 3)),
        "factor": draw(st.integers(1, 3)),
        "batch_size": draw(st.integers(1, 8)),
        "bisect": draw(st.booleans()),
        "window": draw(st.sampled_from([0, 0, 1])),
        "fail_rate": draw(st.sampled_from([0.0, 0.2, 0.5])),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "operations": draw(st.lists(OPERATIONS, min_size=1, max_size=80)),
    }


class FlakyHandler:
    """Fails at random (seeded); keeps what each call received and what it processed."""

    def __init__(self, seed: int, fail_rate: float) -> None:
        self.rng = random.Random(seed)
        self.fail_rate = fail_rate
        self.calls: list[list[tuple[str, int, str]]] = []  # (key, seq, SN) per call
        self.succeeded: list[list[str]] = []  # SNs processed successfully per call

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        records = [
            (
                r["dynamodb"]["Keys"]["pk"]["S"],
                int(r["dynamodb"]["NewImage"]["seq"]["N"]),
                r["dynamodb"]["SequenceNumber"],
            )
            for r in event["Records"]
        ]
        self.calls.append(records)
        roll = self.rng.random()
        if records and roll < self.fail_rate / 2:
            self.succeeded.append([])
            raise RuntimeError("random failure")
        if records and roll < self.fail_rate:
            failed = sorted(self.rng.sample(range(len(records)), self.rng.randint(1, len(records))))
            self.succeeded.append([sn for _, _, sn in records[: failed[0]]])
            return {"batchItemFailures": [{"itemIdentifier": records[i][2]} for i in failed]}
        self.succeeded.append([sn for _, _, sn in records])
        return {"batchItemFailures": []}


@settings(deadline=None)
@given(workloads())
def test_every_record_processed_in_key_order_parents_first(workload: dict[str, Any]) -> None:
    """Random workloads: all delivered; per-key first successes in write order; parents first."""
    sim = Simulation(
        seed=workload["seed"],
        lambda_settings=LambdaSettings(retry_backoff_max=timedelta(seconds=5)),
    )
    table = sim.create_table(
        "props", hash_key="pk", partitions=workload["partitions"], stream_view_type="NEW_IMAGE"
    )
    handler = FlakyHandler(workload["seed"], workload["fail_rate"])
    sim.create_function("flaky", handler)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="flaky",
        EventSourceArn=sim.streams[0].arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=workload["batch_size"],
        ParallelizationFactor=workload["factor"],
        BisectBatchOnFunctionError=workload["bisect"],
        MaximumBatchingWindowInSeconds=workload["window"],
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=-1,
    )
    written: dict[str, list[int]] = {}
    seq = 0
    for op, arg in workload["operations"]:
        if op == "put":
            key = f"key{arg}"
            table.put_item(Item={"pk": key, "seq": seq})
            written.setdefault(key, []).append(seq)
            seq += 1
        elif op == "advance":
            sim.advance(milliseconds=arg)
        elif op == "rotate":
            sim.streams[0].rotate_now()
        elif arg < len(table.partitions):
            table.split_partition(arg)
        sim.lambda_service._check()
        sim._check()
    sim.advance(hours=2)
    sim.lambda_service._check()
    sim._check()

    stream = sim.streams[0]
    shard_of = {str(r.sequence_number): s for s in stream.all_shards for r in s.records}
    records_of = {s: [str(r.sequence_number) for r in s.records] for s in stream.all_shards}
    assert len(shard_of) == seq  # nothing trimmed in this short run

    # every record processed successfully at least once
    first_success: dict[str, int] = {}
    for index, sns in enumerate(handler.succeeded):
        for sn in sns:
            first_success.setdefault(sn, index)
    assert set(first_success) == set(shard_of)

    # per key, first successes in write order
    seq_of = {sn: s for call in handler.calls for _, s, sn in call}
    key_of = {sn: k for call in handler.calls for k, _, sn in call}
    order: dict[str, list[int]] = {}
    for sn in sorted(first_success, key=lambda x: (first_success[x], int(x))):
        order.setdefault(key_of[sn], []).append(seq_of[sn])
    assert order == written

    # no child-shard record handed over before its parent shard is finished
    for index, call in enumerate(handler.calls):
        for _, _, sn in call:
            parent = shard_of[sn].parent
            if parent is not None:
                assert all(first_success[p] < index for p in records_of.get(parent, []))


POOL_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("acquire"), st.integers(0, 2)),
        st.tuples(st.just("release"), st.integers(0, 2)),
        st.tuples(st.just("wait"), st.integers(0, 2)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("reserve"), st.integers(0, 2), st.none() | st.integers(0, 4)),
    ),
    max_size=60,
)


class _PoolWaiter:
    """A throttled slot stand-in: it records its grant and holds the instance it got."""

    def __init__(self, key: str, grants: list[tuple[str, int]], ident: int) -> None:
        self.key = key
        self.grants = grants
        self.ident = ident

    def on_grant(self, key: str, /) -> None:
        """Record the grant (the instance is now held)."""
        assert key == self.key
        self.grants.append((key, self.ident))


@given(operations=POOL_OPERATIONS)
@settings(max_examples=200)
def test_concurrency_pool_keeps_its_books(operations: list[tuple[Any, ...]]) -> None:
    """Under random acquires, releases, waits, cancels and reservations the concurrency pool
    never runs a function over its reservation on acquiring, grants each function's waiters in
    the order they queued, and keeps its invariants."""
    keys = ("f", "g", "h")
    pool: ConcurrencyPool[str] = ConcurrencyPool(account_concurrency=5, unreserved_minimum=1)
    for key in keys:
        pool.add(key, None)
    held = dict.fromkeys(keys, 0)
    grants: list[tuple[str, int]] = []
    queued: dict[str, list[int]] = {key: [] for key in keys}
    waiters: list[_PoolWaiter] = []
    for op in operations:
        before = len(grants)
        if op[0] == "acquire":
            key = keys[op[1]]
            if pool.acquire(key):
                held[key] += 1
                reserved = pool.reserved(key)
                assert reserved is None or pool.active(key) <= reserved
        elif op[0] == "release":
            key = keys[op[1]]
            if held[key]:
                held[key] -= 1
                pool.release(key)
        elif op[0] == "wait":
            key = keys[op[1]]
            waiter = _PoolWaiter(key, grants, len(waiters))
            waiters.append(waiter)
            queued[key].append(waiter.ident)
            pool.wait(key, waiter)
        elif op[0] == "cancel":
            if op[1] < len(waiters) and pool.is_waiting(waiters[op[1]]):
                waiter = waiters[op[1]]
                queued[waiter.key].remove(waiter.ident)
                pool.cancel(waiter)
        else:
            with contextlib.suppress(InvalidParameterValueException):
                pool.set_reserved(keys[op[1]], op[2])
        for key, ident in grants[before:]:
            assert queued[key][0] == ident  # first come, first served
            queued[key].pop(0)
            held[key] += 1
        for key in keys:
            assert pool.active(key) == held[key]
            assert len(queued[key]) == sum(
                1 for w in waiters if w.key == key and pool.is_waiting(w)
            )
        pool._check()
