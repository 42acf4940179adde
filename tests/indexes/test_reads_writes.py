"""Writes keep indexes current and are checked against them (rule H.9); reads on an index
(rule H.10); index capacity and item collections (rule H.12)."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._errors import TransactionCanceledException, ValidationException
from streamsim._simulation import Simulation

from .conftest import table_params


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def put(client: Any, pk: str, sk: str, **attrs: Any) -> None:
    client.put_item(TableName="items", Item={"pk": s(pk), "sk": s(sk), **attrs})


def query_gsi(client: Any, g: str, **extra: Any) -> dict[str, Any]:
    params = {
        "TableName": "items",
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": s(g)},
        **extra,
    }
    return client.query(**params)  # type: ignore[no-any-return]


def keys(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["pk"]["S"], i["sk"]["S"]) for i in items]


# --- rule H.9 -----------------------------------------------------------------------------------


def test_rule_h9_sparse_index_leaves_out_items_without_its_keys(indexed: Any) -> None:
    """An item without the index's keys is not in the index; adding them puts it there."""
    put(indexed, "a", "1", g=s("x"))  # no n: not in by-g (g, n)
    put(indexed, "a", "2", g=s("x"), n=n(1))
    assert keys(query_gsi(indexed, "x")["Items"]) == [("a", "2")]
    indexed.update_item(
        TableName="items",
        Key={"pk": s("a"), "sk": s("1")},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": n(0)},
    )
    assert keys(query_gsi(indexed, "x")["Items"]) == [("a", "1"), ("a", "2")]
    indexed.delete_item(TableName="items", Key={"pk": s("a"), "sk": s("2")})
    assert keys(query_gsi(indexed, "x")["Items"]) == [("a", "1")]


@pytest.mark.parametrize("operation", ["put", "update", "batch", "transaction"])
def test_rule_h9_index_key_of_the_wrong_type_is_rejected(indexed: Any, operation: str) -> None:
    """Every write path rejects an index key of the wrong type, with AWS's message."""
    item = {"pk": s("a"), "sk": s("1"), "g": n(5)}
    message = (
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
        "Actual: N IndexName: by-g"
    )
    if operation == "transaction":
        with pytest.raises(TransactionCanceledException) as caught:
            indexed.transact_write_items(
                TransactItems=[{"Put": {"TableName": "items", "Item": item}}]
            )
        reason = caught.value.response["CancellationReasons"][0]
        assert reason == {"Code": "ValidationError", "Message": message}
    else:
        calls = {
            "put": lambda: indexed.put_item(TableName="items", Item=item),
            "update": lambda: indexed.update_item(
                TableName="items",
                Key={"pk": s("a"), "sk": s("1")},
                UpdateExpression="SET g = :g",
                ExpressionAttributeValues={":g": n(5)},
            ),
            "batch": lambda: indexed.batch_write_item(
                RequestItems={"items": [{"PutRequest": {"Item": item}}]}
            ),
        }
        with pytest.raises(ValidationException) as caught:
            calls[operation]()
        assert caught.value.response["Error"]["Message"] == message
    assert indexed.scan(TableName="items")["Count"] == 0


def test_rule_h9_empty_string_index_key_is_rejected(indexed: Any) -> None:
    """An empty string as an index key value is rejected; nothing is written."""
    with pytest.raises(ValidationException, match="IndexName: by-g, IndexKey: g"):
        put(indexed, "a", "1", g=s(""))
    assert indexed.scan(TableName="items")["Count"] == 0


