"""Expressions against a plain-Python model: random updates and random condition trees.

The model works on ordinary Python values (``Decimal`` numbers, ``str``, ``bytes``, ``bool``,
``None``, ``list``, ``dict`` and ``(tag, frozenset)`` sets), deep-copies and mutates in place,
and is written to be obviously right rather than fast.  Items go through ``to_av`` into
canonical DynamoDB JSON for the implementation; results are compared in that form.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from streamsim._dynamodb._expressions import (
    apply_update,
    check_placeholders,
    evaluate_condition,
    parse_condition,
    parse_update,
)
from streamsim._errors import ValidationException
from streamsim._items import normalize_number

TOP = ("a", "b", "c", "d")
KEYS = ("x", "y")
INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"


class ModelError(Exception):
    """The model's verdict that AWS rejects the update, with AWS's message."""


class Absent:
    """The model's missing value."""


ABSENT = Absent()


# --- plain values <-> canonical DynamoDB JSON ---------------------------------------------------


def to_av(value: Any) -> dict[str, Any]:
    """Canonical DynamoDB JSON of a model value."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, Decimal):
        return {"N": normalize_number(str(value))}
    if isinstance(value, list):
        return {"L": [to_av(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {k: to_av(v) for k, v in value.items()}}
    tag, members = value
    if tag == "NS":
        return {"NS": [normalize_number(str(m)) for m in sorted(members)]}
    return {tag: sorted(members)}


def to_item(item: dict[str, Any]) -> dict[str, Any]:
    """Canonical item of a model item."""
    return {k: to_av(v) for k, v in item.items()}


def same(a: Any, b: Any) -> bool:
    """Type-aware equality of model values (so ``True`` is not ``Decimal(1)``)."""
    return to_av(a) == to_av(b)


# --- strategies ----------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-3, 3).map(Decimal), st.sampled_from([Decimal("0.5"), Decimal("-1.25")])
)
scalars = st.one_of(
    st.sampled_from(["", "p", "pq", "q", "é"]),
    numbers,
    st.booleans(),
    st.none(),
    st.sampled_from([b"", b"\x00", b"\x01\x02"]),
)
string_sets = st.frozensets(st.sampled_from(["p", "q", "r"]), min_size=1).map(lambda s: ("SS", s))
number_sets = st.frozensets(st.integers(-2, 2).map(Decimal), min_size=1).map(lambda s: ("NS", s))
sets = st.one_of(string_sets, number_sets)
values = st.recursive(
    st.one_of(scalars, sets),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=2),
    ),
    max_leaves=8,
)
items = st.dictionaries(st.sampled_from(TOP), values, max_size=4)
paths = st.tuples(
    st.sampled_from(TOP),
    st.lists(st.one_of(st.sampled_from(KEYS), st.integers(0, 3)), max_size=2),
).map(lambda t: (t[0], *t[1]))


def path_text(path: tuple[Any, ...], names: dict[str, str], use_name: bool) -> str:
    """Render a path, its first element through a ``#`` placeholder when ``use_name``."""
    first = path[0]
    if use_name:
        names[f"#{first}"] = first
        first = f"#{first}"
    return first + "".join(f"[{e}]" if isinstance(e, int) else f".{e}" for e in path[1:])


# --- the update model ----------------------------------------------------------------------------


def m_get(item: dict[str, Any], path: tuple[Any, ...]) -> Any:
    """The value at ``path``, or ABSENT."""
    current: Any = item
    for element in path:
        if isinstance(element, int):
            if not isinstance(current, list) or element >= len(current):
                return ABSENT
            current = current[element]
        else:
            if not isinstance(current, dict) or element not in current:
                return ABSENT
            current = current[element]
    return current


def is_number(value: Any) -> bool:
    """Whether a model value is a number."""
    return isinstance(value, Decimal)


