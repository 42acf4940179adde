"""Applying UpdateExpressions: SET, REMOVE, ADD, DELETE on canonical items, copy-on-write."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from streamsim._dynamodb._expressions import (
    apply_update,
    check_placeholders,
    parse_update,
    updated_top_level_names,
)
from streamsim._errors import ValidationException

INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"


def N(text: str) -> dict[str, str]:
    """A number value."""
    return {"N": text}


def S(text: str) -> dict[str, str]:
    """A string value."""
    return {"S": text}


def L(*values: dict[str, Any]) -> dict[str, Any]:
    """A list value."""
    return {"L": list(values)}


def M(**members: dict[str, Any]) -> dict[str, Any]:
    """A map value."""
    return {"M": members}


def up(
    expr: str,
    item: dict[str, Any] | None,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Check placeholders, apply ``expr`` and return the new item."""
    update = parse_update(expr)
    check_placeholders([update], names, values)
    return apply_update(update, item, names, values)


def fails(expr: str, item: Any, values: Any = None, names: Any = None) -> str:
    """The AWS message of the ValidationException raised by applying ``expr``."""
    with pytest.raises(ValidationException) as excinfo:
        up(expr, item, values, names)
    return excinfo.value.message


# --- SET ---------------------------------------------------------------------------------------


def test_set_top_level_and_nested() -> None:
    """SET writes top-level attributes and members of nested maps and lists."""
    item = {"a": M(b=N("1"), c=L(S("x"), S("y")))}
    new = up("SET z = :v, a.b = :w, a.c[1] = :v, a.d = :w", item, {":v": S("q"), ":w": N("2")})
    assert new == {"z": S("q"), "a": M(b=N("2"), c=L(S("x"), S("q")), d=N("2"))}


def test_set_with_name_placeholders() -> None:
    """``#n`` placeholders resolve in paths, on both sides of ``=``."""
    new = up("SET #a.#b = #c", {"x": M(), "src": N("5")}, None, {"#a": "x", "#b": "y", "#c": "src"})
    assert new["x"] == M(y=N("5"))


def test_set_list_index_past_end_appends_in_index_order() -> None:
    """SET a[i] past the end appends; several appends are sorted by index (AWS documented)."""
    item = {"a": L(S("one"), S("two"), S("three"))}
    new = up(
        "SET a[84] = :v1, a[37] = :v2, a[17] = :v3, a[50] = :v4",
        item,
        {":v1": S("a1"), ":v2": S("a2"), ":v3": S("a3"), ":v4": S("a4")},
    )
    assert new["a"] == L(S("one"), S("two"), S("three"), S("a3"), S("a2"), S("a4"), S("a1"))


def test_set_nested_under_missing_parent_is_invalid_path() -> None:
    """SET a.b when a is missing or not a map: 'The document path provided ... is invalid'."""
    assert fails("SET a.b = :v", {}, {":v": N("1")}) == INVALID_PATH
    assert fails("SET a.b = :v", {"a": S("x")}, {":v": N("1")}) == INVALID_PATH
    assert fails("SET a[0] = :v", {"a": M()}, {":v": N("1")}) == INVALID_PATH
    assert fails("SET a[5].b = :v", {"a": L(M())}, {":v": N("1")}) == INVALID_PATH


def test_set_from_missing_attribute_is_rejected() -> None:
    """SET c = z with z missing: 'The provided expression refers to an attribute that ...'."""
    assert fails("SET c = z", {"a": N("1")}) == MISSING
    assert fails("SET a = b + :v", {}, {":v": N("1")}) == MISSING


def test_set_plus_and_minus_numbers() -> None:
    """``+`` and ``-`` work on numbers, exactly (0.1 + 0.2 = 0.3)."""
    new = up("SET a = a + :v, b = :v - a", {"a": N("0.1")}, {":v": N("0.2")})
    assert new == {"a": N("0.3"), "b": N("0.1")}


def test_plus_on_non_number_attribute_is_wrong_type() -> None:
    """``a + :v`` with a string ``a``: 'An operand ... has an incorrect data type'."""
    assert fails("SET b = a + :v", {"a": S("x")}, {":v": N("1")}) == WRONG_TYPE


def test_plus_on_non_number_literal_is_operand_type_error() -> None:
    """``:s + :n`` with a string value: 'Incorrect operand type ...; ... +, operand type: S'."""
    message = fails("SET b = :s + :n", {}, {":s": S("dog"), ":n": N("3")})
    assert message == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: +, operand type: S"
    )


