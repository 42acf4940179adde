"""Cost per record as retained data grows, and shard rotation with many partitions.

Run: ``python benchmarks/bench_scale.py`` (about two minutes) or ``--quick`` (a smaller run).

**Per-record cost.** For each level of retained data (20 thousand, 200 thousand and 2 million
records by default), a fresh simulation (4 partitions, a NEW_AND_OLD_IMAGES stream, a no-op
handler behind an event source mapping with BatchSize 100) is filled with that many records
(writes spread at 100 per 250 ms tick, all delivered, all within the 24-hour retention), then
``MEASURED`` more writes go through the Table face the same way and are delivered.  The figure is
the wall time of that measured phase per record, garbage collections included, its CPU time
(``time.process_time``: less disturbed by other processes on a shared machine) and the share of
the wall time spent in the cyclic garbage collector (timed with ``gc.callbacks``).  If retained
records cost the collector nothing, the three columns are equal (issue 12: within 10%).

**Rotation.** A table with 1,024 and then 10,000 partitions (split from 1,024) and a stream;
the time of one rotation round (every open shard closes and a child opens: ``Stream.rotate_now``).

A benchmark, not a test: it asserts only that every record was delivered.
"""

from __future__ import annotations

import argparse
import gc
import time
from decimal import Decimal
from typing import Any

from _workload import noop_consumer

from streamsim._simulation import Simulation

SHARDS = 4
CHUNK = 100  # writes per 250 ms tick
KEYS = 10_000  # distinct items the writes cycle over (every level fills them all: MODIFYs only)


class GCTimer:
    """Wall time spent in the cyclic garbage collector, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def items(first: int, count: int) -> list[dict[str, Any]]:
    """``count`` 5-attribute items, the ``first``-th write onwards (keys cycle over KEYS)."""
    return [
        {
            "pk": f"user#{i % KEYS:06d}",
            "name": "alice",
            "city": "Lisbon",
            "score": Decimal(i),
            "active": i % 2 == 0,
        }
        for i in range(first, first + count)
    ]


def per_record(retained: int, measured: int) -> tuple[float, float, float, int]:
    """(wall and CPU microseconds per record, GC share of the wall time, records held) of
    ``measured`` writes after ``retained`` records were written and delivered."""
    sim = Simulation(seed=0)
    table = sim.create_table(
        "bench", hash_key="pk", partitions=SHARDS, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    delivered = noop_consumer(sim, "noop")
    engine_put = sim._engine("bench").put
    for start in range(0, retained, 10_000):  # the fill goes through the engine: faster
        batch = items(start, min(10_000, retained - start))
        for i in range(0, len(batch), CHUNK):
            for item in batch[i : i + CHUNK]:
                engine_put({k: _wire(v) for k, v in item.items()})
            sim.advance(milliseconds=250)
    sim.advance(minutes=1)
    assert delivered[0] == retained, (delivered[0], retained)
    work = items(retained, measured)
    put = table.put_item
    timer = GCTimer()
    gc.collect()
    gc.callbacks.append(timer)
    try:
        start = time.perf_counter()
        cpu_start = time.process_time()
        for i in range(0, measured, CHUNK):
            for item in work[i : i + CHUNK]:
                put(Item=item)
            sim.advance(milliseconds=250)
        sim.advance(minutes=1)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    finally:
        gc.callbacks.remove(timer)
    assert delivered[0] == retained + measured
    held = sum(len(s) for s in sim.streams[0].all_shards)
    return elapsed / measured * 1e6, cpu / measured * 1e6, timer.seconds / elapsed, held


def _wire(value: Any) -> dict[str, Any]:
    """A Python value of :func:`items` in DynamoDB JSON."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, Decimal):
        return {"N": str(value)}
    return {"S": value}


def rotation(partitions: int) -> tuple[float, float]:
    """(seconds to reach ``partitions`` partitions, seconds of one rotation round).

    A table is created with up to 1,024 partitions (the creation limit), then partitions are
    split (``Table.split_partition``) until there are ``partitions``.
    """
    sim = Simulation(seed=0)
    start = time.perf_counter()
    table = sim.create_table(
        "wide",
        hash_key="pk",
        partitions=min(partitions, 1_024),
        stream_view_type="NEW_AND_OLD_IMAGES",
    )
    count = min(partitions, 1_024)
    while count < partitions:  # halve partitions from the last down: indexes below stay valid
        for index in range(count - 1, -1, -1):
            if count == partitions:
                break
            table.split_partition(index)
            count += 1
    created = time.perf_counter() - start
    stream = sim.streams[0]
    start = time.perf_counter()
    opened = stream.rotate_now()
    rotated = time.perf_counter() - start
    assert len(opened) == partitions
    return created, rotated


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2k/20k/200k retained, fewer writes")
    args = parser.parse_args()
    levels = (2_000, 20_000, 200_000) if args.quick else (20_000, 200_000, 2_000_000)
    measured = 20_000 if args.quick else 100_000
    print(
        f"per-record cost, end to end (Table.put_item, stream, poller, no-op handler), "
        f"{measured:,} writes after N retained records; {SHARDS} shards, NEW_AND_OLD_IMAGES"
    )
    results = [per_record(level, measured) for level in levels]
    wall, cpu = results[0][0], results[0][1]
    print("retained records    " + "".join(f"{level:>14,}" for level in levels))
    print("wall us per record  " + "".join(f"{r[0]:>14.2f}" for r in results))
    print("  vs the first      " + "".join(f"{r[0] / wall:>14.2f}" for r in results))
    print("CPU us per record   " + "".join(f"{r[1]:>14.2f}" for r in results))
    print("  vs the first      " + "".join(f"{r[1] / cpu:>14.2f}" for r in results))
    print("GC share            " + "".join(f"{r[2]:>14.0%}" for r in results))
    print("records held        " + "".join(f"{r[3]:>14,}" for r in results))
    for partitions in (1_024, 10_000):
        created, rotated = rotation(partitions)
        print(
            f"{partitions:>6,} partitions: reached (create, then split) in {created:.3f} s, "
            f"one rotation round in {rotated:.3f} s"
        )


if __name__ == "__main__":
    main()
