"""Failure handling: retries, record age, bisect, partial batch responses, on-failure records.

Rule D.5, D.6, D.7 and checklist G.12, G.13, G.17.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest

from streamsim._lambda._destinations import Queue
from tests.lambda_support import Recorder, attach, put, streamed
from tests.shapes import validate_on_failure_record


def always_fail(event: dict[str, Any]) -> None:
    """A response function that always raises."""
    raise RuntimeError("boom")


def fail_on(*bad: str) -> Any:
    """Raise whenever a batch holds one of the ``bad`` keys."""

    def respond(event: dict[str, Any]) -> None:
        if any(r["dynamodb"]["Keys"]["pk"]["S"] in bad for r in event["Records"]):
            raise RuntimeError("bad record")

    return respond


def report(*failed_keys: str) -> Any:
    """Report the records with ``failed_keys`` as batchItemFailures (once per key)."""
    done: set[str] = set()

    def respond(event: dict[str, Any]) -> dict[str, Any]:
        failures = []
        for r in event["Records"]:
            key = r["dynamodb"]["Keys"]["pk"]["S"]
            if key in failed_keys and key not in done:
                done.add(key)
                failures.append({"itemIdentifier": r["dynamodb"]["SequenceNumber"]})
        return {"batchItemFailures": failures}

    return respond


def with_queue(**settings: Any) -> tuple[Any, Any, Queue]:
    """A streamed table and an SQS-style queue ``dlq``."""
    sim, table = streamed(**settings)
    return sim, table, sim.create_queue("dlq")


def on_failure(queue: Queue) -> dict[str, Any]:
    """DestinationConfig sending on-failure records to ``queue``."""
    return {"OnFailure": {"Destination": queue.arn}}


# --- retries (D.5) --------------------------------------------------------------------------------


def test_function_error_retries_the_whole_batch_in_order() -> None:
    """A failed batch is retried with the same records in the same order (D.5, G.12)."""
    sim, table = streamed()
    calls: list[int] = []

    def respond(event: dict[str, Any]) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("flaky")

    rec = Recorder(sim, respond)
    attach(sim, rec)
    put(table, "a", "b", "c")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b", "c"]] * 3


def test_failed_batch_blocks_its_shard() -> None:
    """While a batch is retried, later records of the shard wait (D.5, G.12)."""
    sim, table = streamed()
    attempts: list[int] = []

    def respond(event: dict[str, Any]) -> None:
        if event["Records"][0]["dynamodb"]["Keys"]["pk"]["S"] == "a":
            attempts.append(1)
            if len(attempts) < 4:
                raise RuntimeError("flaky")

    rec = Recorder(sim, respond)
    attach(sim, rec, BatchSize=1)
    put(table, "a")
    sim.advance(milliseconds=100)
    put(table, "b")
    sim.advance(seconds=30)
    assert rec.pks() == [["a"], ["a"], ["a"], ["a"], ["b"]]


def test_retry_backoff_doubles_and_is_a_setting() -> None:
    """Retries wait retry_backoff_ms, doubling, capped at retry_backoff_max_ms."""
    sim, table = streamed(
        retry_backoff=timedelta(milliseconds=100), retry_backoff_max=timedelta(milliseconds=300)
    )
    mapping = attach(sim, Recorder(sim, always_fail), MaximumRetryAttempts=4)
    put(table, "a")
    sim.advance(seconds=10)
    log = mapping.invocation_log
    gaps = [b.start_ms - a.end_ms for a, b in itertools.pairwise(log)]
    assert gaps == [100, 200, 300, 300]
    assert [entry.attempt for entry in log] == [1, 2, 3, 4, 5]


def test_maximum_retry_attempts_ends_retries_and_discards() -> None:
    """MaximumRetryAttempts 2: three invocations, then an on-failure record (D.5, D.7)."""
    sim, table, queue = with_queue()
    mapping = attach(
        sim, Recorder(sim, always_fail), MaximumRetryAttempts=2, DestinationConfig=on_failure(queue)
    )
    put(table, "a", "b")
    sim.advance(seconds=30)
    assert len(mapping.invocation_log) == 3
    (message,) = queue.messages
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["requestContext"]["approximateInvokeCount"] == 3
    assert message["DDBStreamBatchInfo"]["batchSize"] == 2
    assert mapping.metrics.dropped == 2
    assert mapping.metrics.on_failure_delivered == 2
    assert mapping.last_processing_result == "PROBLEM: Function call failed"


def test_processing_continues_after_discard() -> None:
    """After a discarded batch the next records are processed."""
    sim, table = streamed()
    rec = Recorder(sim, fail_on("bad"))
    attach(sim, rec, MaximumRetryAttempts=0, BatchSize=1)
    put(table, "bad", "good")
    sim.advance(seconds=5)
    assert rec.pks() == [["bad"], ["good"]]


def test_maximum_record_age_ends_retries() -> None:
    """MaximumRecordAgeInSeconds 60: retries stop once the records are older (D.5)."""
    sim, table, queue = with_queue(
        retry_backoff=timedelta(seconds=10), retry_backoff_max=timedelta(seconds=10)
    )
    mapping = attach(
        sim,
        Recorder(sim, always_fail),
        MaximumRecordAgeInSeconds=60,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a")
    sim.advance(minutes=5)
    assert 5 <= len(mapping.invocation_log) <= 7
    (message,) = queue.messages
    assert message["requestContext"]["condition"] == "RecordAgeExceeded"
    assert message["responseContext"]["functionError"] == "Unhandled"
    validate_on_failure_record(message)


def test_records_too_old_at_read_are_discarded_without_invoking() -> None:
    """Records older than MaximumRecordAgeInSeconds when read are never sent to the function."""
    sim, table, queue = with_queue()
    put(table, "old1", "old2")
    sim.advance(minutes=2)
    put(table, "fresh")
    rec = Recorder(sim)
    mapping = attach(sim, rec, MaximumRecordAgeInSeconds=60, DestinationConfig=on_failure(queue))
    sim.advance(seconds=1)
    assert rec.pks() == [["fresh"]]
    (message,) = queue.messages
    assert message["requestContext"]["condition"] == "RecordAgeExceeded"
    assert message["requestContext"]["approximateInvokeCount"] == 0
    assert message["responseContext"]["functionError"] is None
    assert message["DDBStreamBatchInfo"]["batchSize"] == 2
    validate_on_failure_record(message)
    assert mapping.metrics.dropped == 2


def test_response_context_omitted_when_never_invoked_is_a_setting() -> None:
    """response_context_when_not_invoked=False omits responseContext (emulators' shape)."""
    sim, table, queue = with_queue(response_context_when_not_invoked=False)
    put(table, "old")
    sim.advance(minutes=2)
    attach(sim, Recorder(sim), MaximumRecordAgeInSeconds=60, DestinationConfig=on_failure(queue))
    sim.advance(seconds=1)
    (message,) = queue.messages
    assert "responseContext" not in message


def test_record_age_condition_is_a_setting() -> None:
    """The age-based discard condition string comes from the settings (UNCONFIRMED)."""
    sim, table, queue = with_queue(record_age_condition="RecordExpired")
    put(table, "old")
    sim.advance(minutes=2)
    attach(sim, Recorder(sim), MaximumRecordAgeInSeconds=60, DestinationConfig=on_failure(queue))
    sim.advance(seconds=1)
    assert queue.messages[0]["requestContext"]["condition"] == "RecordExpired"


def test_timeout_is_a_function_error_with_unhandled() -> None:
    """A timed-out invocation is retried like any function error; its record says Unhandled."""
    sim, table, queue = with_queue()
    mapping = attach(
        sim,
        lambda e, c: None,
        function={"timeout": 1, "duration": 2},
        MaximumRetryAttempts=1,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a")
    sim.advance(seconds=30)
    assert [entry.outcome for entry in mapping.invocation_log] == ["timeout", "timeout"]
    assert queue.messages[0]["responseContext"]["functionError"] == "Unhandled"


def test_records_trimmed_while_blocked_are_lost_and_counted() -> None:
    """A shard blocked past the 24 h retention loses its records; they are counted (D.5)."""
    sim, table, queue = with_queue()
    mapping = attach(
        sim, Recorder(sim, always_fail), BatchSize=1, DestinationConfig=on_failure(queue)
    )
    put(table, "a", "b", "c")
    sim.advance(hours=25)
    metrics = mapping.metrics
    assert metrics.trimmed_unread == 2  # b and c were never read
    assert [d.condition for d in metrics.discards] == ["RecordAgeExceeded"]  # a: expired
    assert len(queue.messages) == 1


# --- bisect (D.5) -------------------------------------------------------------------------------


def test_bisect_isolates_the_bad_record() -> None:
    """BisectBatchOnFunctionError splits failing batches in halves until the bad one is alone."""
    sim, table, queue = with_queue()
    rec = Recorder(sim, fail_on("c"))
    mapping = attach(
        sim,
        rec,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a", "b", "c", "d")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b", "c", "d"], ["a", "b"], ["c", "d"], ["c"], ["d"]]
    (message,) = queue.messages
    assert message["DDBStreamBatchInfo"]["batchSize"] == 1
    assert all(entry.attempt == 1 for entry in mapping.invocation_log)  # splits are no retries


def test_bisect_with_retries_retries_the_single_record() -> None:
    """With retries left, the isolated bad record is retried before it is discarded."""
    sim, table = streamed()
    rec = Recorder(sim, fail_on("b"))
    attach(sim, rec, BisectBatchOnFunctionError=True, MaximumRetryAttempts=2)
    put(table, "a", "b")
    sim.advance(seconds=30)
    assert rec.pks() == [["a", "b"], ["a"], ["b"], ["b"], ["b"]]


# --- ReportBatchItemFailures (D.6, G.13) -------------------------------------------------------


def partial(**params: Any) -> tuple[Recorder, Any, Any]:
    """A mapping with ReportBatchItemFailures; returns the recorder, sim and table."""
    sim, table = streamed()
    rec = Recorder(sim)
    attach(sim, rec, FunctionResponseTypes=["ReportBatchItemFailures"], **params)
    return rec, sim, table


def test_partial_failure_checkpoints_at_lowest_reported() -> None:
    """Records before the lowest reported SN are committed; it and the rest are retried (D.6)."""
    rec, sim, table = partial()
    rec.respond = report("d", "b")
    put(table, "a", "b", "c", "d", "e")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b", "c", "d", "e"], ["b", "c", "d", "e"]]


@pytest.mark.parametrize(
    "response",
    [{"batchItemFailures": []}, {"batchItemFailures": None}, {}, None],
    ids=["empty list", "null list", "empty response", "null response"],
)
def test_partial_response_meaning_full_success(response: Any) -> None:
    """An empty or null list, an empty or null response: the whole batch succeeded (G.13)."""
    rec, sim, table = partial()
    rec.respond = lambda event: response
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b"]]


@pytest.mark.parametrize(
    "failure",
    [
        {"itemIdentifier": ""},
        {"itemIdentifier": None},
        {"itemIdentifier": 7},
        {"itemId": "1"},
        "oops",
    ],
    ids=[
        "empty identifier",
        "null identifier",
        "number identifier",
        "wrong key name",
        "not an object",
    ],
)
def test_partial_response_meaning_full_failure(failure: Any) -> None:
    """An empty or null itemIdentifier or a wrong key name fails the whole batch (G.13)."""
    rec, sim, table = partial(MaximumRetryAttempts=1)
    rec.respond = lambda event: {"batchItemFailures": [failure]}
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b"], ["a", "b"]]


def test_failure_entry_with_other_members_fails_the_whole_batch() -> None:
    """An entry naming a record of the batch but carrying another member beside
    itemIdentifier fails the whole batch, and the retry counts against MaximumRetryAttempts
    (rule D.6)."""
    rec, sim, table = partial(MaximumRetryAttempts=1)

    def respond(event: Any) -> Any:
        last = event["Records"][-1]["dynamodb"]["SequenceNumber"]
        return {"batchItemFailures": [{"itemIdentifier": last, "reason": "x"}]}

    rec.respond = respond
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b"], ["a", "b"]]


def test_malformed_failure_list_is_full_failure() -> None:
    """batchItemFailures that is not a list fails the whole batch."""
    rec, sim, table = partial(MaximumRetryAttempts=1)
    rec.respond = lambda event: {"batchItemFailures": "all"}
    put(table, "a")
    sim.advance(seconds=10)
    assert rec.pks() == [["a"], ["a"]]


def test_unknown_identifier_is_full_failure_by_default() -> None:
    """An itemIdentifier not in the batch fails the whole batch (LocalStack; UNCONFIRMED)."""
    rec, sim, table = partial(MaximumRetryAttempts=1)
    rec.respond = lambda event: {"batchItemFailures": [{"itemIdentifier": "1"}]}
    put(table, "a")
    sim.advance(seconds=10)
    assert rec.pks() == [["a"], ["a"]]


def test_unknown_identifier_ignored_when_set() -> None:
    """With unknown_item_identifier_fails=False an unknown identifier is ignored."""
    sim, table = streamed(unknown_item_identifier_fails=False)
    rec = Recorder(sim, lambda event: {"batchItemFailures": [{"itemIdentifier": "1"}]})
    attach(sim, rec, FunctionResponseTypes=["ReportBatchItemFailures"])
    put(table, "a")
    sim.advance(seconds=10)
    assert rec.pks() == [["a"]]


def test_response_ignored_without_report_batch_item_failures() -> None:
    """Without FunctionResponseTypes the response body is ignored (D.6)."""
    sim, table = streamed()
    rec = Recorder(sim, report("a"))
    attach(sim, rec)
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b"]]


def test_partial_retries_count_against_maximum_retry_attempts() -> None:
    """Rule D.6: once the checkpoint moved, the remainder gets 1 + MaximumRetryAttempts calls."""
    sim, table, queue = with_queue()
    rec = Recorder(sim, report_keys("b"))
    mapping = attach(
        sim,
        rec,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a", "b", "c")
    sim.advance(seconds=10)
    # a partial answer that commits "a" starts a new batch [b, c]: its first call, one retry
    assert rec.pks() == [["a", "b", "c"], ["b", "c"], ["b", "c"]]
    (message,) = queue.messages
    assert message["DDBStreamBatchInfo"]["batchSize"] == 2
    assert message["requestContext"]["approximateInvokeCount"] == 2
    assert message["responseContext"]["functionError"] is None  # the function returned
    assert [entry.outcome for entry in mapping.invocation_log] == ["partial_failure"] * 3
    assert [entry.attempt for entry in mapping.invocation_log] == [1, 1, 2]


def report_keys(*failed: str) -> Any:
    """A response naming every record whose pk is in ``failed``."""

    def respond(event: dict[str, Any]) -> Any:
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                for r in event["Records"]
                if r["dynamodb"]["Keys"]["pk"]["S"] in failed
            ]
        }

    return respond


