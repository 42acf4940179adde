"""Item limits: the size an item counts for, key lengths, and DynamoDB's messages for the limits.

One job: measure canonical values and items as DynamoDB measures them (rule B.6) and hold the
limits they must keep (rule C.4): an item is at most 400 KB counting attribute names; documents
nest at most 32 levels; a partition key is 1-2048 bytes, a sort key 1-1024 bytes; empty strings
and binaries are allowed outside keys, empty sets never.  Error messages copy DynamoDB's own
wording (as pinned by test suites that run against the real service: dynalite, moto,
Alternator), including its typos ("An number set  may not be empty", "limit of2048 bytes").

Differs from AWS: see the note on :func:`value_size` (sizes of numbers and sets are the
documented approximation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from streamsim._errors import ValidationException

from ._numbers import number_size
from ._types import AttributeValue, type_of

__all__ = [
    "EMPTY_SET",
    "INVALID",
    "ITEM_TOO_LARGE",
    "MAX_ATTRIBUTE_NESTING",
    "MAX_ITEM_BYTES",
    "MAX_NAME_BYTES",
    "MAX_PARTITION_KEY_BYTES",
    "MAX_SORT_KEY_BYTES",
    "TOO_DEEP",
    "check_names",
    "item_size",
    "not_utf8",
    "shown",
    "text_problem",
    "utf8_len",
    "validate_key_value",
    "value_size",
]

# --- limits -------------------------------------------------------------------------------------

MAX_ITEM_BYTES: Final = 400 * 1024  # rule C.4: names + values, 409600 bytes
MAX_ATTRIBUTE_NESTING: Final = 32  # rule C.4: a top-level attribute value is level 1
MAX_PARTITION_KEY_BYTES: Final = 2048  # rule C.4
MAX_SORT_KEY_BYTES: Final = 1024  # rule C.4
MAX_NAME_BYTES: Final = 65535  # rule H.36: an attribute name is 1 to 65,535 bytes

INVALID = "One or more parameter values were invalid: "

EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}

ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
_HASH_TOO_LONG = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
_RANGE_TOO_LONG = (
    INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)
_EMPTY_KEY = (
    "One or more parameter values are not valid. "
    "The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {name}"
)

# --- sizes and limits ---------------------------------------------------------------------------


#: nesting beyond which a value in an error message is described rather than printed
SHOWN_MAX_DEPTH: Final = 64
_PLAIN = (str, int, float, bool, type(None), bytes)


def shown(value: object) -> str:
    """``str(value)`` as botocore's messages print values, safe for any value.

    A container nested deeper than :data:`SHOWN_MAX_DEPTH` (which ``str`` would print by
    recursion, and could fail on) is described instead; so is a value whose ``str`` fails.

    >>> shown({"a": [1]}), shown(5)
    ("{'a': [1]}", '5')
    >>> deep = []
    >>> for _ in range(2_000):
    ...     deep = [deep]
    >>> shown(deep)
    '<list nested more than 64 levels deep>'
    """
    if type(value) in _PLAIN:
        return str(value)
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            members: list[object] = [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):
            members = list(item)
        else:
            continue
        if depth >= SHOWN_MAX_DEPTH and members:
            return f"<{type(value).__name__} nested more than {SHOWN_MAX_DEPTH} levels deep>"
        stack.extend((member, depth + 1) for member in members)
    try:
        return str(value)
    except Exception:  # any failing __str__ or __repr__: describe the value instead
        return f"<{type(value).__name__} that cannot be printed>"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be sent as UTF-8 (a lone surrogate), or None when it can.

    A Python ``str`` may hold lone surrogates (``"\\ud800"``), which no UTF-8 text (and so no
    AWS request) can carry.  ASCII text is checked in one fast ``isascii()``.

    >>> text_problem("héllo") is None, text_problem("a\\ud800")
    (True, "lone surrogate '\\\\ud800' at index 1 is not valid UTF-8")
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"lone surrogate {text[exc.start]!a} at index {exc.start} is not valid UTF-8"
    return None


def not_utf8(text: str, where: str = "") -> ValidationException:
    """The ValidationException for a string that is not valid UTF-8 (see :func:`text_problem`)."""
    at = f" in {where}" if where else ""
    return ValidationException(
        f"{INVALID}a string{at} is not valid UTF-8 text: {text_problem(text)} "
        f"(the string starts {text[:40]!a})"
    )


def utf8_len(text: str) -> int:
    """UTF-8 bytes of ``text``; a lone surrogate is a :class:`ValidationException`.

    Every string of an item is measured here when the item enters (item size), so this is
    where the faces reject text that cannot be UTF-8, before anything is stored.

    >>> utf8_len("héllo")
    6
    """
    if text.isascii():
        return len(text)
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise not_utf8(text) from None


def value_size(av: AttributeValue) -> int:
    """Bytes a canonical value counts for in item size (rule B.6, DynamoDB Developer Guide).

    ``S``: UTF-8 bytes.  ``N``: 1 byte per two significant digits + 1 (leading and trailing
    zeros do not count; zero is 1 byte).  ``B``: raw bytes.  ``BOOL``/``NULL``: 1.  ``L``/``M``:
    3 + the elements + 1 per element (``M`` elements include their key's UTF-8 bytes).  Sets:
    the sum of their members' sizes.

    Differs from AWS: the number and set rules are the documented approximation (set sizing is
    UNCONFIRMED, rule F.14).  DynamoDB Local sizes a number by its internal encoding, which can
    be a byte larger (odd digit alignment, negative numbers), e.g. 2 bytes here for ``1.1``.

    >>> value_size({"N": "101"}), value_size({"S": "héllo"}), value_size({"L": [{"NULL": True}]})
    (3, 6, 5)
    """
    for tag, val in av.items():
        if tag == "S":
            return len(val) if val.isascii() else utf8_len(val)
        if tag == "N":
            return number_size(val)
        if tag == "M":
            total = 3 + len(val)
            for name, element in val.items():
                total += (len(name) if name.isascii() else utf8_len(name)) + value_size(element)
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
            return sum(map(utf8_len, val))
        if tag == "NS":
            return sum(map(number_size, val))
        if tag == "BS":
            return sum(map(len, val))
        raise ValueError(f"not a DynamoDB type: {tag!r}")
    raise ValueError("empty AttributeValue")


def item_size(item: Mapping[str, AttributeValue]) -> int:
    """Bytes an item counts for: attribute names' UTF-8 bytes plus :func:`value_size` of values.

    Reproduces the ``SizeBytes`` of AWS's published stream records (rule B.6) as
    ``item_size(Keys) + item_size(NewImage) + item_size(OldImage)``.

    >>> keys = {"Id": {"N": "101"}}
    >>> item_size(keys) + item_size({"Message": {"S": "New item!"}, "Id": {"N": "101"}})
    26
    """
    total = 0
    for name, av in item.items():
        total += len(name) if name.isascii() else utf8_len(name)
        if "S" in av:
            text = av["S"]
            total += len(text) if text.isascii() else utf8_len(text)
        elif "N" in av:
            total += number_size(av["N"])
        elif "BOOL" in av:
            total += 1
        else:
            total += value_size(av)
    return total


def checked_item_size(item: Mapping[str, AttributeValue], size: int | None = None) -> int:
    """The item's size (``size`` if the caller knows it), or ValidationException over 400 KB.

    AWS behaviour: rule C.4 (an item's names and values together are at most 400 KB).
    """
    if size is None:
        size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
    return size


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
            f"{INVALID}Type mismatch for key {name} expected: {declared_type} actual: {tag}"
        )
    if tag == "S":
        value = av["S"]
        if not value:
            raise ValidationException(_EMPTY_KEY.format(kind="string", name=name))
        size = utf8_len(value)
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


def check_names(item: Mapping[str, AttributeValue], size: int) -> None:
    """Check an item's attribute names: none empty, none over 65,535 bytes (rule H.36).

    ``size`` is the item's size: below 65,536 bytes no name can be too long, so the common case
    costs one dictionary lookup.

    >>> check_names({"": {"S": "x"}}, 2)
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... An attribute name may not be empty
    """
    if "" in item:
        raise ValidationException(INVALID + "An attribute name may not be empty")
    if size > MAX_NAME_BYTES:
        for name in item:
            if len(name) > MAX_NAME_BYTES // 4 and utf8_len(name) > MAX_NAME_BYTES:
                raise ValidationException(
                    INVALID + f"An attribute name may be at most {MAX_NAME_BYTES} bytes long"
                )


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
            raise ValidationException(TOO_DEEP)
    size = item_size(item)
    check_names(item, size)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