def m_operand(op: tuple[Any, ...], item: dict[str, Any]) -> Any:
    """Evaluate a SET right-hand side on the original item."""
    kind = op[0]
    if kind == "value":
        return op[1]
    if kind == "path":
        found = m_get(item, op[1])
        if found is ABSENT:
            raise ModelError(MISSING)
        return found
    if kind in ("+", "-"):
        left, right = m_operand(op[1], item), m_operand(op[2], item)
        if not is_number(left) or not is_number(right):
            raise ModelError(WRONG_TYPE)
        return left + right if kind == "+" else left - right
    if kind == "if_not_exists":
        found = m_get(item, op[1])
        return m_operand(op[2], item) if found is ABSENT else found
    left, right = m_operand(op[1], item), m_operand(op[2], item)  # list_append
    if not isinstance(left, list) or not isinstance(right, list):
        raise ModelError(WRONG_TYPE)
    return left + right


REMOVE = object()


def m_add(existing: Any, value: Any) -> Any:
    """ADD: number sum or set union."""
    if existing is ABSENT:
        return value
    if is_number(value):
        if not is_number(existing):
            raise ModelError(WRONG_TYPE)
        return existing + value
    if not isinstance(existing, tuple) or existing[0] != value[0]:
        raise ModelError(WRONG_TYPE)
    return (value[0], existing[1] | value[1])


def m_delete(existing: Any, value: Any) -> Any:
    """DELETE: set difference; REMOVE when nothing is left or nothing was there."""
    if existing is ABSENT:
        return REMOVE
    if not isinstance(existing, tuple) or existing[0] != value[0]:
        raise ModelError(WRONG_TYPE)
    left = existing[1] - value[1]
    return (value[0], left) if left else REMOVE


def overlapping(all_paths: list[tuple[Any, ...]]) -> bool:
    """Whether two paths overlap (one a prefix of the other) or conflict (key vs index)."""
    for i, p in enumerate(all_paths):
        for q in all_paths[:i]:
            for a, b in zip(p, q, strict=False):
                if isinstance(a, int) != isinstance(b, int):
                    return True
                if a != b:
                    break
            else:
                return True
    return False


