"""The DynamoDB type system: Python values and DynamoDB JSON in, canonical items out.

Every write passes through this module, so it is written for speed: type dispatch on
``type(value)`` first, ``isinstance`` only on the slow path, no deep copies.

Three representations meet here:

* **Python values**, as the boto3 resource (``Table``) face takes and returns them: ``str``,
  ``int``/``Decimal``, ``bytes``/``bytearray``/:class:`Binary`, ``bool``, ``None``, sets,
  ``list``/``tuple`` and mappings.  :func:`serialize` and :func:`deserialize` are exact clones of
  boto3's ``TypeSerializer`` / ``TypeDeserializer``.
* **Wire DynamoDB JSON**, as the low-level client face takes it (``{"N": "1.50"}``), validated by
  :func:`wire_to_item` / :func:`wire_to_value`.
* **Canonical DynamoDB JSON** (``docs/architecture.md``): what the model stores.  ``N`` is
  normalised text, ``B`` is ``bytes``, sets are sorted lists without duplicates, so two items hold
  the same data exactly when they are ``==``.  :func:`python_to_item` and :func:`wire_to_item`
  produce it; :func:`item_to_python` and :func:`copy_item` hand it back out.

AWS behaviour (spec C.4, B.6): numbers carry at most 38 significant digits with magnitude between
1E-130 and 9.99...E+125; an item is at most 400 KB counting attribute names; documents nest at
most 32 levels; a partition key is 1-2048 bytes, a sort key 1-1024 bytes; empty strings and
binaries are allowed outside keys, empty sets never.  Error messages copy DynamoDB's own wording
(as pinned by test suites that run against the real service: dynalite, moto, Alternator),
including its typos ("An number set  may not be empty", "limit of2048 bytes").

Differs from AWS: see the notes on :func:`value_size` (sizes of numbers and sets are the
documented approximation), :func:`normalize_number` (only ASCII digits are numbers) and
:func:`python_to_item` (errors are reported in one pass, not boto3-then-service order).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from functools import lru_cache
from typing import Any, Final, NoReturn

from streamsim._errors import ValidationException

__all__ = [
    "MAX_ATTRIBUTE_NESTING",
    "MAX_ITEM_BYTES",
    "MAX_NUMBER_DIGITS",
    "MAX_NUMBER_EXPONENT",
    "MAX_PARTITION_KEY_BYTES",
    "MAX_SORT_KEY_BYTES",
    "MIN_NUMBER_EXPONENT",
    "AttributeValue",
    "Binary",
    "Item",
    "compare_key",
    "copy_item",
    "copy_value",
    "deserialize",
    "item_size",
    "item_to_python",
    "normalize_number",
    "python_to_item",
    "python_to_sized_item",
    "python_to_value",
    "serialize",
    "type_of",
    "validate_item",
    "validate_key_value",
    "value_depth",
    "value_size",
    "value_to_python",
    "wire_to_item",
    "wire_to_value",
]

#: One DynamoDB value: a dict with exactly one type key (``{"S": "x"}``).
AttributeValue = dict[str, Any]
#: An item: attribute name -> value.  Inside the model always in canonical form.
Item = dict[str, AttributeValue]

# --- limits -------------------------------------------------------------------------------------

MAX_ITEM_BYTES: Final = 400 * 1024  # spec C.4: names + values, 409600 bytes
MAX_ATTRIBUTE_NESTING: Final = 32  # spec C.4: a top-level attribute value is level 1
MAX_PARTITION_KEY_BYTES: Final = 2048  # spec C.4
MAX_SORT_KEY_BYTES: Final = 1024  # spec C.4
MAX_NUMBER_DIGITS: Final = 38  # spec C.4: significant digits
MAX_NUMBER_EXPONENT: Final = 125  # adjusted exponent: 9.9999999999999999999999999999999999999E+125
MIN_NUMBER_EXPONENT: Final = -130  # adjusted exponent: 1E-130

# boto3's DYNAMODB_CONTEXT, rebuilt here (boto3 is not a runtime dependency).  create_decimal()
# under it raises exactly the decimal exceptions boto3's serializer raises.
DYNAMODB_CONTEXT: Final = Context(
    Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow]
)

_INT_LIMIT: Final = 10**MAX_NUMBER_DIGITS  # |int| below this: str(int) is already canonical
_INT32_MAX: Final = 2**31 - 1

# --- messages (DynamoDB's wording, typos included) ----------------------------------------------

_INVALID = "One or more parameter values were invalid: "
_EMPTY_AV = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
_MULTI_AV = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
_NULL_FALSE = _INVALID + "Null attribute value types must have the value of true"
_EMPTY_SET = {
    "SS": _INVALID + "An string set  may not be empty",
    "NS": _INVALID + "An number set  may not be empty",
    "BS": _INVALID + "Binary sets should not be empty",
}
_NOT_A_NUMBER = "The parameter cannot be converted to a numeric value"
_TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
_OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
_UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
_TOO_LARGE = "Item size has exceeded the maximum allowed size"
_TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
_HASH_TOO_LONG = _INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
_RANGE_TOO_LONG = (
    _INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)
_EMPTY_KEY = (
    "One or more parameter values are not valid. "
    "The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {name}"
)
_WIRE_TAGS = "S, N, B, SS, NS, BS, M, L, NULL, BOOL"
_BLOB_TYPES = "<class 'bytes'>, <class 'bytearray'>, file-like object"
_LIST_TYPES = "<class 'list'>, <class 'tuple'>"


# --- Binary -------------------------------------------------------------------------------------


class Binary:
    """Binary data, as boto3's ``boto3.dynamodb.types.Binary`` represents it.

    Wraps ``bytes`` or ``bytearray`` (``.value``, not copied); compares equal to another
    ``Binary`` or to plain bytes with the same content, and hashes like its value.

    Args:
        value: the bytes.

    Raises:
        TypeError: ``value`` is not ``bytes`` or ``bytearray`` (``str`` included).

    Differs from boto3: ``str(b)`` gives the repr (boto3's ``__str__`` returns bytes, so ``str()``
    raises), and ``bytes(b)`` works for a ``bytearray`` value too.

    >>> Binary(b"\\x01") == b"\\x01", Binary(b"\\x01") == Binary(b"\\x01"), Binary(b"\\x01")
    (True, True, Binary(b'\\x01'))
    """

    __slots__ = ("value",)

    def __init__(self, value: bytes | bytearray) -> None:
        if not isinstance(value, (bytearray, bytes)):
            raise TypeError(
                "Value must be of the following types: <class 'bytearray'>, <class 'bytes'>"
            )
        self.value = value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Binary):
            return self.value == other.value
        return self.value == other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __repr__(self) -> str:
        return f"Binary({self.value!r})"

    def __bytes__(self) -> bytes:
        return bytes(self.value)

    def __hash__(self) -> int:
        return hash(self.value)


# --- numbers ------------------------------------------------------------------------------------

# Java BigDecimal's grammar with ASCII digits: sign? (digits [. digits?] | . digits) exponent?
_NUMBER_RE: Final = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")


@lru_cache(maxsize=8192)
def normalize_number(text: str) -> str:
    """Check a number's text against DynamoDB's rules and return its canonical text.

    Canonical text has no exponent, no leading zeros, no trailing fractional zeros and no sign
    on zero: ``"1.50"`` -> ``"1.5"``, ``"1E+2"`` -> ``"100"``, ``"-0"`` -> ``"0"``.

    Args:
        text: the number as sent in ``{"N": text}``.

    Returns:
        The canonical text.

    Raises:
        ValidationException: not a number (``NaN``, ``Infinity``, spaces, ``""``); magnitude
            above 9.99...E+125 (overflow) or below 1E-130 (underflow); more than 38 significant
            digits (leading and trailing zeros do not count).

    AWS behaviour (spec C.4): checked in the order overflow, underflow, precision, as DynamoDB
    reports them.  Differs from AWS: only ASCII digits are accepted, and an exponent beyond
    +-2147483647 counts as unparseable (Java ``BigDecimal`` rules; UNCONFIRMED).

    >>> normalize_number("001.50"), normalize_number("-17e5"), normalize_number("-0.0")
    ('1.5', '-1700000', '0')
    >>> normalize_number(".5E-3"), normalize_number("+3")
    ('0.0005', '3')
    """
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise ValidationException(f"{_NOT_A_NUMBER}: {text}" if text else _NOT_A_NUMBER)
    sign, whole, fraction, exp_text = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        raise ValidationException(f"{_NOT_A_NUMBER}: {text}" if text else _NOT_A_NUMBER)
    exponent = 0
    if exp_text is not None:
        exp_digits = exp_text.lstrip("+-").lstrip("0")
        if len(exp_digits) > 10 or int(exp_digits or "0") > _INT32_MAX:
            raise ValidationException(f"{_NOT_A_NUMBER}: {text}")
        exponent = -int(exp_digits or "0") if exp_text[0] == "-" else int(exp_digits or "0")
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return "0"
    significant = digits.rstrip("0")
    count = len(significant)
    exponent += len(digits) - count - len(fraction)  # value == significant * 10**exponent
    adjusted = exponent + count - 1
    if adjusted > MAX_NUMBER_EXPONENT:
        raise ValidationException(_OVERFLOW)
    if adjusted < MIN_NUMBER_EXPONENT:
        raise ValidationException(_UNDERFLOW)
    if count > MAX_NUMBER_DIGITS:
        raise ValidationException(_TOO_PRECISE)
    if exponent >= 0:
        body = significant + "0" * exponent
    else:
        point = count + exponent
        if point > 0:
            body = f"{significant[:point]}.{significant[point:]}"
        else:
            body = f"0.{'0' * -point}{significant}"
    return "-" + body if sign == "-" else body


@lru_cache(maxsize=8192)
def _number_size(canonical: str) -> int:
    """Bytes a canonical number occupies: 1 per two significant digits, plus 1 (spec B.6)."""
    if canonical == "0":
        return 1
    digits = canonical.replace("-", "").replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


@lru_cache(maxsize=8192)
def _decimal(canonical: str) -> Decimal:
    """The exact ``Decimal`` of a canonical number (immutable, so cached and shared)."""
    return Decimal(canonical)


def _python_number(value: Any) -> str:
    """Canonical text of an ``int`` (not ``bool``) or ``Decimal``, boto3's checks first."""
    if type(value) is int and -_INT_LIMIT < value < _INT_LIMIT:
        return str(value)
    if type(value) is Decimal:
        return _decimal_text(str(value))  # str() keeps sign, digits and exponent exactly
    return _decimal_text(str(DYNAMODB_CONTEXT.create_decimal(value)))


