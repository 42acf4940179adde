"""Automatic partition splits: the policy that sets them off, and the counting behind it.

AWS splits a partition when it grows past about 10 GB or takes more than about 1,000 writes a
second (rule C.2; the exact thresholds are undisclosed).  streamsim splits only when told
(``table.split_partition``) unless a :class:`SplitPolicy` sets a threshold; a table's
:class:`SplitCounter` then counts each partition's bytes and writes against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

import attrs

from streamsim._clock import Clock
from streamsim._reprs import settings_repr
from streamsim._validators import ONE_MS, duration, optional_positive_number, set_ms_mirrors


@attrs.frozen(kw_only=True, repr=False)
class SplitPolicy:
    """When a partition splits on its own (off unless a threshold is set).

    Attributes:
        max_partition_bytes: split a partition once the items it holds exceed this many bytes
            (AWS: 10 GB, rule C.2).
        max_writes_per_second: split a partition once its writes within one ``window``
            exceed this rate (AWS: 1,000 WCU per partition, rule C.2).
        window: the window the write rate is measured over (a ``timedelta`` of whole
            milliseconds, 1 ms to 10 years; ``window_ms`` gives it in milliseconds).

    >>> SplitPolicy(max_writes_per_second=10, window=timedelta(seconds=1)).window_ms
    1000
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    max_partition_bytes: int | None = attrs.field(default=None, validator=optional_positive_number)
    max_writes_per_second: float | None = attrs.field(
        default=None, validator=optional_positive_number
    )
    window: timedelta = attrs.field(
        default=timedelta(minutes=1), validator=duration(minimum=ONE_MS)
    )
    window_ms: int = attrs.field(init=False, repr=False, eq=False)  # ``window``, converted once
    #: True when any threshold is set (read on every write: computed once)
    enabled: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        set_ms_mirrors(self, ("window",))
        enabled = self.max_partition_bytes is not None or self.max_writes_per_second is not None
        object.__setattr__(self, "enabled", enabled)


class SplitCounter:
    """One table's per-partition bytes and write rates, measured against its :class:`SplitPolicy`.

    >>> from streamsim._clock import Clock
    >>> counter = SplitCounter(SplitPolicy(max_partition_bytes=100), Clock(0))
    >>> counter.record(0, 0, 60), counter.record(0, 0, 60)
    (False, True)
    """

    def __init__(self, policy: SplitPolicy, clock: Clock) -> None:
        self.policy = policy
        self._clock = clock
        self._bytes: dict[int, int] = {}  # partition id -> bytes of the items it holds
        self._window: dict[int, tuple[int, int]] = {}  # partition id -> (window start, writes)

    def record(self, partition_id: int, old_size: int, new_size: int) -> bool:
        """Count one write to a partition (item size ``old_size`` -> ``new_size``).

        Returns:
            True when the partition has just crossed a threshold and should split now.
        """
        policy = self.policy
        split = False
        if policy.max_partition_bytes is not None:
            total = self._bytes.get(partition_id, 0) + new_size - old_size
            self._bytes[partition_id] = total
            split = total > policy.max_partition_bytes
        if policy.max_writes_per_second is not None:
            now = self._clock.now_ms
            start, writes = self._window.get(partition_id, (now, 0))
            if now - start >= policy.window_ms:
                start, writes = now, 0
            writes += 1
            self._window[partition_id] = (start, writes)
            if writes > policy.max_writes_per_second * policy.window_ms / 1000:
                split = True
        if split:
            self._window.pop(partition_id, None)
        return split

    def recount(self, sizes: Iterable[tuple[int, int]]) -> None:
        """Start the byte counts afresh from ``(partition id, item size)`` pairs (after a split)."""
        if self.policy.max_partition_bytes is None:
            return
        counts: dict[int, int] = {}
        for partition_id, size in sizes:
            counts[partition_id] = counts.get(partition_id, 0) + size
        self._bytes = counts

    def _check(self, stored: Mapping[int, int]) -> None:
        """Assert the byte counts match ``stored`` (partition id -> bytes actually stored)."""
        if self.policy.max_partition_bytes is None:
            return
        counted = {pid: n for pid, n in self._bytes.items() if n}
        assert counted == {pid: n for pid, n in stored.items() if n}, (
            f"partition byte accounting {counted} != stored {dict(stored)}"
        )
