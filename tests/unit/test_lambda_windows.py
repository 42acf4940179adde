"""Tumbling windows: window fields, state between invocations, final invocation (rule D.9)."""

from __future__ import annotations

from typing import Any

from tests.lambda_support import Recorder, attach, put, streamed
from tests.shapes import validate_dynamodb_stream_event


def counting(event: dict[str, Any]) -> dict[str, Any]:
    """Count records into the window's state."""
    state = dict(event["state"])
    state["n"] = state.get("n", 0) + len(event["Records"])
    return {"state": state, "batchItemFailures": []}


def test_window_fields_and_state_flow() -> None:
    """Each event carries window, state, shardId, eventSourceARN and the two flags."""
    sim, table = streamed()
    rec = Recorder(sim, counting)
    attach(sim, rec, TumblingWindowInSeconds=60, BatchSize=2)
    put(table, "a", "b", "c")
    sim.advance(seconds=61)
    events = rec.events
    assert [len(e["Records"]) for e in events] == [2, 1, 0]
    assert [e["state"] for e in events] == [{}, {"n": 2}, {"n": 3}]
    assert [e["isFinalInvokeForWindow"] for e in events] == [False, False, True]
    assert all(e["isWindowTerminatedEarly"] is False for e in events)
    assert events[0]["window"] == {"start": "2024-01-01T00:00:00Z", "end": "2024-01-01T00:01:00Z"}
    assert events[0]["shardId"] == sim.streams[0].shards[0].shard_id
    assert events[0]["eventSourceARN"] == sim.streams[0].arn
    for event in events:
        validate_dynamodb_stream_event(event)


def test_final_invocation_at_window_end() -> None:
    """The final invocation happens once the window's end has passed."""
    sim, table = streamed()
    rec = Recorder(sim, counting)
    attach(sim, rec, TumblingWindowInSeconds=30)
    sim.advance(seconds=10)
    put(table, "a")
    sim.advance(seconds=15)
    assert [e["isFinalInvokeForWindow"] for e in rec.events] == [False]
    sim.advance(seconds=10)
    assert [e["isFinalInvokeForWindow"] for e in rec.events] == [False, True]
    assert rec.calls[1][0] - rec.calls[0][0] >= 19_000


def test_records_of_next_window_start_fresh_state() -> None:
    """A record of a later window closes the current one first; the new one starts empty."""
    sim, table = streamed()
    rec = Recorder(sim, counting)
    attach(sim, rec, TumblingWindowInSeconds=60)
    put(table, "a", "b")
    sim.advance(seconds=61)
    put(table, "c")
    sim.advance(seconds=61)
    summary = [(len(e["Records"]), e["state"], e["isFinalInvokeForWindow"]) for e in rec.events]
    assert summary == [(2, {}, False), (0, {"n": 2}, True), (1, {}, False), (0, {"n": 1}, True)]
    assert rec.events[2]["window"]["start"] == "2024-01-01T00:01:00Z"


def test_backlog_spanning_windows_is_split_by_window() -> None:
    """Records of different windows never share a batch, even when read together."""
    sim, table = streamed()
    put(table, "w0")
    sim.advance(seconds=60)
    put(table, "w1")
    rec = Recorder(sim, counting)
    attach(sim, rec, TumblingWindowInSeconds=60, StartingPosition="TRIM_HORIZON")
    sim.advance(seconds=1)
    assert [(rec.pks()[i], e["isFinalInvokeForWindow"]) for i, e in enumerate(rec.events)] == [
        (["w0"], False),
        ([], True),
        (["w1"], False),
    ]


def test_response_without_state_is_a_failure() -> None:
    """A response without ``state`` is a failed invocation, retried (D.9)."""
    sim, table = streamed()
    answers = iter([{"batchItemFailures": []}, {"state": {"ok": True}}])
    rec = Recorder(sim, lambda event: next(answers) if event["Records"] else {"state": {}})
    mapping = attach(sim, rec, TumblingWindowInSeconds=60)
    put(table, "a")
    sim.advance(seconds=5)
    assert [entry.outcome for entry in mapping.invocation_log] == ["function_error", "success"]
    assert rec.events[1]["state"] == {}


def test_failed_final_invocation_blocks_until_it_succeeds() -> None:
    """A failing final invocation is retried; nothing of the next window runs meanwhile."""
    sim, table = streamed()
    finals = {"n": 0}

    def respond(event: dict[str, Any]) -> dict[str, Any]:
        if event["isFinalInvokeForWindow"]:
            finals["n"] += 1
            if finals["n"] < 3:
                raise RuntimeError("not yet")
        return {"state": {}}

    rec = Recorder(sim, respond)
    attach(sim, rec, TumblingWindowInSeconds=60)
    put(table, "a")
    sim.advance(seconds=60)
    put(table, "b")
    sim.advance(seconds=30)
    kinds = [
        ("final" if e["isFinalInvokeForWindow"] else rec.pks()[i]) for i, e in enumerate(rec.events)
    ]
    assert kinds == [["a"], "final", "final", "final", ["b"]]


def test_shard_end_closes_the_window() -> None:
    """When a shard ends (rotation), its window gets its final invocation; children start fresh."""
    sim, table = streamed()
    rec = Recorder(sim, counting)
    attach(sim, rec, TumblingWindowInSeconds=900)
    put(table, "a")
    sim.advance(seconds=1)
    sim.streams[0].rotate_now()
    put(table, "b")
    sim.advance(seconds=2)
    summary = [
        (e["shardId"], len(e["Records"]), e["state"], e["isFinalInvokeForWindow"])
        for e in rec.events
    ]
    parent, child = sim.streams[0].shards[0].shard_id, sim.streams[0].shards[1].shard_id
    assert summary == [(parent, 1, {}, False), (parent, 0, {"n": 1}, True), (child, 1, {}, False)]


def test_state_over_1mb_terminates_window_early() -> None:
    """State beyond 1 MB ends the window early; it continues with fresh state (D.9)."""
    sim, table = streamed()

    def respond(event: dict[str, Any]) -> dict[str, Any]:
        if event["isFinalInvokeForWindow"]:
            return {"state": {}}
        return {"state": {"blob": "x" * (1024 * 1024 + 1)}}

    rec = Recorder(sim, respond)
    attach(sim, rec, TumblingWindowInSeconds=60, BatchSize=1)
    put(table, "a", "b")
    sim.advance(seconds=2)
    flags = [(e["isFinalInvokeForWindow"], e["isWindowTerminatedEarly"]) for e in rec.events]
    assert flags[:3] == [(False, False), (True, True), (False, False)]
    assert rec.events[2]["state"] == {}


def test_window_with_only_discarded_batches_closes_silently() -> None:
    """A window whose records were all discarded needs no final invocation; the next one runs."""
    sim, table = streamed()

    def respond(event: dict[str, Any]) -> dict[str, Any]:
        if any(r["dynamodb"]["Keys"]["pk"]["S"] == "bad" for r in event["Records"]):
            raise RuntimeError("bad")
        return {"state": {}}

    put(table, "bad")
    sim.advance(seconds=61)
    put(table, "good")
    rec = Recorder(sim, respond)
    attach(sim, rec, TumblingWindowInSeconds=60, MaximumRetryAttempts=0)
    sim.advance(seconds=1)
    assert rec.pks() == [["bad"], ["good"]]
