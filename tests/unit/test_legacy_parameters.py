"""The legacy parameters (rules H.30 to H.33), through every face.

Each test runs three times: through ``sim.client("dynamodb")`` and a real boto3 client over
the simulated endpoint (DynamoDB JSON, every response checked against botocore's shapes), and
through the resource-shaped ``Table`` (Python values).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from streamsim import Simulation
from streamsim._errors import ConditionalCheckFailedException, ValidationException
from tests.sdk_support import FACES, client_for
from tests.unit.test_dynamodb_client import CheckedClient

_TO = TypeSerializer()
_FROM = TypeDeserializer()
_VALUE_MEMBERS = ("Expected", "AttributeUpdates", "KeyConditions", "QueryFilter", "ScanFilter")


def _wire_conditions(conditions: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in conditions.items():
        new = dict(spec)
        if "Value" in spec:
            new["Value"] = _TO.serialize(spec["Value"])
        if "AttributeValueList" in spec:
            new["AttributeValueList"] = [_TO.serialize(v) for v in spec["AttributeValueList"]]
        out[name] = new
    return out


class ClientFace:
    """A DynamoDB client called with Python values, as the Table face is."""

    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        p = dict(params, TableName=self.table)
        for member in ("Item", "Key", "ExclusiveStartKey"):
            if member in p:
                p[member] = {k: _TO.serialize(v) for k, v in p[member].items()}
        if "ExpressionAttributeValues" in p:
            p["ExpressionAttributeValues"] = {
                k: _TO.serialize(v) for k, v in p["ExpressionAttributeValues"].items()
            }
        for member in _VALUE_MEMBERS:
            if member in p:
                p[member] = _wire_conditions(p[member])
        out = getattr(self.client, method)(**p)
        for member in ("Item", "Attributes", "LastEvaluatedKey"):
            if member in out:
                out[member] = {k: _FROM.deserialize(v) for k, v in out[member].items()}
        if "Items" in out:
            out["Items"] = [{k: _FROM.deserialize(v) for k, v in i.items()} for i in out["Items"]]
        return out  # type: ignore[no-any-return]

    def __getattr__(self, method: str) -> Any:
        return lambda **params: self._call(method, params)


@pytest.fixture(params=[*FACES, "table"])
def face(request: pytest.FixtureRequest) -> Any:
    """Table ``items`` (hash key ``p``) through one face."""
    sim = Simulation(seed=3)
    table = sim.create_table("items", hash_key="p")
    if request.param == "table":
        return table
    return ClientFace(CheckedClient(client_for(sim, "dynamodb", request.param)), "items")


@pytest.fixture(params=[*FACES, "table"])
def sorted_face(request: pytest.FixtureRequest) -> Any:
    """Table ``events`` (``p`` S, ``s`` N) holding p "a" with s 0..5 (``odd`` on odd s)."""
    sim = Simulation(seed=3)
    table = sim.create_table("events", hash_key="p", range_key="s", range_key_type="N")
    for i in range(6):
        table.put_item(Item={"p": "a", "s": i, **({"odd": True} if i % 2 else {})})
    if request.param == "table":
        return table
    return ClientFace(CheckedClient(client_for(sim, "dynamodb", request.param)), "events")


def _item(face: Any, key: str = "k") -> dict[str, Any] | None:
    return face.get_item(Key={"p": key}, ConsistentRead=True).get("Item")  # type: ignore[no-any-return]


def _put(face: Any, **attributes: Any) -> None:
    face.put_item(Item={"p": "k", **attributes})


# --- H.30 -------------------------------------------------------------------------------------


def test_h30_legacy_and_expression_parameters_do_not_mix(face: Any) -> None:
    """A legacy parameter next to an expression parameter of its operation is rejected."""
    with pytest.raises(ValidationException) as caught:
        face.get_item(Key={"p": "k"}, AttributesToGet=["a"], ProjectionExpression="a")
    assert caught.value.message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}"
    )
    with pytest.raises(ValidationException) as caught:
        face.update_item(
            Key={"p": "k"},
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues={":v": 1},
            Expected={"a": {"Exists": False}},
            AttributeUpdates={"b": {"Value": 1}},
        )
    assert caught.value.message.endswith(
        "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: "
        "{UpdateExpression}"
    )
    assert _item(face) is None


def test_h30_key_conditions_go_with_filter_and_projection_expressions(sorted_face: Any) -> None:
    """KeyConditions with FilterExpression and ProjectionExpression is accepted."""
    got = sorted_face.query(
        KeyConditions={"p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]}},
        FilterExpression="attribute_exists(#o)",
        ProjectionExpression="s",
        ExpressionAttributeNames={"#o": "odd"},
    )
    assert got["Items"] == [{"s": 1}, {"s": 3}, {"s": 5}]
    with pytest.raises(ValidationException, match=r"Non-expression parameters: \{KeyConditions\}"):
        sorted_face.query(
            KeyConditions={"p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]}},
            KeyConditionExpression="p = :a",
            ExpressionAttributeValues={":a": "a"},
        )


def test_h30_expected_value_and_exists_forms(face: Any) -> None:
    """Expected's Value form is equality; Exists false means the attribute is absent."""
    _put(face, a=1)
    face.put_item(Item={"p": "k", "a": 2}, Expected={"a": {"Value": 1}})
    face.put_item(Item={"p": "k", "a": 3}, Expected={"a": {"Value": 2, "Exists": True}})
    face.put_item(Item={"p": "k", "a": 4}, Expected={"b": {"Exists": False}})
    with pytest.raises(ConditionalCheckFailedException):
        face.put_item(Item={"p": "k", "a": 5}, Expected={"a": {"Exists": False}})
    with pytest.raises(ConditionalCheckFailedException):
        face.delete_item(Key={"p": "k"}, Expected={"z": {"Value": 4}})
    assert _item(face) == {"p": "k", "a": 4}
    face.delete_item(Key={"p": "k"}, Expected={"a": {"Value": 4}})
    assert _item(face) is None