@lru_cache(maxsize=8192)
def _decimal_text(text: str) -> str:
    """Canonical text of a number boto3 serializes as ``text``: boto3's checks, then DynamoDB's."""
    text = str(DYNAMODB_CONTEXT.create_decimal(text))  # raises Inexact, Rounded, ... as boto3
    if text in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return normalize_number(text)


# --- boto3 TypeSerializer / TypeDeserializer ----------------------------------------------------


def _unsupported(value: Any) -> NoReturn:
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def _is_number(value: Any) -> bool:
    """boto3's ``_is_number``: ints (bools too) and Decimals; floats raise."""
    if isinstance(value, (int, Decimal)):
        return True
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return False


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_boto3_binary(value: Any) -> bool:
    """boto3's own ``Binary`` (recognised by name: boto3 is not imported at run time)."""
    t = type(value)
    return t.__name__ == "Binary" and t.__module__ == "boto3.dynamodb.types"


def _is_binary(value: Any) -> bool:
    return isinstance(value, (Binary, bytearray, bytes)) or _is_boto3_binary(value)


def _binary_value(value: Any) -> Any:
    """The bytes inside a :class:`Binary` (ours or boto3's); other values unchanged."""
    return value.value if isinstance(value, Binary) or _is_boto3_binary(value) else value


