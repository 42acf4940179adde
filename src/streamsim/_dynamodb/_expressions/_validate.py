"""Checks that need ``ExpressionAttributeNames`` / ``ExpressionAttributeValues``.

AWS behaviour (order as DynamoDB reports, recorded by dynalite's tests run against DynamoDB):

1. ``ExpressionAttributeValues`` / ``ExpressionAttributeNames`` given but empty;
2. either given to a request without any expression;
3. a key that is not a placeholder (``"ExpressionAttributeNames contains invalid key: Syntax
   error; key: \"n\""``);
4. for each expression in request order: an undefined placeholder, then the expression's own
   checks (for conditions: operand counts, an operand compared with itself, operand types of
   functions, BETWEEN bounds, IN size; for updates: overlapping then conflicting paths,
   ADD/DELETE operand types, function checks; for projections: overlapping then conflicting
   paths);
5. names supplied but unused, then values supplied but unused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final

from streamsim._errors import ValidationException
from streamsim._items import MAX_NAME_BYTES, shown, utf8_len, value_size

from ._ast import (
    Arith,
    AttributeValue,
    Between,
    Call,
    Compare,
    Condition,
    FunctionCondition,
    In,
    KeyConditionAST,
    Names,
    Operand,
    Parsed,
    Path,
    Projection,
    UpdateExpression,
    ValueRef,
    Values,
    check_paths,
    iter_operands,
    path_text,
)
from ._evaluate import compare_order
from ._grammar import ATTRIBUTE_TYPES, CONDITION_FUNCTIONS, LONG_TYPE_NAMES, UPDATE_FUNCTIONS
from ._keycond import key_conditions

#: The most operands the IN comparator takes (Developer Guide, "Expression parameters").
MAX_IN_OPERANDS: Final = 100

_NAME_KEY: Final = re.compile(r"#[A-Za-z0-9_]+\Z")
_VALUE_KEY: Final = re.compile(r":[A-Za-z0-9_]+\Z")


def _first_type(value: AttributeValue) -> str:
    for key in value:
        return key
    return ""  # pragma: no cover - values are never empty


def _static_type(operand: Operand, values: Values) -> str | None:
    """The type an operand is known to have before reading the item, if any."""
    if isinstance(operand, ValueRef):
        return _first_type(values[operand.name])
    if isinstance(operand, Call) and operand.name == "size":
        return "N"
    return None


def _shown(value: AttributeValue) -> str:
    ((value_type, raw),) = value.items()
    return (
        f"{{{value_type}:{raw!s}}}" if not isinstance(raw, bytes) else f"{{{value_type}:{raw!r}}}"
    )


@functools.lru_cache(maxsize=4096)
def _condition_shape(
    parsed: Condition | KeyConditionAST,
) -> tuple[str, tuple[tuple[str, Path, Path], ...], tuple[object, ...]]:
    """What the per-request checks of a condition need, worked out once per parsed condition.

    Returns the operand-count error (``""`` if none), the pairs of paths a comparison or a
    two-operand function sets against each other, and the calls, BETWEENs and INs to check.
    """
    arity = ""
    for operand, _ in iter_operands(parsed.root):
        if isinstance(operand, Call) and len(operand.args) != CONDITION_FUNCTIONS[operand.name]:
            arity = (
                f"Incorrect number of operands for operator or function; operator or "
                f"function: {operand.name}, number of operands: {len(operand.args)}"
            )
            break
    pairs: list[tuple[str, Path, Path]] = []
    checked: list[object] = []
    for node in _nodes(parsed):
        pair: tuple[str, Operand, Operand] | None = None
        if isinstance(node, Compare):
            pair = (node.op, node.left, node.right)
        elif isinstance(node, Call) and len(node.args) == 2:
            pair = (node.name, node.args[0], node.args[1])
        if pair is not None and isinstance(pair[1], Path) and isinstance(pair[2], Path):
            pairs.append((pair[0], pair[1], pair[2]))
        if (
            (isinstance(node, Call) and node.name != "contains")
            or isinstance(node, Between)
            or (isinstance(node, Compare) and node.op in _ORDERED)
            or (isinstance(node, In) and len(node.options) > MAX_IN_OPERANDS)
        ):
            checked.append(node)
    return arity, tuple(pairs), tuple(checked)


def _condition_errors(parsed: Condition | KeyConditionAST, names: Names, values: Values) -> None:
    kind = parsed.kind
    prefix = f"Invalid {kind}: "
    arity, pairs, checked = _condition_shape(parsed)
    if arity:
        raise ValidationException(prefix + arity)
    # An operand compared with itself.
    for op, first, second in pairs:
        resolved = first.resolve(names, kind)
        if resolved == second.resolve(names, kind):
            raise ValidationException(
                f"{prefix}The first operand must be distinct from the remaining operands "
                f"for this operator or function; operator: {op}, first operand: "
                f"{path_text(resolved)}"
            )
    # Operand types of functions and orderings, BETWEEN bounds, IN size.
    for node in checked:
        if isinstance(node, Call):
            _check_condition_call(node, values, prefix)
        elif isinstance(node, Compare):
            if not isinstance(parsed, KeyConditionAST):  # key conditions: _reads checks them
                _check_ordered(node.op, (node.left, node.right), values, prefix)
        elif isinstance(node, Between):
            if not isinstance(parsed, KeyConditionAST):
                _check_ordered("BETWEEN", (node.operand, node.low, node.high), values, prefix)
            if not (isinstance(node.low, ValueRef) and isinstance(node.high, ValueRef)):
                continue
            lower, upper = values[node.low.name], values[node.high.name]
            shown = (
                f"lower bound operand: AttributeValue: {_shown(lower)}, "
                f"upper bound operand: AttributeValue: {_shown(upper)}"
            )
            if _first_type(lower) != _first_type(upper):
                raise ValidationException(
                    f"{prefix}The BETWEEN operator requires same data type for lower and "
                    f"upper bounds; {shown}"
                )
            if compare_order(lower, upper) == 1:
                raise ValidationException(
                    f"{prefix}The BETWEEN operator requires upper bound to be greater than "
                    f"or equal to lower bound; {shown}"
                )
        elif isinstance(node, In):
            raise ValidationException(
                f"{prefix}The IN operator is provided with too many operands; number of "
                f"operands: {len(node.options)}"
            )


#: comparators that order their operands: only numbers, strings and binaries have an order
_ORDERED: Final = frozenset(("<", "<=", ">", ">="))
_ORDERED_TYPES: Final = frozenset(("N", "S", "B"))


def _check_ordered(op: str, operands: Iterable[Operand], values: Values, prefix: str) -> None:
    """An ordering of a constant with no order (a list, map, set, boolean or null) is invalid
    before any item is read (rule H.1)."""
    for operand in operands:
        if isinstance(operand, ValueRef):
            value_type = _first_type(values[operand.name])
            if value_type not in _ORDERED_TYPES:
                raise ValidationException(
                    f"{prefix}Incorrect operand type for operator or function; operator or "
                    f"function: {op}, operand type: {value_type}"
                )


def _nodes(parsed: Condition | KeyConditionAST) -> Iterable[object]:
    """Comparison nodes and calls in source order."""
    out: list[object] = []

    def visit(node: object) -> None:
        if isinstance(node, Call):
            out.append(node)
            for arg in node.args:
                visit(arg)
        elif isinstance(node, Compare):
            out.append(node)
            visit(node.left)
            visit(node.right)
        elif isinstance(node, (Between, In)):
            out.append(node)
            for child in (
                (node.operand, node.low, node.high)
                if isinstance(node, Between)
                else (node.operand, *node.options)
            ):
                visit(child)
        elif isinstance(node, FunctionCondition):
            visit(node.call)
        elif hasattr(node, "parts"):
            for part in node.parts:
                visit(part)
        elif hasattr(node, "operand"):
            visit(node.operand)

    visit(parsed.root)
    return out


def _check_condition_call(call: Call, values: Values, prefix: str) -> None:
    name = call.name

    def wrong_type(type_name: str) -> ValidationException:
        return ValidationException(
            f"{prefix}Incorrect operand type for operator or function; operator or function: "
            f"{name}, operand type: {type_name}"
        )

    if name in ("attribute_exists", "attribute_not_exists"):
        if not isinstance(call.args[0], Path):
            raise ValidationException(
                f"{prefix}Operator or function requires a document path; operator or "
                f"function: {name}"
            )
    elif name == "begins_with":
        for arg in call.args:
            arg_type = _static_type(arg, values)
            if arg_type is not None and arg_type not in ("S", "B"):
                raise wrong_type(arg_type)
    elif name == "attribute_type":
        arg_type = _static_type(call.args[1], values)
        if arg_type != "S":
            raise wrong_type(arg_type or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
        wanted = values[call.args[1].name]["S"]  # type: ignore[union-attr]
        if wanted not in ATTRIBUTE_TYPES:
            raise ValidationException(
                f"{prefix}Invalid attribute type name found; type: {wanted}, valid types: "
                "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
            )
    elif name == "size":
        arg_type = _static_type(call.args[0], values)
        if arg_type in ("N", "BOOL", "NULL"):
            raise wrong_type(arg_type)


def _update_errors(parsed: UpdateExpression, names: Names, values: Values) -> None:
    kind = parsed.kind
    prefix = f"Invalid {kind}: "
    check_paths([path.resolve(names, kind) for path in parsed.written], kind)
    checked = [("ADD", a.value) for a in parsed.add_actions]
    checked += [("DELETE", d.value) for d in parsed.delete_actions]
    for operator, ref in checked:
        value_type = _first_type(values[ref.name])
        if value_type in LONG_TYPE_NAMES and not (operator == "ADD" and value_type == "N"):
            raise ValidationException(
                f"{prefix}Incorrect operand type for operator or function; operator: "
                f"{operator}, operand type: {LONG_TYPE_NAMES[value_type]}"
            )
    for action in parsed.set_actions:
        _check_update_operand(action.value, None, values, prefix)


def _check_update_operand(operand: Operand, outer: str | None, values: Values, prefix: str) -> None:
    if isinstance(operand, Arith):
        for side in (operand.left, operand.right):
            _check_update_operand(side, operand.op, values, prefix)
        for side in (operand.left, operand.right):
            side_type = _static_type(side, values) if isinstance(side, ValueRef) else None
            if side_type is not None and side_type != "N":
                raise ValidationException(
                    f"{prefix}Incorrect operand type for operator or function; operator or "
                    f"function: {operand.op}, operand type: {side_type}"
                )
        return
    if not isinstance(operand, Call):
        return
    name = operand.name
    if (
        outer is not None
        and outer not in ("+", "-")
        and not (outer in ("list_append", "if_not_exists") and name == "if_not_exists")
    ):
        raise ValidationException(
            f"{prefix}The function is not allowed to be used this way in an expression; "
            f"function: {name}"
        )
    if len(operand.args) != UPDATE_FUNCTIONS[name]:
        raise ValidationException(
            f"{prefix}Incorrect number of operands for operator or function; operator or "
            f"function: {name}, number of operands: {len(operand.args)}"
        )
    for arg in operand.args:
        _check_update_operand(arg, name, values, prefix)
    if name == "if_not_exists" and not isinstance(operand.args[0], Path):
        raise ValidationException(
            f"{prefix}Operator or function requires a document path; operator or function: {name}"
        )
    if name == "list_append":
        for arg in operand.args:
            arg_type = _static_type(arg, values) if isinstance(arg, ValueRef) else None
            if arg_type is not None and arg_type != "L":
                raise ValidationException(
                    f"{prefix}Incorrect operand type for operator or function; operator or "
                    f"function: {name}, operand type: {arg_type}"
                )


def _first_missing(parsed: Parsed, names: Names, values: Values) -> None:
    kind = parsed.kind
    refs = parsed.refs
    if isinstance(parsed, UpdateExpression):
        # Updates report an undefined name before an undefined value.
        refs = tuple(r for r in refs if r[:1] == "#") + tuple(r for r in refs if r[:1] == ":")
    for ref in refs:
        if ref[:1] == "#":
            if ref not in names:
                raise ValidationException(
                    f"Invalid {kind}: An expression attribute name used in the document path "
                    f"is not defined; attribute name: {ref}"
                )
        elif ref not in values:
            raise ValidationException(
                f"Invalid {kind}: An expression attribute value used in expression is not "
                f"defined; attribute value: {ref}"
            )


def validate(parsed: Parsed, names: Names, values: Values) -> None:
    """Run every check of one parsed expression that needs the names and values."""
    _first_missing(parsed, names, values)
    if isinstance(parsed, (Condition, KeyConditionAST)):
        _condition_errors(parsed, names, values)
        if isinstance(parsed, KeyConditionAST):
            key_conditions(parsed, names, values)
    elif isinstance(parsed, UpdateExpression):
        _update_errors(parsed, names, values)
    elif isinstance(parsed, Projection):
        check_paths([path.resolve(names, parsed.kind) for path in parsed.paths], parsed.kind)


_EMPTY_MAP: Final[dict[str, object]] = {}


def _bad_type(path: str, value: Any) -> ValidationException:
    return ValidationException(
        f"Invalid type for parameter {path}, value: {shown(value)}, type: {type(value)}, "
        "valid types: <class 'str'>"
    )


#: The substitution variables of one request (names and values, with their placeholders) are
#: at most 2 MB (rule H.36).
MAX_SUBSTITUTION_BYTES: Final = 2 * 1024 * 1024


def check_placeholder_maps(names: Any, values: Any) -> None:
    """Check the types of ``ExpressionAttributeNames`` and ``ExpressionAttributeValues`` keys.

    Every key of both maps is a ``str``, every name a non-empty ``str`` (botocore's
    member types; DynamoDB rejects an empty name).  Messages are botocore's
    ("Invalid type for parameter ExpressionAttributeNames.#a, value: 5, ...") and DynamoDB's
    ("ExpressionAttributeNames contains invalid value: Empty attribute name for key #a").

    >>> check_placeholder_maps({"#a": ""}, None)
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... Empty attribute name for key #a
    """
    for member, mapping in (
        ("ExpressionAttributeNames", names),
        ("ExpressionAttributeValues", values),
    ):
        if mapping is None:
            continue
        for key in mapping:
            if not isinstance(key, str):
                raise _bad_type(f"{member} (key: {key})", key)
    total = 0
    if names is not None:
        for key, name in names.items():
            if not isinstance(name, str):
                raise _bad_type(f"ExpressionAttributeNames.{key}", name)
            if not name:
                raise ValidationException(
                    f"ExpressionAttributeNames contains invalid value: Empty attribute name for "
                    f"key {key}"
                )
            size = len(name) if name.isascii() else utf8_len(name)
            if size > MAX_NAME_BYTES:  # rule H.36
                raise ValidationException(
                    "ExpressionAttributeNames contains invalid value: An attribute name may be "
                    f"at most {MAX_NAME_BYTES} bytes long; size: {size}, for key {key}"
                )
            total += len(key) + size
    if values is not None:
        total += sum(len(key) + value_size(value) for key, value in values.items())
    if total > MAX_SUBSTITUTION_BYTES:  # rule H.36
        raise ValidationException(
            "ExpressionAttributeNames and ExpressionAttributeValues together exceed the maximum "
            f"allowed size of {MAX_SUBSTITUTION_BYTES} bytes; size: {total}"
        )


def check_placeholders(
    parsed: Iterable[Parsed],
    names: Names | None,
    values: Values | None,
) -> None:
    """Check a request's expressions against its names and values, as DynamoDB does.

    ``parsed`` holds the request's parsed expressions in request order (UpdateExpression,
    ConditionExpression, KeyConditionExpression, FilterExpression, ProjectionExpression as
    present); ``names`` / ``values`` are ``ExpressionAttributeNames`` /
    ``ExpressionAttributeValues`` (``None`` when absent; values canonical).

    >>> from streamsim._dynamodb._expressions import parse_condition
    >>> check_placeholders([parse_condition("a = :a")], None, {":a": {"S": "x"}, ":b": {"S": "y"}})
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... unused in expressions: keys: {:b}

    Raises:
        ValidationException: with AWS's message for the first problem found.
    """
    check_placeholder_maps(names, values)
    expressions = list(parsed)
    if values is not None and not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    if names is not None and not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    if not expressions:
        if values is not None:
            raise ValidationException(
                "ExpressionAttributeValues can only be specified when using expressions"
            )
        if names is not None:
            raise ValidationException(
                "ExpressionAttributeNames can only be specified when using expressions"
            )
        return
    names_map: Names = names if names is not None else _EMPTY_MAP  # type: ignore[assignment]
    values_map: Values = values if values is not None else _EMPTY_MAP  # type: ignore[assignment]
    used_names: set[str] = set()
    used_values: set[str] = set()
    for expression in expressions:
        used_names |= expression.names
        used_values |= expression.values
    for key in names_map:
        if key not in used_names and not _NAME_KEY.match(key):
            raise ValidationException(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
            )
    for key in values_map:
        if key not in used_values and not _VALUE_KEY.match(key):
            raise ValidationException(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
    for expression in expressions:
        validate(expression, names_map, values_map)
    unused = sorted(set(names_map) - used_names)
    if unused:
        raise ValidationException(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: "
            f"{{{', '.join(unused)}}}"
        )
    unused = sorted(set(values_map) - used_values)
    if unused:
        raise ValidationException(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: "
            f"{{{', '.join(unused)}}}"
        )