def test_rule_d6_partial_failure_invoke_count_matches_aws_recording() -> None:
    """Rule D.6: as recorded on AWS (MaximumRetryAttempts 3), the failing record is delivered
    5 times and the on-failure record says approximateInvokeCount 4, functionError null."""
    sim, table, queue = with_queue()
    rec = Recorder(sim, report_keys("5"))
    attach(
        sim,
        rec,
        BatchSize=3,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=3,
        DestinationConfig=on_failure(queue),
    )
    put(table, "3", "4", "5")
    sim.advance(minutes=2)
    assert sum(batch.count("5") for batch in rec.pks()) == 5
    (message,) = queue.messages
    assert message["requestContext"]["approximateInvokeCount"] == 4
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": None,
    }
    assert message["DDBStreamBatchInfo"]["batchSize"] == 1


def test_rule_d6_a_partial_failure_without_progress_uses_a_retry() -> None:
    """Rule D.6: a partial answer naming the batch's first record is a retry like any failure."""
    sim, table, queue = with_queue()
    rec = Recorder(
        sim,
        lambda event: {
            "batchItemFailures": [
                {"itemIdentifier": event["Records"][0]["dynamodb"]["SequenceNumber"]}
            ]
        },
    )
    attach(
        sim,
        rec,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=2,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a", "b")
    sim.advance(minutes=2)
    assert rec.pks() == [["a", "b"]] * 3
    (message,) = queue.messages
    assert message["requestContext"]["approximateInvokeCount"] == 3


@pytest.mark.parametrize(
    "entry",
    [
        {"itemIdentifier": 123},
        {"itemIdentifier": ""},
        {"itemIdentifier": None},
        {"foo": 123},
        {"foo": None},
        {"itemIdentifier": "SEQ", "extra": 1},
    ],
    ids=["non_string", "empty", "null", "missing", "missing_null", "unknown_key"],
)
def test_rule_d6_malformed_item_identifier_fails_whole_batch_and_counts_retries(
    entry: dict[str, Any],
) -> None:
    """Rule D.6: a malformed entry fails the batch, each retry counts; the on-failure record
    says approximateInvokeCount 1 + MaximumRetryAttempts, functionError null (AWS recording)."""
    sim, table, queue = with_queue()

    def respond(event: dict[str, Any]) -> Any:
        last = event["Records"][-1]["dynamodb"]["SequenceNumber"]
        return {"batchItemFailures": [{k: last if v == "SEQ" else v for k, v in entry.items()}]}

    rec = Recorder(sim, respond)
    mapping = attach(
        sim,
        rec,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=3,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a", "b")
    sim.advance(minutes=2)
    assert rec.pks() == [["a", "b"]] * 4
    assert {e.outcome for e in mapping.invocation_log} == {"function_error"}
    (message,) = queue.messages
    assert message["requestContext"]["approximateInvokeCount"] == 4
    assert message["responseContext"]["functionError"] is None
    assert message["DDBStreamBatchInfo"]["batchSize"] == 2


def test_rule_d7_function_error_for_a_timeout_is_unhandled() -> None:
    """Rule D.7: a batch whose last invocation timed out says functionError "Unhandled"."""
    sim, table, queue = with_queue()
    attach(
        sim,
        Recorder(sim),
        function={"timeout": 1, "duration": 5},
        MaximumRetryAttempts=0,
        DestinationConfig=on_failure(queue),
    )
    put(table, "a")
    sim.advance(seconds=30)
    (message,) = queue.messages
    assert message["responseContext"]["functionError"] == "Unhandled"
    assert message["requestContext"]["approximateInvokeCount"] == 1


def test_partial_with_bisect_retries_only_the_remainder() -> None:
    """With bisect on, a partial response retries from the returned SN, not in halves."""
    rec, sim, table = partial(BisectBatchOnFunctionError=True)
    rec.respond = report("c")
    put(table, "a", "b", "c", "d")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b", "c", "d"], ["c", "d"]]


def test_thrown_error_bisects_even_with_partial_responses() -> None:
    """With both on, a thrown error still bisects (D.6)."""
    rec, sim, table = partial(BisectBatchOnFunctionError=True, MaximumRetryAttempts=0)
    rec.respond = fail_on("a")
    put(table, "a", "b")
    sim.advance(seconds=10)
    assert rec.pks() == [["a", "b"], ["a"], ["b"]]


# --- the on-failure record and destinations (D.7, G.17) ----------------------------------------


def test_on_failure_record_fields() -> None:
    """The SQS body carries requestContext, responseContext, version, timestamp, batch info."""
    sim, table, queue = with_queue()
    start = sim.now
    mapping = attach(
        sim, Recorder(sim, always_fail), MaximumRetryAttempts=0, DestinationConfig=on_failure(queue)
    )
    put(table, "a", "b")
    sim.advance(seconds=5)
    (message,) = queue.messages
    assert list(message) == [
        "requestContext",
        "responseContext",
        "version",
        "timestamp",
        "DDBStreamBatchInfo",
    ]
    entry = mapping.invocation_log[0]
    assert message["requestContext"] == {
        "requestId": entry.request_id,
        "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 1,
    }
    assert message["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert message["version"] == "1.0"
    assert message["timestamp"] == "2024-01-01T00:00:00.010Z"
    records = sim.streams[0].shards[0].records
    assert message["DDBStreamBatchInfo"] == {
        "shardId": sim.streams[0].shards[0].shard_id,
        "startSequenceNumber": str(records[0].sequence_number),
        "endSequenceNumber": str(records[1].sequence_number),
        "approximateArrivalOfFirstRecord": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "approximateArrivalOfLastRecord": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "batchSize": 2,
        "streamArn": sim.streams[0].arn,
    }
    assert "Records" not in message
    assert "payload" not in message
    validate_on_failure_record(message)


def test_sns_topic_destination() -> None:
    """An SNS topic ARN receives the same record."""
    sim, table = streamed()
    topic = sim.lambda_service.create_topic("alerts")
    attach(
        sim,
        Recorder(sim, always_fail),
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": topic.arn}},
    )
    put(table, "a")
    sim.advance(seconds=5)
    assert topic.arn == "arn:aws:sns:us-east-1:123456789012:alerts"
    (message,) = topic.messages
    validate_on_failure_record(message)


def test_s3_bucket_destination_holds_the_payload() -> None:
    """An S3 bucket gets an object under aws/lambda/<uuid>/<shard>/... with the payload."""
    sim, table = streamed()
    bucket = sim.lambda_service.create_bucket("failures")
    mapping = attach(
        sim,
        Recorder(sim, always_fail),
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": bucket.arn}},
    )
    put(table, "a")
    sim.advance(seconds=5)
    ((key, body),) = bucket.objects.items()
    shard_id = sim.streams[0].shards[0].shard_id
    assert key.startswith(f"aws/lambda/{mapping.uuid}/{shard_id}/2024/01/01/2024-01-01T00.00.00-")
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in body["payload"]["Records"]] == ["a"]
    validate_on_failure_record(body)


def test_queue_arn_is_sqs_style() -> None:
    """sim.create_queue returns a queue with an SQS ARN and decoded message bodies."""
    sim, _ = streamed()
    queue = sim.create_queue("dlq")
    assert queue.arn == "arn:aws:sqs:us-east-1:123456789012:dlq"
    assert queue.messages == []


def test_lost_destination_counts_delivery_failures() -> None:
    """A destination that vanished counts DestinationDeliveryFailures."""
    sim, table, queue = with_queue()
    mapping = attach(
        sim, Recorder(sim, always_fail), MaximumRetryAttempts=0, DestinationConfig=on_failure(queue)
    )
    del sim._model.lambda_service.destinations[queue.arn]  # the model: users cannot delete one
    put(table, "a")
    sim.advance(seconds=5)
    assert mapping.metrics.destination_delivery_failures == 1
    assert mapping.metrics.discards[0].delivered_to is None


def test_discards_are_logged() -> None:
    """Each discard is in the mapping's log with its condition and invoke count."""
    sim, table = streamed()
    counts: dict[str, int] = defaultdict(int)
    mapping = attach(sim, Recorder(sim, always_fail), MaximumRetryAttempts=1)
    put(table, "a")
    sim.advance(seconds=10)
    (discard,) = mapping.metrics.discards
    counts[discard.condition] += 1
    assert discard.invoke_count == 2
    assert discard.delivered_to is None
    assert counts == {"RetryAttemptsExhausted": 1}