@pytest.mark.parametrize(
    ("operator", "values", "holds"),
    [
        ("EQ", [1], True),
        ("EQ", ["1"], False),
        ("NE", [2], True),
        ("NE", [1], False),
        ("LE", [1], True),
        ("LT", [1], False),
        ("GE", [1], True),
        ("GT", [0], True),
        ("GT", ["0"], False),
        ("NOT_NULL", [], True),
        ("NULL", [], False),
        ("IN", [3, 1], True),
        ("IN", [3, 4], False),
        ("BETWEEN", [0, 1], True),
        ("BETWEEN", [2, 3], False),
    ],
)
def test_h30_expected_comparison_operators(
    face: Any, operator: str, values: list[Any], holds: bool
) -> None:
    """Each ComparisonOperator compares the attribute as its expression form does."""
    _put(face, a=1)
    expected = {"a": {"ComparisonOperator": operator, "AttributeValueList": values}}
    if holds:
        face.update_item(Key={"p": "k"}, AttributeUpdates={"z": {"Value": 1}}, Expected=expected)
        assert _item(face) == {"p": "k", "a": 1, "z": 1}
    else:
        with pytest.raises(ConditionalCheckFailedException):
            face.update_item(
                Key={"p": "k"}, AttributeUpdates={"z": {"Value": 1}}, Expected=expected
            )
        assert _item(face) == {"p": "k", "a": 1}


def test_h30_missing_attribute_ne_holds_not_contains_fails(face: Any) -> None:
    """On a missing attribute NE holds, NULL holds, and CONTAINS and NOT_CONTAINS both fail."""
    _put(face, s="hello", l=[2, 4], ns={2, 4})
    for name, operator, value, holds in [
        ("q", "NE", 1, True),
        ("q", "CONTAINS", 1, False),
        ("q", "NOT_CONTAINS", 1, False),
        ("s", "CONTAINS", "ell", True),
        ("s", "NOT_CONTAINS", "ell", False),
        ("s", "NOT_CONTAINS", 1, True),
        ("l", "CONTAINS", 4, True),
        ("ns", "CONTAINS", 4, True),
        ("ns", "NOT_CONTAINS", 3, True),
        ("s", "BEGINS_WITH", "he", True),
    ]:
        expected = {name: {"ComparisonOperator": operator, "AttributeValueList": [value]}}
        try:
            face.update_item(Key={"p": "k"}, Expected=expected)
            held = True
        except ConditionalCheckFailedException:
            held = False
        assert held is holds, (name, operator, value)
    face.update_item(Key={"p": "k"}, Expected={"q": {"ComparisonOperator": "NULL"}})


