"""Read-only views of the Lambda service and its objects: what ``sim.lambda_service`` hands out.

:class:`LambdaService` looks up functions, event source mappings and destinations and creates
functions and destinations; :class:`Function`, :class:`EventSourceMapping` and
:class:`MappingMetrics` show their model object's state.  The model's mutators (the account's
concurrency pool, ``Function.invoke`` and its ``duration`` setter, ``EventSourceMapping.start``
/ ``update`` / ``delete`` and its poller, the metrics' counters) are not on them, and
assigning to a view's attributes fails.  Mappings are created, changed and deleted through
``sim.client("lambda")``.  The poller keeps the model objects and never goes through a view.

Two views of the same model object are equal (and hash alike).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from streamsim._lambda._config import MappingConfig
from streamsim._lambda._functions import Duration
from streamsim._lambda._functions import Function as FunctionModel
from streamsim._lambda._mapping import EventSourceMapping as MappingModel
from streamsim._lambda._metrics import (
    Discard,
    Invocation,
    IteratorAge,
    MappingEvent,
    MetricsSnapshot,
)
from streamsim._lambda._metrics import MappingMetrics as MetricsModel
from streamsim._lambda._progress import Blocked, InvocationTrace
from streamsim._lambda._service import LambdaService as ServiceModel
from streamsim._lambda._settings import LambdaSettings
from streamsim._pictures import Picture

from . import _lambda_pictures
from ._destination_views import Bucket, Queue, Topic, destination_view
from ._display import INLINE_LIMIT, Display


class LambdaService(Display):
    """The simulated Lambda service as users see it (``sim.lambda_service``).

    Looks up functions, event source mappings and destinations, and creates functions and
    on-failure destinations; mappings are made through ``sim.client("lambda")``.  The
    account's concurrency bookkeeping stays inside the model.  AWS behaviour: rule D.1-D.12.
    """

    __slots__ = ("_model",)

    def __init__(self, model: ServiceModel) -> None:
        self._model = model

    @property
    def settings(self) -> LambdaSettings:
        """The (frozen) Lambda settings of the simulation."""
        return self._model.settings

    @property
    def region(self) -> str:
        """The region in the service's ARNs."""
        return self._model.region

    @property
    def account_id(self) -> str:
        """The account in the service's ARNs."""
        return self._model.account_id

    @property
    def functions(self) -> dict[str, Function]:
        """Every function by name, in creation order (a new dict)."""
        return {name: Function(f, self._model) for name, f in self._model.functions.items()}

    @property
    def mappings(self) -> dict[str, EventSourceMapping]:
        """Every event source mapping by UUID, in creation order (a new dict)."""
        return {
            uuid: EventSourceMapping(m, self._model) for uuid, m in self._model.mappings.items()
        }

    @property
    def destinations(self) -> dict[str, Queue | Topic | Bucket]:
        """Every queue, topic and bucket by ARN, in creation order (a new dict)."""
        return {arn: destination_view(d) for arn, d in self._model.destinations.items()}

    @property
    def unreserved_capacity(self) -> int:
        """Instances not reserved by any function (rule D.4)."""
        return self._model.unreserved_capacity

    def function(self, name_or_arn: str) -> Function:
        """The function named by a name, an ARN or a partial ARN.

        Raises:
            ResourceNotFoundException: no such function.
            InvalidParameterValueException: not a function name or ARN.
        """
        return Function(self._model.function(name_or_arn), self._model)

    def mapping(self, uuid: str) -> EventSourceMapping:
        """The event source mapping with this UUID.

        Raises:
            ResourceNotFoundException: no such mapping.
        """
        return EventSourceMapping(self._model.mapping(uuid), self._model)

    def destination(self, arn: str) -> Queue | Topic | Bucket | None:
        """The queue, topic or bucket with this ARN, or None."""
        found = self._model.destination(arn)
        return None if found is None else destination_view(found)

    def list_event_source_mappings(
        self, *, function_name: str | None = None, event_source_arn: str | None = None
    ) -> list[EventSourceMapping]:
        """Mappings in creation order, optionally of one function and/or one stream."""
        found = self._model.list_event_source_mappings(
            function_name=function_name, event_source_arn=event_source_arn
        )
        return [EventSourceMapping(m, self._model) for m in found]

    def create_function(self, name: str, handler: Callable[..., Any], **options: Any) -> Function:
        """Create a function whose handler is ordinary Python.

        Options: ``reserved_concurrency``, ``timeout`` (seconds, 1-900), ``duration`` (virtual
        time an invocation takes) and ``memory_size``, as the model's ``create_function`` takes.

        Raises:
            ResourceConflictException: a function with this name exists.
            InvalidParameterValueException: a bad name, timeout, memory size or concurrency.
        """
        return Function(self._model.create_function(name, handler, **options), self._model)

    def create_queue(self, name: str) -> Queue:
        """Create an SQS-style queue (``.arn``, ``.messages``) for on-failure records."""
        return Queue(self._model.create_queue(name))

    def create_topic(self, name: str) -> Topic:
        """Create an SNS-style topic (``.arn``, ``.messages``) for on-failure records."""
        return Topic(self._model.create_topic(name))

    def create_bucket(self, name: str) -> Bucket:
        """Create an S3-style bucket (``.arn``, ``.objects``) for on-failure records."""
        return Bucket(self._model.create_bucket(name))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LambdaService):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)

    def _check(self) -> None:
        """Assert the service's invariants (the model's ``_check``)."""
        self._model._check()


