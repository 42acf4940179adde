"""Python values <-> canonical items, as the boto3 resource (``Table``) face takes and returns them.

One job: convert ``str``, ``int``/``Decimal``, ``bytes``/``bytearray``/:class:`Binary`,
``bool``, ``None``, sets, ``list``/``tuple`` and mappings to canonical DynamoDB values in one
pass (boto3's ``TypeSerializer`` checks, then DynamoDB's validation and normalisation), and
canonical items back to fresh Python values.  Every write of the resource face passes through
here, so it is written for speed: type dispatch on ``type(value)`` first, ``isinstance`` only on
the slow path, no deep copies, pooled scalar values.

Differs from AWS: see :func:`python_to_item` (errors are reported in one pass, not
boto3-then-service order).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Set
from decimal import Decimal
from typing import Any, Final

from streamsim._errors import ValidationException

from ._boto3 import Binary, binary_value, is_binary, is_number, set_tag, unsupported
from ._frozen import MAX_SHAPE_ATTRIBUTES, MAX_SHAPE_NAME_CHARS, Frozen, Shapes, freeze_flat
from ._limits import (
    EMPTY_SET,
    INVALID,
    ITEM_TOO_LARGE,
    MAX_ATTRIBUTE_NESTING,
    MAX_ITEM_BYTES,
    MAX_NAME_BYTES,
    TOO_DEEP,
    check_names,
    shown,
    utf8_len,
    value_size,
)
from ._numbers import EXACT_INT_LIMIT, decimal_of, decimal_text, number_size, python_number
from ._types import AttributeValue, Item

__all__ = [
    "item_to_python",
    "n_leaf",
    "python_to_frozen",
    "python_to_item",
    "python_to_sized_item",
    "python_to_value",
    "s_leaf",
]


# --- Python values -> canonical -----------------------------------------------------------------


def _name(name: Any, where: str) -> str:
    """An attribute or map key name: a ``str`` (botocore rejects anything else client-side)."""
    if isinstance(name, str):
        return name if type(name) is str else str.__str__(name)
    raise ValidationException(
        f"Invalid type for parameter {where} (key: {shown(name)}), value: {shown(name)}, "
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
    tag = set_tag(value)
    if tag is None:
        raise unsupported(value)
    if not value:
        raise ValidationException(EMPTY_SET[tag])
    members: list[Any]
    if tag == "NS":
        members = sorted({python_number(m) for m in value}, key=decimal_of)
    elif tag == "SS":
        members = sorted({m if type(m) is str else str.__str__(m) for m in value})
    else:
        members = sorted({bytes(binary_value(m)) for m in value})
    if len(members) != len(value):  # only a misbehaving Set can get here
        raise ValidationException(f"{INVALID}Input collection contains duplicates.")
    return {tag: members}


def _python_value(value: Any, level: int) -> AttributeValue:
    """Canonical value of a Python value at nesting level ``level`` (top-level attribute = 1)."""
    t = type(value)
    if t is str:
        return {"S": value}
    if t is bool:
        return {"BOOL": value}
    if t is int or t is Decimal:
        return {"N": python_number(value)}
    if value is None:
        return {"NULL": True}
    if t is bytes:
        return {"B": value}
    if t is dict:
        if level >= MAX_ATTRIBUTE_NESTING:
            raise ValidationException(TOO_DEEP)
        level += 1
        return {
            "M": {
                (k if type(k) is str else _name(k, "Item")): _python_value(v, level)
                for k, v in value.items()
            }
        }
    if t is list or t is tuple:
        if level >= MAX_ATTRIBUTE_NESTING:
            raise ValidationException(TOO_DEEP)
        level += 1
        return {"L": [_python_value(v, level) for v in value]}
    # The slow path: subclasses, Binary, bytearray, sets, other mappings, floats, junk -
    # checked in boto3's order (bool cannot be subclassed, so it never gets here).
    if is_number(value):
        return {"N": python_number(value)}
    if isinstance(value, str):
        return {"S": str.__str__(value)}
    if is_binary(value):
        return {"B": bytes(binary_value(value))}
    if isinstance(value, Set):
        return _python_set(value)
    if isinstance(value, Mapping):
        return _python_value(dict(value), level)
    if isinstance(value, (list, tuple)):
        return _python_value(list(value), level)
    raise unsupported(value)


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
    out = _python_value(value, 1)
    value_size(out)  # measures every string: rejects text that is not UTF-8
    return out


# --- shared scalar values ------------------------------------------------------------------------
#
# Stored items are immutable (every write builds a new item; updates copy only the paths they
# change), so equal scalar values can be one shared dict.  The converters below hand out pooled
# ``{"S": ...}``, ``{"N": ...}`` and ``{"BOOL": ...}`` values: repeated values (a status, a
# country, a flag) cost no allocation, no memory per retained version, and the garbage
# collector and the stream readers find them hot in the CPU cache.  Each pool is bounded: it is
# emptied when full (correctness never depends on a hit).  Anything handed to a caller is
# copied first, so no caller can reach a pooled value.
#
# Strings are also shared one level down: the text of a pooled ``{"S": ...}`` is interned
# (``sys.intern``), and so is every string the one-pass converter (:func:`python_to_frozen`)
# stores.  Interning an already interned string is a flag test on the string itself, where a
# pool lookup is a hash probe into a large dict and a read of the leaf: for a write of the
# lab's item (three strings, one a key among 10,000) that is about 0.3-0.5 us of its ~2 us
# conversion.  CPython drops an interned string with its last reference, so this holds
# nothing the items do not.

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
        text = sys.intern(text)
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
            f"Invalid type for parameter Item, value: {shown(mapping)}, type: {type(mapping)}, "
            "valid types: <class 'dict'>"
        )
    out: Item = {}
    size = 0
    plain = True
    s_pool, n_pool = _S_POOL, _N_POOL
    for name, value in mapping.items():
        if type(name) is not str:
            name = _name(name, "Item")
        size += len(name) if name.isascii() else utf8_len(name)
        t = type(value)
        if t is str:
            av = s_pool.get(value)
            out[name] = s_leaf(value) if av is None else av
            size += len(value) if value.isascii() else utf8_len(value)
        elif t is Decimal:
            text = decimal_text(str(value))  # python_number(value), one C call
            av = n_pool.get(text)
            out[name] = n_leaf(text) if av is None else av
            size += number_size(text)
        elif t is int and -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT:
            text = str(value)
            av = n_pool.get(text)
            out[name] = n_leaf(text) if av is None else av
            # number_size for an int's text: its digits without trailing zeros (and sign)
            digits = len(text.rstrip("0")) - (value < 0)
            size += (digits + 1) // 2 + 1 if value else 1
        elif t is bool:
            out[name] = _TRUE if value else _FALSE
            size += 1
        else:
            av = _python_value(value, 1)
            out[name] = av
            size += value_size(av)
            plain = False
    if "" in out or size > MAX_NAME_BYTES:  # the common case: no call (check_names)
        check_names(out, size)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
    return out, size, plain


#: ``str(d)`` of a ``Decimal`` -> its canonical text and size, for :func:`python_to_frozen`
#: (one dict lookup instead of two cached calls); bounded like the pools above
_DECIMALS: dict[str, tuple[str, int]] = {}


def _decimal(text: str) -> tuple[str, int]:
    """``(canonical text, size)`` of the number boto3 serializes as ``text``, remembered."""
    canonical = decimal_text(text)
    if len(_DECIMALS) >= _POOL_MAX:
        _DECIMALS.clear()
    known = _DECIMALS[text] = (canonical, number_size(canonical))
    return known


def python_to_frozen(mapping: Any, shapes: Shapes) -> tuple[Frozen, int] | None:
    """:func:`python_to_sized_item` then :func:`~._frozen.freeze`, in one pass, for the common
    item: a ``dict`` whose names are ``str`` and whose values are all exactly ``str``, ``bool``,
    ``Decimal`` or ``int`` (no intermediate canonical item is built).

    Returns ``(frozen item, size)``, or None when the item is anything else (another value
    type, an empty name, a name or an item over its limit), and the first time a table sees
    an item's attribute names: the caller then takes :func:`python_to_sized_item`, which
    converts or rejects it.  Errors it raises are the ones :func:`python_to_sized_item` raises
    for the same item (a number out of range, text that is not UTF-8), at the same attribute.

    The speed trick of the Table face's put (``Table.put_item`` without options), in two
    steps.  Converting straight to the frozen item skips building the canonical item and
    walking it again (about a quarter of a put's instructions in the lab scenario,
    ``benchmarks/instructions.py``).  And the conversion is a function generated for the
    item's attribute names (:func:`_converter`), once a table has seen those names twice: it
    unpacks the values in one step and converts each in straight-line code, with the names'
    checks and sizes done once, at generation.  It converts the lab's 5-attribute item in
    16,300 instructions against the 21,400 of the loop it replaced (callgrind), and cut the
    lab scenario's instructions per record by 5.7%.

    >>> shapes = Shapes()
    >>> python_to_frozen({"pk": "a", "n": 150, "ok": True}, shapes) is None  # first sight
    True
    >>> frozen, size = python_to_frozen({"pk": "b", "n": 150, "ok": True}, shapes)
    >>> frozen[2:], size
    (('b', '150', True), 9)
    >>> python_to_frozen({"pk": "a", "n": [1], "ok": True}, shapes) is None
    True
    """
    if type(mapping) is not dict:
        return None
    names = tuple(mapping)
    converters = shapes.converters
    try:
        convert: Any = converters.get(names)
    except Exception:  # a name whose hash or equality fails: the general path rejects it
        return None
    if convert is None:  # first sight: remember the names (bounded, like the shapes)
        if len(converters) < shapes.limit:
            converters[names] = True
        return None
    if convert is True:  # second sight: make the converter
        convert = converters[names] = _converter(names)
    if convert is False:
        return None
    return convert(mapping, shapes)  # type: ignore[no-any-return]


#: what every generated converter reads (bound once: the pools are cleared, never replaced)
_CONVERTER_GLOBALS: Final[dict[str, Any]] = {
    "Decimal": Decimal,
    "intern": sys.intern,
    "n_get": _N_POOL.get,
    "d_get": _DECIMALS.get,
    "n_leaf": n_leaf,
    "decimal": _decimal,
    "utf8_len": utf8_len,
    "LIMIT": EXACT_INT_LIMIT,
    "MAX_NAME_BYTES": MAX_NAME_BYTES,
    "freeze_flat": freeze_flat,
}

#: one attribute of a generated converter: ``{i}`` is its index; the branches and their
#: order are :func:`python_to_sized_item`'s for the same four types
_CONVERT_ONE: Final = """\
    t = type(v{i})
    if t is str:
        a{i} = "S"
        c{i} = intern(v{i})
        size += len(v{i}) if v{i}.isascii() else utf8_len(v{i})
    elif t is Decimal:
        known = d_get(str(v{i}))
        if known is None:
            known = decimal(str(v{i}))
        a{i} = "N"
        c{i} = known[0]
        size += known[1]
    elif t is int and -LIMIT < v{i} < LIMIT:
        text = str(v{i})
        av = n_get(text)
        a{i} = "N"
        c{i} = (n_leaf(text) if av is None else av)["N"]
        digits = len(text.rstrip("0")) - (v{i} < 0)
        size += (digits + 1) // 2 + 1 if v{i} else 1
    elif t is bool:
        a{i} = "BOOL"
        c{i} = v{i}
        size += 1
    else:
        return None
