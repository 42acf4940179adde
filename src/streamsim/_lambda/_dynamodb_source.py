"""The DynamoDB Streams event source: the poller's view of a :class:`~streamsim._streams.Stream`.

:class:`DynamoDBStreamSource` adapts a stream and its shards to :class:`~._source.EventSource`.
It is the only part of the Lambda service that knows how a DynamoDB stream record is stored:
its tuple fields, its partition-key hash, its Lambda event shape (:mod:`._events`) and the
``DDBStreamBatchInfo`` of its on-failure record (:mod:`._destinations`).  The stream's own
:class:`~streamsim._streams._shard.Shard` objects already have the read API of
:class:`~._source.SourceShard` and are handed to the poller as they are.

AWS behaviour: rule D.4 (partition-key routing), D.7 (on-failure record), D.10 (event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, cast

from streamsim._streams._partitions import partition_hash
from streamsim._streams._records import CREATED, HASH, RANGE, SEQ, SIZE
from streamsim._streams._render import stream_batch_info

from ._events import PAYLOAD_FACTOR, events_builder, payload_bytes
from ._source import EventRecord, ReadGate, ShardCallback, SourceShard

if TYPE_CHECKING:
    from streamsim._streams._records import RawRecord
    from streamsim._streams._shard import Shard
    from streamsim._streams._stream import Stream

_record_size = itemgetter(SIZE)
_starting_sequence_number = attrgetter("starting_sequence_number")


class DynamoDBStreamSource:
    """A DynamoDB stream as an event source of Lambda.

    Args:
        stream: the stream.
        order_by_full_key: route records by their full primary key rather than their
            partition key (``LambdaSettings.order_by_full_key``, rule F.9).
    """

    __slots__ = ("_builder", "_hash_type", "_range_type", "arn", "record_overhead", "stream")

    #: polled at ``LambdaSettings.poll_interval``; filters see the event record itself
    poll_interval_ms: int | None = None
    read_gate: ReadGate | None = None
    filter_view: Callable[[EventRecord], Any] | None = None

    def __init__(self, stream: Stream, *, order_by_full_key: bool) -> None:
        self.stream = stream
        self.arn = stream.arn
        key_types = stream.key_types
        self._hash_type = key_types[0]
        self._range_type = key_types[1] if order_by_full_key and len(key_types) > 1 else None
        #: bytes an event record adds besides 16x the record's size (see PAYLOAD_FACTOR)
        self.record_overhead = 1_024 + 2 * len(stream.arn)
        self._builder: Callable[[Sequence[RawRecord]], list[EventRecord]] | None = None

    @property
    def name(self) -> str:
        """The stream's table name."""
        return self.stream.table_name

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable (the stream's retention, 24 h by default)."""
        return self.stream.settings.retention_ms

    # --- shards ---------------------------------------------------------------------------------

    def lineage_order(self) -> list[SourceShard]:
        """The listed shards, every parent before its children."""
        return list(self.stream.lineage_order())

    def open_shards(self) -> list[SourceShard]:
        """The open shards, in shard-id order."""
        return list(self.stream.open_shards)

    def parents(self, shard: SourceShard) -> tuple[SourceShard, ...]:
        """The shard's parent, if it has one (DynamoDB shards have at most one)."""
        parent = cast("Shard", shard).parent  # the poller hands back this stream's shards
        return () if parent is None else (parent,)

    def descendants(self, shards: Iterable[SourceShard]) -> list[SourceShard]:
        """Every shard continuing one of ``shards``, directly or not, in the order they opened
        (by starting sequence number: the stream numbers its shards as it opens them)."""
        found = {d for s in shards for d in cast("Shard", s).descendants()}
        return sorted(found, key=_starting_sequence_number)

    def subscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Follow the stream's appends and new shards."""
        stream = self.stream
        stream.on_append.append(on_append)
        stream.on_new_shard.append(on_new_shard)

    def unsubscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Stop following the stream."""
        stream = self.stream
        if on_append in stream.on_append:
            stream.on_append.remove(on_append)
        if on_new_shard in stream.on_new_shard:
            stream.on_new_shard.remove(on_new_shard)

    # --- records --------------------------------------------------------------------------------

    def events_builder(
        self, shard: SourceShard, function_arn: str
    ) -> Callable[[Sequence[RawRecord]], list[EventRecord]]:
        """The stream's event records builder (:func:`._events.events_builder`), one for every
        shard and function (a DynamoDB event names neither)."""
        if self._builder is None:
            self._builder = events_builder(self.stream)
        return self._builder

    #: the exact bytes of an event record as compact JSON (plus its comma)
    event_bytes = staticmethod(payload_bytes)

    def payload_bound(self, records: Sequence[RawRecord]) -> int:
        """Upper bound of the records' event bytes (see :data:`._events.PAYLOAD_FACTOR`)."""
        sizes: int = sum(map(_record_size, records))
        return self.record_overhead * len(records) + PAYLOAD_FACTOR * sizes

    def record_bound(self, record: RawRecord) -> int:
        """Upper bound of one record's event bytes (see :data:`._events.PAYLOAD_FACTOR`)."""
        return PAYLOAD_FACTOR * record[SIZE] + self.record_overhead

    def partition_hash(self, record: RawRecord) -> int:
        """The hash that picks a record's slot: of its partition key (or its full key).

        AWS keeps records of one partition key in order with ParallelizationFactor > 1
        (rule D.4); whether it groups by partition key or full primary key is UNCONFIRMED
        (F.9): ``LambdaSettings.order_by_full_key``.
        """
        h = partition_hash(self._hash_type, record[HASH])
        if self._range_type is not None:
            h = h * 1_000_003 + partition_hash(self._range_type, record[RANGE])
        return h

    #: ``sequence_number(record)``: the record's sequence number (a C getter: hot path)
    sequence_number = staticmethod(itemgetter(SEQ))
    #: ``created_ms(record)``: when it was written, ``ApproximateCreationDateTime`` in ms
    created_ms = staticmethod(itemgetter(CREATED))

    def batch_info(self, shard_id: str, records: Sequence[RawRecord]) -> tuple[str, dict[str, Any]]:
        """``DDBStreamBatchInfo`` of the discarded records (rule D.7)."""
        return "DDBStreamBatchInfo", stream_batch_info(
            stream_arn=self.arn,
            shard_id=shard_id,
            start_sequence_number=str(records[0][SEQ]),
            end_sequence_number=str(records[-1][SEQ]),
            first_arrival_ms=records[0][CREATED],
            last_arrival_ms=records[-1][CREATED],
            batch_size=len(records),
        )

    def __repr__(self) -> str:
        return f"<DynamoDBStreamSource {self.arn}>"