def test_rule_h9_streams_carry_only_the_tables_changes(sim: Simulation) -> None:
    """A table with indexes puts one record per item change on its stream, none per index."""
    client = sim.client("dynamodb")
    client.create_table(
        **table_params(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    )
    put(client, "a", "1", g=s("x"), n=n(1))
    put(client, "a", "1", g=s("y"), n=n(2))
    table = sim.table("items")
    assert table.stream is not None
    assert sum(len(shard.records) for shard in table.stream.shards) == 2


def test_rule_h9_ttl_deletion_leaves_the_index(sim: Simulation) -> None:
    """An item the TTL sweep deletes leaves its indexes too."""
    client = sim.client("dynamodb")
    client.create_table(**table_params())
    client.update_time_to_live(
        TableName="items", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    put(client, "a", "1", g=s("x"), n=n(1), exp=n(sim.now.timestamp() // 1 - 10))
    sim.advance(hours=3)
    assert query_gsi(client, "x")["Items"] == []
    sim._check()


# --- rule H.10 ----------------------------------------------------------------------------------


def test_rule_h10_query_orders_by_index_keys_then_table_keys(indexed: Any) -> None:
    """Query on a GSI returns index sort-key order; equal index keys by the table's key."""
    put(indexed, "b", "1", g=s("x"), n=n(2))
    put(indexed, "a", "2", g=s("x"), n=n(2))
    put(indexed, "a", "1", g=s("x"), n=n(2))
    put(indexed, "c", "1", g=s("x"), n=n(-1))
    put(indexed, "d", "1", g=s("y"), n=n(0))
    forward = keys(query_gsi(indexed, "x")["Items"])
    assert forward == [("c", "1"), ("a", "1"), ("a", "2"), ("b", "1")]
    backward = keys(query_gsi(indexed, "x", ScanIndexForward=False)["Items"])
    assert backward == forward[::-1]


def test_rule_h10_keys_only_projection(indexed: Any) -> None:
    """A KEYS_ONLY index returns the table's and the index's keys only."""
    put(indexed, "a", "1", g=s("x"), n=n(1), x=s("big"), y=s("other"))
    (item,) = query_gsi(indexed, "x")["Items"]
    assert item == {"pk": s("a"), "sk": s("1"), "g": s("x"), "n": n(1)}


def test_rule_h10_include_projection_and_lsi_fetch(indexed: Any) -> None:
    """An INCLUDE LSI returns keys and its NonKeyAttributes; asking for more fetches them."""
    put(indexed, "a", "1", g=s("x"), n=n(1), x=s("big"), y=s("other"))
    params = {
        "TableName": "items",
        "IndexName": "by-n",
        "KeyConditionExpression": "pk = :p AND n >= :n",
        "ExpressionAttributeValues": {":p": s("a"), ":n": n(0)},
    }
    (item,) = indexed.query(**params)["Items"]
    assert item == {"pk": s("a"), "sk": s("1"), "n": n(1), "x": s("big")}
    (full,) = indexed.query(**params, Select="ALL_ATTRIBUTES")["Items"]
    assert full["y"] == s("other")
    (picked,) = indexed.query(**params, ProjectionExpression="y")["Items"]
    assert picked == {"y": s("other")}


def test_rule_h10_consistent_read_on_a_gsi_is_rejected(indexed: Any) -> None:
    """ConsistentRead on a GSI is rejected with AWS's message; on an LSI it is allowed."""
    with pytest.raises(
        ValidationException, match="Consistent reads are not supported on global secondary indexes"
    ):
        query_gsi(indexed, "x", ConsistentRead=True)
    with pytest.raises(ValidationException, match="Consistent reads are not supported"):
        indexed.scan(TableName="items", IndexName="by-g", ConsistentRead=True)
    assert indexed.scan(TableName="items", IndexName="by-n", ConsistentRead=True)["Count"] == 0


def test_rule_h10_pages_continue_from_index_and_table_keys(indexed: Any) -> None:
    """LastEvaluatedKey on an index holds its keys and the table's; pages join up."""
    for i in range(5):
        put(indexed, f"p{i % 2}", str(i), g=s("x"), n=n(i % 3))
    first = query_gsi(indexed, "x", Limit=2)
    assert set(first["LastEvaluatedKey"]) == {"g", "n", "pk", "sk"}
    seen = keys(first["Items"])
    start = first["LastEvaluatedKey"]
    while start:
        page = query_gsi(indexed, "x", Limit=2, ExclusiveStartKey=start)
        seen += keys(page["Items"])
        start = page.get("LastEvaluatedKey")
    assert seen == keys(query_gsi(indexed, "x")["Items"])
    scanned: list[tuple[str, str]] = []
    start = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = indexed.scan(TableName="items", IndexName="by-g", Limit=2, **extra)
        scanned += keys(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert sorted(scanned) == sorted(seen)


def test_rule_h10_exclusive_start_key_is_validated(indexed: Any) -> None:
    """An ExclusiveStartKey on an index must hold exactly the index's and the table's keys."""
    with pytest.raises(ValidationException, match="The provided starting key is invalid"):
        query_gsi(indexed, "x", ExclusiveStartKey={"pk": s("a"), "sk": s("1")})
    with pytest.raises(ValidationException, match="The provided starting key is invalid"):
        query_gsi(
            indexed, "x", ExclusiveStartKey={"pk": s("a"), "sk": s("1"), "g": s("x"), "n": s("1")}
        )


def test_rule_h10_select_on_a_gsi(indexed: Any) -> None:
    """ALL_ATTRIBUTES on a KEYS_ONLY GSI is rejected; ALL_PROJECTED_ATTRIBUTES is fine."""
    put(indexed, "a", "1", g=s("x"), n=n(1), y=s("y"))
    with pytest.raises(
        ValidationException,
        match="Select type ALL_ATTRIBUTES is not supported for global secondary index by-g",
    ):
        query_gsi(indexed, "x", Select="ALL_ATTRIBUTES")
    (item,) = query_gsi(indexed, "x", Select="ALL_PROJECTED_ATTRIBUTES")["Items"]
    assert "y" not in item


def test_rule_h10_all_projected_attributes_needs_an_index(indexed: Any) -> None:
    """Select=ALL_PROJECTED_ATTRIBUTES on the table itself is rejected."""
    with pytest.raises(ValidationException, match="ALL_PROJECTED_ATTRIBUTES"):
        indexed.scan(TableName="items", Select="ALL_PROJECTED_ATTRIBUTES")


def test_rule_h10_projection_of_an_unprojected_attribute_on_a_gsi(indexed: Any) -> None:
    """A ProjectionExpression naming an attribute a GSI does not project is rejected."""
    with pytest.raises(
        ValidationException, match=r"Global secondary index by-g does not project \[y\]"
    ):
        query_gsi(indexed, "x", ProjectionExpression="pk, #y", ExpressionAttributeNames={"#y": "y"})
    assert query_gsi(indexed, "x", ProjectionExpression="pk, g")["Count"] == 0


def test_rule_h10_unknown_index_is_rejected(indexed: Any) -> None:
    """IndexName must name an index of the table."""
    with pytest.raises(
        ValidationException, match="The table does not have the specified index: nope"
    ):
        indexed.scan(TableName="items", IndexName="nope")


def test_rule_h10_filter_may_not_name_the_index_keys(indexed: Any) -> None:
    """A Query filter on an index may not name the index's keys (rule H.2)."""
    with pytest.raises(ValidationException, match="Primary key attribute: n"):
        query_gsi(
            indexed,
            "x",
            FilterExpression="n > :z",
            ExpressionAttributeValues={":g": s("x"), ":z": n(0)},
        )


def test_rule_h10_key_condition_types_match_the_index(indexed: Any) -> None:
    """A key condition value of the wrong type for the index's key is rejected."""
    with pytest.raises(
        ValidationException, match="Condition parameter type does not match schema type"
    ):
        indexed.query(
            TableName="items",
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": n(1)},
        )


def test_rule_h10_table_resource_queries_an_index(sim: Simulation) -> None:
    """The resource Table queries and scans an index with Python values."""
    from decimal import Decimal

    sim.client("dynamodb").create_table(**table_params())
    table = sim.table("items")
    table.put_item(Item={"pk": "a", "sk": "1", "g": "x", "n": 2})
    table.put_item(Item={"pk": "b", "sk": "1", "g": "x", "n": 1})
    got = table.query(
        IndexName="by-g", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": "x"}
    )
    assert [i["n"] for i in got["Items"]] == [Decimal(1), Decimal(2)]
    assert table.scan(IndexName="by-n")["Count"] == 2
    with pytest.raises(ValidationException, match="Type mismatch for Index Key n"):
        table.put_item(Item={"pk": "c", "sk": "1", "n": "one"})


# --- rule H.12 ----------------------------------------------------------------------------------


def test_rule_h12_writes_consume_index_units(indexed: Any) -> None:
    """A write reports each index's write units under INDEXES, and adds them to TOTAL."""
    item = {"pk": s("a"), "sk": s("1"), "g": s("x"), "n": n(1)}
    out = indexed.put_item(TableName="items", Item=item, ReturnConsumedCapacity="INDEXES")
    used = out["ConsumedCapacity"]
    assert used["Table"] == {"CapacityUnits": 1.0}
    assert used["GlobalSecondaryIndexes"] == {"by-g": {"CapacityUnits": 1.0}}
    assert used["LocalSecondaryIndexes"] == {"by-n": {"CapacityUnits": 1.0}}
    assert used["CapacityUnits"] == 3.0
    moved = {**item, "g": s("y")}  # the GSI entry moves (2 units), the LSI's is unchanged
    out = indexed.put_item(TableName="items", Item=moved, ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["CapacityUnits"] == 3.0
    out = indexed.delete_item(
        TableName="items", Key={"pk": s("a"), "sk": s("1")}, ReturnConsumedCapacity="INDEXES"
    )
    assert out["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_rule_h12_index_write_units_count_the_entry_without_overhead(indexed: Any) -> None:
    """An index entry of exactly 1 KB costs one write unit: no 100-byte overhead is added;
    one byte more costs two."""
    for length, units in ((1011, 1.0), (1012, 2.0)):
        item = {"pk": s("a"), "sk": s(str(length)), "g": s("x" * length), "n": n(1)}
        out = indexed.put_item(TableName="items", Item=item, ReturnConsumedCapacity="INDEXES")
        used = out["ConsumedCapacity"]
        # entry: pk(2+1) sk(2+4) g(1+length) n(1+2) = length + 13 bytes; KEYS_ONLY
        assert used["GlobalSecondaryIndexes"] == {"by-g": {"CapacityUnits": units + 0.0}}
        assert used["LocalSecondaryIndexes"] == {"by-n": {"CapacityUnits": 1.0}}


def test_rule_h12_batch_writes_consume_index_units(indexed: Any) -> None:
    """BatchWriteItem adds each index's units to its table's ConsumedCapacity entry."""
    requests = [
        {"PutRequest": {"Item": {"pk": s("a"), "sk": s(str(i)), "g": s("x"), "n": n(i)}}}
        for i in range(3)
    ]
    out = indexed.batch_write_item(
        RequestItems={"items": requests}, ReturnConsumedCapacity="INDEXES"
    )
    (used,) = out["ConsumedCapacity"]
    assert used["CapacityUnits"] == 9.0
    assert used["GlobalSecondaryIndexes"]["by-g"]["CapacityUnits"] == 3.0


def test_rule_h12_index_reads_consume_index_units(indexed: Any) -> None:
    """A Query on an index charges the index, not the table."""
    put(indexed, "a", "1", g=s("x"), n=n(1))
    used = query_gsi(indexed, "x", ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert used["Table"]["CapacityUnits"] == 0.0
    assert used["GlobalSecondaryIndexes"]["by-g"]["CapacityUnits"] == 0.5
    assert used["CapacityUnits"] == 0.5


def lsi_read(client: Any, operation: str, **extra: Any) -> dict[str, Any]:
    """ConsumedCapacity (INDEXES) of a Query or Scan of the LSI ``by-n``."""
    params: dict[str, Any] = {"TableName": "items", "IndexName": "by-n", **extra}
    if operation == "query":
        params["KeyConditionExpression"] = "pk = :p"
        params.setdefault("ExpressionAttributeValues", {})[":p"] = s("a")
        out = client.query(**params, ReturnConsumedCapacity="INDEXES")
    else:
        out = client.scan(**params, ReturnConsumedCapacity="INDEXES")
    return out["ConsumedCapacity"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("operation", ["query", "scan"])
def test_rule_h39_lsi_fetch_charges_each_table_item(indexed: Any, operation: str) -> None:
    """An LSI read asking for attributes the index does not project is charged the index's
    entries (summed, rounded to 4 KB) plus each fetched table item rounded to 4 KB on its own;
    the fetches are the table's units."""
    for i in range(2):
        put(indexed, "a", str(i), n=n(i), x=s("small"), y=s("y" * 5000))  # items: 2 x 2 units
    plain = lsi_read(indexed, operation)
    assert plain["Table"] == {"CapacityUnits": 0.0}
    assert plain["LocalSecondaryIndexes"] == {"by-n": {"CapacityUnits": 0.5}}
    projected_only = lsi_read(indexed, operation, ProjectionExpression="x, n")
    assert projected_only["Table"] == {"CapacityUnits": 0.0}
    for extra in (
        {"ProjectionExpression": "y"},
        {"Select": "ALL_ATTRIBUTES"},
        {"FilterExpression": "y <> :z", "ExpressionAttributeValues": {":z": s("z")}},
    ):
        used = lsi_read(indexed, operation, **extra)
        assert used["Table"] == {"CapacityUnits": 2.0}  # 2 items x 2 units x 0.5 (eventual)
        assert used["LocalSecondaryIndexes"] == {"by-n": {"CapacityUnits": 0.5}}
        assert used["CapacityUnits"] == 2.5
    strong = lsi_read(indexed, operation, Select="ALL_ATTRIBUTES", ConsistentRead=True)
    assert strong["Table"] == {"CapacityUnits": 4.0}
    assert strong["CapacityUnits"] == 5.0


def test_rule_h39_lsi_fetch_through_the_table_face(sim: Simulation) -> None:
    """The resource Table's LSI query that fetches reports the same units."""
    sim.client("dynamodb").create_table(**table_params())
    table = sim.table("items")
    table.put_item(Item={"pk": "a", "sk": "1", "n": 1, "y": "y" * 5000})
    out = table.query(
        IndexName="by-n",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": "a"},
        Select="ALL_ATTRIBUTES",
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["Items"][0]["y"] == "y" * 5000
    assert out["ConsumedCapacity"]["CapacityUnits"] == 1.5


def test_rule_h12_item_collection_metrics_on_lsi_tables(indexed: Any) -> None:
    """Writes to a table with an LSI return ItemCollectionMetrics when asked."""
    out = indexed.put_item(
        TableName="items",
        Item={"pk": s("a"), "sk": s("1"), "n": n(1)},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert out["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": s("a")},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    out = indexed.batch_write_item(
        RequestItems={"items": [{"DeleteRequest": {"Key": {"pk": s("a"), "sk": s("1")}}}]},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert out["ItemCollectionMetrics"]["items"][0]["ItemCollectionKey"] == {"pk": s("a")}


def test_rule_h12_transactions_consume_index_units(indexed: Any) -> None:
    """TransactWriteItems adds twice each index's units, and item collection metrics."""
    item = {"pk": s("a"), "sk": s("1"), "g": s("x"), "n": n(1)}
    out = indexed.transact_write_items(
        TransactItems=[{"Put": {"TableName": "items", "Item": item}}],
        ReturnConsumedCapacity="INDEXES",
        ReturnItemCollectionMetrics="SIZE",
    )
    (used,) = out["ConsumedCapacity"]
    assert used["GlobalSecondaryIndexes"]["by-g"]["CapacityUnits"] == 2.0
    assert used["CapacityUnits"] == 6.0
    assert out["ItemCollectionMetrics"]["items"][0]["ItemCollectionKey"] == {"pk": s("a")}


def test_rule_h13_table_resource_lists_its_indexes(sim: Simulation) -> None:
    """The resource Table's global_secondary_indexes / local_secondary_indexes are
    DescribeTable's, as boto3's resource attributes are."""
    client = sim.client("dynamodb")
    client.create_table(**table_params())
    table = sim.table("items")
    assert table.global_secondary_indexes is not None
    assert [i["IndexName"] for i in table.global_secondary_indexes] == ["by-g"]
    assert table.local_secondary_indexes is not None
    assert [i["IndexName"] for i in table.local_secondary_indexes] == ["by-n"]


def test_rule_h10_legacy_key_conditions_on_an_index(indexed: Any) -> None:
    """KeyConditions and QueryFilter (rule H.30) query an index by its keys."""
    for i in range(3):
        put(indexed, "a", str(i), g=s("x"), n=n(i), y=s("yy"))
    got = indexed.query(
        TableName="items",
        IndexName="by-g",
        KeyConditions={
            "g": {"ComparisonOperator": "EQ", "AttributeValueList": [s("x")]},
            "n": {"ComparisonOperator": "GT", "AttributeValueList": [n(0)]},
        },
    )
    assert keys(got["Items"]) == [("a", "1"), ("a", "2")]
    with pytest.raises(ValidationException, match="Primary key attribute: n"):
        indexed.query(
            TableName="items",
            IndexName="by-n",
            KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [s("a")]}},
            QueryFilter={"n": {"ComparisonOperator": "EQ", "AttributeValueList": [n(1)]}},
        )
