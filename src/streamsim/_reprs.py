"""Reprs that fit a notebook: short, no memory addresses, wrapped at 100 characters.

Settings show only what differs from their defaults (``StreamSettings()`` is AWS's behaviour,
``StreamSettings(retention=...)`` says what was changed); log entries leave out empty fields
and shorten shard ids to their last 8 hex characters, as every picture does.
"""

from __future__ import annotations

from typing import Any

import attrs

#: the widest line a repr writes before wrapping
WIDTH = 100


def call_repr(name: str, parts: list[str], width: int = WIDTH) -> str:
    """``name(part, part, ...)`` on one line, or wrapped four spaces in when too wide.

    >>> call_repr("P", ["a=1", "b=2"])
    'P(a=1, b=2)'
    >>> print(call_repr("P", ["a=111", "b=222", "c=333"], width=12))
    P(
        a=111,
        b=222,
        c=333,
    )
    """
    one = f"{name}({', '.join(parts)})"
    if len(one) <= width:
        return one
    lines = [f"{name}("]
    current = ""
    for part in parts:
        if current and len(current) + len(part) + 6 > width:
            lines.append(f"    {current.rstrip()}")
            current = ""
        current += f"{part}, "
    if current:
        lines.append(f"    {current.rstrip()[:-1]},")
    lines.append(")")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if isinstance(value, str) and value.startswith("shardId-"):
        return repr(value.rsplit("-", 1)[-1])
    return repr(value)


def settings_repr(value: Any) -> str:
    """An attrs settings object by the init fields that differ from their defaults.

    >>> @attrs.frozen(kw_only=True, repr=False)
    ... class S:
    ...     a: int = 1
    ...     b: int = 2
    ...     def __repr__(self) -> str:
    ...         return settings_repr(self)
    >>> S(), S(b=5)
    (S(), S(b=5))
    """
    parts = []
    for field in attrs.fields(type(value)):
        if not field.init or not field.repr:
            continue
        current = getattr(value, field.name)
        default = field.default
        factory = getattr(default, "factory", None)  # attrs.Factory(...): a fresh default
        if factory is not None and callable(factory):
            default = factory()
        if default is attrs.NOTHING or current != default:
            parts.append(f"{field.name}={current!r}")
    return call_repr(type(value).__name__, parts)


def entry_repr(value: Any) -> str:
    """A log entry (a dataclass or a named tuple) without its None, empty and False fields,
    shard ids short.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class E:
    ...     at_ms: int
    ...     shard_id: str | None = None
    >>> entry_repr(E(5, "shardId-00000001704067200000-0f75168d")), entry_repr(E(5))
    ("E(at_ms=5, shard_id='0f75168d')", 'E(at_ms=5)')
    """
    parts = []
    names = getattr(value, "_fields", None) or value.__dataclass_fields__
    for name in names:
        field = getattr(value, name)
        if field is None or field == () or field is False:
            continue
        parts.append(f"{name}={_shown(field)}")
    return call_repr(type(value).__name__, parts)
