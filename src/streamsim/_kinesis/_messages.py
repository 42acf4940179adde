"""Kinesis's error messages, in one place (rule K.15): each names what was wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from streamsim._errors import (
    InvalidArgumentException,
    ProvisionedThroughputExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
)

if TYPE_CHECKING:
    from ._stream import KinesisStream


def where(stream: KinesisStream) -> str:
    """``stream X under account Y``, as Kinesis writes it."""
    return f"stream {stream.name} under account {stream.account_id}"


def stream_not_found(name: str, account_id: str) -> ResourceNotFoundException:
    """No stream of that name (or not yet / no longer usable)."""
    return ResourceNotFoundException(f"Stream {name} under account {account_id} not found.")


def shard_not_found(stream: KinesisStream, shard_id: str) -> ResourceNotFoundException:
    """No listed shard of that id."""
    return ResourceNotFoundException(f"Shard {shard_id} in {where(stream)} does not exist")


def not_active(stream: KinesisStream) -> ResourceInUseException:
    """A change that needs an ACTIVE stream (rule K.12)."""
    return ResourceInUseException(
        f"Stream {stream.name} under account {stream.account_id} not ACTIVE, instead in state "
        f"{stream.status}"
    )


def closed_shard(stream: KinesisStream, shard_id: str) -> InvalidArgumentException:
    """Split or merge of a shard that is no longer open (rule K.12)."""
    return InvalidArgumentException(
        f"Shard {shard_id} in {where(stream)} has already been merged or split, and thus is "
        "not eligible for merging or splitting."
    )


def write_throttled(stream: KinesisStream, shard_id: str) -> str:
    """The message of a throttled write (PutRecord error, PutRecords entry)."""
    return f"Rate exceeded for shard {shard_id} in {where(stream)}."


def read_throttled(stream: KinesisStream, shard_id: str) -> ProvisionedThroughputExceededException:
    """A throttled GetRecords call (rule K.14)."""
    return ProvisionedThroughputExceededException(
        f"Rate exceeded for Shard - {shard_id} in {where(stream)}."
    )
