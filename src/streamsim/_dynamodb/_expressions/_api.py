"""The package's composite steps: parse then compile, check then resolve.

Parsing (``_parser``) produces syntax trees and knows nothing of evaluation; compiling
(``_evaluate``, ``_update``) and the checks that need placeholders (``_validate``) work on those
trees.  This module sits above all of them and joins the steps callers want in one call:
:func:`parse_condition` and :func:`parse_update` parse and compile once per expression string
(cached), :func:`resolve_key_condition` checks a key condition and reads what it selects.
"""

from __future__ import annotations

import functools
from typing import Final

from streamsim._errors import ValidationException

from ._ast import (
    AttributeValue,
    Condition,
    KeyConditionAST,
    Names,
    Path,
    UpdateExpression,
    Values,
    iter_operands,
)
from ._evaluate import compile_condition
from ._keycond import KeyCondition, key_conditions
from ._parser import (
    PARSE_CACHE_SIZE,
    parse_condition_tree,
    parse_update_tree,
    split_refs,
)
from ._update import compile_set_value
from ._validate import validate

__all__ = ["check_filter_keys", "parse_condition", "parse_update", "resolve_key_condition"]

_EMPTY: Final[dict[str, AttributeValue]] = {}
_NO_NAMES: Final[dict[str, str]] = {}


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_condition(expression: str, *, kind: str = "ConditionExpression") -> Condition:
    """Parse a ConditionExpression or FilterExpression (``kind`` names it in messages).

    Cached by expression string and kind: parse and compile once, evaluate on every write.

    >>> parse_condition("attribute_not_exists(pk) OR #v < :max").names
    frozenset({'#v'})

    Raises:
        ValidationException: a syntax error, an empty or over-4-KB expression, an unknown or
            misused function, redundant parentheses or a reserved word used as a name.
    """
    root, refs = parse_condition_tree(expression, kind)
    names, values = split_refs(refs)
    return Condition(
        expression=expression,
        kind=kind,
        root=root,
        names=names,
        values=values,
        refs=tuple(refs),
        deferred=(),
        evaluator=compile_condition(root, kind),
    )


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_update(expression: str) -> UpdateExpression:
    """Parse an UpdateExpression and compile the right-hand sides of its SET actions.

    >>> u = parse_update("SET #n = #n + :one REMOVE stale ADD tags :t")
    >>> sorted(u.names | u.values)
    ['#n', ':one', ':t']

    Raises:
        ValidationException: a syntax error, an empty or over-4-KB expression, a reserved word
            used as a name, an unknown function, or a section (SET, REMOVE, ADD, DELETE) used
            twice.
    """
    sets, removes, adds, deletes, written, refs = parse_update_tree(expression)
    names, values = split_refs(refs)
    return UpdateExpression(
        expression=expression,
        set_actions=tuple(sets),
        remove_actions=tuple(removes),
        add_actions=tuple(adds),
        delete_actions=tuple(deletes),
        names=names,
        values=values,
        refs=tuple(refs),
        deferred=(),
        written=tuple(written),
        set_values=tuple(compile_set_value(action.value) for action in sets),
    )


def resolve_key_condition(
    ast: KeyConditionAST,
    names: Names | None,
    values: Values | None,
    hash_key: str,
    range_key: str | None,
) -> KeyCondition:
    """Check a key condition against the key schema and return what it selects.

    >>> from streamsim._dynamodb._expressions import parse_key_condition
    >>> ast = parse_key_condition("pk = :p AND sk BETWEEN :a AND :b")
    >>> values = {":p": {"S": "x"}, ":a": {"N": "1"}, ":b": {"N": "5"}}
    >>> kc = resolve_key_condition(ast, None, values, "pk", "sk")
    >>> kc.hash_value, kc.range_op, kc.range_values
    ({'S': 'x'}, 'BETWEEN', ({'N': '1'}, {'N': '5'}))

    Differs from AWS: the types of the values are not checked against the key schema here
    ("Condition parameter type does not match schema type" is the table engine's to raise).

    Raises:
        ValidationException: as ``check_placeholders`` would, then AWS's key-schema errors:
            "Query condition missed key schema element: <key>" and "Query key condition not
            supported".
    """
    names_map: Names = _EMPTY if names is None else names  # type: ignore[assignment]
    values_map: Values = _EMPTY if values is None else values
    validate(ast, names_map, values_map)
    conditions = key_conditions(ast, names_map, values_map)
    if hash_key not in conditions:
        raise ValidationException(f"Query condition missed key schema element: {hash_key}")
    if len(conditions) > 1:
        if range_key is not None and range_key not in conditions:
            raise ValidationException(f"Query condition missed key schema element: {range_key}")
        if range_key is None or len(conditions) > 2:
            raise ValidationException("Query key condition not supported")
    hash_op, hash_values = conditions[hash_key]
    if hash_op != "=":
        raise ValidationException("Query key condition not supported")
    if range_key is None or range_key not in conditions:
        return KeyCondition(hash_values[0])
    range_op, range_values = conditions[range_key]
    return KeyCondition(hash_values[0], range_op, range_values)


def condition_heads(condition: Condition, names: Names | None) -> set[str]:
    """The top-level attribute names a condition's document paths start from.

    >>> sorted(condition_heads(parse_condition("a.b > :v AND c[0] = d", kind="x"), None))
    ['a', 'c', 'd']
    """
    return {
        str(operand.resolve(names or _NO_NAMES, condition.kind)[0])
        for operand, _ in iter_operands(condition.root)
        if isinstance(operand, Path)
    }


def check_filter_keys(condition: Condition, names: Names | None, keys: tuple[str, ...]) -> None:
    """A Query's FilterExpression may not name a key attribute (rule H.2).

    ``keys``: the key attributes of what is queried, hash key first (the first one named is
    reported, in that order).

    >>> check_filter_keys(parse_condition("sk > :a", kind="FilterExpression"), None, ("pk", "sk"))
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... Primary key attribute: sk
    """
    heads = condition_heads(condition, names)
    what = "Filter Expression" if condition.kind == "FilterExpression" else condition.kind
    for key in keys:
        if key in heads:
            raise ValidationException(
                f"{what} can only contain non-primary key attributes: Primary key attribute: {key}"
            )
