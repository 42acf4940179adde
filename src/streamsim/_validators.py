"""attrs validators shared by the settings classes (StreamSettings, TTLSettings, ...).

Each raises ``ValueError`` naming the field and the value it was given (:func:`duration` also
raises ``TypeError`` for a value that is not a ``timedelta``).  Durations are
``datetime.timedelta`` values, checked by :func:`duration` and turned into the model's integer
milliseconds once, by :func:`to_ms`.

>>> import attrs
>>> @attrs.frozen
... class Demo:
...     count: int = attrs.field(validator=non_negative_int)
>>> Demo(-1)
Traceback (most recent call last):
...
ValueError: count must be a non-negative integer, got -1
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs

ONE_MS = timedelta(milliseconds=1)
ONE_SECOND = timedelta(seconds=1)
TEN_YEARS = timedelta(days=3653)  # the longest duration a setting may hold


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(ok: bool, attribute: attrs.Attribute[Any], what: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"{attribute.name} must be {what}, got {value!r}")


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


def to_ms(value: timedelta) -> int:
    """A whole-millisecond ``timedelta`` as integer milliseconds.

    >>> to_ms(timedelta(hours=4))
    14400000
    """
    return value // ONE_MS


def set_ms_mirrors(settings: Any, names: tuple[str, ...]) -> None:
    """Set ``<name>_ms`` to :func:`to_ms` of ``<name>`` on a frozen settings object.

    Called once from ``__attrs_post_init__``, so that the model reads plain integers.
    """
    for name in names:
        object.__setattr__(settings, f"{name}_ms", to_ms(getattr(settings, name)))


def duration(
    *, minimum: timedelta = timedelta(0), maximum: timedelta = TEN_YEARS
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """A validator for a duration setting: a ``timedelta`` of whole ms in ``[minimum, maximum]``.

    Raises (from the validator):
        TypeError: the value is not a ``timedelta`` (an int or float carries no unit).
        ValueError: it is negative, not a whole number of milliseconds, or out of range.

    >>> import attrs
    >>> @attrs.frozen
    ... class Demo:
    ...     period: timedelta = attrs.field(validator=duration(minimum=ONE_SECOND))
    >>> Demo(14_400)
    Traceback (most recent call last):
    ...
    TypeError: period must be a datetime.timedelta, e.g. timedelta(seconds=14400), got 14400
    >>> Demo(timedelta(milliseconds=14))
    Traceback (most recent call last):
    ...
    ValueError: period must be between 0:00:01 and 3653 days, 0:00:00, got 0:00:00.014000
    """

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, timedelta):
            raise TypeError(
                f"{attribute.name} must be a datetime.timedelta, e.g. "
                f"timedelta(seconds={value!r}), got {value!r}"
            )
        if value < timedelta(0):
            raise ValueError(f"{attribute.name} must not be negative, got {value}")
        if value % ONE_MS:
            raise ValueError(
                f"{attribute.name} must be a whole number of milliseconds, got {value}"
            )
        if not minimum <= value <= maximum:
            raise ValueError(
                f"{attribute.name} must be between {minimum} and {maximum}, got {value}"
            )

    return check
