"""What the benchmarks share: the items they write (5 attributes, Python and DynamoDB JSON) and
a no-op Lambda consumer of a stream."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from streamsim import Simulation


def python_items(run: int, count: int) -> list[dict[str, Any]]:
    """``count`` items of 5 attributes: key, two strings, a number and a boolean.

    Every run writes new values to the same keys, so each write changes its item (a put
    that changes nothing is cheaper: it produces no change and no stream record).
    """
    return [
        {
            "pk": f"user#{i:06d}",
            "name": "alice",
            "city": "Lisbon",
            "score": Decimal(run * 1000 + i % 1000),
            "active": i % 2 == 0,
        }
        for i in range(count)
    ]


def wire_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same items in DynamoDB JSON (canonical form, as the low-level client takes them)."""
    return [
        {
            "pk": {"S": item["pk"]},
            "name": {"S": item["name"]},
            "city": {"S": item["city"]},
            "score": {"N": str(item["score"])},
            "active": {"BOOL": item["active"]},
        }
        for item in items
    ]


def noop_consumer(sim: Simulation, name: str = "noop") -> list[int]:
    """Map a no-op function to the simulation's first stream (LATEST, BatchSize 100).

    Returns a one-element list counting the records the function was handed.
    """
    delivered = [0]

    def handler(event: dict[str, Any], context: Any) -> None:
        delivered[0] += len(event["Records"])

    sim.create_function(name, handler)
    sim.client("lambda").create_event_source_mapping(
        FunctionName=name,
        EventSourceArn=sim.streams[0].arn,
        StartingPosition="LATEST",
        BatchSize=100,
    )
    return delivered


def best_us_per_call(runs: int, run: Callable[[int], None], calls: int) -> float:
    """Best of ``runs`` timed runs of ``run(index)`` (after one warm-up run, index 0), in
    microseconds per call (each run makes ``calls`` calls)."""
    run(0)
    best = float("inf")
    for index in range(1, runs + 1):
        start = time.perf_counter()
        run(index)
        best = min(best, time.perf_counter() - start)
    return best / calls * 1e6
