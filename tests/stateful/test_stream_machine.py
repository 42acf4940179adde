"""Stateful: the table and its streams against a trivially correct model, rule by rule.

The model is a dict of items and, per stream, the list of changes it must hold.  Rules write,
advance time (past the retention, so trimming happens), split partitions, disable and re-enable
the stream, and read every stream through the client.  After every step the invariants compare
the simulator with the model and call ``stream._check()``, ``engine._check()`` and ``sim._check()``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from streamsim._clock import MS_PER_HOUR, MS_PER_MINUTE
from streamsim._items import python_to_item
from streamsim._simulation import Simulation
from streamsim._streams._records import VIEW_IMAGES
from streamsim._streams._stream import StreamSettings
from streamsim.testing import Change, check_stream_history, read_stream

KEYS = [f"item#{i}" for i in range(5)]
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


class StreamMachine(RuleBasedStateMachine):
    """Writes, time, splits and stream toggles, checked against a dict-and-list model."""

    def __init__(self) -> None:
        super().__init__()
        # one reader per shard per read; several reads may fall into one virtual second
        self.sim = Simulation(seed=5, stream_settings=StreamSettings(max_readers_per_shard=None))
        self.table = self.sim.create_table(
            "orders", hash_key="pk", partitions=2, stream_view_type="NEW_AND_OLD_IMAGES"
        )
        self.engine = self.table._engine
        self.items: dict[str, dict[str, Any]] = {}
        self.expected: dict[str, list[Change]] = {self.table.stream.arn: []}
        self.count = 0

    # --- the model ------------------------------------------------------------------------------

    def _changed(self, key: str, new: dict[str, Any] | None) -> None:
        old = self.items.get(key)
        if old == new:
            return
        if new is None:
            del self.items[key]
        else:
            self.items[key] = new
        stream = self.table.stream
        if stream is None:
            return
        event = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
        self.expected[stream.arn].append(
            Change(
                keys={"pk": {"S": key}},
                event_name=event,
                old_image=None if old is None else python_to_item(old),
                new_image=None if new is None else python_to_item(new),
                at_ms=self.sim.now_ms,
                stream_arn=stream.arn,
                index=self.count,
            )
        )
        self.count += 1

    def _readable(self, arn: str) -> list[Change]:
        horizon = self.sim.now_ms - self.sim.stream_settings.retention_ms
        return [c for c in self.expected[arn] if c.at_ms >= horizon]

    # --- rules ----------------------------------------------------------------------------------

    @rule(key=st.sampled_from(KEYS), value=st.integers(0, 2))
    def put(self, key: str, value: int) -> None:
        self.table.put_item(Item={"pk": key, "v": value})
        self._changed(key, {"pk": key, "v": value})

    @rule(key=st.sampled_from(KEYS))
    def increment(self, key: str) -> None:
        self.table.update_item(
            Key={"pk": key},
            UpdateExpression="SET c = if_not_exists(c, :zero) + :one",
            ExpressionAttributeValues={":zero": 0, ":one": 1},
        )
        new = dict(self.items.get(key, {"pk": key}))
        new["c"] = new.get("c", 0) + 1
        self._changed(key, new)

    @rule(key=st.sampled_from(KEYS))
    def delete(self, key: str) -> None:
        self.table.delete_item(Key={"pk": key})
        self._changed(key, None)

    @rule(ms=st.sampled_from([1, 1000, 10 * MS_PER_MINUTE, MS_PER_HOUR, 4 * MS_PER_HOUR]))
    def advance(self, ms: int) -> None:
        self.sim.advance(milliseconds=ms)

    @precondition(lambda self: len(self.table.partitions) < 10)
    @rule(index=st.integers(0, 9))
    def split(self, index: int) -> None:
        self.table.split_partition(index % len(self.table.partitions))

    @precondition(lambda self: self.table.stream is not None)
    @rule()
    def disable(self) -> None:
        self.table.disable_stream()

    @precondition(lambda self: self.table.stream is None)
    @rule(view_type=st.sampled_from(VIEW_TYPES))
    def enable(self, view_type: str) -> None:
        stream = self.table.enable_stream(view_type)
        self.expected[stream.arn] = []

    @rule()
    def read_through_the_client(self) -> None:
        for stream in self.sim.streams:
            records = read_stream(self.sim, stream.arn)
            result = check_stream_history(records, self._readable(stream.arn))
            assert result.valid, result.explanation

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def model_checks_pass(self) -> None:
        """The streams' and the table's own invariants hold after every step."""
        for stream in self.table.streams:
            stream._check()
        self.engine._check()

    @invariant()
    def simulation_checks_pass(self) -> None:
        """Every cross-object invariant of the simulation holds after every step."""
        self.sim._check()

    @invariant()
    def table_holds_the_model_items(self) -> None:
        stored = {item["pk"]["S"]: item for item in self.engine.iter_items()}
        assert stored == {key: python_to_item(value) for key, value in self.items.items()}

    @invariant()
    def each_stream_holds_exactly_its_readable_changes(self) -> None:
        for stream in self.sim.streams:
            show_old, show_new = VIEW_IMAGES[stream.view_type]
            got = [(r.keys, r.event_name, r.old_image, r.new_image, r.created_ms) for r in stream]
            want = [
                (
                    c.keys,
                    c.event_name,
                    c.old_image if show_old else None,
                    c.new_image if show_new else None,
                    c.at_ms,
                )
                for c in self._readable(stream.arn)
            ]
            assert sorted(got, key=repr) == sorted(want, key=repr)

    @invariant()
    def one_open_shard_per_partition_while_enabled(self) -> None:
        stream = self.table.stream
        if stream is not None:
            assert len(stream.open_shards) == len(self.table.partitions)


StreamMachine.TestCase.settings = settings(stateful_step_count=40, deadline=None)
TestStreamMachine = StreamMachine.TestCase
