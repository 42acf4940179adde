"""A stream's lifecycle log: what happened to its shards, kept after the shards are gone.

Records age out after the retention period and closed shards leave memory with them; the
lifecycle log keeps one small entry per shard event (never per record), so a picture of a
week-long run still shows the first day's shape.  The log is bounded by
``StreamSettings.history_limit`` (the oldest entries go first).

The entries are frozen dataclasses: ``pandas.DataFrame(stream.history)`` takes them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streamsim._clock import ms_to_datetime

STREAM_ENABLED = "stream_enabled"
SHARD_OPENED = "shard_opened"
SHARD_CLOSED = "shard_closed"
SHARD_EXPIRED = "shard_expired"
PARTITION_SPLIT = "partition_split"
STREAM_DISABLED = "stream_disabled"

#: why a shard closed (``StreamEvent.reason``)
ROTATION = "rotation"
SPLIT = "split"
DISABLED = "disabled"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class StreamEvent:
    """One entry of a stream's lifecycle log.

    Attributes:
        at_ms: virtual time of the event (epoch ms).  A ``shard_expired`` entry carries the
            exact instant the shard left DescribeStream, though it is logged when the hourly
            sweep notices it.
        kind: ``stream_enabled``, ``shard_opened``, ``shard_closed``, ``shard_expired``,
            ``partition_split`` or ``stream_disabled``.
        shard_id: the shard (None for stream and partition events).
        partition: the partition (for a split: the parent partition).
        parent_shard_id: a new shard's parent (``shard_opened``).
        hash_lo / hash_hi: the partition's hash range (``shard_opened``, ``partition_split``).
        records: records ever appended to the shard (``shard_closed``).
        sequence_number: the shard's starting (``shard_opened``) or ending (``shard_closed``)
            sequence number.
        listed_until_ms: when a closed shard stops being listed (``shard_closed``).
        reason: why a shard closed: ``rotation``, ``split`` or ``disabled``.
        children: the two new partitions of a ``partition_split``.
    """

    at_ms: int
    kind: str
    shard_id: str | None = None
    partition: int | None = None
    parent_shard_id: str | None = None
    hash_lo: int | None = None
    hash_hi: int | None = None
    records: int | None = None
    sequence_number: int | None = None
    listed_until_ms: int | None = None
    reason: str | None = None
    children: tuple[int, ...] = ()

    def __repr__(self) -> str:
        shown = [f"at={ms_to_datetime(self.at_ms).isoformat()}", self.kind]
        for name in ("shard_id", "parent_shard_id"):
            value = getattr(self, name)
            if value is not None:
                shown.append(f"{name}={value.rsplit('-', 1)[-1]}")
        for name in ("partition", "records", "reason"):
            value = getattr(self, name)
            if value is not None:
                shown.append(f"{name}={value}")
        if self.children:
            shown.append(f"children={self.children}")
        return f"<StreamEvent {' '.join(shown)}>"

    @property
    def at(self) -> datetime:
        """The event's instant as a timezone-aware UTC datetime."""
        return ms_to_datetime(self.at_ms)
