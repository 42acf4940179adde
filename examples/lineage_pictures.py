"""Pictures of the lineage lab: shard lineage, listed vs open shards, and the Lambda timeline.

The lab's table (4 partitions, a shard rotation every 4 hours) takes steady writes for a day;
one function reads the stream through an event source mapping.  This prints what each picture
shows, the Mermaid sketch of the lineage and the counts around the 24-hour mark, and, given a
directory (``python examples/lineage_pictures.py /tmp/see``), saves the pictures there as SVG
(and PNG when ``streamsim[png]`` is installed).
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path

from streamsim import Simulation

sim = Simulation(seed=2024)
table = sim.create_table("orders", hash_key="pk", partitions=4, stream_view_type="KEYS_ONLY")
function = sim.create_function("projector", lambda event, context: None, duration=0.2)
sim.client("lambda").create_event_source_mapping(
    FunctionName="projector",
    EventSourceArn=table.latest_stream_arn,
    StartingPosition="TRIM_HORIZON",
    BatchSize=100,
)
for step in range(143):  # 23 h 50 min of writes, every 10 minutes
    for item in range(8):
        table.put_item(Item={"pk": f"order#{item:02d}", "version": step})
    sim.advance(minutes=10)

stream = table.stream
(mapping,) = function.mappings
pictures = {
    "lab_lineage": stream.lineage(),
    "lab_lineage_lambda": stream.lineage(readers=mapping),
    "lab_timeline": mapping.timeline(),
}
for name, picture in pictures.items():
    print(f"{name}: {picture!r}")
print()
print(stream.lineage().to_mermaid())

sim.advance(hours=6, minutes=10)  # on past the 24-hour mark: closed shards age out
pictures["lab_counts"] = stream.counts()
print(f"lab_counts: {pictures['lab_counts']!r}")


def clock(elapsed: timedelta) -> str:
    """Elapsed virtual time as hours:minutes:seconds.milliseconds."""
    ms = elapsed // timedelta(milliseconds=1)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


for row in stream.counts_table():
    if timedelta(hours=19) <= row["elapsed"] <= timedelta(hours=29):
        print(f"  from {clock(row['elapsed'])}: {row['listed']:2} listed, {row['open']} open")
print()
expired = [row for row in stream.shards_table() if row["state"] == "expired"]
print(
    f"shards ever opened: {len(stream.shards_table())}, expired and still pictured: {len(expired)}"
)
first = mapping.invocations_table()[0]
size = first["batch_size"]
print(
    f"first invocation: instance {first['instance']} read {first['short_id']} "
    f"({size} record{'' if size == 1 else 's'}, {first['outcome']})"
)

if len(sys.argv) > 1:
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    png = importlib.util.find_spec("cairosvg") is not None
    for name, picture in pictures.items():
        picture.save(target / f"{name}.svg")
        if png:
            picture.save(target / f"{name}.png")
