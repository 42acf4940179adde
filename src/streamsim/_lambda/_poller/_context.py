"""The mapping-wide state every reader and slot of one poller shares.

:class:`PollContext` holds what belongs to the mapping rather than to one shard: the
source, the service environment (clock, settings, concurrency pool, destinations), the
metrics, the limits, the poll-tick anchor and whether the poller is active.
:class:`~._reading.MappingPoller` extends it with the shard readers.  Slots and readers see
the mapping only through :class:`MappingView`, so the poller never imports the mapping.
"""

from __future__ import annotations

from typing import Protocol

from streamsim._errors import SimulationError
from streamsim._lambda._config import MappingConfig
from streamsim._lambda._environment import LambdaEnvironment
from streamsim._lambda._functions import Function, describe
from streamsim._lambda._metrics import MappingMetrics
from streamsim._lambda._source import EventSource


class MappingView(Protocol):
    """What the poller reads (and sets) of its event source mapping."""

    @property
    def uuid(self) -> str:
        """The mapping's UUID."""

    @property
    def config(self) -> MappingConfig:
        """The mapping's current configuration."""

    @property
    def function(self) -> Function:
        """The function the mapping invokes now."""

    last_processing_result: str


class PollContext:
    """The shared state of one mapping's poller (see :class:`~._reading.MappingPoller`).

    Args:
        mapping: the mapping (its configuration and function may change over time).
        environment: the service's clock, settings, concurrency pool and destinations.
        source: the stream the mapping reads.
        metrics: the mapping's counters and logs.
    """

    def __init__(
        self,
        mapping: MappingView,
        *,
        environment: LambdaEnvironment,
        source: EventSource,
        metrics: MappingMetrics,
    ) -> None:
        self.mapping = mapping
        self.environment = environment
        self.clock = environment.clock
        self.settings = settings = environment.settings
        self.concurrency = environment.concurrency
        self.source = source
        self.source_arn = source.arn
        self.retention_ms = source.retention_ms
        self.metrics = metrics
        self.event_bytes = source.event_bytes
        self.payload_bound = source.payload_bound
        self.record_bound = source.record_bound
        self.created_ms = source.created_ms
        self.sequence_number = source.sequence_number
        self.interval_ms = source.poll_interval_ms or settings.poll_interval_ms
        self.filter_view = source.filter_view  # None: filters see the event record (rule L.10)
        self.max_payload = settings.max_payload_bytes
        self.anchor_ms = self.clock.now_ms
        self.active = False
        self.attached = False
        self.detached = False
        self.reported: BaseException | None = None  # the last internal error raised

    def internal_error(self, exc: Exception, shard_id: str) -> SimulationError:
        """Record a bug of the poller (``exc``) and build the error to raise ``from exc``.

        The mapping says what happened (``LastProcessingResult``, the ``internal_errors``
        counter); the caller makes sure the shard is polled again, so the mapping is never
        silently stopped.  Each bug is reported once, however many polls it passes through.
        """
        name = type(exc).__name__
        self.metrics.internal_errors += 1
        self.mapping.last_processing_result = f"PROBLEM: Internal error: {name}"
        error = SimulationError(
            f"internal error in event source mapping {self.mapping.uuid} while processing "
            f"shard {shard_id}: {name}: {describe(exc)}; the shard is polled again at the "
            "next advance()"
        )
        self.reported = error
        return error

    def next_tick(self) -> int:
        """The next poll tick at or after now (ticks are ``anchor + k * poll_interval_ms``)."""
        return self.tick_at(self.clock.now_ms)

    def tick_at(self, at_ms: int) -> int:
        """The first poll tick at or after ``at_ms``."""
        return at_ms + (self.anchor_ms - at_ms) % self.interval_ms
