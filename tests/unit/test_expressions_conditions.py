"""Evaluating ConditionExpression / FilterExpression against canonical items."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim._dynamodb._expressions import check_placeholders, evaluate_condition, parse_condition
from streamsim._errors import ValidationException

ITEM: dict[str, Any] = {
    "pk": {"S": "user#1"},
    "n": {"N": "10"},
    "neg": {"N": "-2.5"},
    "s": {"S": "hello"},
    "b": {"B": b"\x01\x02\x03"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x00", b"\x01"]},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"S": "y"}}}]},
    "m": {"M": {"k": {"S": "v"}, "mid": {"M": {"z": {"N": "0"}}}}},
    "uni": {"S": "é𝄞"},
}


def ev(
    expr: str, values: dict[str, Any] | None = None, item: Any = ITEM, names: Any = None
) -> bool:
    """Parse, check placeholders and evaluate ``expr`` against ``item``."""
    cond = parse_condition(expr)
    check_placeholders([cond], names, values)
    return evaluate_condition(cond, item, names, values)


def test_equality_of_canonical_values() -> None:
    """``=`` compares canonical values exactly: type and value, sets regardless of source order."""
    assert ev("n = :v", {":v": {"N": "10"}})
    assert not ev("n = :v", {":v": {"S": "10"}})
    assert ev("ss = :v", {":v": {"SS": ["a", "b"]}})
    assert ev("m = :v", {":v": {"M": {"mid": {"M": {"z": {"N": "0"}}}, "k": {"S": "v"}}}})


def test_comparing_different_types_is_false() -> None:
    """``<`` and friends between different types are false, not errors."""
    assert not ev("n < :v", {":v": {"S": "z"}})
    assert not ev("n >= :v", {":v": {"S": "z"}})
    assert not ev("s > :v", {":v": {"N": "1"}})


def test_numbers_order_numerically() -> None:
    """N compares by value: 10 > 9, -2.5 < -2."""
    assert ev("n > :v", {":v": {"N": "9"}})
    assert ev("neg < :v", {":v": {"N": "-2"}})
    assert ev("n <= :v AND n >= :v", {":v": {"N": "10"}})


def test_strings_order_by_code_point() -> None:
    """S compares by code point: "Z" < "a" < "é"."""
    assert ev("s > :v", {":v": {"S": "Zebra"}})
    assert ev("s < :v", {":v": {"S": "é"}})


def test_binary_orders_by_unsigned_bytes() -> None:
    """B compares bytes unsigned: 0x01... < 0xff."""
    assert ev("b < :v", {":v": {"B": b"\xff"}})
    assert ev("b > :v", {":v": {"B": b"\x01\x02"}})


def test_lists_and_maps_are_not_ordered() -> None:
    """Ordering comparisons of L/M/BOOL attributes are false, even of an attribute with itself."""
    item = {**ITEM, "l2": ITEM["l"], "flag2": {"BOOL": True}}
    assert not ev("l <= l2", item=item)
    assert not ev("flag >= flag2", item=item)
    assert not ev("n BETWEEN l AND l2", item=item)


@pytest.mark.parametrize(
    ("expr", "value", "shown"),
    [
        ("l <= :v", {"L": []}, "<=, operand type: L"),
        (":v > n", {"M": {}}, ">, operand type: M"),
        ("flag >= :v", {"BOOL": True}, ">=, operand type: BOOL"),
        ("n < :v", {"NULL": True}, "<, operand type: NULL"),
        ("n < :v", {"SS": ["a"]}, "<, operand type: SS"),
        ("n BETWEEN :v AND n", {"NS": ["1"]}, "BETWEEN, operand type: NS"),
    ],
)
def test_ordering_a_constant_that_has_no_order_is_rejected(
    expr: str, value: dict[str, Any], shown: str
) -> None:
    """<, <=, >, >= and BETWEEN with a list, map, set, boolean or null constant are invalid
    before any item is read (rule H.1)."""
    with pytest.raises(ValidationException, match="Incorrect operand type") as info:
        ev(expr, {":v": value})
    assert str(info.value).endswith(f"operator or function: {shown}")


def test_absent_attribute_fails_comparisons_except_not_equal() -> None:
    """A absent attribute makes ``= < > BETWEEN IN`` false and ``<>`` true."""
    values = {":v": {"N": "1"}}
    assert not ev("absent = :v", values)
    assert not ev("absent < :v", values)
    assert ev("absent <> :v", values)
    assert not ev("absent IN (:v)", values)
    assert not ev("absent BETWEEN :v AND :v", values)


def test_not_equal() -> None:
    """``<>`` is the negation of ``=`` for present values of any types."""
    assert ev("n <> :v", {":v": {"N": "11"}})
    assert ev("n <> :v", {":v": {"S": "10"}})
    assert not ev("n <> :v", {":v": {"N": "10"}})


def test_between_is_inclusive_and_typed() -> None:
    """``BETWEEN :lo AND :hi`` includes both ends and needs the same type."""
    assert ev("n BETWEEN :lo AND :hi", {":lo": {"N": "10"}, ":hi": {"N": "10"}})
    assert ev("s BETWEEN :lo AND :hi", {":lo": {"S": "a"}, ":hi": {"S": "i"}})
    assert not ev("n BETWEEN :lo AND :hi", {":lo": {"N": "11"}, ":hi": {"N": "20"}})
    assert not ev("s BETWEEN :lo AND :hi", {":lo": {"N": "1"}, ":hi": {"N": "2"}})


def test_in_matches_any_listed_value() -> None:
    """``IN (...)`` is true when the value equals any option."""
    values = {":a": {"S": "x"}, ":b": {"N": "10"}}
    assert ev("n IN (:a, :b)", values)
    assert not ev("s IN (:a, :b)", values)


def test_in_accepts_up_to_100_operands() -> None:
    """IN takes up to 100 options; 101 is 'The IN operator is provided with too many operands'."""
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    hundred = parse_condition("n IN (" + ", ".join(f":v{i}" for i in range(100)) + ")")
    check_placeholders([hundred], None, {k: values[k] for k in list(values)[:100]})
    too_many = parse_condition("n IN (" + ", ".join(values) + ")")
    with pytest.raises(ValidationException) as excinfo:
        check_placeholders([too_many], None, values)
    assert excinfo.value.message == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; "
        "number of operands: 101"
    )


def test_and_or_not_with_precedence() -> None:
    """NOT binds tighter than AND, AND tighter than OR; parentheses regroup."""
    values = {":t": {"N": "10"}, ":f": {"N": "0"}}
    assert ev("n = :t OR n = :f AND n = :f", values)  # T or (F and F)
    assert not ev("(n = :t OR n = :f) AND n = :f", values)
    assert not ev("NOT n = :t AND n = :t OR n = :f", values)  # ((not T) and T) or F
    assert ev("NOT (n = :f AND n = :t)", values)
    assert ev("NOT NOT n = :t", {":t": {"N": "10"}})


def test_attribute_exists_and_not_exists() -> None:
    """attribute_exists / attribute_not_exists look at nested paths and list elements too."""
    assert ev("attribute_exists(m.mid.z)")
    assert ev("attribute_exists(l[2].deep)")
    assert not ev("attribute_exists(l[3])")
    assert ev("attribute_not_exists(m.nope)")
    assert ev("attribute_not_exists(s.x)")  # a string has no members


def test_no_item_means_every_path_absent() -> None:
    """With item ``None`` attribute_not_exists holds and comparisons fail."""
    cond = parse_condition("attribute_not_exists(pk) AND NOT pk = :v")
    assert evaluate_condition(cond, None, None, {":v": {"S": "x"}})


def test_attribute_type_checks_the_type_name() -> None:
    """attribute_type(path, :t) compares the value's type with the string :t."""
    assert ev("attribute_type(ss, :t)", {":t": {"S": "SS"}})
    assert not ev("attribute_type(ss, :t)", {":t": {"S": "S"}})
    assert not ev("attribute_type(absent, :t)", {":t": {"S": "S"}})
    assert ev("attribute_type(nothing, :t)", {":t": {"S": "NULL"}})


