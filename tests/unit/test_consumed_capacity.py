"""ReturnConsumedCapacity (rule H.35): AWS's read and write units for every operation.

Through ``sim.client("dynamodb")`` and a real boto3 client (responses checked against botocore's
shapes), and the Table face.
"""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import Simulation
from tests.sdk_support import FACES, client_for
from tests.unit.test_dynamodb_client import CheckedClient, create, s

KB = 1024


@pytest.fixture(params=FACES)
def client(request: pytest.FixtureRequest) -> Any:
    client = CheckedClient(client_for(Simulation(seed=6), "dynamodb", request.param))
    create(client)
    create(client, "other")
    return client


def _units(response: dict[str, Any]) -> Any:
    used = response["ConsumedCapacity"]
    if isinstance(used, list):
        return {entry["TableName"]: entry["CapacityUnits"] for entry in used}
    return used["CapacityUnits"]


def _sized(key: str, size: int) -> dict[str, Any]:
    """An item of exactly ``size`` bytes (pk plus a string attribute ``v``)."""
    return {"pk": s(key), "v": s("x" * (size - 2 - len(key) - 1))}


def test_h35_total_and_indexes_forms(client: Any) -> None:
    """TOTAL gives TableName and CapacityUnits; INDEXES adds the table's own part."""
    total = client.put_item(
        TableName="orders", Item=_sized("a", 100), ReturnConsumedCapacity="TOTAL"
    )
    assert total["ConsumedCapacity"] == {"TableName": "orders", "CapacityUnits": 1.0}
    indexes = client.get_item(
        TableName="orders", Key={"pk": s("a")}, ReturnConsumedCapacity="INDEXES"
    )
    assert indexes["ConsumedCapacity"] == {
        "TableName": "orders",
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }
    assert "ConsumedCapacity" not in client.get_item(TableName="orders", Key={"pk": s("a")})


def test_h35_get_item_reads_4kb_units_half_when_eventual(client: Any) -> None:
    """GetItem: one unit per 4 KB strongly consistent, half eventually; a missing item costs one."""
    client.put_item(TableName="orders", Item=_sized("a", 4 * KB))
    client.put_item(TableName="orders", Item=_sized("b", 4 * KB + 1))
    for key, consistent, units in [
        ("a", True, 1),
        ("b", True, 2),
        ("b", False, 1),
        ("none", True, 1),
        ("none", False, 0.5),
    ]:
        got = client.get_item(
            TableName="orders",
            Key={"pk": s(key)},
            ConsistentRead=consistent,
            ReturnConsumedCapacity="TOTAL",
        )
        assert _units(got) == units, (key, consistent)


def test_h35_writes_charge_the_larger_of_old_and_new(client: Any) -> None:
    """PutItem, UpdateItem and DeleteItem: one unit per KB of the larger of old and new item."""
    put = client.put_item(
        TableName="orders", Item=_sized("a", 2 * KB + 1), ReturnConsumedCapacity="TOTAL"
    )
    assert _units(put) == 3
    smaller = client.put_item(
        TableName="orders", Item=_sized("a", 10), ReturnConsumedCapacity="TOTAL"
    )
    assert _units(smaller) == 3
    update = client.update_item(
        TableName="orders",
        Key={"pk": s("a")},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": s("y" * 1500)},
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(update) == 2
    assert (
        _units(
            client.delete_item(
                TableName="orders", Key={"pk": s("a")}, ReturnConsumedCapacity="TOTAL"
            )
        )
        == 2
    )
    assert (
        _units(
            client.delete_item(
                TableName="orders", Key={"pk": s("a")}, ReturnConsumedCapacity="TOTAL"
            )
        )
        == 1
    )


def test_h35_batches_charge_each_item_on_its_own(client: Any) -> None:
    """BatchWriteItem and BatchGetItem round each item separately, one entry per table."""
    written = client.batch_write_item(
        RequestItems={
            "orders": [{"PutRequest": {"Item": _sized(f"k{i}", 10)}} for i in range(3)]
            + [{"PutRequest": {"Item": _sized("big", KB + 1)}}],
            "other": [{"PutRequest": {"Item": _sized("o", 10)}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(written) == {"orders": 5, "other": 1}
    read = client.batch_get_item(
        RequestItems={
            "orders": {
                "Keys": [{"pk": s(f"k{i}")} for i in range(3)] + [{"pk": s("none")}],
                "ConsistentRead": True,
            },
            "other": {"Keys": [{"pk": s("o")}]},
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(read) == {"orders": 4, "other": 0.5}


def test_h35_query_and_scan_round_the_total_read(client: Any) -> None:
    """Query and Scan: the sizes of the items read, summed, then rounded up to 4 KB."""
    for i in range(3):
        client.put_item(TableName="orders", Item=_sized(f"k{i}", 2 * KB))
    scan = client.scan(TableName="orders", ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert _units(scan) == 2
    eventual = client.scan(TableName="orders", ReturnConsumedCapacity="TOTAL")
    assert _units(eventual) == 1
    query = client.query(
        TableName="orders",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": s("nothing")},
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(query) == 0.5


def test_h35_transactions_cost_double(client: Any) -> None:
    """TransactWriteItems costs two units per KB of each item, TransactGetItems two per 4 KB."""
    written = client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": _sized("a", KB + 1)}},
            {"Put": {"TableName": "other", "Item": _sized("b", 10)}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(written) == {"orders": 4, "other": 2}
    read = client.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": "orders", "Key": {"pk": s("a")}}},
            {"Get": {"TableName": "orders", "Key": {"pk": s("none")}}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(read) == {"orders": 4}


def test_h35_transactional_writes_cost_the_larger_of_old_and_new_item(client: Any) -> None:
    """A transactional write costs two units per KB of the larger of the item before and after
    (an Update shrinking a 3 KB item: 6; a Delete of 2 KB: 4); a ConditionCheck, of the item
    it checks (the item is now small: 2)."""
    client.put_item(TableName="orders", Item=_sized("big", 3 * KB))
    client.put_item(TableName="other", Item=_sized("gone", 2 * KB))
    written = client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "orders",
                    "Key": {"pk": s("big")},
                    "UpdateExpression": "REMOVE v",
                }
            },
            {"Delete": {"TableName": "other", "Key": {"pk": s("gone")}}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(written) == {"orders": 6, "other": 4}
    checked = client.transact_write_items(
        TransactItems=[
            {
                "ConditionCheck": {
                    "TableName": "orders",
                    "Key": {"pk": s("big")},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            {"Put": {"TableName": "other", "Item": _sized("new", 10)}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert _units(checked) == {"orders": 2, "other": 2}


def test_h35_table_face_reports_capacity() -> None:
    """The Table face reports the same ConsumedCapacity."""
    table = Simulation(seed=6).create_table("orders", hash_key="pk")
    put = table.put_item(Item={"pk": "a", "v": "x" * 1500}, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": "orders", "CapacityUnits": 2.0}
    got = table.query(
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": "a"},
        ReturnConsumedCapacity="INDEXES",
    )
    assert got["ConsumedCapacity"] == {
        "TableName": "orders",
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }
