"""The Kinesis client's request checks: the service model's constraints AWS enforces.

botocore checks presence, types and minimums on the client side (``_params``); Kinesis then
checks maximum lengths, patterns, enums and ranges and answers ValidationException, one line
per member in AWS's format (``1 validation error detected: Value '...' at 'streamName' failed
to satisfy constraint: Member must ...``).  Members are named as AWS names them, in lower
camel case (rule K.15).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from streamsim._errors import ValidationException

STREAM_NAME_RE = re.compile(r"[a-zA-Z0-9_.-]+")  # rule K.3
STREAM_ARN_RE = re.compile(r"arn:aws.*:kinesis:.*:\d{12}:stream/\S+")  # rule K.3
SHARD_ID_RE = STREAM_NAME_RE  # rule K.3: the model's ShardId pattern
HASH_KEY_RE = re.compile(r"0|([1-9]\d{0,38})")  # rule K.3
SEQUENCE_NUMBER_RE = re.compile(r"0|([1-9]\d{0,128})")  # rule K.3
STREAM_ID_RE = re.compile(r"[a-z0-9]{20}-[a-z0-9]{3}")
MAX_DATA_BYTES = 10 * 1024 * 1024  # the model's Data maximum (the record limit is K.6's)
MAX_PARTITION_KEY = 256  # the model's PartitionKey maximum


class Problems:
    """Collects constraint failures, then raises them as one ValidationException."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, value: Any, member: str, constraint: str) -> None:
        """Record that ``member`` (AWS's lower-camel path) with ``value`` fails ``constraint``."""
        shown = "null" if value is None else f"'{value}'"
        self.lines.append(
            f"Value {shown} at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    def text(self, value: Any, member: str, maximum: int, pattern: re.Pattern[str] | None) -> None:
        """A string member: at most ``maximum`` characters, matching ``pattern``."""
        if value is None:
            return
        if len(value) > maximum:
            self.add(value, member, f"have length less than or equal to {maximum}")
        if pattern is not None and not pattern.fullmatch(value):
            self.add(value, member, f"satisfy regular expression pattern: {pattern.pattern}")

    def number(self, value: Any, member: str, low: int | None, high: int | None) -> None:
        """An integer member within ``[low, high]``."""
        if value is None:
            return
        if low is not None and value < low:
            self.add(value, member, f"have value greater than or equal to {low}")
        if high is not None and value > high:
            self.add(value, member, f"have value less than or equal to {high}")

    def enum(self, value: Any, member: str, allowed: tuple[str, ...]) -> None:
        """A member with a fixed set of values."""
        if value is not None and value not in allowed:
            self.add(value, member, f"satisfy enum value set: [{', '.join(allowed)}]")

    def required(self, value: Any, member: str) -> None:
        """A member AWS needs although the model leaves it optional."""
        if value is None:
            self.add(None, member, "not be null")

    def stream(self, params: Mapping[str, Any]) -> None:
        """``StreamName``, ``StreamARN`` and ``StreamId`` of any stream-addressed call."""
        self.text(params.get("StreamName"), "streamName", 128, STREAM_NAME_RE)
        self.text(params.get("StreamARN"), "streamARN", 2048, STREAM_ARN_RE)
        self.text(params.get("StreamId"), "streamId", 24, STREAM_ID_RE)

    def tags(self, tags: Mapping[str, Any] | None, member: str = "tags") -> None:
        """A TagMap: 1-200 entries, keys 1-128 characters, values up to 256."""
        if tags is None:
            return
        if len(tags) > 200:
            self.add(tags, member, "have length less than or equal to 200")
        for key, value in tags.items():
            if not isinstance(key, str) or not 1 <= len(key) <= 128:
                self.add(key, f"{member}.key", "have length between 1 and 128")
            if not isinstance(value, str) or len(value) > 256:
                self.add(value, f"{member}.value", "have length less than or equal to 256")

    def raise_any(self) -> None:
        """Raise the ValidationException of every problem found, if any."""
        if self.lines:
            count = len(self.lines)
            raise ValidationException(
                f"{count} validation error{'s' if count > 1 else ''} detected: "
                + "; ".join(self.lines)
            )


def check_stream(params: Mapping[str, Any]) -> Problems:
    """A :class:`Problems` with the stream members of ``params`` checked (raise it later)."""
    problems = Problems()
    problems.stream(params)
    return problems


def as_bytes(data: Any) -> bytes:
    """A blob parameter as bytes: boto3 takes bytes, bytearray, text (UTF-8) or a file."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    read = data.read()
    return read.encode("utf-8") if isinstance(read, str) else bytes(read)


def check_data(problems: Problems, data: bytes, member: str) -> None:
    """A Data blob within the model's maximum."""
    if len(data) > MAX_DATA_BYTES:
        shown = f"java.nio.HeapByteBuffer[pos=0 lim={len(data)} cap={len(data)}]"
        problems.add(shown, member, f"have length less than or equal to {MAX_DATA_BYTES}")


def check_record_entry(
    problems: Problems, data: bytes, partition_key: Any, explicit: Any, member: str
) -> None:
    """One record's Data, PartitionKey and ExplicitHashKey (``member``: its path)."""
    check_data(problems, data, f"{member}data")
    problems.required(partition_key, f"{member}partitionKey")
    problems.text(partition_key, f"{member}partitionKey", MAX_PARTITION_KEY, None)
    problems.text(explicit, f"{member}explicitHashKey", 2048, HASH_KEY_RE)
