"""Properties of the DynamoDB type system, with boto3's serializer and small oracles as models."""

from __future__ import annotations

from collections.abc import Iterator, Set
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb import types as boto3_types
from hypothesis import assume, given
from hypothesis import strategies as st

from streamsim._items import (
    Binary,
    compare_key,
    copy_item,
    item_size,
    item_to_python,
    normalize_number,
    python_to_item,
    python_to_value,
    wire_to_item,
)
from tests.item_oracles import deserialize, serialize
from tests.strategies import (
    attribute_names,
    decimals,
    python_items,
    python_values,
    to_boto3,
)

BOTO_SER = boto3_types.TypeSerializer()
BOTO_DESER = boto3_types.TypeDeserializer()


# --- helpers ------------------------------------------------------------------------------------


def sets_as_sets(av: Any) -> Any:
    """DynamoDB JSON with set members turned into frozensets (boto3's order is arbitrary)."""
    ((tag, val),) = av.items()
    if tag in ("SS", "NS", "BS"):
        return {tag: frozenset(bytes(v) if tag == "BS" else v for v in val)}
    if tag == "L":
        return {tag: [sets_as_sets(v) for v in val]}
    if tag == "M":
        return {tag: {k: sets_as_sets(v) for k, v in val.items()}}
    return av


def boto3_round_trip(item: dict[str, Any]) -> dict[str, Any]:
    """What boto3's resource hands back for ``item``: serialize, then deserialize."""
    return {k: BOTO_DESER.deserialize(BOTO_SER.serialize(to_boto3(v))) for k, v in item.items()}


def semantic_key(value: Any) -> Any:
    """An oracle for "same DynamoDB data": a tagged, hashable form of a Python value.

    Python's own ``==`` is no good here (``True == 1 == Decimal("1.0")``).
    """
    if value is None:
        return ("NULL",)
    if isinstance(value, bool):
        return ("BOOL", value)
    if isinstance(value, (int, Decimal)):
        return ("N", Decimal(value))
    if isinstance(value, str):
        return ("S", value)
    if isinstance(value, (bytes, bytearray, Binary)):
        return ("B", bytes(value))
    if isinstance(value, Set):
        members = frozenset(semantic_key(m) for m in value)
        return (next(iter(members))[0] + "S", frozenset(m[1] for m in members))
    if isinstance(value, dict):
        return ("M", frozenset((k, semantic_key(v)) for k, v in value.items()))
    return ("L", tuple(semantic_key(v) for v in value))


def oracle_size(value: Any) -> int:
    """Item-size rules of rule B.6 applied to a Python value, computed independently."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, (int, Decimal)):
        _, digits, _ = Decimal(value).as_tuple()
        significant = "".join(map(str, digits)).strip("0")
        return 1 if not significant else -(-len(significant) // 2) + 1
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, (bytes, bytearray, Binary)):
        return len(bytes(value))
    if isinstance(value, (set, frozenset)):
        return sum(oracle_size(m) for m in value)
    if isinstance(value, dict):
        return 3 + sum(len(k.encode()) + oracle_size(v) + 1 for k, v in value.items())
    return 3 + sum(oracle_size(v) + 1 for v in value)


class OrderedSet(Set[Any]):
    """A set with a chosen iteration order."""

    def __init__(self, members: list[Any]) -> None:
        self._members = list(members)

    def __contains__(self, x: object) -> bool:
        return x in self._members

    def __iter__(self) -> Iterator[Any]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


def same_data_spelled_differently(value: Any) -> Any:
    """``value`` rewritten without changing its DynamoDB meaning.

    Numbers gain a trailing fractional zero where boto3's 38-digit context still holds them,
    sets iterate in reverse order, tuples become lists, bytes become Binary or bytearray.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
        sign, digits, exponent = d.as_tuple()
        assert isinstance(exponent, int)
        if len(digits) < 38 and exponent - 1 >= -165:
            return Decimal((sign, (*digits, 0), exponent - 1))
        return d
    if isinstance(value, bytes):
        return bytearray(value)
    if isinstance(value, Binary):
        return bytes(value.value)
    if isinstance(value, (set, frozenset)):
        return OrderedSet(sorted(value, key=repr, reverse=True))
    if isinstance(value, dict):
        return {k: same_data_spelled_differently(v) for k, v in reversed(value.items())}
    if isinstance(value, (list, tuple)):
        return [same_data_spelled_differently(v) for v in value]
    return value