def test_h30_conditional_operator_or_and(face: Any) -> None:
    """ConditionalOperator OR needs one condition to hold, AND (the default) all of them."""
    _put(face, a=1, b=2)
    expected = {"a": {"Value": 9}, "b": {"Value": 2}}
    face.update_item(Key={"p": "k"}, Expected=expected, ConditionalOperator="OR")
    with pytest.raises(ConditionalCheckFailedException):
        face.update_item(Key={"p": "k"}, Expected=expected)
    with pytest.raises(ConditionalCheckFailedException):
        face.update_item(Key={"p": "k"}, Expected=expected, ConditionalOperator="AND")


def test_h30_empty_expected_is_no_condition(face: Any) -> None:
    """An empty Expected map lets the write through."""
    face.put_item(Item={"p": "k", "a": 1}, Expected={})
    assert _item(face) == {"p": "k", "a": 1}


def test_h30_scan_filter_and_attributes_to_get(sorted_face: Any) -> None:
    """ScanFilter filters, AttributesToGet projects."""
    got = sorted_face.scan(
        ScanFilter={
            "s": {"ComparisonOperator": "GE", "AttributeValueList": [2]},
            "odd": {"ComparisonOperator": "NOT_NULL"},
        },
        AttributesToGet=["s"],
    )
    assert sorted(item["s"] for item in got["Items"]) == [3, 5]
    assert got["ScannedCount"] == 6


# --- H.31 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"ComparisonOperator": "EQ", "AttributeValueList": [1, 2]},
            "One or more parameter values were invalid: Invalid number of argument(s) for the "
            "EQ ComparisonOperator",
        ),
        (
            {"ComparisonOperator": "NULL", "AttributeValueList": [1]},
            "One or more parameter values were invalid: Invalid number of argument(s) for the "
            "NULL ComparisonOperator",
        ),
        (
            {"ComparisonOperator": "IN", "AttributeValueList": [3, "dog"]},
            "One or more parameter values were invalid: AttributeValues inside "
            "AttributeValueList must be of same type",
        ),
        (
            {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [3]},
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not "
            "valid for N AttributeValue type",
        ),
        (
            {"ComparisonOperator": "CONTAINS", "AttributeValueList": [[1]]},
            "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid "
            "for L AttributeValue type",
        ),
        (
            {"ComparisonOperator": "BETWEEN", "AttributeValueList": [4, 3]},
            "The BETWEEN condition was provided a range where the lower bound is greater than "
            "the upper bound",
        ),
        (
            {"Exists": True},
            "One or more parameter values were invalid: Value must be provided when Exists is "
            "true for Attribute: a",
        ),
        (
            {"Exists": False, "Value": 1},
            "One or more parameter values were invalid: Value cannot be used when Exists is "
            "false for Attribute: a",
        ),
        (
            {"Exists": False, "ComparisonOperator": "EQ", "AttributeValueList": [3]},
            "One or more parameter values were invalid: Exists and ComparisonOperator cannot be "
            "used together for Attribute: a",
        ),
        (
            {"Value": 3, "ComparisonOperator": "EQ", "AttributeValueList": [3]},
            "One or more parameter values were invalid: Value and AttributeValueList cannot be "
            "used together for Attribute: a",
        ),
        (
            {"AttributeValueList": [3]},
            "One or more parameter values were invalid: AttributeValueList can only be used "
            "with a ComparisonOperator for Attribute: a",
        ),
        (
            {"ComparisonOperator": "GT"},
            "One or more parameter values were invalid: Value or AttributeValueList must be "
            "used with ComparisonOperator: GT for Attribute: a",
        ),
    ],
)
def test_h31_invalid_expected_is_a_validation_error(
    face: Any, spec: dict[str, Any], message: str
) -> None:
    """A malformed Expected entry is rejected with DynamoDB's message, and nothing changes."""
    _put(face, a=1)
    with pytest.raises(ValidationException) as caught:
        face.update_item(Key={"p": "k"}, AttributeUpdates={"z": {"Value": 1}}, Expected={"a": spec})
    assert caught.value.message == message
    assert _item(face) == {"p": "k", "a": 1}


