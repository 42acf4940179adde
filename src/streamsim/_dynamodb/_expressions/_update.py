"""Applying an UpdateExpression to an item, copy-on-write.

AWS behaviour (Developer Guide, "Update expressions"; the details below are DynamoDB's as
recorded by the ScyllaDB Alternator and dynalite test suites, both run against DynamoDB):

* every action reads the ORIGINAL item: ``SET a = :v, b = a`` copies the old ``a``;
* list indexes refer to positions in the original list: ``REMOVE a[1] SET a[3] = :v`` on
  ``[2, 3, 4, 5, 6, 7]`` gives ``[2, 4, :v, 6, 7]``; removed indexes go highest first;
* ``SET a[i]`` past the end appends; several appends go in index order;
* ``REMOVE`` of a missing attribute, map key or past-the-end index does nothing, but a path
  through a missing or wrongly typed parent is "The document path provided in the update
  expression is invalid for update" (the same for SET/ADD/DELETE); when there is no item at
  all, REMOVE does nothing whatever the path;
* ``ADD`` adds to a number (a missing one counts as 0) or unions into a set (a missing one is
  created); ``DELETE`` takes members out of a set, and removes the attribute when none are left;
* reading a missing attribute on the right of SET is "The provided expression refers to an
  attribute that does not exist in the item"; the wrong type is "An operand in the update
  expression has an incorrect data type".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from streamsim._errors import ValidationException
from streamsim._items import type_of

from ._ast import (
    Arith,
    AttributeValue,
    Call,
    Item,
    Names,
    Operand,
    Path,
    PathElement,
    ResolvedPath,
    UpdateExpression,
    ValueRef,
    Values,
    check_paths,
    resolve_value,
)
from ._evaluate import compile_path, compile_value_ref, get_path
from ._grammar import LONG_TYPE_NAMES
from ._numbers import add_numbers, subtract_numbers

KIND: Final = "UpdateExpression"
MISSING_ATTRIBUTE: Final = (
    "The provided expression refers to an attribute that does not exist in the item"
)
WRONG_TYPE: Final = "An operand in the update expression has an incorrect data type"
INVALID_PATH: Final = "The document path provided in the update expression is invalid for update"
#: ``AttributeUpdates``' word for WRONG_TYPE (rule H.33).
LEGACY_MISMATCH: Final = "Type mismatch for attribute to update"

_SET_TYPES: Final = frozenset({"SS", "NS", "BS"})
_EMPTY: Final[dict[str, AttributeValue]] = {}


def _wrong_operand(function: str, value: AttributeValue) -> ValidationException:
    return ValidationException(
        f"Invalid {KIND}: Incorrect operand type for operator or function; operator or "
        f"function: {function}, operand type: {type_of(value)}"
    )


# --- compiling SET right-hand sides ------------------------------------------------------------


#: A compiled SET right-hand side: ``(item, names, values) -> value`` (never ``None``).
ValueFn = Callable[[Item, Names, Values], AttributeValue]


def compile_set_value(operand: Operand) -> ValueFn:
    """Compile the right-hand side of a SET action into ``(item, names, values) -> value``.

    The compiled function never returns ``None``: reading a missing attribute raises.
    """
    if isinstance(operand, ValueRef):
        return compile_value_ref(operand, KIND)
    if isinstance(operand, Path):
        getter = compile_path(operand, KIND)

        def read(item: Item, names: Names, values: Values) -> AttributeValue:
            value = getter(item, names)
            if value is None:
                raise ValidationException(MISSING_ATTRIBUTE)
            return value

        return read
    if isinstance(operand, Arith):
        return _compile_arith(operand)
    assert isinstance(operand, Call)
    return _compile_call(operand)


def _compile_arith(operand: Arith) -> ValueFn:
    left = compile_set_value(operand.left)
    right = compile_set_value(operand.right)
    literal = (isinstance(operand.left, ValueRef), isinstance(operand.right, ValueRef))
    combine = add_numbers if operand.op == "+" else subtract_numbers
    op = operand.op

    def arith(item: Item, names: Names, values: Values) -> AttributeValue:
        a = left(item, names, values)
        b = right(item, names, values)
        for value, is_literal in zip((a, b), literal, strict=True):
            if "N" not in value:
                raise _wrong_operand(op, value) if is_literal else ValidationException(WRONG_TYPE)
        return {"N": combine(a["N"], b["N"])}

    return arith


def _compile_call(call: Call) -> ValueFn:
    name, args = call.name, call.args
    if len(args) != 2 or name not in ("if_not_exists", "list_append"):
        message = (
            f"Invalid {KIND}: Incorrect number of operands for operator or function; operator "
            f"or function: {name}, number of operands: {len(args)}"
        )
        if name not in ("if_not_exists", "list_append"):
            message = f"Invalid {KIND}: Invalid function name; function: {name}"

        def wrong(item: Item, names: Names, values: Values) -> AttributeValue:
            raise ValidationException(message)

        return wrong
    if name == "if_not_exists":
        target = args[0]
        if not isinstance(target, Path):

            def not_a_path(item: Item, names: Names, values: Values) -> AttributeValue:
                raise ValidationException(
                    f"Invalid {KIND}: Operator or function requires a document path; operator "
                    "or function: if_not_exists"
                )

            return not_a_path
        getter = compile_path(target, KIND)
        fallback = compile_set_value(args[1])

        def if_not_exists(item: Item, names: Names, values: Values) -> AttributeValue:
            value = getter(item, names)
            return fallback(item, names, values) if value is None else value

        return if_not_exists
    first = compile_set_value(args[0])
    second = compile_set_value(args[1])
    literal = (isinstance(args[0], ValueRef), isinstance(args[1], ValueRef))

    def list_append(item: Item, names: Names, values: Values) -> AttributeValue:
        a = first(item, names, values)
        b = second(item, names, values)
        for value, is_literal in zip((a, b), literal, strict=True):
            if "L" not in value:
                if is_literal:
                    raise _wrong_operand("list_append", value)
                raise ValidationException(WRONG_TYPE)
        return {"L": [*a["L"], *b["L"]]}

    return list_append


# --- ADD and DELETE ----------------------------------------------------------------------------


def _set_sort_key(set_type: str) -> Callable[[object], object] | None:
    return Decimal if set_type == "NS" else None  # type: ignore[return-value]


def _operand_type_error(operator: str, value: AttributeValue) -> ValidationException:
    long_names = LONG_TYPE_NAMES
    return ValidationException(
        f"Invalid {KIND}: Incorrect operand type for operator or function; operator: "
        f"{operator}, operand type: {long_names.get(type_of(value), type_of(value))}"
    )


def _add(
    existing: AttributeValue | None, value: AttributeValue, mismatch: str = WRONG_TYPE
) -> AttributeValue:
    value_type = type_of(value)
    if value_type == "N":
        if existing is None:
            return value
        if "N" not in existing:
            raise ValidationException(mismatch)
        return {"N": add_numbers(existing["N"], value["N"])}
    if value_type == "L" and mismatch == LEGACY_MISMATCH:  # AttributeUpdates' ADD appends
        if existing is None:
            return value
        if "L" not in existing:
            raise ValidationException(mismatch)
        return {"L": [*existing["L"], *value["L"]]}
    if value_type not in _SET_TYPES:
        raise _operand_type_error("ADD", value)
    if existing is None:
        return value
    members = existing.get(value_type)
    if members is None:
        raise ValidationException(mismatch)
    union = set(members)
    union.update(value[value_type])
    return {value_type: sorted(union, key=_set_sort_key(value_type))}  # type: ignore[arg-type]


def _delete(
    existing: AttributeValue | None, value: AttributeValue, mismatch: str = WRONG_TYPE
) -> AttributeValue | None:
    """Return the set left after DELETE, or ``None`` to remove the attribute."""
    value_type = type_of(value)
    if value_type not in _SET_TYPES:
        raise _operand_type_error("DELETE", value)
    if existing is None:
        return None
    members = existing.get(value_type)
    if members is None:
        raise ValidationException(mismatch)
    gone = set(value[value_type])
    left = [member for member in members if member not in gone]
    return {value_type: left} if left else None


# --- applying writes ---------------------------------------------------------------------------


class _Remove:
    """Marks a removal in the write trie."""

    __slots__ = ()


_REMOVE: Final = _Remove()


class _Node:
    """A trie of writes; ``op`` is the value to write, ``_REMOVE``, or ``None`` (inner node)."""

    __slots__ = ("children", "op")

    def __init__(self) -> None:
        self.children: dict[PathElement, _Node] = {}
        self.op: AttributeValue | _Remove | None = None


def _apply_members(members: dict[str, AttributeValue], node: _Node) -> dict[str, AttributeValue]:
    out = dict(members)
    for key, child in node.children.items():
        assert isinstance(key, str)
        op = child.op
        if op is _REMOVE:
            out.pop(key, None)
        elif op is not None:
            out[key] = op  # type: ignore[assignment]
        else:
            out[key] = _apply_nested(members.get(key), child)
    return out


def _apply_nested(value: AttributeValue | None, node: _Node) -> AttributeValue:
    if isinstance(next(iter(node.children)), int):
        items = None if value is None else value.get("L")
        if items is None:
            raise ValidationException(INVALID_PATH)
        return {"L": _apply_items(items, node)}
    members = None if value is None else value.get("M")
    if members is None:
        raise ValidationException(INVALID_PATH)
    return {"M": _apply_members(members, node)}


def _apply_items(items: list[AttributeValue], node: _Node) -> list[AttributeValue]:
    out = list(items)
    size = len(items)
    removed: list[int] = []
    appended: list[tuple[int, AttributeValue]] = []
    for index, child in node.children.items():
        assert isinstance(index, int)
        op = child.op
        if op is _REMOVE:
            if index < size:
                removed.append(index)
        elif op is not None:
            if index < size:
                out[index] = op  # type: ignore[assignment]
            else:
                appended.append((index, op))  # type: ignore[arg-type]
        else:
            if index >= size:
                raise ValidationException(INVALID_PATH)
            out[index] = _apply_nested(items[index], child)
    for index in sorted(removed, reverse=True):
        del out[index]
    if appended:
        appended.sort(key=lambda pair: pair[0])
        out.extend(value for _, value in appended)
    return out


def _resolved(path: Path, names: Names) -> ResolvedPath:
    return path.resolve(names, KIND) if path.has_refs else path.elements


def apply_update(
    update: UpdateExpression,
    item: Item | None,
    names: Names | None,
    values: Values | None,
) -> Item:
    """Return a new item: ``item`` with the update applied.

    ``item`` is never mutated, nor anything inside it: dicts and lists are copied along the
    changed paths only, unchanged sub-values are shared (so are the given ``values``, which
    must be canonical and not mutated afterwards).  ``item`` ``None`` means there is no item
    yet: the result then holds only what the update wrote (the caller adds the key).

    >>> from streamsim._dynamodb._expressions import parse_update
    >>> old = {"pk": {"S": "k"}, "n": {"N": "1"}, "tags": {"SS": ["a", "b"]}}
    >>> apply_update(parse_update("SET n = n + :one DELETE tags :a"), old, None,
    ...              {":one": {"N": "1"}, ":a": {"SS": ["a"]}})
    {'pk': {'S': 'k'}, 'n': {'N': '2'}, 'tags': {'SS': ['b']}}

    Raises:
        ValidationException: AWS's runtime errors (see the module docstring), overlapping or
            conflicting paths, undefined placeholders, number overflow.
    """
    names_map: Names = _EMPTY if names is None else names  # type: ignore[assignment]
    values_map: Values = _EMPTY if values is None else values
    source: Item = _EMPTY if item is None else item

    resolved: dict[int, ResolvedPath] = {}
    for path in update.written:
        resolved[id(path)] = _resolved(path, names_map)
    if len(update.written) > 1:
        check_paths(list(resolved.values()), KIND)

    mismatch = LEGACY_MISMATCH if update.legacy else WRONG_TYPE
    writes: list[tuple[ResolvedPath, AttributeValue | _Remove]] = []
    for action, compute in zip(update.set_actions, update.set_values, strict=True):
        value = compute(source, names_map, values_map)
        assert value is not None
        writes.append((resolved[id(action.path)], value))
    if item is not None:
        for path in update.remove_actions:
            writes.append((resolved[id(path)], _REMOVE))
    for add in update.add_actions:
        target = resolved[id(add.path)]
        writes.append(
            (
                target,
                _add(
                    get_path(source, target),
                    resolve_value(values_map, add.value.name, KIND),
                    mismatch,
                ),
            )
        )
    for delete in update.delete_actions:
        target = resolved[id(delete.path)]
        left = _delete(
            get_path(source, target), resolve_value(values_map, delete.value.name, KIND), mismatch
        )
        if left is not None:
            writes.append((target, left))
        elif item is not None:
            writes.append((target, _REMOVE))

    root = _Node()
    for target, op in writes:
        node = root
        for element in target:
            node = node.children.setdefault(element, _Node())
        node.op = op
    return _apply_members(source, root)


def updated_top_level_names(update: UpdateExpression, names: Names | None) -> frozenset[str]:
    """Return the top-level attribute names an update writes (SET, REMOVE, ADD or DELETE).

    The table engine uses it to refuse updates of key attributes ("Cannot update attribute
    pk. This attribute is part of the key").

    >>> from streamsim._dynamodb._expressions import parse_update
    >>> sorted(updated_top_level_names(parse_update("SET a.b = :v REMOVE #c"), {"#c": "c"}))
    ['a', 'c']
    """
    names_map: Names = _EMPTY if names is None else names  # type: ignore[assignment]
    out: set[str] = set()
    for path in update.written:
        first = path.elements[0]
        assert isinstance(first, str)
        out.add(_resolved(Path((first,)), names_map)[0] if first[:1] == "#" else first)  # type: ignore[arg-type]
    return frozenset(out)