def test_number_overflow_on_add() -> None:
    """A result beyond DynamoDB's range is 'Number overflow...'."""
    message = fails("SET a = a + :v", {"a": N("9" * 38 + "0" * 88)}, {":v": N("1" + "0" * 125)})
    assert message.startswith("Number overflow")


def test_if_not_exists() -> None:
    """if_not_exists(path, v) is the path's value when present, else v."""
    values = {":v": N("7")}
    assert up("SET a = if_not_exists(a, :v)", {}, values) == {"a": N("7")}
    assert up("SET a = if_not_exists(a, :v)", {"a": N("2")}, values) == {"a": N("2")}
    assert up("SET b = if_not_exists(a, :v) + :v", {"a": N("2")}, values)["b"] == N("9")


def test_if_not_exists_requires_a_path() -> None:
    """if_not_exists(:v, :w): 'Operator or function requires a document path; ... if_not_exists'."""
    assert fails("SET b = if_not_exists(:a, :b)", {}, {":a": N("1"), ":b": N("2")}) == (
        "Invalid UpdateExpression: Operator or function requires a document path; operator or "
        "function: if_not_exists"
    )


def test_list_append() -> None:
    """list_append concatenates lists, either side a path or a value."""
    item = {"a": L(S("hi"))}
    new = up("SET a = list_append(a, :v), b = list_append(:v, a)", item, {":v": L(N("1"))})
    assert new == {"a": L(S("hi"), N("1")), "b": L(N("1"), S("hi"))}


def test_list_append_with_if_not_exists() -> None:
    """``list_append(if_not_exists(a, :empty), :v)`` appends to a list that may not exist yet."""
    values = {":e": L(), ":v": L(N("1"))}
    assert up("SET a = list_append(if_not_exists(a, :e), :v)", {}, values) == {"a": L(N("1"))}


def test_list_append_on_non_list() -> None:
    """A non-list operand: wrong type from the item, operand type error for a literal."""
    values = {":v": L(N("1"))}
    assert fails("SET c = list_append(b, :v)", {"b": S("x")}, values) == WRONG_TYPE
    assert fails("SET c = list_append(b, :v)", {}, values) == MISSING
    assert fails("SET c = list_append(:v, :s)", {}, {**values, ":s": S("x")}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: list_append, operand type: S"
    )


def test_list_append_takes_two_operands() -> None:
    """'Incorrect number of operands ...; ... list_append, number of operands: 1'."""
    assert fails("SET a = list_append(:v)", {}, {":v": L()}) == (
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; "
        "operator or function: list_append, number of operands: 1"
    )


def test_nested_list_append_is_not_allowed() -> None:
    """list_append inside list_append: 'The function is not allowed to be used this way ...'."""
    message = fails(
        "SET a = list_append(list_append(:a, :b), :c)", {}, {":a": L(), ":b": L(), ":c": L()}
    )
    assert message.endswith(
        "not allowed to be used this way in an expression; function: list_append"
    )


def test_actions_read_the_original_item() -> None:
    """Every action sees the item as it was: ``SET a = :v, b = a`` copies the old ``a``."""
    new = up("SET a = :v, b = a", {"a": S("old")}, {":v": S("new")})
    assert new == {"a": S("new"), "b": S("old")}
    assert up("REMOVE a SET b = a", {"a": S("x")}) == {"b": S("x")}
    assert fails("SET x = :v, y = x", {}, {":v": N("1")}) == MISSING


# --- REMOVE ------------------------------------------------------------------------------------


def test_remove_top_level_nested_and_list_elements() -> None:
    """REMOVE takes attributes, map members and list elements."""
    item = {
        "a": M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("5"), N("7"))), q=N("2")))),
        "d": N("1"),
    }
    new = up("REMOVE d, a.c[1].x.y[1], a.c[1].q", item)
    assert new == {"a": M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("7"))))))}


def test_remove_list_indexes_high_to_low_against_original() -> None:
    """Indexes refer to the original list: REMOVE a[1], a[3] removes the 2nd and 4th elements."""
    item = {"a": L(*(N(str(i)) for i in range(6)))}
    assert up("REMOVE a[3], a[1]", item)["a"] == L(N("0"), N("2"), N("4"), N("5"))


def test_remove_and_set_use_original_indexes() -> None:
    """``REMOVE a[1] SET a[3] = :v`` on [2..7] gives [2, 4, :v, 6, 7] (AWS, either order)."""
    item = {"a": L(*(N(str(i)) for i in range(2, 8)))}
    expected = L(N("2"), N("4"), N("17"), N("6"), N("7"))
    assert up("REMOVE a[1] SET a[3] = :v", item, {":v": N("17")})["a"] == expected
    assert up("SET a[3] = :v REMOVE a[1]", item, {":v": N("17")})["a"] == expected