def test_h31_conditional_operator_needs_two_conditions(face: Any) -> None:
    """ConditionalOperator with fewer than two conditions is rejected."""
    for expected in ({}, {"a": {"Exists": False}}):
        with pytest.raises(ValidationException, match="ConditionalOperator can only be used"):
            face.put_item(Item={"p": "k"}, Expected=expected, ConditionalOperator="OR")
    assert _item(face) is None


def test_h31_query_filter_may_not_name_a_key(sorted_face: Any) -> None:
    """A QueryFilter on a key attribute is rejected (rule H.2's legacy wording)."""
    with pytest.raises(ValidationException) as caught:
        sorted_face.query(
            KeyConditions={"p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]}},
            QueryFilter={"s": {"ComparisonOperator": "GT", "AttributeValueList": [1]}},
        )
    assert caught.value.message == (
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: s"
    )


def test_h31_filter_type_rules(sorted_face: Any) -> None:
    """ScanFilter orderings take only S, N and B values."""
    with pytest.raises(ValidationException, match="ComparisonOperator LE is not valid for SS"):
        sorted_face.scan(
            ScanFilter={"s": {"ComparisonOperator": "LE", "AttributeValueList": [{"x"}]}}
        )


# --- H.32 -------------------------------------------------------------------------------------


def test_h32_key_conditions_select_a_sort_key_range(sorted_face: Any) -> None:
    """KeyConditions EQ on the partition key and BETWEEN on the sort key read that range."""
    got = sorted_face.query(
        KeyConditions={
            "p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]},
            "s": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [1, 3]},
        },
        QueryFilter={"odd": {"ComparisonOperator": "NOT_NULL"}},
        ScanIndexForward=False,
    )
    assert [item["s"] for item in got["Items"]] == [3, 1]
    assert got["ScannedCount"] == 3


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        (
            {"s": {"ComparisonOperator": "EQ", "AttributeValueList": [1]}},
            "Query condition missed key schema element: p",
        ),
        (
            {
                "p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]},
                "s": {"ComparisonOperator": "NE", "AttributeValueList": [1]},
            },
            "Attempted conditional constraint is not an indexable operation",
        ),
        (
            {
                "p": {"ComparisonOperator": "EQ", "AttributeValueList": ["a"]},
                "s": {"ComparisonOperator": "GT", "AttributeValueList": [1]},
                "x": {"ComparisonOperator": "GT", "AttributeValueList": [1]},
            },
            "Conditions can be of length 1 or 2 only",
        ),
    ],
)
def test_h32_invalid_key_conditions(
    sorted_face: Any, conditions: dict[str, Any], message: str
) -> None:
    """KeyConditions that do not select one partition's range are rejected."""
    with pytest.raises(ValidationException) as caught:
        sorted_face.query(KeyConditions=conditions)
    assert caught.value.message == message


# --- H.33 -------------------------------------------------------------------------------------


def test_h33_attribute_updates_put_add_delete(face: Any) -> None:
    """PUT sets, ADD adds numbers and unions sets, DELETE removes members or the attribute."""
    face.update_item(
        Key={"p": "k"},
        AttributeUpdates={
            "n": {"Value": 1, "Action": "PUT"},
            "tags": {"Value": {"x", "y"}},
            "gone": {"Value": "soon"},
        },
    )
    got = face.update_item(
        Key={"p": "k"},
        AttributeUpdates={
            "n": {"Value": 2, "Action": "ADD"},
            "tags": {"Value": {"x"}, "Action": "DELETE"},
            "gone": {"Action": "DELETE"},
            "fresh": {"Value": 5, "Action": "ADD"},
            "l": {"Value": [1], "Action": "ADD"},
            "never": {"Value": {"a"}, "Action": "DELETE"},
        },
        ReturnValues="UPDATED_NEW",
    )
    assert got["Attributes"] == {"n": 3, "tags": {"y"}, "fresh": 5, "l": [1]}
    face.update_item(
        Key={"p": "k"},
        AttributeUpdates={
            "l": {"Value": [2], "Action": "ADD"},
            "tags": {"Value": {"y"}, "Action": "DELETE"},
        },
    )
    assert _item(face) == {"p": "k", "n": Decimal(3), "fresh": 5, "l": [1, 2]}


