"""DynamoDB's Kinesis streaming destinations: a table's item changes written into a Kinesis stream.

This module sits on the model's layer: it joins two services that know nothing of each other.
A table hands each item change to its ``observers`` (``_dynamodb._table``); while a destination
is enabled, one observer here turns the change into the JSON record of rule K.17 and writes it
into the Kinesis stream as any producer would (rule K.6, K.14).  A table without a destination
has no observer and pays nothing.

AWS behaviour: rule K.16 (the control plane and its statuses), K.17 (the record), K.18 (the
partition key), K.19 (ordering, duplicates and throttling).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import deque
from collections.abc import Callable
from hashlib import md5
from typing import TYPE_CHECKING, Any, Final

from streamsim._errors import (
    InvalidArgumentException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from streamsim._items import Item, item_size
from streamsim._streams._records import (
    EVENT_SOURCE,
    INSERT,
    MODIFY,
    REMOVE,
    TTL_IDENTITY_TYPE,
    TTL_PRINCIPAL,
)
from streamsim._streams._render import json_item

if TYPE_CHECKING:
    from streamsim._clock import Clock, Timer
    from streamsim._dynamodb._catalog import TableCatalog
    from streamsim._dynamodb._table import TableEngine
    from streamsim._kinesis._service import KinesisService

__all__ = ["Destination", "KinesisDestinations"]

ENABLING, ACTIVE, DISABLING, DISABLED, UPDATING = (
    "ENABLING",
    "ACTIVE",
    "DISABLING",
    "DISABLED",
    "UPDATING",
)
MILLISECOND, MICROSECOND = "MILLISECOND", "MICROSECOND"
PRECISIONS: Final = (MILLISECOND, MICROSECOND)
#: rule K.16: the API names no default; streamsim keeps the original millisecond records
DEFAULT_PRECISION: Final = MILLISECOND
RECORD_FORMAT: Final = "application/json"
RETRY_MS: Final = 1_000  # rule K.19: a throttled record is retried after this long, in order
_DELIVERING: Final = (ACTIVE, UPDATING)


class Destination:
    """One Kinesis stream a table's changes go to, with its status and counters.

    Attributes:
        stream_arn: the Kinesis stream's ARN.
        status: ``ENABLING``, ``ACTIVE``, ``UPDATING``, ``DISABLING`` or ``DISABLED``.
        precision: ``MILLISECOND`` or ``MICROSECOND`` (``ApproximateCreationDateTime``).
        delivered: records written into the stream (duplicates included).
        throttled: writes the stream refused for its throughput (each retried, rule K.19).
        failed: changes not replicated: too large for a Kinesis record, or the stream is gone.
    """

    def __init__(self, engine: TableEngine, stream_arn: str, precision: str) -> None:
        self.engine = engine
        self.stream_arn = stream_arn
        self.status = ENABLING
        self.precision = precision
        self.delivered = 0
        self.throttled = 0
        self.failed = 0
        #: (partition key, data) of records waiting behind a throttled write, oldest first
        self.backlog: deque[tuple[str, bytes]] = deque()
        self.retry: Timer | None = None
        self.observer: Callable[[Item | None, Item | None, bool], None] | None = None

    def __repr__(self) -> str:
        return (
            f"<Destination {self.engine.name} -> {self.stream_arn} {self.status} "
            f"{self.precision} delivered={self.delivered}>"
        )

    def description(self) -> dict[str, Any]:
        """Its ``KinesisDataStreamDestination`` (DescribeKinesisStreamingDestination)."""
        return {
            "StreamArn": self.stream_arn,
            "DestinationStatus": self.status,
            "ApproximateCreationDateTimePrecision": self.precision,
        }


class KinesisDestinations:
    """Every table's Kinesis streaming destinations (rule K.16-K.19).

    Args:
        clock: the virtual clock (status delays, retries, ``ApproximateCreationDateTime``).
        tables: the DynamoDB table catalog.
        kinesis: the Kinesis service the records go to.
        ids: the seeded source of the records' eventIDs.
        duplicates: the seeded source deciding duplicate deliveries.
        region: the record's ``awsRegion``.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        tables: TableCatalog,
        kinesis: KinesisService,
        ids: random.Random,
        duplicates: random.Random,
        region: str,
    ) -> None:
        self._clock = clock
        self._tables = tables
        self._kinesis = kinesis
        self._ids = ids
        self._duplicates = duplicates
        self._region = region
        self._by_table: dict[int, list[Destination]] = {}

    def __repr__(self) -> str:
        count = sum(len(d) for d in self._by_table.values())
        return f"<KinesisDestinations destinations={count}>"

    # --- control plane (rule K.16) --------------------------------------------------------------

    def table(self, table_name: Any) -> TableEngine:
        """The table a request's ``TableName`` names (ResourceNotFoundException if none)."""
        return self._tables.resolve(table_name)

    def of(self, engine: TableEngine) -> list[Destination]:
        """The destinations of ``engine``, in the order they were first enabled."""
        found = self._by_table.get(id(engine))
        return [] if found is None or found[0].engine is not engine else list(found)

    def _find(self, engine: TableEngine, stream_arn: str) -> Destination | None:
        return next((d for d in self.of(engine) if d.stream_arn == stream_arn), None)

    def _after_delay(self, destination: Destination, status: str) -> None:
        """Move to ``status`` when the Kinesis status delay has passed (at once when 0)."""
        delay = self._kinesis.settings.status_delay_ms

        def done() -> None:
            self._settle(destination, status)

        if delay == 0:
            done()
        else:
            self._clock.call_later(delay, done)

    def _settle(self, destination: Destination, status: str) -> None:
        destination.status = status
        engine = destination.engine
        if status == DISABLED and destination.observer is not None:
            engine.observers.remove(destination.observer)
            destination.observer = None
            destination.backlog.clear()

    def enable(self, table_name: Any, stream_arn: Any, precision: Any) -> Destination:
        """EnableKinesisStreamingDestination.

        Raises:
            ResourceNotFoundException: no such table, or no such Kinesis stream.
            ResourceInUseException: the stream is not ACTIVE, or the table's destination is
                still DISABLING.
            ValidationException: already enabled to this stream, or a bad precision.
            LimitExceededException: the table already streams to another Kinesis stream.
        """
        engine = self._tables.resolve(table_name)
        precision = _precision(precision, "enableKinesisStreamingConfiguration")
        stream = self._kinesis.find_stream(str(stream_arn))
        if stream is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Kinesis stream {stream_arn} not found"
            )
        if stream.status != ACTIVE:
            raise ResourceInUseException(
                f"Kinesis stream {stream_arn} is {stream.status}; it must be ACTIVE to become a "
                "streaming destination"
            )
        for other in self.of(engine):
            if other.status == DISABLED:
                continue
            if other.status == DISABLING:
                raise ResourceInUseException(
                    f"The Kinesis streaming destination {other.stream_arn} of table "
                    f"{engine.name} is DISABLING; enable it again once it is DISABLED"
                )
            if other.stream_arn == stream_arn:
                raise ValidationException(
                    f"Table {engine.name} already has an enabled Kinesis streaming destination "
                    f"to {stream_arn} (status {other.status})"
                )
            raise LimitExceededException(
                f"Table {engine.name} already streams to Kinesis stream {other.stream_arn}; a "
                "table can have one Kinesis streaming destination"
            )
        destination = self._find(engine, stream_arn)
        if destination is None:
            destination = Destination(engine, stream_arn, precision)
            entries = self._by_table.get(id(engine))
            if entries is None or entries[0].engine is not engine:
                self._by_table[id(engine)] = entries = []
            entries.append(destination)
        destination.status, destination.precision = ENABLING, precision

        def observe(old: Item | None, new: Item | None, is_ttl: bool) -> None:
            if destination.status in _DELIVERING:
                self._deliver(destination, old, new, is_ttl)

        destination.observer = observe
        engine.observers.append(observe)
        self._after_delay(destination, ACTIVE)
        return destination

    def _enabled(self, table_name: Any, stream_arn: Any, operation: str) -> Destination:
        engine = self._tables.resolve(table_name)
        destination = self._find(engine, str(stream_arn))
        if destination is None or destination.status == DISABLED:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table {engine.name} has no enabled Kinesis "
                f"streaming destination to {stream_arn}"
            )
        if destination.status != ACTIVE:
            raise ResourceInUseException(
                f"The Kinesis streaming destination {stream_arn} of table {engine.name} is "
                f"{destination.status}; {operation} needs it ACTIVE"
            )
        return destination

    def disable(self, table_name: Any, stream_arn: Any) -> Destination:
        """DisableKinesisStreamingDestination: DISABLING, then DISABLED (no more records).

        Raises:
            ResourceNotFoundException: no such table, or no enabled destination to the stream.
            ResourceInUseException: the destination is still ENABLING, or changing.
        """
        destination = self._enabled(table_name, stream_arn, "DisableKinesisStreamingDestination")
        destination.status = DISABLING
        self._after_delay(destination, DISABLED)
        return destination

    def update(self, table_name: Any, stream_arn: Any, precision: Any) -> Destination:
        """UpdateKinesisStreamingDestination: a new precision, UPDATING then ACTIVE.

        Raises:
            ResourceNotFoundException: no such table, or no enabled destination to the stream.
            ResourceInUseException: the destination is not ACTIVE.
            ValidationException: no or a bad precision, or the one already in use.
        """
        if precision is None:
            raise ValidationException(
                "UpdateKinesisStreamingConfiguration.ApproximateCreationDateTimePrecision is "
                "required"
            )
        precision = _precision(precision, "updateKinesisStreamingConfiguration")
        destination = self._enabled(table_name, stream_arn, "UpdateKinesisStreamingDestination")
        if precision == destination.precision:
            raise ValidationException(
                f"Invalid Request: Precision is already set to the desired value of {precision}"
            )
        destination.status = UPDATING
        # the new precision applies from the request on; UPDATING ends after the status delay
        destination.precision = precision
        self._after_delay(destination, ACTIVE)
        return destination

    # --- delivery (rule K.17-K.19) --------------------------------------------------------------

    def _deliver(
        self, destination: Destination, old: Item | None, new: Item | None, is_ttl: bool
    ) -> None:
        engine = destination.engine
        image = new if new is not None else old
        assert image is not None  # a change has an old or a new item
        keys = {name: image[name] for name in engine.key_names}
        now_ms = self._clock.now_ms
        micro = destination.precision == MICROSECOND
        body: dict[str, Any] = {
            "ApproximateCreationDateTime": now_ms * 1000 if micro else now_ms,
            "Keys": json_item(keys),
        }
        size = item_size(keys)
        if new is not None:
            body["NewImage"] = json_item(new)
            size += item_size(new)
        if old is not None:
            body["OldImage"] = json_item(old)
            size += item_size(old)
        body["SizeBytes"] = size
        if micro:
            body["ApproximateCreationDateTimePrecision"] = MICROSECOND
        record = {
            "awsRegion": self._region,
            "eventID": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
            "eventName": INSERT if old is None else (REMOVE if new is None else MODIFY),
            "userIdentity": (
                {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL} if is_ttl else None
            ),
            "recordFormat": RECORD_FORMAT,
            "tableName": engine.name,
            "dynamodb": body,
            "eventSource": EVENT_SOURCE,
        }
        data = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()
        key = partition_key(engine.name, body["Keys"])
        copies = 1
        chance = self._kinesis.settings.destination_duplicates
        if chance and self._duplicates.random() < chance:
            copies = 2
        for _ in range(copies):
            destination.backlog.append((key, data))
        self._drain(destination)

    def _drain(self, destination: Destination) -> None:
        """Write the backlog in order; a throttled write waits for a retry (rule K.19)."""
        if destination.retry is not None:
            return  # a retry is scheduled: later records wait behind the throttled one
        backlog = destination.backlog
        while backlog:
            stream = self._kinesis.find_stream(destination.stream_arn)
            key, data = backlog[0]
            if stream is None:
                destination.failed += 1
                backlog.popleft()
                continue
            try:
                self._kinesis.put_record(stream, key, data)
            except ProvisionedThroughputExceededException:
                destination.throttled += 1

                def retry() -> None:
                    destination.retry = None
                    if destination.status != DISABLED:
                        self._drain(destination)

                destination.retry = self._clock.call_later(RETRY_MS, retry)
                return
            except InvalidArgumentException:  # over the 1 MiB record limit: skipped
                destination.failed += 1
            else:
                destination.delivered += 1
            backlog.popleft()

    def _check(self) -> None:
        """Assert that exactly the delivering destinations (and ENABLING, DISABLING) observe."""
        for entries in self._by_table.values():
            for destination in entries:
                watching = destination.observer is not None
                assert watching == (destination.status != DISABLED), (
                    f"{destination!r}: observer attached {watching}"
                )
                if watching:
                    assert destination.observer in destination.engine.observers, (
                        f"{destination!r}: its observer is not on the table"
                    )


def _precision(value: Any, member: str) -> str:
    if value is None:
        return DEFAULT_PRECISION
    if value not in PRECISIONS:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at "
            f"'{member}.approximateCreationDateTimePrecision' failed to satisfy constraint: "
            "Member must satisfy enum value set: [MILLISECOND, MICROSECOND]"
        )
    return str(value)


def partition_key(table_name: str, keys: dict[str, Any]) -> str:
    """The Kinesis partition key of a change: uppercase hex MD5 of the table and the item's key.

    Rule K.18: 32 uppercase hex characters, the same for every change of one item, so an
    item's changes share a shard and keep their order there.

    >>> partition_key("t", {"pk": {"S": "a"}}) == partition_key("t", {"pk": {"S": "a"}})
    True
    >>> len(partition_key("t", {"pk": {"S": "a"}}))
    32
    """
    canonical = json.dumps([table_name, keys], sort_keys=True, separators=(",", ":"))
    return md5(canonical.encode(), usedforsecurity=False).hexdigest().upper()
