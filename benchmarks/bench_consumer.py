"""Wall-clock cost of one small consumer test case, end to end (issue 15's "done means").

Run: ``python benchmarks/bench_consumer.py``.  The case: a new simulation, a 2-partition table
with a stream, one mapping to a no-op handler, 50 writes, one minute of virtual time.  Three
figures, each the median over ``RUNS`` repetitions, in milliseconds per case:

* ``bare``: exactly that, with ``sim.advance(minutes=1)``;
* ``drained``: the same, drained with ``sim.run_until_idle(timedelta(minutes=1))`` (stops as
  soon as the mapping caught up);
* ``toolkit``: one ``run_consumer_test`` case of the same size (50 puts, a one-minute advance,
  a ConsumerHistory, a sink table, every checker), i.e. what one Hypothesis example costs.

The target is at most 1 ms for the bare case.  A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from streamsim._simulation import Simulation
from streamsim.testing import Advance, Put, Scenario, run_consumer_test

RUNS = 300
WRITES = 50


def case(drain: bool) -> None:
    """One small case: new simulation, 2 partitions, one mapping, 50 writes, one minute."""
    sim = Simulation(seed=1)
    table = sim.create_table("t1x", hash_key="pk", partitions=2, stream_view_type="NEW_IMAGE")
    sim.create_function("fn", lambda event, context: None)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="fn", EventSourceArn=table.latest_stream_arn, StartingPosition="TRIM_HORIZON"
    )
    for i in range(WRITES):
        table.put_item(Item={"pk": f"k{i}", "n": i})
    if drain:
        sim.run_until_idle(timedelta(minutes=1))
    else:
        sim.advance(minutes=1)


SCENARIO = Scenario(
    operations=(*(Put(f"k{i}", i + 1) for i in range(WRITES)), Advance(60_000)),
    mapping={"BatchSize": 100},
)


def toolkit() -> None:
    """One run_consumer_test case of the same size."""

    def consumer(sink: Any) -> Any:
        return lambda event, context: None

    run_consumer_test(consumer, SCENARIO, expected=lambda items: [])


def median_ms(fn: Callable[[], None]) -> float:
    """Median wall-clock milliseconds of ``fn`` over RUNS calls (after a warm-up)."""
    fn()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Print the three figures."""
    bare = median_ms(lambda: case(drain=False))
    drained = median_ms(lambda: case(drain=True))
    full = median_ms(toolkit)
    print(f"bare     {bare:7.3f} ms per case (target <= 1 ms)")
    print(f"drained  {drained:7.3f} ms per case ({drained / bare:.2f}x bare)")
    print(f"toolkit  {full:7.3f} ms per case ({full / bare:.2f}x bare)")


if __name__ == "__main__":
    main()
