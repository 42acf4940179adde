"""Testing a stream consumer: one correct consumer and three classic bugs the toolkit finds.

The consumer keeps, per group (the first letter of an item's ``pk``), the total of ``n`` over
the source table's items, in a sink table ``{"key": group, "n_total": ...}``.  The stream is
at-least-once: a batch whose invocation fails is delivered again, so the consumer must make
each record count once.

* :func:`correct`: idempotent: each record is added with one conditional update that also
  remembers its sequence number (``NOT contains(applied, :seq)``); a condition failure is
  checked, not assumed to mean "already applied".
* :func:`double_count`: adds without remembering: a retried batch counts twice.
* :func:`reports_event_id`: relies on ReportBatchItemFailures to retry only from the failed
  record, but reports the record's ``eventID`` instead of its sequence number, so Lambda
  retries the whole batch, and the records before the failure count twice.
* :func:`reports_last_failure`: carries on after a failed record and reports only the last
  failure: the earlier failed record is never retried.

And projectors keeping a copy of the source table in the sink: :func:`projector` (newest
sequence number wins, compared as numbers; deletes leave tombstones) passes;
:func:`projector_by_timestamp` (last writer wins by the 1-second ApproximateCreationDateTime),
:func:`projector_batched` (collapses a batch into deletes, then upserts),
:func:`projector_by_event_id` (orders a batch by eventID) and
:func:`projector_by_text_sequence` (compares sequence numbers as strings) fail.

Run it to see each consumer against the same scenario (a fault plan that crashes or fails
writes part-way through batches).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

from streamsim import ConditionalCheckFailedException
from streamsim.testing import (
    Advance,
    Crash,
    Delete,
    DownstreamError,
    FaultPlan,
    Put,
    Scenario,
    run_consumer_test,
)


def _delta(record: dict[str, Any]) -> tuple[str, int]:
    body = record["dynamodb"]
    old = int(body.get("OldImage", {}).get("n", {}).get("N", "0"))
    new = int(body.get("NewImage", {}).get("n", {}).get("N", "0"))
    return body["Keys"]["pk"]["S"][0], new - old


def correct(sink: Any) -> Any:
    """An idempotent consumer: each sequence number is applied at most once, atomically."""

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            group, delta = _delta(record)
            seq = record["dynamodb"]["SequenceNumber"]
            try:
                sink.update_item(
                    Key={"key": group},
                    UpdateExpression="ADD n_total :d, applied :s",
                    ConditionExpression="NOT contains(applied, :seq)",
                    ExpressionAttributeValues={":d": delta, ":s": {seq}, ":seq": seq},
                )
            except ConditionalCheckFailedException:
                item = sink.get_item(Key={"key": group}).get("Item", {})
                if seq not in item.get("applied", set()):
                    raise  # a real failure, not a duplicate: let Lambda retry

    return handler


def double_count(sink: Any) -> Any:
    """Bug: not idempotent; a batch retried after a failure part-way counts twice."""

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            group, delta = _delta(record)
            sink.update_item(
                Key={"key": group},
                UpdateExpression="ADD n_total :d",
                ExpressionAttributeValues={":d": delta},
            )

    return handler


def _partial(sink: Any, identifier: str, stop: bool, last_only: bool) -> Any:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures: list[dict[str, str]] = []
        for record in event["Records"]:
            group, delta = _delta(record)
            try:
                sink.update_item(
                    Key={"key": group},
                    UpdateExpression="ADD n_total :d",
                    ExpressionAttributeValues={":d": delta},
                )
            except Exception:
                ident = (
                    record["dynamodb"]["SequenceNumber"]
                    if identifier == "sequence"
                    else record["eventID"]
                )
                failures.append({"itemIdentifier": ident})
                if stop:
                    break
        return {"batchItemFailures": failures[-1:] if last_only else failures}

    return handler


def reports_sequence_number(sink: Any) -> Any:
    """Correct use of ReportBatchItemFailures: stop at the first failure, report its number."""
    return _partial(sink, "sequence", stop=True, last_only=False)


def reports_event_id(sink: Any) -> Any:
    """Bug: reports the failed record's eventID; the whole batch is retried."""
    return _partial(sink, "event_id", stop=True, last_only=False)


