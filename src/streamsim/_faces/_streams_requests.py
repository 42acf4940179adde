"""The DynamoDB Streams client's own request checks: limits, ARNs, shard ids, timestamps.

Checked after botocore's client-side parameter validation (``_params``), in the order AWS
applies them (rule A.2, A.3); every failure is a ValidationException naming the member.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from streamsim._clock import datetime_to_ms
from streamsim._errors import ValidationException

# rule A.3: arn:aws:dynamodb:<region>:<account>:table/<TableName>/stream/<StreamLabel>
STREAM_ARN_RE = re.compile(
    r"arn:aws(?:-[a-z]+)*:dynamodb:[a-z0-9-]+:\d{12}:table/[a-zA-Z0-9_.-]{3,255}"
    r"/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
)
SEQUENCE_NUMBER_RE = re.compile(r"[0-9]{21,40}")  # rule A.3


def constraint_error(value: Any, member: str, constraint: str) -> ValidationException:
    """The ValidationException AWS gives when ``member`` fails ``constraint`` (rule A.2)."""
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


def check_limit(limit: Any, maximum: int) -> int:
    """A ``Limit`` of at most ``maximum`` (rule A.4, A.5, A.7), as an int."""
    if limit > maximum:
        raise constraint_error(
            limit, "limit", f"Member must have value less than or equal to {maximum}"
        )
    return int(limit)


def check_stream_arn(arn: str, member: str) -> None:
    """Reject a ``StreamArn`` that is not a DynamoDB stream ARN (rule A.3)."""
    if len(arn) > 1024 or not STREAM_ARN_RE.fullmatch(arn):
        raise ValidationException(
            f"Invalid StreamArn: {arn!r} at '{member}' is not a DynamoDB stream ARN "
            "(expected arn:aws:dynamodb:<region>:<account>:table/<TableName>/stream/<label>)"
        )


def check_shard_id(shard_id: str, member: str) -> None:
    """Reject a ``ShardId`` longer than 65 characters (rule A.2)."""
    if len(shard_id) > 65:
        raise constraint_error(shard_id, member, "Member must have length less than or equal to 65")


#: seconds since the epoch beyond which a Timestamp is no time at all (year 9999 and more):
#: bounds the arithmetic, so no value overflows
TIMESTAMP_MAX_SECONDS = 253_402_300_800


def timestamp_ms(value: Any) -> int:
    """A Timestamp parameter (datetime, epoch seconds or ISO-8601 text, as boto3 takes it).

    Raises:
        ValidationException: not a timestamp: unparsable text, NaN, an infinity, or a number
            of seconds beyond year 9999 either way.

    >>> timestamp_ms("1.5"), timestamp_ms(2)
    (1500, 2000)
    >>> timestamp_ms("NaN")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... Value 'NaN' at 'timestamp' failed to satisfy ...
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:  # botocore reads a naive datetime as UTC
            value = value.replace(tzinfo=timezone.utc)
        return datetime_to_ms(value)
    if isinstance(value, bool):
        raise constraint_error(value, "timestamp", "Member must be a timestamp")
    if isinstance(value, str):
        try:
            seconds = Decimal(value)
        except InvalidOperation:
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise constraint_error(value, "timestamp", "Member must be a timestamp") from None
            return timestamp_ms(parsed)
    else:
        seconds = Decimal(str(value))
    if not seconds.is_finite() or abs(seconds) > TIMESTAMP_MAX_SECONDS:
        raise constraint_error(
            value,
            "timestamp",
            f"Member must be a finite timestamp within {TIMESTAMP_MAX_SECONDS} seconds of the "
            "epoch (year 9999)",
        )
    return int(seconds * 1000)


# --- the client -----------------------------------------------------------------------------
