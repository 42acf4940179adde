"""Unit tests of the DynamoDB type system (``streamsim._items``), with boto3 as the oracle."""

from __future__ import annotations

import copy
import decimal
import doctest
import re
from collections.abc import Iterator, Set
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb import types as boto3_types
from botocore.session import get_session
from botocore.validate import ParamValidator

import streamsim._items._boto3
import streamsim._items._limits
import streamsim._items._numbers
import streamsim._items._python
import streamsim._items._types
import streamsim._items._wire
import tests.item_oracles
from streamsim._errors import ValidationException
from streamsim._items import (
    MAX_ITEM_BYTES,
    Binary,
    compare_key,
    copy_item,
    copy_value,
    item_size,
    item_to_python,
    normalize_number,
    python_to_item,
    python_to_value,
    type_of,
    validate_item,
    validate_key_value,
    value_depth,
    value_size,
    wire_to_item,
    wire_to_value,
)
from tests.item_oracles import deserialize, serialize, value_to_python
from tests.strategies import to_boto3


def stable_id(value: Any) -> str:
    """A test id that is the same in every process: a set's members sorted, no addresses
    (pytest-xdist's workers must collect the same ids)."""
    if isinstance(value, (set, frozenset)):
        text = "{" + ", ".join(sorted(stable_id(member) for member in value)) + "}"
    else:
        text = repr(value)
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


BOTO_SER = boto3_types.TypeSerializer()
BOTO_DESER = boto3_types.TypeDeserializer()
NINES_38 = "9" * 38


def boto3_serialize(value: Any) -> Any:
    """boto3's serialization with set members sorted, to compare with ours."""
    av = BOTO_SER.serialize(to_boto3(value))
    return _sorted_sets(av)


def _sorted_sets(av: Any) -> Any:
    ((tag, val),) = av.items()
    if tag == "NS":
        return {tag: sorted(val, key=lambda t: (t.endswith("NaN"), Decimal(t.replace("NaN", "0"))))}
    if tag in ("SS", "BS"):
        return {tag: sorted(val)}
    if tag == "L":
        return {tag: [_sorted_sets(v) for v in val]}
    if tag == "M":
        return {tag: {k: _sorted_sets(v) for k, v in val.items()}}
    return av


def nested_list(levels: int, leaf: Any = "x") -> Any:
    """``leaf`` wrapped in ``levels`` lists."""
    for _ in range(levels):
        leaf = [leaf]
    return leaf


def botocore_report(item: Any) -> str:
    """botocore's own client-side validation message for ``PutItem(Item=item)``."""
    model = get_session().get_service_model("dynamodb").operation_model("PutItem")
    report = ParamValidator().validate({"TableName": "t", "Item": item}, model.input_shape)
    return str(report.generate_report())


class OrderedSet(Set[Any]):
    """A set whose iteration order is fixed, to show member order does not matter."""

    def __init__(self, members: list[Any]) -> None:
        self._members = list(dict.fromkeys(members))

    def __contains__(self, x: object) -> bool:
        return x in self._members

    def __iter__(self) -> Iterator[Any]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


def test_module_doctests_pass() -> None:
    """Every docstring example in the module runs and prints what it shows."""
    attempted = 0
    for module in (
        streamsim._items._boto3,
        streamsim._items._limits,
        streamsim._items._numbers,
        streamsim._items._python,
        streamsim._items._types,
        streamsim._items._wire,
        tests.item_oracles,
    ):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted > 15
    assert result.failed == 0


# --- Binary -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\x00\xff", bytearray(b"abc")])
def test_binary_wraps_bytes_and_bytearray_like_boto3(raw: bytes | bytearray) -> None:
    """Binary keeps the value it wraps, as boto3's Binary does."""
    ours, theirs = Binary(raw), boto3_types.Binary(raw)
    assert ours.value is raw
    assert repr(ours) == repr(theirs)
    assert bytes(ours) == bytes(raw)


@pytest.mark.parametrize("bad", ["text", 1, None, memoryview(b"x"), [1]])
def test_binary_rejects_other_types_like_boto3(bad: Any) -> None:
    """Binary raises the same TypeError as boto3 for anything but bytes or bytearray."""
    with pytest.raises(TypeError) as ours:
        Binary(bad)
    with pytest.raises(TypeError) as theirs:
        boto3_types.Binary(bad)
    assert str(ours.value) == str(theirs.value)


def test_binary_equality_matches_boto3() -> None:
    """Binary equals Binary or bytes of the same content, like boto3, and not other things."""
    for ours, theirs in ((Binary, Binary), (boto3_types.Binary, boto3_types.Binary)):
        assert ours(b"a") == theirs(b"a")
        assert ours(b"a") == b"a"
        assert ours(b"a") != ours(b"b")
        assert ours(b"a") != b"b"
        assert ours(b"a") != "a"
        assert ours(b"a") == bytearray(b"a")
    assert Binary(b"a") == boto3_types.Binary(b"a")
    assert boto3_types.Binary(b"a") == Binary(b"a")


def test_binary_hash_matches_bytes_and_boto3() -> None:
    """Binary hashes like its value, so it mixes with bytes and boto3's Binary in sets."""
    assert hash(Binary(b"a")) == hash(b"a") == hash(boto3_types.Binary(b"a"))
    assert {Binary(b"a"), b"a"} == {b"a"}
    with pytest.raises(TypeError):
        hash(Binary(bytearray(b"a")))


# --- serialize / deserialize (boto3 clones) -----------------------------------------------------

SERIALIZABLE = [
    None,
    True,
    False,
    0,
    -7,
    10**37,
    Decimal("1.50"),
    Decimal("-0"),
    Decimal("1E+100"),
    Decimal("1E-131"),
    Decimal("-Infinity"),
    Decimal("sNaN"),
    "",
    "héllo",
    b"\x00",
    bytearray(b"ab"),
    Binary(b"z"),
    {"b", "a"},
    {3, Decimal("1.5"), -2},
    {b"b", Binary(b"a")},
    {True},
    {"k": 1}.keys(),
    {Decimal("-NaN"), Decimal("-Infinity"), 2},
    frozenset({"x"}),
    set(),
    [1, "a", None],
    (1, (2,)),
    {"m": {"n": [True]}},
]


@pytest.mark.parametrize("value", SERIALIZABLE, ids=stable_id)
def test_serialize_matches_boto3(value: Any) -> None:
    """serialize returns what boto3's TypeSerializer returns (set members sorted)."""
    assert serialize(value) == boto3_serialize(value)


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        [1, 2.5],
        {"a": {"b": 0.0}},
        {1.5},
        Decimal("NaN"),
        Decimal("Infinity"),
        object(),
        {"a", 1},
        [iter([1])],
    ],
    ids=stable_id,
)
def test_serialize_type_errors_match_boto3(value: Any) -> None:
    """serialize raises TypeError exactly where boto3 does (floats, NaN, unsupported types)."""
    with pytest.raises(TypeError) as theirs:
        BOTO_SER.serialize(value)
    with pytest.raises(TypeError) as ours:
        serialize(value)
    if not isinstance(value, (set, list)) or value == [1, 2.5]:
        assert str(ours.value) == str(theirs.value)


def test_serialize_float_message_is_boto3s() -> None:
    """A float is rejected with boto3's own words."""
    with pytest.raises(TypeError, match=r"^Float types are not supported\. Use Decimal types"):
        serialize({"price": 1.5})


@pytest.mark.parametrize(
    "value",
    [
        10**38,
        -(10**40),
        Decimal("1." + "0" * 40),
        Decimal("3.14159265358979323846264338327950288419"),
        Decimal("1E+127"),
        Decimal("1E-170"),
        Decimal("0E+200"),
    ],
    ids=stable_id,
)
def test_serialize_decimal_errors_match_boto3(value: Any) -> None:
    """Numbers beyond boto3's 38-digit context raise the same decimal exception as boto3."""
    with pytest.raises(decimal.DecimalException) as theirs:
        BOTO_SER.serialize(value)
    with pytest.raises(decimal.DecimalException) as ours:
        serialize(value)
    assert type(ours.value).__mro__ == type(theirs.value).__mro__
    with pytest.raises(type(theirs.value)):
        python_to_item({"n": value})


def test_boto3_binary_is_accepted_everywhere() -> None:
    """Code written for real boto3 passes boto3's own Binary; it serializes like ours."""
    value = {"b": boto3_types.Binary(b"x"), "bs": {boto3_types.Binary(b"y"), b"z"}}
    assert serialize(value) == BOTO_SER.serialize(value) | {"M": serialize(value)["M"]}
    assert serialize(value) == {"M": {"b": {"B": b"x"}, "bs": {"BS": [b"y", b"z"]}}}
    assert python_to_item(value) == {"b": {"B": b"x"}, "bs": {"BS": [b"y", b"z"]}}


def test_serialize_empty_set_is_an_empty_number_set_like_boto3() -> None:
    """boto3 serializes an empty set as NS [], leaving DynamoDB to reject it."""
    assert serialize(set()) == BOTO_SER.serialize(set()) == {"NS": []}


def test_serialize_sorts_set_members() -> None:
    """Set members come out sorted: strings by code point, numbers numerically, bytes by byte."""
    assert serialize({"b", "a", "B", "é"}) == {"SS": ["B", "a", "b", "é"]}
    assert serialize({10, 9, Decimal("-1.5")}) == {"NS": ["-1.5", "9", "10"]}
    assert serialize({b"\x80", b"\x01", b""}) == {"BS": [b"", b"\x01", b"\x80"]}


DESERIALIZABLE = [
    {"NULL": True},
    {"NULL": False},
    {"BOOL": False},
    {"N": "1.50"},
    {"N": "-0"},
    {"N": 5},
    {"N": "abc"},
    {"n": "7"},
    {"S": ""},
    {"B": b"x"},
    {"B": bytearray(b"y")},
    {"SS": ["a", "b"]},
    {"NS": ["1", "2.0"]},
    {"BS": [b"a"]},
    {"L": [{"S": "a"}, {"N": "1"}]},
    {"M": {"a": {"M": {}}}},
    {"S": "first", "N": "ignored"},
]


@pytest.mark.parametrize("av", DESERIALIZABLE, ids=stable_id)
def test_deserialize_matches_boto3(av: dict[str, Any]) -> None:
    """deserialize returns what boto3's TypeDeserializer returns."""
    ours = deserialize(av)
    theirs = BOTO_DESER.deserialize(av)
    if isinstance(theirs, Decimal) and theirs.is_nan():
        assert ours.is_nan()
    else:
        assert ours == theirs
        assert type(ours).__name__ == type(theirs).__name__


