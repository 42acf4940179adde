"""The lineage lab: watch shard lineage form, and see why one Lambda instance runs per shard.

A table with 4 partitions and a NEW_AND_OLD_IMAGES stream takes steady writes for just under
24 hours of virtual time.  Every shard closes after 4 hours and hands over to a child, so each
partition leaves a chain of 6 shards: 24 shards, 4 of them open.  A Lambda function consumes
the stream through an event source mapping; it runs one instance per shard at a time, so at
most 4 instances run at once, and never reads a child shard before its parent is finished.
"""

from __future__ import annotations

from typing import Any

from streamsim import Simulation

sim = Simulation(seed=2024)
table = sim.create_table(
    "orders", hash_key="pk", partitions=4, stream_view_type="NEW_AND_OLD_IMAGES"
)

seen: list[tuple[str, int]] = []  # (item key, version) in the order the function saw them


def handler(event: dict[str, Any], context: Any) -> None:
    """Remember each change the function is given."""
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        seen.append((image["pk"]["S"], int(image["version"]["N"])))


sim.create_function("order-projector", handler, duration=0.2)
lam = sim.client("lambda")
mapping = lam.create_event_source_mapping(
    FunctionName="order-projector",
    EventSourceArn=table.latest_stream_arn,
    StartingPosition="TRIM_HORIZON",
    BatchSize=100,
)

# Steady writes: 20 items, each updated every 10 minutes, for 23 h 50 min.
writes = 0
for step in range(143):
    for item in range(20):
        table.put_item(Item={"pk": f"order#{item:02d}", "version": step})
        writes += 1
    sim.advance(minutes=10)

streams = sim.client("dynamodbstreams")
desc = streams.describe_stream(StreamArn=table.latest_stream_arn)["StreamDescription"]
shards = desc["Shards"]
open_shards = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
print(f"virtual time: {sim.now.isoformat()}")
print(f"writes: {writes}")
print(f"shards in DescribeStream: {len(shards)} ({len(open_shards)} open)")
print()
print(table.stream.lineage_text())
print()

function = sim.lambda_service.function("order-projector")
log = lam.get_event_source_mapping(UUID=mapping["UUID"])
invocations = sim.lambda_service.mapping(mapping["UUID"]).invocation_log
print(f"mapping state: {log['State']}, last result: {log['LastProcessingResult']}")
print(f"invocations: {len(invocations)}, records delivered: {len(seen)}")
print(f"peak concurrent instances: {function.peak_concurrency} (one per open shard)")

in_order = all(
    earlier < later
    for key in {k for k, _ in seen}
    for earlier, later in zip(
        [v for k, v in seen if k == key], [v for k, v in seen if k == key][1:], strict=False
    )
)
print(f"every item's versions seen in write order: {in_order}")
