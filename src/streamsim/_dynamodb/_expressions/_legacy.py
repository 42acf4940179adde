"""The legacy parameters as the model's own parsed expressions (rules H.30 to H.33).

``Expected`` (with ``ConditionalOperator``), ``QueryFilter``, ``ScanFilter``, ``KeyConditions``
and ``AttributeUpdates`` are checked with DynamoDB's legacy messages, then built into the same
syntax trees the expression parser produces (:class:`Condition`, :class:`KeyConditionAST`,
:class:`UpdateExpression`), so the table engine evaluates one kind of object whatever the
request used.  Attribute names and values are never written into expression text: every name
becomes a generated ``#~N`` placeholder and every value a ``:~N`` one (``~`` cannot appear in a
placeholder a request defines), kept in a :class:`Placeholders` the caller merges into the
request's own names and values.

Values must already be canonical DynamoDB JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from streamsim._errors import ValidationException
from streamsim._items import MAX_NAME_BYTES, type_of, utf8_len

from ._ast import (
    AddAction,
    And,
    AttributeValue,
    Between,
    Call,
    Compare,
    Condition,
    CondNode,
    DeleteAction,
    FunctionCondition,
    In,
    KeyConditionAST,
    Not,
    Or,
    Path,
    SetAction,
    UpdateExpression,
    ValueRef,
)
from ._evaluate import compare_order, compile_condition
from ._update import compile_set_value

__all__ = [
    "COMPARISON_OPERATORS",
    "Placeholders",
    "check_attribute_name",
    "legacy_condition",
    "legacy_key_condition",
    "legacy_update",
]

_INVALID: Final = "One or more parameter values were invalid: "

#: The ComparisonOperator enum, in the order AWS's enum message lists it.
COMPARISON_OPERATORS: Final = (
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
)
# operator -> number of values it takes (-1: one or more)
_ARGUMENTS: Final = {
    "EQ": 1,
    "NE": 1,
    "LE": 1,
    "LT": 1,
    "GE": 1,
    "GT": 1,
    "NOT_NULL": 0,
    "NULL": 0,
    "CONTAINS": 1,
    "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1,
    "IN": -1,
    "BETWEEN": 2,
}
_SCALARS: Final = ("S", "N", "B")
# operator -> the value types it takes (rule H.31)
_VALUE_TYPES: Final = {
    "EQ": (*_SCALARS, "SS", "NS", "BS"),
    "NE": (*_SCALARS, "SS", "NS", "BS"),
    "LE": _SCALARS,
    "LT": _SCALARS,
    "GE": _SCALARS,
    "GT": _SCALARS,
    "CONTAINS": _SCALARS,
    "NOT_CONTAINS": _SCALARS,
    "BEGINS_WITH": ("S", "B"),
    "IN": _SCALARS,
    "BETWEEN": _SCALARS,
}
_COMPARE: Final = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
#: Sort-key operators KeyConditions accepts (rule H.32).
_KEY_OPERATORS: Final = ("EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN")
_UPDATE_ACTIONS: Final = ("ADD", "PUT", "DELETE")
_SET_TYPES: Final = ("SS", "NS", "BS")


def check_attribute_name(name: str) -> None:
    """An attribute name a request names outside an expression: 1 to 65,535 bytes (rule H.36).

    Raises:
        ValidationException: the name is empty or too long.
    """
    if not name:
        raise ValidationException(f"{_INVALID}An attribute name may not be empty")
    if len(name) > MAX_NAME_BYTES // 4 and utf8_len(name) > MAX_NAME_BYTES:
        raise ValidationException(
            f"{_INVALID}An attribute name may be at most {MAX_NAME_BYTES} bytes long"
        )


class Placeholders:
    """Generated placeholders for the names and values of a request's legacy parameters."""

    __slots__ = ("names", "values")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, AttributeValue] = {}

    def path(self, attribute: str) -> Path:
        """A top-level path naming ``attribute`` through a fresh name placeholder.

        Raises:
            ValidationException: an empty name, or one over 65,535 bytes (rule H.36).
        """
        check_attribute_name(attribute)
        ref = f"#~{len(self.names)}"
        self.names[ref] = attribute
        return Path((ref,))

    def value(self, value: AttributeValue) -> ValueRef:
        """A fresh value placeholder standing for ``value``."""
        ref = f":~{len(self.values)}"
        self.values[ref] = value
        return ValueRef(ref)