@pytest.mark.parametrize(
    "av",
    [{}, {"X": 1}, {"B": "text"}, {"N": "1" + "0" * 40}, {"": 1}],
    ids=stable_id,
)
def test_deserialize_errors_match_boto3(av: dict[str, Any]) -> None:
    """deserialize fails like boto3: TypeError for bad shapes, Rounded for 39+ digit text."""
    with pytest.raises(Exception) as theirs:
        BOTO_DESER.deserialize(av)
    with pytest.raises(type(theirs.value)) as ours:
        deserialize(av)
    assert str(ours.value) == str(theirs.value)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0", "0"),
        ("-0", "0"),
        ("-0.000", "0"),
        ("0e1000", "0"),
        ("000", "0"),
        ("1.50", "1.5"),
        ("1E+2", "100"),
        ("1e2", "100"),
        ("0001.23", "1.23"),
        ("+3", "3"),
        (".123", "0.123"),
        ("3.", "3"),
        ("-17e5", "-1700000"),
        ("-17.4E37", "-174" + "0" * 36),
        ("1e-5", "0.00001"),
        ("123.456e-2", "1.23456"),
        ("1000", "1000"),
        ("-12.500", "-12.5"),
        ("1e125", "1" + "0" * 125),
        ("1E-130", "0." + "0" * 129 + "1"),
    ],
)
def test_normalize_number_gives_canonical_text(text: str, canonical: str) -> None:
    """Numbers are rewritten without exponent, leading zeros, trailing fraction zeros or -0."""
    assert normalize_number(text) == canonical
    assert normalize_number(canonical) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "-NaN",
        "dog",
        "-dog",
        " 1",
        "1 ",
        "1_000",
        "٣",
        "0x10",
        "1e",
        "e5",
        ".",
        "+",
        "--1",
        "1.2.3",
        "1e5.5",
        "sNaN",
        "inf",
    ],
)
def test_normalize_number_rejects_what_is_not_a_number(text: str) -> None:
    """Anything but a plain decimal number is rejected with DynamoDB's message."""
    with pytest.raises(ValidationException) as exc:
        normalize_number(text)
    assert exc.value.message == f"The parameter cannot be converted to a numeric value: {text}"


def test_normalize_number_empty_text_message_has_no_suffix() -> None:
    """An empty number is rejected without the trailing ': value'."""
    with pytest.raises(ValidationException) as exc:
        normalize_number("")
    assert exc.value.message == "The parameter cannot be converted to a numeric value"


def test_number_with_38_significant_digits_is_allowed() -> None:
    """38 significant digits fit, wherever the decimal point is."""
    for text in (
        "3.1415926535897932384626433832795028841",
        "314159265358979323846.26433832795028841",
        "31415926535897932384626433832795028841e30",
        "-0.00" + NINES_38,
    ):
        assert Decimal(normalize_number(text)) == Decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "123456789012345678901234567890123456789",
        "-1.23456789012345678901234567890123456789",
        "3.14159265358979323846264338327950288419",
        "314159265358979323846264338327950288419e30",
    ],
)
def test_number_with_39_significant_digits_is_rejected(text: str) -> None:
    """A 39th significant digit is rejected."""
    with pytest.raises(ValidationException) as exc:
        normalize_number(text)
    assert exc.value.message == "Attempting to store more than 38 significant digits in a Number"


def test_leading_and_trailing_zeros_are_not_significant() -> None:
    """Zeros around the significant digits do not count towards the 38."""
    assert normalize_number("1" + "0" * 60) == "1" + "0" * 60
    assert normalize_number("0." + "0" * 60 + "1") == "0." + "0" * 60 + "1"
    assert normalize_number("00" + NINES_38 + ".000000") == NINES_38


@pytest.mark.parametrize("sign", ["", "-"])
def test_number_magnitude_upper_boundary(sign: str) -> None:
    """9.99...E+125 (38 nines) is the largest magnitude; 1E+126 overflows."""
    largest = f"{sign}9.{'9' * 37}E+125"
    assert Decimal(normalize_number(largest)) == Decimal(largest)
    for text in (f"{sign}1E+126", f"{sign}11e125", f"{sign}1e2147483647"):
        with pytest.raises(ValidationException) as exc:
            normalize_number(text)
        assert exc.value.message == (
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range"
        )


@pytest.mark.parametrize("sign", ["", "-"])
def test_number_magnitude_lower_boundary(sign: str) -> None:
    """1E-130 is the smallest non-zero magnitude; 0.9E-130 and 1E-131 underflow."""
    assert Decimal(normalize_number(f"{sign}1E-130")) == Decimal(f"{sign}1E-130")
    assert Decimal(normalize_number(f"{sign}9.{'9' * 37}E-130")) == Decimal(
        f"{sign}9.{'9' * 37}E-130"
    )
    for text in (f"{sign}1E-131", f"{sign}0.9e-130", f"{sign}1e-2147483647"):
        with pytest.raises(ValidationException) as exc:
            normalize_number(text)
        assert exc.value.message == (
            "Number underflow. Attempting to store a number with magnitude smaller than supported "
            "range"
        )


def test_number_range_is_checked_before_precision() -> None:
    """A number both too precise and too large is reported as an overflow, as DynamoDB does."""
    with pytest.raises(ValidationException, match="overflow"):
        normalize_number("1" * 40 + "e100")


def test_number_exponent_beyond_int32_is_unparseable() -> None:
    """An exponent Java cannot hold makes the text unparseable, even on zero."""
    for text in ("1e2147483648", "1e99999999999", "0e99999999999", "1e" + "9" * 5000):
        with pytest.raises(ValidationException, match="cannot be converted to a numeric value"):
            normalize_number(text)


# --- python_to_item -----------------------------------------------------------------------------


