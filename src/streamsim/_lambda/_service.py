"""The simulated Lambda service: functions, event source mappings, destinations, concurrency.

:class:`LambdaService` is created by the simulation on first use (``sim.lambda_service``) and
holds every function, mapping, queue, topic and bucket.  :class:`LambdaSettings` gathers the
behaviour that AWS does not pin down (spec F), each with the most plausible default.

Concurrency (rule D.4): the account has ``account_concurrency`` instances.  A function with
reserved concurrency runs at most that many; the others share what is not reserved.  An
invocation that finds no free instance is throttled: its slot waits (first come, first
served) and starts as soon as an instance frees, without using a retry attempt.  Reserved
concurrency 0 stops all processing.  The bookkeeping is the account's
:class:`~._concurrency.ConcurrencyPool` (``service.concurrency``).

Each stream a mapping reads is wrapped once in the poller's view of it: a
:class:`~._dynamodb_source.DynamoDBStreamSource` for a DynamoDB stream, a
:class:`~._kinesis_source.KinesisStreamSource` for a Kinesis data stream (rule L.5-L.11).

AWS behaviour: rule D.1-D.12.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from streamsim._errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from streamsim._streams._stream import Stream

from ._concurrency import ConcurrencyPool
from ._config import check_dynamodb_starting_position
from ._destinations import Bucket, Destination, Queue, Topic, validate_name
from ._dynamodb_source import DynamoDBStreamSource
from ._environment import LambdaEnvironment
from ._functions import DEFAULT_TIMEOUT_S, Duration, Function, InvocationResult
from ._invocations import AsyncEvent, Invoker
from ._kinesis_source import KinesisStreamLike, KinesisStreamSource
from ._mapping import EventSourceMapping, MappingConfig
from ._settings import LambdaSettings as LambdaSettings
from ._source import EventSource

if TYPE_CHECKING:
    import random

    from streamsim._clock import Clock

_D = TypeVar("_D", bound=Destination)

FUNCTION_ARN_RE = re.compile(
    r"(?:arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9_-]{1,64})"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?"
)
STREAM_ARN_RE = re.compile(r"arn:aws[a-zA-Z-]*:dynamodb:[^:]*:\d{12}:table/[^/]+/stream/.+")
KINESIS_ARN_RE = re.compile(r"arn:aws[a-zA-Z-]*:kinesis:[^:]*:\d{12}:stream/.+")


# version 4 (bits 76-79) and the RFC 4122 variant (bits 62-63), as uuid.UUID(version=4) sets them
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (4 << 76) | (0x8000 << 48)


class LambdaService:
    """Functions, event source mappings and destinations of one simulation.

    Normally reached as ``sim.lambda_service``; ``sim.create_function`` and
    ``sim.create_queue`` delegate here, and ``sim.client("lambda")`` is the boto3-shaped face.

    Args:
        clock: the simulation's virtual clock.
        rng: the named generator for UUIDs.
        find_stream: the readable stream with an ARN, or None (the model's stream registry).
        find_kinesis_stream: the Kinesis data stream with an ARN, or None.
        region, account_id: for ARNs.
        settings: behaviour AWS leaves open.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        rng: random.Random,
        find_stream: Callable[[str], Stream | None],
        region: str,
        find_kinesis_stream: Callable[[str], KinesisStreamLike | None] | None = None,
        account_id: str,
        settings: LambdaSettings | None = None,
    ) -> None:
        self.settings = settings or LambdaSettings()
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self._rng = rng
        self._find_stream = find_stream
        self._find_kinesis_stream = find_kinesis_stream or (lambda arn: None)
        self.functions: dict[str, Function] = {}
        self.mappings: dict[str, EventSourceMapping] = {}
        self.destinations: dict[str, Destination] = {}
        #: the account's instances, reservations and throttled waiters (rule D.4)
        self.concurrency: ConcurrencyPool[Function] = ConcurrencyPool(
            account_concurrency=self.settings.account_concurrency,
            unreserved_minimum=self.settings.unreserved_minimum,
        )
        self._environment = LambdaEnvironment(
            clock=clock,
            settings=self.settings,
            concurrency=self.concurrency,
            new_uuid=self.new_uuid,
            destination=self.destination,
            region=region,
            account_id=account_id,
        )
        self._sources: dict[object, EventSource] = {}  # stream -> its adapter
        #: Invoke's synchronous calls and asynchronous queues (rule L.1-L.4)
        self.invoker = Invoker(
            clock=clock, concurrency=self.concurrency, destination=self.destination
        )

    # --- identifiers ----------------------------------------------------------------------------

    def new_uuid(self) -> str:
        """A random-looking version-4 UUID from the simulation's seeded source.

        The same text as ``str(uuid.UUID(int=bits, version=4))``, without building a UUID.
        """
        h = (self._rng.getrandbits(128) & _UUID_CLEAR | _UUID_V4).to_bytes(16, "big").hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    # --- functions ------------------------------------------------------------------------------

    def create_function(
        self,
        name: str,
        handler: Callable[..., Any],
        *,
        reserved_concurrency: int | None = None,
        timeout: Any = DEFAULT_TIMEOUT_S,
        duration: Duration | None = None,
        memory_size: int = 128,
    ) -> Function:
        """Create a function whose handler is ordinary Python.

        Args:
            name: the function name (1-64 of ``[a-zA-Z0-9_-]``).
            handler: ``handler(event, context)``; its return value is the response.
            reserved_concurrency: cap on concurrent instances (None: unreserved).
            timeout: seconds (1-900, default 3) after which an invocation fails with
                "Task timed out".
            duration: virtual time an invocation takes: seconds, a timedelta, or a callable
                of the event returning one (default 10 ms).
            memory_size: MB (reported only).

        Raises:
            ResourceConflictException: a function with this name exists.
            InvalidParameterValueException: a bad name, timeout, memory size or concurrency.

        >>> from streamsim._simulation import Simulation
        >>> fn = Simulation(seed=1).create_function("f", lambda event, context: None)
        >>> fn.arn
        'arn:aws:lambda:us-east-1:123456789012:function:f'
        """
        if name in self.functions:
            raise ResourceConflictException(f"Function already exist: {name}")
        function = Function(
            name=name,
            handler=handler,
            clock=self.clock,
            region=self.region,
            account_id=self.account_id,
            request_ids=self.new_uuid,
            concurrency=self.concurrency,
            timeout=timeout,
            duration=duration,
            memory_size=memory_size,
            history_limit=self.settings.history_limit,
        )
        self.concurrency.add(function, reserved_concurrency)
        self.functions[name] = function
        return function

    def function(self, name_or_arn: str) -> Function:
        """The function named by a name, an ARN or a partial ARN.

        Raises:
            ResourceNotFoundException: no such function.
            InvalidParameterValueException: not a function name or ARN.
        """
        match = FUNCTION_ARN_RE.fullmatch(name_or_arn) if isinstance(name_or_arn, str) else None
        if match is None:
            raise InvalidParameterValueException(
                f"FunctionName must be a function name or ARN, got {name_or_arn!r}"
            )
        account = match.group("account")
        region = match.group("region")
        function = self.functions.get(match.group("name"))
        if (
            function is None
            or (account is not None and account != self.account_id)
            or (region is not None and region != self.region)
        ):
            raise ResourceNotFoundException(
                f"Function not found: arn:aws:lambda:{self.region}:{self.account_id}:function:"
                f"{match.group('name')}"
            )
        return function

    # --- Invoke (rule L.1-L.4) -----------------------------------------------------------------

    def invoke_sync(
        self, function: Function, event: Any, client_context: Any = None
    ) -> InvocationResult:
        """Run ``function`` now (RequestResponse), holding an instance for its duration.

        Raises:
            TooManyRequestsException: no free instance (rule L.2).
        """
        return self.invoker.invoke_sync(function, event, client_context)

    def invoke_async(self, function: Function, event: Any) -> AsyncEvent:
        """Queue ``event`` for ``function`` (Event): run in virtual time with retries (rule L.4)."""
        return self.invoker.submit(function, event, self.new_uuid())

    # --- concurrency (rule D.4) -----------------------------------------------------------------

    @property
    def unreserved_capacity(self) -> int:
        """Instances not reserved by any function."""
        return self.concurrency.unreserved_capacity

    def set_reserved_concurrency(self, function: Function, value: int | None) -> None:
        """Put (an int) or delete (None) a function's reserved concurrency.

        Raises:
            InvalidParameterValueException: negative, or leaving too little unreserved.
        """
        self.concurrency.set_reserved(function, value)

    # --- destinations (rule D.7) ----------------------------------------------------------------

    def create_queue(self, name: str) -> Queue:
        """Create an SQS-style queue (``.arn``, ``.messages``) for on-failure records."""
        validate_name("sqs", name)
        return self._add(Queue(name, self.region, self.account_id))

    def create_topic(self, name: str) -> Topic:
        """Create an SNS-style topic (``.arn``, ``.messages``) for on-failure records."""
        validate_name("sns", name)
        return self._add(Topic(name, self.region, self.account_id))

    def create_bucket(self, name: str) -> Bucket:
        """Create an S3-style bucket (``.arn``, ``.objects``) for on-failure records."""
        validate_name("s3", name)
        return self._add(Bucket(name))

    def _add(self, destination: _D) -> _D:
        if destination.arn in self.destinations:
            raise ResourceConflictException(f"{destination.arn} already exists")
        self.destinations[destination.arn] = destination
        return destination

    def destination(self, arn: str) -> Destination | None:
        """The queue, topic or bucket with this ARN, or None."""
        return self.destinations.get(arn)

    def _check_destination(self, arn: str | None) -> None:
        if arn is None:
            return
        destination = self.destinations.get(arn)
        if destination is None:
            raise InvalidParameterValueException(
                f"The provided destination config DestinationConfig(onFailure={arn}) is invalid: "
                "no queue, topic or bucket with this ARN exists in the simulation (create it "
                "with sim.create_queue / lambda_service.create_topic / create_bucket)"
            )
        if destination.kind in ("sqs", "sns") and getattr(destination, "fifo", False):
            raise InvalidParameterValueException(
                f"FIFO destinations are not supported for stream event sources: {arn}"
            )

    # --- event source mappings (rule D.1, D.2) --------------------------------------------------

    def _stream(self, arn: Any) -> Stream | KinesisStreamLike:
        if isinstance(arn, str) and KINESIS_ARN_RE.fullmatch(arn):
            if "/consumer/" in arn:
                raise InvalidParameterValueException(
                    f"streamsim reads Kinesis streams with standard iterators only; enhanced "
                    f"fan-out consumer ARNs are not simulated: {arn}"
                )
            kinesis = self._find_kinesis_stream(arn)
            if kinesis is None:
                raise InvalidParameterValueException(f"Stream not found: {arn}")
            return kinesis
        if not isinstance(arn, str) or not STREAM_ARN_RE.fullmatch(arn):
            raise InvalidParameterValueException(
                f"EventSourceArn must be the ARN of a DynamoDB stream "
                f"(arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>) or of a "
                f"Kinesis stream (arn:aws:kinesis:<region>:<account>:stream/<name>), got {arn!r}"
            )
        stream = self._find_stream(arn)
        if stream is None:
            raise InvalidParameterValueException(f"Stream not found: {arn}")
        return stream

    def _check_source_config(self, config: MappingConfig, kinesis: bool) -> None:
        """What a mapping's configuration may hold for its kind of source (rule L.5, L.10)."""
        if not kinesis:
            check_dynamodb_starting_position(config.starting_position)
            return
        at_ms = config.starting_position_timestamp_ms
        if at_ms is not None and at_ms > self.clock.now_ms:
            raise InvalidParameterValueException(
                "StartingPositionTimestamp must not be in the future for a Kinesis stream"
            )
        for entry in (config.filter_criteria or {}).get("Filters", []):
            pattern = json.loads(entry["Pattern"])
            if "data" in pattern and not isinstance(pattern["data"], dict):
                raise InvalidParameterValueException(
                    f"Invalid filter pattern definition: the data pattern of a Kinesis stream "
                    f"must be a JSON object (records' data is matched as decoded JSON): "
                    f"{entry['Pattern']}"
                )

    def _check_config(self, config: MappingConfig) -> None:
        if (
            self.settings.require_batching_window_over_10
            and config.batch_size > 10
            and config.maximum_batching_window_s < 1
        ):
            raise InvalidParameterValueException(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size "
                "is greater than 10"
            )
        self._check_destination(config.on_failure_destination)

    def _source(self, stream: Stream | KinesisStreamLike) -> EventSource:
        """The one event source adapter of ``stream`` (made on first use, dropped with the
        stream's last mapping, so a deleted stream is not kept alive by it)."""
        source = self._sources.get(stream)
        if source is None:
            if isinstance(stream, Stream):
                source = DynamoDBStreamSource(
                    stream, order_by_full_key=self.settings.order_by_full_key
                )
            else:
                source = KinesisStreamSource(
                    stream,
                    region=self.region,
                    poll_interval_ms=self.settings.kinesis_poll_interval_ms,
                )
            self._sources[stream] = source
        return source

    def _conflict(self, function: Function, source: EventSource, exclude: str | None) -> None:
        for mapping in self.mappings.values():
            if (
                mapping.uuid != exclude
                and mapping.function is function
                and mapping.source is source
                and not mapping.deleted
            ):
                raise ResourceConflictException(  # rule D.1: AWS's text, quotes and spaces
                    f'The event source arn (" {source.arn} ") and function (" {function.name} '
                    '") provided mapping already exists. Please update or delete the existing '
                    f"mapping with UUID {mapping.uuid}"
                )

    def create_event_source_mapping(
        self,
        function_name: str,
        event_source_arn: str,
        config: MappingConfig,
        *,
        enabled: bool = True,
        tags: dict[str, str] | None = None,
    ) -> EventSourceMapping:
        """Create a mapping that feeds ``event_source_arn``'s records to the function.

        Raises:
            ResourceNotFoundException: no such function.
            InvalidParameterValueException: no such stream, a bad destination.
            ResourceConflictException: this function already has a mapping on this stream.
        """
        function = self.function(function_name)
        stream = self._stream(event_source_arn)
        self._check_source_config(config, not isinstance(stream, Stream))
        self._check_config(config)
        existing = self._sources.get(stream)
        if existing is not None:  # no adapter yet: no mapping reads the stream
            self._conflict(function, existing, None)
        source = self._source(stream)
        mapping = EventSourceMapping(
            environment=self._environment,
            uuid=self.new_uuid(),
            function=function,
            source=source,
            config=config,
            enabled=enabled,
            on_gone=self._forget,
        )
        mapping.tags = dict(tags or {})
        self.mappings[mapping.uuid] = mapping
        mapping.start()
        return mapping

    def mapping(self, uuid: str) -> EventSourceMapping:
        """The mapping with this UUID.

        Raises:
            ResourceNotFoundException: none (or it was deleted).
        """
        mapping = self.mappings.get(uuid) if isinstance(uuid, str) else None
        if mapping is None:
            raise ResourceNotFoundException(
                f"The resource you requested does not exist. (Service: Lambda, Status Code: 404, "
                f"Request ID: {uuid})"
            )
        return mapping

    def update_event_source_mapping(
        self,
        uuid: str,
        config: MappingConfig,
        *,
        enabled: bool | None = None,
        function_name: str | None = None,
    ) -> EventSourceMapping:
        """Change a mapping's configuration, function or Enabled flag.

        Raises:
            ResourceNotFoundException: no such mapping or function.
            ResourceConflictException: the new function already has a mapping on the stream.
            ResourceInUseException: the mapping is still changing state.
        """
        mapping = self.mapping(uuid)
        function = self.function(function_name) if function_name is not None else None
        self._check_source_config(config, isinstance(mapping.source, KinesisStreamSource))
        self._check_config(config)
        if function is not None:
            self._conflict(function, mapping.source, uuid)
        mapping.update(config, enabled=enabled, function=function)
        return mapping

    def delete_event_source_mapping(self, uuid: str) -> EventSourceMapping:
        """Delete a mapping: it stops polling at once and is gone after ``Deleting``."""
        mapping = self.mapping(uuid)
        mapping.delete()
        return mapping

    def stream_deleted(self, stream: object) -> None:
        """A stream was deleted (DeleteStream completed, rule L.12): every mapping reading it
        stops polling for good (see :meth:`EventSourceMapping.stream_deleted`)."""
        source = self._sources.get(stream)
        if source is None:
            return  # no mapping reads it
        for mapping in list(self.mappings.values()):
            if mapping.source is source:
                mapping.stream_deleted()

    def _forget(self, mapping: EventSourceMapping) -> None:
        """Drop a mapping whose deletion is over (its ``on_gone`` callback), and the adapter of
        its stream when no other mapping reads it."""
        self.mappings.pop(mapping.uuid, None)
        source = mapping.source
        if all(m.source is not source for m in self.mappings.values()):
            for stream, adapter in list(self._sources.items()):
                if adapter is source:
                    del self._sources[stream]

    @property
    def source_count(self) -> int:
        """How many stream adapters the service holds (one per stream some mapping reads)."""
        return len(self._sources)

    def list_event_source_mappings(
        self, *, function_name: str | None = None, event_source_arn: str | None = None
    ) -> list[EventSourceMapping]:
        """Mappings in creation order, optionally of one function and/or one stream."""
        function = self.function(function_name) if function_name is not None else None
        return [
            m
            for m in self.mappings.values()
            if (function is None or m.function is function)
            and (event_source_arn is None or m.source.arn == event_source_arn)
        ]

    def _check(self) -> None:
        """Assert the service's invariants (concurrency bookkeeping, every mapping's).

        Every instance a poller's slot holds (an invocation in flight, or an instance granted
        to a throttled slot) is counted by the pool, and a throttled slot waits only while its
        function has no free instance (rule D.4).  The in-flight invocations of a deleted
        mapping finish after it is forgotten, so the pool's count bounds those of the listed
        mappings from above (exactly, when no deleted mapping still runs one).
        """
        pool = self.concurrency
        pool._check()
        self.invoker._check()
        used = {id(m.source) for m in self.mappings.values()}
        assert all(id(a) in used for a in self._sources.values()), "an unused source adapter"
        in_flight = 0
        granted: dict[str, int] = {}
        for mapping in self.mappings.values():
            assert mapping.function is self.functions.get(mapping.function.name), (
                f"mapping {mapping.uuid} invokes a function the service does not list"
            )
            for slot in mapping.poller.slots():
                if slot.waiting:
                    function = mapping.function
                    assert not pool.has_free_instance(function), (
                        f"mapping {mapping.uuid}: a slot waits though {function.name} has a free "
                        "instance"
                    )
                in_flight += slot.busy
                if slot.granted is not None:
                    in_flight += 1
                    granted[slot.granted.name] = granted.get(slot.granted.name, 0) + 1
            mapping._check()
        for name, count in granted.items():
            active = pool.active(self.functions[name])
            assert count <= active, (
                f"function {name}: {count} instances granted to slots but the pool counts {active}"
            )
        active = sum(pool.active(f) for f in self.functions.values())
        assert in_flight <= active, (
            f"{in_flight} invocations in flight or granted, but the pool counts {active} instances"
        )

    def __repr__(self) -> str:
        return (
            f"<LambdaService functions={len(self.functions)} mappings={len(self.mappings)} "
            f"destinations={len(self.destinations)}>"
        )