def reports_last_failure(sink: Any) -> Any:
    """Bug: carries on after a failure and reports only the last one."""
    return _partial(sink, "sequence", stop=False, last_only=True)


def expected_totals(source_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The model: the total of ``n`` per group over the source table's items."""
    totals: dict[str, int] = defaultdict(int)
    for item in source_items:
        totals[item["pk"][0]] += int(item["n"])
    return [{"key": group, "n_total": total} for group, total in sorted(totals.items()) if total]


def observed_totals(sink_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sink as the model sees it: groups and totals, zero totals left out."""
    return [
        {"key": item["key"], "n_total": int(Decimal(item["n_total"]))}
        for item in sink_items
        if item.get("n_total")
    ]


# --- projectors: a copy of the source table in the sink ------------------------------------------


def _seq(record: dict[str, Any]) -> int:
    return int(record["dynamodb"]["SequenceNumber"])


def projector(sink: Any) -> Any:
    """A correct projector: newest sequence number wins, deletes leave a tombstone.

    Sequence numbers are compared as numbers (AWS's are 21 to 40 digits), and a tombstone keeps
    a redelivered older upsert from bringing a deleted item back.
    """

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            item: dict[str, Any] = {"key": key, "seq": _seq(record)}
            if record["eventName"] == "REMOVE":
                item["deleted"] = True
            else:
                item["n"] = int(record["dynamodb"]["NewImage"]["n"]["N"])
            try:
                sink.put_item(
                    Item=item,
                    ConditionExpression="attribute_not_exists(seq) OR seq < :seq",
                    ExpressionAttributeValues={":seq": item["seq"]},
                )
            except ConditionalCheckFailedException:
                stored = sink.get_item(Key={"key": key}).get("Item", {})
                if stored.get("seq", -1) < item["seq"]:
                    raise  # not a stale record: a real failure

    return handler


def projector_by_timestamp(sink: Any) -> Any:
    """Bug: last writer wins by ApproximateCreationDateTime, which has 1-second granularity."""

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            when = int(record["dynamodb"]["ApproximateCreationDateTime"])
            item: dict[str, Any] = {"key": key, "ts": when}
            if record["eventName"] == "REMOVE":
                item["deleted"] = True
            else:
                item["n"] = int(record["dynamodb"]["NewImage"]["n"]["N"])
            with contextlib.suppress(ConditionalCheckFailedException):  # "older": skip it
                sink.put_item(
                    Item=item,
                    ConditionExpression="attribute_not_exists(ts) OR ts < :ts",
                    ExpressionAttributeValues={":ts": when},
                )

    return handler


def projector_batched(sink: Any) -> Any:
    """Bug: collapses a batch into deletes then upserts, so an upsert-then-delete survives."""

    def handler(event: dict[str, Any], context: Any) -> None:
        upserts: dict[str, int] = {}
        deletes: set[str] = set()
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            if record["eventName"] == "REMOVE":
                deletes.add(key)
            else:
                upserts[key] = int(record["dynamodb"]["NewImage"]["n"]["N"])
        for key in sorted(deletes):
            sink.delete_item(Key={"key": key})
        for key, n in sorted(upserts.items()):
            sink.put_item(Item={"key": key, "n": n})

    return handler


def projector_by_event_id(sink: Any) -> Any:
    """Bug: orders a batch by eventID, then the last change of each key wins.

    eventIDs are unique but opaque: they do not sort in sequence order (on AWS, and here by
    default), so two changes of one key in a batch can be applied in the wrong order.
    """

    def handler(event: dict[str, Any], context: Any) -> None:
        latest: dict[str, dict[str, Any]] = {}
        for record in sorted(event["Records"], key=lambda r: r["eventID"]):
            latest[record["dynamodb"]["Keys"]["pk"]["S"]] = record
        for key, record in sorted(latest.items()):
            if record["eventName"] == "REMOVE":
                sink.delete_item(Key={"key": key})
            else:
                n = int(record["dynamodb"]["NewImage"]["n"]["N"])
                sink.put_item(Item={"key": key, "n": n})

    return handler


def projector_by_text_sequence(sink: Any) -> Any:
    """Bug: newest sequence number wins, but compared as strings.

    Sequence numbers have 21 to 40 digits and grow longer over time (rule A.3): a child
    shard's 22-digit number sorts below its parent's 21-digit ones as text, so after a
    rotation the newer change is taken for a stale one and dropped.
    """

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            seq = record["dynamodb"]["SequenceNumber"]  # a string: the bug is keeping it so
            item: dict[str, Any] = {"key": key, "seq": seq}
            if record["eventName"] == "REMOVE":
                item["deleted"] = True
            else:
                item["n"] = int(record["dynamodb"]["NewImage"]["n"]["N"])
            with contextlib.suppress(ConditionalCheckFailedException):  # "older": skip it
                sink.put_item(
                    Item=item,
                    ConditionExpression="attribute_not_exists(seq) OR seq < :seq",
                    ExpressionAttributeValues={":seq": seq},
                )

    return handler


def expected_copy(source_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The model of a projector: the source's items, keyed by ``key``."""
    return [{"key": item["pk"], "n": int(item["n"])} for item in source_items]


def observed_copy(sink_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The projection as the model sees it: live items only, ``key`` and ``n``."""
    return [
        {"key": item["key"], "n": int(item["n"])} for item in sink_items if not item.get("deleted")
    ]


PROJECTORS = {
    "projector": projector,
    "projector_by_timestamp": projector_by_timestamp,
    "projector_batched": projector_batched,
    "projector_by_event_id": projector_by_event_id,
    "projector_by_text_sequence": projector_by_text_sequence,
}

CONSUMERS = {
    "correct": (correct, ()),
    "double_count": (double_count, ()),
    "reports_sequence_number": (reports_sequence_number, ("ReportBatchItemFailures",)),
    "reports_event_id": (reports_event_id, ("ReportBatchItemFailures",)),
    "reports_last_failure": (reports_last_failure, ("ReportBatchItemFailures",)),
}


def scenario(response_types: tuple[str, ...]) -> Scenario:
    """Two groups, a burst of writes, and faults part-way through the first batches."""
    mapping: dict[str, Any] = {"BatchSize": 10}
    if response_types:
        mapping["FunctionResponseTypes"] = list(response_types)
    return Scenario(
        operations=(
            Put("a1", 1),
            Put("a2", 2),
            Put("b1", 3),
            Put("a1", 4),
            Advance(2_000),
            Delete("a2"),
            Put("b2", 5),
            Advance(2_000),
        ),
        mapping=mapping,
        faults=FaultPlan(
            faults=(
                Crash(on=(1,), after=2)
                if not response_types
                else DownstreamError(on=(1,), after=1),
                DownstreamError(on=(2,), after=0),
            ),
            seed=1,
        ),
        seed=1,
    )


#: Shards rotate every 4 hours (StreamSettings.rotation_period).
ROTATION_MS = 4 * 3600 * 1000


def main() -> None:
    """Run every consumer against the same scenario and say what the toolkit found."""
    for name, (consumer, response_types) in CONSUMERS.items():
        run = run_consumer_test(
            consumer,
            scenario(response_types),
            expected=expected_totals,
            observed=observed_totals,
        )
        verdict = "passes" if run.valid else "FAILS"
        print(f"{name}: {verdict}")
        if not run.valid:
            first = run.result.anomalies[0]
            print(f"  {first.kind}: {first.explanation.split('. Attempts')[0]}")
    for name, consumer in PROJECTORS.items():
        run = run_consumer_test(
            consumer,
            Scenario(
                operations=(
                    Put("a1", 1),
                    Put("a1", 2),
                    Put("b1", 3),
                    Delete("b1"),
                    Advance(ROTATION_MS + 1),  # shards rotate: numbers gain a digit
                    Put("a1", 5),
                    Advance(1_000),
                ),
                sequence_number_lengths="growing",
            ),
            expected=expected_copy,
            observed=observed_copy,
        )
        print(f"{name}: {'passes' if run.valid else 'FAILS'}")
        if not run.valid:
            first = run.result.anomalies[0]
            print(f"  {first.kind}: {first.explanation.split('. Attempts')[0]}")


if __name__ == "__main__":
    main()
