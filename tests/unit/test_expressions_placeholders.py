"""check_placeholders: ExpressionAttributeNames / Values rules, in AWS's order."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._dynamodb._expressions import (
    check_placeholders,
    parse_condition,
    parse_projection,
    parse_update,
)
from streamsim._errors import ValidationException

V = {"S": "x"}


def rejected(parsed: list[Any], names: Any, values: Any) -> str:
    """The message check_placeholders raises."""
    with pytest.raises(ValidationException) as excinfo:
        check_placeholders(parsed, names, values)
    return excinfo.value.message


def test_all_placeholders_supplied_and_used_passes() -> None:
    """Every placeholder defined and used: no error."""
    parsed = [parse_update("SET #a = :v"), parse_condition("attribute_exists(#b)")]
    check_placeholders(parsed, {"#a": "a", "#b": "b"}, {":v": V})


def test_value_used_but_not_supplied() -> None:
    """'An expression attribute value used in expression is not defined; attribute value: :x'."""
    assert rejected([parse_condition("a = :x")], None, None) == (
        "Invalid ConditionExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :x"
    )


def test_name_used_but_not_supplied() -> None:
    """'An expression attribute name used in the document path is not defined; ... #n'."""
    assert rejected([parse_update("SET #n = :v")], {"#other": "x"}, {":v": V}) == (
        "Invalid UpdateExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #n"
    )


def test_update_reports_missing_name_before_missing_value() -> None:
    """In an update an undefined name is reported before an undefined value."""
    message = rejected([parse_update("SET a = :v, #n = :w")], None, None)
    assert message.endswith("attribute name: #n")


def test_value_supplied_but_unused() -> None:
    """'Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}'."""
    assert rejected([parse_condition("a = :v")], None, {":v": V, ":x": V}) == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"
    )


def test_name_supplied_but_unused() -> None:
    """'Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}'."""
    assert rejected([parse_projection("#a")], {"#a": "a", "#n": "n"}, None) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"
    )


def test_several_unused_are_listed_sorted() -> None:
    """Several unused keys are listed together, sorted."""
    message = rejected([parse_condition("a = :v")], None, {":v": V, ":z": V, ":b": V})
    assert message.endswith("keys: {:b, :z}")


def test_unused_names_reported_before_unused_values() -> None:
    """Unused names come before unused values."""
    message = rejected([parse_condition("a = :v")], {"#n": "n"}, {":v": V, ":x": V})
    assert "ExpressionAttributeNames unused" in message


def test_placeholder_used_in_any_expression_counts() -> None:
    """A placeholder used by one of the request's expressions is used."""
    check_placeholders(
        [parse_update("SET a = :v"), parse_condition("#c = :w", kind="ConditionExpression")],
        {"#c": "c"},
        {":v": V, ":w": V},
    )


def test_values_without_any_expression() -> None:
    """'ExpressionAttributeValues can only be specified when using expressions' (same for names)."""
    assert rejected([], None, {":v": V}) == (
        "ExpressionAttributeValues can only be specified when using expressions"
    )
    assert rejected([], {"#n": "n"}, None) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )


def test_empty_maps_are_rejected() -> None:
    """An empty map given: 'ExpressionAttributeValues must not be empty' (same for names)."""
    assert rejected([parse_condition("a = :v")], None, {}) == (
        "ExpressionAttributeValues must not be empty"
    )
    assert rejected([parse_condition("a = :v")], {}, {":v": V}) == (
        "ExpressionAttributeNames must not be empty"
    )


def test_keys_must_look_like_placeholders() -> None:
    """A key without ``#``/``:``: '... contains invalid key: Syntax error; key: "n"'."""
    assert rejected([parse_condition("#n = :v")], {"n": "x"}, {":v": V}) == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'
    )
    assert rejected([parse_condition("a = :v")], None, {"v": V}) == (
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'
    )


def test_projection_paths_overlap_and_conflict() -> None:
    """Projection paths may not overlap or conflict either."""
    assert rejected([parse_projection("a, #b.c")], {"#b": "a"}, None).endswith(
        "path one: [a], path two: [a, c]"
    )
    assert "conflict" in rejected([parse_projection("a.b, a[1]")], None, None)
