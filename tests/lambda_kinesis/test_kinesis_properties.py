"""Properties of a Kinesis mapping across random workloads, failures and reshards (rule L.8,
L.9, L.11): each partition key's records succeed in the order they were written, and every
record is in exactly one successful invocation."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from tests.lambda_kinesis.support import data_of, kinesis, map_function, put

KEYS = [f"user{i}" for i in range(6)]

_op = st.one_of(
    st.tuples(st.just("put"), st.lists(st.sampled_from(KEYS), min_size=1, max_size=12)),
    st.tuples(st.just("wait"), st.integers(1, 3_000)),
    st.tuples(st.just("split"), st.integers(0, 10)),
    st.tuples(st.just("merge"), st.integers(0, 10)),
)


def _reshard(sim: Any, stream: Any, kind: str, pick: int) -> None:
    service = sim._model.kinesis
    shards = stream.open_shards()
    if kind == "split":
        if len(shards) >= 8:
            return
        shard = shards[pick % len(shards)]
        lo, hi = shard.hash_range
        service.split_shard(stream, shard.shard_id, str((lo + hi) // 2))
    else:
        if len(shards) < 2:
            return
        i = pick % (len(shards) - 1)
        service.merge_shards(stream, shards[i].shard_id, shards[i + 1].shard_id)
    sim.advance(seconds=2)  # UPDATING ends; the new shard map takes effect


@example(  # a backlog in the parent when the split takes effect
    ops=[("put", ["user0"] * 12), ("split", 0), ("put", ["user0"] * 3)],
    factor=1,
    batch_size=1,
    shards=1,
    bisect=False,
    duration=1.5,
)
@example(  # both parents of a merge hold a backlog
    ops=[("put", KEYS * 3), ("merge", 0), ("put", KEYS)],
    factor=2,
    batch_size=2,
    shards=2,
    bisect=True,
    duration=0.5,
)
@given(
    ops=st.lists(_op, min_size=1, max_size=60),
    factor=st.integers(1, 3),
    batch_size=st.integers(1, 8),
    shards=st.integers(1, 3),
    bisect=st.booleans(),
    duration=st.sampled_from([0.05, 0.5, 1.5]),
)
def test_per_key_order_and_exactly_once_per_success_across_reshards(
    ops: list[tuple[str, Any]],
    factor: int,
    batch_size: int,
    shards: int,
    bisect: bool,
    duration: float,
) -> None:
    """Per key, successful deliveries follow write order; each record succeeds exactly once."""
    sim, stream = kinesis(shards=shards)
    written: dict[str, list[int]] = {key: [] for key in KEYS}
    successes: list[list[dict[str, Any]]] = []
    failed_once: set[int] = set()

    def handler(event: dict[str, Any], context: Any) -> None:
        items = [data_of(r) for r in event["Records"]]
        for item in items:  # every fifth record fails its first delivery
            if item["n"] % 5 == 0 and item["n"] not in failed_once:
                failed_once.add(item["n"])
                raise RuntimeError(f"first delivery of {item['n']} fails")
        successes.append(items)

    map_function(
        sim,
        stream,
        handler,
        function={"duration": duration, "timeout": 5},
        ParallelizationFactor=factor,
        BatchSize=batch_size,
        BisectBatchOnFunctionError=bisect,
    )
    n = 0
    for kind, arg in ops:
        if kind == "put":  # a burst of writes: a backlog when a reshard comes
            for key in arg:
                put(sim, stream, key, {"key": key, "n": n})
                written[key].append(n)
                n += 1
        elif kind == "wait":
            sim.advance(milliseconds=arg)
        else:
            _reshard(sim, stream, kind, arg)
    sim.advance(minutes=10)
    sim._check()
    delivered = [item["n"] for items in successes for item in items]
    assert sorted(delivered) == list(range(n)), "each record succeeds exactly once"
    per_key: dict[str, list[int]] = {key: [] for key in KEYS}
    for items in successes:
        for item in items:
            per_key[item["key"]].append(item["n"])
    assert per_key == written, "each key's records succeed in write order"