def test_python_to_item_produces_canonical_form() -> None:
    """Numbers normalised, binaries bytes, sets sorted lists, tuples lists, NULL True."""
    item = python_to_item(
        {
            "pk": "a",
            "n": Decimal("1.50"),
            "big": Decimal("1E+2"),
            "z": Decimal("-0"),
            "i": 7,
            "b": bytearray(b"x"),
            "bin": Binary(b"y"),
            "ok": False,
            "none": None,
            "ns": {Decimal("10"), 9, Decimal("-1.0")},
            "ss": OrderedSet(["b", "a"]),
            "bs": {Binary(b"b"), b"a"},
            "l": (1, [Decimal("2.00")]),
            "m": {"k": {"x"}},
        }
    )
    assert item == {
        "pk": {"S": "a"},
        "n": {"N": "1.5"},
        "big": {"N": "100"},
        "z": {"N": "0"},
        "i": {"N": "7"},
        "b": {"B": b"x"},
        "bin": {"B": b"y"},
        "ok": {"BOOL": False},
        "none": {"NULL": True},
        "ns": {"NS": ["-1", "9", "10"]},
        "ss": {"SS": ["a", "b"]},
        "bs": {"BS": [b"a", b"b"]},
        "l": {"L": [{"N": "1"}, {"L": [{"N": "2"}]}]},
        "m": {"M": {"k": {"SS": ["x"]}}},
    }
    assert type(item["b"]["B"]) is bytes
    assert type(item["bin"]["B"]) is bytes


def test_python_to_item_does_not_alias_the_callers_containers() -> None:
    """Mutating the input afterwards (or the output) leaves the other unchanged."""
    inner = [1, {"a": "b"}]
    tags = {"x"}
    raw = bytearray(b"abc")
    source = {"l": inner, "t": tags, "r": raw, "m": {"k": inner}}
    item = python_to_item(source)
    before = copy.deepcopy(item)
    inner.append(2)
    inner[1]["a"] = "changed"  # type: ignore[index]
    tags.add("y")
    raw[0] = 0
    assert item == before
    item["l"]["L"].clear()
    assert inner[0] == 1


def test_python_to_item_shares_only_immutable_leaves() -> None:
    """Strings and bytes may be shared (immutable); dicts and lists never are."""
    text, blob = "s" * 10, b"b" * 10
    item = python_to_item({"s": text, "b": blob})
    assert item["s"]["S"] is text
    assert item["b"]["B"] is blob


def test_python_to_item_rejects_an_empty_set() -> None:
    """An empty set passes boto3 (as NS []) but DynamoDB rejects it."""
    with pytest.raises(ValidationException) as exc:
        python_to_item({"s": set()})
    assert exc.value.message == (
        "One or more parameter values were invalid: An number set  may not be empty"
    )


def test_python_to_item_rejects_floats_like_boto3() -> None:
    """A float anywhere is boto3's TypeError, not a ValidationException."""
    for bad in (1.5, [0.0], {"x": {2.5}}, {1.5, 2}):
        with pytest.raises(TypeError, match="Float types are not supported"):
            python_to_item({"f": bad})


def test_python_to_item_applies_dynamodb_number_rules() -> None:
    """Numbers boto3 lets through but DynamoDB refuses are ValidationExceptions."""
    cases = [
        (Decimal("1E+126"), "overflow"),
        (Decimal("-1E-131"), "underflow"),
        (Decimal("-Infinity"), "cannot be converted to a numeric value: -Infinity"),
        (Decimal("sNaN"), "cannot be converted to a numeric value: sNaN"),
    ]
    for value, message in cases:
        with pytest.raises(ValidationException, match=message):
            python_to_item({"n": value})


def test_python_to_item_rejects_non_string_names() -> None:
    """Attribute names and map keys must be strings (botocore's check)."""
    with pytest.raises(ValidationException, match=r"Invalid type for parameter Item \(key: 1\)"):
        python_to_item({1: "a"})  # type: ignore[dict-item]
    with pytest.raises(ValidationException, match=r"\(key: 2\)"):
        python_to_item({"m": {2: "a"}})


def test_python_to_item_rejects_a_non_mapping() -> None:
    """An item must be a mapping."""
    with pytest.raises(ValidationException, match="valid types: <class 'dict'>"):
        python_to_item([("a", 1)])  # type: ignore[arg-type]


def test_python_to_item_accepts_subclasses_and_other_mappings() -> None:
    """str/int subclasses, Mapping views and dict subclasses serialize as their base types."""
    from collections import OrderedDict
    from enum import IntEnum
    from types import MappingProxyType

    class Name(str):
        def __str__(self) -> str:
            return "wrong"

    class Level(IntEnum):
        HIGH = 3

    item = python_to_item(
        OrderedDict(a=Name("x"), b=Level.HIGH, c=MappingProxyType({"k": [Name("y")]}))
    )
    assert item == {
        "a": {"S": "x"},
        "b": {"N": "3"},
        "c": {"M": {"k": {"L": [{"S": "y"}]}}},
    }
    assert type(item["a"]["S"]) is str


def test_empty_strings_and_binaries_are_allowed_outside_keys() -> None:
    """Since 2020 DynamoDB stores empty S and B in non-key attributes (not empty sets)."""
    item = python_to_item({"s": "", "b": b"", "l": ["", b""], "ss": {""}, "bs": {b""}})
    assert item["s"] == {"S": ""}
    assert item["ss"] == {"SS": [""]}
    assert item["bs"] == {"BS": [b""]}


def test_python_to_value_converts_single_values() -> None:
    """python_to_value is python_to_item for one value."""
    assert python_to_value(Decimal("2.50")) == {"N": "2.5"}
    assert python_to_value([None]) == {"L": [{"NULL": True}]}


# --- item size limit ----------------------------------------------------------------------------


def test_item_of_exactly_400_kb_is_accepted() -> None:
    """An item of exactly 409600 bytes (names included) is stored."""
    item = {"a": "x" * (MAX_ITEM_BYTES - 1)}
    assert item_size(python_to_item(item)) == MAX_ITEM_BYTES
    assert item_size(wire_to_item({"a": {"S": "x" * (MAX_ITEM_BYTES - 1)}})) == MAX_ITEM_BYTES


