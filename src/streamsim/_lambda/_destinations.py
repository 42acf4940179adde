"""On-failure destinations (an SQS queue, an SNS topic, an S3 bucket) and the record sent there.

When a mapping discards a batch (retries exhausted, records too old) it sends an on-failure
record describing the batch to its ``DestinationConfig.OnFailure.Destination``.  The
destinations live inside the simulation: :meth:`LambdaService.create_queue
<streamsim._lambda._service.LambdaService.create_queue>` returns a :class:`Queue` whose
``messages`` are the bodies it received, decoded from JSON; topics and buckets work the same.

AWS behaviour (rule D.7, [DOC S14, S20]): the record carries metadata only
(``DDBStreamBatchInfo``), never the records, except in S3 where the object also holds the
invocation payload under the key
``aws/lambda/<ESM UUID>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>``.  Destinations must
be standard (non-FIFO) queues and topics (rule D.7, [DOC S15]).

Differs from AWS: no IAM, no SNS fan-out and no message attributes; a queue keeps every
message (nothing is received or deleted).
"""

from __future__ import annotations

import json
import re
from typing import Any

from streamsim._clock import ms_to_datetime
from streamsim._errors import InvalidParameterValueException
from streamsim._gc import paused_gc

QUEUE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo")  # SQS queue names
TOPIC_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}\.fifo")  # SNS topic names
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")  # S3 bucket names
ON_FAILURE_VERSION = "1.0"  # rule D.7
#: SNS message size limit (rule D.7); on-failure records are far smaller.
SNS_MAX_MESSAGE_BYTES = 256 * 1024


class Destination:
    """Base of the in-simulation destinations; ``arn`` identifies one in DestinationConfig."""

    kind = ""
    arn: str
    name: str

    def deliver(self, record: dict[str, Any], payload: dict[str, Any] | None, key: str) -> None:
        """Store one on-failure record (and, for S3, the invocation payload)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class _MessageDestination(Destination):
    """A queue or topic: keeps each on-failure record it receives as a message."""

    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn
        self.fifo = name.endswith(".fifo")
        self.messages: list[dict[str, Any]] = []

    def deliver(self, record: dict[str, Any], payload: dict[str, Any] | None, key: str) -> None:
        with paused_gc():  # the one GC policy for rendering records (streamsim._gc)
            self.messages.append(json.loads(json.dumps(record)))


class Queue(_MessageDestination):
    """A standard SQS queue: ``arn:aws:sqs:<region>:<account>:<name>``.

    Attributes:
        messages: the bodies received, oldest first, each decoded from JSON into a dict.
    """

    kind = "sqs"

    def __init__(self, name: str, region: str, account_id: str) -> None:
        super().__init__(name, f"arn:aws:sqs:{region}:{account_id}:{name}")
        self.url = f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"


class Topic(_MessageDestination):
    """A standard SNS topic: ``arn:aws:sns:<region>:<account>:<name>``.

    Attributes:
        messages: the messages published, oldest first, each decoded from JSON into a dict.
    """

    kind = "sns"

    def __init__(self, name: str, region: str, account_id: str) -> None:
        super().__init__(name, f"arn:aws:sns:{region}:{account_id}:{name}")


class Bucket(Destination):
    """An S3 bucket: ``arn:aws:s3:::<name>``.

    Attributes:
        objects: object key -> the object's JSON content decoded into a dict (the on-failure
            record plus ``payload``, the invocation event of the discarded batch).
    """

    kind = "s3"

    def __init__(self, name: str) -> None:
        self.name = name
        self.arn = f"arn:aws:s3:::{name}"
        self.fifo = False
        self.objects: dict[str, dict[str, Any]] = {}

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The stored objects' contents, in key order."""
        return [self.objects[key] for key in sorted(self.objects)]

    def deliver(self, record: dict[str, Any], payload: dict[str, Any] | None, key: str) -> None:
        body = dict(record)
        body["payload"] = payload if payload is not None else {"Records": []}
        with paused_gc():  # the one GC policy for rendering records (streamsim._gc)
            self.objects[key] = json.loads(json.dumps(body))


def validate_name(kind: str, name: str) -> None:
    """Check a queue, topic or bucket name.

    Raises:
        InvalidParameterValueException: the name breaks the service's naming rules.
    """
    pattern = {"sqs": QUEUE_NAME_RE, "sns": TOPIC_NAME_RE, "s3": BUCKET_NAME_RE}[kind]
    if not isinstance(name, str) or not pattern.fullmatch(name):
        raise InvalidParameterValueException(
            f"Invalid {kind.upper()} name {name!r}: must match {pattern.pattern}"
        )


def iso_millis(ms: int) -> str:
    """``2019-11-14T18:16:05.568Z``: ISO-8601 with milliseconds (rule D.7 ``timestamp``)."""
    return ms_to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def s3_object_key(uuid: str, shard_id: str, now_ms: int, suffix: str) -> str:
    """The key of an S3 on-failure object (rule D.7)."""
    when = ms_to_datetime(now_ms)
    return (
        f"aws/lambda/{uuid}/{shard_id}/{when.strftime('%Y/%m/%d')}/"
        f"{when.strftime('%Y-%m-%dT%H.%M.%S')}-{suffix}"
    )


def failure_envelope(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    function_error: str | None,
    include_response_context: bool,
    now_ms: int,
) -> dict[str, Any]:
    """The members every stream source's on-failure record shares (rule D.7, L.11):
    ``requestContext``, ``responseContext`` (when asked), ``version`` and ``timestamp``; the
    poller adds the source's batch block (``DDBStreamBatchInfo``, ``KinesisBatchInfo``,
    :meth:`._source.EventSource.batch_info`).

    Args:
        function_error: ``"Unhandled"`` when the last invocation raised or timed out; None
            (JSON null) when it returned (a partial failure, a malformed partial response) or
            never ran.
        include_response_context: False omits ``responseContext`` (for batches that were
            never invoked, as emulators do; UNCONFIRMED on AWS).

    >>> rec = failure_envelope(
    ...     request_id="r", function_arn="arn:aws:lambda:us-east-1:1:function:f",
    ...     condition="RetryAttemptsExhausted", invoke_count=3, function_error="Unhandled",
    ...     include_response_context=True, now_ms=0)
    >>> rec["responseContext"]["functionError"], rec["timestamp"]
    ('Unhandled', '1970-01-01T00:00:00.000Z')
    """
    record: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        }
    }
    if include_response_context:
        # rule D.7: functionError is null (present) when the function returned normally
        record["responseContext"] = {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": function_error,
        }
    record["version"] = ON_FAILURE_VERSION
    record["timestamp"] = iso_millis(now_ms)
    return record
