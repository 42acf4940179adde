"""The Kinesis Data Streams service of one account and region: streams and every change to them.

:class:`KinesisService` owns all Kinesis state: the streams by name, their lifecycle, writes,
resharding, retention and tags.  Reads (shard iterators, GetRecords, shard listings) are in
:mod:`._reads`.  Checks of AWS's model constraints (lengths, patterns, ranges) are the faces';
the checks here are the semantic ones, with Kinesis's error classes and messages, and every
rejected call changes nothing.

AWS behaviour: rule K.4 (lifecycle), K.5-K.7 (writes), K.11-K.13 (retention, resharding),
K.14 (limits), K.15 (errors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from streamsim._clock import MS_PER_DAY, Clock
from streamsim._errors import (
    InvalidArgumentException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    ResourceInUseException,
    ValidationException,
)

from ._hashing import MAX_HASH_KEY, hash_key
from ._messages import (
    closed_shard,
    not_active,
    shard_not_found,
    stream_not_found,
    where,
    write_throttled,
)
from ._reads import KinesisReads
from ._sequence import created_s_of, shard_index_of
from ._settings import ON_DEMAND_SHARDS, KinesisSettings
from ._shard import KinesisShard, shard_id_of
from ._stream import ACTIVE, CREATING, ON_DEMAND, PROVISIONED, KinesisStream

MIN_RETENTION_HOURS, MAX_RETENTION_HOURS = 24, 8_760  # rule K.11
MAX_RECORD_BYTES = 1024 * 1024  # rule K.6: data plus partition key, per record
MAX_TAGS = 50  # rule K.4: tags per stream
MAX_SHARDS_PER_STREAM = 10_000  # rule K.13: UpdateShardCount target
SCALINGS_PER_DAY = 10  # rule K.13


class PutResult(NamedTuple):
    """One written record: its shard and sequence number."""

    shard: KinesisShard
    sequence_number: int


class PutFailure(NamedTuple):
    """One PutRecords entry that was not written (rule K.6)."""

    error_code: str
    error_message: str


class KinesisService:
    """Every Kinesis stream of an account and region.

    Args:
        clock: the simulation's clock.
        seed: keys the opaque tokens (iterators, NextTokens) so they are reproducible.
        region, account_id: used in ARNs and messages.
        settings: the service's settings (None: AWS's behaviour).
    """

    def __init__(
        self,
        *,
        clock: Clock,
        seed: int,
        region: str,
        account_id: str,
        settings: KinesisSettings | None = None,
    ) -> None:
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.settings = settings or KinesisSettings()
        self._streams: dict[str, KinesisStream] = {}
        self._created = 0  # streams ever created (each stream's generation)
        #: called with each stream whose deletion completed (the Lambda service's mappings)
        self.on_deleted: list[Callable[[KinesisStream], None]] = []
        self.reads = KinesisReads(
            clock=clock, seed=seed, settings=self.settings, find=self._find_live
        )

    # --- finding streams ------------------------------------------------------------------------

    def arn_of(self, name: str) -> str:
        """The ARN a stream of this name has in this account and region."""
        return f"arn:aws:kinesis:{self.region}:{self.account_id}:stream/{name}"

    def names(self) -> list[str]:
        """The names of every stream (DELETING ones included), sorted."""
        return sorted(self._streams)

    def streams(self) -> list[KinesisStream]:
        """Every stream (DELETING ones included), by name."""
        return [self._streams[n] for n in sorted(self._streams)]

    def find_stream(self, arn: str) -> KinesisStream | None:
        """The stream with ARN ``arn``, or None (for event source mappings)."""
        name = arn.rpartition(":stream/")[2]
        stream = self._streams.get(name)
        return stream if stream is not None and stream.arn == arn else None

    def _find_live(self, name: str, generation: int) -> KinesisStream | None:
        stream = self._streams.get(name)
        return stream if stream is not None and stream.generation == generation else None

    def stream(self, name: str | None = None, arn: str | None = None) -> KinesisStream:
        """The stream named by ``name`` or ``arn`` (both: they must agree).

        Raises:
            InvalidArgumentException: neither given, or they name different streams.
            ResourceNotFoundException: no such stream.
        """
        if arn is not None:
            from_arn = arn.rpartition(":stream/")[2]
            if name is not None and name != from_arn:
                raise InvalidArgumentException(
                    f"StreamName {name} and StreamARN {arn} name different streams."
                )
            stream = self._streams.get(from_arn)
            if stream is None or stream.arn != arn:
                raise stream_not_found(from_arn, self.account_id)
            return stream
        if name is None:
            raise InvalidArgumentException("Either StreamName or StreamARN should be provided.")
        stream = self._streams.get(name)
        if stream is None:
            raise stream_not_found(name, self.account_id)
        return stream

    def usable(self, name: str | None = None, arn: str | None = None) -> KinesisStream:
        """A stream that takes reads and writes: not CREATING (rule K.4)."""
        stream = self.stream(name, arn)
        if stream.status == CREATING:
            raise stream_not_found(stream.name, self.account_id)
        return stream

    def shard(self, stream: KinesisStream, shard_id: str) -> KinesisShard:
        """A listed shard of ``stream``; ``shardId-0`` and the like resolve as on AWS (K.3)."""
        shard = stream.shard(shard_id)
        if shard is None:
            tail = shard_id.rpartition("-")[2]
            if tail.isdigit() and int(tail) <= 2_147_483_647:
                shard = stream.shard(shard_id_of(int(tail)))
        if shard is None:
            raise shard_not_found(stream, shard_id)
        return shard

    # --- lifecycle ------------------------------------------------------------------------------

    def create_stream(
        self,
        name: str,
        shard_count: int | None = None,
        mode: str = PROVISIONED,
        tags: dict[str, str] | None = None,
    ) -> KinesisStream:
        """CreateStream: a new stream, CREATING until the status delay has passed (rule K.4).

        Raises:
            InvalidArgumentException: ShardCount missing for PROVISIONED, or given for
                ON_DEMAND; more than 50 tags.
            ResourceInUseException: a stream of that name exists.
            LimitExceededException: the account's shard quota would be exceeded.
        """
        if mode == ON_DEMAND:
            if shard_count is not None:
                raise InvalidArgumentException(
                    "ShardCount is not expected when StreamMode=ON_DEMAND"
                )
            shard_count = ON_DEMAND_SHARDS
        elif shard_count is None:
            raise InvalidArgumentException("ShardCount is required when StreamMode=PROVISIONED")
        tags = dict(tags or {})
        if len(tags) > MAX_TAGS:
            raise InvalidArgumentException(
                f"Failed to create stream {name}: at most {MAX_TAGS} tags are allowed, "
                f"{len(tags)} were given."
            )
        if name in self._streams:
            raise ResourceInUseException(
                f"Stream {name} under account {self.account_id} already exists."
            )
        self._check_quota(shard_count)
        stream = KinesisStream(
            name=name,
            arn=self.arn_of(name),
            account_id=self.account_id,
            mode=mode,
            shard_count=shard_count,
            clock=self.clock,
            settings=self.settings,
            tags=tags,
            generation=self._created,
        )
        self._created += 1
        self._streams[name] = stream
        return stream

    def _check_quota(self, more: int) -> None:
        """LimitExceededException if ``more`` shards would exceed the account's quota."""
        used = sum(s.open_shard_count for s in self._streams.values())
        limit = self.settings.shard_limit
        if used + more > limit:
            raise LimitExceededException(
                f"This request would exceed the shard limit for the account {self.account_id} "
                f"in {self.region}. Current shard count for the account: {used}. Limit: "
                f"{limit}. Number of additional shards that would have resulted from this "
                f"request: {more}."
            )

    def delete_stream(self, stream: KinesisStream) -> None:
        """DeleteStream: DELETING now, gone after the status delay (rule K.4)."""
        stream.start_deleting(self._forget)

    def _forget(self, stream: KinesisStream) -> None:
        if self._streams.get(stream.name) is stream:
            del self._streams[stream.name]
        for callback in list(self.on_deleted):
            callback(stream)

    # --- writes ---------------------------------------------------------------------------------

    @staticmethod
    def _hash(partition_key: str, explicit: str | None) -> int:
        if explicit is None:
            return hash_key(partition_key)
        key = int(explicit)
        if key > MAX_HASH_KEY:
            raise InvalidArgumentException(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                f"Specified value was {explicit}"
            )
        return key

    @staticmethod
    def _sizes(entries: Iterable[tuple[str, bytes, str | None]]) -> list[int]:
        """Each record's size (data plus UTF-8 partition key), all checked against the limit."""
        sizes = [
            len(data) + (len(pk) if pk.isascii() else len(pk.encode())) for pk, data, _ in entries
        ]
        if sizes and max(sizes) > MAX_RECORD_BYTES:
            size = next(size for size in sizes if size > MAX_RECORD_BYTES)
            raise InvalidArgumentException(
                f"Record size {size} bytes (data plus partition key) exceeds the maximum of "
                f"{MAX_RECORD_BYTES} bytes."
            )
        return sizes

    def put_record(
        self,
        stream: KinesisStream,
        partition_key: str,
        data: bytes,
        explicit_hash_key: str | None = None,
        sequence_number_for_ordering: str | None = None,
    ) -> PutResult:
        """PutRecord (rule K.6).

        Raises:
            InvalidArgumentException: ExplicitHashKey out of range, SequenceNumberForOrdering
                not a number of this stream, the record too large.
            ProvisionedThroughputExceededException: the shard's write limits (rule K.14).
        """
        key = self._hash(partition_key, explicit_hash_key)
        (size,) = self._sizes([(partition_key, data, None)])
        if sequence_number_for_ordering is not None:
            self._check_ordering(stream, sequence_number_for_ordering)
        result = stream.put(partition_key, data, key, size, explicit_hash_key is not None)
        if result is None:
            shard = stream.route(key)
            raise ProvisionedThroughputExceededException(write_throttled(stream, shard.shard_id))
        return PutResult(*result)

    def _check_ordering(self, stream: KinesisStream, text: str) -> None:
        number = int(text)
        index = shard_index_of(number)
        shard = stream.shard(shard_id_of(index))
        if shard is None or created_s_of(number) != shard.created_ms // 1_000:
            raise InvalidArgumentException(
                f"ExclusiveMinimumSequenceNumber {text} used in PutRecord on {where(stream)} "
                "is invalid."
            )

    def put_records(
        self, stream: KinesisStream, entries: Sequence[tuple[str, bytes, str | None]]
    ) -> list[tuple[KinesisShard, int] | PutFailure]:
        """PutRecords: each ``(partition key, data, explicit hash key)`` entry on its own; each
        result is ``(shard, sequence number)`` or a :class:`PutFailure`.

        Every entry is checked before any is written (one bad ExplicitHashKey or oversized
        record rejects the whole call); then entries are written in order, and an entry whose
        shard is out of write throughput fails alone (rule K.6).
        """
        hash_of = self._hash
        keys = [
            hash_key(pk) if explicit is None else hash_of(pk, explicit)
            for pk, _, explicit in entries
        ]
        sizes = self._sizes(entries)
        written = stream.put_all(
            [
                (pk, data, key, size, explicit is not None)
                for (pk, data, explicit), key, size in zip(entries, keys, sizes, strict=True)
            ]
        )
        return [
            result if result is not None else self._throttled(stream, key)
            for result, key in zip(written, keys, strict=True)
        ]

    @staticmethod
    def _throttled(stream: KinesisStream, key: int) -> PutFailure:
        """The failure of a PutRecords entry its shard's write throughput refused (K.14)."""
        shard_id = stream.route(key).shard_id
        message = write_throttled(stream, shard_id)
        return PutFailure("ProvisionedThroughputExceededException", message)

    # --- resharding -----------------------------------------------------------------------------

    def _reshardable(self, stream: KinesisStream, operation: str) -> None:
        if stream.mode == ON_DEMAND:
            raise ValidationException(
                f"{operation} is not supported for stream {stream.name} in ON_DEMAND mode: "
                "it is only supported for data streams with the provisioned capacity mode."
            )
        if stream.status != ACTIVE:
            raise not_active(stream)

    def _open_shard(self, stream: KinesisStream, shard_id: str) -> KinesisShard:
        shard = self.shard(stream, shard_id)
        if not shard.is_open:
            raise closed_shard(stream, shard.shard_id)
        return shard

    def split_shard(self, stream: KinesisStream, shard_id: str, new_starting_hash_key: str) -> None:
        """SplitShard: checked now, effective when UPDATING ends (rule K.12)."""
        self._reshardable(stream, "SplitShard")
        shard = self._open_shard(stream, shard_id)
        key = int(new_starting_hash_key)
        start, end = shard.hash_range
        if not start + 1 < key < end:
            raise InvalidArgumentException(
                f"NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard "
                f"{shard.shard_id} in {where(stream)} is not both greater than one plus the "
                f"shard's StartingHashKey {start} and less than the shard's EndingHashKey {end}."
            )
        self._check_quota(1)
        stream.schedule_reshard(lambda: stream.apply_split(shard, key))

    def merge_shards(self, stream: KinesisStream, shard_id: str, adjacent_id: str) -> None:
        """MergeShards: ``shard_id`` must be the lower range, adjacent to the other (K.12)."""
        self._reshardable(stream, "MergeShards")
        lower = self._open_shard(stream, shard_id)
        upper = self._open_shard(stream, adjacent_id)
        if lower.ending_hash_key + 1 != upper.starting_hash_key:
            raise InvalidArgumentException(
                f"Shards {lower.shard_id} and {upper.shard_id} in {where(stream)} are not an "
                "adjacent pair of shards eligible for merging"
            )
        stream.schedule_reshard(lambda: stream.apply_merge(lower, upper))

    def update_shard_count(self, stream: KinesisStream, target: int) -> int:
        """UpdateShardCount with UNIFORM_SCALING; returns the current open shard count (K.13)."""
        self._reshardable(stream, "UpdateShardCount")
        current = stream.open_shard_count
        if target > 2 * current or 2 * target < current:
            raise InvalidArgumentException(
                f"UpdateShardCount of {where(stream)} from {current} to {target} shards: the "
                f"target must be between half and double the current open shard count "
                f"({(current + 1) // 2} to {2 * current})."
            )
        if target > MAX_SHARDS_PER_STREAM:
            raise LimitExceededException(
                f"UpdateShardCount of {where(stream)}: at most {MAX_SHARDS_PER_STREAM} shards "
                f"per stream, {target} requested."
            )
        now = self.clock.now_ms
        recent = [at for at in stream.scalings if now - at < MS_PER_DAY]
        if len(recent) >= SCALINGS_PER_DAY:
            raise LimitExceededException(
                f"UpdateShardCount of {where(stream)}: at most {SCALINGS_PER_DAY} scaling "
                "operations per rolling 24 hours."
            )
        self._check_quota(max(0, target - current))
        stream.scalings = [*recent, now]
        stream.schedule_reshard(lambda: stream.apply_scaling(target))
        return current

    # --- retention ------------------------------------------------------------------------------

    def change_retention(self, stream: KinesisStream, hours: int, *, increase: bool) -> None:
        """Increase- or DecreaseStreamRetentionPeriod (rule K.11)."""
        if hours < MIN_RETENTION_HOURS:
            raise InvalidArgumentException(
                f"Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested "
                f"retention period ({hours} hours) is too short."
            )
        if hours > MAX_RETENTION_HOURS:
            raise InvalidArgumentException(
                f"Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested "
                f"retention period ({hours} hours) is too long."
            )
        if stream.status != ACTIVE:
            raise not_active(stream)
        current = stream.retention_hours
        if increase and hours < current:
            raise InvalidArgumentException(
                f"Requested retention period ({hours} hours) for stream {stream.name} can not "
                f"be shorter than existing retention period ({current} hours). Use "
                "DecreaseRetentionPeriod API."
            )
        if not increase and hours > current:
            raise InvalidArgumentException(
                f"Requested retention period ({hours} hours) for stream {stream.name} can not "
                f"be longer than existing retention period ({current} hours). Use "
                "IncreaseRetentionPeriod API."
            )
        stream.set_retention(hours)

    # --- tags -----------------------------------------------------------------------------------

    def add_tags(self, stream: KinesisStream, tags: dict[str, str]) -> None:
        """AddTagsToStream: at most 50 tags per stream afterwards."""
        merged = {**stream.tags, **tags}
        if len(merged) > MAX_TAGS:
            raise LimitExceededException(
                f"Failed to add tags to {where(stream)}: a stream can have at most {MAX_TAGS} "
                f"tags, and this would make {len(merged)}."
            )
        stream.tags = merged

    @staticmethod
    def remove_tags(stream: KinesisStream, keys: Sequence[str]) -> None:
        """RemoveTagsFromStream (unknown keys are ignored)."""
        for key in keys:
            stream.tags.pop(key, None)

    def _check(self) -> None:
        """Assert every stream's invariants."""
        for name, stream in self._streams.items():
            assert stream.name == name
            stream._check()