def test_item_of_409601_bytes_is_rejected() -> None:
    """One byte more than 400 KB is rejected by both faces."""
    message = "Item size has exceeded the maximum allowed size"
    with pytest.raises(ValidationException) as exc:
        python_to_item({"ab": "x" * (MAX_ITEM_BYTES - 1)})
    assert exc.value.message == message
    with pytest.raises(ValidationException) as exc:
        wire_to_item({"ab": {"S": "x" * (MAX_ITEM_BYTES - 1)}})
    assert exc.value.message == message


def test_item_size_limit_counts_utf8_bytes_not_characters() -> None:
    """Two-byte characters count twice."""
    text = "é" * ((MAX_ITEM_BYTES - 4) // 2)  # 409596 bytes in 204798 characters
    assert item_size(python_to_item({"a": "x", "é": text})) == MAX_ITEM_BYTES
    with pytest.raises(ValidationException, match="Item size"):
        python_to_item({"a": "xx", "é": text})


def test_item_size_limit_counts_nested_values() -> None:
    """The limit applies to the whole document, nested containers included."""
    chunk = "x" * 100_000
    with pytest.raises(ValidationException, match="Item size"):
        python_to_item({"m": {"a": [chunk, chunk], "b": [chunk, chunk, b"x" * 10_000]}})


# --- nesting ------------------------------------------------------------------------------------


def test_nesting_depth_32_is_allowed() -> None:
    """A scalar inside 31 lists or maps is 32 levels deep, and allowed."""
    value = nested_list(31)
    item = python_to_item({"a": value})
    assert value_depth(item["a"]) == 32
    validate_item(item)
    maps: Any = "x"
    for _ in range(31):
        maps = {"m": maps}
    assert value_depth(python_to_item({"a": maps})["a"]) == 32
    assert value_depth(wire_to_item({"a": serialize(value)})["a"]) == 32


def test_nesting_depth_33_is_rejected() -> None:
    """One more level is rejected by every entry point."""
    message = (
        "Nesting Levels have exceeded supported limits: "
        "Attributes in the item have nested levels beyond supported limit"
    )
    for value in (nested_list(32), nested_list(31, leaf=[]), nested_list(31, leaf={})):
        with pytest.raises(ValidationException) as exc:
            python_to_item({"a": value})
        assert exc.value.message == message
        with pytest.raises(ValidationException) as exc:
            wire_to_item({"a": BOTO_SER.serialize(value)})
        assert exc.value.message == message
    nested: dict[str, Any] = {"L": []}
    deep: dict[str, Any] = {"a": {"L": [nested]}}
    for _ in range(31):
        inner: dict[str, Any] = {"L": []}
        nested["L"].append(inner)
        nested = inner
    with pytest.raises(ValidationException) as exc:
        validate_item(deep)
    assert exc.value.message == message


def test_very_deep_input_is_rejected_without_recursion_error() -> None:
    """A 5000-level document fails fast with the nesting message, not RecursionError."""
    with pytest.raises(ValidationException, match="Nesting Levels"):
        python_to_item({"a": nested_list(5000)})
    wire: Any = {"S": "x"}
    for _ in range(5000):
        wire = {"L": [wire]}
    with pytest.raises(ValidationException, match="Nesting Levels"):
        wire_to_item({"a": wire})


def test_sets_do_not_add_nesting_levels() -> None:
    """A set inside 31 lists is still 32 levels deep."""
    assert value_depth(python_to_item({"a": nested_list(31, leaf={"x"})})["a"]) == 32


# --- wire_to_item -------------------------------------------------------------------------------


def test_wire_to_item_produces_canonical_form() -> None:
    """Wire numbers are normalised, sets sorted, B bytes (a str B is its UTF-8 bytes)."""
    item = wire_to_item(
        {
            "n": {"N": "001.50"},
            "ns": {"NS": ["10", "9", "-1.0"]},
            "ss": {"SS": ("b", "a")},
            "b": {"B": bytearray(b"x")},
            "bs": {"BS": [b"b", "a"]},
            "s": {"B": "é"},
            "l": {"L": ({"NULL": True}, {"BOOL": False})},
            "m": {"M": {"k": {"N": "1e2"}}},
        }
    )
    assert item == {
        "n": {"N": "1.5"},
        "ns": {"NS": ["-1", "9", "10"]},
        "ss": {"SS": ["a", "b"]},
        "b": {"B": b"x"},
        "bs": {"BS": [b"a", b"b"]},
        "s": {"B": "é".encode()},
        "l": {"L": [{"NULL": True}, {"BOOL": False}]},
        "m": {"M": {"k": {"N": "100"}}},
    }


def test_wire_to_item_does_not_alias_the_callers_containers() -> None:
    """The canonical item shares no dict or list with the wire input."""
    wire: dict[str, Any] = {
        "l": {"L": [{"S": "a"}]},
        "s": {"SS": ["a"]},
        "m": {"M": {"k": {"S": "v"}}},
    }
    item = wire_to_item(wire)
    wire["l"]["L"].append({"S": "b"})
    wire["s"]["SS"].append("b")
    wire["m"]["M"]["k"]["S"] = "changed"
    assert item == {"l": {"L": [{"S": "a"}]}, "s": {"SS": ["a"]}, "m": {"M": {"k": {"S": "v"}}}}


SERVICE_ERRORS = [
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    (
        {"S": "a", "N": "1"},
        "Supplied AttributeValue has more than one datatypes set, "
        "must contain exactly one of the supported datatypes",
    ),
    (
        {"M": {"b": {}}},
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
    ),
    (
        {"NULL": False},
        "One or more parameter values were invalid: "
        "Null attribute value types must have the value of true",
    ),
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
    ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
    (
        {"SS": ["a", "a"]},
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
    ),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
    (
        {"BS": [b"b", b"b"]},
        "One or more parameter values were invalid: "
        "Input collection [Yg==, Yg==]of type BS contains duplicates.",
    ),
    ({"N": ""}, "The parameter cannot be converted to a numeric value"),
    ({"N": "b"}, "The parameter cannot be converted to a numeric value: b"),
    ({"NS": ["1", "b", "a"]}, "The parameter cannot be converted to a numeric value: b"),
    (
        {"L": [{"N": "1e126"}]},
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    ),
]


@pytest.mark.parametrize(("av", "message"), SERVICE_ERRORS, ids=stable_id)
def test_wire_to_item_rejects_bad_values_with_dynamodbs_message(
    av: dict[str, Any], message: str
) -> None:
    """Malformed or invalid wire values get DynamoDB's ValidationException message."""
    with pytest.raises(ValidationException) as exc:
        wire_to_item({"a": av})
    assert exc.value.message == message
    with pytest.raises(ValidationException) as exc:
        wire_to_value(av)
    assert exc.value.message == message


CLIENT_ERRORS: list[Any] = [
    {"a": {"foo": 1}},
    {"a": {"S": 1}},
    {"a": {"N": 1}},
    {"a": {"B": 1}},
    {"a": {"BOOL": 1}},
    {"a": {"NULL": 1}},
    {"a": {"SS": "ab"}},
    {"a": {"NS": [1]}},
    {"a": {"BS": [b"x", 1]}},
    {"a": {"L": [1]}},
    {"a": {"L": [{"M": {"k": {"L": [{"S": 2}]}}}]}},
    {"a": {"M": []}},
    {"a": {"M": {1: {"S": "x"}}}},
    {"a": 5},
    {1: {"S": "x"}},
    [1],
]


@pytest.mark.parametrize("item", CLIENT_ERRORS, ids=stable_id)
def test_wire_to_item_type_errors_use_botocores_words(item: Any) -> None:
    """Wrong Python types are reported exactly as botocore's parameter validation reports them."""
    with pytest.raises(ValidationException) as exc:
        wire_to_item(item)
    assert exc.value.message == botocore_report(item)


def test_wire_to_item_names_the_parameter_it_checks() -> None:
    """``what`` names the parameter in type errors (Key, ExpressionAttributeValues...)."""
    with pytest.raises(ValidationException) as exc:
        wire_to_item({"pk": {"S": 1}}, what="Key")
    assert exc.value.message.startswith("Invalid type for parameter Key.pk.S, value: 1,")
    with pytest.raises(ValidationException) as exc:
        wire_to_value({"N": 1}, what="ExpressionAttributeValues.:v")
    assert exc.value.message.startswith(
        "Invalid type for parameter ExpressionAttributeValues.:v.N,"
    )


def test_wire_to_value_returns_a_canonical_value() -> None:
    """wire_to_value validates and canonicalises one value."""
    assert wire_to_value({"NS": ["2", "1.0", "-0"]}) == {"NS": ["0", "1", "2"]}
    assert wire_to_value({"S": ""}) == {"S": ""}


def test_canonical_items_are_valid_wire_items() -> None:
    """Feeding a canonical item back through wire_to_item changes nothing."""
    item = python_to_item({"a": {"x": [Decimal("1.5"), b"b", {"z"}]}, "n": 10**30})
    assert wire_to_item(item) == item


# --- item_to_python -----------------------------------------------------------------------------


def test_item_to_python_matches_boto3_resource_output() -> None:
    """Canonical items read back as boto3's resource returns them."""
    source = {
        "s": "a",
        "n": Decimal("1.5"),
        "b": Binary(b"x"),
        "t": True,
        "z": None,
        "ss": {"a", "b"},
        "ns": {Decimal(1), Decimal("2.5")},
        "bs": {Binary(b"a")},
        "l": [Decimal(1), "x"],
        "m": {"k": {"j": Decimal(0)}},
    }
    ours = item_to_python(python_to_item(source))
    theirs = {k: BOTO_DESER.deserialize(boto3_serialize(v)) for k, v in source.items()}
    assert ours == theirs
    assert {k: type(v) for k, v in ours.items()} == {
        k: (Binary if type(v) is boto3_types.Binary else type(v)) for k, v in theirs.items()
    }


def test_item_to_python_reads_large_numbers_exactly() -> None:
    """1E+100 is stored as 101 digits; it reads back exactly (boto3 raises Rounded, #2500)."""
    item = python_to_item({"n": Decimal("1E+100"), "ns": {Decimal("-1.5E+120")}})
    assert item["n"] == {"N": "1" + "0" * 100}
    back = item_to_python(item)
    assert back["n"] == Decimal("1E+100")
    assert back["ns"] == {Decimal("-1.5E+120")}
    with pytest.raises(decimal.Rounded):
        BOTO_DESER.deserialize(item["n"])


def test_item_to_python_returns_fresh_containers() -> None:
    """Mutating what item_to_python returned leaves the stored item alone."""
    item = python_to_item({"l": [1], "m": {"k": "v"}, "ss": {"a"}})
    out = item_to_python(item)
    out["l"].append(2)
    out["m"]["k"] = "w"
    out["ss"].add("b")
    assert item == python_to_item({"l": [1], "m": {"k": "v"}, "ss": {"a"}})


def test_value_to_python_converts_single_values() -> None:
    """value_to_python is item_to_python for one value."""
    assert value_to_python({"NS": ["1", "2"]}) == {Decimal(1), Decimal(2)}
    assert value_to_python({"B": b"x"}) == Binary(b"x")


# --- copies -------------------------------------------------------------------------------------


def test_copy_item_is_equal_and_independent() -> None:
    """Mutating any container of the copy leaves the source intact."""
    source = python_to_item(
        {
            "s": "a",
            "n": 1,
            "l": [1, [2], {"k": "v"}],
            "m": {"x": {"y": [3]}},
            "ss": {"a"},
            "ns": {1},
            "bs": {b"a"},
            "b": b"b",
            "t": True,
            "z": None,
        }
    )
    before = copy.deepcopy(source)
    dup = copy_item(source)
    assert dup == source
    dup["s"]["S"] = "changed"
    dup["l"]["L"][1]["L"].append({"N": "9"})
    dup["l"]["L"][2]["M"]["k"] = {"S": "w"}
    dup["m"]["M"]["x"]["M"]["y"]["L"].clear()
    dup["ss"]["SS"].append("b")
    dup["ns"]["NS"].append("2")
    dup["bs"]["BS"].append(b"b")
    dup["t"]["BOOL"] = False
    dup["z"].clear()
    dup["new"] = {"S": "x"}
    assert source == before


def test_copy_value_copies_each_type() -> None:
    """copy_value returns an equal, distinct dict for every type."""
    item = python_to_item(
        {"s": "a", "n": 1, "b": b"x", "t": True, "z": None, "ss": {"a"}, "l": [1], "m": {}}
    )
    for av in item.values():
        dup = copy_value(av)
        assert dup == av
        assert dup is not av


# --- sizes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("av", "size"),
    [
        ({"S": ""}, 0),
        ({"S": "abc"}, 3),
        ({"S": "é😀"}, 6),
        ({"N": "0"}, 1),
        ({"N": "7"}, 2),
        ({"N": "101"}, 3),
        ({"N": "100"}, 2),
        ({"N": "-12.5"}, 3),
        ({"N": "0.001"}, 2),
        ({"N": "1" + "0" * 100}, 2),
        ({"N": NINES_38}, 20),
        ({"N": "-0.000" + NINES_38}, 20),
        ({"B": b""}, 0),
        ({"B": b"abc"}, 3),
        ({"BOOL": False}, 1),
        ({"NULL": True}, 1),
        ({"L": []}, 3),
        ({"M": {}}, 3),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (2 + 1) + (2 + 1)),
        ({"M": {"k": {"S": "ab"}, "é": {"NULL": True}}}, 3 + (1 + 2 + 1) + (2 + 1 + 1)),
        ({"SS": ["a", "bc"]}, 3),
        ({"NS": ["1", "100", "101"]}, 2 + 2 + 3),
        ({"BS": [b"a", b"bc"]}, 3),
    ],
    ids=stable_id,
)
def test_value_size_rules(av: dict[str, Any], size: int) -> None:
    """Values are sized by the Developer Guide's rules (rule B.6)."""
    assert value_size(av) == size


