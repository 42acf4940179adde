"""Quickstart: a table with a stream, a few writes through the boto3-shaped Table, and what the
stream recorded.

Run: ``python examples/quickstart.py``.  The output is deterministic (virtual time, seeded
randomness): ``examples/quickstart.out`` holds it, and the test suite compares the two.
"""

from __future__ import annotations

from decimal import Decimal

from streamsim import Simulation


def main() -> None:
    sim = Simulation(seed=42)
    orders = sim.create_table(
        "orders",
        hash_key="customer",
        range_key="order_id",
        range_key_type="N",
        stream_view_type="NEW_AND_OLD_IMAGES",
    )
    print(orders)

    # Writes, in the shapes boto3's resource Table takes them: plain Python values.
    orders.put_item(Item={"customer": "alice", "order_id": 1, "total": Decimal("30.50")})
    orders.put_item(Item={"customer": "alice", "order_id": 2, "total": 12, "tags": {"gift"}})
    orders.put_item(Item={"customer": "bob", "order_id": 1, "total": 99})
    sim.advance(seconds=5)
    orders.update_item(
        Key={"customer": "alice", "order_id": 1},
        # "total" and "status" are DynamoDB reserved words: refer to them through placeholders.
        UpdateExpression="SET #t = #t + :tip, #s = :paid",
        ExpressionAttributeNames={"#t": "total", "#s": "status"},
        ExpressionAttributeValues={":tip": Decimal("4.50"), ":paid": "PAID"},
    )
    # A put that changes nothing, and a delete of a missing item: no stream record for either.
    orders.put_item(Item={"customer": "bob", "order_id": 1, "total": 99})
    orders.delete_item(Key={"customer": "carol", "order_id": 7})
    sim.advance(minutes=1)
    orders.delete_item(Key={"customer": "bob", "order_id": 1})

    print("\nItems now:")
    for item in orders.scan()["Items"]:
        print(" ", item)

    alice = orders.query(
        KeyConditionExpression="customer = :c", ExpressionAttributeValues={":c": "alice"}
    )
    print(f"\nQuery customer = alice: {alice['Count']} items")

    stream = orders.stream
    assert stream is not None
    print(f"\nStream {stream.label} ({stream.view_type}):")
    for shard in stream.shards:
        for record in shard.records:
            aws = record.to_aws()
            keys = dict(sorted(record.keys.items()))
            print(
                f"  {record.sequence_number} {aws['eventName']:<6} "
                f"{aws['dynamodb']['ApproximateCreationDateTime']:%H:%M:%S} Keys={keys} "
                f"images={sorted(k for k in aws['dynamodb'] if k.endswith('Image'))}"
            )


if __name__ == "__main__":
    main()