# --- boto3 equivalence --------------------------------------------------------------------------


@given(python_values())
def test_serialize_equals_boto3_serializer(value: Any) -> None:
    """serialize(v) is boto3's TypeSerializer().serialize(v), set members compared as sets."""
    assert sets_as_sets(serialize(value)) == sets_as_sets(BOTO_SER.serialize(to_boto3(value)))


@given(python_values())
def test_deserialize_serialize_equals_boto3_round_trip(value: Any) -> None:
    """deserialize(serialize(v)) equals boto3's deserialize(serialize(v))."""
    ours = deserialize(serialize(value))
    theirs = BOTO_DESER.deserialize(BOTO_SER.serialize(to_boto3(value)))
    assert ours == theirs


@given(python_items())
def test_python_item_round_trip_equals_boto3_resource(item: dict[str, Any]) -> None:
    """item_to_python(python_to_item(x)) equals what boto3's resource returns for x."""
    assert item_to_python(python_to_item(item)) == boto3_round_trip(item)


@given(python_items())
def test_wire_item_of_boto3_serialization_equals_python_item(item: dict[str, Any]) -> None:
    """The client face (boto3-serialized) and the Table face give the same canonical item."""
    wire = {k: BOTO_SER.serialize(to_boto3(v)) for k, v in item.items()}
    assert wire_to_item(wire) == python_to_item(item)


@given(python_items(max_depth=1), attribute_names(), st.floats(), st.integers(0, 3))
def test_floats_are_rejected_by_both_with_type_error(
    item: dict[str, Any], name: str, number: float, where: int
) -> None:
    """A float anywhere in an item is a TypeError for boto3 and for python_to_item."""
    item[name] = [number, {number}, {"k": [number]}, number][where]
    with pytest.raises(TypeError):
        {k: BOTO_SER.serialize(to_boto3(v)) for k, v in item.items()}
    with pytest.raises(TypeError):
        python_to_item(item)


# --- canonical form -----------------------------------------------------------------------------


@given(python_items())
def test_same_data_spelled_differently_gives_equal_items(item: dict[str, Any]) -> None:
    """Decimal('1.0') vs 1, set order, tuple vs list, bytes vs Binary: equal canonical items."""
    assert python_to_item(same_data_spelled_differently(item)) == python_to_item(item)


@given(st.data())
def test_canonical_equality_is_semantic_equality(data: st.DataObject) -> None:
    """Two values give equal canonical forms exactly when they hold the same DynamoDB data."""
    a = data.draw(python_values(max_depth=2))
    b = data.draw(
        st.one_of(
            python_values(max_depth=2),
            st.just(same_data_spelled_differently(a)),
            st.sampled_from([True, False, 1, 0, Decimal(1), "1", b"1", None, [1], {1}, {"1"}]),
        )
    )
    same = python_to_value(a) == python_to_value(b)
    assert same == (semantic_key(a) == semantic_key(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (True, Decimal(1)),
        (False, 0),
        ("1", 1),
        (b"a", "a"),
        ([1], {1}),
        ({"a"}, ["a"]),
        (None, False),
        ({"k": 1}, [("k", 1)]),
        ({b"a"}, {"a"}),
    ],
    ids=repr,
)
def test_different_types_never_give_equal_items(a: Any, b: Any) -> None:
    """Python may call them equal (True == 1), DynamoDB does not."""
    assert python_to_item({"x": a}) != python_to_item({"x": b})


@given(python_items())
def test_canonical_items_pass_through_the_wire_unchanged(item: dict[str, Any]) -> None:
    """A canonical item is a valid wire item and is its own canonical form."""
    canonical = python_to_item(item)
    assert wire_to_item(canonical) == canonical


