"""CreateTable's index definitions (rule H.8) and the table descriptions (rule H.13)."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._errors import ValidationException
from streamsim._faces._params import ParamValidationError

from .conftest import GSI, LSI, definitions, table_params


def gsi(name: str, hash_key: str = "g", **extra: Any) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        **extra,
    }


def rejected(client: Any, match: str, **params: Any) -> None:
    with pytest.raises(ValidationException, match=match):
        client.create_table(**table_params(**params))
    assert "items" not in client.list_tables()["TableNames"]


def test_rule_h8_indexes_are_created_with_the_table(indexed: Any) -> None:
    """A table created with a GSI and an LSI has both, ACTIVE, described as AWS does."""
    table = indexed.describe_table(TableName="items")["Table"]
    (g,) = table["GlobalSecondaryIndexes"]
    (lsi,) = table["LocalSecondaryIndexes"]
    assert g["IndexName"] == "by-g"
    assert g["IndexStatus"] == "ACTIVE"
    assert "Backfilling" not in g
    assert lsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}
    assert "IndexStatus" not in lsi


def test_rule_h8_at_most_20_gsis(client: Any) -> None:
    """A 21st GSI is rejected; 20 are fine."""
    many = [gsi(f"index{i:02}") for i in range(21)]
    extra = {
        "AttributeDefinitions": definitions(pk="S", sk="S", g="S"),
        "LocalSecondaryIndexes": None,
    }
    params = table_params(GlobalSecondaryIndexes=many, **extra)
    del params["LocalSecondaryIndexes"]
    with pytest.raises(ValidationException, match="per-table limit of 20"):
        client.create_table(**params)
    params["GlobalSecondaryIndexes"] = many[:20]
    client.create_table(**params)


def test_rule_h8_at_most_5_lsis(client: Any) -> None:
    """A sixth LSI is rejected."""
    lsis = [{**LSI, "IndexName": f"local{i}"} for i in range(6)]
    rejected(
        client, "LocalSecondaryIndexes exceeds per-table limit of 5", LocalSecondaryIndexes=lsis
    )


def test_rule_h8_empty_index_list_rejected(client: Any) -> None:
    """An empty GlobalSecondaryIndexes list is a ValidationException."""
    rejected(client, "List of GlobalSecondaryIndexes is empty", GlobalSecondaryIndexes=[])


def test_rule_h8_lsi_needs_a_table_range_key(client: Any) -> None:
    """An LSI on a table without a sort key is rejected with AWS's message."""
    rejected(
        client,
        "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=definitions(pk="S", g="S", n="N"),
    )


