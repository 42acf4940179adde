"""Fixtures of the secondary-index tests: a simulation, both DynamoDB faces checked against
botocore's shapes, and a table with a GSI and an LSI."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._simulation import Simulation
from tests.sdk_support import FACES, client_for
from tests.unit.test_dynamodb_client import CheckedClient

GSI = {
    "IndexName": "by-g",
    "KeySchema": [
        {"AttributeName": "g", "KeyType": "HASH"},
        {"AttributeName": "n", "KeyType": "RANGE"},
    ],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
}
LSI = {
    "IndexName": "by-n",
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "n", "KeyType": "RANGE"},
    ],
    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
}


def definitions(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": k, "AttributeType": v} for k, v in types.items()]


def table_params(name: str = "items", **extra: Any) -> dict[str, Any]:
    """CreateTable parameters: pk (S) / sk (S), a KEYS_ONLY GSI on g (S) / n (N) and an
    INCLUDE (x) LSI on n, on demand; ``extra`` overrides."""
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": definitions(pk="S", sk="S", g="S", n="N"),
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [GSI],
        "LocalSecondaryIndexes": [LSI],
    }
    params.update(extra)
    return params


@pytest.fixture
def sim() -> Simulation:
    return Simulation(seed=11)


@pytest.fixture(params=FACES)
def client(sim: Simulation, request: pytest.FixtureRequest) -> Any:
    """``sim.client("dynamodb")`` and a real boto3 client of ``sim.boto3_session()``, each
    checked against botocore's shapes."""
    return CheckedClient(client_for(sim, "dynamodb", request.param))


@pytest.fixture
def indexed(client: Any) -> Any:
    """``client`` with the table ``items`` of :func:`table_params` created."""
    client.create_table(**table_params())
    return client
