"""Evaluating conditions and projecting items.

A condition tree is compiled once, when it is parsed, into nested closures
``(item, names, values) -> bool``; evaluating it walks no tree and allocates little.  Paths
without placeholders are pre-split into steps at compile time.

AWS behaviour (Developer Guide, "Condition and filter expressions, operators, and functions"):

* a missing attribute makes every comparison false except ``<>``, which is then true;
* ``< <= > >=`` and ``BETWEEN`` compare two values of the same type, N numerically, S by
  code point (the same order as UTF-8 bytes), B by bytes; any other pairing is false;
* ``=`` / ``<>`` / ``IN`` compare canonical values exactly, so sets are equal whatever order
  they were written in;
* ``begins_with`` works on S and B; ``contains`` is a substring test on S (and B), a member
  test on sets and an element test on lists;
* ``size`` is the length of S in UTF-16 code units (what DynamoDB reports for ``"é𝄞"`` is 3,
  per a check against DynamoDB recorded in the ExtendDB project), of B in bytes, and the
  number of elements of a set, list or map; it has no value for N, BOOL and NULL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final

from streamsim._errors import ValidationException
from streamsim._items import type_of

from ._ast import (
    And,
    Arith,
    AttributeValue,
    Between,
    Call,
    Compare,
    CondFn,
    CondNode,
    FunctionCondition,
    In,
    Item,
    Names,
    Not,
    Operand,
    OperandFn,
    Or,
    Path,
    PathElement,
    Projection,
    ResolvedPath,
    ValueRef,
    Values,
    check_paths,
    resolve_value,
)
from ._grammar import ATTRIBUTE_TYPES

_EMPTY: Final[dict[str, AttributeValue]] = {}
_NO_NAMES: Final[dict[str, str]] = {}

#: A compiled path: ``(item, names) -> value or None``.
Getter = Callable[[Item, Names], "AttributeValue | None"]


# --- paths -------------------------------------------------------------------------------------


def get_path(item: Item, path: ResolvedPath) -> AttributeValue | None:
    """Return the value at a resolved path, or ``None`` when any step is missing.

    >>> get_path({"a": {"L": [{"N": "1"}, {"M": {"b": {"S": "x"}}}]}}, ("a", 1, "b"))
    {'S': 'x'}
    """
    first = path[0]
    if not isinstance(first, str):
        return None
    return _walk(item.get(first), path[1:])


def _walk(value: AttributeValue | None, steps: Sequence[PathElement]) -> AttributeValue | None:
    """Follow list indexes and map keys down from ``value``; None when a step is missing."""
    for element in steps:
        if value is None:
            return None
        if isinstance(element, int):
            items = value.get("L")
            if items is None or element >= len(items):
                return None
            value = items[element]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(element)
    return value


def compile_path(path: Path, kind: str) -> Getter:
    """Compile a path into a getter ``(item, names) -> value or None``."""
    elements = path.elements
    if path.has_refs:

        def get_resolved(item: Item, names: Names) -> AttributeValue | None:
            return get_path(item, path.resolve(names, kind))

        return get_resolved
    first = elements[0]
    assert isinstance(first, str)
    if len(elements) == 1:

        def get_top(item: Item, names: Names) -> AttributeValue | None:
            return item.get(first)

        return get_top
    steps: tuple[PathElement, ...] = elements[1:]

    def get_nested(item: Item, names: Names) -> AttributeValue | None:
        return _walk(item.get(first), steps)

    return get_nested


# --- values ------------------------------------------------------------------------------------


def compare_order(left: AttributeValue | None, right: AttributeValue | None) -> int | None:
    """Return -1/0/1 ordering two values of one orderable type (N, S, B), else ``None``.

    >>> compare_order({"N": "10"}, {"N": "9"}), compare_order({"S": "a"}, {"N": "1"})
    (1, None)
    """
    if left is None or right is None:
        return None
    ((left_type, a),) = left.items()
    ((right_type, b),) = right.items()
    if left_type != right_type:
        return None
    if left_type == "N":
        a, b = Decimal(a), Decimal(b)
    elif left_type != "S" and left_type != "B":
        return None
    return -1 if a < b else (1 if a > b else 0)


def size_of(value: AttributeValue | None) -> AttributeValue | None:
    """Return ``size()`` of a value as a number value, or ``None`` where it has none.

    >>> size_of({"S": "é𝄞"}), size_of({"L": [{"N": "1"}]}), size_of({"N": "5"})
    ({'N': '3'}, {'N': '1'}, None)
    """
    if value is None:
        return None
    ((value_type, raw),) = value.items()
    if value_type == "S":
        length = len(raw)
        if not raw.isascii():
            length = len(raw.encode("utf-16-le")) // 2
    elif value_type in ("N", "BOOL", "NULL"):
        return None
    else:
        length = len(raw)
    return {"N": str(length)}


def begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    """``begins_with``: both S or both B, and ``value`` starts with ``prefix``."""
    if value is None or prefix is None:
        return False
    ((value_type, raw),) = value.items()
    ((prefix_type, start),) = prefix.items()
    if value_type != prefix_type or value_type not in ("S", "B"):
        return False
    return bool(raw.startswith(start))


_MEMBER_TYPE: Final = {"SS": "S", "NS": "N", "BS": "B"}


def contains(value: AttributeValue | None, operand: AttributeValue | None) -> bool:
    """``contains``: substring of S/B, member of a set, element of a list."""
    if value is None or operand is None:
        return False
    ((value_type, raw),) = value.items()
    if value_type == "L":
        return operand in raw
    ((operand_type, wanted),) = operand.items()
    if value_type == "S" or value_type == "B":
        return operand_type == value_type and wanted in raw
    if _MEMBER_TYPE.get(value_type) == operand_type:
        return wanted in raw
    return False


# --- compiling conditions ----------------------------------------------------------------------


def compile_value_ref(
    operand: ValueRef, kind: str
) -> Callable[[Item, Names, Values], AttributeValue]:
    """Compile a ``:value`` operand into ``(item, names, values) -> its value``.

    The value is looked up directly; only a missing or malformed one goes through
    ``resolve_value`` for its error.  Conditions and SET right-hand sides share it.
    """
    ref = operand.name

    def value_of(item: Item, names: Names, values: Values) -> AttributeValue:
        try:
            return values[ref]
        except KeyError:
            return resolve_value(values, ref, kind)

    return value_of


def compile_operand(operand: Operand, kind: str) -> OperandFn:
    """Compile a condition operand into ``(item, names, values) -> value or None``."""
    if isinstance(operand, ValueRef):
        return compile_value_ref(operand, kind)
    if isinstance(operand, Path):
        getter = compile_path(operand, kind)

        def path_value(item: Item, names: Names, values: Values) -> AttributeValue | None:
            return getter(item, names)

        return path_value
    if isinstance(operand, Call) and operand.name == "size" and len(operand.args) == 1:
        inner = compile_operand(operand.args[0], kind)

        def size_value(item: Item, names: Names, values: Values) -> AttributeValue | None:
            return size_of(inner(item, names, values))

        return size_value
    return _raising(operand, kind)


def _raising(operand: Operand | CondNode, kind: str) -> Callable[[Item, Names, Values], Any]:
    """A compiled stand-in for a construct check_placeholders would have rejected."""
    name = operand.name if isinstance(operand, Call) else type(operand).__name__
    if isinstance(operand, Arith):
        name = operand.op

    def fail(item: Item, names: Names, values: Values) -> bool:
        raise ValidationException(
            f"Invalid {kind}: The function is not allowed to be used this way in an "
            f"expression; function: {name}"
        )

    return fail


def _compile_compare(op: str, left: OperandFn, right: OperandFn) -> CondFn:
    if op == "=":

        def equal(item: Item, names: Names, values: Values) -> bool:
            a = left(item, names, values)
            return a is not None and a == right(item, names, values)

        return equal
    if op == "<>":

        def not_equal(item: Item, names: Names, values: Values) -> bool:
            a = left(item, names, values)
            b = right(item, names, values)
            return a is None or b is None or a != b

        return not_equal
    wanted: frozenset[int] = {
        "<": frozenset({-1}),
        "<=": frozenset({-1, 0}),
        ">": frozenset({1}),
        ">=": frozenset({0, 1}),
    }[op]

    def ordered(item: Item, names: Names, values: Values) -> bool:
        return compare_order(left(item, names, values), right(item, names, values)) in wanted

    return ordered


def _compile_function(call: Call, kind: str) -> CondFn:
    name = call.name
    arity = {"attribute_exists": 1, "attribute_not_exists": 1}.get(name, 2)
    if len(call.args) != arity or name == "size":
        message = (
            f"Invalid {kind}: Incorrect number of operands for operator or function; "
            f"operator or function: {name}, number of operands: {len(call.args)}"
        )

        def wrong(item: Item, names: Names, values: Values) -> bool:
            raise ValidationException(message)

        return wrong
    if name in ("attribute_exists", "attribute_not_exists"):
        target = call.args[0]
        if not isinstance(target, Path):
            return _raising(call, kind)
        getter = compile_path(target, kind)
        if name == "attribute_exists":
            return lambda item, names, values: getter(item, names) is not None
        return lambda item, names, values: getter(item, names) is None
    first = compile_operand(call.args[0], kind)
    second = compile_operand(call.args[1], kind)
    if name == "begins_with":
        return lambda item, names, values: begins_with(
            first(item, names, values), second(item, names, values)
        )
    if name == "contains":
        return lambda item, names, values: contains(
            first(item, names, values), second(item, names, values)
        )

    def attribute_type(item: Item, names: Names, values: Values) -> bool:
        value = first(item, names, values)
        wanted = second(item, names, values)
        if wanted is None or "S" not in wanted or wanted["S"] not in ATTRIBUTE_TYPES:
            raise ValidationException(
                f"Invalid {kind}: Invalid attribute type name found; type: "
                f"{next(iter(wanted.values())) if wanted else None}, "
                "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
            )
        return value is not None and type_of(value) == wanted["S"]

    return attribute_type


def compile_condition(node: CondNode, kind: str) -> CondFn:
    """Compile a condition tree into ``(item, names, values) -> bool``."""
    if isinstance(node, Compare):
        return _compile_compare(
            node.op, compile_operand(node.left, kind), compile_operand(node.right, kind)
        )
    if isinstance(node, And):
        parts = tuple(compile_condition(part, kind) for part in node.parts)
        if len(parts) == 2:
            a, b = parts
            return lambda item, names, values: a(item, names, values) and b(item, names, values)
        return lambda item, names, values: all(part(item, names, values) for part in parts)
    if isinstance(node, Or):
        parts = tuple(compile_condition(part, kind) for part in node.parts)
        if len(parts) == 2:
            a, b = parts
            return lambda item, names, values: a(item, names, values) or b(item, names, values)
        return lambda item, names, values: any(part(item, names, values) for part in parts)
    if isinstance(node, Not):
        inner = compile_condition(node.operand, kind)
        return lambda item, names, values: not inner(item, names, values)
    if isinstance(node, Between):
        subject = compile_operand(node.operand, kind)
        low = compile_operand(node.low, kind)
        high = compile_operand(node.high, kind)

        def between(item: Item, names: Names, values: Values) -> bool:
            value = subject(item, names, values)
            lower = compare_order(value, low(item, names, values))
            if lower is None or lower < 0:
                return False
            upper = compare_order(value, high(item, names, values))
            return upper is not None and upper <= 0

        return between
    if isinstance(node, In):
        subject = compile_operand(node.operand, kind)
        options = tuple(compile_operand(option, kind) for option in node.options)

        def member(item: Item, names: Names, values: Values) -> bool:
            value = subject(item, names, values)
            if value is None:
                return False
            return any(value == option(item, names, values) for option in options)

        return member
    assert isinstance(node, FunctionCondition)
    return _compile_function(node.call, kind)


# --- public evaluation -------------------------------------------------------------------------


def evaluate_condition(
    cond: object,
    item: Item | None,
    names: Names | None,
    values: Values | None,
) -> bool:
    """Return whether ``item`` satisfies a parsed ConditionExpression or FilterExpression.

    ``item`` ``None`` means there is no item: every path is missing.  ``values`` must be
    canonical.  Run ``check_placeholders`` first: this only raises for what it would have
    rejected.

    >>> from streamsim._dynamodb._expressions import parse_condition
    >>> cond = parse_condition("attribute_not_exists(pk) OR version < :v")
    >>> item = {"pk": {"S": "a"}, "version": {"N": "3"}}
    >>> evaluate_condition(cond, item, None, {":v": {"N": "4"}})
    True

    Raises:
        ValidationException: a placeholder is undefined, or the expression misuses a
            function in a way ``check_placeholders`` reports.
    """
    evaluator: CondFn = cond.evaluator  # type: ignore[attr-defined]
    return evaluator(
        _EMPTY if item is None else item,
        _NO_NAMES if names is None else names,
        _EMPTY if values is None else values,
    )


# --- projection --------------------------------------------------------------------------------


class _Node:
    """A trie of projected paths: ``leaf`` marks a path that ends here."""

    __slots__ = ("children", "leaf")

    def __init__(self) -> None:
        self.children: dict[PathElement, _Node] = {}
        self.leaf = False


def _project_value(value: AttributeValue, node: _Node) -> AttributeValue | None:
    if node.leaf:
        return value
    keys = list(node.children)
    if isinstance(keys[0], int):
        items = value.get("L")
        if items is None:
            return None
        picked = []
        for index in sorted(k for k in keys if isinstance(k, int)):
            if index < len(items):
                sub = _project_value(items[index], node.children[index])
                if sub is not None:
                    picked.append(sub)
        return {"L": picked} if picked else None
    members = value.get("M")
    if members is None:
        return None
    out = _project_members(members, node)
    return {"M": out} if out else None


def _project_members(members: dict[str, AttributeValue], node: _Node) -> dict[str, AttributeValue]:
    out: dict[str, AttributeValue] = {}
    for key, child in node.children.items():
        value = members.get(key)  # type: ignore[arg-type]
        if value is not None:
            sub = _project_value(value, child)
            if sub is not None:
                out[key] = sub  # type: ignore[index]
    return out


def project(projection: Projection, item: Item, names: Names | None) -> Item:
    """Return the parts of ``item`` a ProjectionExpression asks for, keeping their nesting.

    ``a.b`` gives ``{"a": {"M": {"b": ...}}}``; list indexes gather, in index order, into a
    list.  Paths that are missing are left out.  The result shares values with ``item``.

    >>> from streamsim._dynamodb._expressions import parse_projection
    >>> item = {"a": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}, "b": {"N": "1"}}
    >>> project(parse_projection("a[2], a[0]"), item, None)
    {'a': {'L': [{'S': 'x'}, {'S': 'z'}]}}

    Raises:
        ValidationException: a name placeholder is undefined, or two paths overlap or conflict.
    """
    kind = projection.kind
    names_map: Names = _NO_NAMES if names is None else names
    paths = [p.resolve(names_map, kind) if p.has_refs else p.elements for p in projection.paths]
    if len(paths) == 1 and len(paths[0]) == 1:
        name = paths[0][0]
        assert isinstance(name, str)
        value = item.get(name)
        return {} if value is None else {name: value}
    check_paths(paths, kind)
    root = _Node()
    for path in paths:
        node = root
        for element in path:
            node = node.children.setdefault(element, _Node())
        node.leaf = True
    return _project_members(item, root)