class Function(Display):
    """A simulated Lambda function as users see it: configuration, concurrency and counts.

    Returned by ``sim.create_function`` and ``sim.lambda_service.function(name)``.  The
    invocations themselves are the event source mappings' (and ``client.invoke``'s) to make;
    :attr:`mappings`, :meth:`timeline` and the tables show them.
    AWS behaviour: rule D.4 (concurrency).
    """

    __slots__ = ("_model", "_service")

    def __init__(self, model: FunctionModel, service: ServiceModel) -> None:
        self._model = model
        self._service = service

    @property
    def mappings(self) -> list[EventSourceMapping]:
        """The event source mappings that invoke this function, in creation order."""
        return [
            EventSourceMapping(m, self._service)
            for m in self._service.mappings.values()
            if m.function is self._model
        ]

    def timeline(self, *, since: datetime | None = None, width: int = 900) -> Picture:
        """A picture of the function's work over virtual time, in four panels.

        Concurrent instances (the reserved concurrency as a dashed cap), throttles (a tick per
        refused attempt), iterator age and batch sizes (failed invocations in vermilion), over
        all its event sources.  Kept for ``LambdaSettings.history_limit`` invocations.
        """
        models = [m for m in self._service.mappings.values() if m.function is self._model]
        return _lambda_pictures.function_timeline(self._model, models, since=since, width=width)

    def concurrency_table(self) -> list[dict[str, Any]]:
        """Instances running, one row per instant the count changes (a new list).

        Columns: ``time`` (datetime), ``elapsed`` (timedelta since the function was created),
        ``instances`` (running from that instant on).
        """
        return _lambda_pictures.concurrency_table(self._model)

    def invocations_table(self) -> list[dict[str, Any]]:
        """Every invocation by its event source mappings, oldest first (a new list).

        The columns of :meth:`EventSourceMapping.invocations_table`, ``mapping`` naming the
        mapping's UUID.
        """
        rows = [row for m in self.mappings for row in m.invocations_table()]
        rows.sort(key=lambda row: (row["start"], row["shard_id"]))
        return rows

    def _picture(self) -> Picture | None:
        if not self._model.spans or len(self._model.spans) > INLINE_LIMIT:
            return None
        return self.timeline()

    @property
    def name(self) -> str:
        """The function name."""
        return self._model.name

    @property
    def arn(self) -> str:
        """``arn:aws:lambda:<region>:<account>:function:<name>``."""
        return self._model.arn

    @property
    def handler(self) -> Callable[..., Any]:
        """The Python handler, called as ``handler(event, context)``."""
        return self._model.handler

    @property
    def timeout_seconds(self) -> int:
        """The timeout in whole seconds (the ``Timeout`` of GetFunction)."""
        return self._model.timeout_seconds

    @property
    def memory_mb(self) -> int:
        """The configured memory size in MB (only reported)."""
        return self._model.memory_mb

    @property
    def duration(self) -> Duration | None:
        """The configured duration of one invocation (None: the default of 10 ms)."""
        return self._model.duration

    @property
    def created_ms(self) -> int:
        """Virtual time the function was created."""
        return self._model.created_ms

    @property
    def log_stream_name(self) -> str:
        """The CloudWatch log stream name its contexts report."""
        return self._model.log_stream_name

    @property
    def reserved_concurrency(self) -> int | None:
        """Cap on concurrent instances (None: the function shares the unreserved pool)."""
        return self._model.reserved_concurrency

    @property
    def active(self) -> int:
        """Instances running now."""
        return self._model.active

    @property
    def peak_concurrency(self) -> int:
        """The most instances that ever ran at once."""
        return self._model.peak_concurrency

    @property
    def invocations(self) -> int:
        """Invocations over all event sources."""
        return self._model.invocations

    @property
    def errors(self) -> int:
        """Invocations that failed as a whole (function error or timeout)."""
        return self._model.errors

    @property
    def throttles(self) -> int:
        """Attempts refused because the function had no free concurrency."""
        return self._model.throttles

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Function):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)


