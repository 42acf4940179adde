"""Microseconds per ``put_item`` of a 5-attribute item, Table face and client face.

Run: ``python benchmarks/bench_writes.py``.  Each figure is the best of several timed runs after
a warm-up, quoted next to a baseline measured in the same process: storing the same items in a
plain ``dict`` (copying each item, as a store must).  A benchmark, not a test: it asserts
nothing.  The target (issue 2) is at most 5 us per write on the Table face.
"""

from __future__ import annotations

from typing import Any

from _workload import best_us_per_call, python_items, wire_items

from streamsim._simulation import Simulation

N_ITEMS = 20_000
RUNS = 7


def main() -> None:
    items = [python_items(run, N_ITEMS) for run in range(RUNS + 1)]
    wire = [wire_items(batch) for batch in items]

    store: dict[str, dict[str, Any]] = {}

    def baseline(run: int) -> None:
        for item in items[run]:
            store[item["pk"]] = dict(item)

    sim = Simulation(seed=0)
    table = sim.create_table("bench-table", hash_key="pk")
    put = table.put_item

    def table_face(run: int) -> None:
        for item in items[run]:
            put(Item=item)

    client = sim.client("dynamodb")
    client.create_table(
        TableName="bench-client",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client_put = client.put_item

    def client_face(run: int) -> None:
        for item in wire[run]:
            client_put(TableName="bench-client", Item=item)

    streamed = sim.create_table(
        "bench-stream", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES"
    )
    streamed_put = streamed.put_item

    def table_face_stream(run: int) -> None:
        for item in items[run]:
            streamed_put(Item=item)

    base = best_us_per_call(RUNS, baseline, N_ITEMS)
    rows = [
        ("dict store (baseline)", base),
        ("Table.put_item", best_us_per_call(RUNS, table_face, N_ITEMS)),
        ("client.put_item", best_us_per_call(RUNS, client_face, N_ITEMS)),
        ("Table.put_item, stream on", best_us_per_call(RUNS, table_face_stream, N_ITEMS)),
    ]
    print(f"put_item of 5-attribute items, best of {RUNS} runs of {N_ITEMS} writes")
    for name, us in rows:
        print(f"  {name:<28} {us:7.2f} us/write   {us / base:6.1f} x baseline")


if __name__ == "__main__":
    main()
