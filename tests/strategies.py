"""Shared Hypothesis strategies for DynamoDB values.

Every value drawn here is one that both boto3's ``TypeSerializer`` and DynamoDB accept, so a
test can write it and expect success:

* numbers have at most 38 significant digits, magnitude from 1E-130 to 9.99...E+125, and an
  exponent boto3's 38-digit context represents exactly (no ``Rounded``/``Underflow``);
* sets are never empty;
* attribute and map-key names are non-empty;
* documents nest at most ``max_depth + 1`` levels (far below DynamoDB's 32).

Import what you need: ``python_values()``, ``python_items()``, ``attribute_names()``, and the
building blocks ``integers()``, ``decimals()``, ``numbers()``, ``python_scalars()``,
``python_sets()``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from boto3.dynamodb import types as boto3_types
from hypothesis import strategies as st

from streamsim._items import MAX_NUMBER_DIGITS, MAX_NUMBER_EXPONENT, MIN_NUMBER_EXPONENT, Binary

MAX_COEFFICIENT = 10**MAX_NUMBER_DIGITS - 1
# boto3's context (Emin=-128, prec=38) holds a subnormal exactly only down to exponent -165.
BOTO3_MIN_EXPONENT = -165


@cache
def attribute_names() -> st.SearchStrategy[str]:
    """Attribute (and map key) names: 1-12 characters of any kind (surrogates excluded)."""
    return st.text(min_size=1, max_size=12)


@cache
def integers() -> st.SearchStrategy[int]:
    """Python ints boto3 and DynamoDB both accept: at most 38 digits."""
    return st.one_of(
        st.integers(min_value=-1000, max_value=1000),
        st.integers(min_value=-MAX_COEFFICIENT, max_value=MAX_COEFFICIENT),
    )


@st.composite
def _nonzero_decimals(draw: st.DrawFn) -> Decimal:
    coefficient = draw(
        st.one_of(
            st.integers(min_value=1, max_value=10**6),
            st.integers(min_value=1, max_value=MAX_COEFFICIENT),
        )
    )
    digits = tuple(int(c) for c in str(coefficient))
    low = max(BOTO3_MIN_EXPONENT, MIN_NUMBER_EXPONENT - (len(digits) - 1))
    high = MAX_NUMBER_EXPONENT - (len(digits) - 1)
    exponent = draw(
        st.one_of(
            st.integers(min_value=max(low, -6), max_value=min(high, 6)),
            st.integers(min_value=low, max_value=high),
        )
    )
    sign = draw(st.integers(min_value=0, max_value=1))
    return Decimal((sign, digits, exponent))


@cache
def decimals() -> st.SearchStrategy[Decimal]:
    """``Decimal`` s within DynamoDB's range and precision, including ``-0`` and ``0E-5``."""
    zeros = st.builds(
        lambda sign, exponent: Decimal((sign, (0,), exponent)),
        st.integers(min_value=0, max_value=1),
        st.integers(min_value=-20, max_value=20),
    )
    return st.one_of(_nonzero_decimals(), zeros)


@cache
def numbers() -> st.SearchStrategy[int | Decimal]:
    """Numbers as the boto3 resource takes them: ``int`` or ``Decimal``."""
    return st.one_of(integers(), decimals())


@cache
def binaries() -> st.SearchStrategy[Any]:
    """Binary data in the three spellings boto3 accepts: ``bytes``, ``bytearray``, ``Binary``."""
    raw = st.binary(max_size=16)
    return st.one_of(raw, raw.map(bytearray), raw.map(Binary))


@cache
def python_scalars() -> st.SearchStrategy[Any]:
    """``None``, booleans, numbers, strings (empty ones too) and binaries."""
    return st.one_of(st.none(), st.booleans(), numbers(), st.text(max_size=16), binaries())


@cache
def python_sets() -> st.SearchStrategy[Any]:
    """Non-empty sets of strings, of numbers, or of binaries (``bytes`` and ``Binary`` mixed)."""
    hashable_binary = st.one_of(st.binary(max_size=8), st.binary(max_size=8).map(Binary))
    return st.one_of(
        st.frozensets(st.text(max_size=8), min_size=1, max_size=5),
        st.sets(numbers(), min_size=1, max_size=5),
        st.sets(hashable_binary, min_size=1, max_size=5),
    )


@cache
def python_values(max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Any value the boto3 resource accepts: scalars, sets, lists, tuples and dicts.

    Args:
        max_depth: how many levels of lists/dicts may wrap a scalar.
    """
    leaves = st.one_of(python_scalars(), python_sets())
    if max_depth <= 0:
        return leaves
    children = python_values(max_depth - 1)
    return st.one_of(
        leaves,
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(attribute_names(), children, max_size=4),
    )


@cache
def python_items(max_depth: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Items as the boto3 resource takes them: up to 8 attributes of :func:`python_values`."""
    return st.dictionaries(attribute_names(), python_values(max_depth), max_size=8)


def to_boto3(value: Any) -> Any:
    """``value`` with our Binary swapped for boto3's, so boto3 can serialize it."""
    if isinstance(value, Binary):
        return boto3_types.Binary(value.value)
    if isinstance(value, (set, frozenset)):
        return type(value)(map(to_boto3, value))
    if isinstance(value, list):
        return [to_boto3(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_boto3(v) for v in value)
    if isinstance(value, dict):
        return {k: to_boto3(v) for k, v in value.items()}
    return value