"""


def _converter(names: tuple[Any, ...]) -> Callable[[dict[str, Any], Shapes], Any] | bool:
    """The converter of items with attribute ``names`` (in order) for :func:`python_to_frozen`,
    or False when such items always take the general path (a name that is not an exact
    ``str``, an empty one, more attributes or longer names than a shape holds).

    The generated function (about 0.3 ms to make for 5 attributes) takes ``(mapping, shapes)``
    and returns what :func:`python_to_frozen` returns.  Safety: the names reach the source only
    through ``repr`` of exact strings, and everything else in it is this module's text.
    """
    if (
        not names
        or len(names) > MAX_SHAPE_ATTRIBUTES
        or any(type(name) is not str or not name for name in names)
        or sum(map(len, names)) > MAX_SHAPE_NAME_CHARS
    ):
        return False
    try:
        name_bytes = sum(len(name) if name.isascii() else utf8_len(name) for name in names)
    except ValidationException:  # not UTF-8: the general path says so, in attribute order
        return False
    count = len(names)
    values = ", ".join(f"v{i}" for i in range(count))
    converted = ", ".join(f"c{i}" for i in range(count))
    key = ", ".join([*map(repr, names), *(f"a{i}" for i in range(count))])
    source = (
        f"def convert(mapping, shapes):\n"
        f"    {values}, = mapping.values()\n"
        f"    size = {name_bytes}\n"
        + "".join(_CONVERT_ONE.format(i=i) for i in range(count))
        + "    if size > MAX_NAME_BYTES:\n"
        "        return None\n"
        f"    key = ({key},)\n"
        "    shape = shapes.get(key)\n"
        "    if shape is None:\n"
        f"        return freeze_flat([*key], [None, None, {converted}], size, shapes), size\n"
        f"    return (shape, size, {converted}), size\n"
    )
    namespace: dict[str, Any] = dict(_CONVERTER_GLOBALS)
    exec(source, namespace)
    convert: Callable[[dict[str, Any], Shapes], Any] = namespace["convert"]
    return convert


# --- canonical -> Python values -----------------------------------------------------------------


def _python_of(av: AttributeValue) -> Any:
    for tag, val in av.items():
        if tag == "S" or tag == "BOOL":
            return val
        if tag == "N":
            return decimal_of(val)
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
            return set(map(decimal_of, val))
        if tag == "BS":
            return set(map(Binary, val))
        raise ValueError(f"not a DynamoDB type: {tag!r}")
    raise ValueError("empty AttributeValue")


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
                out[name] = decimal_of(val)
            else:
                out[name] = _python_of(av)
    return out
