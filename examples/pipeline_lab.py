"""The lab pipeline as a short program: Kinesis -> Lambda -> DynamoDB -> stream -> Lambda.

A producer puts sensor readings to a Kinesis stream of 2 shards every 30 virtual seconds.
Function ``ingest`` reads the stream through an event source mapping and writes each reading to
a DynamoDB table with 4 partitions and a NEW_AND_OLD_IMAGES stream.  Function ``project`` reads
the table's stream; so does function ``audit``, whose reserved concurrency is 1.  After 24
virtual hours the program prints the shard lineage of both streams, the Lambda instances that
ran, what reserved concurrency 1 did to ``audit``, and checks every reading end to end.

``python -m streamsim lab`` runs the same pipeline with options and a fuller report.
"""

from __future__ import annotations

import json
from base64 import b64decode
from datetime import timedelta
from typing import Any

from streamsim import Simulation

sim = Simulation(seed=2024)
kinesis = sim.client("kinesis")
lam = sim.client("lambda")

kinesis.create_stream(StreamName="readings", ShardCount=2)
summary = kinesis.describe_stream_summary(StreamName="readings")["StreamDescriptionSummary"]
table = sim.create_table(
    "readings", hash_key="sensor", partitions=4, stream_view_type="NEW_AND_OLD_IMAGES"
)

# What each function saw: (sensor, seq) in the order it saw them.
seen: dict[str, list[tuple[str, int]]] = {"ingest": [], "project": [], "audit": []}


def ingest(event: dict[str, Any], context: Any) -> None:
    """Function 1: each Kinesis record becomes the sensor's item in the table."""
    for record in event["Records"]:
        reading = json.loads(b64decode(record["kinesis"]["data"]))
        seen["ingest"].append((reading["sensor"], reading["seq"]))
        table.put_item(Item=reading)


def reader(name: str) -> Any:
    """Functions 2 and 3: remember each change of the table they are given."""

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            image = record["dynamodb"]["NewImage"]
            seen[name].append((image["sensor"]["S"], int(image["seq"]["N"])))

    return handler


sim.create_function("ingest", ingest, duration=0.15)
sim.create_function("project", reader("project"), duration=0.1)
sim.create_function("audit", reader("audit"), duration=1.0, reserved_concurrency=1)
for name, source in (
    ("ingest", summary["StreamARN"]),
    ("project", table.latest_stream_arn),
    ("audit", table.latest_stream_arn),
):
    lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=source, StartingPosition="TRIM_HORIZON", BatchSize=100
    )

produced = 0


def produce() -> None:
    """Put 6 readings of 12 sensors (the sensor is the partition key)."""
    global produced
    entries = []
    for seq in range(produced, produced + 6):
        reading = {"sensor": f"sensor-{seq % 12:02d}", "seq": seq, "celsius": 20 + seq % 7}
        entries.append({"Data": json.dumps(reading).encode(), "PartitionKey": reading["sensor"]})
    kinesis.put_records(StreamName="readings", Records=entries)
    produced += len(entries)


producer = sim.every(timedelta(seconds=30), produce)
sim.advance(hours=23, minutes=59)

print(f"virtual time: {sim.now.isoformat()}, readings produced: {produced}")
print()
print("Kinesis stream (its shards never rotate; only a reshard closes one):")
for shard in kinesis.list_shards(StreamName="readings")["Shards"]:
    is_open = "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    print(f"  {shard['ShardId']} {'open' if is_open else 'closed'}")
print()
print("The table's stream (each shard hands over to a child every 4 hours):")
print(table.stream.lineage_text())
print()

producer.cancel()
sim.run_until_idle()
for name in ("ingest", "project", "audit"):
    function = sim.lambda_service.function(name)
    print(
        f"{name:<8} peak instances {function.peak_concurrency}, "
        f"throttles {function.throttles:>5}, records {len(seen[name])}"
    )
ages = [
    sample.age_ms
    for mapping in sim.lambda_service.function("audit").mappings
    for sample in mapping.metrics.iterator_ages
]
print(f"audit's largest iterator age (newest 10,000 batches): {max(ages) / 1000:.1f} s")
print()

for name, order in seen.items():
    once = sorted(seq for _, seq in order) == list(range(produced))
    in_key_order = all(
        [seq for sensor, seq in order if sensor == key]
        == sorted(seq for sensor, seq in order if sensor == key)
        for key in sorted({sensor for sensor, _ in order})
    )
    print(f"{name:<8} every reading exactly once: {once}, each sensor's in order: {in_key_order}")
