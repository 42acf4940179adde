"""Stateful: the whole simulation under random writes, splits, toggles, TTL, time and Lambda.

Rules write and delete items (some with a TTL attribute, which the sweep deletes as time moves),
split partitions, disable and re-enable the table's stream, rotate shards, move time (past the
retention period, so trimming happens), create, disable and delete event source mappings whose
handler fails at random (seeded), and reserve or free the function's concurrency.  After every
step ``Simulation._check()`` holds: every owner's invariants and every cross-object one.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from streamsim import Simulation

KEYS = [f"key{i}" for i in range(6)]
HOUR_MS = 3_600_000


class FlakyHandler:
    """Raises or reports a failed record at random (seeded); otherwise succeeds."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        records = event["Records"]
        roll = self.rng.random()
        if records and roll < 0.2:
            raise RuntimeError("random failure")
        if records and roll < 0.35:
            failed = self.rng.choice(records)["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": failed}]}
        return None


class SimulationMachine(RuleBasedStateMachine):
    """One table with a stream, TTL and a Lambda mapping, pushed through random steps."""

    def __init__(self) -> None:
        super().__init__()
        self.sim = Simulation(seed=23)
        self.table = self.sim.create_table(
            "orders", hash_key="pk", partitions=2, stream_view_type="NEW_AND_OLD_IMAGES"
        )
        self.table.enable_time_to_live("expires")
        self.sim.create_function("handler", FlakyHandler(self.sim.rng("test/handler")))
        self.client = self.sim.client("lambda")
        self.mappings: list[str] = []
        self.seq = 0

    # --- the table ------------------------------------------------------------------------------

    @rule(key=st.sampled_from(KEYS), expires_in_s=st.one_of(st.none(), st.integers(0, 7_200)))
    def put(self, key: str, expires_in_s: int | None) -> None:
        item: dict[str, Any] = {"pk": key, "seq": self.seq}
        if expires_in_s is not None:
            item["expires"] = self.sim.now_ms // 1000 + expires_in_s
        self.table.put_item(Item=item)
        self.seq += 1

    @rule(key=st.sampled_from(KEYS))
    def delete(self, key: str) -> None:
        self.table.delete_item(Key={"pk": key})

    @precondition(lambda self: len(self.table.partitions) < 8)
    @rule(index=st.integers(0, 7))
    def split(self, index: int) -> None:
        self.table.split_partition(index % len(self.table.partitions))

    @precondition(lambda self: self.table.stream is not None)
    @rule()
    def rotate(self) -> None:
        self.table.stream.rotate_now()

    @precondition(lambda self: self.table.stream is not None)
    @rule()
    def disable_stream(self) -> None:
        self.table.disable_stream()

    @precondition(lambda self: self.table.stream is None)
    @rule()
    def enable_stream(self) -> None:
        self.table.enable_stream("NEW_AND_OLD_IMAGES")

    # --- time -----------------------------------------------------------------------------------

    @rule(ms=st.sampled_from([1, 500, 5_000, 60_000, HOUR_MS, 6 * HOUR_MS]))
    def advance(self, ms: int) -> None:
        self.sim.advance(milliseconds=ms)

    # --- Lambda ---------------------------------------------------------------------------------

    @precondition(lambda self: self.table.stream is not None and len(self.mappings) < 2)
    @rule(batch_size=st.integers(1, 4), factor=st.integers(1, 2))
    def create_mapping(self, batch_size: int, factor: int) -> None:
        for uuid in self.mappings:  # one mapping per function and stream
            mapping = self.client.get_event_source_mapping(UUID=uuid)
            if mapping["EventSourceArn"] == self.table.latest_stream_arn:
                return
        self.mappings.append(
            self.client.create_event_source_mapping(
                FunctionName="handler",
                EventSourceArn=self.table.latest_stream_arn,
                StartingPosition="TRIM_HORIZON",
                BatchSize=batch_size,
                ParallelizationFactor=factor,
                FunctionResponseTypes=["ReportBatchItemFailures"],
                MaximumRetryAttempts=2,
            )["UUID"]
        )

    @precondition(lambda self: self.mappings)
    @rule(data=st.data(), enabled=st.booleans())
    def toggle_mapping(self, data: st.DataObject, enabled: bool) -> None:
        uuid = data.draw(st.sampled_from(self.mappings))
        if self.client.get_event_source_mapping(UUID=uuid)["State"] in ("Enabled", "Disabled"):
            self.client.update_event_source_mapping(UUID=uuid, Enabled=enabled)

    @precondition(lambda self: self.mappings)
    @rule(data=st.data())
    def delete_mapping(self, data: st.DataObject) -> None:
        uuid = data.draw(st.sampled_from(self.mappings))
        if self.client.get_event_source_mapping(UUID=uuid)["State"] in ("Enabled", "Disabled"):
            self.client.delete_event_source_mapping(UUID=uuid)
            self.mappings.remove(uuid)

    @rule(reserved=st.one_of(st.none(), st.integers(0, 2)))
    def concurrency(self, reserved: int | None) -> None:
        if reserved is None:
            self.client.delete_function_concurrency(FunctionName="handler")
        else:
            self.client.put_function_concurrency(
                FunctionName="handler", ReservedConcurrentExecutions=reserved
            )

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def simulation_checks_pass(self) -> None:
        """Every invariant of the simulation holds after every step."""
        self.sim._check()

    def teardown(self) -> None:
        """With concurrency freed and a day gone by, the invariants still hold."""
        self.client.delete_function_concurrency(FunctionName="handler")
        self.sim.advance(hours=30)
        self.sim._check()


SimulationMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None
)
TestSimulationMachine = SimulationMachine.TestCase
