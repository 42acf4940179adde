"""A Kinesis data stream: its status, its shards and their lineage, writes and resharding.

The open shards always tile the hash space ``[0, 2^128)`` exactly (rule K.5); a record goes to
the open shard whose range holds its hash key.  Resharding (SplitShard, MergeShards,
UpdateShardCount) is asynchronous: the call checks everything, moves the stream to UPDATING,
and the new shard map takes effect when UPDATING ends (``KinesisSettings.status_delay`` later);
until then writes still go to the old shards (rule K.12).

Subscribers (the Lambda poller's adapter) follow a stream through :meth:`KinesisStream.subscribe`:
``on_append`` is called with the shard after each write call (PutRecord, PutRecords) that
appended to it, once for however many records, and ``on_new_shard`` with each shard a reshard
creates.  With ``lineage_order``, ``open_shards``, ``parents`` and ``descendants`` the
stream offers the shard side of the poller's ``EventSource`` protocol as it is, and its shards
the whole ``SourceShard`` protocol.

AWS behaviour: rule K.4 (lifecycle), K.5 (routing), K.10-K.13 (lineage, retention, resharding).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import compress
from typing import TYPE_CHECKING

from streamsim._clock import MS_PER_HOUR, Clock, Timer, ms_to_datetime

from ._hashing import uniform_ranges
from ._shard import KinesisShard, WriteRecord

if TYPE_CHECKING:
    from ._settings import KinesisSettings

CREATING, ACTIVE, UPDATING, DELETING = "CREATING", "ACTIVE", "UPDATING", "DELETING"
PROVISIONED, ON_DEMAND = "PROVISIONED", "ON_DEMAND"
DEFAULT_RETENTION_HOURS = 24  # rule K.11
SWEEP_MS = MS_PER_HOUR  # expired shards leave memory at most this long after expiring

ShardCallback = Callable[[KinesisShard], None]
MAX_RECORDS_PER_READ = 10_000  # rule K.9: records one GetRecords call returns at most
MAX_BYTES_PER_READ = 10 * 1024 * 1024  # rule K.9: bytes one GetRecords call returns at most


class KinesisStream:
    """One Kinesis data stream (the model object; faces render it).

    Attributes:
        name / arn: ``StreamName`` and ``arn:aws:kinesis:<region>:<account>:stream/<name>``.
        account_id: the owner account (in error messages).
        mode: ``PROVISIONED`` or ``ON_DEMAND``.
        status: ``CREATING``, ``ACTIVE``, ``UPDATING`` or ``DELETING``.
        created_ms: when CreateStream was called.
        retention_hours: RetentionPeriodHours (24 to 8760).
        tags: the stream's tags, in the order they were added.
        on_append / on_new_shard: subscriber callbacks (see the module docstring).
        generation: the stream's number among the streams its service ever created.
    """

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        account_id: str,
        mode: str,
        shard_count: int,
        clock: Clock,
        settings: KinesisSettings,
        tags: dict[str, str],
        generation: int = 0,
    ) -> None:
        self.name = name
        #: tells this stream from an earlier one of the same name (in iterators and tokens)
        self.generation = generation
        self.arn = arn
        self.account_id = account_id
        self.mode = mode
        self.clock = clock
        self.settings = settings
        self.created_ms = clock.now_ms
        self.status = CREATING
        self.retention_hours = DEFAULT_RETENTION_HOURS
        self.tags = dict(tags)
        self.on_append: list[ShardCallback] = []
        self.on_new_shard: list[ShardCallback] = []
        self.deleted_ms: int | None = None
        #: UpdateShardCount calls within the last 24 h (rule K.13: at most 10)
        self.scalings: list[int] = []
        self._shards: dict[str, KinesisShard] = {}  # every shard in memory, in index order
        self._open: list[KinesisShard] = []  # by StartingHashKey
        self._open_starts: list[int] = []
        self._timer: Timer | None = None
        self._pending: Callable[[], None] | None = None
        self._sweeper: Timer | None = None
        roots = [
            KinesisShard(self, i, span, (), self.created_ms)
            for i, span in enumerate(uniform_ranges(shard_count))
        ]
        for shard in roots:
            self._shards[shard.shard_id] = shard
        self._set_open(roots)
        self._next_index = shard_count
        self._after_delay(self._become_active)

    # --- status ---------------------------------------------------------------------------------

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable, in ms."""
        return self.retention_hours * MS_PER_HOUR

    @property
    def is_deleted(self) -> bool:
        """True once DeleteStream has completed."""
        return self.deleted_ms is not None

    @property
    def creation_datetime(self) -> datetime:
        """StreamCreationTimestamp as a UTC datetime."""
        return ms_to_datetime(self.created_ms)

    def _after_delay(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the status delay has passed (at once when it is 0)."""
        delay = self.settings.status_delay_ms
        if delay == 0:
            action()
        else:
            self._timer = self.clock.call_later(delay, action)

    def _become_active(self) -> None:
        self._timer = None
        self.status = ACTIVE
        if self._sweeper is None:
            self._sweeper = self.clock.call_later(SWEEP_MS, self._sweep)

    def start_deleting(self, on_deleted: Callable[[KinesisStream], None]) -> None:
        """DeleteStream: DELETING now, gone after the status delay (a pending reshard drops).

        Deleting a stream that is already DELETING changes nothing.
        """
        if self.status == DELETING:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._pending = None
        self.status = DELETING

        def finish() -> None:
            self._timer = None
            self.deleted_ms = self.clock.now_ms
            if self._sweeper is not None:
                self._sweeper.cancel()
            on_deleted(self)

        self._after_delay(finish)

    # --- shards ---------------------------------------------------------------------------------

    def _set_open(self, shards: list[KinesisShard]) -> None:
        shards.sort(key=_starting_hash_key)
        self._open = shards
        self._open_starts = [s.starting_hash_key for s in shards]

    def open_shards(self) -> list[KinesisShard]:
        """The open shards, by hash-key range (a new list)."""
        return list(self._open)

    @property
    def all_shards(self) -> list[KinesisShard]:
        """Every shard still in memory (expired ones not yet swept included), by index."""
        return list(self._shards.values())

    @property
    def shards(self) -> list[KinesisShard]:
        """The listed shards (open, or closed with data within retention), by index."""
        now = self.clock.now_ms
        return [s for s in self._shards.values() if not s.is_expired(now)]

    def lineage_order(self) -> list[KinesisShard]:
        """The listed shards, every parent before its children (index order does that)."""
        return self.shards

    def shard(self, shard_id: str) -> KinesisShard | None:
        """The listed shard ``shard_id``, or None."""
        shard = self._shards.get(shard_id)
        if shard is None or shard.is_expired(self.clock.now_ms):
            return None
        return shard

    @staticmethod
    def parents(shard: KinesisShard) -> tuple[KinesisShard, ...]:
        """The shards ``shard`` continues that are still in memory (two after a merge)."""
        return shard.parents

    @staticmethod
    def descendants(shards: Iterable[KinesisShard]) -> list[KinesisShard]:
        """Every shard continuing one of ``shards``, in the order they opened (by index)."""
        found = {d.index: d for s in shards for d in s.descendants()}
        return [found[i] for i in sorted(found)]

    def subscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Call ``on_append(shard)`` after each write, ``on_new_shard(shard)`` for new shards."""
        self.on_append.append(on_append)
        self.on_new_shard.append(on_new_shard)

    def unsubscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Stop the callbacks given to :meth:`subscribe` (nothing for unknown ones)."""
        if on_append in self.on_append:
            self.on_append.remove(on_append)
        if on_new_shard in self.on_new_shard:
            self.on_new_shard.remove(on_new_shard)

    def route(self, key: int) -> KinesisShard:
        """The open shard whose range holds hash key ``key`` (rule K.5)."""
        return self._open[bisect_right(self._open_starts, key) - 1]

    @property
    def open_shard_count(self) -> int:
        """OpenShardCount."""
        return len(self._open)

    # --- writing --------------------------------------------------------------------------------

    def put(
        self, partition_key: str, data: bytes, key: int, size: int, explicit: bool = False
    ) -> tuple[KinesisShard, int] | None:
        """Write one record of ``size`` bytes (data and partition key) with hash key ``key``
        (``explicit``: an ExplicitHashKey's, not the partition key's MD5); return (shard,
        sequence number).

        Returns None when the shard's write throughput is exhausted (rule K.14).
        """
        return self.put_all([(partition_key, data, key, size, explicit)])[0]

    def put_all(self, records: Sequence[WriteRecord]) -> list[tuple[KinesisShard, int] | None]:
        """Write records ``(partition key, data, hash key, size, explicit)`` in order, each as
        :meth:`put` writes one; return each one's (shard, sequence number), or None for one its
        shard's write throughput refused (rule K.14).

        Each shard takes its records in one run (shards share nothing, so the result is that
        of writing the records one by one), and subscribers are called once for each shard
        written to, after all the records, shards in the order of their first written records.
        """
        shards, starts = self._open, self._open_starts
        routed: dict[KinesisShard, list[int]] = {}  # shard -> its records' indexes, in order
        for i, record in enumerate(records):
            routed.setdefault(shards[bisect_right(starts, record[2]) - 1], []).append(i)
        now = self.clock.now_ms
        limits = self.settings.throughput_limits
        out: list[tuple[KinesisShard, int] | None] = [None] * len(records)
        written: list[tuple[int, KinesisShard]] = []  # (its first written record, shard)
        for shard, indexes in routed.items():
            if limits:
                admitted = shard.throughput.admit_writes(now, [records[i][3] for i in indexes])
                if not all(admitted):
                    indexes = list(compress(indexes, admitted))
                    if not indexes:
                        continue
            numbers = shard.append_all(now, [records[i] for i in indexes])
            for i, number in zip(indexes, numbers, strict=True):
                out[i] = (shard, number)
            written.append((indexes[0], shard))
        written.sort(key=_first)
        for _, shard in written:
            for callback in self.on_append:
                callback(shard)
        return out

    # --- reads by a Lambda poller (rule L.7) ----------------------------------------------------

    def read_wait_ms(self, shard: KinesisShard) -> int:
        """0 when ``shard`` admits a GetRecords call now, else the ms until it will (rule
        K.14): what the Lambda poller asks before it reads (0 when limits are off)."""
        if not self.settings.throughput_limits:
            return 0
        return shard.throughput.read_wait_ms(self.clock.now_ms)

    def charge_read(self, shard: KinesisShard, start: int, end: int) -> None:
        """Charge the GetRecords calls that returned ``shard``'s records at positions
        ``start`` to ``end`` against the shard's read throughput (rule K.14, L.7): the 5 calls
        and 2 MiB a second every standard consumer of the shard shares.  One call, or as many
        as a read of more than 10,000 records or 10 MiB takes (rule K.9).  Nothing when
        limits are off."""
        if not self.settings.throughput_limits:
            return
        size = shard.size_between(start, end)
        calls = max(-(-(end - start) // MAX_RECORDS_PER_READ), -(-size // MAX_BYTES_PER_READ), 1)
        shard.throughput.charge_call(self.clock.now_ms, size, calls)

    # --- retention ------------------------------------------------------------------------------

    def set_retention(self, hours: int) -> None:
        """Change RetentionPeriodHours; data already expired stays expired (rule K.11)."""
        for shard in self._shards.values():
            shard.trim()
        self.retention_hours = hours

    def _sweep(self) -> None:
        """Hourly: trim every shard and let expired shards leave memory."""
        now = self.clock.now_ms
        for shard in list(self._shards.values()):  # parents first: they number lower
            shard.trim()
            if shard.is_expired(now) and not shard.parents:
                del self._shards[shard.shard_id]
                for child in shard.children:
                    child.forget_parent(shard)
        self._sweeper = self.clock.call_later(SWEEP_MS, self._sweep)

    # --- resharding (called by the service after its checks) ------------------------------------

    def schedule_reshard(self, apply: Callable[[], None]) -> None:
        """UPDATING now; ``apply`` the new shard map when UPDATING ends (rule K.12)."""
        self.status = UPDATING
        self._pending = apply

        def finish() -> None:
            self._timer = None
            pending, self._pending = self._pending, None
            if pending is not None:
                pending()
            self.status = ACTIVE

        self._after_delay(finish)

    def _new_shard(
        self, hash_range: tuple[int, int], parents: tuple[KinesisShard, ...]
    ) -> KinesisShard:
        shard = KinesisShard(self, self._next_index, hash_range, parents, self.clock.now_ms)
        self._next_index += 1
        self._shards[shard.shard_id] = shard
        return shard

    def _replace(self, closing: list[KinesisShard], opening: list[KinesisShard]) -> None:
        gone = {s.index for s in closing}
        self._set_open([s for s in self._open if s.index not in gone] + opening)

    def _announce(self, shards: list[KinesisShard]) -> None:
        """Tell subscribers of every shard a reshard created, in index order (parents first;
        UpdateShardCount's intermediate shards are already closed when they are announced)."""
        for shard in sorted(set(shards), key=_index):
            for callback in self.on_new_shard:
                callback(shard)

    def split_now(self, parent: KinesisShard, key: int) -> tuple[KinesisShard, KinesisShard]:
        """Close ``parent``; open ``[start, key-1]`` then ``[key, end]`` (rule K.12)."""
        parent.close(self.clock.now_ms)
        lower = self._new_shard((parent.starting_hash_key, key - 1), (parent,))
        upper = self._new_shard((key, parent.ending_hash_key), (parent,))
        self._replace([parent], [lower, upper])
        return lower, upper

    def merge_now(self, lower: KinesisShard, upper: KinesisShard) -> KinesisShard:
        """Close both; open one child over their union, lower one as ParentShardId (K.12)."""
        now = self.clock.now_ms
        lower.close(now)
        upper.close(now)
        child = self._new_shard((lower.starting_hash_key, upper.ending_hash_key), (lower, upper))
        self._replace([lower, upper], [child])
        return child

    def apply_split(self, parent: KinesisShard, key: int) -> None:
        """SplitShard's effect at the end of UPDATING."""
        self._announce(list(self.split_now(parent, key)))

    def apply_merge(self, lower: KinesisShard, upper: KinesisShard) -> None:
        """MergeShards' effect at the end of UPDATING."""
        self._announce([self.merge_now(lower, upper)])

    def apply_scaling(self, target: int) -> None:
        """UpdateShardCount's effect: ``target`` open shards with uniform ranges (rule K.13).

        The plan (UNCONFIRMED on AWS for targets other than double or half): every open
        shard is split at each target boundary strictly inside it, lowest first; then the
        pieces inside each target range are merged, lowest first.  A doubling is therefore
        one split per shard, a halving one merge per pair, and an open shard whose range is
        already a target range stays as it is.
        """
        targets = uniform_ranges(target)
        bounds = [lo for lo, _ in targets[1:]]
        created: list[KinesisShard] = []
        pieces: list[KinesisShard] = []
        for shard in list(self._open):
            current = shard
            for b in bounds[bisect_right(bounds, shard.starting_hash_key) :]:
                if b > current.ending_hash_key:
                    break
                lower, current = self.split_now(current, b)
                created += [lower, current]
                pieces.append(lower)
            pieces.append(current)
        pieces.sort(key=_starting_hash_key)
        i = 0
        for _, hi in targets:
            acc = pieces[i]
            i += 1
            while acc.ending_hash_key < hi:
                acc = self.merge_now(acc, pieces[i])
                created.append(acc)
                i += 1
        self._announce(created)

    # --- invariants -----------------------------------------------------------------------------

    def _check(self) -> None:
        """Assert: open shards tile the hash space; shards hold their invariants."""
        expected = 0
        for shard in self._open:
            assert shard.is_open, f"{shard.shard_id} listed open but closed"
            assert shard.starting_hash_key == expected, f"{self.name}: gap or overlap"
            expected = shard.ending_hash_key + 1
        assert expected == 1 << 128, f"{self.name}: open shards do not cover the hash space"
        for shard in self._shards.values():
            shard._check()
            for parent in shard.parents:
                assert parent.index < shard.index, "a child numbered below its parent"
                assert not parent.is_open, "a child of an open shard"

    def __repr__(self) -> str:
        return (
            f"<KinesisStream {self.name} {self.status} {self.mode} open_shards={len(self._open)}>"
        )


def _first(written: tuple[int, KinesisShard]) -> int:
    return written[0]


def _starting_hash_key(shard: KinesisShard) -> int:
    return shard.starting_hash_key


def _index(shard: KinesisShard) -> int:
    return shard.index