@given(decimals())
def test_normalize_number_is_exact_and_idempotent(number: Decimal) -> None:
    """The canonical text has the same value, no exponent, and is a fixed point."""
    canonical = normalize_number(str(number))
    assert Decimal(canonical) == number
    assert "E" not in canonical
    assert "e" not in canonical
    assert not canonical.startswith("-0") or canonical.startswith("-0.")
    assert normalize_number(canonical) == canonical
    if "." in canonical:
        assert not canonical.endswith("0")
        assert not canonical.endswith(".")


@given(decimals(), st.integers(0, 5), st.integers(-3, 3), st.booleans())
def test_normalize_number_ignores_spelling(
    number: Decimal, zeros: int, shift: int, plus: bool
) -> None:
    """Leading zeros, exponent notation and a plus sign do not change the canonical text."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    mantissa = "0" * zeros + "".join(map(str, digits))
    spelled = f"{'-' if sign else ('+' if plus else '')}{mantissa}e{exponent}"
    assert normalize_number(spelled) == normalize_number(str(number))
    moved = f"{'-' if sign else ''}{mantissa}{'0' * max(shift, 0)}E{exponent - max(shift, 0)}"
    assert normalize_number(moved) == normalize_number(str(number))


# --- sizes, copies, order -----------------------------------------------------------------------


@given(python_items())
def test_item_size_follows_the_documented_rules(item: dict[str, Any]) -> None:
    """item_size of the canonical item equals an independent oracle of rule B.6."""
    expected = sum(len(k.encode()) + oracle_size(v) for k, v in item.items())
    assert item_size(python_to_item(item)) == expected


def containers(value: Any) -> Iterator[Any]:
    """Every dict and list inside a canonical value."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from containers(v)
    elif isinstance(value, list):
        yield value
        for v in value:
            yield from containers(v)


@given(python_items())
def test_copy_item_is_equal_and_shares_no_container(item: dict[str, Any]) -> None:
    """copy_item returns an equal item none of whose dicts or lists belong to the source."""
    source = python_to_item(item)
    dup = copy_item(source)
    assert dup == source
    source_ids = {id(c) for c in containers(source)}
    assert not source_ids & {id(c) for c in containers(dup)}


@given(python_items())
def test_python_to_item_shares_no_container_with_its_input(item: dict[str, Any]) -> None:
    """python_to_item never keeps a reference to a dict, list or bytearray of the caller's."""
    out = python_to_item(item)

    def inputs(value: Any) -> Iterator[Any]:
        if isinstance(value, (dict, list, bytearray, set, frozenset)):
            yield value
        if isinstance(value, dict):
            for v in value.values():
                yield from inputs(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from inputs(v)

    input_ids = {id(c) for c in inputs(item)}

    def outputs(value: Any) -> Iterator[Any]:
        yield from containers(value)
        if isinstance(value, dict):
            for v in value.values():
                if isinstance(v, bytearray):
                    yield v

    assert not input_ids & {id(c) for c in outputs(out)}


@given(st.text(), st.text())
def test_string_key_order_is_utf8_byte_order(a: str, b: str) -> None:
    """S values compare as their UTF-8 bytes do."""
    assert (compare_key({"S": a}) < compare_key({"S": b})) == (a.encode() < b.encode())


@given(decimals(), decimals())
def test_number_key_order_is_numeric_order(a: Decimal, b: Decimal) -> None:
    """N values compare by numeric value, whatever their text."""
    ka = compare_key({"N": normalize_number(str(a))})
    kb = compare_key({"N": normalize_number(str(b))})
    assert (ka < kb) == (a < b)
    assert (ka == kb) == (a == b)


@given(python_items())
def test_item_to_python_gives_fresh_containers(item: dict[str, Any]) -> None:
    """item_to_python's result shares no container with the canonical item."""
    canonical = python_to_item(item)
    out = item_to_python(canonical)
    assume(out)
    assert not {id(c) for c in containers(canonical)} & {id(c) for c in containers(out)}