class EventSourceMapping(Display):
    """An event source mapping as users see it: configuration, State, log and metrics.

    Returned by ``sim.lambda_service.mapping(uuid)`` and ``function.mappings``; created,
    changed and deleted through ``sim.client("lambda")``.  AWS behaviour: rule D.1, D.2,
    D.11, D.12.
    """

    __slots__ = ("_model", "_service")

    def __init__(self, model: MappingModel, service: ServiceModel) -> None:
        self._model = model
        self._service = service

    @property
    def uuid(self) -> str:
        """The mapping's UUID."""
        return self._model.uuid

    @property
    def arn(self) -> str:
        """The EventSourceMappingArn."""
        return self._model.arn

    @property
    def function(self) -> Function:
        """The function it invokes."""
        return Function(self._model.function, self._service)

    @property
    def event_source_arn(self) -> str:
        """The ARN of the stream it reads."""
        return self._model.source.arn

    @property
    def config(self) -> MappingConfig:
        """The current (frozen) configuration."""
        return self._model.config

    @property
    def enabled(self) -> bool:
        """Whether the user wants it polling (``Enabled``)."""
        return self._model.enabled

    @property
    def state(self) -> str:
        """``Creating``, ``Enabled``, ``Disabled``, ``Updating``, ... (rule D.2)."""
        return self._model.state

    @property
    def state_transition_reason(self) -> str:
        """Why the State last changed, as GetEventSourceMapping reports it."""
        return self._model.state_transition_reason

    @property
    def last_processing_result(self) -> str:
        """``LastProcessingResult``, as GetEventSourceMapping reports it."""
        return self._model.last_processing_result

    @property
    def created_ms(self) -> int:
        """Virtual time the mapping was created."""
        return self._model.created_ms

    @property
    def last_modified_ms(self) -> int:
        """Virtual time of the last create or update."""
        return self._model.last_modified_ms

    @property
    def tags(self) -> dict[str, str]:
        """Its tags (a new dict)."""
        return dict(self._model.tags)

    @property
    def is_polling(self) -> bool:
        """True while the poller reads the stream and invokes the function."""
        return self._model.is_polling

    def expire_iterators(self) -> None:
        """Make the mapping's shard iterators expire (a fault to test consumers with): each
        shard resumes from its checkpoint and re-reads what was read but not yet processed
        (a batch being retried comes again as a new batch, its retries counted afresh)."""
        self._model.expire_iterators()

    @property
    def metrics(self) -> MappingMetrics:
        """Its counters and logs (a read-only view that follows the mapping's progress)."""
        return MappingMetrics(self._model.metrics)

    @property
    def invocation_log(self) -> list[Invocation]:
        """Every invocation so far, oldest first (a new list)."""
        return list(self._model.metrics.invocation_log)

    @property
    def history(self) -> list[MappingEvent]:
        """Throttles, retries, checkpoints, discards and State changes, oldest first (a new
        list; bounded by ``LambdaSettings.history_limit``).  Invocations are in
        :attr:`invocation_log`."""
        return self._model.metrics.events()

    def timeline(self, *, since: datetime | None = None, width: int = 900) -> Picture:
        """A picture of the mapping's work over virtual time, in four panels.

        Concurrent instances (its function's reserved concurrency as a dashed cap),
        throttles, iterator age and batch sizes (failed invocations in vermilion).
        """
        return _lambda_pictures.mapping_timeline(self._model, since=since, width=width)

    def invocations_table(self) -> list[dict[str, Any]]:
        """One flat row per invocation, oldest first (a new list).

        Columns: ``start``, ``end`` (datetimes), ``duration_ms``, ``shard_id``, ``short_id``,
        ``instance`` (1-based, numbered as the lineage picture numbers its Lambda lanes),
        ``batch_size``, ``attempt``, ``outcome``, ``error``, ``first_sequence_number``,
        ``last_sequence_number``, ``request_id``, ``mapping`` (this mapping's UUID).
        """
        return _lambda_pictures.invocations_table(self._model)

    def _picture(self) -> Picture | None:
        log = self._model.metrics.invocation_log
        if not log or len(log) > INLINE_LIMIT:
            return None
        return self.timeline()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EventSourceMapping):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)

    def _check(self) -> None:
        """Assert the mapping's invariants (the model's ``_check``)."""
        self._model._check()

    # --- progress (issue 15) --------------------------------------------------------------------

    @property
    def caught_up(self) -> bool:
        """True when Enabled with every record processed or given up and nothing in flight."""
        return self._model.caught_up

    @property
    def blocked(self) -> Blocked | None:
        """Why it makes no progress by itself (disabled, deleted, throttled, retrying), or None."""
        return self._model.blocked

    @property
    def trace(self) -> InvocationTrace:
        """Its invocations so far as an :class:`~streamsim.InvocationTrace` (``str()`` renders)."""
        return self._model.trace


