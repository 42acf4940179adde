"""The Kinesis event source: the poller's view of a Kinesis data stream.

:class:`KinesisStreamSource` adapts a Kinesis stream and its shards to
:class:`~._source.EventSource`.  It is the only part of the Lambda service that knows how a
Kinesis record is read (a tuple ``(sequence number, arrival ms, partition key, data)``, the
layout of ``streamsim._kinesis._shard``'s reads), how it appears in a Lambda event
(``kinesis.data`` in base64, ``eventID`` ``<shardId>:<sequence number>``), what a filter sees
of it (its ``data`` decoded from base64 and JSON) and the ``KinesisBatchInfo`` of its on-failure
record.  ``_lambda`` and ``_kinesis`` do not import each other: the stream is used through the
small protocols below, and the model hands it over.

Kinesis differs from a DynamoDB stream where the poller meets it: Lambda polls each shard about
once a second (``LambdaSettings.kinesis_poll_interval``), a shard may have two parents (a
merge), ``AT_TIMESTAMP`` is a starting position, a batch's records keep one partition key's
order by the key itself, and filters match the record's decoded ``data``.

AWS behaviour: rule L.5-L.11.
"""

from __future__ import annotations

import json
import zlib
from base64 import b64decode
from binascii import b2a_base64
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Final, Protocol, cast

from ._destinations import iso_millis
from ._events import payload_bytes
from ._source import EventRecord, ReadGate, ShardCallback, SourceShard

#: a read record's fields (``streamsim._kinesis._shard``; a test holds the two equal)
SEQ: Final = 0
ARRIVAL: Final = 1
KEY: Final = 2
DATA: Final = 3
_DATA = itemgetter(DATA)
_KEY = itemgetter(KEY)
#: rule L.6: constants of the Kinesis Lambda event
SCHEMA_VERSION = "1.0"
EVENT_VERSION = "1.0"
EVENT_SOURCE = "aws:kinesis"
EVENT_NAME = "aws:kinesis:record"
#: bytes of an event record besides its data's base64, partition key, ARN and identity
_RECORD_OVERHEAD = 400


class KinesisShardLike(SourceShard, Protocol):
    """What the adapter reads of a Kinesis shard besides the read API."""

    @property
    def parents(self) -> tuple[Any, ...]:
        """The live shards it continues (two after a merge)."""

    @property
    def created_ms(self) -> int:
        """When it opened."""

    @property
    def closed_ms(self) -> int | None:
        """When it closed (None while open)."""

    def position_at_time(self, at_ms: int) -> int:
        """Position of the first readable record that arrived at ``at_ms`` or later."""


class KinesisStreamLike(ReadGate, Protocol):
    """What the adapter reads of a Kinesis stream (``streamsim._kinesis._stream``), its
    shards' read budget included (rule L.7)."""

    @property
    def name(self) -> str:
        """StreamName."""

    @property
    def arn(self) -> str:
        """StreamARN."""

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable."""

    def open_shards(self) -> Sequence[Any]:
        """The open shards."""

    def subscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Call ``on_append(shard)`` after each write, ``on_new_shard(shard)`` for new shards."""

    def unsubscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Stop those callbacks."""

    def lineage_order(self) -> Sequence[Any]:
        """The listed shards, parents first."""

    def descendants(self, shards: Iterable[Any]) -> Sequence[Any]:
        """Every shard continuing one of ``shards``, in the order they opened."""


def execution_role_arn(function_arn: str) -> str:
    """The execution role streamsim gives a function (``invokeIdentityArn``; GetFunction's
    ``Role``): ``arn:aws:iam::<account>:role/<name>-role``.

    >>> execution_role_arn("arn:aws:lambda:us-east-1:123456789012:function:f")
    'arn:aws:iam::123456789012:role/f-role'
    """
    parts = function_arn.split(":")
    return f"arn:aws:iam::{parts[4]}:role/{parts[6]}-role"


def filter_view(event: EventRecord) -> dict[str, Any]:
    """What a filter pattern matches for a Kinesis record: ``{"data": <its JSON>}`` (rule L.10).

    Data that is not JSON has no ``data`` here, so a pattern on ``data`` drops it.

    >>> filter_view({"kinesis": {"data": "eyJhIjogMX0="}})
    {'data': {'a': 1}}
    """
    value = decoded_data(b64decode(event["kinesis"]["data"]))
    return {} if value is None else {"data": value}


def decoded_data(data: bytes) -> Any:
    """A record's data as a filter sees it: its JSON value, or None when it is not JSON."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