def _enum_error(value: Any, where: str, allowed: tuple[str, ...]) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def _arguments(
    member: str, attribute: str, spec: Mapping[str, Any]
) -> tuple[str, list[AttributeValue]]:
    """``(operator, values)`` of one condition, checked (rule H.31).

    ``Expected`` also takes the ``Value`` / ``Exists`` form, returned as ``EQ`` with its value,
    ``NULL`` (``Exists: false``).
    """
    operator = spec.get("ComparisonOperator")
    value = spec.get("Value")
    values = spec.get("AttributeValueList")
    if member == "Expected":
        if values is not None and value is not None:
            raise ValidationException(
                f"{_INVALID}Value and AttributeValueList cannot be used together for "
                f"Attribute: {attribute}"
            )
        if operator is None:
            if values is not None:
                raise ValidationException(
                    f"{_INVALID}AttributeValueList can only be used with a ComparisonOperator "
                    f"for Attribute: {attribute}"
                )
            exists = spec.get("Exists")
            if exists is None or exists:
                if value is None:
                    shown = "null" if exists is None else "true"
                    raise ValidationException(
                        f"{_INVALID}Value must be provided when Exists is {shown} for "
                        f"Attribute: {attribute}"
                    )
                return "EQ", [value]
            if value is not None:
                raise ValidationException(
                    f"{_INVALID}Value cannot be used when Exists is false for Attribute: "
                    f"{attribute}"
                )
            return "NULL", []
        if spec.get("Exists") is not None:
            raise ValidationException(
                f"{_INVALID}Exists and ComparisonOperator cannot be used together for "
                f"Attribute: {attribute}"
            )
    if operator not in _ARGUMENTS:
        where = f"{_camel(member)}.{attribute}.member.comparisonOperator"
        raise _enum_error(operator, where, COMPARISON_OPERATORS)
    if (
        member == "Expected"
        and operator not in ("NULL", "NOT_NULL")
        and values is None
        and value is None
    ):
        raise ValidationException(
            f"{_INVALID}Value or AttributeValueList must be used with ComparisonOperator: "
            f"{operator} for Attribute: {attribute}"
        )
    given: list[AttributeValue] = list(values) if values is not None else []
    if value is not None:
        given = [value]
    wanted = _ARGUMENTS[operator]
    if (wanted >= 0 and len(given) != wanted) or (wanted < 0 and not given):
        raise ValidationException(
            f"{_INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
        )
    if given:
        first = type_of(given[0])
        if any(type_of(v) != first for v in given):
            raise ValidationException(
                f"{_INVALID}AttributeValues inside AttributeValueList must be of same type"
            )
        allowed = _VALUE_TYPES.get(operator, ())
        for v in given:
            if type_of(v) not in allowed:
                raise ValidationException(
                    f"{_INVALID}ComparisonOperator {operator} is not valid for {type_of(v)} "
                    "AttributeValue type"
                )
        if operator == "BETWEEN" and (compare_order(given[0], given[1]) or 0) > 0:
            raise ValidationException(
                "The BETWEEN condition was provided a range where the lower bound is greater "
                "than the upper bound"
            )
    return str(operator), given


def _node(operator: str, path: Path, refs: list[ValueRef]) -> CondNode:
    """The syntax tree of one legacy condition (rule H.30's table)."""
    if operator in _COMPARE:
        return Compare(_COMPARE[operator], path, refs[0])
    if operator == "NOT_NULL":
        return FunctionCondition(Call("attribute_exists", (path,)))
    if operator == "NULL":
        return FunctionCondition(Call("attribute_not_exists", (path,)))
    if operator == "CONTAINS":
        return FunctionCondition(Call("contains", (path, refs[0])))
    if operator == "NOT_CONTAINS":  # false on a missing attribute, unlike NOT contains()
        return And(
            (
                FunctionCondition(Call("attribute_exists", (path,))),
                Not(FunctionCondition(Call("contains", (path, refs[0])))),
            )
        )
    if operator == "BEGINS_WITH":
        return FunctionCondition(Call("begins_with", (path, refs[0])))
    if operator == "IN":
        return In(path, tuple(refs))
    assert operator == "BETWEEN"
    return Between(path, refs[0], refs[1])