class MappingMetrics(Display):
    """Counters and logs of one event source mapping, read-only (``mapping.metrics``).

    The counters follow the mapping as it works; :meth:`snapshot` takes an immutable copy.
    AWS behaviour: rule D.11 (the names of the CloudWatch metrics are in :meth:`as_cloudwatch`).
    """

    __slots__ = ("_model",)

    def __init__(self, model: MetricsModel) -> None:
        self._model = model

    @property
    def polled(self) -> int:
        """Records read from the stream (``PolledEventCount``)."""
        return self._model.polled

    @property
    def filtered_out(self) -> int:
        """Records dropped by FilterCriteria (``FilteredOutEventCount``)."""
        return self._model.filtered_out

    @property
    def invoked(self) -> int:
        """Records sent to the function, retries included (``InvokedEventCount``)."""
        return self._model.invoked

    @property
    def failed_invoke(self) -> int:
        """Records in invocations that failed (``FailedInvokeEventCount``)."""
        return self._model.failed_invoke

    @property
    def dropped(self) -> int:
        """Records discarded after failures or for their age (``DroppedEventCount``)."""
        return self._model.dropped

    @property
    def on_failure_delivered(self) -> int:
        """Records whose on-failure records reached the destination."""
        return self._model.on_failure_delivered

    @property
    def destination_delivery_failures(self) -> int:
        """On-failure records that could not be delivered (``DestinationDeliveryFailures``)."""
        return self._model.destination_delivery_failures

    @property
    def trimmed_unread(self) -> int:
        """Records trimmed from the stream before the mapping read them (rule D.5, D.12)."""
        return self._model.trimmed_unread

    @property
    def throttles(self) -> int:
        """Attempts refused because the function had no free concurrency."""
        return self._model.throttles

    @property
    def invocations(self) -> int:
        """Function invocations by this mapping."""
        return self._model.invocations

    @property
    def errors(self) -> int:
        """Invocations that failed as a whole (function error or timeout)."""
        return self._model.errors

    @property
    def internal_errors(self) -> int:
        """Bugs of the poller itself, each raised out of ``advance()`` as a SimulationError."""
        return self._model.internal_errors

    @property
    def read_throttles(self) -> int:
        """Polls of a Kinesis shard put off because its read throughput was spent (rule L.7)."""
        return self._model.read_throttles

    @property
    def invocation_log(self) -> list[Invocation]:
        """Every :class:`~streamsim.Invocation` kept, oldest first (a new list)."""
        return list(self._model.invocation_log)

    @property
    def discards(self) -> list[Discard]:
        """Every :class:`~streamsim.Discard`, oldest first (a new list)."""
        return list(self._model.discards)

    @property
    def history(self) -> list[MappingEvent]:
        """Throttles, retries, checkpoints, discards and State changes, oldest first (a new
        list; the same as ``mapping.history``)."""
        return self._model.events()

    @property
    def iterator_ages(self) -> list[IteratorAge]:
        """One :class:`~streamsim.IteratorAge` sample per invocation with records (a new list)."""
        return list(self._model.iterator_ages)

    def invocations_after(self, ms: int) -> list[Invocation]:
        """The kept invocations that ended after virtual time ``ms`` (epoch milliseconds, as
        :attr:`Invocation.end_ms <streamsim.Invocation.end_ms>`), oldest first (a new list).

        For reading a long run as it goes: pass the time of your last look, and the call costs
        what it returns, where :attr:`invocation_log` copies every entry kept (10,000 by
        default).  An entry with ``end_ms`` equal to ``ms`` counts as seen.
        """
        return self._model.invocation_log.after(_epoch_ms(ms, "invocations_after"))

    def iterator_ages_after(self, ms: int) -> list[IteratorAge]:
        """The kept :class:`~streamsim.IteratorAge` samples taken after virtual time ``ms``
        (epoch milliseconds, as their ``at_ms``), oldest first (a new list): as
        :meth:`invocations_after`, for :attr:`iterator_ages`."""
        return self._model.iterator_ages.after(_epoch_ms(ms, "iterator_ages_after"))

    def snapshot(self) -> MetricsSnapshot:
        """The counters now, as an immutable value."""
        return self._model.snapshot()

    def as_cloudwatch(self) -> dict[str, Any]:
        """The counters under their CloudWatch metric names (rule D.11)."""
        return self._model.as_cloudwatch()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MappingMetrics):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)


def _epoch_ms(ms: Any, method: str) -> int:
    """``ms`` checked to be an ``int`` of epoch milliseconds (a ``bool`` is not)."""
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise TypeError(f"{method}() takes epoch milliseconds as an int, got {ms!r}")
    return int(ms)
