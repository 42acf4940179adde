"""The poller's event source interface: the DynamoDB adapter, and a source with merged shards.

The poller is written against ``_source.EventSource``; these tests check that the DynamoDB
Streams adapter keeps the stream's view, and that a different source (shaped like Kinesis,
whose shards have two parents after a merge) plugs in without changes to the poller.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from streamsim._clock import Clock
from streamsim._lambda._concurrency import ConcurrencyPool
from streamsim._lambda._config import MappingConfig
from streamsim._lambda._dynamodb_source import DynamoDBStreamSource
from streamsim._lambda._environment import LambdaEnvironment
from streamsim._lambda._functions import Function
from streamsim._lambda._metrics import MappingMetrics
from streamsim._lambda._poller import MappingPoller
from streamsim._lambda._service import LambdaSettings
from streamsim._lambda._source import EventSource, SourceShard
from tests.lambda_support import put, streamed

Record = tuple[int, int, int]  # sequence number, created ms, partition key


class FakeShard:
    """A closed or open shard of records held in a list."""

    def __init__(self, shard_id: str, records: list[Record], *, is_open: bool) -> None:
        self.shard_id = shard_id
        self.records = records
        self.is_open = is_open
        self.first_position = 0

    @property
    def end_position(self) -> int:
        """One past the last record."""
        return len(self.records)

    def read(self, position: int, limit: int | None = None) -> list[Record]:
        """Records from ``position``."""
        end = len(self.records) if limit is None else position + limit
        return self.records[position:end]

    def record_at(self, position: int) -> Record | None:
        """The record at ``position``."""
        return self.records[position] if position < len(self.records) else None


class FakeSource:
    """A source whose third shard is the merge of the first two (two parents)."""

    arn = "arn:aws:kinesis:us-east-1:123456789012:stream/fake"
    name = "fake"
    retention_ms = 86_400_000
    poll_interval_ms: int | None = None
    filter_view: Callable[[dict[str, Any]], Any] | None = None
    read_gate = None

    def __init__(self) -> None:
        self.a = FakeShard("a", [(1, 0, 1), (2, 0, 1)], is_open=False)
        self.b = FakeShard("b", [(3, 0, 2), (4, 0, 2)], is_open=False)
        self.c = FakeShard("c", [(5, 0, 1), (6, 0, 2)], is_open=True)
        self._parents: dict[str, tuple[SourceShard, ...]] = {"c": (self.a, self.b)}

    def lineage_order(self) -> list[SourceShard]:
        """Parents first."""
        return [self.a, self.b, self.c]

    def open_shards(self) -> list[SourceShard]:
        """The merged shard."""
        return [self.c]

    def parents(self, shard: SourceShard) -> tuple[SourceShard, ...]:
        """Two parents for the merged shard."""
        return self._parents.get(shard.shard_id, ())

    def descendants(self, shards: Iterable[SourceShard]) -> list[SourceShard]:
        """The merged shard continues both others."""
        given = list(shards)
        return [self.c] if (self.a in given or self.b in given) and self.c not in given else []

    def subscribe(
        self, on_append: Callable[[Any], None], on_new_shard: Callable[[Any], None]
    ) -> None:
        """Nothing is appended in this test."""

    def unsubscribe(
        self, on_append: Callable[[Any], None], on_new_shard: Callable[[Any], None]
    ) -> None:
        """Nothing to undo."""

    def events_builder(
        self, shard: SourceShard, function_arn: str
    ) -> Callable[[Sequence[Record]], list[dict[str, Any]]]:
        """Events carry the sequence number."""
        return lambda records: [{"sequenceNumber": str(r[0])} for r in records]

    def event_bytes(self, event: dict[str, Any]) -> int:
        """A small constant."""
        return 50

    def payload_bound(self, records: Sequence[Record]) -> int:
        """A small constant per record."""
        return 50 * len(records)

    def record_bound(self, record: Record) -> int:
        """A small constant."""
        return 50

    def partition_hash(self, record: Record) -> int:
        """The partition key itself."""
        return record[2]

    def sequence_number(self, record: Record) -> int:
        """The first field."""
        return record[0]

    def created_ms(self, record: Record) -> int:
        """The second field."""
        return record[1]

    def batch_info(self, shard_id: str, records: Sequence[Record]) -> tuple[str, dict[str, Any]]:
        """Not used here."""
        return "FakeBatchInfo", {"shardId": shard_id, "batchSize": len(records)}


class View:
    """The mapping as the poller sees it."""

    def __init__(self, function: Function) -> None:
        self.uuid = "mapping"
        self.config = MappingConfig(starting_position="TRIM_HORIZON")
        self.function = function
        self.last_processing_result = ""


def test_a_merged_shard_waits_for_both_parents() -> None:
    """A child with two parents is read only after both parents' records were processed."""
    source: EventSource = FakeSource()
    clock = Clock(0)
    pool: ConcurrencyPool[Function] = ConcurrencyPool(account_concurrency=10, unreserved_minimum=0)
    counter = itertools.count()
    environment = LambdaEnvironment(
        clock=clock,
        settings=LambdaSettings(),
        concurrency=pool,
        new_uuid=lambda: f"id-{next(counter)}",
        destination=lambda arn: None,
        region="us-east-1",
        account_id="123456789012",
    )
    calls: list[tuple[int, list[str]]] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        calls.append((clock.now_ms, [r["sequenceNumber"] for r in event["Records"]]))

    def duration(event: dict[str, Any]) -> float:
        return 1.0 if event["Records"][0]["sequenceNumber"] == "3" else 0.01

    function = Function(
        name="f",
        handler=handler,
        clock=clock,
        region="us-east-1",
        account_id="123456789012",
        request_ids=environment.new_uuid,
        duration=duration,
        concurrency=pool,
    )
    pool.add(function, None)
    poller = MappingPoller(
        View(function), environment=environment, source=source, metrics=MappingMetrics.bounded(None)
    )
    poller.attach()
    poller.set_active(True)
    for at in range(0, 3_000, 50):
        clock.advance_to(at)
        poller._check()
        pool._check()
    assert calls == [(0, ["1", "2"]), (0, ["3", "4"]), (1_000, ["5", "6"])]


def test_dynamodb_source_gives_the_streams_view() -> None:
    """The adapter lists the stream's shards, parents as a tuple, and the records' fields."""
    sim, table = streamed()
    put(table, "a")
    stream = sim._model.streams[0]
    source = DynamoDBStreamSource(stream, order_by_full_key=False)
    assert source.arn == stream.arn
    assert source.lineage_order() == stream.lineage_order()
    (shard,) = stream.open_shards
    assert source.parents(shard) == ()
    (record,) = shard.read(0)
    view = shard.records[0]
    assert source.sequence_number(record) == int(view.sequence_number)
    build = source.events_builder(shard, "arn:aws:lambda:us-east-1:123456789012:function:f")
    assert build([record])[0]["eventSourceARN"] == stream.arn
    assert source.record_bound(record) >= source.event_bytes(build([record])[0])
