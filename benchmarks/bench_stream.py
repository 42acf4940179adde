"""Benchmark of the stream's hot paths and memory (issue 3).

Prints, all measured in this process:

* microseconds per ``Table.put_item`` with a NEW_AND_OLD_IMAGES stream, and without a stream
  (the baseline), and their ratio (target: at most 10 us with the stream);
* microseconds per record for a full drain through ``get_records`` (DescribeStream, then each
  shard in lineage order from TRIM_HORIZON to its end; target: at most 3 us);
* bytes of memory per retained record (tracemalloc): what the stream adds per record over the
  same writes to a table without a stream, images of overwritten versions included;
* memory at each simulated day over 7 days of steady writes, and the peak: it must stay flat
  once retention trimming starts (after day 1).

Figures are best-of-7 wall-clock timings (each run on a fresh simulation), so they vary with the
machine and with what else it runs; compare the ratio.

Run: ``.venv/bin/python benchmarks/bench_stream.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from typing import Any

from streamsim._clock import MS_PER_DAY
from streamsim._simulation import Simulation
from streamsim._streams._stream import StreamSettings

KEYS = 1000  # distinct items written over and over


def item(i: int) -> dict[str, Any]:
    """A 5-attribute item, like bench_writes.py's."""
    return {
        "pk": f"user#{i % KEYS}",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "visits": i,
        "active": True,
    }


def new_table(
    view_type: str | None, partitions: int = 4, **settings: Any
) -> tuple[Simulation, Any]:
    sim = Simulation(seed=1, stream_settings=StreamSettings(**settings))
    table = sim.create_table(
        "bench", hash_key="pk", partitions=partitions, stream_view_type=view_type
    )
    return sim, table


def put_us(view_type: str | None, n: int, repeat: int) -> float:
    """Best of ``repeat`` runs: microseconds per put_item of ``n`` prepared items."""
    items = [item(i) for i in range(n)]
    best = float("inf")
    for _ in range(repeat):
        _, table = new_table(view_type)
        put = table.put_item
        gc.collect()
        start = time.perf_counter()
        for it in items:
            put(Item=it)
        best = min(best, time.perf_counter() - start)
    return best / n * 1e6


def drain(sim: Simulation, arn: str, limit: int = 1000) -> int:
    """Read every record of the stream through the client, lineage order; return the count."""
    client = sim.client("dynamodbstreams")
    stream = sim._stream_by_arn(arn)
    assert stream is not None
    count = 0
    for shard in stream.lineage_order():
        iterator = client.get_shard_iterator(
            StreamArn=arn, ShardId=shard.shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            response = client.get_records(ShardIterator=iterator, Limit=limit)
            records = response["Records"]
            count += len(records)
            iterator = response.get("NextShardIterator")
            if not records:
                break
    return count


def drain_us(
    n: int,
    repeat: int,
    view_type: str = "NEW_AND_OLD_IMAGES",
    *,
    pause_gc: bool = False,
    limit: int = 1000,
) -> tuple[float, float]:
    """Microseconds per record of a full drain of ``n`` records: first drain, and a re-drain.

    ``pause_gc``: run the drains with the cyclic garbage collector paused, to show its share
    (the drain allocates ~16 dicts per record while the heap holds every retained record).
    """
    first = again = float("inf")
    for _ in range(repeat):
        sim, table = new_table(view_type, max_readers_per_shard=None)
        for i in range(n):
            table.put_item(Item=item(i))
        arn = table.latest_stream_arn
        gc.collect()
        if pause_gc:
            gc.disable()
        try:
            start = time.perf_counter()
            assert drain(sim, arn, limit) == n
            first = min(first, time.perf_counter() - start)
            start = time.perf_counter()
            drain(sim, arn, limit)
            again = min(again, time.perf_counter() - start)
        finally:
            gc.enable()
    return first / n * 1e6, again / n * 1e6


def bytes_per_record(n: int) -> tuple[float, float]:
    """tracemalloc: bytes per record retained by the stream (NEW_AND_OLD_IMAGES, KEYS_ONLY)."""

    def grown(view_type: str | None) -> int:
        gc.collect()
        tracemalloc.start()
        sim, table = new_table(view_type)
        for i in range(n):
            table.put_item(Item=item(i))
        gc.collect()
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del sim, table
        return size

    base = grown(None)
    return (grown("NEW_AND_OLD_IMAGES") - base) / n, (grown("KEYS_ONLY") - base) / n


def seven_days(writes_per_minute: int) -> list[tuple[int, int, int]]:
    """Steady writes for 7 simulated days; (day, records held, traced bytes) at each day."""
    sim, table = new_table("NEW_AND_OLD_IMAGES")
    step_ms = 60_000 // writes_per_minute
    rows: list[tuple[int, int, int]] = []
    gc.collect()
    tracemalloc.start()
    i = 0
    put = table.put_item
    for day in range(1, 8):
        end = sim.now_ms + MS_PER_DAY
        while sim.now_ms < end:
            put(Item=item(i))
            i += 1
            sim.advance(milliseconds=step_ms)
        held = sum(s._held() for s in table.stream._model.all_shards)
        rows.append((day, held, tracemalloc.get_traced_memory()[0]))
    rows.append((0, 0, tracemalloc.get_traced_memory()[1]))
    tracemalloc.stop()
    return rows


def main() -> None:
    """Measure and print."""
    quick = "--quick" in sys.argv
    n = 20_000 if quick else 100_000
    repeat = 2 if quick else 7
    with_stream = put_us("NEW_AND_OLD_IMAGES", n, repeat)
    without = put_us(None, n, repeat)
    print(f"put_item, NEW_AND_OLD_IMAGES stream   {with_stream:7.2f} us   (target <= 10)")
    print(f"put_item, no stream (baseline)        {without:7.2f} us")
    print(
        f"  stream cost: {with_stream / without:.2f}x the baseline, +{with_stream - without:.2f} us"
    )
    first, again = drain_us(n, repeat)
    paused, _ = drain_us(n, repeat, pause_gc=True)
    keys_first, _ = drain_us(n, repeat, "KEYS_ONLY")
    small, _ = drain_us(n, repeat, limit=100)
    print(
        f"get_records full drain, per record    {first:7.2f} us   (target <= 3; "
        f"NEW_AND_OLD_IMAGES, {n} records)"
    )
    print(f"  re-drain                            {again:7.2f} us")
    print(
        f"  with the cyclic GC paused           {paused:7.2f} us   (GC share: "
        f"{1 - paused / first:.0%})"
    )
    print(f"  GetRecords Limit=100                {small:7.2f} us")
    print(f"  KEYS_ONLY stream                    {keys_first:7.2f} us")
    both, keys_only = bytes_per_record(n // 2)
    print(f"memory per retained record            {both:7.0f} B (NEW_AND_OLD_IMAGES, with the")
    print(f"                                      {keys_only:7.0f} B (KEYS_ONLY)   item versions)")
    rate = 10 if quick else 20
    print(f"7 simulated days, {rate} writes/minute, NEW_AND_OLD_IMAGES (tracemalloc):")
    rows = seven_days(rate)
    for day, held, size in rows[:-1]:
        print(f"  day {day}: {held:7d} records held, {size / 1e6:7.2f} MB")
    print(f"  peak: {rows[-1][2] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