def test_rule_h8_lsi_has_the_table_hash_key(client: Any) -> None:
    """An LSI whose partition key is not the table's is rejected."""
    other = {**LSI, "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, LSI["KeySchema"][1]]}
    rejected(client, "same leading hash key as table KeySchema", LocalSecondaryIndexes=[other])


def test_rule_h8_lsi_has_a_range_key(client: Any) -> None:
    """An LSI without a sort key is rejected."""
    other = {**LSI, "KeySchema": [LSI["KeySchema"][0]]}
    rejected(
        client,
        "Index KeySchema does not have a range key for index: by-n",
        LocalSecondaryIndexes=[other],
        AttributeDefinitions=definitions(pk="S", sk="S", g="S", n="N"),
    )


def test_rule_h8_index_names_are_unique(client: Any) -> None:
    """Two indexes of one name (even a GSI and an LSI) are rejected."""
    rejected(
        client, "Duplicate index name: by-n", GlobalSecondaryIndexes=[{**GSI, "IndexName": "by-n"}]
    )


@pytest.mark.parametrize(
    ("name", "match"),
    [("bad name", "regular expression pattern"), ("x" * 256, "less than or equal to 255")],
)
def test_rule_h8_index_name_pattern_and_length(client: Any, name: str, match: str) -> None:
    """Index names are 3 to 255 characters of [a-zA-Z0-9_.-]."""
    rejected(client, match, GlobalSecondaryIndexes=[{**GSI, "IndexName": name}])


def test_rule_h8_index_name_at_least_3_characters(client: Any) -> None:
    """A two-character index name fails the service model's minimum (botocore's check)."""
    with pytest.raises(
        (ParamValidationError, ValidationException),
        match=r"min length: 3|length greater than or equal to 3",
    ):
        client.create_table(**table_params(GlobalSecondaryIndexes=[{**GSI, "IndexName": "ab"}]))


def test_rule_h8_include_needs_non_key_attributes(client: Any) -> None:
    """INCLUDE without NonKeyAttributes, or ALL/KEYS_ONLY with them, is rejected."""
    include = {**GSI, "Projection": {"ProjectionType": "INCLUDE"}}
    rejected(client, "NonKeyAttributes is not specified", GlobalSecondaryIndexes=[include])
    keys = {**GSI, "Projection": {"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["x"]}}
    rejected(
        client, "ProjectionType is KEYS_ONLY, but NonKeyAttributes", GlobalSecondaryIndexes=[keys]
    )


def test_rule_h8_at_most_100_projected_attributes(client: Any) -> None:
    """NonKeyAttributes across all indexes are at most 100."""
    first = {
        **GSI,
        "Projection": {
            "ProjectionType": "INCLUDE",
            "NonKeyAttributes": [f"a{i}" for i in range(60)],
        },
    }
    second = {
        **LSI,
        "Projection": {
            "ProjectionType": "INCLUDE",
            "NonKeyAttributes": [f"b{i}" for i in range(41)],
        },
    }
    rejected(
        client,
        "exceeds limit of 100",
        GlobalSecondaryIndexes=[first],
        LocalSecondaryIndexes=[second],
    )


def test_rule_h8_index_keys_must_be_defined(client: Any) -> None:
    """An index key attribute missing from AttributeDefinitions is rejected."""
    rejected(
        client,
        "Some index key attributes are not defined in AttributeDefinitions",
        AttributeDefinitions=definitions(pk="S", sk="S", n="N"),
    )


def test_rule_h8_every_definition_is_used(client: Any) -> None:
    """An AttributeDefinition no key uses is rejected."""
    rejected(
        client,
        "Some AttributeDefinitions are not used",
        AttributeDefinitions=definitions(pk="S", sk="S", g="S", n="N", unused="S"),
    )


def test_rule_h8_provisioned_gsi_needs_throughput(client: Any) -> None:
    """A GSI of a PROVISIONED table needs its own ProvisionedThroughput."""
    rejected(
        client,
        "ProvisionedThroughput must be specified for index: by-g",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )


def test_rule_h8_on_demand_gsi_has_no_throughput(client: Any) -> None:
    """A GSI of a PAY_PER_REQUEST table may not have ProvisionedThroughput."""
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    rejected(
        client,
        "ProvisionedThroughput should not be specified for index: by-g when BillingMode is "
        "PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{**GSI, "ProvisionedThroughput": throughput}],
    )


def test_rule_h13_description_of_a_provisioned_gsi(client: Any) -> None:
    """DescribeTable shows a GSI's key schema, projection, throughput, counts and ARN."""
    throughput = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    created = client.create_table(
        **table_params(
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            GlobalSecondaryIndexes=[{**GSI, "ProvisionedThroughput": throughput}],
        )
    )["TableDescription"]
    assert created["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    client.put_item(
        TableName="items",
        Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "n": {"N": "1"}},
    )
    table = client.describe_table(TableName="items")["Table"]
    (g,) = table["GlobalSecondaryIndexes"]
    assert g == {
        "IndexName": "by-g",
        "KeySchema": GSI["KeySchema"],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "IndexStatus": "ACTIVE",
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": 3,
            "WriteCapacityUnits": 4,
        },
        "IndexSizeBytes": g["IndexSizeBytes"],
        "ItemCount": 1,
        "IndexArn": f"{table['TableArn']}/index/by-g",
    }
    assert g["IndexSizeBytes"] > 0
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["IndexArn"] == f"{table['TableArn']}/index/by-n"
    assert lsi["ItemCount"] == 1


def test_rule_h13_delete_table_describes_no_indexes(indexed: Any) -> None:
    """DeleteTable's shorter TableDescription leaves the indexes out (rule H.36)."""
    gone = indexed.delete_table(TableName="items")["TableDescription"]
    assert "GlobalSecondaryIndexes" not in gone
    assert "LocalSecondaryIndexes" not in gone