def test_attribute_type_rejects_unknown_type_name() -> None:
    """An invalid type string: 'Invalid attribute type name found; type: X, valid types: ...'."""
    with pytest.raises(ValidationException) as excinfo:
        ev("attribute_type(s, :t)", {":t": {"S": "STRING"}})
    assert excinfo.value.message == (
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    )
    with pytest.raises(ValidationException, match="operator or function: attribute_type, operand"):
        ev("attribute_type(s, :t)", {":t": {"N": "1"}})


def test_begins_with_strings_and_binary() -> None:
    """begins_with works on S and B prefixes; other types are false."""
    assert ev("begins_with(pk, :p)", {":p": {"S": "user#"}})
    assert not ev("begins_with(pk, :p)", {":p": {"S": "User"}})
    assert ev("begins_with(b, :p)", {":p": {"B": b"\x01\x02"}})
    assert not ev("begins_with(ss, :p)", {":p": {"S": "a"}})


def test_begins_with_literal_of_wrong_type_is_rejected() -> None:
    """A number prefix: 'Incorrect operand type ...; ... begins_with, operand type: N'."""
    with pytest.raises(ValidationException) as excinfo:
        ev("begins_with(pk, :p)", {":p": {"N": "1"}})
    assert excinfo.value.message == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N"
    )