def test_item_size_counts_name_bytes() -> None:
    """Attribute names count in UTF-8 bytes."""
    assert item_size({"é": {"S": "a"}, "ab": {"N": "1"}}) == (2 + 1) + (2 + 2)


def stream_record_size(keys: dict[str, Any], *images: dict[str, Any]) -> int:
    """SizeBytes as rule B.6 derives it: the keys plus the images the record carries."""
    return item_size(keys) + sum(item_size(image) for image in images)


def test_size_reproduces_lambda_docs_sample_records() -> None:
    """The Lambda guide's sample stream event has SizeBytes 26 / 59 / 38."""
    keys = wire_to_item({"Id": {"N": "101"}})
    first = wire_to_item({"Message": {"S": "New item!"}, "Id": {"N": "101"}})
    second = wire_to_item({"Message": {"S": "This item has changed"}, "Id": {"N": "101"}})
    assert stream_record_size(keys, first) == 26  # INSERT, NEW_AND_OLD_IMAGES
    assert stream_record_size(keys, second, first) == 59  # MODIFY
    assert stream_record_size(keys, second) == 38  # REMOVE


def test_size_reproduces_botocore_keys_only_example() -> None:
    """botocore's GetRecords example: KEYS_ONLY records of two string keys, SizeBytes 41."""
    keys = wire_to_item({"ForumName": {"S": "DynamoDB"}, "Subject": {"S": "DynamoDB Thread 3"}})
    assert stream_record_size(keys) == 41


