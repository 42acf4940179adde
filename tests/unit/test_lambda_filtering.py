"""FilterCriteria in the poller: skipped, checkpointed, never retried or sent on (D.8, G.14)."""

from __future__ import annotations

import json
from typing import Any

from tests.lambda_support import Recorder, attach, put, streamed


def criteria(*patterns: dict[str, Any]) -> dict[str, Any]:
    """FilterCriteria from pattern objects."""
    return {"Filters": [{"Pattern": json.dumps(p)} for p in patterns]}


def test_filtered_out_records_are_skipped_and_counted() -> None:
    """Only matching records reach the function; the others are counted as filtered out."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, FilterCriteria=criteria({"eventName": ["INSERT"]}))
    put(table, "a", "b")
    table.put_item(Item={"pk": "a", "v": 1})  # MODIFY
    table.delete_item(Key={"pk": "b"})  # REMOVE
    put(table, "c")
    sim.advance(seconds=1)
    assert rec.pks() == [["a", "b", "c"]]
    assert mapping.metrics.filtered_out == 2
    assert mapping.metrics.polled == 5


def test_or_across_filters_and_within_value_lists() -> None:
    """A record passes if any filter matches (OR); values in a list are alternatives."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(
        sim,
        rec,
        FilterCriteria=criteria(
            {"dynamodb": {"Keys": {"pk": {"S": ["a", "b"]}}}},
            {"dynamodb": {"NewImage": {"tier": {"S": [{"prefix": "gold"}]}}}},
        ),
    )
    put(table, "a", "b", "c")
    table.put_item(Item={"pk": "d", "tier": "gold-plus"})
    sim.advance(seconds=1)
    assert rec.pks() == [["a", "b", "d"]]


def test_all_filtered_batch_causes_no_invocation() -> None:
    """A batch whose records are all filtered out invokes nothing (D.8)."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, FilterCriteria=criteria({"eventName": ["REMOVE"]}))
    put(table, *[f"k{i}" for i in range(300)])
    sim.advance(seconds=1)
    assert rec.calls == []
    assert mapping.invocation_log == []
    assert mapping.metrics.filtered_out == 300


def test_filtered_records_are_not_retried_nor_sent_to_destination() -> None:
    """Filtered-out records are checkpointed: never retried, never in on-failure records (G.14)."""
    sim, table = streamed()
    queue = sim.create_queue("dlq")

    def fail(event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    rec = Recorder(sim, fail)
    attach(
        sim,
        rec,
        FilterCriteria=criteria({"dynamodb": {"Keys": {"pk": {"S": ["keep"]}}}}),
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue.arn}},
    )
    put(table, "skip1", "keep", "skip2")
    sim.advance(seconds=10)
    assert rec.pks() == [["keep"], ["keep"]]
    (message,) = queue.messages
    assert message["DDBStreamBatchInfo"]["batchSize"] == 1


def test_batch_size_counts_matching_records() -> None:
    """BatchSize counts records that passed the filter."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(
        sim,
        rec,
        BatchSize=2,
        FilterCriteria=criteria({"dynamodb": {"NewImage": {"even": {"BOOL": [True]}}}}),
    )
    for i in range(8):
        table.put_item(Item={"pk": f"k{i}", "even": i % 2 == 0})
    sim.advance(seconds=1)
    assert rec.pks() == [["k0", "k2"], ["k4", "k6"]]


def test_filter_on_ttl_user_identity() -> None:
    """TTL deletes can be selected by their lower-case userIdentity (AWS's archiving example)."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(
        sim,
        rec,
        FilterCriteria=criteria(
            {"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}
        ),
    )
    table.enable_time_to_live("expires")
    expires = sim.now_ms // 1000 + 60
    table.put_item(Item={"pk": "ttl", "expires": expires})
    table.put_item(Item={"pk": "manual"})
    table.delete_item(Key={"pk": "manual"})
    sim.advance(hours=1)
    assert rec.pks() == [["ttl"]]
    (record,) = rec.events[0]["Records"]
    assert record["eventName"] == "REMOVE"
    assert record["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def test_filter_change_applies_to_later_reads() -> None:
    """An updated FilterCriteria applies to records read afterwards."""
    sim, table = streamed()
    rec = Recorder(sim)
    mapping = attach(sim, rec, FilterCriteria=criteria({"eventName": ["REMOVE"]}))
    put(table, "a")
    sim.advance(seconds=1)
    sim.client("lambda").update_event_source_mapping(
        UUID=mapping.uuid, FilterCriteria={"Filters": []}
    )
    put(table, "b")
    sim.advance(seconds=1)
    assert rec.pks() == [["b"]]