def _check_map(member: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationException(
            f"Invalid type for parameter {member}, value: {value}, type: {type(value)}, "
            "valid types: <class 'dict'>"
        )
    for attribute, spec in value.items():
        if not isinstance(spec, Mapping):
            raise ValidationException(
                f"Invalid type for parameter {member}.{attribute}, value: {spec}, "
                f"type: {type(spec)}, valid types: <class 'dict'>"
            )
    return value


def legacy_condition(
    member: str, conditions: Any, operator: Any, placeholders: Placeholders
) -> Condition | None:
    """``Expected``, ``QueryFilter`` or ``ScanFilter`` (``member``) as a condition.

    ``operator`` is the request's ``ConditionalOperator`` (``None``: AND).  An empty map is no
    condition at all.

    Raises:
        ValidationException: DynamoDB's legacy messages (rule H.31).
    """
    conditions = _check_map(member, conditions)
    if operator is not None:
        if operator not in ("AND", "OR"):
            raise _enum_error(operator, "conditionalOperator", ("AND", "OR"))
        if len(conditions) < 2:
            raise ValidationException(
                "ConditionalOperator can only be used when Filter or Expected has two or more "
                "elements"
            )
    parts: list[CondNode] = []
    for attribute, spec in conditions.items():
        op, given = _arguments(member, attribute, spec)
        refs = [placeholders.value(v) for v in given]
        parts.append(_node(op, placeholders.path(attribute), refs))
    if not parts:
        return None
    root: CondNode
    if len(parts) == 1:
        root = parts[0]
    else:
        root = Or(tuple(parts)) if operator == "OR" else And(tuple(parts))
    names = frozenset(ref for ref in placeholders.names)
    return Condition(
        expression=f"<{member}>",
        kind=member,
        root=root,
        names=names,
        values=frozenset(placeholders.values),
        refs=(),
        deferred=(),
        evaluator=compile_condition(root, member),
    )


def legacy_key_condition(conditions: Any, placeholders: Placeholders) -> KeyConditionAST:
    """``KeyConditions`` as a key condition (resolve it with ``resolve_key_condition``).

    Raises:
        ValidationException: DynamoDB's legacy messages (rules H.31, H.32).
    """
    conditions = _check_map("KeyConditions", conditions)
    parts: list[CondNode] = []
    checked: list[tuple[str, str, list[AttributeValue]]] = []
    for attribute, spec in conditions.items():
        op, given = _arguments("KeyConditions", attribute, spec)
        checked.append((attribute, op, given))
    if len(checked) not in (1, 2):
        raise ValidationException("Conditions can be of length 1 or 2 only")
    for attribute, op, given in checked:
        if op not in _KEY_OPERATORS:
            raise ValidationException(
                "Attempted conditional constraint is not an indexable operation"
            )
        refs = [placeholders.value(v) for v in given]
        parts.append(_node(op, placeholders.path(attribute), refs))
    root = parts[0] if len(parts) == 1 else And(tuple(parts))
    return KeyConditionAST(
        expression="<KeyConditions>",
        kind="KeyConditions",
        root=root,
        names=frozenset(placeholders.names),
        values=frozenset(placeholders.values),
        refs=(),
        deferred=(),
    )


def legacy_update(updates: Any, placeholders: Placeholders) -> UpdateExpression | None:
    """``AttributeUpdates`` as an update (rule H.33); an empty map updates nothing.

    Raises:
        ValidationException: DynamoDB's legacy messages.
    """
    updates = _check_map("AttributeUpdates", updates)
    sets: list[SetAction] = []
    removes: list[Path] = []
    adds: list[AddAction] = []
    deletes: list[DeleteAction] = []
    written: list[Path] = []
    for attribute, spec in updates.items():
        action = spec.get("Action", "PUT")
        if action not in _UPDATE_ACTIONS:
            where = f"attributeUpdates.{attribute}.member.action"
            raise _enum_error(action, where, _UPDATE_ACTIONS)
        value = spec.get("Value")
        if value is None:
            if action != "DELETE":
                raise ValidationException(
                    f"{_INVALID}Only DELETE action is allowed when no attribute value is specified"
                )
        elif action == "DELETE" and type_of(value) not in _SET_TYPES:
            raise ValidationException(
                f"{_INVALID}DELETE action with value is not supported for the type {type_of(value)}"
            )
        elif action == "ADD" and type_of(value) not in ("N", "L", *_SET_TYPES):
            raise ValidationException(
                f"{_INVALID}ADD action is not supported for the type {type_of(value)}"
            )
        path = placeholders.path(attribute)
        written.append(path)
        if value is None:
            removes.append(path)
        elif action == "PUT":
            sets.append(SetAction(path, placeholders.value(value)))
        elif action == "ADD":
            adds.append(AddAction(path, placeholders.value(value)))
        else:
            deletes.append(DeleteAction(path, placeholders.value(value)))
    if not written:
        return None
    return UpdateExpression(
        expression="<AttributeUpdates>",
        set_actions=tuple(sets),
        remove_actions=tuple(removes),
        add_actions=tuple(adds),
        delete_actions=tuple(deletes),
        names=frozenset(placeholders.names),
        values=frozenset(placeholders.values),
        refs=(),
        deferred=(),
        written=tuple(written),
        set_values=tuple(compile_set_value(action.value) for action in sets),
        legacy=True,
    )
