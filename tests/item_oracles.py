"""Test oracles and helpers for the DynamoDB type system that the simulator itself does not need.

:func:`serialize` and :func:`deserialize` are exact clones of boto3's ``TypeSerializer`` /
``TypeDeserializer`` (with set members sorted, so results are deterministic);
:func:`value_to_python` is a small oracle for the converters in ``streamsim._items``.  They lived
in ``streamsim._items._types`` and moved here because only tests use them.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Any, Final

from streamsim._items import AttributeValue, Binary, item_to_python
from streamsim._items._boto3 import binary_value, is_binary, is_number, set_tag, unsupported
from streamsim._items._numbers import DYNAMODB_CONTEXT

__all__ = ["deserialize", "serialize", "value_to_python"]


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
    if is_number(value):
        return {"N": _serialize_number(value)}
    if isinstance(value, str):
        return {"S": value}
    if is_binary(value):
        return {"B": binary_value(value)}
    if isinstance(value, Set):
        tag = set_tag(value)
        if tag == "NS":
            return {"NS": sorted(map(_serialize_number, value), key=_number_order)}
        if tag == "SS":
            return {"SS": sorted(value)}
        if tag == "BS":
            return {"BS": sorted(map(binary_value, value), key=bytes)}
    if isinstance(value, Mapping):
        return {"M": {k: serialize(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [serialize(v) for v in value]}
    raise unsupported(value)


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
    return item_to_python({"v": av})["v"]
