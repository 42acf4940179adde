"""Limits and wordings of rule H.36, through ``sim.client("dynamodb")``, boto3 and the Table face.

Attribute names (1 to 65,535 bytes), document path depth (32), operators per expression (300),
substitution variables (2 MB), transactions (4 MB), DeleteTable's description, TTL messages.
"""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import Simulation
from streamsim._errors import ValidationException
from tests.sdk_support import FACES, client_for
from tests.unit.test_dynamodb_client import CheckedClient, create, s

BIG = "x" * (400 * 1024 - 20)


@pytest.fixture(params=FACES)
def client(request: pytest.FixtureRequest) -> Any:
    client = CheckedClient(client_for(Simulation(seed=8), "dynamodb", request.param))
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("k"), "a": {"N": "1"}, "b": {"N": "2"}})
    return client


def _message(call: Any, **params: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        call(**params)
    return caught.value.message


def test_h36_attribute_names_are_1_to_65535_bytes(client: Any) -> None:
    """An empty name or one over 65,535 bytes is rejected wherever a request names it."""
    long = "n" * 65536
    fine = "n" * 65535
    client.put_item(TableName="orders", Item={"pk": s("k"), fine: s("v")})
    assert "65535" in _message(
        client.put_item, TableName="orders", Item={"pk": s("k"), long: s("v")}
    )
    assert "may not be empty" in _message(
        client.put_item, TableName="orders", Item={"pk": s("k"), "": s("v")}
    )
    assert "65535" in _message(
        client.get_item,
        TableName="orders",
        Key={"pk": s("k")},
        ProjectionExpression="#n",
        ExpressionAttributeNames={"#n": long},
    )
    assert "65535" in _message(
        client.get_item, TableName="orders", Key={"pk": s("k")}, AttributesToGet=[long]
    )
    assert "65535" in _message(
        client.update_item,
        TableName="orders",
        Key={"pk": s("k")},
        AttributeUpdates={long: {"Value": s("v")}},
    )


def test_h36_table_face_rejects_long_and_empty_names() -> None:
    """The Table face checks names as the client does."""
    table = Simulation(seed=8).create_table("orders", hash_key="pk")
    with pytest.raises(ValidationException, match="65535"):
        table.put_item(Item={"pk": "k", "n" * 65536: 1})
    with pytest.raises(ValidationException, match="may not be empty"):
        table.put_item(Item={"pk": "k", "": 1})


def test_h36_document_paths_are_at_most_32_levels(client: Any) -> None:
    """A path of 33 elements (names or indexes) is rejected in every kind of expression."""
    client.get_item(TableName="orders", Key={"pk": s("k")}, ProjectionExpression="a" + ".b" * 31)
    assert _message(
        client.get_item,
        TableName="orders",
        Key={"pk": s("k")},
        ProjectionExpression="a" + ".b" * 32,
    ) == (
        "Invalid ProjectionExpression: The document path has too many nesting levels; nesting "
        "levels: 33"
    )
    assert "nesting levels: 33" in _message(
        client.update_item,
        TableName="orders",
        Key={"pk": s("k")},
        UpdateExpression="SET a" + "[0]" * 32 + " = :v",
        ExpressionAttributeValues={":v": s("x")},
    )


def test_h36_at_most_300_operators(client: Any) -> None:
    """An expression of more than 300 operators is rejected; 299 pass."""
    fine = "a<b " + "or (a<b " * 20 + ")" * 20 + " or a<b" * 129
    client.update_item(
        TableName="orders",
        Key={"pk": s("k")},
        UpdateExpression="SET z = :v",
        ConditionExpression=fine,
        ExpressionAttributeValues={":v": s("x")},
    )
    assert _message(
        client.update_item,
        TableName="orders",
        Key={"pk": s("k")},
        UpdateExpression="SET z = :v",
        ConditionExpression="a<b " + "or a<b " * 150,
        ExpressionAttributeValues={":v": s("x")},
    ) == (
        "Invalid ConditionExpression: The expression contains too many operators; "
        "operator count: 301"
    )
    plus = "SET z = :v" + " + :v" * 301
    assert "operator count: 301" in _message(
        client.update_item,
        TableName="orders",
        Key={"pk": s("k")},
        UpdateExpression=plus,
        ExpressionAttributeValues={":v": {"N": "1"}},
    )


def test_h36_substitution_variables_are_at_most_2_mb(client: Any) -> None:
    """ExpressionAttributeNames and ExpressionAttributeValues together over 2 MB are rejected."""
    values = {f":v{i}": s(BIG) for i in range(6)}
    condition = " OR ".join(f"a = :v{i}" for i in range(6))
    message = _message(
        client.put_item,
        TableName="orders",
        Item={"pk": s("k")},
        ConditionExpression=condition,
        ExpressionAttributeValues=values,
    )
    assert "exceed the maximum allowed size of 2097152 bytes" in message


def test_h36_transactions_are_at_most_4_mb(client: Any) -> None:
    """A transaction whose items add up to more than 4 MB is rejected, writes or reads."""
    puts = [
        {"Put": {"TableName": "orders", "Item": {"pk": s(f"k{i}"), "v": s(BIG)}}} for i in range(11)
    ]
    assert "cannot be larger than 4 MB" in _message(client.transact_write_items, TransactItems=puts)
    assert client.scan(TableName="orders", Select="COUNT")["Count"] == 1
    client.transact_write_items(TransactItems=puts[:10])
    client.put_item(TableName="orders", Item={"pk": s("k10"), "v": s(BIG)})
    gets = [{"Get": {"TableName": "orders", "Key": {"pk": s(f"k{i}")}}} for i in range(11)]
    assert "cannot be larger than 4 MB" in _message(client.transact_get_items, TransactItems=gets)


def test_h36_delete_table_description_is_aws_s(client: Any) -> None:
    """DeleteTable's TableDescription leaves out the schema and the creation time."""
    description = client.delete_table(TableName="orders")["TableDescription"]
    assert description["TableStatus"] == "DELETING"
    assert description["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0
    for member in ("AttributeDefinitions", "KeySchema", "CreationDateTime"):
        assert member not in description
    for member in ("TableName", "TableArn", "TableId", "ItemCount", "TableSizeBytes"):
        assert member in description
