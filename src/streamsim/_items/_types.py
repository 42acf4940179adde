"""The value model: what a canonical DynamoDB value and item are, and the basic operations on them.

**Canonical DynamoDB JSON** (``docs/architecture.md``) is what the model stores: ``N`` is
normalised text, ``B`` is ``bytes``, sets are sorted lists without duplicates, so two items hold
the same data exactly when they are ``==``.  :func:`~streamsim._items.python_to_item` and
:func:`~streamsim._items.wire_to_item` produce it; this module names it (:data:`AttributeValue`,
:data:`Item`), reads its type tag, orders key values and copies values for handing out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._numbers import decimal_of

__all__ = ["AttributeValue", "Item", "compare_key", "copy_item", "copy_value", "type_of"]

#: One DynamoDB value: a dict with exactly one type key (``{"S": "x"}``).
AttributeValue = dict[str, Any]
#: An item: attribute name -> value.  Inside the model always in canonical form.
Item = dict[str, AttributeValue]


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
            return decimal_of(val)
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