def _set_tag(value: Set[Any]) -> str | None:
    """``NS``/``SS``/``BS`` for a set boto3 would serialize as such (empty sets are ``NS``)."""
    if False not in map(_is_number, value):
        return "NS"
    if False not in map(_is_string, value):
        return "SS"
    if False not in map(_is_binary, value):
        return "BS"
    return None


def _number_order(text: str) -> tuple[int, Decimal, str]:
    """Sort key for number texts boto3 may emit: numerically, any ``-NaN`` last."""
    number = Decimal(text)
    return (1, Decimal(0), text) if number.is_nan() else (0, number, "")


def _serialize_number(value: Any) -> str:
    text = str(DYNAMODB_CONTEXT.create_decimal(value))
    if text in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return text


def serialize(value: Any) -> AttributeValue:
    """Serialize a Python value to DynamoDB JSON exactly as boto3's ``TypeSerializer`` does.

    Same accepted types, same output (the number text is ``str`` of the 38-digit ``Decimal``,
    not canonical), same exceptions.  Only difference: set members come out sorted (strings by
    code point, numbers numerically, binaries by bytes) where boto3's order is arbitrary.

    Args:
        value: ``None``, ``bool``, ``int``/``Decimal``, ``str``, ``bytes``/``bytearray``/
            :class:`Binary` (or boto3's own ``Binary``), a set of numbers, strings or binaries,
            a mapping, a list or tuple.

    Returns:
        The value as DynamoDB JSON (``{"N": "1.50"}``).

    Raises:
        TypeError: a ``float`` anywhere ("Float types are not supported. Use Decimal types
            instead."), ``NaN``/``Infinity``, or a type boto3 does not support.
        decimal.DecimalException: a number that does not fit boto3's 38-digit context
            (``Inexact``, ``Rounded``, ``Overflow``, ``Underflow``, ``Clamped``).

    Note that an empty set serializes to ``{"NS": []}``, as in boto3; DynamoDB then rejects it
    (see :func:`python_to_item`).

    >>> serialize({"id": 1, "tags": {"b", "a"}, "price": Decimal("1.50")})
    {'M': {'id': {'N': '1'}, 'tags': {'SS': ['a', 'b']}, 'price': {'N': '1.50'}}}
    """
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if _is_number(value):
        return {"N": _serialize_number(value)}
    if isinstance(value, str):
        return {"S": value}
    if _is_binary(value):
        return {"B": _binary_value(value)}
    if isinstance(value, Set):
        tag = _set_tag(value)
        if tag == "NS":
            return {"NS": sorted(map(_serialize_number, value), key=_number_order)}
        if tag == "SS":
            return {"SS": sorted(value)}
        if tag == "BS":
            return {"BS": sorted(map(_binary_value, value), key=bytes)}
    if isinstance(value, Mapping):
        return {"M": {k: serialize(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [serialize(v) for v in value]}
    _unsupported(value)


def _deserialize_n(value: Any) -> Decimal:
    return DYNAMODB_CONTEXT.create_decimal(value)


_DESERIALIZERS: Final[dict[str, Any]] = {
    "null": lambda v: None,
    "bool": lambda v: v,
    "n": _deserialize_n,
    "s": lambda v: v,
    "b": Binary,
    "ns": lambda v: set(map(_deserialize_n, v)),
    "ss": set,
    "bs": lambda v: set(map(Binary, v)),
    "l": lambda v: [deserialize(x) for x in v],
    "m": lambda v: {k: deserialize(x) for k, x in v.items()},
}


def deserialize(av: Mapping[str, Any]) -> Any:
    """Deserialize DynamoDB JSON to a Python value exactly as boto3's ``TypeDeserializer`` does.

    ``N`` becomes a ``Decimal`` through boto3's 38-digit context, ``B`` a :class:`Binary`,
    sets Python ``set`` s, ``NULL`` ``None``, ``L`` a list and ``M`` a dict.  As in boto3 only the
    first key is read and the type key is case-insensitive.

    Args:
        av: one DynamoDB JSON value.

    Returns:
        The Python value.

    Raises:
        TypeError: empty value, unknown type, or a ``B`` that is not bytes.
        decimal.Rounded: an ``N`` whose text has more than 38 digits, trailing zeros included
            (boto3's behaviour, boto/boto3#2500; :func:`item_to_python` does not have it).

    >>> deserialize({"M": {"n": {"N": "1.50"}, "b": {"B": b"x"}, "s": {"SS": ["a"]}}})
    {'n': Decimal('1.50'), 'b': Binary(b'x'), 's': {'a'}}
    """
    if not av:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    tag = next(iter(av.keys()))
    handler = _DESERIALIZERS.get(f"{tag}".lower())
    if handler is None:
        raise TypeError(f"Dynamodb type {tag} is not supported")
    return handler(av[tag])


# --- Python values -> canonical -----------------------------------------------------------------


def _name(name: Any, where: str) -> str:
    """An attribute or map key name: a ``str`` (botocore rejects anything else client-side)."""
    if isinstance(name, str):
        return name if type(name) is str else str.__str__(name)
    raise ValidationException(
        f"Invalid type for parameter {where} (key: {name}), value: {name}, "
        f"type: {type(name)}, valid types: <class 'str'>"
    )


def _python_set(value: Set[Any]) -> AttributeValue:
    kinds = {type(m) for m in value}
    if len(kinds) == 1:  # fast paths: sets of exact str, bytes or numbers (no bools)
        kind = kinds.pop()
        if kind is str:
            return {"SS": sorted(value)}
        if kind is bytes:
            return {"BS": sorted(value)}
    tag = _set_tag(value)
    if tag is None:
        _unsupported(value)
    if not value:
        raise ValidationException(_EMPTY_SET[tag])
    members: list[Any]
    if tag == "NS":
        members = sorted({_python_number(m) for m in value}, key=_decimal)
    elif tag == "SS":
        members = sorted({m if type(m) is str else str.__str__(m) for m in value})
    else:
        members = sorted({bytes(_binary_value(m)) for m in value})
    if len(members) != len(value):  # only a misbehaving Set can get here
        raise ValidationException(f"{_INVALID}Input collection contains duplicates.")
    return {tag: members}


def _python_value(value: Any, level: int) -> AttributeValue:
    """Canonical value of a Python value at nesting level ``level`` (top-level attribute = 1)."""
    t = type(value)
    if t is str:
        return {"S": value}
    if t is bool:
        return {"BOOL": value}
    if t is int or t is Decimal:
        return {"N": _python_number(value)}
    if value is None:
        return {"NULL": True}
    if t is bytes:
        return {"B": value}
    if t is dict:
        if level >= MAX_ATTRIBUTE_NESTING:
            raise ValidationException(_TOO_DEEP)
        level += 1
        return {
            "M": {
                (k if type(k) is str else _name(k, "Item")): _python_value(v, level)
                for k, v in value.items()
            }
        }
    if t is list or t is tuple:
        if level >= MAX_ATTRIBUTE_NESTING:
            raise ValidationException(_TOO_DEEP)
        level += 1
        return {"L": [_python_value(v, level) for v in value]}
    # The slow path: subclasses, Binary, bytearray, sets, other mappings, floats, junk -
    # checked in boto3's order (bool cannot be subclassed, so it never gets here).
    if _is_number(value):
        return {"N": _python_number(value)}
    if isinstance(value, str):
        return {"S": str.__str__(value)}
    if _is_binary(value):
        return {"B": bytes(_binary_value(value))}
    if isinstance(value, Set):
        return _python_set(value)
    if isinstance(value, Mapping):
        return _python_value(dict(value), level)
    if isinstance(value, (list, tuple)):
        return _python_value(list(value), level)
    _unsupported(value)


def python_to_value(value: Any) -> AttributeValue:
    """Convert one Python value (boto3 resource style) to a canonical DynamoDB value.

    Used for the Table face's ``ExpressionAttributeValues`` and key values.  Same rules as
    :func:`python_to_item`, without the item size limit.

    Args:
        value: any value boto3's ``TypeSerializer`` accepts.

    Returns:
        A fresh canonical value (shares only immutable ``str``/``bytes``).

    Raises:
        TypeError, decimal.DecimalException: as boto3's serializer raises them.
        ValidationException: what DynamoDB then rejects (empty set, number out of range,
            nesting deeper than 32 levels).

    >>> python_to_value({Decimal("1.0"), 2})
    {'NS': ['1', '2']}
    """
    return _python_value(value, 1)


# --- shared scalar values ------------------------------------------------------------------------
#
# Stored items are immutable (every write builds a new item; updates copy only the paths they
# change), so equal scalar values can be one shared dict.  The converters below hand out pooled
# ``{"S": ...}``, ``{"N": ...}`` and ``{"BOOL": ...}`` values: repeated values (a status, a
# country, a flag) cost no allocation, no memory per retained version, and the garbage
# collector and the stream readers find them hot in the CPU cache.  Each pool is bounded: it is
# emptied when full (correctness never depends on a hit).  Anything handed to a caller is
# copied first, so no caller can reach a pooled value.

_POOL_MAX: Final = 1 << 14
_S_POOL: dict[str, AttributeValue] = {}
_N_POOL: dict[str, AttributeValue] = {}
_TRUE: Final[AttributeValue] = {"BOOL": True}
_FALSE: Final[AttributeValue] = {"BOOL": False}


def s_leaf(text: str) -> AttributeValue:
    """The shared canonical value ``{"S": text}`` (``text`` must be an exact ``str``).

    >>> s_leaf("a") is s_leaf("a"), s_leaf("a")
    (True, {'S': 'a'})
    """
    av = _S_POOL.get(text)
    if av is None:
        if len(_S_POOL) >= _POOL_MAX:
            _S_POOL.clear()
        av = _S_POOL[text] = {"S": text}
    return av


def n_leaf(canonical: str) -> AttributeValue:
    """The shared canonical value ``{"N": canonical}`` (``canonical`` already normalised)."""
    av = _N_POOL.get(canonical)
    if av is None:
        if len(_N_POOL) >= _POOL_MAX:
            _N_POOL.clear()
        av = _N_POOL[canonical] = {"N": canonical}
    return av


def python_to_item(mapping: Mapping[str, Any]) -> Item:
    """Convert a Python item (boto3 resource style) to a validated canonical item, in one pass.

    Equivalent to boto3's ``TypeSerializer`` followed by DynamoDB's own validation and
    normalisation: numbers canonical, binaries ``bytes``, sets sorted.  The result shares no
    mutable container with ``mapping`` (strings and ``bytes`` are shared: they are immutable).

    Args:
        mapping: attribute name -> Python value.

    Returns:
        A new canonical item.

    Raises:
        TypeError, decimal.DecimalException: what boto3's serializer raises client-side (a
            ``float``, an unsupported type, a number beyond its 38-digit context).
        ValidationException: what DynamoDB rejects: an empty set, a number out of range, more
            than 32 levels of nesting, an item over 400 KB ("Item size has exceeded the maximum
            allowed size"), a non-string attribute name (botocore's check).

    Differs from AWS: errors come from one pass in attribute order, so when an item has both a
    client-side (``TypeError``) and a service-side problem, whichever comes first is reported;
    boto3 would always report the client-side one.

    >>> python_to_item({"pk": "a", "n": Decimal("1.50"), "ok": True, "s": {3, 1}})
    {'pk': {'S': 'a'}, 'n': {'N': '1.5'}, 'ok': {'BOOL': True}, 's': {'NS': ['1', '3']}}
    """
    return python_to_sized_item(mapping)[0]


def python_to_sized_item(mapping: Mapping[str, Any]) -> tuple[Item, int, bool]:
    """:func:`python_to_item`, with what the same pass learnt: the item's size
    (:func:`item_size`), and whether it is plain (every value a string, a number or a
    boolean: no binary, no set, list or map).

    >>> python_to_sized_item({"pk": "a", "n": 150})
    ({'pk': {'S': 'a'}, 'n': {'N': '150'}}, 6, True)
    """
    if type(mapping) is not dict and not isinstance(mapping, Mapping):
        raise ValidationException(
            f"Invalid type for parameter Item, value: {mapping}, type: {type(mapping)}, "
            "valid types: <class 'dict'>"
        )
    out: Item = {}
    size = 0
    plain = True
    s_pool = _S_POOL
    for name, value in mapping.items():
        if type(name) is not str:
            name = _name(name, "Item")
        size += len(name) if name.isascii() else _utf8_len(name)
        t = type(value)
        if t is str:
            av = s_pool.get(value)
            if av is None:
                if len(s_pool) >= _POOL_MAX:
                    s_pool.clear()
                av = s_pool[value] = {"S": value}
            out[name] = av
            size += len(value) if value.isascii() else _utf8_len(value)
        elif t is int and -_INT_LIMIT < value < _INT_LIMIT:
            text = str(value)
            out[name] = n_leaf(text)
            # _number_size for an int's text: its digits without trailing zeros (and sign)
            digits = len(text.rstrip("0")) - (value < 0)
            size += (digits + 1) // 2 + 1 if value else 1
        elif t is bool:
            out[name] = _TRUE if value else _FALSE
            size += 1
        elif t is Decimal:
            text = _python_number(value)
            out[name] = n_leaf(text)
            size += _number_size(text)
        else:
            av = _python_value(value, 1)
            out[name] = av
            size += value_size(av)
            plain = False
    if size > MAX_ITEM_BYTES:
        raise ValidationException(_TOO_LARGE)
    return out, size, plain


# --- canonical -> Python values -----------------------------------------------------------------


def _python_of(av: AttributeValue) -> Any:
    for tag, val in av.items():
        if tag == "S" or tag == "BOOL":
            return val
        if tag == "N":
            return _decimal(val)
        if tag == "M":
            return {k: _python_of(v) for k, v in val.items()}
        if tag == "L":
            return [_python_of(v) for v in val]
        if tag == "NULL":
            return None
        if tag == "B":
            return Binary(val)
        if tag == "SS":
            return set(val)
        if tag == "NS":
            return set(map(_decimal, val))
        if tag == "BS":
            return set(map(Binary, val))
        raise ValueError(f"not a DynamoDB type: {tag!r}")
    raise ValueError("empty AttributeValue")


def value_to_python(av: AttributeValue) -> Any:
    """Convert one canonical value to a fresh Python value, as the boto3 resource returns it.

    Args:
        av: a canonical value.

    Returns:
        ``str``, ``Decimal``, :class:`Binary`, ``bool``, ``None``, ``set``, ``list`` or ``dict``.

    Differs from boto3: numbers are read exactly (``Decimal(text)``).  boto3 (up to at least
    1.44) reads them through its 38-digit context and raises ``decimal.Rounded`` for a number
    such as 1E+100 that DynamoDB returns as ``"1000...0"`` (boto/boto3#2500); the pending fix,
    boto/boto3#4699, reads them the way done here.

    >>> value_to_python({"L": [{"N": "1.5"}, {"B": b"x"}, {"NULL": True}]})
    [Decimal('1.5'), Binary(b'x'), None]
    """
    return _python_of(av)


def item_to_python(item: Mapping[str, AttributeValue]) -> dict[str, Any]:
    """Convert a canonical item to fresh Python values, as the boto3 resource returns items.

    Args:
        item: a canonical item.

    Returns:
        A new dict; see :func:`value_to_python` for the value types.

    >>> item_to_python({"pk": {"S": "a"}, "n": {"N": "100"}, "t": {"SS": ["x"]}})
    {'pk': 'a', 'n': Decimal('100'), 't': {'x'}}
    """
    out: dict[str, Any] = {}
    for name, av in item.items():
        for tag, val in av.items():
            if tag == "S" or tag == "BOOL":
                out[name] = val
            elif tag == "N":
                out[name] = _decimal(val)
            else:
                out[name] = _python_of(av)
    return out


# --- wire DynamoDB JSON -> canonical ------------------------------------------------------------


class _BadParam(Exception):
    """A botocore-style parameter error; the path is completed on the way out of the recursion."""

    def __init__(self, head: str, tail: str) -> None:
        super().__init__(head, tail)
        self.head = head
        self.tail = tail
        self.parts: list[str] = []

    def message(self, what: str) -> str:
        return self.head + what + "".join(reversed(self.parts)) + self.tail


def _bad_type(value: Any, valid: str) -> _BadParam:
    return _BadParam(
        "Invalid type for parameter ",
        f", value: {value}, type: {type(value)}, valid types: {valid}",
    )


def _wire_str(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise _bad_type(value, "<class 'str'>")


def _wire_bytes(value: Any) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):  # botocore sends a str blob as its UTF-8 bytes
        return value.encode("utf-8")
    raise _bad_type(value, _BLOB_TYPES)


def _wire_list(value: Any) -> list[Any] | tuple[Any, ...]:
    if isinstance(value, (list, tuple)):
        return value
    raise _bad_type(value, _LIST_TYPES)


def _members(value: Any, convert: Any) -> list[Any]:
    out = []
    for index, member in enumerate(_wire_list(value)):
        try:
            out.append(convert(member))
        except _BadParam as exc:
            exc.parts.append(f"[{index}]")
            raise
    return out


def _wire_set(tag: str, value: Any) -> AttributeValue:
    if tag == "NS":
        texts = _members(value, _wire_str)
        if not texts:
            raise ValidationException(_EMPTY_SET[tag])
        numbers = [normalize_number(t) for t in texts]
        unique = set(numbers)
        if len(unique) != len(numbers):
            raise ValidationException("Input collection contains duplicates")
        return {"NS": sorted(unique, key=_decimal)}
    if tag == "SS":
        strings = _members(value, _wire_str)
        if not strings:
            raise ValidationException(_EMPTY_SET[tag])
        unique_s = set(strings)
        if len(unique_s) != len(strings):
            raise ValidationException(
                f"{_INVALID}Input collection [{', '.join(strings)}] contains duplicates."
            )
        return {"SS": sorted(unique_s)}
    blobs = _members(value, _wire_bytes)
    if not blobs:
        raise ValidationException(_EMPTY_SET[tag])
    unique_b = set(blobs)
    if len(unique_b) != len(blobs):
        shown = ", ".join(base64.b64encode(b).decode("ascii") for b in blobs)
        raise ValidationException(
            f"{_INVALID}Input collection [{shown}]of type BS contains duplicates."
        )
    return {"BS": sorted(unique_b)}


def _wire_map(value: Any, level: int) -> Item:
    if not isinstance(value, dict):
        raise _bad_type(value, "<class 'dict'>")
    out: Item = {}
    for name, av in value.items():
        if type(name) is not str:
            if not isinstance(name, str):
                exc = _BadParam(
                    "Invalid type for parameter ",
                    f" (key: {name}), value: {name}, type: {type(name)}, "
                    "valid types: <class 'str'>",
                )
                raise exc
            name = str.__str__(name)
        if type(av) is dict and len(av) == 1:  # fast path for the common scalars
            if "S" in av:
                text = av["S"]
                if type(text) is str:
                    out[name] = s_leaf(text)
                    continue
            elif "N" in av:
                text = av["N"]
                if type(text) is str:
                    out[name] = n_leaf(normalize_number(text))
                    continue
        try:
            out[name] = _wire_value(av, level)
        except _BadParam as exc:
            exc.parts.append(f".{name}")
            raise
    return out


def _wire_value(av: Any, level: int) -> AttributeValue:
    """Validate one wire value at nesting level ``level`` and return it canonical."""
    if not isinstance(av, dict):
        raise _bad_type(av, "<class 'dict'>")
    if len(av) != 1:
        for tag in av:
            if tag not in _WIRE_KINDS:
                raise _BadParam("Unknown parameter in ", f': "{tag}", must be one of: {_WIRE_TAGS}')
        raise ValidationException(_MULTI_AV if av else _EMPTY_AV)
    for tag, value in av.items():
        kind = _WIRE_KINDS.get(tag)
        if kind is None:
            raise _BadParam("Unknown parameter in ", f': "{tag}", must be one of: {_WIRE_TAGS}')
        try:
            if kind == 0:  # S
                return {"S": _wire_str(value)}
            if kind == 1:  # N
                return {"N": normalize_number(_wire_str(value))}
            if kind == 2:  # B
                return {"B": _wire_bytes(value)}
            if kind == 3:  # BOOL
                if type(value) is not bool:
                    raise _bad_type(value, "<class 'bool'>")
                return {"BOOL": value}
            if kind == 4:  # NULL
                if type(value) is not bool:
                    raise _bad_type(value, "<class 'bool'>")
                if not value:
                    raise ValidationException(_NULL_FALSE)
                return {"NULL": True}
            if kind == 5:  # SS, NS, BS
                return _wire_set(tag, value)
            if level >= MAX_ATTRIBUTE_NESTING:
                if kind == 6 and not isinstance(value, dict):
                    raise _bad_type(value, "<class 'dict'>")
                if kind == 7:
                    _wire_list(value)
                raise ValidationException(_TOO_DEEP)
            if kind == 6:  # M
                return {"M": _wire_map(value, level + 1)}
            # L
            items = []
            for index, element in enumerate(_wire_list(value)):
                try:
                    items.append(_wire_value(element, level + 1))
                except _BadParam as exc:
                    exc.parts.append(f"[{index}]")
                    raise
            return {"L": items}
        except _BadParam as exc:
            exc.parts.append(f".{tag}")
            raise
    raise AssertionError("unreachable")  # pragma: no cover


_WIRE_KINDS: Final[dict[Any, int]] = {
    "S": 0, "N": 1, "B": 2, "BOOL": 3, "NULL": 4, "SS": 5, "NS": 5, "BS": 5, "M": 6, "L": 7,
}  # fmt: skip


def wire_to_value(av: Any, *, what: str = "AttributeValue") -> AttributeValue:
    """Validate one DynamoDB JSON value from the client face and return it canonical.

    Used for ``ExpressionAttributeValues`` (the caller adds DynamoDB's prefix
    ``"ExpressionAttributeValues contains invalid value: ... for key :v"`` where it applies).

    Args:
        av: the value as the client passed it.
        what: the parameter path used in type errors (``"ExpressionAttributeValues.:v"``).

    Returns:
        A fresh canonical value.

    Raises:
        ValidationException: see :func:`wire_to_item`.

    >>> wire_to_value({"NS": ["2", "1.0", "-0"]})
    {'NS': ['0', '1', '2']}
    """
    try:
        return _wire_value(av, 1)
    except _BadParam as exc:
        raise ValidationException(exc.message(what)) from None


def wire_to_item(item: Any, *, what: str = "Item") -> Item:
    """Validate an item (or key) in DynamoDB JSON from the client face; return it canonical.

    Each value must have exactly one type key with a value of the type botocore accepts: ``S``
    and ``N`` a ``str``, ``B`` ``bytes``/``bytearray`` (or ``str``, sent as its UTF-8 bytes, as
    botocore does), ``BOOL`` a ``bool``, ``NULL`` ``True``, sets non-empty lists without
    duplicates, ``L`` a list, ``M`` a dict.

    Args:
        item: attribute name -> DynamoDB JSON value.
        what: the parameter name used in messages (``"Item"``, ``"Key"``, ...).

    Returns:
        A new canonical item; only ``str`` and ``bytes`` are shared with the input.

    Raises:
        ValidationException: with DynamoDB's message for what was wrong, e.g. "Supplied
            AttributeValue is empty, must contain exactly one of the supported datatypes", "One
            or more parameter values were invalid: An number set  may not be empty", "The
            parameter cannot be converted to a numeric value: x", "Item size has exceeded the
            maximum allowed size"; or botocore's wording for a wrong Python type ("Invalid type
            for parameter Item.a.S, value: 1, type: <class 'int'>, valid types: <class 'str'>").

    AWS behaviour: type errors are botocore's client-side ``ParamValidationError`` in real
    boto3; here they are ``ValidationException`` s with botocore's text.

    >>> wire_to_item({"pk": {"S": "a"}, "n": {"N": "1E+2"}, "b": {"B": bytearray(b"x")}})
    {'pk': {'S': 'a'}, 'n': {'N': '100'}, 'b': {'B': b'x'}}
    """
    try:
        if not isinstance(item, dict):
            raise _bad_type(item, "<class 'dict'>")
        out = _wire_map(item, 1)
    except _BadParam as exc:
        raise ValidationException(exc.message(what)) from None
    if item_size(out) > MAX_ITEM_BYTES:
        raise ValidationException(_TOO_LARGE)
    return out


# --- copies -------------------------------------------------------------------------------------


def copy_value(av: AttributeValue) -> AttributeValue:
    """A deep copy of a canonical value: fresh dicts and lists, shared ``str``/``bytes``/``bool``.

    >>> v = {"L": [{"S": "a"}]}; c = copy_value(v); c["L"].append({"S": "b"}); v
    {'L': [{'S': 'a'}]}
    """
    for tag, val in av.items():
        t = type(val)
        if t is list:
            if tag == "L":
                return {"L": [copy_value(v) for v in val]}
            return {tag: val[:]}
        if t is dict:
            return {"M": {k: copy_value(v) for k, v in val.items()}}
        return {tag: val}
    return {}


def copy_item(item: Mapping[str, AttributeValue]) -> Item:
    """A deep copy of a canonical item, for handing to users (much faster than ``deepcopy``).

    Args:
        item: a canonical item.

    Returns:
        A new item with fresh dicts and lists; ``str``, ``bytes`` and ``bool`` are shared.

    >>> src = {"pk": {"S": "a"}, "l": {"L": [{"N": "1"}]}}
    >>> dup = copy_item(src); dup["l"]["L"].clear(); src["l"]
    {'L': [{'N': '1'}]}
    """
    out: Item = {}
    for name, av in item.items():
        if "S" in av or "N" in av:  # the common flat case: a shallow copy is a deep copy
            out[name] = av.copy()
        else:
            out[name] = copy_value(av)
    return out


# --- sizes and limits ---------------------------------------------------------------------------


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def value_size(av: AttributeValue) -> int:
    """Bytes a canonical value counts for in item size (spec B.6, DynamoDB Developer Guide).

    ``S``: UTF-8 bytes.  ``N``: 1 byte per two significant digits + 1 (leading and trailing
    zeros do not count; zero is 1 byte).  ``B``: raw bytes.  ``BOOL``/``NULL``: 1.  ``L``/``M``:
    3 + the elements + 1 per element (``M`` elements include their key's UTF-8 bytes).  Sets:
    the sum of their members' sizes.

    Differs from AWS: the number and set rules are the documented approximation (set sizing is
    UNCONFIRMED, spec F.14).  DynamoDB Local sizes a number by its internal encoding, which can
    be a byte larger (odd digit alignment, negative numbers), e.g. 2 bytes here for ``1.1``.

    >>> value_size({"N": "101"}), value_size({"S": "héllo"}), value_size({"L": [{"NULL": True}]})
    (3, 6, 5)
    """
    for tag, val in av.items():
        if tag == "S":
            return len(val) if val.isascii() else _utf8_len(val)
        if tag == "N":
            return _number_size(val)
        if tag == "M":
            total = 3 + len(val)
            for name, element in val.items():
                total += (len(name) if name.isascii() else _utf8_len(name)) + value_size(element)
            return total
        if tag == "L":
            total = 3 + len(val)
            for element in val:
                total += value_size(element)
            return total
        if tag == "B":
            return len(val)
        if tag == "BOOL" or tag == "NULL":
            return 1
        if tag == "SS":
            return sum(map(_utf8_len, val))
        if tag == "NS":
            return sum(map(_number_size, val))
        if tag == "BS":
            return sum(map(len, val))
        raise ValueError(f"not a DynamoDB type: {tag!r}")
    raise ValueError("empty AttributeValue")


def item_size(item: Mapping[str, AttributeValue]) -> int:
    """Bytes an item counts for: attribute names' UTF-8 bytes plus :func:`value_size` of values.

    Reproduces the ``SizeBytes`` of AWS's published stream records (spec B.6) as
    ``item_size(Keys) + item_size(NewImage) + item_size(OldImage)``.

    >>> keys = {"Id": {"N": "101"}}
    >>> item_size(keys) + item_size({"Message": {"S": "New item!"}, "Id": {"N": "101"}})
    26
    """
    total = 0
    for name, av in item.items():
        total += len(name) if name.isascii() else _utf8_len(name)
        if "S" in av:
            text = av["S"]
            total += len(text) if text.isascii() else _utf8_len(text)
        elif "N" in av:
            total += _number_size(av["N"])
        elif "BOOL" in av:
            total += 1
        else:
            total += value_size(av)
    return total


def value_depth(av: AttributeValue) -> int:
    """Nesting levels a value occupies: 1 for a scalar or set, 1 + its deepest element for
    ``L``/``M`` (an empty one counts as holding a scalar).  A top-level attribute may be at
    most :data:`MAX_ATTRIBUTE_NESTING` (32) deep.

    >>> value_depth({"S": "x"}), value_depth({"L": [{"M": {}}]})
    (1, 3)
    """
    for tag, val in av.items():
        if tag == "M":
            return 1 + max(map(value_depth, val.values()), default=1)
        if tag == "L":
            return 1 + max(map(value_depth, val), default=1)
    return 1


def validate_item(item: Mapping[str, AttributeValue], *, key_names: Sequence[str] = ()) -> None:
    """Check a canonical item against the item-level limits (for items built by updates).

    Args:
        item: a canonical item.
        key_names: the table's key attribute names, partition key first.  Each present key
            attribute gets :func:`validate_key_value`'s emptiness and size checks (its declared
            type is the table's to check, as is its presence).

    Raises:
        ValidationException: a key attribute empty or too long; nesting deeper than 32
            levels; item size over 400 KB ("Item size has exceeded the maximum allowed size").

    >>> validate_item({"pk": {"S": ""}}, key_names=("pk",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... cannot contain an empty string value. Key: pk
    """
    for index, name in enumerate(key_names):
        av = item.get(name)
        if av is not None:
            validate_key_value(name, av, None, is_range=index > 0)
    for av in item.values():
        if value_depth(av) > MAX_ATTRIBUTE_NESTING:
            raise ValidationException(_TOO_DEEP)
    if item_size(item) > MAX_ITEM_BYTES:
        raise ValidationException(_TOO_LARGE)


def validate_key_value(
    name: str, av: AttributeValue, declared_type: str | None, *, is_range: bool
) -> None:
    """Check a key attribute's value: declared type, not empty, not too long.

    Args:
        name: the key attribute's name (for messages).
        av: its canonical value.
        declared_type: ``"S"``, ``"N"`` or ``"B"`` from the table's AttributeDefinitions, or
            ``None`` to skip the type check.
        is_range: True for the sort key (1024-byte limit), False for the partition key (2048).

    Raises:
        ValidationException: "One or more parameter values were invalid: Type mismatch for key
            pk expected: S actual: N"; an empty ``S``/``B`` ("... cannot contain an empty string
            value. Key: pk"); a value over the size limit (numbers are never too long).

    >>> validate_key_value("pk", {"N": "1"}, "S", is_range=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... Type mismatch for key pk expected: S actual: N
    """
    tag = type_of(av)
    if declared_type is not None and tag != declared_type:
        raise ValidationException(
            f"{_INVALID}Type mismatch for key {name} expected: {declared_type} actual: {tag}"
        )
    if tag == "S":
        value = av["S"]
        if not value:
            raise ValidationException(_EMPTY_KEY.format(kind="string", name=name))
        size = _utf8_len(value)
    elif tag == "B":
        value = av["B"]
        if not value:
            raise ValidationException(_EMPTY_KEY.format(kind="binary", name=name))
        size = len(value)
    else:
        return
    if is_range:
        if size > MAX_SORT_KEY_BYTES:
            raise ValidationException(_RANGE_TOO_LONG)
    elif size > MAX_PARTITION_KEY_BYTES:
        raise ValidationException(_HASH_TOO_LONG)


# --- ordering and tags --------------------------------------------------------------------------


def compare_key(av: AttributeValue) -> Any:
    """A sort key ordering values of one scalar type as DynamoDB orders them.

    ``N`` numerically (an exact ``Decimal``), ``S`` by code point (the same order as UTF-8
    bytes), ``B`` by unsigned bytes.

    Raises:
        ValueError: not an ``S``, ``N`` or ``B`` value.

    >>> sorted([{"N": "10"}, {"N": "-2"}, {"N": "9.5"}], key=compare_key)
    [{'N': '-2'}, {'N': '9.5'}, {'N': '10'}]
    """
    for tag, val in av.items():
        if tag == "N":
            return _decimal(val)
        if tag == "S" or tag == "B":
            return val
        break
    raise ValueError(f"only S, N and B values have a key order, not {type_of(av)}")


def type_of(av: Mapping[str, Any]) -> str:
    """The type tag of a value: ``"S"``, ``"N"``, ``"B"``, ``"BOOL"``, ``"NULL"``, ``"L"``, ...

    >>> type_of({"SS": ["a"]})
    'SS'
    """
    for tag in av:
        return tag
    raise ValueError("empty AttributeValue")