def test_remove_missing_leaf_is_a_no_op() -> None:
    """Removing a missing attribute, map member or past-the-end index changes nothing."""
    item = {"a": M(x=N("3")), "b": L(S("hi"))}
    assert up("REMOVE a.y, b[7], c", item) == item


def test_remove_through_missing_parent_is_invalid_path() -> None:
    """REMOVE a.c where a is missing or a string: invalid document path."""
    assert fails("REMOVE c.c", {"a": S("x")}) == INVALID_PATH
    assert fails("REMOVE a.c", {"a": S("x")}) == INVALID_PATH
    assert fails("REMOVE a[0]", {"a": S("x")}) == INVALID_PATH


def test_remove_on_no_item_is_a_no_op() -> None:
    """With no item at all REMOVE does nothing, whatever the path (AWS)."""
    assert up("REMOVE x.y, z[0] SET k = :v", None, {":v": N("1")}) == {"k": N("1")}


def test_remove_last_member_leaves_empty_map_and_list() -> None:
    """Removing the only member of a map or list leaves an empty one."""
    assert up("REMOVE a.b, c[0]", {"a": M(b=N("1")), "c": L(N("1"))}) == {"a": M(), "c": L()}


# --- ADD and DELETE ----------------------------------------------------------------------------


def test_add_to_number_missing_counts_as_zero() -> None:
    """ADD adds to a number; a missing attribute counts as 0."""
    assert up("ADD a :v, b :v", {"a": N("3")}, {":v": N("4")}) == {"a": N("7"), "b": N("4")}


def test_add_to_sets_unions_and_creates() -> None:
    """ADD unions into a set (kept canonical: sorted, unique) or creates it."""
    item = {"s": {"SS": ["beaver", "coati", "lynx"]}, "n": {"NS": ["10", "2"]}}
    values = {":s": {"SS": ["badger", "coati"]}, ":n": {"NS": ["-1", "3"]}, ":b": {"BS": [b"\x01"]}}
    new = up("ADD s :s, n :n, b :b", item, values)
    assert new == {
        "s": {"SS": ["badger", "beaver", "coati", "lynx"]},
        "n": {"NS": ["-1", "2", "3", "10"]},
        "b": {"BS": [b"\x01"]},
    }


def test_add_to_wrong_type() -> None:
    """ADD to a string, or a set of another type: 'An operand ... has an incorrect data type'."""
    assert fails("ADD b :v", {"b": S("hi")}, {":v": N("1")}) == WRONG_TYPE
    assert fails("ADD b :v", {"b": {"SS": ["x"]}}, {":v": {"NS": ["1"]}}) == WRONG_TYPE
    assert fails("ADD b :v", {"b": L()}, {":v": {"SS": ["x"]}}) == WRONG_TYPE


def test_add_value_of_wrong_type() -> None:
    """ADD with a string: 'Incorrect operand type ...; operator: ADD, operand type: STRING'."""
    assert fails("ADD a :v", {}, {":v": S("hello")}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
        "ADD, operand type: STRING"
    )
    assert fails("ADD a :v", {}, {":v": L(N("1"))}).endswith("operator: ADD, operand type: LIST")


def test_delete_from_set() -> None:
    """DELETE takes members out; absent members are ignored."""
    item = {"a": {"SS": ["cat", "dog", "mouse"]}}
    assert up("DELETE a :v", item, {":v": {"SS": ["cat", "mouse", "pig"]}}) == {
        "a": {"SS": ["dog"]}
    }


def test_delete_all_members_removes_attribute() -> None:
    """Deleting every member removes the attribute (sets cannot be empty)."""
    assert up("DELETE a :v", {"a": {"NS": ["1"]}, "b": N("1")}, {":v": {"NS": ["1"]}}) == {
        "b": N("1")
    }


def test_delete_from_missing_attribute_is_a_no_op() -> None:
    """DELETE from a missing attribute does nothing."""
    assert up("DELETE a :v", {"b": N("1")}, {":v": {"SS": ["x"]}}) == {"b": N("1")}


def test_delete_from_non_set_or_other_set_type() -> None:
    """DELETE from a string or from a set of another type is a wrong data type."""
    assert fails("DELETE a :v", {"a": S("x")}, {":v": {"SS": ["x"]}}) == WRONG_TYPE
    assert fails("DELETE a :v", {"a": {"NS": ["1"]}}, {":v": {"SS": ["1"]}}) == WRONG_TYPE


