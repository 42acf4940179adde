"""Records per second delivered end to end: writes, stream, Lambda poller, a no-op handler.

Run: ``python benchmarks/bench_poller.py``.  A table with 4 partitions (4 open shards) and a
NEW_AND_OLD_IMAGES stream feeds a function through an event source mapping (BatchSize 100,
StartingPosition LATEST).  Each run writes ``N_ITEMS`` items (new values for existing keys, so
MODIFY records carrying both images) and advances virtual time until every record was delivered
to the handler.  The figure is records delivered per wall-clock second over all the timed runs
(their total time, garbage collections included: a best-of-N figure would leave out the
periodic full collections of Python's cyclic GC, which were most of the cost of keeping 24 hours
of records before items were frozen; see docs/architecture.md), quoted next to the baseline
measured in the same process: the same writes, the same
way, to the same kind of table with no mapping.  The best single run is shown too.  The
harness's own prepared inputs are frozen out of the GC (``gc.freeze()``) so that collections
see the simulator's heap as a real program's would, not 800,000 input dicts.  A benchmark, not
a test: it asserts nothing.  The target (issue 4) is at least 100,000 records per second.

Two ways of writing, each through the Table face (``put_item``) and through the engine
directly (canonical DynamoDB JSON, no face conversion, isolating the poller's own cost):

* ``streaming``: 100 writes per 250 ms poll tick, as a simulated workload spreads its writes
  over virtual time (the records are still in the CPU caches when the poller builds events);
* ``bulk``: all writes first, then one ``advance`` drains the backlog (every record is cold
  by the time its event is built: event building is memory-bound).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from _workload import python_items, wire_items

from streamsim._simulation import Simulation

N_ITEMS = 100_000
RUNS = 3
CHUNK = 100  # writes per poll tick in the streaming scenario
SHARDS = 4
BATCH_SIZE = 100


def pipeline(
    with_mapping: bool, engine_writes: bool, streaming: bool
) -> Callable[[list[Any]], int]:
    """A fresh simulation; returns ``run(items) -> records delivered``."""
    sim = Simulation(seed=0)
    table = sim.create_table(
        "bench", hash_key="pk", partitions=SHARDS, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    delivered = [0]

    def handler(event: dict[str, Any], context: Any) -> None:
        delivered[0] += len(event["Records"])

    sim.create_function("noop", handler)
    if with_mapping:
        sim.client("lambda").create_event_source_mapping(
            FunctionName="noop",
            EventSourceArn=sim.streams[0].arn,
            StartingPosition="LATEST",
            BatchSize=BATCH_SIZE,
        )
    engine_put = sim._engine("bench").put
    face_put = table.put_item
    chunk = CHUNK if streaming else N_ITEMS

    def run(items: list[Any]) -> int:
        before = delivered[0]
        for start in range(0, len(items), chunk):
            if engine_writes:
                for item in items[start : start + chunk]:
                    engine_put(item)
            else:
                for item in items[start : start + chunk]:
                    face_put(Item=item)
            sim.advance(milliseconds=250)
        sim.advance(minutes=5)
        return delivered[0] - before

    return run


def timed(
    run: Callable[[list[Any]], int], batches: list[list[Any]], pause_gc: bool = False
) -> tuple[float, float, int]:
    """Run once to warm up, then once per remaining batch, back to back (no collection in
    between, as in a real program).  Returns (total seconds, best run, records per run).

    ``pause_gc``: time the runs with the cyclic garbage collector paused, to show its share.
    """
    gc.collect()
    run(batches[0])
    total = 0.0
    best = float("inf")
    delivered = 0
    if pause_gc:
        gc.disable()
    try:
        for items in batches[1:]:
            start = time.perf_counter()
            delivered = run(items)
            elapsed = time.perf_counter() - start
            total += elapsed
            best = min(best, elapsed)
    finally:
        gc.enable()
    return total, best, delivered


def main() -> None:
    """Measure and print."""
    python_batches = [python_items(run, N_ITEMS) for run in range(RUNS + 1)]
    canonical_batches = [wire_items(items) for items in python_batches]
    gc.collect()
    gc.freeze()  # the inputs are the harness's, not the simulator's: keep them out of the GC
    print(
        f"{N_ITEMS:,} writes per run, {SHARDS} shards, NEW_AND_OLD_IMAGES, BatchSize "
        f"{BATCH_SIZE}, {RUNS} runs after a warm-up; rates over all runs (best run in brackets)"
    )
    for streaming in (True, False):
        for label, engine_writes, batches in (
            ("Table.put_item", False, python_batches),
            ("engine writes ", True, canonical_batches),
        ):
            base_s, base_best, _ = timed(pipeline(False, engine_writes, streaming), batches)
            full_s, full_best, delivered = timed(pipeline(True, engine_writes, streaming), batches)
            assert delivered == N_ITEMS, delivered
            records = N_ITEMS * RUNS
            rate = records / full_s
            base_rate = records / base_s
            poller_us = (full_s - base_s) / records * 1e6
            paused_s, _, _ = timed(pipeline(True, engine_writes, streaming), batches, pause_gc=True)
            scenario = "streaming" if streaming else "bulk     "
            print(
                f"{scenario} {label}: {rate:>9,.0f} records/s end to end "
                f"[{N_ITEMS / full_best:,.0f}]; baseline without a mapping {base_rate:>9,.0f} "
                f"writes/s [{N_ITEMS / base_best:,.0f}] (ratio {rate / base_rate:.2f}); poller, "
                f"events and handler {poller_us:.2f} us/record; with the cyclic GC paused "
                f"{records / paused_s:,.0f} records/s (GC share {1 - paused_s / full_s:.0%})"
            )


if __name__ == "__main__":
    main()
