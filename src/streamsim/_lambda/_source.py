"""What the poller needs of an event source: a small :class:`typing.Protocol`.

The poller (:mod:`._poller`) is written against :class:`EventSource` and
:class:`SourceShard` only, so that a second kind of source (a Kinesis stream) plugs in with
its own adapter.  The adapters are :class:`~._dynamodb_source.DynamoDBStreamSource` and
:class:`~._kinesis_source.KinesisStreamSource`.

Records are opaque to the poller (:data:`SourceRecord`): it reads them from shards, hands
them back to the source to learn their sequence number, creation time, partition-key hash
and payload size, and to render them (a batch at a time) as Lambda event records.

AWS behaviour: rule D.3-D.12 describe stream sources in general; a shard has at most one
parent in DynamoDB Streams and up to two in Kinesis (after a merge), hence ``parents``.
Where Kinesis differs (rule L.5-L.11) a source says so: its ``poll_interval_ms``, its
``filter_view`` of a record, the shard in its event records (``events_builder(shard, ...)``)
and, for AT_TIMESTAMP, :class:`TimestampSource`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeAlias

#: A record as its source stores it; the poller never looks inside.
SourceRecord: TypeAlias = Any
#: A Lambda event record (one element of the event's ``Records``).
EventRecord: TypeAlias = dict[str, Any]


class SourceShard(Protocol):
    """One shard of a source, read by position (an absolute record index).

    Positions below ``first_position`` were trimmed; ``end_position`` is one past the
    newest record.  A closed shard (``is_open`` False) takes no more records.
    """

    @property
    def shard_id(self) -> str:
        """The shard's id."""

    @property
    def first_position(self) -> int:
        """The position of the oldest record still readable."""

    @property
    def end_position(self) -> int:
        """One past the position of the newest record."""

    @property
    def is_open(self) -> bool:
        """True while the shard takes new records."""

    @property
    def closed_ms(self) -> int | None:
        """When it closed (None while open): the shards continuing it opened at that instant."""

    def read(self, position: int, limit: int | None = None) -> list[SourceRecord]:
        """Up to ``limit`` records from ``position`` (all when None)."""

    def record_at(self, position: int) -> SourceRecord | None:
        """The record at ``position``, or None past the end."""


#: ``callback(shard)``, called when a shard gets a record or a new shard opens.
ShardCallback: TypeAlias = Callable[[Any], None]


class ReadGate(Protocol):
    """A shard's read budget shared with other readers (a Kinesis shard's read throughput,
    rule L.7): the poller asks before it reads a shard and charges each poll that read
    records as one read call, however many records (a Kinesis stream is its own gate)."""

    def read_wait_ms(self, shard: Any) -> int:
        """0 when the poller may read ``shard`` now, else the ms until it may."""

    def charge_read(self, shard: Any, start: int, end: int) -> None:
        """Charge one read call that returned ``shard``'s records at ``start`` to ``end``."""


class EventSource(Protocol):
    """A stream that an event source mapping reads (rule D.3-D.12)."""

    #: how often a shard is polled (None: ``LambdaSettings.poll_interval``)
    poll_interval_ms: int | None
    #: the shards' shared read budget (None: reads are free, as a DynamoDB stream's here)
    read_gate: ReadGate | None
    #: what a filter pattern matches for an event record (None: the event record itself)
    filter_view: Callable[[EventRecord], Any] | None

    @property
    def arn(self) -> str:
        """The source's ARN (``EventSourceArn``, ``eventSourceARN``)."""

    @property
    def name(self) -> str:
        """A short name for display (a table name, a Kinesis stream name)."""

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable."""

    def lineage_order(self) -> list[SourceShard]:
        """The readable shards, every parent before its children."""

    def open_shards(self) -> list[SourceShard]:
        """The shards that take new records (where StartingPosition LATEST begins)."""

    def parents(self, shard: SourceShard) -> tuple[SourceShard, ...]:
        """The shards ``shard`` continues (none for a root; two after a Kinesis merge)."""

    def descendants(self, shards: Iterable[SourceShard]) -> list[SourceShard]:
        """Every shard continuing one of ``shards``, directly or not, in the order they opened."""

    def subscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Call ``on_append(shard)`` after each append, ``on_new_shard(shard)`` for new shards."""

    def unsubscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Stop the callbacks given to :meth:`subscribe` (nothing for unknown ones)."""

    def events_builder(
        self, shard: SourceShard, function_arn: str
    ) -> Callable[[Sequence[SourceRecord]], list[EventRecord]]:
        """A function rendering records of ``shard`` as the Lambda event records the function
        ``function_arn`` receives, in order.

        It takes a sequence so that a batch is rendered in one call (the renderer's loop is
        the poller's hottest code); a single record is rendered as ``build((record,))[0]``.
        """

    def event_bytes(self, event: EventRecord) -> int:
        """The exact bytes ``event`` adds to an invocation payload."""

    def payload_bound(self, records: Sequence[SourceRecord]) -> int:
        """An upper bound of the bytes the event records of ``records`` add to a payload."""

    def record_bound(self, record: SourceRecord) -> int:
        """An upper bound of the bytes one record's event record adds to a payload."""

    def partition_hash(self, record: SourceRecord) -> int:
        """The hash that routes a record to a slot (ParallelizationFactor, rule D.4)."""

    def sequence_number(self, record: SourceRecord) -> int:
        """The record's sequence number (its decimal string is what Lambda reports)."""

    def created_ms(self, record: SourceRecord) -> int:
        """When the record was written to the source (virtual ms)."""

    def batch_info(
        self, shard_id: str, records: Sequence[SourceRecord]
    ) -> tuple[str, dict[str, Any]]:
        """The source's block of the on-failure record of discarded ``records`` of one shard:
        its member name (``DDBStreamBatchInfo``, ``KinesisBatchInfo``) and value (rule D.7).
        The poller builds the rest of the record (:func:`._destinations.failure_envelope`)."""


class TimestampSource(EventSource, Protocol):
    """A source that can start at an instant (StartingPosition AT_TIMESTAMP, rule L.5)."""

    def positions_at(self, at_ms: int) -> list[tuple[SourceShard, int]]:
        """The shards to read from ``at_ms`` on, parents first, each with its first position."""
