"""Rule H.37: without botocore's client-side checks, DynamoDB's own answer to malformed input.

Through ``sim.client("dynamodb", parameter_validation=False)`` and a real boto3 client made with
``Config(parameter_validation=False)`` over the simulated endpoint.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._errors import ValidationException
from streamsim._faces._service_checks import serialization_error

FACES = ["face", "boto3"]


def _unchecked(face: str) -> Any:
    sim = Simulation(seed=9)
    sim.create_table("orders", hash_key="pk")
    if face == "face":
        return sim.client("dynamodb", parameter_validation=False)
    config = Config(parameter_validation=False, retries={"mode": "standard", "max_attempts": 1})
    return sim.boto3_session().client("dynamodb", config=config)


@pytest.fixture(params=FACES)
def client(request: pytest.FixtureRequest) -> Any:
    return _unchecked(request.param)


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:  # StreamsimError is a ClientError
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


KEY = {"pk": {"S": "a"}}


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        (
            "scan",
            {"TableName": "orders", "Limit": 0},
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            "transact_write_items",
            {"TransactItems": []},
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
        (
            "get_item",
            {"TableName": "orders", "Key": KEY, "AttributesToGet": []},
            "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
        (
            "get_item",
            {"TableName": "orders"},
            "1 validation error detected: Value null at 'key' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            "scan",
            {"Limit": 0},
            "2 validation errors detected: Value null at 'tableName' failed to satisfy "
            "constraint: Member must not be null; Value '0' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
    ],
)
def test_h37_constraints_are_validation_errors(
    client: Any, method: str, params: dict[str, Any], message: str
) -> None:
    """Missing members and values below their minimums: one ValidationException listing all."""
    assert _error(getattr(client, method), **params) == ("ValidationException", message)


def test_h37_empty_request_items_is_a_validation_error(client: Any) -> None:
    """An empty RequestItems is a ValidationException, as DynamoDB answers it."""
    code, message = _error(client.batch_get_item, RequestItems={})
    assert code == "ValidationException"
    assert "requestItems" in message


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        (
            "scan",
            {"TableName": "orders", "Limit": "x"},
            "STRING_VALUE cannot be converted to Integer",
        ),
        (
            "scan",
            {"TableName": "orders", "ConsistentRead": "yes"},
            "Unexpected token received from parser",
        ),
        ("scan", {"TableName": 5}, "NUMBER_VALUE cannot be converted to String"),
        (
            "scan",
            {"TableName": "orders", "Select": True},
            "TRUE_VALUE cannot be converted to String",
        ),
        (
            "put_item",
            {"TableName": "orders", "Item": {"pk": {"S": 5}}},
            "NUMBER_VALUE cannot be converted to String",
        ),
        (
            "put_item",
            {"TableName": "orders", "Item": {"pk": {"S": {"S": "x"}}}},
            "Start of structure or map found where not expected",
        ),
        (
            "get_item",
            {
                "TableName": "orders",
                "Key": KEY,
                "ProjectionExpression": "#a",
                "ExpressionAttributeNames": {"#a": 5},
            },
            "NUMBER_VALUE cannot be converted to String",
        ),
    ],
)
def test_h37_wrong_json_types_are_serialization_errors(
    client: Any, method: str, params: dict[str, Any], message: str
) -> None:
    """A value of the wrong JSON type fails the whole request with a SerializationException."""
    if isinstance(params.get("TableName"), int) and not hasattr(client, "_ops"):
        pytest.skip("botocore resolves the endpoint from TableName before sending")
    assert _error(getattr(client, method), **params) == ("SerializationException", message)


def test_h37_unknown_members_are_ignored() -> None:
    """A member the service model does not define is ignored, as DynamoDB ignores it."""
    client = _unchecked("face")
    assert client.scan(TableName="orders", NoSuchMember=1)["Count"] == 0


def test_h37_validation_stays_the_default() -> None:
    """Without the option (or with a config asking for it), botocore's checks stay."""
    sim = Simulation(seed=9)
    sim.create_table("orders", hash_key="pk")
    for client in (
        sim.client("dynamodb"),
        sim.client("dynamodb", config=SimpleNamespace(parameter_validation=True)),
    ):
        with pytest.raises(ValidationException, match="Parameter validation failed"):
            client.scan(TableName="orders", Limit=0)
    unchecked = sim.client("dynamodb", config=Config(parameter_validation=False))
    assert unchecked is sim.client("dynamodb", parameter_validation=False)
    assert "parameter_validation=False" in repr(unchecked)
    with pytest.raises(ValueError, match="dynamodb"):
        sim.client("lambda", parameter_validation=False)
    with pytest.raises(ValueError, match="bool"):
        sim.client("dynamodb", parameter_validation="no")  # type: ignore[call-overload]


wrong_values = st.one_of(
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(
    member=st.sampled_from(["Limit", "ConsistentRead", "Select", "Segment", "ScanFilter"]),
    value=wrong_values,
)
def test_h37_any_wrong_type_is_a_serialization_exception_or_accepted(
    member: str, value: Any
) -> None:
    """Whatever JSON value a member gets, the answer is a result or an AWS-coded error."""
    client = _unchecked("face")
    codes = []
    try:
        client.scan(TableName="orders", **{member: value})
    except ClientError as exc:
        codes.append(exc.response["Error"]["Code"])
    assert set(codes) <= {"SerializationException", "ValidationException"}


def test_h37_botocore_type_errors_map_to_dynamodb_words() -> None:
    """The deeper type errors (botocore's wording) become DynamoDB's SerializationException."""
    for value, valid, expected in [
        ("True", "<class 'int'>", "TRUE_VALUE cannot be converted to Integer"),
        ("[1]", "<class 'str'>", "Unrecognized collection type class java.lang.String"),
        (
            "{}",
            "<class 'list'>, <class 'tuple'>",
            "Start of structure or map found where not expected",
        ),
    ]:
        py = {"True": "bool", "[1]": "list", "{}": "dict"}[value]
        exc = ValidationException(
            f"Invalid type for parameter X, value: {value}, type: <class '{py}'>, "
            f"valid types: {valid}"
        )
        error = serialization_error(exc)
        assert error is not None
        assert error.message == expected
    assert serialization_error(ValidationException("something else")) is None
