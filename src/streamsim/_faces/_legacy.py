"""The legacy request parameters at the face edge: conversion, mixing rules, translation.

DynamoDB still accepts the parameters that predate expressions: ``Expected`` with
``ConditionalOperator``, ``AttributeUpdates``, ``KeyConditions``, ``QueryFilter``, ``ScanFilter``
and ``AttributesToGet``.  Both faces convert their values here (DynamoDB JSON or Python values
to canonical), check that a request does not mix them with their expression counterparts
(rule H.30), and hand the model the same parsed objects an expression would give
(:mod:`streamsim._dynamodb._expressions._legacy`), with generated placeholders merged into the
request's names and values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from streamsim._dynamodb._expressions import (
    Condition,
    KeyConditionAST,
    UpdateExpression,
)
from streamsim._dynamodb._expressions._legacy import (
    Placeholders,
    legacy_condition,
    legacy_key_condition,
    legacy_update,
)
from streamsim._errors import ValidationException
from streamsim._items import AttributeValue, Item

__all__ = ["LegacyParts", "check_mix", "convert_legacy"]

# operation -> (its expression parameters, its legacy parameters), each in AWS's message order
_PARAMETERS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "PutItem": (("ConditionExpression",), ("Expected",)),
    "DeleteItem": (("ConditionExpression",), ("Expected",)),
    "UpdateItem": (("UpdateExpression", "ConditionExpression"), ("AttributeUpdates", "Expected")),
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "BatchGetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "Query": (
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
    ),
    "Scan": (
        ("ProjectionExpression", "FilterExpression"),
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
    ),
}
# legacy member -> where its values sit: "Value", "AttributeValueList" or both
_VALUE_MEMBERS: Final = {
    "Expected": ("Value", "AttributeValueList"),
    "AttributeUpdates": ("Value",),
    "KeyConditions": ("AttributeValueList",),
    "QueryFilter": ("AttributeValueList",),
    "ScanFilter": ("AttributeValueList",),
}

#: Converts an item of a request into canonical form: ``(value, parameter path)``.
ItemFn = Callable[[Any, str], Item]


def _convert_value(value: Any, where: str, item_fn: ItemFn) -> AttributeValue:
    return item_fn({"value": value}, where)["value"]


def convert_legacy(p: dict[str, Any], item_fn: ItemFn) -> None:
    """Make the values of ``p``'s legacy parameters canonical, in place (copies, not edits).

    Anything that is not shaped as the service model defines is left for the checks that
    report it.
    """
    for member, slots in _VALUE_MEMBERS.items():
        conditions = p.get(member)
        if conditions is None or not isinstance(conditions, Mapping):
            continue
        converted: dict[str, Any] = {}
        for attribute, spec in conditions.items():
            if not isinstance(spec, Mapping):
                converted[attribute] = spec
                continue
            new = dict(spec)
            where = f"{member}.{attribute}"
            if "Value" in slots and spec.get("Value") is not None:
                new["Value"] = _convert_value(spec["Value"], f"{where}.Value", item_fn)
            values = spec.get("AttributeValueList")
            if "AttributeValueList" in slots and isinstance(values, (list, tuple)):
                new["AttributeValueList"] = [
                    _convert_value(v, f"{where}.AttributeValueList[{i}]", item_fn)
                    for i, v in enumerate(values)
                ]
            converted[attribute] = new
        p[member] = converted


def check_mix(p: Mapping[str, Any], operation: str) -> bool:
    """Reject a request that mixes legacy and expression parameters (rule H.30).

    ``KeyConditions`` may go with ``FilterExpression`` and ``ProjectionExpression`` as long as
    there is no ``KeyConditionExpression``.

    Returns:
        Whether the request uses any legacy parameter (most do not: one cheap pass).
    """
    expressions, legacy = _PARAMETERS[operation]
    if not any(p.get(name) is not None for name in legacy):
        return False
    modern = [name for name in expressions if p.get(name) is not None]
    if not modern:
        return True
    if p.get("KeyConditionExpression") is None:
        legacy = tuple(name for name in legacy if name != "KeyConditions")
    old = [name for name in legacy if p.get(name) is not None]
    if old:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(old)}}} Expression parameters: "
            f"{{{', '.join(modern)}}}"
        )
    return True


class LegacyParts:
    """A request's legacy parameters as parsed expressions, with their placeholders.

    Each member is ``None`` where the request has no such legacy parameter.
    """

    __slots__ = ("condition", "filter", "key", "names", "update", "values")

    def __init__(self, p: Mapping[str, Any], operation: str) -> None:
        placeholders = Placeholders()
        operator = p.get("ConditionalOperator")
        self.update: UpdateExpression | None = None
        self.condition: Condition | None = None
        self.filter: Condition | None = None
        self.key: KeyConditionAST | None = None
        if operation == "UpdateItem" and p.get("AttributeUpdates") is not None:
            self.update = legacy_update(p["AttributeUpdates"], placeholders)
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            if p.get("Expected") is not None:
                self.condition = legacy_condition("Expected", p["Expected"], operator, placeholders)
            elif operator is not None:
                legacy_condition("Expected", {}, operator, placeholders)  # raises
        elif operation in ("Query", "Scan"):
            member = "QueryFilter" if operation == "Query" else "ScanFilter"
            if p.get(member) is not None:
                self.filter = legacy_condition(member, p[member], operator, placeholders)
            elif operator is not None:
                legacy_condition(member, {}, operator, placeholders)  # raises
            if operation == "Query" and p.get("KeyConditions") is not None:
                self.key = legacy_key_condition(p["KeyConditions"], placeholders)
        self.names: dict[str, str] = placeholders.names
        self.values: dict[str, AttributeValue] = placeholders.values
