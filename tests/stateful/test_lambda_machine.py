"""Stateful: an event source mapping under random lifecycle changes, checked rule by rule.

Rules write items, move time, rotate and split shards, disable and re-enable the mapping,
change its BatchSize and ParallelizationFactor, move it between two functions, and reserve,
zero or free the functions' concurrency.  The handler fails at random (seeded) through
ReportBatchItemFailures or by raising; retries are unlimited.  After every step the service's
``_check()`` holds (concurrency bookkeeping, no reader left with records and nothing to poll
it), and so does the simulation's ``_check()`` (every cross-object invariant); at the end,
with everything re-enabled and freed, every record has been processed successfully and each
key's records were first processed in write order.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from streamsim import Simulation

KEYS = [f"key{i}" for i in range(6)]


class Handler:
    """Fails at random; records per call the SNs it processed successfully."""

    def __init__(
        self, rng: random.Random, log: list[tuple[int, list[tuple[str, int, str]]]]
    ) -> None:
        self.rng = rng
        self.log = log  # (call number, [(key, seq, SN) processed successfully])

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        records = [
            (
                r["dynamodb"]["Keys"]["pk"]["S"],
                int(r["dynamodb"]["NewImage"]["seq"]["N"]),
                r["dynamodb"]["SequenceNumber"],
            )
            for r in event["Records"]
        ]
        roll = self.rng.random()
        if records and roll < 0.15:
            self.log.append((len(self.log), []))
            raise RuntimeError("random failure")
        if records and roll < 0.3:
            cut = self.rng.randrange(len(records))
            self.log.append((len(self.log), records[:cut]))
            return {"batchItemFailures": [{"itemIdentifier": records[cut][2]}]}
        self.log.append((len(self.log), records))
        return None


class MappingMachine(RuleBasedStateMachine):
    """An event source mapping pushed through random configuration changes."""

    def __init__(self) -> None:
        super().__init__()
        self.sim = Simulation(seed=11)
        self.table = self.sim.create_table(
            "orders", hash_key="pk", partitions=2, stream_view_type="NEW_IMAGE"
        )
        self.log: list[tuple[int, list[tuple[str, int, str]]]] = []
        rng = self.sim.rng("test/handler")
        self.sim.create_function("one", Handler(rng, self.log))
        self.sim.create_function("two", Handler(rng, self.log))
        self.client = self.sim.client("lambda")
        self.uuid = self.client.create_event_source_mapping(
            FunctionName="one",
            EventSourceArn=self.table.latest_stream_arn,
            StartingPosition="TRIM_HORIZON",
            BatchSize=3,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            MaximumRetryAttempts=-1,
        )["UUID"]
        self.written: dict[str, list[int]] = {}
        self.seq = 0

    @rule(key=st.sampled_from(KEYS), count=st.integers(1, 5))
    def write(self, key: str, count: int) -> None:
        for _ in range(count):
            self.table.put_item(Item={"pk": key, "seq": self.seq})
            self.written.setdefault(key, []).append(self.seq)
            self.seq += 1

    @rule(ms=st.integers(1, 5_000))
    def advance(self, ms: int) -> None:
        self.sim.advance(milliseconds=ms)

    @rule()
    def rotate(self) -> None:
        self.table.stream.rotate_now()

    @rule(index=st.integers(0, 3))
    def split(self, index: int) -> None:
        if index < len(self.table.partitions):
            self.table.split_partition(index)

    @rule(enabled=st.booleans())
    def toggle(self, enabled: bool) -> None:
        self.client.update_event_source_mapping(UUID=self.uuid, Enabled=enabled)

    @rule(size=st.integers(1, 6), factor=st.integers(1, 3))
    def reconfigure(self, size: int, factor: int) -> None:
        self.client.update_event_source_mapping(
            UUID=self.uuid, BatchSize=size, ParallelizationFactor=factor
        )

    @rule(name=st.sampled_from(["one", "two"]))
    def move(self, name: str) -> None:
        self.client.update_event_source_mapping(UUID=self.uuid, FunctionName=name)

    @rule(name=st.sampled_from(["one", "two"]), reserved=st.one_of(st.none(), st.integers(0, 2)))
    def concurrency(self, name: str, reserved: int | None) -> None:
        if reserved is None:
            self.client.delete_function_concurrency(FunctionName=name)
        else:
            self.client.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=reserved
            )

    @invariant()
    def bookkeeping_holds(self) -> None:
        """The Lambda service's own invariants hold after every step."""
        self.sim.lambda_service._check()

    @invariant()
    def simulation_checks_pass(self) -> None:
        """Every cross-object invariant of the simulation holds after every step."""
        self.sim._check()

    def teardown(self) -> None:
        self.client.update_event_source_mapping(UUID=self.uuid, Enabled=True)
        for name in ("one", "two"):
            self.client.delete_function_concurrency(FunctionName=name)
        self.sim.advance(hours=3)
        self.sim.lambda_service._check()
        first: dict[str, int] = {}
        for call, records in self.log:
            for _, _, sn in records:
                first.setdefault(sn, call)
        assert len(first) == self.seq, "some records were never processed successfully"
        seq_of = {sn: seq for _, records in self.log for _, seq, sn in records}
        key_of = {sn: key for _, records in self.log for key, _, sn in records}
        order: dict[str, list[int]] = {}
        for sn in sorted(first, key=lambda s: (first[s], int(s))):
            order.setdefault(key_of[sn], []).append(seq_of[sn])
        assert order == self.written


MappingMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=40, deadline=None)
TestMappingMachine = MappingMachine.TestCase
