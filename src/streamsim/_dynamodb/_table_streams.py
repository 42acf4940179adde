"""A table's streams: enabling one, disabling it, and the history of the ones it had.

A mixin of :class:`~._table.TableEngine`, which sets the attributes it reads.

AWS behaviour: rule C.1 (a table has at most one enabled stream; enabling again makes a new
stream with a new label), A.10 (a disabled stream's shards close and stay readable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from streamsim._errors import ValidationException
from streamsim._items import Shapes
from streamsim._streams._partitions import PartitionMap
from streamsim._streams._stream import Stream, StreamSettings

if TYPE_CHECKING:
    import random

    from streamsim._clock import Clock


class TableStreams:
    """Stream handling of a table: ``stream`` (the enabled one) and ``streams`` (all)."""

    name: str
    region: str
    account_id: str
    clock: Clock
    hash_type: str
    range_key: str | None
    range_type: str
    key_schema: tuple[tuple[str, str], ...]
    partitions: PartitionMap
    stream: Stream | None
    streams: list[Stream]
    stream_view_type: str | None
    _stream_settings: StreamSettings
    _stream_rng: random.Random
    _prior_stream: Stream | None
    _shapes: Shapes

    def enable_stream(self, view_type: str) -> Stream:
        """Create a new stream for this table (rule C.1).

        Raises:
            ValidationException: a stream is already enabled, or the view type is invalid.
        """
        if self.stream is not None:
            raise ValidationException(f"Table already has an enabled stream: {self.stream.arn}")
        stream = Stream(
            clock=self.clock,
            settings=self._stream_settings,
            rng=self._stream_rng,
            region=self.region,
            account_id=self.account_id,
            table_name=self.name,
            key_schema=self.key_schema,
            key_types=(self.hash_type,) + ((self.range_type,) if self.range_key else ()),
            view_type=view_type,
            partitions=self.partitions,
            after=self.latest_stream or self._prior_stream,  # keeps the label (ARN) new
            shapes=self._shapes,
        )
        self.stream = stream
        self.streams.append(stream)
        self.stream_view_type = view_type
        return stream

    def disable_stream(self) -> Stream:
        """Disable the enabled stream: its shards close, it stays readable (rule C.1, A.10).

        Raises:
            ValidationException: no stream is enabled.
        """
        stream = self.stream
        if stream is None:
            raise ValidationException(
                "Table does not have an enabled stream; a stream can only be disabled while "
                "it is enabled"
            )
        stream.end()
        self.stream = None
        return stream

    @property
    def latest_stream(self) -> Stream | None:
        """The most recently enabled stream (kept after disabling, rule C.1 UNCONFIRMED)."""
        return self.streams[-1] if self.streams else None
