"""boto3's condition objects (``Key("pk").eq(1) & Attr("n").gt(2)``) as expression strings.

The Table face accepts ``ConditionExpression``, ``FilterExpression`` and
``KeyConditionExpression`` either as strings or as objects from ``boto3.dynamodb.conditions``,
which it recognises by duck typing (``get_expression()``) without importing boto3.  The
translation copies boto3's ``ConditionExpressionBuilder``: the same placeholders (``#n0``,
``:v0``, numbered across one request, conditions before key conditions) and the same
parenthesisation, so a request builds the same expression here as boto3 sends to AWS.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from streamsim._items import shown

from ._params import ParamValidationError


class DynamoDBNeedsKeyConditionError(ParamValidationError):
    """boto3's client-side ``DynamoDBNeedsKeyConditionError``: an ``Attr`` in a key condition.

    Differs from AWS: boto3's class derives from ``Boto3Error``; this one is a
    :class:`~streamsim.ValidationException` (what AWS answers the expression boto3 would have
    built), so ``except ValidationException`` catches it and no other exception type escapes.
    """


# boto3.dynamodb.conditions.ATTR_NAME_REGEX: the parts of a document path to replace.
_ATTR_NAME = re.compile(r"[^.\[\]]+(?![^\[]*\])")

# parameter -> whether it is a key condition; in boto3's order (ConditionExpression shapes first)
_CONDITION_PARAMS = (
    ("ConditionExpression", False),
    ("FilterExpression", False),
    ("KeyConditionExpression", True),
)


def is_condition(value: Any) -> bool:
    """Whether ``value`` looks like a boto3 ``ConditionBase`` (it has ``get_expression()``)."""
    return callable(getattr(value, "get_expression", None))


def _is_attribute(value: Any) -> bool:
    """Whether ``value`` looks like a boto3 ``AttributeBase`` (``Key``/``Attr``)."""
    return isinstance(getattr(value, "name", None), str) and callable(getattr(value, "eq", None))


class _Builder:
    """boto3's ConditionExpressionBuilder, over duck-typed condition objects."""

    def __init__(self) -> None:
        self.name_count = 0
        self.value_count = 0
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def build(self, condition: Any, is_key_condition: bool) -> str:
        spec = condition.get_expression()
        grouped = bool(getattr(condition, "has_grouped_values", False))
        parts = [self._component(v, grouped, is_key_condition) for v in spec["values"]]
        return str(spec["format"].format(*parts, operator=spec["operator"]))

    def _component(self, value: Any, grouped: bool, is_key_condition: bool) -> str:
        if is_condition(value):
            return self.build(value, is_key_condition)
        if _is_attribute(value):
            if is_key_condition and type(value).__name__ != "Key":
                raise DynamoDBNeedsKeyConditionError(
                    f"Attribute object {value.name} is of type {type(value)}. "
                    "KeyConditionExpression only supports Attribute objects of type Key: "
                    "use Key(...) for key attributes and pass conditions on other attributes "
                    "as FilterExpression"
                )
            return self._name(value.name)
        if grouped:
            placeholders = [self._value(v) for v in value]
            return f"({', '.join(placeholders)})"
        return self._value(value)

    def _name(self, attribute_name: str) -> str:
        parts = _ATTR_NAME.findall(attribute_name)
        template = _ATTR_NAME.sub("%s", attribute_name)
        placeholders = []
        for part in parts:
            placeholder = f"#n{self.name_count}"
            self.name_count += 1
            self.names[placeholder] = part
            placeholders.append(placeholder)
        return template % tuple(placeholders)

    def _value(self, value: Any) -> str:
        placeholder = f":v{self.value_count}"
        self.value_count += 1
        self.values[placeholder] = value
        return placeholder


def build_conditions(params: MutableMapping[str, Any]) -> None:
    """Replace condition objects in ``params`` by expression strings, as boto3's resource does.

    Generated placeholders are merged into (copies of) ``ExpressionAttributeNames`` and
    ``ExpressionAttributeValues``.  Strings pass through unchanged.

    Raises:
        DynamoDBNeedsKeyConditionError: a KeyConditionExpression uses ``Attr``.
        ParamValidationError: a condition parameter is neither a string nor a condition
            object (botocore's type check, as boto3 passes such a value on to it).

    >>> class Key:  # stand-ins for boto3's Key("pk").eq("a")
    ...     name = "pk"
    ...     def eq(self, other): ...
    >>> class Eq:
    ...     has_grouped_values = False
    ...     def get_expression(self):
    ...         return {"format": "{0} {operator} {1}", "operator": "=", "values": (Key(), "a")}
    >>> p = {"KeyConditionExpression": Eq()}
    >>> build_conditions(p)
    >>> p["KeyConditionExpression"], p["ExpressionAttributeNames"], p["ExpressionAttributeValues"]
    ('#n0 = :v0', {'#n0': 'pk'}, {':v0': 'a'})
    """
    builder: _Builder | None = None
    for member, is_key in _CONDITION_PARAMS:
        value = params.get(member)
        if value is None or isinstance(value, str):
            continue
        if not is_condition(value):  # boto3 passes it on: botocore's type check rejects it
            raise ParamValidationError(
                f"Parameter validation failed:\nInvalid type for parameter {member}, value: "
                f"{shown(value)}, type: {type(value)}, valid types: <class 'str'>"
            )
        if builder is None:
            builder = _Builder()
        params[member] = builder.build(value, is_key)
    if builder is None:
        return
    if builder.names:
        names = dict(params.get("ExpressionAttributeNames") or {})
        names.update(builder.names)
        params["ExpressionAttributeNames"] = names
    if builder.values:
        values = dict(params.get("ExpressionAttributeValues") or {})
        values.update(builder.values)
        params["ExpressionAttributeValues"] = values
