"""Streams: a table's change log, split into shards that follow the table's partitions.

One stream exists per enabling of a table's stream; disabling and re-enabling gives a new
stream with a new label and ARN, and the old one stays readable for the retention period.  A
stream keeps one open shard per live partition.  Every item change becomes exactly one
record (:mod:`streamsim._streams._records`) appended to the open shard of the item's partition, at
the instant of the write, numbered above every record before it in the stream.

AWS behaviour: rule A.3-A.10, B.1-B.3, C.1.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedKeyList

from streamsim._clock import MS_PER_HOUR, Clock, Timer, ms_to_datetime
from streamsim._errors import ValidationException
from streamsim._items import frozen_size, value_size

from ._history import (
    DISABLED,
    PARTITION_SPLIT,
    ROTATION,
    SHARD_CLOSED,
    SHARD_EXPIRED,
    SHARD_OPENED,
    SPLIT,
    STREAM_DISABLED,
    STREAM_ENABLED,
    StreamEvent,
)
from ._records import VIEW_IMAGES, event_id_prefix, event_id_salt
from ._settings import StreamSettings as StreamSettings
from ._shard import Shard
from ._view import StreamRecord

if TYPE_CHECKING:
    from streamsim._items import Frozen, Shapes

    from ._partitions import Partition, PartitionMap

VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")  # rule A.2

TRIM_SWEEP_MS = MS_PER_HOUR  # how often trimmed records are dropped from memory
FIRST_SEQUENCE_NUMBER = 100_000_000_000_000_000_000  # 21 digits, rule A.3
#: rule A.3 allows 21 to 40 digits; 38 keeps every number below 2**128, which the opaque
#: eventIDs rely on (``_records.event_id``)
MAX_SEQUENCE_DIGITS = 38
#: with varied lengths, one shard opening in this many lengthens the numbers by a digit: about
#: one or two digits a day at 4 partitions, so a week-long run still has room below 40
LENGTHEN_ONE_IN = 16
#: with per-shard sequence numbers, each shard numbers from its own block of this many
PER_SHARD_BLOCK = 10**14
PER_SHARD_BLOCKS = 8_999_999  # blocks below 9 * 10**20: numbers keep 21 digits


def stream_label(now_ms: int) -> str:
    """The StreamLabel for a stream enabled at ``now_ms``: ISO-8601 with milliseconds, no zone.

    >>> stream_label(1_432_154_270_252)
    '2015-05-20T20:37:50.252'
    """
    return ms_to_datetime(now_ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now_ms % 1000:03d}"


class Stream:
    """One DynamoDB stream of one table.

    Attributes:
        arn: ``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`` (rule A.3).
        label: the StreamLabel.
        table_name, view_type, region: as given when the stream was enabled.
        key_schema: ``((name, "HASH"), (name, "RANGE"))`` of the table.
        key_types: the key attributes' types (``"S"``, ``"N"`` or ``"B"``), in schema order.
        status: ``ENABLING``, ``ENABLED``, ``DISABLING`` or ``DISABLED``.
        created_ms: when the stream was enabled; ``ended_ms``: when disabled (or its table
            deleted), None while enabled.
        label_ms: the instant the label shows: ``created_ms``, or one millisecond after the
            label of ``after`` (the table's previous stream) if that is later.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        settings: StreamSettings,
        rng: random.Random,
        region: str,
        account_id: str,
        table_name: str,
        key_schema: tuple[tuple[str, str], ...],
        key_types: tuple[str, ...],
        view_type: str,
        partitions: PartitionMap,
        after: Stream | None = None,
        shapes: Shapes | None = None,
    ) -> None:
        if view_type not in VIEW_TYPES:
            raise ValidationException(
                f"1 validation error detected: Value '{view_type}' at "
                "'streamSpecification.streamViewType' failed to satisfy constraint: Member must "
                f"satisfy enum value set: [{', '.join(VIEW_TYPES)}]"
            )
        self.clock = clock
        self.settings = settings
        self._rng = rng
        self.region = region
        #: the shapes the table freezes items with: the renderers thaw images through them
        self.shapes = shapes
        self.table_name = table_name
        self.key_schema = key_schema
        self.key_names = tuple(name for name, _ in key_schema)
        self.key_types = key_types
        self.view_type = view_type
        self._show_old, self._show_new = VIEW_IMAGES[view_type]
        self._hash_type = key_types[0]
        self._range_type = key_types[1] if len(key_types) > 1 else None
        self._key_name_bytes = sum(len(name.encode()) for name in self.key_names)
        self._string_hash = self._hash_type == "S"
        self.created_ms = clock.now_ms
        # The label (and so the ARN) must differ from the previous stream's even when the stream
        # is disabled and re-enabled within one millisecond of virtual time (rule C.1).
        self.label_ms = self.created_ms
        if after is not None and after.label_ms >= self.created_ms:
            self.label_ms = after.label_ms + 1
        self.label = stream_label(self.label_ms)
        self.arn = f"arn:aws:dynamodb:{region}:{account_id}:table/{table_name}/stream/{self.label}"
        #: what this stream's eventIDs begin with (see ``_records.event_id``)
        self.event_id_prefix = event_id_prefix(self.arn)
        #: the salt of its opaque eventIDs (None: sequential eventIDs; see ``_records.event_id``)
        self.event_id_salt = event_id_salt(self.arn) if settings.event_ids == "opaque" else None
        self.ended_ms: int | None = None
        self._next_sn = FIRST_SEQUENCE_NUMBER
        #: sequence numbers of varied lengths (rule A.3): a 21-digit start drawn from the
        #: seeded generator, and now and then a longer number when a shard opens
        self._varied = (
            settings.sequence_number_lengths in ("varied", "growing")
            and settings.sequence_numbers == "stream"
        )
        self._lengthen_one_in = (
            1 if settings.sequence_number_lengths == "growing" else (LENGTHEN_ONE_IN)
        )
        if self._varied:
            self._next_sn = rng.randrange(FIRST_SEQUENCE_NUMBER, 10 * FIRST_SEQUENCE_NUMBER // 2)
        self._shards: SortedKeyList[Shard, str] = SortedKeyList(key=_shard_key)  # by shard id
        self._open: dict[int, Shard] = {}
        self._shard_ids: dict[str, Shard] = {}
        self._rotation_timers: dict[str, Timer] = {}  # the open shards' rotations
        #: callbacks run after a record is appended, with its shard (the Lambda poller's wake-up)
        self.on_append: list[Callable[[Shard], None]] = []
        #: callbacks run after a shard opens (new shards for pollers to discover)
        self.on_new_shard: list[Callable[[Shard], None]] = []
        #: readers seen per shard: shard id -> {reader id: last read ms}
        self.readers: dict[str, dict[int, int]] = {}
        #: over-subscribed read tokens per shard (rule F.7): shard id -> [milli-tokens, at ms]
        self.reader_tokens: dict[str, list[int]] = {}
        self._next_reader = 1
        #: the lifecycle log (see ``_history``): a few entries per shard, never per record
        self.history: deque[StreamEvent] = deque(maxlen=settings.history_limit)
        #: every partition's hash range (retired ones too: ids are never reused), for the log
        self._ranges: dict[int, tuple[int, int]] = {}
        self._per_shard = settings.sequence_numbers == "per_shard"
        self._shard_next: dict[int, int] = {}  # per-shard numbering: partition -> next number
        self._blocks: set[int] = set()
        self.history.append(StreamEvent(at_ms=self.created_ms, kind=STREAM_ENABLED))
        for part in partitions:
            self._ranges[part.partition_id] = (part.lo, part.hi)
            self._open_shard(part.partition_id, None)
        self._sweeper: Timer | None = clock.call_later(TRIM_SWEEP_MS, self._sweep)

    # --- views ----------------------------------------------------------------------------------

    @property
    def creation_datetime(self) -> datetime:
        """When the stream was enabled (CreationRequestDateTime)."""
        return ms_to_datetime(self.created_ms)

    @property
    def status(self) -> str:
        """``ENABLING``, ``ENABLED``, ``DISABLING`` or ``DISABLED`` (rule A.2, C.1).

        A stream is ENABLING (DISABLING) for ``status_delay_ms`` after it was enabled
        (disabled), then ENABLED (DISABLED).
        """
        now = self.clock.now_ms
        delay = self.settings.status_delay_ms
        if self.ended_ms is None:
            return "ENABLING" if now < self.created_ms + delay else "ENABLED"
        return "DISABLING" if now < self.ended_ms + delay else "DISABLED"

    @property
    def is_enabled(self) -> bool:
        """True until the stream is disabled or its table deleted."""
        return self.ended_ms is None

    @property
    def shards(self) -> list[Shard]:
        """The shards DescribeStream lists now, in shard-id order (a new list)."""
        now = self.clock.now_ms
        return [s for s in self._shards if not s.is_expired(now)]

    @property
    def all_shards(self) -> list[Shard]:
        """Every shard this stream ever had that is still in memory, trimmed ones included."""
        return list(self._shards)

    @property
    def open_shards(self) -> list[Shard]:
        """The open shards, one per live partition, in shard-id order."""
        return sorted(self._open.values(), key=_shard_key)

    def shard(self, shard_id: str) -> Shard | None:
        """The shard with that id if it is still listed, else None."""
        shard = self._shard_ids.get(shard_id)
        if shard is None or shard.is_expired(self.clock.now_ms):
            return None
        return shard

    def roots(self) -> list[Shard]:
        """Listed shards whose parent is not listed (where a lineage walk starts)."""
        listed = self.shards
        ids = {s.shard_id for s in listed}
        return [s for s in listed if s.parent is None or s.parent.shard_id not in ids]

    def leaves(self) -> list[Shard]:
        """Listed shards without children (the open ones, or the last of a disabled stream)."""
        return [s for s in self.shards if not s.children]

    def lineage_order(self) -> list[Shard]:
        """Listed shards ordered so that every parent comes before its children."""
        listed = self.shards
        ids = {s.shard_id for s in listed}
        out: list[Shard] = []
        seen: set[str] = set()
        for root in (s for s in listed if s.parent is None or s.parent.shard_id not in ids):
            for shard in (root, *root.descendants()):
                if shard.shard_id in ids and shard.shard_id not in seen:
                    # a child of two parents waits until both parents were emitted
                    if (
                        shard.parent is not None
                        and shard.parent.shard_id in ids
                        and (shard.parent.shard_id not in seen)
                    ):
                        continue
                    seen.add(shard.shard_id)
                    out.append(shard)
        return out

    @property
    def next_sequence_number(self) -> int:
        """The sequence number the next record (or shard) of this stream will get."""
        return self._next_sn

    def is_readable(self, now_ms: int) -> bool:
        """True while the stream is listed: enabled, or ended less than a retention ago."""
        return self.ended_ms is None or now_ms - self.ended_ms < self.settings.retention_ms

    # --- the write path -------------------------------------------------------------------------

    def append(
        self,
        partition_id: int,
        event_name: str,
        hash_value: Any,
        range_value: Any,
        old: Frozen | None,
        new: Frozen | None,
        is_ttl_delete: bool = False,
    ) -> None:
        """Record one item change on the open shard of the item's partition (rule B.2, B.3).

        Args:
            hash_value / range_value: the item's key values (range None without a sort key).
            old / new: the item before / after the change, frozen (:mod:`._frozen`), or None.
                The record shares them: the table stored ``new`` and never changes it.

        ``SizeBytes`` (rule B.6) is computed here: the frozen items carry their sizes.
        """
        shard = self._open[partition_id]
        if self._per_shard:
            sn = self._shard_next[partition_id]
            self._shard_next[partition_id] = sn + 1
            self._next_sn = max(self._next_sn, sn + 1)
        else:
            sn = self._next_sn
            self._next_sn = sn + 1
        if self._string_hash and hash_value.isascii():
            size = self._key_name_bytes + len(hash_value)
        else:
            size = self._key_name_bytes + value_size({self._hash_type: hash_value})
        if range_value is not None:
            size += value_size({self._range_type: range_value})  # type: ignore[dict-item]
        # a shaped item (tuple) holds its size at [1] (frozen_size, inlined)
        if self._show_new and new is not None:
            size += new[1] if type(new) is tuple else frozen_size(new)
        else:
            new = None
        if self._show_old and old is not None:
            size += old[1] if type(old) is tuple else frozen_size(old)
        else:
            old = None
        shard.append(
            (
                sn,
                self.clock.now_ms,
                event_name,
                size,
                hash_value,
                range_value,
                old,
                new,
                is_ttl_delete,
            )
        )
        if self.on_append:
            for callback in self.on_append:
                callback(shard)

    # --- lifecycle ------------------------------------------------------------------------------

    def _new_shard_id(self) -> str:
        while True:
            shard_id = f"shardId-{self.clock.now_ms:020d}-{self._rng.getrandbits(32):08x}"
            if shard_id not in self._shard_ids:
                return shard_id

    def _lengthen(self) -> None:
        """Now and then (one shard opening in :data:`LENGTHEN_ONE_IN`; every one with
        ``sequence_number_lengths="growing"``), move the stream's
        counter to the next power of ten, so later numbers have one more digit (at most 38,
        rule A.3): numbers of one stream then differ in length, and a parent's may compare
        above its child's as text."""
        digits = len(str(self._next_sn))
        if digits < MAX_SEQUENCE_DIGITS and self._rng.randrange(self._lengthen_one_in) == 0:
            self._next_sn = 10**digits

    def _open_shard(self, partition_id: int, parent: Shard | None) -> Shard:
        if self._per_shard:  # a teaching option: each shard numbers from its own block
            block = self._rng.randrange(PER_SHARD_BLOCKS)
            while block in self._blocks:
                block = self._rng.randrange(PER_SHARD_BLOCKS)
            self._blocks.add(block)
            sn = FIRST_SEQUENCE_NUMBER + block * PER_SHARD_BLOCK
            self._shard_next[partition_id] = sn + 1
            self._next_sn = max(self._next_sn, sn + 1)
        else:
            if self._varied and parent is not None:
                self._lengthen()
            sn = self._next_sn
            self._next_sn = sn + 1
        shard = Shard(
            self,
            self._new_shard_id(),
            partition_id,
            self.clock.now_ms,
            sn,
            parent,
            clock=self.clock,
            retention_ms=self.settings.retention_ms,
        )
        self._shards.add(shard)
        self._shard_ids[shard.shard_id] = shard
        self._open[partition_id] = shard
        jitter = self.settings.rotation_jitter_ms
        delay = self.settings.rotation_period_ms + (self._rng.randint(0, jitter) if jitter else 0)
        self._rotation_timers[shard.shard_id] = self.clock.call_later(
            delay, partial(self._rotate, shard)
        )
        lo, hi = self._ranges[partition_id]
        self.history.append(
            StreamEvent(
                at_ms=shard.created_ms,
                kind=SHARD_OPENED,
                shard_id=shard.shard_id,
                partition=partition_id,
                parent_shard_id=None if parent is None else parent.shard_id,
                hash_lo=lo,
                hash_hi=hi,
                sequence_number=sn,
            )
        )
        for callback in self.on_new_shard:
            callback(shard)
        return shard

    def _close_shard(self, shard: Shard, reason: str) -> None:
        last = shard.last_sequence_number
        now = self.clock.now_ms
        shard.close(last if last is not None else shard.starting_sequence_number, now)
        timer = self._rotation_timers.pop(shard.shard_id, None)
        if timer is not None:
            timer.cancel()
        del self._open[shard.partition_id]
        shard.listed_until_ms = self._listed_until(shard)
        self.history.append(
            StreamEvent(
                at_ms=now,
                kind=SHARD_CLOSED,
                shard_id=shard.shard_id,
                partition=shard.partition_id,
                records=shard.end_position,
                sequence_number=shard.ending_sequence_number,
                listed_until_ms=shard.listed_until_ms,
                reason=reason,
            )
        )

    def hash_range(self, partition_id: int) -> tuple[int, int]:
        """The half-open hash range ``[lo, hi)`` partition ``partition_id`` covers."""
        return self._ranges[partition_id]

    def _listed_until(self, shard: Shard) -> int | None:
        """The first instant DescribeStream no longer lists a closed shard (None while open).

        A closed shard is listed while any of its records is readable; one that never held a
        record, for one retention period after it closed (rule A.5, A.10; see ``is_expired``).
        """
        closed = shard.closed_ms
        if closed is None:
            return None
        retention = self.settings.retention_ms
        if shard.last_sequence_number is None:
            return closed + retention + 1
        newest = shard.newest_created_ms
        return closed if newest is None else max(closed, newest + retention + 1)

    def _rotate(self, shard: Shard) -> None:
        """Rotation: the shard closes and one child continues its partition (rule A.10)."""
        if shard.is_open and self.ended_ms is None:
            self._close_shard(shard, ROTATION)
            self._open_shard(shard.partition_id, shard)

    def rotate_now(self) -> list[Shard]:
        """Rotate every open shard at once (for demonstrations); returns the new shards."""
        for shard in self.open_shards:
            self._rotate(shard)
        return self.open_shards

    def split(self, parent: Partition, left: Partition, right: Partition) -> tuple[Shard, Shard]:
        """A partition split: its shard closes and two children open, one per half (A.10)."""
        shard = self._open[parent.partition_id]
        self._close_shard(shard, SPLIT)
        self.history.append(
            StreamEvent(
                at_ms=self.clock.now_ms,
                kind=PARTITION_SPLIT,
                partition=parent.partition_id,
                hash_lo=parent.lo,
                hash_hi=parent.hi,
                children=(left.partition_id, right.partition_id),
            )
        )
        self._ranges[left.partition_id] = (left.lo, left.hi)
        self._ranges[right.partition_id] = (right.lo, right.hi)
        return (
            self._open_shard(left.partition_id, shard),
            self._open_shard(right.partition_id, shard),
        )

    def end(self) -> None:
        """Disable the stream (or its table was deleted): close all shards, no children."""
        if self.ended_ms is not None:
            return
        for shard in self.open_shards:
            self._close_shard(shard, DISABLED)
        self.ended_ms = self.clock.now_ms
        self.history.append(StreamEvent(at_ms=self.ended_ms, kind=STREAM_DISABLED))

    def _sweep(self) -> None:
        """Hourly: drop trimmed records and expired shards from memory."""
        now = self.clock.now_ms
        expired: list[Shard] = []
        for shard in self._shards:
            shard.trim()
            if shard.is_expired(now):
                del self._shard_ids[shard.shard_id]
                self.readers.pop(shard.shard_id, None)
                self.reader_tokens.pop(shard.shard_id, None)
                # Its children still name it as parent; its own (expired) parent is dropped, so
                # a long-lived lineage keeps at most one expired ancestor in memory per chain.
                shard.parent = None
                expired.append(shard)
                self.history.append(
                    StreamEvent(
                        at_ms=shard.listed_until_ms or now,
                        kind=SHARD_EXPIRED,
                        shard_id=shard.shard_id,
                        partition=shard.partition_id,
                    )
                )
        for shard in expired:
            self._shards.remove(shard)
        if self.is_readable(now):
            self._sweeper = self.clock.call_later(TRIM_SWEEP_MS, self._sweep)
        else:
            self._sweeper = None

    # --- reading --------------------------------------------------------------------------------

    def new_reader_id(self) -> int:
        """A fresh reader identity (one per GetShardIterator chain)."""
        reader = self._next_reader
        self._next_reader = reader + 1
        return reader

    def __iter__(self) -> Iterator[StreamRecord]:
        """Every readable record, shard by shard in lineage order."""
        for shard in self.lineage_order():
            yield from shard.records

    def lineage_text(self) -> str:
        """The listed shards as an ASCII tree, children under their parent (for notebooks).

        One line per shard: its short id (the last 8 hex characters), partition, open or
        closed, readable records, and the virtual times it opened and closed (``MM-DD
        HH:MM:SS`` UTC).  Roots and children are listed in partition order.

        >>> from streamsim import Simulation
        >>> sim = Simulation(seed=3)
        >>> table = sim.create_table("demo", hash_key="pk", stream_view_type="KEYS_ONLY")
        >>> _ = table.put_item(Item={"pk": "a"})
        >>> _ = sim.advance(hours=4)
        >>> print(table.stream.lineage_text())
        <Stream demo 2024-01-01T00:00:00.000 ENABLED KEYS_ONLY shards=2 open=1>
        `-- fa630b07 p0 closed     1 record  01-01 00:00:00 .. 01-01 04:00:00
            `-- 6e2c551e p0 open       0 records 01-01 04:00:00 ..
        """
        listed = self.shards
        ids = {s.shard_id for s in listed}
        lines = [repr(self)]

        def walk(shard: Shard, prefix: str, last: bool) -> None:
            lines.append(f"{prefix}{'`-- ' if last else '+-- '}{_shard_line(shard)}")
            kids = sorted((c for c in shard.children if c.shard_id in ids), key=_lineage_key)
            for i, child in enumerate(kids):
                walk(child, prefix + ("    " if last else "|   "), i == len(kids) - 1)

        roots = sorted(self.roots(), key=_lineage_key)
        for i, root in enumerate(roots):
            walk(root, "", i == len(roots) - 1)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Stream {self.table_name} {self.label} {self.status} {self.view_type} "
            f"shards={len(self.shards)} open={len(self._open)}>"
        )

    def _check(self) -> None:
        """Assert the stream's invariants (sequence numbers, lineage, one open shard each)."""
        for shard in self._shards:
            shard._check()
            if (
                not self._per_shard
                and shard.parent is not None
                and shard.parent.ending_sequence_number is not None
            ):
                assert shard.starting_sequence_number > shard.parent.ending_sequence_number
            if shard.is_open:
                assert self._open.get(shard.partition_id) is shard
        assert all(s.is_open for s in self._open.values())
        if self.ended_ms is not None:
            assert not self._open


def _shard_key(shard: Shard) -> str:
    return shard.shard_id


def _lineage_key(shard: Shard) -> tuple[int, str]:
    return shard.partition_id, shard.shard_id


def _shard_line(shard: Shard) -> str:
    count = len(shard)
    opened = ms_to_datetime(shard.created_ms).strftime("%m-%d %H:%M:%S")
    closed = ""
    if shard.closed_ms is not None:
        closed = ms_to_datetime(shard.closed_ms).strftime(" %m-%d %H:%M:%S")
    state = "open" if shard.is_open else "closed"
    return (
        f"{shard.short_id} p{shard.partition_id} {state:6} {count:>5} record"
        f"{' ' if count == 1 else 's'} {opened} ..{closed}"
    )