def test_contains_substring_member_and_element() -> None:
    """contains: substring of S, member of a set, element of a list."""
    assert ev("contains(s, :v)", {":v": {"S": "ell"}})
    assert not ev("contains(s, :v)", {":v": {"S": "xyz"}})
    assert ev("contains(ss, :v)", {":v": {"S": "b"}})
    assert ev("contains(ns, :v)", {":v": {"N": "2.5"}})
    assert not ev("contains(ns, :v)", {":v": {"S": "2.5"}})
    assert ev("contains(bs, :v)", {":v": {"B": b"\x01"}})
    assert ev("contains(l, :v)", {":v": {"N": "1"}})
    assert ev("contains(b, :v)", {":v": {"B": b"\x02\x03"}})
    assert not ev("contains(n, :v)", {":v": {"N": "1"}})


def test_size_of_each_type() -> None:
    """size: S in UTF-16 code units, B in bytes, sets/lists/maps in elements; none for N."""
    assert ev("size(s) = :v", {":v": {"N": "5"}})
    assert ev("size(uni) = :v", {":v": {"N": "3"}})  # é is 1 unit, 𝄞 a surrogate pair
    assert ev("size(b) = :v", {":v": {"N": "3"}})
    assert ev("size(ss) = :v AND size(l) > :w", {":v": {"N": "2"}, ":w": {"N": "2"}})
    assert ev("size(m) = :v", {":v": {"N": "2"}})
    assert not ev("size(n) >= :v", {":v": {"N": "0"}})
    assert not ev("size(absent) >= :v", {":v": {"N": "0"}})


def test_size_of_a_number_literal_is_rejected() -> None:
    """size(:v) with a number value is an operand type error."""
    with pytest.raises(ValidationException, match="operator or function: size, operand type: N"):
        ev("size(:v) > :v", {":v": {"N": "1"}})


def test_function_needing_a_path_given_a_value() -> None:
    """attribute_exists(:v): 'Operator or function requires a document path'."""
    with pytest.raises(ValidationException) as excinfo:
        ev("attribute_exists(:v)", {":v": {"S": "x"}})
    assert excinfo.value.message == (
        "Invalid ConditionExpression: Operator or function requires a document path; "
        "operator or function: attribute_exists"
    )


def test_wrong_number_of_function_operands() -> None:
    """'Incorrect number of operands for operator or function; ... number of operands: 2'."""
    with pytest.raises(ValidationException) as excinfo:
        ev("attribute_exists(a, b)")
    assert excinfo.value.message == (
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: attribute_exists, number of operands: 2"
    )


def test_operand_compared_with_itself_is_rejected() -> None:
    """``a = a``: 'The first operand must be distinct from the remaining operands ...'."""
    with pytest.raises(ValidationException) as excinfo:
        ev("#x = a", names={"#x": "a"})
    assert excinfo.value.message == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        "operands for this operator or function; operator: =, first operand: [a]"
    )
    with pytest.raises(ValidationException, match="operator: contains, first operand: \\[s\\]"):
        ev("contains(s, s)")


def test_between_literal_bounds_checked() -> None:
    """BETWEEN with literal bounds of two types, or reversed, is rejected."""
    with pytest.raises(ValidationException) as excinfo:
        ev("n BETWEEN :a AND :b", {":a": {"N": "1"}, ":b": {"S": "x"}})
    assert excinfo.value.message == (
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
        "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
        "AttributeValue: {S:x}"
    )
    with pytest.raises(ValidationException, match="requires upper bound to be greater than"):
        ev("n BETWEEN :a AND :b", {":a": {"N": "5"}, ":b": {"N": "1"}})


def test_name_placeholders_resolve_to_any_string() -> None:
    """``#n`` may stand for a reserved word or a name with dots, which stays one name."""
    item = {"status": {"S": "ok"}, "a.b": {"N": "1"}}
    names = {"#s": "status", "#d": "a.b"}
    assert ev("#s = :v AND #d = :one", {":v": {"S": "ok"}, ":one": {"N": "1"}}, item, names)


def test_filter_expression_kind_in_messages() -> None:
    """A FilterExpression names itself in messages."""
    cond = parse_condition("a = :v", kind="FilterExpression")
    with pytest.raises(ValidationException, match="Invalid FilterExpression: An expression"):
        check_placeholders([cond], None, {":w": {"S": "x"}})


def test_evaluate_without_values_raises_for_undefined_placeholder() -> None:
    """Evaluating with a value absent raises the 'not defined' ValidationException."""
    cond = parse_condition("n = :undefined_here")
    with pytest.raises(ValidationException, match="attribute value: :undefined_here"):
        evaluate_condition(cond, ITEM, None, None)