def test_size_reproduces_java_walkthrough_sample() -> None:
    """The Java walkthrough's INSERT of {Id: "4", Message: "New Item!"} has SizeBytes 22."""
    keys = wire_to_item({"Id": {"S": "4"}})
    image = wire_to_item({"Message": {"S": "New Item!"}, "Id": {"S": "4"}})
    assert stream_record_size(keys, image) == 22


# --- keys ---------------------------------------------------------------------------------------


def test_key_type_mismatch_is_rejected() -> None:
    """A key attribute of the wrong type gets DynamoDB's type-mismatch message."""
    with pytest.raises(ValidationException) as exc:
        validate_key_value("pk", {"N": "1"}, "S", is_range=False)
    assert exc.value.message == (
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
    )


@pytest.mark.parametrize(("av", "kind"), [({"S": ""}, "string"), ({"B": b""}, "binary")])
def test_empty_key_value_is_rejected(av: dict[str, Any], kind: str) -> None:
    """A key attribute may not be an empty string or binary."""
    for is_range in (False, True):
        with pytest.raises(ValidationException) as exc:
            validate_key_value("sk", av, type_of(av), is_range=is_range)
        assert exc.value.message == (
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            f"cannot contain an empty {kind} value. Key: sk"
        )


def test_partition_key_of_2048_bytes_is_allowed_2049_rejected() -> None:
    """Partition keys are limited to 2048 bytes (UTF-8 or raw)."""
    for fits in ({"S": "x" * 2048}, {"S": "é" * 1024}, {"B": b"x" * 2048}):
        validate_key_value("pk", fits, type_of(fits), is_range=False)
    for too_long in ({"S": "x" * 2049}, {"S": "é" * 1024 + "x"}, {"B": b"x" * 2049}):
        with pytest.raises(ValidationException) as exc:
            validate_key_value("pk", too_long, type_of(too_long), is_range=False)
        assert exc.value.message == (
            "One or more parameter values were invalid: "
            "Size of hashkey has exceeded the maximum size limit of2048 bytes"
        )


