"""The simulation: the user's handle on one simulated account and region.

``Simulation`` owns the model (:class:`~streamsim._model.Model`: clock, random generators,
tables, streams, Lambda), moves virtual time, and creates and caches the faces (the
boto3-shaped clients and the ``Table`` objects), handing each the parts of the model it needs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, overload

from streamsim._dynamodb._catalog import TABLE_NAME_RE as TABLE_NAME_RE
from streamsim._dynamodb._splits import SplitPolicy
from streamsim._dynamodb._table import TableEngine
from streamsim._dynamodb._ttl import TTLSettings
from streamsim._faces._clients import AnyClient, Clients
from streamsim._faces._destination_views import Queue
from streamsim._faces._display import INLINE_LIMIT
from streamsim._faces._dynamodb_client import DynamoDBClient
from streamsim._faces._dynamodb_data import DataPlane
from streamsim._faces._kinesis_client import KinesisClient
from streamsim._faces._kinesis_views import KinesisStream as KinesisStreamView
from streamsim._faces._lambda_client import LambdaClient
from streamsim._faces._lambda_views import Function
from streamsim._faces._lambda_views import LambdaService as LambdaServiceView
from streamsim._faces._stream_views import Stream as StreamView
from streamsim._faces._streams_client import DynamoDBStreamsClient
from streamsim._faces._table_face import Table
from streamsim._kinesis._settings import KinesisSettings
from streamsim._lambda._progress import IdleReport, idle_budget_ms, run_until_idle
from streamsim._lambda._service import LambdaSettings
from streamsim._streams._stream import Stream, StreamSettings

from ._clock import DEFAULT_START_MS, Clock, amount_ms, datetime_to_ms, ms_to_datetime
from ._errors import StreamsimError
from ._model import Model
from ._producers import Producers, ScheduledCall

if TYPE_CHECKING:
    from streamsim._sdk._adapter import Adapter
    from streamsim._sdk._patch import Boto3Patch
    from streamsim._sdk._server import SimulationServer

ACCOUNT_RE = re.compile(r"\d{12}")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
#: The last virtual instant (epoch ms) that a ``datetime`` can show: 9999-12-31T23:59:59.999.
LAST_INSTANT_MS = datetime_to_ms(datetime.max.replace(tzinfo=UTC))


class Simulation:
    """A self-contained, deterministic AWS world: DynamoDB tables, their streams, Lambda.

    Args:
        seed: the only source of randomness; the same seed and the same calls give
            byte-identical results in any process.
        region, account_id: used in ARNs and records.
        start: the virtual start instant (timezone-aware datetime); default 2024-01-01 UTC.
        stream_settings, ttl_settings, split_policy, lambda_settings, kinesis_settings:
            behaviour settings, each
            defaulting to AWS's behaviour.  They belong to this simulation alone (there are no
            module-level switches); durations in them are ``datetime.timedelta`` values.

    Raises:
        TypeError: a seed that is not an int, or a settings object of the wrong class.
        ValueError: a malformed region or account id.

    Virtual time moves only through :meth:`advance` (and :meth:`advance_to`); scheduled work
    (shard rotation, TTL sweeps, Lambda polling and invocations) runs in time order as it does.

    >>> sim = Simulation(seed=1)
    >>> sim.now.isoformat()
    '2024-01-01T00:00:00+00:00'
    >>> sim.advance(hours=4).isoformat()
    '2024-01-01T04:00:00+00:00'
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        start: datetime | None = None,
        stream_settings: StreamSettings | None = None,
        ttl_settings: TTLSettings | None = None,
        split_policy: SplitPolicy | None = None,
        lambda_settings: LambdaSettings | None = None,
        kinesis_settings: KinesisSettings | None = None,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {seed!r}")
        if not isinstance(region, str) or not REGION_RE.fullmatch(region):
            raise ValueError(f"region must look like 'us-east-1', got {region!r}")
        if not isinstance(account_id, str) or not ACCOUNT_RE.fullmatch(account_id):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        for value, kind in (
            (stream_settings, StreamSettings),
            (ttl_settings, TTLSettings),
            (split_policy, SplitPolicy),
            (lambda_settings, LambdaSettings),
            (kinesis_settings, KinesisSettings),
        ):
            if value is not None and not isinstance(value, kind):
                raise TypeError(f"expected a {kind.__name__} (or None), got {value!r}")
        self.seed = seed
        self.region = region
        self.account_id = account_id
        self._clock = Clock(DEFAULT_START_MS if start is None else datetime_to_ms(start))
        self.stream_settings = stream_settings or StreamSettings()
        self.ttl_settings = ttl_settings or TTLSettings()
        self.kinesis_settings = kinesis_settings or KinesisSettings()
        self.split_policy = split_policy or SplitPolicy()
        self._model = Model(
            seed=seed,
            clock=self._clock,
            region=region,
            account_id=account_id,
            stream_settings=self.stream_settings,
            ttl_settings=self.ttl_settings,
            split_policy=self.split_policy,
            lambda_settings=lambda_settings,
            kinesis_settings=self.kinesis_settings,
        )
        self._faces: dict[str, tuple[TableEngine, Table]] = {}
        self._client_set = Clients(self._model, self._clock, self.region, self.rng)
        self._producers = Producers(self._clock)
        self._adapter: Adapter | None = None

    # --- time -----------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The current virtual instant, a timezone-aware UTC datetime (inside a Lambda
        handler: the handler's own instant, its start plus what it spent)."""
        return ms_to_datetime(self._clock.handler_now_ms())

    @property
    def now_ms(self) -> int:
        """The current virtual instant in epoch milliseconds (see :attr:`now`)."""
        return self._clock.handler_now_ms()

    def spend(
        self,
        by: timedelta | None = None,
        /,
        *,
        milliseconds: float = 0,
        seconds: float = 0,
        minutes: float = 0,
    ) -> datetime:
        """Inside a Lambda handler: the handler works for this long; return its new instant.

        Takes a ``timedelta`` and/or amounts of units, as :meth:`advance`.  Only the
        handler's own clock moves (``sim.now``, ``context.get_remaining_time_in_millis()``);
        the rest of the simulation waits for the invocation to end, which is at least as late
        as what was spent.

        Raises:
            SimulationError: called outside a running handler.
            HandlerTimedOut: the function's timeout is reached; the handler is stopped
                there (a ``BaseException``, so ``except Exception`` does not catch it) and
                the invocation fails with "Task timed out".
        """
        units = {"milliseconds": milliseconds, "seconds": seconds, "minutes": minutes}
        self._clock.spend(amount_ms(by, verb="spend", **units))
        return self.now

    def advance(
        self,
        by: timedelta | None = None,
        /,
        *,
        milliseconds: float = 0,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> datetime:
        """Move virtual time forward, running all scheduled work on the way; return the new now.

        Args:
            by: a ``timedelta`` (``sim.advance(timedelta(hours=4))``).
            milliseconds, seconds, minutes, hours, days: amounts of each unit (numbers), added
                to ``by`` and to each other.

        Raises:
            TypeError: ``by`` is not a timedelta, or a unit amount is not a number.
            ValueError: a negative duration, one that is not a whole number of milliseconds,
                or one that would move time past the last instant a ``datetime`` can show
                (9999-12-31, UTC); time does not move then.

        >>> sim = Simulation(seed=1)
        >>> sim.advance(timedelta(minutes=90), seconds=30).isoformat()
        '2024-01-01T01:30:30+00:00'
        """
        total = amount_ms(
            by,
            milliseconds=milliseconds,
            seconds=seconds,
            minutes=minutes,
            hours=hours,
            days=days,
        )
        target = self._clock.now_ms + total
        if target > LAST_INSTANT_MS:
            raise ValueError(
                f"advancing by {total} ms would move time past {ms_to_datetime(LAST_INSTANT_MS)}, "
                "the last instant a datetime can show"
            )
        self._clock.advance_to(target)
        return self.now

    def every(
        self, interval: timedelta, callable: Callable[[], Any], *, start: Any = None
    ) -> ScheduledCall:
        """Call ``callable()`` every ``interval`` (a positive timedelta) inside :meth:`advance`.

        The first call is one ``interval`` from now, or at ``start`` (an aware datetime, or a
        timedelta from now).  Producers due at the same instant run before the simulation's own
        work of that instant, in the order they were registered.  An exception from
        ``callable`` propagates out of ``advance()``, which stops at that instant; the producer
        keeps its schedule (see :mod:`streamsim._producers`).  Bad arguments: ``TypeError``,
        ``ValueError``.

        >>> sim = Simulation(seed=1)
        >>> ticks = []
        >>> handle = sim.every(timedelta(seconds=1), lambda: ticks.append(sim.now_ms))
        >>> _ = sim.advance(seconds=3); len(ticks), handle.runs
        (3, 3)
        """
        return self._producers.every(interval, callable, start)

    def call_at(self, time: datetime | timedelta, callable: Callable[[], Any]) -> ScheduledCall:
        """Call ``callable()`` once at ``time`` (an aware datetime, or a timedelta from now, not
        before now), inside :meth:`advance`, as :meth:`every` does."""
        return self._producers.call_at(time, callable)

    @property
    def producers(self) -> list[ScheduledCall]:
        """The producers with a run still to come, in registration order."""
        return self._producers.active

    def advance_to(self, when: datetime) -> datetime:
        """Move virtual time forward to ``when`` (timezone-aware), running scheduled work."""
        self._clock.advance_to(datetime_to_ms(when))
        return self.now

    # --- randomness -----------------------------------------------------------------------------

    def rng(self, name: str) -> random.Random:
        """The named child random generator (one per component, seeded from ``seed``).

        Adding a component never shifts another's numbers, since each has its own generator.

        >>> Simulation(seed=7).rng("x").random() == Simulation(seed=7).rng("x").random()
        True
        """
        return self._model.rng(name)

    # --- tables ---------------------------------------------------------------------------------

    def create_table(
        self,
        name: str,
        *,
        hash_key: str,
        hash_key_type: str = "S",
        range_key: str | None = None,
        range_key_type: str = "S",
        partitions: int = 1,
        stream_view_type: str | None = None,
    ) -> Table:
        """Create a table and return its boto3-resource-shaped :class:`Table`.

        Args:
            name: 3-255 characters of ``[a-zA-Z0-9_.-]``.
            hash_key, hash_key_type: the partition key and its type (``S``, ``N`` or ``B``).
            range_key, range_key_type: the optional sort key.
            partitions: how many partitions (equal hash ranges) the table starts with.
            stream_view_type: enable a stream at once with this view type.

        Raises:
            ValidationException: a bad name, key definition, partition count or view type.
            ResourceInUseException: a table with this name exists.
        """
        try:
            self._model.tables.create(
                name,
                hash_key=hash_key,
                hash_key_type=hash_key_type,
                range_key=range_key,
                range_key_type=range_key_type,
                partitions=partitions,
                stream_view_type=stream_view_type,
            )
        except StreamsimError as exc:
            raise exc.with_operation("CreateTable") from None
        return self.table(name)

    def table(self, name: str) -> Table:
        """The :class:`Table` named ``name``.

        Raises:
            ResourceNotFoundException: no such table.
        """
        engine = self._model.tables.get(name)
        cached = self._faces.get(name)
        if cached is not None and cached[0] is engine:
            return cached[1]
        face = Table(engine, self._data_plane(), self._clock, self._client_set.resource)
        self._faces[name] = (engine, face)
        return face

    def _engine(self, name: str) -> TableEngine:
        """The table engine named ``name`` (for tests that look inside)."""
        return self._model.tables.get(name)

    @property
    def tables(self) -> list[Table]:
        """Every existing table, in name order."""
        return [self.table(name) for name in self._model.tables.names()]

    # --- streams --------------------------------------------------------------------------------

    @property
    def streams(self) -> list[StreamView]:
        """Every stream still listed (enabled, or ended within the retention period)."""
        return [StreamView(stream) for stream in self._model.streams]

    @property
    def kinesis_streams(self) -> list[KinesisStreamView]:
        """Every Kinesis data stream (DELETING ones included), by name (read-only views)."""
        return [KinesisStreamView(stream) for stream in self._model.kinesis.streams()]

    def kinesis_stream(self, name: str) -> KinesisStreamView:
        """The Kinesis data stream named ``name`` (a read-only view; in a notebook it shows its
        shard lineage).

        Raises:
            ResourceNotFoundException: no such stream.
        """
        return KinesisStreamView(self._model.kinesis.stream(name))

    def _stream_by_arn(self, arn: str) -> Stream | None:
        """The readable stream with ARN ``arn`` (for tests that look inside)."""
        return self._model.find_stream(arn)

    # --- Lambda ---------------------------------------------------------------------------------

    @property
    def lambda_service(self) -> LambdaServiceView:
        """The simulated Lambda service (functions, event source mappings, destinations)."""
        return LambdaServiceView(self._model.lambda_service)

    def create_function(self, name: str, handler: Callable[..., Any], **options: Any) -> Function:
        """Create a Lambda function whose handler is ordinary Python; see ``LambdaService``.

        Options: ``timeout`` in whole seconds as AWS speaks it (1-900, default 3; a
        ``timedelta`` is accepted too); ``duration``, the virtual time one invocation takes:
        seconds (``0.05``), a ``timedelta``, or a callable of the event returning either
        (default 10 ms); it must come to whole milliseconds.  ``reserved_concurrency`` and
        ``memory_size`` as in AWS.
        """
        return self.lambda_service.create_function(name, handler, **options)

    def create_queue(self, name: str) -> Queue:
        """Create an SQS-style queue usable as an on-failure destination."""
        return self.lambda_service.create_queue(name)

    # --- clients --------------------------------------------------------------------------------

    @overload
    def client(
        self,
        service: Literal["dynamodb"],
        *,
        parameter_validation: bool | None = None,
        config: Any = None,
    ) -> DynamoDBClient: ...

    @overload
    def client(
        self,
        service: Literal["dynamodbstreams"],
        *,
        parameter_validation: bool | None = None,
        config: Any = None,
    ) -> DynamoDBStreamsClient: ...

    @overload
    def client(
        self,
        service: Literal["lambda"],
        *,
        parameter_validation: bool | None = None,
        config: Any = None,
    ) -> LambdaClient: ...

    @overload
    def client(
        self,
        service: Literal["kinesis"],
        *,
        parameter_validation: bool | None = None,
        config: Any = None,
    ) -> KinesisClient: ...

    @overload
    def client(
        self, service: str, *, parameter_validation: bool | None = None, config: Any = None
    ) -> AnyClient: ...

    def client(
        self, service: str, *, parameter_validation: bool | None = None, config: Any = None
    ) -> AnyClient:
        """A boto3-shaped low-level client: ``dynamodb``, ``dynamodbstreams``, ``lambda`` or
        ``kinesis``.

        Args:
            service: the service name.
            parameter_validation: botocore's ``Config`` option: ``False`` skips botocore's
                client-side checks, so malformed input reaches the service and gets DynamoDB's
                own answer (``SerializationException``, ValidationException; rule H.37).
                DynamoDB only.
            config: a botocore ``Config`` (or anything with a ``parameter_validation``
                attribute), read for that option only.

        Raises:
            ValueError: an unknown service name, or parameter_validation=False for a service
                other than DynamoDB.
        """
        return self._client_set.client(service, parameter_validation, config)

    # --- real SDKs ------------------------------------------------------------------------------

    def _sdk_adapter(self) -> Adapter:
        """The one adapter from AWS's HTTP protocols to this simulation's faces."""
        if self._adapter is None:
            from streamsim._sdk._adapter import Adapter

            self._adapter = Adapter(self._client_set.wire)
        return self._adapter

    def boto3_session(self, region_name: str | None = None) -> Any:
        """A real ``boto3.Session`` whose DynamoDB, Streams and Lambda this simulation answers.

        Clients and resources of the session (``session.client("dynamodb")``,
        ``session.resource("dynamodb").Table(...)``, ``dynamodbstreams``, ``lambda``) run
        botocore's own validation, serialiser, parser, error classes, paginators and waiters;
        the request never leaves the process.  The session ignores the user's AWS environment
        (profile, config files, ``AWS_ENDPOINT_URL``), signs with fixed fake credentials and
        does not retry unless a client's ``Config`` asks.  Any other service raises
        :class:`SimulationError`.  Needs ``pip install 'streamsim[boto3]'``.

        Args:
            region_name: the region the clients say they are in (default: the simulation's).

        Raises:
            ModuleNotFoundError: boto3 is not installed (the message says how to install it).

        >>> sim = Simulation(seed=1)
        >>> _ = sim.create_table("orders", hash_key="pk")
        >>> sim.boto3_session().client("dynamodb").list_tables()["TableNames"]
        ['orders']
        """
        from streamsim._sdk._session import boto3_session

        return boto3_session(self._sdk_adapter(), region_name or self.region)

    def patch_boto3(self) -> Boto3Patch:
        """Route every boto3 session, client and resource created inside to this simulation.

        ``with sim.patch_boto3():`` (or ``@sim.patch_boto3()`` on a function): inside,
        ``boto3.client(...)``, ``boto3.resource(...)``, ``boto3.Session()`` and the default
        session behave as :meth:`boto3_session`'s, so module-level clients of unmodified code
        imported inside the block reach the simulation; everything is restored on exit.

        Raises:
            SimulationError: moto's mock is active at the same time.

        >>> import boto3
        >>> sim = Simulation(seed=1)
        >>> _ = sim.create_table("orders", hash_key="pk")
        >>> with sim.patch_boto3():
        ...     _ = boto3.resource("dynamodb").Table("orders").put_item(Item={"pk": "a"})
        >>> sim.table("orders").get_item(Key={"pk": "a"})["Item"]
        {'pk': 'a'}
        """
        from streamsim._sdk._patch import Boto3Patch

        return Boto3Patch(self._sdk_adapter, self.region)

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        clock: str = "manual",
        speed: float = 1.0,
        max_body_bytes: int = 20 * 1024 * 1024,
        busy_timeout: float = 5.0,
    ) -> SimulationServer:
        """A loopback HTTP endpoint speaking AWS's protocols for this simulation (not yet started).

        ``with sim.serve(port=0) as server:`` starts it on a free port; ``server.url`` is what
        to pass as ``--endpoint-url`` / ``AWS_ENDPOINT_URL``.  One lock serialises every call,
        ``server.advance(...)`` included; ``clock="wall"`` makes virtual time follow the wall
        clock times ``speed``.  Larger request bodies than ``max_body_bytes`` are refused; a
        request waiting more than ``busy_timeout`` seconds for the simulation gets a 503.  See
        :class:`streamsim._sdk._server.SimulationServer`.

        Raises:
            ValueError: a non-loopback host without ``allow_remote``, an unknown clock mode or
                a speed that is not a positive finite number.

        >>> import json, urllib.request
        >>> sim = Simulation(seed=1)
        >>> with sim.serve(port=0) as server:
        ...     request = urllib.request.Request(
        ...         server.url + "/_streamsim/advance", data=b'{"minutes": 5}', method="POST")
        ...     json.load(urllib.request.urlopen(request))["now"]
        '2024-01-01T00:05:00+00:00'
        """
        from streamsim._sdk._server import SimulationServer

        return SimulationServer(
            self,
            self._sdk_adapter(),
            host=host,
            port=port,
            allow_remote=allow_remote,
            clock=clock,
            speed=speed,
            max_body_bytes=max_body_bytes,
            busy_timeout=busy_timeout,
        )

    def _data_plane(self) -> DataPlane:
        """The DynamoDB operations both DynamoDB faces share (one RequestId source)."""
        return self._client_set.data_plane()

    def _check(self) -> None:
        """Assert every invariant of the simulation (for tests; never on the hot path).

        Calls each owner's ``_check()`` through the model (clock, table catalog, tables, streams
        and their shards, Lambda service, concurrency pool, mappings and their pollers) and the
        cross-object invariants (stream lineage, sequence numbers and retention, one open shard
        per live partition, in-flight invocations against the pool).  O(total state).

        Raises:
            AssertionError: an invariant is broken; the message says which.
        """
        assert self._clock is self._model.clock, "the simulation and its model keep two clocks"
        for name, (engine, _face) in self._faces.items():
            assert engine.name == name, f"the Table face cached as {name} is of {engine.name}"
        self._model._check()
        self._producers._check()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """``text/plain``, and the lineage of the first stream (by table name) as SVG; without
        a table stream, that of the first Kinesis stream (by name)."""
        bundle = {"text/plain": repr(self)}
        streams = sorted(self.streams, key=lambda s: (s.table_name, s.created_ms))
        if streams:
            if len(streams[0].all_shards) <= INLINE_LIMIT:
                bundle["image/svg+xml"] = streams[0].lineage().to_svg()
            return bundle
        kinesis = self.kinesis_streams
        if kinesis and len(kinesis[0].all_shards) <= INLINE_LIMIT:
            bundle["image/svg+xml"] = kinesis[0].lineage().to_svg()
        return bundle

    def __repr__(self) -> str:
        return (
            f"<Simulation seed={self.seed} now={self.now.isoformat()} "
            f"tables={len(self._model.tables)} streams={len(self.streams)}>"
        )

    # --- draining (appended for issue 15) -------------------------------------------------------

    def run_until_idle(
        self, max_time: timedelta = timedelta(hours=1), *, patience: int = 3
    ) -> IdleReport:
        """Advance, event by event, until every event source mapping is caught up or blocked.

        A mapping counts once it is :attr:`~streamsim.EventSourceMapping.caught_up` (every
        record processed or given up) or :attr:`~streamsim.EventSourceMapping.blocked`
        (disabled, deleted, throttled for good).  One retrying a failing batch without limit
        counts as blocked only after that batch failed at least ``patience`` times and its
        shard was retried at least once during this call, so a batch that failed before (a
        healed fault) gets its retry.  Time stops at the instant the last mapping
        became idle (so nothing later, a rotation say, runs), or at ``max_time`` from now.

        Args:
            max_time: the most virtual time to spend (a ``timedelta``).
            patience: failed attempts of one batch before a mapping retrying it for ever
                counts as blocked.

        Returns:
            an :class:`~streamsim.IdleReport`: ``elapsed``, ``idle`` and what is blocked.

        Raises:
            TypeError: ``max_time`` is not a timedelta.
            ValueError: ``max_time`` negative or not whole milliseconds; ``patience`` < 1.

        >>> sim = Simulation(seed=1)
        >>> sim.run_until_idle(timedelta(minutes=1)).idle
        True
        """
        budget = idle_budget_ms(max_time, patience)
        deadline = min(self._clock.now_ms + budget, LAST_INSTANT_MS)
        return run_until_idle(self._clock, self._model.lambda_service.mappings, deadline, patience)
