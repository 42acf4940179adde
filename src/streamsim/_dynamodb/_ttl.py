"""Time to live: the background sweep that deletes expired items as the DynamoDB service.

A table with TTL enabled on an attribute indexes every item whose attribute is a Number (epoch
seconds) in a heap ordered by expiry.  A sweep runs every ``sweep_interval`` of virtual time
and deletes, through the table's ordinary write path, each item whose expiry plus
``delete_delay`` has passed; the stream marks those deletes with the service's
``userIdentity``.  Index entries are checked against the item when they come due, so an item
updated or deleted since its entry was made is simply skipped.  Memory stays bounded by the
items that expire: each indexed key has one current expiry, dropped when the item goes, is
overwritten without a Number there or expires; a write that keeps an item's expiry adds
nothing; and the heap is rebuilt from the current expiries once stale entries outnumber them.

AWS behaviour: rule B.4.  Differs from AWS: deletion happens at the first sweep after the
delay, where AWS deletes "typically within a few days" (both are settings).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import attrs

from streamsim._clock import MS_PER_HOUR, MS_PER_MINUTE, Clock, Timer
from streamsim._errors import ValidationException
from streamsim._items import Item
from streamsim._reprs import settings_repr
from streamsim._validators import ONE_MS, duration, set_ms_mirrors

TTL_CHANGE_INTERVAL_MS = MS_PER_HOUR  # rule B.4: one TTL enable/disable per table per hour
TTL_MAX_AGE_S = 5 * 365 * 86_400  # rule B.4: TTL values > 5 years in the past never expire
TTL_ATTRIBUTE_MAX_BYTES = 255  # TimeToLiveSpecification.AttributeName: 1-255 bytes


@attrs.frozen(kw_only=True, repr=False)
class TTLSettings:
    """How the background TTL sweep deletes expired items (rule B.4).

    Durations are ``datetime.timedelta`` values of whole milliseconds, also readable as integer
    milliseconds through the ``*_ms`` attributes.

    Attributes:
        sweep_interval: how often the sweep runs (1 ms to 10 years).
        delete_delay: an item is deleted by the first sweep at least this long after its TTL
            instant.  AWS deletes "typically within a few days"; the default (0 delay, a sweep
            every 15 minutes) deletes within a quarter of an hour so that tests stay short.

    >>> TTLSettings(sweep_interval=timedelta(minutes=1)).sweep_interval_ms
    60000
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    sweep_interval: timedelta = attrs.field(
        default=timedelta(milliseconds=15 * MS_PER_MINUTE), validator=duration(minimum=ONE_MS)
    )
    delete_delay: timedelta = attrs.field(default=timedelta(0), validator=duration())
    # the same durations in integer milliseconds, converted once (the sweep reads these)
    sweep_interval_ms: int = attrs.field(init=False, repr=False, eq=False)
    delete_delay_ms: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        set_ms_mirrors(self, ("sweep_interval", "delete_delay"))


def _expiry_seconds(item: Item, attribute: str) -> int | None:
    """The item's TTL instant in epoch seconds, or None when it has no Number there."""
    av = item.get(attribute)
    if av is None or "N" not in av:
        return None
    try:
        return int(Decimal(av["N"]))
    except (InvalidOperation, ValueError, OverflowError):  # pragma: no cover - canonical N
        return None


class ExpiringTable(Protocol):
    """What the TTL sweep needs of a table: its clock, its items, and a service delete.

    The table engine provides it; TTL depends on this shape, not on the engine (which owns a
    :class:`TimeToLive`), so the dependency points one way.
    """

    clock: Clock

    def iter_items(self) -> Iterator[Item]:
        """Every stored item (fresh copies)."""
        ...

    def key_of_item(self, item: Mapping[str, Any], *, what: str = "Item") -> tuple[Any, Any]:
        """``(hash value, range value)`` of an item."""
        ...

    def get(self, hv: Any, rv: Any) -> Item | None:
        """The stored item with that key, or None."""
        ...

    def delete_expired(self, hv: Any, rv: Any) -> None:
        """Delete an expired item as the DynamoDB service."""
        ...


