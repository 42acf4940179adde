"""Index key values are held to the table's key size limits on every write (rule H.38)."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._dynamodb._indexes import INDEX_CREATE_MS
from streamsim._errors import TransactionCanceledException, ValidationException
from streamsim._simulation import Simulation

from .conftest import definitions

#: a table pk / sk (S) with a GSI on g (S) / r (S) and an LSI on l (S)
SIZED = {
    "TableName": "sized",
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": definitions(pk="S", sk="S", g="S", r="S", l="B"),
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-g",
            "KeySchema": [
                {"AttributeName": "g", "KeyType": "HASH"},
                {"AttributeName": "r", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "LocalSecondaryIndexes": [
        {
            "IndexName": "by-l",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "l", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
}


def message(attr: str, size: int, limit: int, index: str) -> str:
    return (
        f"One or more parameter values were invalid: Size limit exceeded for Index Key {attr} "
        f"Actual Size: {size} bytes Max Size: {limit} bytes IndexName: {index}"
    )


def write(client: Any, operation: str, item: dict[str, Any]) -> None:
    """Write ``item`` to ``sized`` through one write operation."""
    rest = {k: v for k, v in item.items() if k not in ("pk", "sk")}
    update = {
        "TableName": "sized",
        "Key": {"pk": item["pk"], "sk": item["sk"]},
        "UpdateExpression": "SET " + ", ".join(f"#{k} = :{k}" for k in rest),
        "ExpressionAttributeNames": {f"#{k}": k for k in rest},
        "ExpressionAttributeValues": {f":{k}": v for k, v in rest.items()},
    }
    if operation == "put":
        client.put_item(TableName="sized", Item=item)
    elif operation == "update":
        client.update_item(**update)
    elif operation == "transaction-update":
        client.transact_write_items(TransactItems=[{"Update": update}])
    elif operation == "batch":
        client.batch_write_item(RequestItems={"sized": [{"PutRequest": {"Item": item}}]})
    else:
        client.transact_write_items(TransactItems=[{"Put": {"TableName": "sized", "Item": item}}])


CASES = [
    # (attribute, value, size, limit, index)
    ("g", {"S": "é" * 1025}, 2050, 2048, "by-g"),
    ("r", {"S": "x" * 1025}, 1025, 1024, "by-g"),
    ("l", {"B": b"\x00" * 1025}, 1025, 1024, "by-l"),
]


@pytest.mark.parametrize(
    "operation", ["put", "update", "batch", "transaction", "transaction-update"]
)
@pytest.mark.parametrize(("attr", "value", "size", "limit", "index"), CASES)
def test_rule_h38_index_key_over_its_size_limit_is_rejected(
    client: Any,
    operation: str,
    attr: str,
    value: dict[str, Any],
    size: int,
    limit: int,
    index: str,
) -> None:
    """An index key value over 2,048 bytes (partition) or 1,024 (sort) is rejected with AWS's
    message by every write, through both client faces; nothing is written."""
    client.create_table(**SIZED)
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, attr: value}
    expected = message(attr, size, limit, index)
    if operation.startswith("transaction"):
        with pytest.raises(TransactionCanceledException) as cancelled:
            write(client, operation, item)
        reasons = cancelled.value.response["CancellationReasons"]
        assert reasons == [{"Code": "ValidationError", "Message": expected}]
    else:
        with pytest.raises(ValidationException) as caught:
            write(client, operation, item)
        assert caught.value.response["Error"]["Message"] == expected
    assert client.scan(TableName="sized")["Count"] == 0


@pytest.mark.parametrize(("attr", "limit"), [("g", 2048), ("r", 1024)])
def test_rule_h38_index_key_at_its_size_limit_is_written(
    client: Any, attr: str, limit: int
) -> None:
    """A value of exactly the limit is an index key like any other."""
    client.create_table(**SIZED)
    other = "r" if attr == "g" else "g"
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, attr: {"S": "x" * limit}, other: {"S": "y"}}
    client.put_item(TableName="sized", Item=item)
    assert client.scan(TableName="sized", IndexName="by-g")["Count"] == 1


def test_rule_h38_table_face_rejects_an_index_key_over_its_limit(sim: Simulation) -> None:
    """The resource Table gives the same ValidationException for put_item and update_item."""
    sim.client("dynamodb").create_table(**SIZED)
    table = sim.table("sized")
    expected = message("g", 2049, 2048, "by-g")
    with pytest.raises(ValidationException) as caught:
        table.put_item(Item={"pk": "a", "sk": "1", "g": "x" * 2049})
    assert caught.value.response["Error"]["Message"] == expected
    with pytest.raises(ValidationException) as caught:
        table.update_item(
            Key={"pk": "a", "sk": "1"},
            UpdateExpression="SET r = :r",
            ExpressionAttributeValues={":r": "x" * 1025},
        )
    assert caught.value.response["Error"]["Message"] == message("r", 1025, 1024, "by-g")
    assert table.scan()["Count"] == 0


def test_rule_h38_backfill_leaves_out_items_over_the_limit(sim: Simulation) -> None:
    """A GSI added by UpdateTable leaves out the existing items whose key value is too large
    (as of a wrong type): they stay in the table, outside the index."""
    client = sim.client("dynamodb")
    client.create_table(**SIZED)
    client.put_item(TableName="sized", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "y": {"S": "v"}})
    big = {"pk": {"S": "b"}, "sk": {"S": "1"}, "y": {"S": "v" * 2049}}
    client.put_item(TableName="sized", Item=big)
    client.update_table(
        TableName="sized",
        AttributeDefinitions=definitions(y="S"),
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-y",
                    "KeySchema": [{"AttributeName": "y", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            }
        ],
    )
    sim.advance(seconds=INDEX_CREATE_MS // 1000)
    assert client.scan(TableName="sized", IndexName="by-y")["Count"] == 1
    assert client.scan(TableName="sized")["Count"] == 2
    with pytest.raises(ValidationException, match="Index Key y Actual Size: 2049 bytes"):
        client.put_item(TableName="sized", Item=big)
    sim._check()
