"""A batch: the records of one invocation and their retry bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from streamsim._gc import call_paused
from streamsim._lambda._events import ENVELOPE_BYTES
from streamsim._lambda._source import EventRecord, SourceRecord
from streamsim._lambda._windows import WindowState


class Batch:
    """The records of one invocation, and what happened to them so far.

    Attributes:
        records: source records, in sequence-number order, all from one shard.
        events: their event records for the first attempt, when they were rendered as the
            records were read (filters, tumbling windows, near the 6 MB limit); None when
            they are rendered at the invocation (the fast path) and once used (retries
            rebuild fresh ones).
        retries: retries used, counted against MaximumRetryAttempts.
        attempts: invocations these records were part of (``approximateInvokeCount``).
        gather_start_ms: when the batching window of this batch began.
        window: the tumbling window the batch belongs to, if any; final: True for the final
            invocation of that window (no records); early: the window ends early because its
            state outgrew 1 MB.
        bound: the payload estimate in bytes (an upper bound until ``exact``).
        last_request_id, last_error: of the last invocation (for the on-failure record).
    """

    __slots__ = (
        "attempts",
        "bound",
        "early",
        "events",
        "exact",
        "final",
        "gather_start_ms",
        "last_error",
        "last_request_id",
        "records",
        "retries",
        "window",
    )

    def __init__(
        self,
        records: list[SourceRecord],
        events: list[EventRecord] | None,
        gather_start_ms: int = 0,
        *,
        retries: int = 0,
        attempts: int = 0,
        window: WindowState | None = None,
        final: bool = False,
        early: bool = False,
    ) -> None:
        self.records = records
        self.events = events
        self.retries = retries
        self.attempts = attempts
        self.gather_start_ms = gather_start_ms
        self.window = window
        self.final = final
        self.early = early
        self.bound = ENVELOPE_BYTES  # payload estimate (an upper bound until exact)
        self.exact = False
        self.last_request_id: str | None = None
        self.last_error = False

    def rendered(
        self, build: Callable[[Sequence[SourceRecord]], list[EventRecord]]
    ) -> list[EventRecord]:
        """Its event records, rendered with ``build`` now if they were not yet (with the cyclic
        collector paused: the one GC policy for rendering, :mod:`streamsim._gc`)."""
        events = self.events
        if events is None:
            events = self.events = call_paused(build, self.records)
        return events

    def split(self, records: list[SourceRecord]) -> Batch:
        """A batch of some of these records that keeps the retry bookkeeping."""
        part = Batch(
            records,
            None,
            gather_start_ms=self.gather_start_ms,
            retries=self.retries,
            attempts=self.attempts,
            window=self.window,
        )
        part.last_request_id = self.last_request_id
        part.last_error = self.last_error
        return part

    def __repr__(self) -> str:
        if not self.records:
            return f"<Batch final-window retries={self.retries}>"
        return f"<Batch {len(self.records)} records retries={self.retries}>"

    def describe(self, sequence_number: Any) -> str:
        """A short text for ``repr``: the records' sequence-number range and retries."""
        if not self.records:
            return f"<Batch final-window retries={self.retries}>"
        return (
            f"<Batch {len(self.records)} records {sequence_number(self.records[0])}.."
            f"{sequence_number(self.records[-1])} retries={self.retries}>"
        )
