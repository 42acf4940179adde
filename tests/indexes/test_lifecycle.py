"""Creating, deleting and updating GSIs with UpdateTable, over virtual time (rule H.11)."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._dynamodb._indexes import INDEX_CREATE_MS, INDEX_DELETE_MS
from streamsim._errors import LimitExceededException, ResourceNotFoundException, ValidationException
from streamsim._simulation import Simulation

from .conftest import definitions, table_params

NEW = {
    "IndexName": "by-y",
    "KeySchema": [{"AttributeName": "y", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "ALL"},
}


def gsis(client: Any) -> dict[str, dict[str, Any]]:
    table = client.describe_table(TableName="items")["Table"]
    return {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}


def test_rule_h11_new_gsi_backfills_then_becomes_active(sim: Simulation, indexed: Any) -> None:
    """A GSI added by UpdateTable is CREATING and backfilling, unreadable, then ACTIVE."""
    indexed.put_item(TableName="items", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "y": {"S": "v"}})
    out = indexed.update_table(
        TableName="items",
        AttributeDefinitions=definitions(y="S"),
        GlobalSecondaryIndexUpdates=[{"Create": NEW}],
    )
    shown = {i["IndexName"]: i for i in out["TableDescription"]["GlobalSecondaryIndexes"]}
    assert shown["by-y"]["IndexStatus"] == "CREATING"
    assert shown["by-y"]["Backfilling"] is True
    with pytest.raises(
        ValidationException, match="Cannot read from backfilling global secondary index: by-y"
    ):
        indexed.scan(TableName="items", IndexName="by-y")
    indexed.put_item(TableName="items", Item={"pk": {"S": "b"}, "sk": {"S": "1"}, "y": {"S": "w"}})
    sim.advance(seconds=INDEX_CREATE_MS // 1000)
    now = gsis(indexed)["by-y"]
    assert now["IndexStatus"] == "ACTIVE"
    assert "Backfilling" not in now
    assert now["ItemCount"] == 2
    assert indexed.scan(TableName="items", IndexName="by-y")["Count"] == 2
    names = [
        d["AttributeName"]
        for d in indexed.describe_table(TableName="items")["Table"]["AttributeDefinitions"]
    ]
    assert "y" in names
    sim._check()


def test_rule_h11_deleted_gsi_shows_deleting_then_goes(sim: Simulation, indexed: Any) -> None:
    """A deleted GSI is DELETING, no longer readable, then gone with its attribute definition."""
    indexed.update_table(
        TableName="items", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
    )
    assert gsis(indexed)["by-g"]["IndexStatus"] == "DELETING"
    with pytest.raises(ValidationException, match="does not have the specified index"):
        indexed.scan(TableName="items", IndexName="by-g")
    indexed.put_item(TableName="items", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"N": "1"}})
    sim.advance(seconds=INDEX_DELETE_MS // 1000)
    assert gsis(indexed) == {}
    names = [
        d["AttributeName"]
        for d in indexed.describe_table(TableName="items")["Table"]["AttributeDefinitions"]
    ]
    assert names == ["pk", "sk", "n"]
    sim._check()


def test_rule_h11_one_index_created_or_deleted_per_call(indexed: Any) -> None:
    """Creating and deleting two indexes in one UpdateTable is a LimitExceededException."""
    with pytest.raises(LimitExceededException, match="Only 1 online index"):
        indexed.update_table(
            TableName="items",
            AttributeDefinitions=definitions(y="S"),
            GlobalSecondaryIndexUpdates=[{"Create": NEW}, {"Delete": {"IndexName": "by-g"}}],
        )
    assert set(gsis(indexed)) == {"by-g"}


def test_rule_h11_new_key_attributes_must_be_defined(indexed: Any) -> None:
    """A created index's key attributes must be in the request's AttributeDefinitions."""
    with pytest.raises(ValidationException, match="Some index key attributes are not defined"):
        indexed.update_table(TableName="items", GlobalSecondaryIndexUpdates=[{"Create": NEW}])


def test_rule_h11_existing_index_cannot_be_created(indexed: Any) -> None:
    """Creating an index under an existing name is rejected."""
    with pytest.raises(
        ValidationException, match="Attempting to create an index which already exists"
    ):
        indexed.update_table(
            TableName="items",
            AttributeDefinitions=definitions(y="S"),
            GlobalSecondaryIndexUpdates=[{"Create": {**NEW, "IndexName": "by-g"}}],
        )


def test_rule_h11_unknown_index_cannot_be_deleted(indexed: Any) -> None:
    """Deleting an index the table does not have is a ResourceNotFoundException; LSIs cannot
    be deleted."""
    for name in ("nope", "by-n"):
        with pytest.raises(ResourceNotFoundException):
            indexed.update_table(
                TableName="items", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": name}}]
            )


def test_rule_h11_update_changes_gsi_throughput(client: Any) -> None:
    """Update sets a provisioned GSI's throughput."""
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    params = table_params(
        BillingMode="PROVISIONED",
        ProvisionedThroughput=throughput,
        AttributeDefinitions=definitions(pk="S", sk="S", y="S"),
        GlobalSecondaryIndexes=[{**NEW, "ProvisionedThroughput": throughput}],
    )
    del params["LocalSecondaryIndexes"]
    client.create_table(**params)
    client.update_table(
        TableName="items",
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "by-y",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8},
                }
            }
        ],
    )
    shown = gsis(client)["by-y"]["ProvisionedThroughput"]
    assert (shown["ReadCapacityUnits"], shown["WriteCapacityUnits"]) == (7, 8)


def test_rule_h11_table_without_indexes_gets_one(sim: Simulation, client: Any) -> None:
    """A table created without indexes can get a GSI, and loses the index machinery with it."""
    client.create_table(
        TableName="plain",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=definitions(pk="S"),
        BillingMode="PAY_PER_REQUEST",
    )
    engine = sim._engine("plain")
    assert engine.indexes is None
    client.update_table(
        TableName="plain",
        AttributeDefinitions=definitions(y="S"),
        GlobalSecondaryIndexUpdates=[{"Create": NEW}],
    )
    sim.advance(seconds=INDEX_CREATE_MS // 1000)
    client.put_item(TableName="plain", Item={"pk": {"S": "a"}, "y": {"S": "v"}})
    assert client.scan(TableName="plain", IndexName="by-y")["Count"] == 1
    client.update_table(
        TableName="plain", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-y"}}]
    )
    sim.advance(seconds=INDEX_DELETE_MS // 1000)
    assert engine.indexes is None


def test_rule_h8_switch_to_provisioned_needs_gsi_throughput(indexed: Any) -> None:
    """Switching a table with GSIs to PROVISIONED needs each GSI's throughput in an Update."""
    throughput = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}
    with pytest.raises(
        ValidationException, match="ProvisionedThroughput must be specified for index: by-g"
    ):
        indexed.update_table(
            TableName="items", BillingMode="PROVISIONED", ProvisionedThroughput=throughput
        )
    indexed.update_table(
        TableName="items",
        BillingMode="PROVISIONED",
        ProvisionedThroughput=throughput,
        GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "by-g", "ProvisionedThroughput": throughput}}
        ],
    )
    shown = gsis(indexed)["by-g"]["ProvisionedThroughput"]
    assert (shown["ReadCapacityUnits"], shown["WriteCapacityUnits"]) == (2, 3)