class KinesisStreamSource:
    """A Kinesis data stream as an event source of Lambda.

    Args:
        stream: the stream.
        region: ``awsRegion`` of the events.
        poll_interval_ms: how often a shard is polled (rule L.7: about once a second).
    """

    __slots__ = (
        "_overhead",
        "arn",
        "filter_view",
        "poll_interval_ms",
        "read_gate",
        "region",
        "stream",
    )

    def __init__(self, stream: KinesisStreamLike, *, region: str, poll_interval_ms: int) -> None:
        self.stream = stream
        self.arn = stream.arn
        self.region = region
        self.poll_interval_ms: int | None = poll_interval_ms
        self.filter_view: Callable[[EventRecord], Any] | None = filter_view
        #: the poller's reads count against each shard's read throughput (rule L.7)
        self.read_gate: ReadGate | None = stream
        self._overhead = _RECORD_OVERHEAD + len(stream.arn) + 80

    @property
    def name(self) -> str:
        """The stream's name."""
        return self.stream.name

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable (RetentionPeriodHours)."""
        return self.stream.retention_ms

    # --- shards ---------------------------------------------------------------------------------

    def lineage_order(self) -> list[SourceShard]:
        """The listed shards, every parent before its children (rule L.9)."""
        return list(self.stream.lineage_order())

    def open_shards(self) -> list[SourceShard]:
        """The open shards (where LATEST begins)."""
        return list(self.stream.open_shards())

    def positions_at(self, at_ms: int) -> list[tuple[SourceShard, int]]:
        """AT_TIMESTAMP: the shards open at ``at_ms`` or opened since, parents first, each from
        its first record that arrived at ``at_ms`` or later (rule L.5)."""
        out: list[tuple[SourceShard, int]] = []
        for shard in cast("list[KinesisShardLike]", self.lineage_order()):
            closed = shard.closed_ms
            if closed is not None and closed <= at_ms:
                continue  # closed before the instant: nothing of it is at or after it
            out.append((shard, shard.position_at_time(at_ms)))
        return out

    def parents(self, shard: SourceShard) -> tuple[SourceShard, ...]:
        """The shard's parents: one after a split, two after a merge (rule L.9)."""
        return tuple(cast("KinesisShardLike", shard).parents)

    def descendants(self, shards: Iterable[SourceShard]) -> list[SourceShard]:
        """Every shard continuing one of ``shards``, in the order they opened."""
        return list(self.stream.descendants(shards))

    def subscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Follow the stream's appends and new shards."""
        self.stream.subscribe(on_append, on_new_shard)

    def unsubscribe(self, on_append: ShardCallback, on_new_shard: ShardCallback) -> None:
        """Stop following the stream."""
        self.stream.unsubscribe(on_append, on_new_shard)

    # --- records --------------------------------------------------------------------------------

    def events_builder(
        self, shard: SourceShard, function_arn: str
    ) -> Callable[[Sequence[tuple[Any, ...]]], list[EventRecord]]:
        """``build(records)``: the Lambda event records of records of ``shard`` (rule L.6)."""
        prefix = shard.shard_id + ":"
        identity = execution_role_arn(function_arn)
        region = self.region
        arn = self.arn

        def build(record: tuple[Any, ...]) -> EventRecord:
            sn = str(record[SEQ])
            return {
                "kinesis": {
                    "kinesisSchemaVersion": SCHEMA_VERSION,
                    "partitionKey": record[KEY],
                    "sequenceNumber": sn,
                    # base64.b64encode's own call, without its Python wrapper around it
                    "data": b2a_base64(record[DATA], newline=False).decode("ascii"),
                    "approximateArrivalTimestamp": record[ARRIVAL] / 1000,
                },
                "eventSource": EVENT_SOURCE,
                "eventVersion": EVENT_VERSION,
                "eventID": prefix + sn,
                "eventName": EVENT_NAME,
                "invokeIdentityArn": identity,
                "awsRegion": region,
                "eventSourceARN": arn,
            }

        def build_all(records: Sequence[tuple[Any, ...]]) -> list[EventRecord]:
            return list(map(build, records))

        return build_all

    #: the exact bytes of an event record as compact JSON (plus its comma)
    event_bytes = staticmethod(payload_bytes)

    def record_bound(self, record: tuple[Any, ...]) -> int:
        """Upper bound of one record's event bytes: base64 (4/3) plus escaped key and fields."""
        return (len(record[DATA]) + 2) // 3 * 4 + 6 * len(record[KEY]) + self._overhead

    def payload_bound(self, records: Sequence[tuple[Any, ...]]) -> int:
        """Upper bound of the records' event bytes: :meth:`record_bound` summed, except that
        the base64 lengths are bounded together, from the total of the data (a record's
        ``(n + 2) // 3 * 4`` summed is at most ``(total + 2 * count) // 3 * 4``), so that
        the sums run in C with no call per record."""
        data: int = sum(map(len, map(_DATA, records)))
        keys: int = sum(map(len, map(_KEY, records)))
        count = len(records)
        return (data + 2 * count) // 3 * 4 + 6 * keys + self._overhead * count

    @staticmethod
    def partition_hash(record: tuple[Any, ...]) -> int:
        """The partition key's CRC-32: one key's records share a slot (rule L.8)."""
        return zlib.crc32(record[KEY].encode("utf-8"))

    #: ``sequence_number(record)``
    sequence_number = staticmethod(itemgetter(SEQ))
    #: ``created_ms(record)``: ApproximateArrivalTimestamp in ms
    created_ms = staticmethod(itemgetter(ARRIVAL))

    def batch_info(
        self, shard_id: str, records: Sequence[tuple[Any, ...]]
    ) -> tuple[str, dict[str, Any]]:
        """``KinesisBatchInfo`` of the discarded records (rule L.11)."""
        return "KinesisBatchInfo", {
            "shardId": shard_id,
            "startSequenceNumber": str(records[0][SEQ]),
            "endSequenceNumber": str(records[-1][SEQ]),
            "approximateArrivalOfFirstRecord": iso_millis(records[0][ARRIVAL]),
            "approximateArrivalOfLastRecord": iso_millis(records[-1][ARRIVAL]),
            "batchSize": len(records),
            "streamArn": self.arn,
        }

    def __repr__(self) -> str:
        return f"<KinesisStreamSource {self.arn}>"
