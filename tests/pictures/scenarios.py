"""The runs the picture tests draw: the lineage lab, a split, and a throttled function.

Each builder is a plain function of a seed, so a subprocess can rebuild the same run (the
``PYTHONHASHSEED`` test) and a golden file can be regenerated with
``STREAMSIM_REGEN_GOLDEN=1 pytest tests/pictures``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from streamsim import EventSourceMapping, Simulation, Table

GOLDEN = Path(__file__).parent / "golden"


def lab(seed: int = 2024, *, items: int = 8) -> tuple[Simulation, Table, EventSourceMapping]:
    """The lab: 4 partitions, steady writes every 10 minutes for 23 h 50 min, one mapping."""
    sim = Simulation(seed=seed)
    table = sim.create_table(
        "orders", hash_key="pk", partitions=4, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    function = sim.create_function("projector", lambda event, context: None, duration=0.2)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="projector",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=100,
    )
    for step in range(143):
        for item in range(items):
            table.put_item(Item={"pk": f"order#{item:02d}", "version": step})
        sim.advance(minutes=10)
    (mapping,) = function.mappings
    return sim, table, mapping


def split(seed: int = 7) -> tuple[Simulation, Table]:
    """One partition written every 30 minutes; it splits at 6 h, and the left half at 9 h."""
    sim = Simulation(seed=seed)
    table = sim.create_table("events", hash_key="pk", stream_view_type="KEYS_ONLY")
    for step in range(24):
        for item in range(6):
            table.put_item(Item={"pk": f"k{item}", "n": step})
        sim.advance(minutes=30)
        if step == 11:
            table.split_partition(0)
        if step == 17:
            table.split_partition(0)
    return sim, table


def throttled(seed: int = 3) -> tuple[Simulation, Table, EventSourceMapping]:
    """Reserved concurrency 1 on a 4-partition stream: instances wait, iterator age grows."""
    sim = Simulation(seed=seed)
    table = sim.create_table("clicks", hash_key="pk", partitions=4, stream_view_type="KEYS_ONLY")
    function = sim.create_function(
        "counter", lambda event, context: None, duration=2.5, reserved_concurrency=1
    )
    sim.client("lambda").create_event_source_mapping(
        FunctionName="counter",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
    )
    for step in range(90):
        for item in range(12):
            table.put_item(Item={"pk": f"c{item}", "n": step})
        sim.advance(seconds=10)
    (mapping,) = function.mappings
    return sim, table, mapping


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/<name>`` (or rewrite it under STREAMSIM_REGEN_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("STREAMSIM_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (see {path})"


def bars(svg: str) -> list[dict[str, Any]]:
    """The shard bars of a lineage SVG: x, y, width, height, fill, shard id, parent id."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    out = []
    for rect in ET.fromstring(svg.split("\n", 1)[1]).iter(f"{ns}rect"):
        title = rect.find(f"{ns}title")
        if title is None or not (title.text or "").startswith("shardId-"):
            continue
        lines = (title.text or "").splitlines()
        parent = next((ln.split()[1] for ln in lines if ln.startswith("parent ")), None)
        out.append(
            {
                "x": float(rect.get("x", "0")),
                "y": float(rect.get("y", "0")),
                "width": float(rect.get("width", "0")),
                "height": float(rect.get("height", "0")),
                "fill": rect.get("fill"),
                "faded": rect.get("fill-opacity") is not None,
                "shard_id": lines[0],
                "parent_id": parent,
            }
        )
    return out


def kinesis(seed: int = 11) -> tuple[Simulation, EventSourceMapping]:
    """A Kinesis stream of 2 shards written every 10 s for 3 h, read by one mapping: shard 0
    splits at 1 h, two of its shards merge at 2 h, and UpdateShardCount doubles at 2 h 30."""
    sim = Simulation(seed=seed)
    kinesis = sim.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    sim.create_function("counter", lambda event, context: None, duration=0.3)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="counter",
        EventSourceArn=sim.kinesis_stream("clicks").arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=50,
    )
    for step in range(1080):
        for key in range(4):
            data = b'{"n": %d}' % step
            kinesis.put_record(StreamName="clicks", Data=data, PartitionKey=f"k{key}")
        sim.advance(seconds=10)
        if step == 360:
            kinesis.split_shard(
                StreamName="clicks",
                ShardToSplit="shardId-000000000000",
                NewStartingHashKey=str(2**126),
            )
        if step == 720:
            kinesis.merge_shards(
                StreamName="clicks",
                ShardToMerge="shardId-000000000003",
                AdjacentShardToMerge="shardId-000000000001",
            )
        if step == 900:
            kinesis.update_shard_count(
                StreamName="clicks", TargetShardCount=4, ScalingType="UNIFORM_SCALING"
            )
    (mapping,) = sim.lambda_service.function("counter").mappings
    return sim, mapping
