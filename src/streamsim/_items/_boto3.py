"""How boto3 sees Python values: its ``Binary`` class and the type tests of its serializer.

One job: answer, exactly as boto3's ``TypeSerializer`` does, which DynamoDB type a Python value
has (a number, a string, a binary, which kind of set) and raise boto3's ``TypeError`` for what
it refuses (floats, unsupported types).  boto3 is not a run-time dependency, so its ``Binary``
is rebuilt here and boto3's own ``Binary`` is recognised by name.
"""

from __future__ import annotations

from collections.abc import Set
from decimal import Decimal
from typing import Any

__all__ = [
    "Binary",
    "binary_value",
    "is_binary",
    "is_number",
    "is_string",
    "set_tag",
    "unsupported",
]


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


def unsupported(value: Any) -> TypeError:
    """The ``TypeError`` boto3 raises for a value of a type it cannot serialize."""
    return TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def is_number(value: Any) -> bool:
    """boto3's ``_is_number``: ints (bools too) and Decimals; floats raise."""
    if isinstance(value, (int, Decimal)):
        return True
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return False


def is_string(value: Any) -> bool:
    """boto3's ``_is_string``: any ``str``, subclasses too."""
    return isinstance(value, str)


def _is_boto3_binary(value: Any) -> bool:
    """boto3's own ``Binary`` (recognised by name: boto3 is not imported at run time)."""
    t = type(value)
    return t.__name__ == "Binary" and t.__module__ == "boto3.dynamodb.types"


def is_binary(value: Any) -> bool:
    return isinstance(value, (Binary, bytearray, bytes)) or _is_boto3_binary(value)


def binary_value(value: Any) -> Any:
    """The bytes inside a :class:`Binary` (ours or boto3's); other values unchanged."""
    return value.value if isinstance(value, Binary) or _is_boto3_binary(value) else value


def set_tag(value: Set[Any]) -> str | None:
    """``NS``/``SS``/``BS`` for a set boto3 would serialize as such (empty sets are ``NS``)."""
    if False not in map(is_number, value):
        return "NS"
    if False not in map(is_string, value):
        return "SS"
    if False not in map(is_binary, value):
        return "BS"
    return None
