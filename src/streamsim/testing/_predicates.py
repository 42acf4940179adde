"""Predicates over a delivered batch, for faults that strike the batches they match.

Each predicate is a small frozen value (its ``repr`` is Python that rebuilds it, so a fault
plan that uses one still replays from its printed form) called with the batch's records, as
the handler gets them (``event["Records"]``):

>>> BatchSizeAtLeast(2)([{}, {}]), BatchHasKey("a")([{"dynamodb": {"Keys": {"pk": {"S": "b"}}}}])
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")


def _key_values(record: Mapping[str, Any]) -> list[str]:
    keys = record.get("dynamodb", {}).get("Keys", {})
    return [
        str(raw) for value in keys.values() if isinstance(value, Mapping) for raw in value.values()
    ]


@attrs.frozen
class BatchHasKey:
    """The batch holds a record of the item whose key attribute has this value (as text)."""

    value: str = attrs.field(converter=str)

    def __call__(self, records: Sequence[Mapping[str, Any]]) -> bool:
        return any(self.value in _key_values(record) for record in records)


def _at_least_one(_: Any, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be an int >= 1, got {value!r}")


@attrs.frozen
class BatchSizeAtLeast:
    """The batch holds at least ``size`` records."""

    size: int = attrs.field(validator=_at_least_one)

    def __call__(self, records: Sequence[Mapping[str, Any]]) -> bool:
        return len(records) >= self.size


def _event_name(_: Any, attribute: Any, value: str) -> None:
    if value not in EVENT_NAMES:
        raise ValueError(f"{attribute.name} must be one of {EVENT_NAMES}, got {value!r}")


@attrs.frozen
class BatchHasEvent:
    """The batch holds a record with this ``eventName`` (``INSERT``, ``MODIFY``, ``REMOVE``)."""

    event_name: str = attrs.field(validator=_event_name)

    def __call__(self, records: Sequence[Mapping[str, Any]]) -> bool:
        return any(record.get("eventName") == self.event_name for record in records)


BatchPredicate = BatchHasKey | BatchSizeAtLeast | BatchHasEvent


def predicate(value: Any) -> BatchPredicate | None:
    """Check a fault's ``when=``: None or one of the predicates above (not a lambda: a plan
    must print as Python that rebuilds it)."""
    if value is None or isinstance(value, BatchHasKey | BatchSizeAtLeast | BatchHasEvent):
        return value
    raise TypeError(
        f"when= takes BatchHasKey, BatchSizeAtLeast or BatchHasEvent (values that print as "
        f"Python), got {value!r}"
    )