def test_delete_value_must_be_a_set() -> None:
    """DELETE with a number value: '... operator: DELETE, operand type: NUMBER'."""
    assert fails("DELETE a :v", {}, {":v": N("1")}).endswith(
        "operator: DELETE, operand type: NUMBER"
    )


# --- paths that overlap or conflict ------------------------------------------------------------


def test_overlapping_paths() -> None:
    """'Two document paths overlap with each other; ... path one: [a], path two: [a, b]'."""
    assert fails("SET a = :v, a.b = :v", {}, {":v": N("1")}) == (
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [a], path two: [a, b]"
    )
    assert fails("SET a[1][1] = :v REMOVE a[1]", {}, {":v": N("1")}).endswith(
        "path one: [a, [1], [1]], path two: [a, [1]]"
    )


def test_same_path_twice_overlaps() -> None:
    """The same path twice is an overlap too (AWS: 'SET a = :v REMOVE a' -> [a], [a])."""
    assert fails("SET a = :v REMOVE a", {}, {":v": N("1")}).endswith("path one: [a], path two: [a]")
    message = fails("SET #a1 = :v, #a2 = :v", {}, {":v": N("1")}, {"#a1": "a", "#a2": "a"})
    assert "overlap" in message


def test_conflicting_paths() -> None:
    """A map key and a list index at one place: 'Two document paths conflict with each other'."""
    assert fails("SET a.b = :v, a[1] = :v", {}, {":v": N("1")}) == (
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these paths; path one: [a, b], path two: [a, [1]]"
    )


def test_disjoint_nested_paths_are_fine() -> None:
    """Several non-overlapping writes under one attribute all apply."""
    item = {"a": M(x=N("3"), y=N("4"), c=M(y=N("3"))), "b": M(x=N("1"), y=N("2"))}
    new = up(
        "SET a.b = :v1, a.c.d = :v2, b.x = :v3 REMOVE a.x, b.y",
        item,
        {":v1": N("10"), ":v2": S("dog"), ":v3": N("17")},
    )
    assert new == {"a": M(y=N("4"), c=M(y=N("3"), d=S("dog")), b=N("10")), "b": M(x=N("17"))}


# --- copy-on-write -----------------------------------------------------------------------------


def test_apply_update_never_mutates_its_input() -> None:
    """The old item, and everything inside it, is unchanged after an update."""
    item = {"a": M(b=L(N("1"), N("2")), c=M(d=S("x"))), "s": {"SS": ["a"]}, "n": N("1")}
    before = copy.deepcopy(item)
    up(
        "SET a.b[0] = :v, a.c.e = :v ADD s :s, n :n REMOVE a.b[1]",
        item,
        {":v": N("9"), ":s": {"SS": ["b"]}, ":n": N("1")},
    )
    assert item == before


def test_unchanged_subtrees_are_shared() -> None:
    """Copy-on-write: untouched values are the same objects in the new item."""
    untouched = M(deep=L(N("1")))
    item = {"a": M(keep=untouched, change=N("1")), "other": S("x")}
    new = up("SET a.change = :v", item, {":v": N("2")})
    assert new["a"]["M"]["keep"] is untouched
    assert new["other"] is item["other"]
    assert new["a"] is not item["a"]


def test_updated_top_level_names() -> None:
    """updated_top_level_names lists the top-level attributes any action writes."""
    update = parse_update("SET a.b = :v, #k = :v REMOVE c[0] ADD d :n DELETE e :s")
    assert updated_top_level_names(update, {"#k": "pk"}) == frozenset({"a", "pk", "c", "d", "e"})


def test_if_not_exists_nests_in_if_not_exists_and_in_list_append() -> None:
    """if_not_exists(b, if_not_exists(c, :v)) and list_append(if_not_exists(a, :l), :m) are
    valid: the first present path wins, else the value (rule H.3)."""
    item = {"pk": S("a"), "c": N("5")}
    values = {":v": N("1"), ":l": L(), ":m": L(N("7"))}
    new = up(
        "SET q = if_not_exists(b, if_not_exists(c, :v)),"
        " r = if_not_exists(b, if_not_exists(d, :v)),"
        " z = list_append(if_not_exists(z, :l), :m)",
        item,
        values,
    )
    assert (new["q"], new["r"], new["z"]) == (N("5"), N("1"), L(N("7")))