def m_apply(item: dict[str, Any], actions: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Apply update actions the slow, obvious way."""
    original = copy.deepcopy(item)
    writes: list[tuple[tuple[Any, ...], Any]] = []
    for action in actions:  # every value is computed from the original item first
        if action[0] == "SET":
            writes.append((action[1], m_operand(action[2], original)))
    for action in actions:
        if action[0] == "ADD":
            writes.append((action[1], m_add(m_get(original, action[1]), action[2])))
    for action in actions:
        if action[0] == "DELETE":
            writes.append((action[1], m_delete(m_get(original, action[1]), action[2])))
    for action in actions:
        if action[0] == "REMOVE":
            writes.append((action[1], REMOVE))
    new = copy.deepcopy(original)
    appends: list[tuple[list[Any], int, Any]] = []
    removals: list[tuple[Any, Any, int]] = []
    for path, value in writes:
        parent: Any = new
        original_parent: Any = original
        for element, following in itertools.pairwise(path):
            wanted = list if isinstance(following, int) else dict
            child = m_get(original_parent, (element,)) if original_parent is not ABSENT else ABSENT
            if child is ABSENT or not isinstance(child, wanted):
                raise ModelError(INVALID_PATH)
            original_parent = child
            parent = parent[element]
        last = path[-1]
        if value is REMOVE:
            removals.append((parent, last, len(original_parent) if isinstance(last, int) else 0))
        elif isinstance(last, int) and last >= len(original_parent):
            appends.append((parent, last, value))
        else:
            parent[last] = value
    for parent, _index, value in sorted(appends, key=lambda a: a[1]):
        parent.append(value)
    for parent, key, size in sorted(
        removals, key=lambda r: r[1] if isinstance(r[1], int) else -1, reverse=True
    ):
        if isinstance(key, int):
            if key < size:
                del parent[key]
        else:
            parent.pop(key, None)
    return new


@st.composite
def updates(draw: st.DrawFn) -> tuple[str, list[tuple[Any, ...]], dict[str, str], dict[str, Any]]:
    """A random update expression, its model actions, names and values."""
    names: dict[str, str] = {}
    vals: dict[str, Any] = {}
    counter = iter(range(1000))

    def value_ref(value: Any) -> str:
        ref = f":v{next(counter)}"
        vals[ref] = value
        return ref

    def operand() -> tuple[str, tuple[Any, ...]]:
        kind = draw(
            st.sampled_from(["value", "path", "+", "-", "if_not_exists", "list_append", "append2"])
        )
        if kind == "value":
            v = draw(values)
            return value_ref(v), ("value", v)
        src = draw(paths)
        src_text = path_text(src, names, draw(st.booleans()))
        if kind == "path":
            return src_text, ("path", src)
        if kind in ("+", "-"):
            n = draw(numbers)
            if draw(st.booleans()):
                return f"{src_text} {kind} {value_ref(n)}", (kind, ("path", src), ("value", n))
            return f"{value_ref(n)} {kind} {src_text}", (kind, ("value", n), ("path", src))
        if kind == "if_not_exists":
            v = draw(values)
            return f"if_not_exists({src_text}, {value_ref(v)})", (kind, src, ("value", v))
        lst = draw(st.lists(values, max_size=2))
        if kind == "list_append":
            text = f"list_append({src_text}, {value_ref(lst)})"
            return text, ("list_append", ("path", src), ("value", lst))
        text = f"list_append({value_ref(lst)}, {src_text})"
        return text, ("list_append", ("value", lst), ("path", src))

    clauses: dict[str, list[str]] = {}
    actions: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 4))):
        clause = draw(st.sampled_from(["SET", "REMOVE", "ADD", "DELETE"]))
        target = draw(paths)
        target_text = path_text(target, names, draw(st.booleans()))
        if clause == "SET":
            text, op = operand()
            clauses.setdefault(clause, []).append(f"{target_text} = {text}")
            actions.append(("SET", target, op))
        elif clause == "REMOVE":
            clauses.setdefault(clause, []).append(target_text)
            actions.append(("REMOVE", target))
        else:
            v = draw(st.one_of(numbers, sets) if clause == "ADD" else sets)
            clauses.setdefault(clause, []).append(f"{target_text} {value_ref(v)}")
            actions.append((clause, target, v))
    order = draw(st.permutations(list(clauses)))
    expression = " ".join(f"{c} " + ", ".join(clauses[c]) for c in order)
    return expression, actions, names, vals


@given(items, updates())
def test_random_updates_agree_with_plain_dict_model(item: dict[str, Any], update: Any) -> None:
    """Random SET/REMOVE/ADD/DELETE sequences agree with a plain-dict model, errors included."""
    expression, actions, names, vals = update
    parsed = parse_update(expression)
    av_names = names or None
    av_values = {k: to_av(v) for k, v in vals.items()} or None
    av_item = to_item(item)
    before = copy.deepcopy(av_item)
    written = [a[1] for a in actions]
    try:
        if overlapping(written):
            raise ModelError("overlap or conflict")
        expected: Any = to_item(m_apply(item, actions))
    except ModelError as verdict:
        expected = verdict
    try:
        check_placeholders([parsed], av_names, av_values)
        got: Any = apply_update(parsed, av_item, av_names, av_values)
    except ValidationException as error:
        got = error
    if isinstance(expected, ModelError):
        assert isinstance(got, ValidationException), (expression, got)
        if str(expected) == "overlap or conflict":
            assert "overlap" in got.message or "conflict" in got.message
        else:
            assert got.message == str(expected), expression
    else:
        assert got == expected, expression
    assert av_item == before, "apply_update mutated its input"


@given(items, updates())
def test_apply_update_never_mutates_its_input(item: dict[str, Any], update: Any) -> None:
    """Whatever the update does or raises, the input item is unchanged, deep down."""
    expression, _, names, vals = update
    av_item = to_item(item)
    before = copy.deepcopy(av_item)
    av_values = {k: to_av(v) for k, v in vals.items()} or None
    with contextlib.suppress(ValidationException):
        apply_update(parse_update(expression), av_item, names or None, av_values)
    assert av_item == before


# --- the condition model -------------------------------------------------------------------------


def m_type(value: Any) -> str:
    """The DynamoDB type tag of a model value."""
    return next(iter(to_av(value)))


def m_order(a: Any, b: Any) -> int | None:
    """-1/0/1 for two values of one orderable type, else None."""
    if a is ABSENT or b is ABSENT or m_type(a) != m_type(b) or m_type(a) not in ("N", "S", "B"):
        return None
    return -1 if a < b else (1 if a > b else 0)


def m_size(value: Any) -> Any:
    """size() of a model value, or ABSENT."""
    if value is ABSENT or m_type(value) in ("N", "BOOL", "NULL"):
        return ABSENT
    if isinstance(value, str):
        return Decimal(len(value.encode("utf-16-le")) // 2)
    if isinstance(value, tuple):
        return Decimal(len(value[1]))
    return Decimal(len(value))


def m_contains(value: Any, wanted: Any) -> bool:
    """contains() on model values."""
    if value is ABSENT:
        return False
    if isinstance(value, (str, bytes)):
        return m_type(value) == m_type(wanted) and wanted in value
    if isinstance(value, tuple):
        return value[0] == {"S": "SS", "N": "NS", "B": "BS"}.get(m_type(wanted)) and any(
            same(member, wanted) for member in value[1]
        )
    if isinstance(value, list):
        return any(same(element, wanted) for element in value)
    return False


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a is not ABSENT and same(a, b),
    "<>": lambda a, b: a is ABSENT or not same(a, b),
    "<": lambda a, b: m_order(a, b) == -1,
    "<=": lambda a, b: m_order(a, b) in (-1, 0),
    ">": lambda a, b: m_order(a, b) == 1,
    ">=": lambda a, b: m_order(a, b) in (0, 1),
}

Model = Callable[[dict[str, Any]], bool]


@st.composite
def conditions(
    draw: st.DrawFn, depth: int = 2
) -> tuple[str, Model, dict[str, Any], dict[str, str]]:
    """A random condition: its text, a model evaluator, its values and names."""
    vals: dict[str, Any] = {}
    names: dict[str, str] = {}

    def value_ref(value: Any) -> str:
        ref = f":v{len(vals)}"
        vals[ref] = value
        return ref

    def leaf() -> tuple[str, Model]:
        path = draw(paths)
        text = path_text(path, names, draw(st.booleans()))
        kind = draw(
            st.sampled_from(
                [
                    "cmp",
                    "between",
                    "in",
                    "exists",
                    "not_exists",
                    "begins",
                    "contains",
                    "size",
                    "type",
                ]
            )
        )
        if kind == "cmp":
            op = draw(st.sampled_from(sorted(COMPARE)))
            v = draw(values)
            return f"{text} {op} {value_ref(v)}", lambda i: COMPARE[op](m_get(i, path), v)
        if kind == "between":
            lo, hi = draw(scalars), draw(scalars)

            def between(i: dict[str, Any]) -> bool:
                got = m_get(i, path)
                low, high = m_order(got, lo), m_order(got, hi)
                return low is not None and low >= 0 and high is not None and high <= 0

            return f"{text} BETWEEN {value_ref(lo)} AND {value_ref(hi)}", between
        if kind == "in":
            options = draw(st.lists(values, min_size=1, max_size=3))
            refs = ", ".join(value_ref(o) for o in options)

            def member(i: dict[str, Any]) -> bool:
                got = m_get(i, path)
                return got is not ABSENT and any(same(got, o) for o in options)

            return f"{text} IN ({refs})", member
        if kind == "exists":
            return f"attribute_exists({text})", lambda i: m_get(i, path) is not ABSENT
        if kind == "not_exists":
            return f"attribute_not_exists({text})", lambda i: m_get(i, path) is ABSENT
        if kind == "begins":
            prefix = draw(st.sampled_from(["", "p", "é", b"", b"\x01"]))

            def begins(i: dict[str, Any]) -> bool:
                got = m_get(i, path)
                return (
                    got is not ABSENT
                    and isinstance(got, (str, bytes))
                    and m_type(got) == m_type(prefix)
                    and got.startswith(prefix)
                )

            return f"begins_with({text}, {value_ref(prefix)})", begins
        if kind == "contains":
            wanted = draw(scalars)
            return f"contains({text}, {value_ref(wanted)})", lambda i: m_contains(
                m_get(i, path), wanted
            )
        if kind == "size":
            op = draw(sampled_ops)
            n = draw(st.integers(0, 3).map(Decimal))
            return f"size({text}) {op} {value_ref(n)}", lambda i: COMPARE[op](
                m_size(m_get(i, path)), n
            )
        wanted_type = draw(st.sampled_from(["S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS"]))
        return (
            f"attribute_type({text}, {value_ref(wanted_type)})",
            lambda i: m_get(i, path) is not ABSENT and m_type(m_get(i, path)) == wanted_type,
        )

    def tree(level: int) -> tuple[str, Model, bool]:
        if level == 0 or draw(st.booleans()):
            text, model = leaf()
            return text, model, False
        count = draw(st.integers(2, 3))
        parts: list[tuple[str, Model]] = []
        for _ in range(count):
            text, model, composite = tree(level - 1)
            if composite:
                text = f"({text})"
            if draw(st.booleans()):
                text, model = f"NOT {text}", (lambda m: lambda i: not m(i))(model)
            parts.append((text, model))
        joins = [draw(st.sampled_from(["AND", "OR", "and", "Or"])) for _ in range(count - 1)]
        text = parts[0][0] + "".join(f" {j} {p[0]}" for j, p in zip(joins, parts[1:], strict=True))
        # NOT > AND > OR: split on OR into groups of ANDed parts.
        groups: list[list[Model]] = [[parts[0][1]]]
        for join, part in zip(joins, parts[1:], strict=True):
            if join.upper() == "OR":
                groups.append([part[1]])
            else:
                groups[-1].append(part[1])

        def model(i: dict[str, Any]) -> bool:
            return any(all(m(i) for m in group) for group in groups)

        return text, model, True

    text, model, _ = tree(depth)
    return text, model, vals, names


sampled_ops = st.sampled_from(sorted(COMPARE))


@given(items, conditions())
def test_random_condition_trees_agree_with_model(item: dict[str, Any], condition: Any) -> None:
    """Parsing and evaluating random condition trees agrees with a direct model evaluation."""
    text, model, vals, names = condition
    cond = parse_condition(text)
    av_values = {k: to_av(v) for k, v in vals.items()}
    got = evaluate_condition(cond, to_item(item), names or None, av_values)
    assert got == model(item), text


@given(conditions())
def test_condition_placeholders_are_exactly_those_written(condition: Any) -> None:
    """A parsed condition reports exactly the placeholders its text uses."""
    text, _, vals, names = condition
    cond = parse_condition(text)
    assert cond.values == frozenset(vals)
    assert cond.names == frozenset(names)


@given(
    st.text(alphabet=st.sampled_from("ab_ =:#\u00e9\u20ac\U0001f600"), min_size=1000, max_size=4200)
)
def test_expression_size_limit_is_exactly_4096_utf8_bytes(text: str) -> None:
    """Any text over 4,096 UTF-8 bytes is rejected for its size, and nothing within it is."""
    size = len(text.encode("utf-8"))
    for parse in (parse_condition, parse_update):
        message = ""
        try:
            parse(text)
        except ValidationException as exc:
            message = str(exc)
        too_big = "Expression size has exceeded the maximum allowed size" in message
        assert too_big == (size > 4096), message
        if too_big:
            assert message.endswith(f"expression size: {size}")
