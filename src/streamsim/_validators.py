"""attrs validators shared by the settings classes (StreamSettings, TTLSettings, ...).

Each raises ``ValueError`` naming the field and the value it was given.

>>> import attrs
>>> @attrs.frozen
... class Demo:
...     delay_ms: int = attrs.field(validator=non_negative_ms)
>>> Demo(-1)
Traceback (most recent call last):
...
ValueError: delay_ms must be a non-negative integer of ms, got -1
"""

from __future__ import annotations

from typing import Any

import attrs


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(ok: bool, attribute: attrs.Attribute[Any], what: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"{attribute.name} must be {what}, got {value!r}")


def non_negative_ms(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A whole number of milliseconds, 0 or more."""
    _check(_is_int(value) and value >= 0, attribute, "a non-negative integer of ms", value)


def positive_ms(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A whole number of milliseconds, 1 or more."""
    _check(_is_int(value) and value > 0, attribute, "a positive integer of ms", value)


def non_negative_int(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An integer, 0 or more."""
    _check(_is_int(value) and value >= 0, attribute, "a non-negative integer", value)


def positive_int(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An integer, 1 or more."""
    _check(_is_int(value) and value > 0, attribute, "a positive integer", value)


def optional_positive_int(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """None, or an integer of 1 or more."""
    if value is not None:
        positive_int(_, attribute, value)


def optional_at_least_one(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """None, or an integer of 1 or more (worded for counts: "None or an integer >= 1")."""
    _check(
        value is None or (_is_int(value) and value >= 1),
        attribute,
        "None or an integer >= 1",
        value,
    )


def optional_positive_number(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """None, or a number greater than 0."""
    _check(
        value is None or (not isinstance(value, bool) and value > 0),
        attribute,
        "None or a positive number",
        value,
    )