def test_sort_key_of_1024_bytes_is_allowed_1025_rejected() -> None:
    """Sort keys are limited to 1024 bytes (UTF-8 or raw)."""
    for fits in ({"S": "x" * 1024}, {"S": "é" * 512}, {"B": b"x" * 1024}):
        validate_key_value("sk", fits, type_of(fits), is_range=True)
    for too_long in ({"S": "x" * 1025}, {"S": "é" * 512 + "x"}, {"B": b"x" * 1025}):
        with pytest.raises(ValidationException) as exc:
            validate_key_value("sk", too_long, type_of(too_long), is_range=True)
        assert exc.value.message == (
            "One or more parameter values were invalid: "
            "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        )


def test_number_keys_are_never_too_long() -> None:
    """Numbers have no key length limit of their own."""
    validate_key_value("pk", {"N": "1" + "0" * 125}, "N", is_range=True)


def test_validate_item_checks_present_keys_size_and_depth() -> None:
    """validate_item runs key checks (without type), then nesting, then size."""
    validate_item({"pk": {"S": "a"}, "sk": {"N": "1"}}, key_names=("pk", "sk"))
    validate_item({"other": {"S": ""}}, key_names=("pk",))
    with pytest.raises(ValidationException, match=r"empty string value\. Key: sk"):
        validate_item({"pk": {"S": "a"}, "sk": {"S": ""}}, key_names=("pk", "sk"))
    with pytest.raises(ValidationException, match="range keys"):
        validate_item({"pk": {"S": "a"}, "sk": {"S": "x" * 1025}}, key_names=("pk", "sk"))
    with pytest.raises(ValidationException, match="Item size has exceeded"):
        validate_item({"a": {"B": b"x" * MAX_ITEM_BYTES}})


# --- ordering and tags --------------------------------------------------------------------------


def test_compare_key_orders_numbers_numerically() -> None:
    """N values sort by value, not text."""
    texts = ["10", "-2", "9.5", "0", "-10.25", "1" + "0" * 100, "0.0001"]
    ordered = sorted(({"N": t} for t in texts), key=compare_key)
    expected = ["-10.25", "-2", "0", "0.0001", "9.5", "10", "1" + "0" * 100]
    assert [av["N"] for av in ordered] == expected


def test_compare_key_orders_strings_by_code_point_and_bytes_unsigned() -> None:
    """S values sort by code point (= UTF-8 bytes), B values by unsigned bytes."""
    strings = ["a", "Z", "é", "😀", "\uffff", ""]
    ordered = sorted(({"S": s} for s in strings), key=compare_key)
    assert [av["S"] for av in ordered] == sorted(strings, key=lambda s: s.encode())
    blobs = [b"\x80", b"\x7f", b"", b"\x00\x01"]
    ordered_b = sorted(({"B": b} for b in blobs), key=compare_key)
    assert [av["B"] for av in ordered_b] == [b"", b"\x00\x01", b"\x7f", b"\x80"]


def test_compare_key_refuses_non_key_types() -> None:
    """Only S, N and B have a key order."""
    with pytest.raises(ValueError, match="BOOL"):
        compare_key({"BOOL": True})


def test_type_of_returns_the_tag() -> None:
    """type_of gives the one type key."""
    values: list[dict[str, Any]] = [{"S": "a"}, {"NULL": True}, {"M": {}}]
    assert [type_of(av) for av in values] == ["S", "NULL", "M"]
    with pytest.raises(ValueError, match="empty"):
        type_of({})


# --- shared scalar values -------------------------------------------------------------------------


def test_converters_share_equal_scalar_values() -> None:
    """Equal S, N and BOOL values of converted items are one shared (never mutated) dict."""
    a = python_to_item({"pk": "a", "city": "Lisbon", "n": Decimal("1.50"), "ok": True})
    b = python_to_item({"pk": "b", "city": "Lisbon", "n": Decimal("1.5")})
    c = wire_to_item({"pk": {"S": "c"}, "city": {"S": "Lisbon"}, "n": {"N": "01.50"}})
    assert a["city"] is b["city"] is c["city"] == {"S": "Lisbon"}
    assert a["n"] is b["n"] is c["n"] == {"N": "1.5"}
    assert a["ok"] is python_to_item({"x": True})["x"] == {"BOOL": True}


def test_scalar_value_pools_are_bounded() -> None:
    """The pools of shared values never grow past their bound (they empty when full)."""
    bound = streamsim._items._python._POOL_MAX
    for i in range(bound + 10):
        python_to_item({"pk": f"unique-{i}", "n": i})
    assert 0 < len(streamsim._items._python._S_POOL) <= bound
    assert 0 < len(streamsim._items._python._N_POOL) <= bound