def test_h33_attribute_updates_create_the_item(face: Any) -> None:
    """AttributeUpdates on a missing item creates it; no AttributeUpdates creates the key alone."""
    face.update_item(Key={"p": "k"}, AttributeUpdates={"a": {"Value": {"s"}, "Action": "ADD"}})
    assert _item(face) == {"p": "k", "a": {"s"}}
    face.update_item(Key={"p": "other"})
    assert _item(face, "other") == {"p": "other"}


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            {"a": {"Action": "PUT"}},
            "One or more parameter values were invalid: Only DELETE action is allowed when no "
            "attribute value is specified",
        ),
        (
            {"a": {"Action": "DELETE", "Value": "x"}},
            "One or more parameter values were invalid: DELETE action with value is not "
            "supported for the type S",
        ),
        (
            {"a": {"Action": "ADD", "Value": True}},
            "One or more parameter values were invalid: ADD action is not supported for the "
            "type BOOL",
        ),
        ({"n": {"Action": "ADD", "Value": {1}}}, "Type mismatch for attribute to update"),
        ({"tags": {"Action": "DELETE", "Value": {1}}}, "Type mismatch for attribute to update"),
        (
            {"p": {"Value": "x"}},
            "One or more parameter values were invalid: Cannot update attribute p. This "
            "attribute is part of the key",
        ),
    ],
)
def test_h33_invalid_attribute_updates(face: Any, updates: dict[str, Any], message: str) -> None:
    """Bad AttributeUpdates are rejected with DynamoDB's legacy messages, changing nothing."""
    _put(face, n=1, tags={"a"})
    with pytest.raises(ValidationException) as caught:
        face.update_item(Key={"p": "k"}, AttributeUpdates=updates)
    assert caught.value.message == message
    assert _item(face) == {"p": "k", "n": 1, "tags": {"a"}}


def test_h30_batch_get_attributes_to_get_and_its_mixing() -> None:
    """BatchGetItem projects with AttributesToGet, and rejects it next to ProjectionExpression."""
    sim = Simulation(seed=3)
    sim.create_table("items", hash_key="p").put_item(Item={"p": "k", "a": 1, "b": 2})
    client = CheckedClient(sim.client("dynamodb"))
    got = client.batch_get_item(
        RequestItems={"items": {"Keys": [{"p": {"S": "k"}}], "AttributesToGet": ["a"]}}
    )
    assert got["Responses"]["items"] == [{"a": {"N": "1"}}]
    with pytest.raises(ValidationException, match="Non-expression parameters"):
        client.batch_get_item(
            RequestItems={
                "items": {
                    "Keys": [{"p": {"S": "k"}}],
                    "AttributesToGet": ["a"],
                    "ProjectionExpression": "b",
                }
            }
        )


def test_h30_names_without_expressions_are_rejected(face: Any) -> None:
    """ExpressionAttributeNames next to legacy parameters only is rejected, as without them."""
    with pytest.raises(ValidationException, match="ExpressionAttributeNames can only be specified"):
        face.put_item(
            Item={"p": "k"}, Expected={"p": {"Exists": False}}, ExpressionAttributeNames={"#a": "a"}
        )
    assert _item(face) is None


def test_h30_scan_filter_or(sorted_face: Any) -> None:
    """ScanFilter conditions joined with ConditionalOperator OR."""
    got = sorted_face.scan(
        ScanFilter={
            "s": {"ComparisonOperator": "EQ", "AttributeValueList": [0]},
            "odd": {"ComparisonOperator": "NOT_NULL"},
        },
        ConditionalOperator="OR",
    )
    assert sorted(item["s"] for item in got["Items"]) == [0, 1, 3, 5]
