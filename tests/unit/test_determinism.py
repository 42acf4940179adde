"""Same seed, same bytes: nothing depends on the wall clock, PYTHONHASHSEED or set order."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json
    from decimal import Decimal
    from streamsim import Simulation

    sim = Simulation(seed=SEED)
    table = sim.create_table("det", hash_key="pk", range_key="sk", range_key_type="N", partitions=3,
                             stream_view_type="NEW_AND_OLD_IMAGES")
    for i in range(300):
        table.put_item(Item={
            "pk": f"user#{i % 17}", "sk": i,
            "tags": {f"t{i % 5}", f"u{i % 3}", "x"},
            "nums": {Decimal(i), Decimal(i + 1)},
            "blob": bytes([i % 256]) * 3,
            "nested": {"a": [i, {"b": str(i)}], "c": None, "d": True},
        })
        if i % 50 == 49:
            sim.advance(hours=1)
        if i == 120:
            table.split_partition(1)
        if i % 7 == 0:
            table.delete_item(Key={"pk": f"user#{i % 17}", "sk": i - 7})
    sim.advance(hours=5)
    streams = sim.client("dynamodbstreams")
    arn = table.latest_stream_arn
    out = [streams.describe_stream(StreamArn=arn)["StreamDescription"]]
    for shard in out[0]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        page = streams.get_records(ShardIterator=it, Limit=1000)
        out.append(page["Records"])
    out.append(table.scan()["Items"])
    for o in out[:1]:
        o.pop("ResponseMetadata", None)
    def plain(value):
        # a Python set has no order of its own: show its members sorted
        if isinstance(value, (set, frozenset)):
            return sorted(repr(v) for v in value)
        return repr(value)
    print(json.dumps(out, default=plain, sort_keys=False))
    """
)


def _run(seed: int, hashseed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("SEED", str(seed))],
        env=env,
        capture_output=True,
        check=True,
    )
    return result.stdout


def test_same_seed_gives_identical_bytes_across_hash_seeds() -> None:
    """Two processes with different PYTHONHASHSEED produce byte-identical output."""
    first = _run(7, "1")
    second = _run(7, "12345")
    assert len(first) > 10_000
    assert first == second


def test_different_seeds_give_different_shard_ids() -> None:
    """The seed is really used: another seed gives other shard ids."""
    assert _run(7, "1") != _run(8, "1")
