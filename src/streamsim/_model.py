"""The model root: the state of one simulated AWS account and region.

:class:`Model` holds the clock, the named random generators, the DynamoDB table catalog (tables,
their metadata and every stream they enabled), the TransactWriteItems idempotency tokens, and
the Lambda service.  It knows nothing of faces: the boto3-shaped clients and the ``Table``
receive the model (or the parts they need) and translate; the user's handle, ``Simulation``,
owns one model, moves its time, and creates the faces.
"""

from __future__ import annotations

import random
from itertools import pairwise

from streamsim._clock import Clock
from streamsim._dynamodb._catalog import TableCatalog
from streamsim._dynamodb._splits import SplitPolicy
from streamsim._dynamodb._transactions import IdempotencyTokens
from streamsim._dynamodb._ttl import TTLSettings
from streamsim._kinesis._service import KinesisService
from streamsim._kinesis._settings import KinesisSettings
from streamsim._kinesis_destinations import KinesisDestinations
from streamsim._lambda._service import LambdaService, LambdaSettings
from streamsim._streams._partitions import Partition
from streamsim._streams._shard import Shard
from streamsim._streams._stream import Stream, StreamSettings


class Model:
    """Everything one simulated account and region holds, and nothing about how it is shown.

    Args:
        seed: the seed of every named generator.
        clock: the virtual clock.
        region, account_id: used in ARNs and records.
        stream_settings, ttl_settings, split_policy: what every new table gets.
        lambda_settings: the Lambda service's settings (None: AWS's behaviour).
        kinesis_settings: the Kinesis service's settings (None: AWS's behaviour).

    >>> model = Model(seed=7, clock=Clock(0), region="us-east-1", account_id="123456789012")
    >>> model.rng("x").random() == random.Random("7/x").random()
    True
    >>> model.tables.create("orders", hash_key="pk").arn
    'arn:aws:dynamodb:us-east-1:123456789012:table/orders'
    """

    def __init__(
        self,
        *,
        seed: int,
        clock: Clock,
        region: str,
        account_id: str,
        stream_settings: StreamSettings | None = None,
        ttl_settings: TTLSettings | None = None,
        split_policy: SplitPolicy | None = None,
        lambda_settings: LambdaSettings | None = None,
        kinesis_settings: KinesisSettings | None = None,
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self._rngs: dict[str, random.Random] = {}
        self.tables = TableCatalog(
            clock=clock,
            rng=self.rng,
            region=region,
            account_id=account_id,
            stream_settings=stream_settings or StreamSettings(),
            ttl_settings=ttl_settings or TTLSettings(),
            split_policy=split_policy or SplitPolicy(),
        )
        self.transaction_tokens = IdempotencyTokens(clock)
        self._lambda_settings = lambda_settings
        self._lambda: LambdaService | None = None
        #: Kinesis Data Streams (rule K.1-K.15)
        self.kinesis = KinesisService(
            clock=clock,
            seed=seed,
            region=region,
            account_id=account_id,
            settings=kinesis_settings,
        )
        #: DynamoDB's Kinesis streaming destinations (rule K.16-K.19)
        self.kinesis_destinations = KinesisDestinations(
            clock=clock,
            tables=self.tables,
            kinesis=self.kinesis,
            ids=self.rng("kinesis/destination-ids"),
            duplicates=self.rng("kinesis/destination-duplicates"),
            region=region,
        )

    def rng(self, name: str) -> random.Random:
        """The named child generator ``random.Random(f"{seed}/{name}")``, made once per name."""
        gen = self._rngs.get(name)
        if gen is None:
            gen = self._rngs[name] = random.Random(f"{self.seed}/{name}")
        return gen

    @property
    def streams(self) -> list[Stream]:
        """Every stream still listed (enabled, or ended within the retention period)."""
        return self.tables.readable_streams()

    def find_stream(self, arn: str) -> Stream | None:
        """The readable stream with ARN ``arn``, or None."""
        return self.tables.find_stream(arn)

    @property
    def lambda_service(self) -> LambdaService:
        """The Lambda service (functions, event source mappings), created on first use."""
        if self._lambda is None:
            self._lambda = LambdaService(
                clock=self.clock,
                rng=self.rng("lambda/ids"),
                find_stream=self.find_stream,
                find_kinesis_stream=self.kinesis.find_stream,
                region=self.region,
                account_id=self.account_id,
                settings=self._lambda_settings,
            )
            # a deleted Kinesis stream ends the mappings reading it (rule L.12)
            self.kinesis.on_deleted.append(self._lambda.stream_deleted)
        return self._lambda

    def _check(self) -> None:
        """Assert every invariant of the model: each owner's ``_check()``, then each stream's.

        Beyond what the table catalog, the tables, the streams and the Lambda service check of
        themselves, every stream ever enabled (readable or not) is checked through its public
        read API by :func:`check_stream`: lineage, sequence numbers and retention.
        """
        self.clock._check()
        self.tables._check()
        history: dict[int, dict[int, Partition]] = {}
        for name in self.tables.names():
            engine = self.tables.get(name)
            parts = {p.partition_id: p for p in engine.partitions.history}
            for stream in engine.streams:
                history[id(stream)] = parts
        now_ms = self.clock.now_ms
        for stream in self.tables.all_streams():
            check_stream(stream, now_ms, history.get(id(stream)))
        if self._lambda is not None:
            self._lambda._check()
        self.kinesis._check()
        self.kinesis_destinations._check()


def check_stream(stream: Stream, now_ms: int, partitions: dict[int, Partition] | None) -> None:
    """Assert a stream's invariants, as seen through the public read API of its shards.

    Args:
        stream: the stream.
        now_ms: the current virtual time.
        partitions: every partition its table ever had, by id (None: the table is gone), to
            check that a split parent's two children cover its hash range.

    AWS behaviour: rule A.3 (sequence numbers increase within a shard, and across the stream as
    issued unless the teaching setting ``sequence_numbers="per_shard"`` is on), A.9 (no
    readable record is older than the retention period), A.10 (lineage: a parent closes
    before its children open, and they number above it unless per-shard; a rotation has one
    child on the same partition, a split two, one per half; a disabled stream has no open
    shard).
    """
    shards = stream.all_shards
    ids = {shard.shard_id for shard in shards}
    assert len(ids) == len(shards), f"stream {stream.arn}: two shards share an id"
    next_sn = stream.next_sequence_number
    horizon = now_ms - stream.settings.retention_ms
    issued: list[tuple[int, int]] = []  # (sequence number, created) of every readable record
    for shard in shards:
        name = f"stream {stream.arn} shard {shard.shard_id}"
        assert shard.stream is stream, f"{name}: belongs to another stream"
        assert shard.starting_sequence_number < next_sn, f"{name}: starts at an unissued number"
        issued.append((shard.starting_sequence_number, shard.created_ms))
        # the teaching setting gives each shard unrelated numbers (rule A.3 allows it)
        per_shard = stream.settings.sequence_numbers == "per_shard"
        _check_lineage(shard, name, ids, partitions, per_shard)
        if shard.is_open:
            assert stream.is_enabled, f"{name}: open in a stream that has ended"
        else:
            closed_ms, ending = shard.closed_ms, shard.ending_sequence_number
            assert closed_ms is not None, f"{name}: has an ending but no closing time"
            assert ending is not None, f"{name}: closed without an ending sequence number"
            assert shard.created_ms <= closed_ms <= now_ms, f"{name}: closed out of time"
            assert shard.starting_sequence_number <= ending < next_sn, (
                f"{name}: ending sequence number {ending} out of its range"
            )
        _check_records(shard, name, horizon, now_ms, issued)
    issued.sort()
    numbers = [sn for sn, _ in issued]
    assert len(set(numbers)) == len(numbers), f"stream {stream.arn}: a sequence number reused"
    times = [created for _, created in issued]
    assert stream.settings.sequence_numbers == "per_shard" or times == sorted(times), (
        f"stream {stream.arn}: sequence numbers do not increase across the stream as issued"
    )
    if not stream.is_enabled:
        assert not stream.open_shards, f"stream {stream.arn}: ended but has open shards"


def _check_lineage(
    shard: Shard,
    name: str,
    ids: set[str],
    partitions: dict[int, Partition] | None,
    per_shard: bool = False,
) -> None:
    """Assert one shard's links: parent and children of one stream, in time and number order."""
    seen = {shard.shard_id}
    for ancestor in shard.ancestors():
        assert ancestor.shard_id not in seen, f"{name}: its lineage has a cycle"
        seen.add(ancestor.shard_id)
    parent = shard.parent
    if parent is not None:
        assert parent.stream is shard.stream, f"{name}: its parent is in another stream"
        assert shard in parent.children, f"{name}: its parent does not list it as a child"
        assert not parent.is_open, f"{name}: opened while its parent is still open"
        parent_closed, parent_end = parent.closed_ms, parent.ending_sequence_number
        assert parent_closed is not None, f"{name}: its parent has no closing time"
        assert parent_closed <= shard.created_ms, f"{name}: opened before its parent closed"
        assert parent_end is not None, f"{name}: its parent has no ending sequence number"
        assert per_shard or shard.starting_sequence_number > parent_end, (
            f"{name}: its sequence numbers do not exceed its parent's"
        )
    children = shard.children
    for child in children:
        assert child.parent is shard or child.shard_id not in ids, (
            f"{name}: child {child.shard_id} names another parent"
        )
    assert not (shard.is_open and children), f"{name}: open but has children"
    if len(children) == 1:
        assert children[0].partition_id == shard.partition_id, (
            f"{name}: its one child continues another partition"
        )
    elif len(children) == 2:
        if partitions is not None:
            old = partitions[shard.partition_id]
            left, right = (partitions[c.partition_id] for c in children)
            assert left.parent_id == right.parent_id == old.partition_id, (
                f"{name}: split children are not halves of its partition"
            )
            assert (left.lo, left.hi, right.hi) == (old.lo, right.lo, old.hi), (
                f"{name}: split children do not cover its hash range"
            )
    else:
        assert not children, f"{name}: has {len(children)} children (expected 0, 1 or 2)"


def _check_records(
    shard: Shard, name: str, horizon: int, now_ms: int, issued: list[tuple[int, int]]
) -> None:
    """Assert one shard's readable records: numbers, times, retention, positions."""
    first, end = shard.first_position, shard.end_position
    assert 0 <= first <= end, f"{name}: first position {first} past end position {end}"
    records = shard.records
    assert len(records) == end - first, (
        f"{name}: {len(records)} readable records between positions {first} and {end}"
    )
    assert len(shard.read(first)) == len(records), f"{name}: read() and records disagree"
    sns = [record.sequence_number for record in records]
    assert all(a < b for a, b in pairwise(sns)), (
        f"{name}: sequence numbers do not strictly increase"
    )
    if not records:
        return
    assert sns[0] > shard.starting_sequence_number, f"{name}: a record numbered below its start"
    assert sns[0] > shard.trimmed_through, f"{name}: a trimmed record is still readable"
    assert sns[-1] == shard.last_sequence_number, f"{name}: last sequence number is stale"
    ending = shard.ending_sequence_number
    assert ending is None or sns[-1] <= ending, f"{name}: a record numbered past its end"
    for record in records:
        created = record.created_ms
        assert created >= horizon, (
            f"{name}: record {record.sequence_number} created at {created} is past retention"
        )
        closed = shard.closed_ms
        assert shard.created_ms <= created <= (now_ms if closed is None else closed), (
            f"{name}: record {record.sequence_number} created outside the shard's lifetime"
        )
        issued.append((record.sequence_number, created))
