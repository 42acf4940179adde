"""KeyConditionExpression: validation against the key schema and the resolved key condition."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._dynamodb._expressions import (
    check_placeholders,
    parse_key_condition,
    resolve_key_condition,
)
from streamsim._dynamodb._expressions._keycond import KeyCondition
from streamsim._errors import ValidationException

VALUES: dict[str, Any] = {":p": {"S": "p"}, ":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "pre"}}


def resolve(expr: str, range_key: str | None = "sk", names: Any = None) -> KeyCondition:
    """Resolve ``expr`` on a table keyed (pk, sk), with only the values it uses."""
    ast = parse_key_condition(expr)
    values = {k: v for k, v in VALUES.items() if k in ast.values}
    return resolve_key_condition(ast, names, values, "pk", range_key)


def rejected(expr: str, range_key: str | None = "sk", names: Any = None) -> str:
    """The message resolve_key_condition raises for ``expr``."""
    with pytest.raises(ValidationException) as excinfo:
        resolve(expr, range_key, names)
    return excinfo.value.message


def test_partition_key_only() -> None:
    """``pk = :p`` selects the whole partition."""
    assert resolve("pk = :p") == KeyCondition({"S": "p"}, None, ())


def test_each_sort_key_operator() -> None:
    """The sort key takes = < <= > >= BETWEEN begins_with."""
    for op in ("=", "<", "<=", ">", ">="):
        assert resolve(f"pk = :p AND sk {op} :a") == KeyCondition({"S": "p"}, op, ({"N": "1"},))
    kc = resolve("sk BETWEEN :a AND :b AND pk = :p")
    assert (kc.range_op, kc.range_values) == ("BETWEEN", ({"N": "1"}, {"N": "5"}))
    kc = resolve("pk = :p AND begins_with(#s, :s)", names={"#s": "sk"})
    assert (kc.range_op, kc.range_values) == ("begins_with", ({"S": "pre"},))


def test_value_on_the_left_is_flipped() -> None:
    """``:a < sk`` means ``sk > :a``."""
    assert resolve("pk = :p AND :a < sk").range_op == ">"


def test_partition_key_needs_equality() -> None:
    """Any other operator on the partition key: 'Query key condition not supported'."""
    assert rejected("pk > :p") == "Query key condition not supported"
    assert rejected("begins_with(pk, :p)") == "Query key condition not supported"


def test_partition_key_missing() -> None:
    """No condition on the partition key: 'Query condition missed key schema element: pk'."""
    assert rejected("sk = :a") == "Query condition missed key schema element: pk"


def test_condition_on_non_key_attribute() -> None:
    """A non-key attribute: missed sort key on a (pk, sk) table, unsupported on a pk-only table."""
    assert rejected("pk = :p AND colour = :a") == "Query condition missed key schema element: sk"
    assert (
        rejected("pk = :p AND colour = :a", range_key=None) == "Query key condition not supported"
    )


def test_only_and_combines_conditions() -> None:
    """OR, NOT, IN and <> are 'Invalid operator used in KeyConditionExpression'."""
    assert rejected("pk = :p OR sk = :a") == (
        "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"
    )
    assert rejected("NOT pk = :p").endswith("KeyConditionExpression: NOT")
    assert rejected("pk IN (:p)").endswith("KeyConditionExpression: IN")
    assert rejected("pk = :p AND sk <> :a").endswith("KeyConditionExpression: <>")
    assert rejected("pk = :p AND attribute_exists(sk)").endswith(
        "KeyConditionExpression: attribute_exists"
    )


def test_at_most_one_condition_per_key() -> None:
    """'KeyConditionExpressions must only contain one condition per key'."""
    assert rejected("pk = :p AND sk > :a AND sk < :b") == (
        "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one "
        "condition per key"
    )


def test_begins_with_only_on_strings_and_binary() -> None:
    """begins_with with a number: 'Incorrect operand type ... begins_with, operand type: N'."""
    assert rejected("pk = :p AND begins_with(sk, :a)") == (
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N"
    )


def test_nested_paths_and_functions_are_rejected() -> None:
    """Nested attributes and size() are not key conditions."""
    assert rejected("pk = :p AND sk.x = :a").endswith(
        "KeyConditionExpressions cannot have conditions on nested attributes"
    )
    assert rejected("pk = :p AND size(sk) = :a").endswith(
        "KeyConditionExpressions cannot contain nested operations"
    )


def test_condition_needs_exactly_one_attribute() -> None:
    """Two attributes, or none, in one condition are rejected."""
    assert rejected("pk = sk").endswith("Multiple attribute names used in one condition")
    assert rejected("pk = :p AND :a = :b").endswith("No key attribute specified")


def test_check_placeholders_runs_key_rules() -> None:
    """check_placeholders reports key-condition structure errors too."""
    ast = parse_key_condition("pk = :p OR pk = :s")
    with pytest.raises(ValidationException, match="Invalid operator used"):
        check_placeholders([ast], None, {":p": {"S": "p"}, ":s": {"S": "s"}})
