"""Reading Kinesis: shard iterators, GetRecords, shard listings and their NextTokens.

Iterators and NextTokens are opaque sealed tokens (:mod:`._tokens`) carrying the stream (name
and generation, so a re-created stream does not accept its predecessor's), the shard,
the position and the issue instant: the service keeps no state per token.  An iterator is a
replayable position: reading it twice within its lifetime returns the same records.

AWS behaviour: rule K.8-K.10 (iterators, GetRecords, lineage at a shard's end), K.4 (ListShards
filters and tokens), K.14 (read limits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from streamsim._clock import Clock, ms_to_datetime
from streamsim._errors import (
    ExpiredIteratorException,
    ExpiredNextTokenException,
    InvalidArgumentException,
    ProvisionedThroughputExceededException,
    ResourceNotFoundException,
)

from ._messages import read_throttled, shard_not_found, where
from ._sequence import created_s_of, shard_index_of
from ._settings import KinesisSettings
from ._shard import DATA, KEY, KinesisRecord, KinesisShard
from ._stream import KinesisStream
from ._tokens import TokenSealer

GET_RECORDS_MAX_BYTES = 10 * 1024 * 1024  # rule K.9: 10 MiB per GetRecords call
NEXT_TOKEN_TTL_MS = 300_000  # rule K.4: ListShards / ListStreams tokens live 300 s
ITERATOR_TYPES = (
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
)
SHARD_FILTER_TYPES = (
    "AFTER_SHARD_ID",
    "AT_TRIM_HORIZON",
    "FROM_TRIM_HORIZON",
    "AT_LATEST",
    "AT_TIMESTAMP",
    "FROM_TIMESTAMP",
)


class RecordsPage(NamedTuple):
    """What one GetRecords call returns, before rendering."""

    records: list[KinesisRecord]
    next_iterator: str | None
    millis_behind_latest: int
    child_shards: list[KinesisShard]


def _java_time(ms: int) -> str:
    return ms_to_datetime(ms).strftime("%a %b %d %H:%M:%S UTC %Y")


class KinesisReads:
    """The read side of the Kinesis service (iterators, records, listings)."""

    def __init__(
        self,
        *,
        clock: Clock,
        seed: int,
        settings: KinesisSettings,
        find: Callable[[str, int], KinesisStream | None],
    ) -> None:
        self._clock = clock
        self._settings = settings
        self._find = find
        self._sealer = TokenSealer(f"streamsim/{seed}/kinesis".encode())

    # --- iterators ------------------------------------------------------------------------------

    def _issue(self, shard: KinesisShard, position: int) -> str:
        stream = shard.stream
        return self._sealer.seal(
            "i",
            stream.name,
            str(stream.generation),
            shard.shard_id,
            str(position),
            str(self._clock.now_ms),
        )

    def shard_iterator(
        self,
        stream: KinesisStream,
        shard: KinesisShard,
        kind: str,
        sequence_number: str | None = None,
        timestamp_ms: int | None = None,
    ) -> str:
        """GetShardIterator (rule K.8).

        Raises:
            InvalidArgumentException: a sequence number missing or not allowed for ``kind``,
                one from another shard or stream, AT_TIMESTAMP without a timestamp or with
                one in the future.
            ProvisionedThroughputExceededException: a sixth call for the shard within one
                second (rule K.14).
        """
        by_number = kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
        if by_number != (sequence_number is not None) and kind != "AT_TIMESTAMP":
            given = "also a" if sequence_number is not None else "no"
            raise InvalidArgumentException(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
                f"StartingSequenceNumber. Request specified {kind} and {given} "
                "StartingSequenceNumber."
            )
        now = self._clock.now_ms
        if kind == "TRIM_HORIZON":
            position = shard.first_position
        elif kind == "LATEST":
            position = shard.end_position
        elif kind == "AT_TIMESTAMP":
            if timestamp_ms is None:
                raise InvalidArgumentException(
                    "Must specify timestampInMillis parameter for iterator of type "
                    "AT_TIMESTAMP. Current request has no timestamp parameter."
                )
            if timestamp_ms > now:
                raise InvalidArgumentException(
                    "The timestampInMillis parameter cannot be greater than the "
                    f"currentTimestampInMillis. timestampInMillis: {timestamp_ms}, "
                    f"currentTimestampInMillis: {now}"
                )
            position = shard.position_at_time(timestamp_ms)
        else:
            assert sequence_number is not None
            number = self._check_number(stream, shard, sequence_number)
            # UNCONFIRMED (rule K.8): a number older than the trim horizon starts there
            position = shard.position_of_sequence(number + (kind == "AFTER_SEQUENCE_NUMBER"))
        if self._settings.throughput_limits and not shard.throughput.admit_iterator(now):
            raise ProvisionedThroughputExceededException(
                f"Rate exceeded for shard {shard.shard_id} in {where(stream)}: at most "
                "5 GetShardIterator calls per second per shard."
            )
        return self._issue(shard, position)

    @staticmethod
    def _check_number(stream: KinesisStream, shard: KinesisShard, text: str) -> int:
        number = int(text)
        index = shard_index_of(number)
        if index != shard.index:
            other = stream.shard(f"shardId-{index:012d}")
            if other is not None and created_s_of(number) == other.created_ms // 1_000:
                raise InvalidArgumentException(
                    f"Invalid StartingSequenceNumber. It encodes {other.shard_id}, while it was "
                    f"used in a call to a shard with {shard.shard_id}"
                )
        if index != shard.index or created_s_of(number) != shard.created_ms // 1_000:
            raise InvalidArgumentException(
                f"StartingSequenceNumber {text} used in GetShardIterator on shard "
                f"{shard.shard_id} in {where(stream)} is invalid because it did not come from "
                "this stream."
            )
        return number

    def _open_iterator(self, iterator: str) -> tuple[KinesisStream, KinesisShard, int]:
        fields = self._sealer.open(iterator)
        if fields is None or len(fields) != 6 or fields[0] != "i":
            raise InvalidArgumentException("Invalid ShardIterator.")
        _, name, generation, shard_id, position, issued = fields
        stream = self._find(name, int(generation))
        if stream is None:
            raise ResourceNotFoundException(
                f"Stream {name} of the iterator no longer exists (it was deleted)."
            )
        now = self._clock.now_ms
        ttl = self._settings.iterator_ttl_ms
        if now - int(issued) > ttl:
            raise ExpiredIteratorException(
                f"Iterator expired. The iterator was created at time {_java_time(int(issued))} "
                f"while right now it is {_java_time(now)} which is further in the future than "
                f"the tolerated delay of {ttl} milliseconds."
            )
        shard = stream.shard(shard_id)
        if shard is None:
            raise shard_not_found(stream, shard_id)
        return stream, shard, int(position)

    def iterator_stream(self, iterator: str) -> KinesisStream:
        """The stream an iterator reads (InvalidArgument / ResourceNotFound as GetRecords)."""
        return self._open_iterator(iterator)[0]

    # --- GetRecords -----------------------------------------------------------------------------

    def get_records(self, iterator: str, limit: int) -> RecordsPage:
        """GetRecords: at most ``limit`` records and 10 MiB from the iterator's position.

        A closed shard read to its end gives no next iterator and its children (rule K.10),
        in the same response as its last records.

        Raises:
            InvalidArgumentException: not an iterator this service issued.
            ResourceNotFoundException: its stream was deleted or its shard expired.
            ExpiredIteratorException: issued more than ``iterator_ttl`` ago.
            ProvisionedThroughputExceededException: the shard's read limits (rule K.14).
        """
        stream, shard, position = self._open_iterator(iterator)
        now = self._clock.now_ms
        limits = self._settings.throughput_limits
        if limits and not shard.throughput.admit_read(now):
            raise read_throttled(stream, shard.shard_id)
        position = max(position, shard.first_position)  # trimmed records are skipped
        held = shard.read(position, limit)
        total = 0
        count = 0
        for record in held:
            size = len(record[DATA]) + len(record[KEY])
            if count and total + size > GET_RECORDS_MAX_BYTES:
                break
            total += size
            count += 1
        records = held[:count] if count < len(held) else held
        if limits:
            shard.throughput.charge_read(total)
        after = position + count
        end = shard.end_position
        if not shard.is_open and after >= end:
            return RecordsPage(records, None, 0, list(shard.children))
        following = shard.record_at(after)
        behind = 0 if following is None else now - following[1]
        return RecordsPage(records, self._issue(shard, after), behind, [])

    # --- shard listings -------------------------------------------------------------------------

    def filtered_shards(
        self,
        stream: KinesisStream,
        kind: str = "FROM_TRIM_HORIZON",
        shard_id: str | None = None,
        timestamp_ms: int | None = None,
    ) -> list[KinesisShard]:
        """The listed shards a ShardFilter selects, by index (rule K.4).

        Raises:
            InvalidArgumentException: AFTER_SHARD_ID without a ShardId, a timestamp type
                without a Timestamp (messages UNCONFIRMED).
        """
        shards = stream.shards
        now = self._clock.now_ms
        if kind == "AFTER_SHARD_ID":
            if shard_id is None:
                raise InvalidArgumentException(
                    "ShardFilter of type AFTER_SHARD_ID requires a ShardId."
                )
            return [s for s in shards if s.shard_id > shard_id]
        if kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP") and timestamp_ms is None:
            raise InvalidArgumentException(f"ShardFilter of type {kind} requires a Timestamp.")
        horizon = max(now - stream.retention_ms, stream.created_ms)
        if kind == "AT_LATEST":
            return [s for s in shards if s.is_open]
        if kind == "FROM_TRIM_HORIZON":
            return shards
        if kind == "AT_TRIM_HORIZON":
            return [s for s in shards if _open_at(s, horizon)]
        assert timestamp_ms is not None
        if kind == "AT_TIMESTAMP":
            at = max(timestamp_ms, stream.created_ms)
            return [s for s in shards if _open_at(s, at)]
        at = max(timestamp_ms, horizon)  # FROM_TIMESTAMP
        return [s for s in shards if s.closed_ms is None or s.closed_ms >= at]

    def next_token(self, kind: str, *fields: str) -> str:
        """A NextToken of ``kind`` ("shards" or "streams") carrying ``fields``."""
        return self._sealer.seal(kind, str(self._clock.now_ms), *fields)

    def open_next_token(self, kind: str, token: str) -> list[str]:
        """The fields of a NextToken of ``kind``.

        Raises:
            InvalidArgumentException: not a token of that kind issued here.
            ExpiredNextTokenException: issued more than 300 s ago.
        """
        fields = self._sealer.open(token)
        if fields is None or len(fields) < 2 or fields[0] != kind:
            raise InvalidArgumentException(f"Invalid NextToken: {token[:80]}")
        issued = int(fields[1])
        if self._clock.now_ms - issued > NEXT_TOKEN_TTL_MS:
            raise ExpiredNextTokenException(
                f"The NextToken was issued at {ms_to_datetime(issued).isoformat()} and has "
                f"expired: tokens are valid for {NEXT_TOKEN_TTL_MS // 1000} seconds."
            )
        return fields[2:]


def _open_at(shard: KinesisShard, at_ms: int) -> bool:
    return shard.created_ms <= at_ms and (shard.closed_ms is None or shard.closed_ms > at_ms)