class TimeToLive:
    """The TTL state of one table: which attribute, when it last changed, what expires when."""

    def __init__(self, table: ExpiringTable, settings: TTLSettings) -> None:
        self._table = table
        self.settings = settings
        self.attribute: str | None = None
        self.enabled = False
        self._changed_ms: int | None = None
        self._heap: list[tuple[int, int, Any, Any]] = []
        self._due: dict[tuple[Any, Any], int] = {}  # key -> its current expiry (epoch seconds)
        self._seq = 0
        self._timer: Timer | None = None

    @property
    def status(self) -> str:
        """``ENABLED`` or ``DISABLED`` (transitions are instantaneous here)."""
        return "ENABLED" if self.enabled else "DISABLED"

    def update(self, enabled: bool, attribute: str) -> None:
        """Enable or disable TTL on ``attribute`` (UpdateTimeToLive, rule B.4).

        Raises:
            ValidationException: enabling on something other than a name of 1-255 bytes, TTL
                is already in that state, disabling names another attribute, or TTL was
                changed less than an hour ago.
        """
        if enabled and not (
            isinstance(attribute, str) and 1 <= len(attribute.encode()) <= TTL_ATTRIBUTE_MAX_BYTES
        ):
            raise ValidationException(
                f"1 validation error detected: Value '{attribute}' at "
                "'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member "
                "must have length between 1 and 255"
            )
        now = self._table.clock.now_ms
        if self.enabled and attribute != self.attribute:  # rule H.36: AWS's words
            raise ValidationException(
                "TimeToLive is active on a different AttributeName: current AttributeName is "
                f"{self.attribute}"
            )
        if enabled and self.enabled:
            raise ValidationException("TimeToLive is already enabled")
        if not enabled and not self.enabled:
            raise ValidationException("TimeToLive is already disabled")
        if self._changed_ms is not None and now - self._changed_ms < TTL_CHANGE_INTERVAL_MS:
            raise ValidationException(
                "Time to live has been modified multiple times within a fixed interval"
            )
        self._changed_ms = now
        self.enabled = enabled
        self._heap = []
        self._due = {}
        if enabled:
            self.attribute = attribute
            table = self._table
            for item in list(table.iter_items()):
                self.index(*table.key_of_item(item), item)
            self._timer = table.clock.call_later(self.settings.sweep_interval_ms, self.sweep)
        else:
            self.stop()

    def stop(self) -> None:
        """No more sweeps (TTL disabled, or the table deleted)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def index(self, hv: Any, rv: Any, item: Item | None) -> None:
        """Note when a just-written item expires (called by the table for every write).

        ``item`` None: the item was deleted, so nothing of it expires any more.
        """
        key = (hv, rv)
        due = self._due
        expires_s = None if item is None else _expiry_seconds(item, self.attribute or "")
        if expires_s is None:
            if due.pop(key, None) is not None:  # its heap entry is stale now
                self._bound()
            return
        if due.get(key) == expires_s:
            return  # already indexed at that instant
        due[key] = expires_s
        self._seq += 1
        heap = self._heap
        heapq.heappush(heap, (expires_s, self._seq, hv, rv))
        self._bound()

    def _bound(self) -> None:
        """Rebuild the heap once stale entries outnumber the live ones (amortised O(1))."""
        if len(self._heap) > 64 and len(self._heap) > 2 * len(self._due):
            self._rebuild()

    def _rebuild(self) -> None:
        """Drop stale heap entries: one entry per indexed key."""
        heap = [(s, seq, hv, rv) for s, seq, hv, rv in self._heap if self._due.get((hv, rv)) == s]
        heapq.heapify(heap)
        self._heap = heap

    def __len__(self) -> int:
        """How many items have an expiry indexed."""
        return len(self._due)

    def _check(self) -> None:
        """Assert that every indexed expiry has its heap entry and the heap stays bounded."""
        current = {(hv, rv) for s, _, hv, rv in self._heap if self._due.get((hv, rv)) == s}
        assert current == set(self._due), "an indexed expiry has no heap entry"
        assert len(self._heap) <= max(64, 2 * len(self._due)) + 1

    def sweep(self) -> None:
        """Delete the items that have expired, as the DynamoDB service (rule B.4)."""
        table = self._table
        now_ms = table.clock.now_ms
        due_s = (now_ms - self.settings.delete_delay_ms) // 1000
        heap = self._heap
        attribute = self.attribute or ""
        while heap and heap[0][0] <= due_s:
            expires_s, _, hv, rv = heapq.heappop(heap)
            if self._due.get((hv, rv)) != expires_s:
                continue  # stale index entry: the item changed or went since
            del self._due[hv, rv]
            item = table.get(hv, rv)
            if item is None or _expiry_seconds(item, attribute) != expires_s:  # pragma: no cover
                continue  # the index follows every write; kept as a guard
            if expires_s < now_ms // 1000 - TTL_MAX_AGE_S:
                continue  # rule B.4: more than five years in the past never expires
            table.delete_expired(hv, rv)
        self._timer = table.clock.call_later(self.settings.sweep_interval_ms, self.sweep)
