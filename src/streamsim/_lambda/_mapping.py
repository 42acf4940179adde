"""Event source mappings and their State.

:class:`EventSourceMapping` is one mapping: configuration (a
:class:`~._config.MappingConfig`), ``State`` with its transitions, ``LastProcessingResult``,
metrics, and the :class:`~._poller.MappingPoller` that does the work.  It gets what it needs
of the service explicitly (a :class:`~._environment.LambdaEnvironment`, its source, and a
callback for when it is gone), so it never imports the service.

AWS behaviour (rule D.1, D.2, D.12): a new mapping is ``Creating`` and becomes ``Enabled`` (or
``Disabled`` when created with ``Enabled=False``); an update is ``Updating`` (or ``Enabling``
/ ``Disabling`` when it flips ``Enabled``); a deletion is ``Deleting`` until the mapping is
gone.  How long each transition takes is a setting (``LambdaSettings.start_delay_ms``,
``transition_ms``; AWS: seconds to minutes, UNCONFIRMED).  Disabling pauses polling and keeps
the position; enabling resumes from it.

When the Kinesis stream a mapping reads is deleted, the mapping stops polling for good (rule
L.12): it keeps its State and configuration, says ``PROBLEM: Stream not found: <arn>`` in
``LastProcessingResult``, and reports itself blocked (``source deleted``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamsim._clock import Timer
from streamsim._errors import ResourceInUseException

from . import _progress as progress
from ._config import MappingConfig as MappingConfig
from ._environment import LambdaEnvironment
from ._functions import Function
from ._metrics import STATE, MappingMetrics
from ._poller import MappingPoller
from ._progress import Blocked, InvocationTrace, last_error
from ._source import EventSource

# --- State (rule D.2) ---------------------------------------------------------------------------

CREATING = "Creating"
ENABLING = "Enabling"
ENABLED = "Enabled"
DISABLING = "Disabling"
DISABLED = "Disabled"
UPDATING = "Updating"
DELETING = "Deleting"
USER_ACTION = "User action"
NO_RECORDS = "No records processed"


class EventSourceMapping:
    """One event source mapping from a stream to a function.

    Args:
        environment: the service's clock, settings, concurrency pool and destinations.
        on_gone: called with the mapping once its deletion is over (the service forgets it).

    Attributes:
        uuid: the mapping's UUID; arn: its EventSourceMappingArn.
        function: the :class:`~._functions.Function` invoked; source: the stream read
            (an :class:`~._source.EventSource`).
        config: the current :class:`MappingConfig`.
        enabled: whether the user wants it polling (``Enabled``).
        state, state_transition_reason, last_processing_result: as GetEventSourceMapping
            reports them (rule D.2).
        last_modified_ms: virtual time of the last create/update.
        metrics: its :class:`~._metrics.MappingMetrics` (invocation log, counters).
    """

    def __init__(
        self,
        *,
        environment: LambdaEnvironment,
        uuid: str,
        function: Function,
        source: EventSource,
        config: MappingConfig,
        enabled: bool,
        on_gone: Callable[[EventSourceMapping], None],
    ) -> None:
        self._environment = environment
        self._settings = environment.settings
        self._clock = environment.clock
        self._on_gone = on_gone
        self.uuid = uuid
        region, account = environment.region, environment.account_id
        self.arn = f"arn:aws:lambda:{region}:{account}:event-source-mapping:{uuid}"
        self.function: Function = function
        self.source: EventSource = source
        self.config: MappingConfig = config
        self.enabled = enabled
        self.state = CREATING
        self.state_transition_reason = USER_ACTION
        self.last_processing_result = NO_RECORDS
        self.created_ms = self._clock.now_ms
        self.last_modified_ms = self.created_ms
        self.tags: dict[str, str] = {}
        self.metrics: MappingMetrics = MappingMetrics.bounded(
            self._settings.invocation_log_limit, self._settings.history_limit
        )
        self.poller = MappingPoller(
            self, environment=environment, source=source, metrics=self.metrics
        )
        self._timer: Timer | None = None
        self.deleted = False
        #: the stream it reads was deleted (rule L.12): it never polls again
        self.source_deleted = False

    # --- views ----------------------------------------------------------------------------------

    @property
    def invocation_log(self) -> list[Any]:
        """Every invocation so far, oldest first (see :class:`~._metrics.Invocation`)."""
        return list(self.metrics.invocation_log)

    @property
    def is_polling(self) -> bool:
        """True while the poller reads the stream and invokes the function."""
        return self.poller.active

    @property
    def trace(self) -> InvocationTrace:
        """The invocations kept so far, oldest first, as an :class:`InvocationTrace`."""
        return InvocationTrace(tuple(self.metrics.invocation_log))

    @property
    def caught_up(self) -> bool:
        """True when the mapping is Enabled and has processed (or given up) every record.

        Every shard it reads has no record left unread and nothing in flight: no batch being
        gathered, invoked, throttled or waiting for a retry, no tumbling window open.  A
        child shard waiting for its parent counts as unread when it holds records.
        """
        if self.state != ENABLED or self.deleted or not self.poller.active:
            return False
        for reader in self.poller.readers.values():
            if reader.unread() > 0:
                return False
            for slot in reader.slots:
                if not slot.quiescent:
                    return False
        return True

    @property
    def blocked(self) -> Blocked | None:
        """Why the mapping makes no progress by itself, or None when it does (or is caught up).

        Disabled (or being disabled) and deleted mappings are blocked; so is one whose
        function has reserved concurrency 0 while it holds a batch, and one retrying a failed
        batch with unlimited retries (MaximumRetryAttempts and MaximumRecordAgeInSeconds both
        -1, rule D.5): it keeps retrying until the records leave the stream's retention.  A
        batch that will be given up by itself (limited retries or record age) is progress.
        """
        if self.deleted:
            return Blocked(kind=progress.DELETED, explanation=f"mapping {self.uuid} was deleted")
        if self.source_deleted:
            return Blocked(
                kind=progress.SOURCE_DELETED,
                explanation=(
                    f"mapping {self.uuid}: its stream {self.source.arn} was deleted, so it "
                    "polls nothing (delete the mapping, or map the function to another stream)"
                ),
            )
        if not self.enabled:
            return Blocked(
                kind=progress.DISABLED,
                explanation=f"mapping {self.uuid} is {self.state}: it does not poll",
            )
        cfg = self.config
        unlimited = cfg.maximum_retry_attempts < 0 and cfg.maximum_record_age_s < 0
        sequence_number = self.poller.sequence_number
        for reader in self.poller.readers.values():
            shard_id = reader.shard.shard_id
            for slot in reader.slots:
                batch = slot.batch
                if batch is None or not batch.records:
                    continue
                first = str(sequence_number(batch.records[0]))
                last = str(sequence_number(batch.records[-1]))
                function = self.function
                if slot.waiting and function.reserved_concurrency == 0:
                    return Blocked(
                        kind=progress.THROTTLED,
                        explanation=(
                            f"mapping {self.uuid}: function {function.name} has reserved "
                            f"concurrency 0, so every invocation of shard {shard_id} is throttled"
                        ),
                        shard_id=shard_id,
                        first_sequence_number=first,
                        last_sequence_number=last,
                    )
                if unlimited and slot.retry_timer is not None and batch.retries > 0:
                    error = last_error(self.metrics.invocation_log, shard_id)
                    return Blocked(
                        kind=progress.RETRYING,
                        explanation=(
                            f"mapping {self.uuid}: shard {shard_id} is retrying records "
                            f"{first}..{last} after {batch.retries} failed attempt"
                            f"{'s' if batch.retries != 1 else ''} (last: {error}); retries are "
                            "unlimited, so it retries until the records expire"
                        ),
                        shard_id=shard_id,
                        slot=slot.index,
                        first_sequence_number=first,
                        last_sequence_number=last,
                        failures=batch.retries,
                        error=error,
                    )
        return None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin: ``Creating``, then ``Enabled`` or ``Disabled`` after the start delay."""
        settings = self._settings
        if not settings.latest_from_poll_start or self.config.starting_position != "LATEST":
            self.poller.attach()
        self._transition(CREATING, settings.start_delay_ms)

    def _transition(self, state: str, delay_ms: int) -> None:
        self.state = state
        self.metrics.history.append((self._clock.now_ms, STATE, None, None, state))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if delay_ms <= 0:
            self._settle()
        else:
            self._timer = self._clock.call_later(delay_ms, self._settle)

    def _settle(self) -> None:
        self._timer = None
        if self.state == DELETING:
            self._on_gone(self)
            return
        self.state = ENABLED if self.enabled else DISABLED
        self.metrics.history.append((self._clock.now_ms, STATE, None, None, self.state))
        if self.source_deleted:
            return  # nothing left to poll (rule L.12)
        if self.enabled:
            self.poller.attach()
        self.poller.set_active(self.enabled)

    def expire_iterators(self) -> None:
        """The mapping's shard iterators expire: each shard resumes from its checkpoint,
        re-reading what was read but not processed as new batches (rule F.18)."""
        self.poller.expire_iterators()

    def update(
        self,
        config: MappingConfig,
        *,
        enabled: bool | None = None,
        function: Function | None = None,
    ) -> None:
        """Apply a new configuration (UpdateEventSourceMapping).

        Raises:
            ResourceInUseException: the mapping is still changing state.
        """
        if self.state not in (ENABLED, DISABLED):
            raise ResourceInUseException(
                f"Cannot update the event source mapping {self.uuid} while it is {self.state}; "
                "try again once it is Enabled or Disabled"
            )
        self.config = config
        if function is not None and function is not self.function:
            self.function = function
            self.poller.function_changed()
        self.last_modified_ms = self._clock.now_ms
        settings = self._settings
        if enabled is not None and enabled != self.enabled:
            self.enabled = enabled
            state = ENABLING if enabled else DISABLING
            delay = settings.start_delay_ms if enabled else settings.transition_ms
            self._transition(state, delay)
        else:
            self._transition(UPDATING, settings.transition_ms)
        if self.poller.active:
            self.poller.wake_all()

    def stream_deleted(self) -> None:
        """The stream it reads was deleted (rule L.12): stop polling for good.

        Records not yet processed are lost and the results of invocations in flight are
        ignored; the State and configuration stay as they are, ``LastProcessingResult`` says
        what happened, and :attr:`blocked` reports ``source deleted``.
        """
        if self.source_deleted or self.deleted:
            return
        self.source_deleted = True
        self.last_processing_result = f"PROBLEM: Stream not found: {self.source.arn}"
        self.poller.detach()

    def delete(self) -> None:
        """Stop polling at once; the mapping disappears after ``Deleting``."""
        self.deleted = True
        self.poller.detach()
        self._transition(DELETING, self._settings.transition_ms)

    def _check(self) -> None:
        """Assert the mapping's invariants: its poller follows its state.

        AWS behaviour: rule D.12 (a disabled or deleted mapping does not poll; an enabled one
        does, once it settled).  A paused poller may still have poll and retry timers pending:
        they fire as no-ops, so only its throttled slots and their age timers must be gone.
        """
        name = f"mapping {self.uuid} ({self.state})"
        states = (CREATING, ENABLING, ENABLED, DISABLING, DISABLED, UPDATING, DELETING)
        assert self.state in states, f"{name}: unknown state"
        poller = self.poller
        if self.state == DISABLED or self.deleted:
            assert not poller.active, f"{name}: its poller is still active"
        if self.deleted or self.source_deleted:
            assert poller.detached, f"{name}: its poller still follows a stream it left"
            assert not poller.active, f"{name}: its poller still polls a stream it left"
        if self.state == ENABLED and not self.deleted and not self.source_deleted:
            assert self.enabled, f"{name}: Enabled but not enabled"
            assert poller.active, f"{name}: Enabled but its poller is paused"
        if not poller.active:
            for slot in poller.slots():
                assert not slot.waiting, f"{name}: a paused poller's slot waits for an instance"
                assert slot.age_timer is None, f"{name}: a paused poller's slot has an age timer"
        poller._check()

    def __repr__(self) -> str:
        return (
            f"<EventSourceMapping {self.uuid} {self.function.name} <- {self.source.name} "
            f"{self.state}>"
        )
