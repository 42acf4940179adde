"""Wire DynamoDB JSON -> canonical items, as the low-level client face takes them.

One job: validate DynamoDB JSON a client sent (``{"N": "1.50"}``) and return it canonical, with
DynamoDB's messages for what the service rejects and botocore's wording for a wrong Python type
(which real boto3 rejects client-side with ``ParamValidationError``).
"""

from __future__ import annotations

import base64
from typing import Any, Final

from streamsim._errors import ValidationException

from ._limits import (
    EMPTY_SET,
    INVALID,
    ITEM_TOO_LARGE,
    MAX_ATTRIBUTE_NESTING,
    MAX_ITEM_BYTES,
    TOO_DEEP,
    check_names,
    item_size,
    not_utf8,
    shown,
    value_size,
)
from ._numbers import decimal_of, normalize_number
from ._python import n_leaf, s_leaf
from ._types import AttributeValue, Item

__all__ = ["wire_to_item", "wire_to_value"]

_EMPTY_AV = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
_MULTI_AV = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
_NULL_FALSE = INVALID + "Null attribute value types must have the value of true"

_WIRE_TAGS = "S, N, B, SS, NS, BS, M, L, NULL, BOOL"
_BLOB_TYPES = "<class 'bytes'>, <class 'bytearray'>, file-like object"
_LIST_TYPES = "<class 'list'>, <class 'tuple'>"


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
        f", value: {shown(value)}, type: {type(value)}, valid types: {valid}",
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
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise not_utf8(value) from None
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
            raise ValidationException(EMPTY_SET[tag])
        numbers = [normalize_number(t) for t in texts]
        unique = set(numbers)
        if len(unique) != len(numbers):
            raise ValidationException("Input collection contains duplicates")
        return {"NS": sorted(unique, key=decimal_of)}
    if tag == "SS":
        strings = _members(value, _wire_str)
        if not strings:
            raise ValidationException(EMPTY_SET[tag])
        unique_s = set(strings)
        if len(unique_s) != len(strings):
            raise ValidationException(
                f"{INVALID}Input collection [{', '.join(strings)}] contains duplicates."
            )
        return {"SS": sorted(unique_s)}
    blobs = _members(value, _wire_bytes)
    if not blobs:
        raise ValidationException(EMPTY_SET[tag])
    unique_b = set(blobs)
    if len(unique_b) != len(blobs):
        shown = ", ".join(base64.b64encode(b).decode("ascii") for b in blobs)
        raise ValidationException(
            f"{INVALID}Input collection [{shown}]of type BS contains duplicates."
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
                    f" (key: {shown(name)}), value: {shown(name)}, type: {type(name)}, "
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
                raise ValidationException(TOO_DEEP)
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
        out = _wire_value(av, 1)
    except _BadParam as exc:
        raise ValidationException(exc.message(what)) from None
    value_size(out)  # measures every string: rejects text that is not UTF-8
    return out


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
    size = item_size(out)
    check_names(out, size)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
    return out
