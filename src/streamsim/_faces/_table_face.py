"""The boto3-resource-shaped ``Table``: plain Python values in and out, over one table engine.

``Table`` behaves like ``boto3.resource("dynamodb").Table(name)``: keyword-only AWS parameter
names without ``TableName``, values as boto3's ``TypeSerializer`` / ``TypeDeserializer`` use
them (``Decimal`` for numbers, :class:`~streamsim.Binary` for binary, ``set`` for sets,
``float`` rejected with ``TypeError``), condition parameters as strings or as
``boto3.dynamodb.conditions`` objects, and ``batch_writer()``.  It adds streamsim conveniences:
the table's stream, shards and partitions, splitting a partition, enabling and disabling the
stream, TTL.

>>> from decimal import Decimal
>>> from streamsim import Simulation
>>> sim = Simulation(seed=1)
>>> table = sim.create_table("orders", hash_key="pk")
>>> _ = table.put_item(Item={"pk": "a", "total": 30})
>>> table.get_item(Key={"pk": "a"})["Item"]
{'pk': 'a', 'total': Decimal('30')}

Differs from boto3: attributes (``item_count``, ``table_status``, ...) are always current,
never cached until ``reload()``.  As in boto3, a ``batch_writer`` item is converted (and any
error raised) only when its batch is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from streamsim._clock import Clock
from streamsim._dynamodb._table import TableEngine
from streamsim._errors import ResourceNotFoundException, StreamsimError, ValidationException
from streamsim._items import (
    compare_key,
    item_to_python,
)

from ._conditions import build_conditions
from ._display import Display, html_table
from ._dynamodb_data import DataPlane
from ._dynamodb_requests import (
    convert_request,
    convert_response,
    python_item,
    python_value,
)
from ._params import check_text, validate_params
from ._stream_views import Stream
from ._waiters import Waiter

if TYPE_CHECKING:
    from types import TracebackType

    from streamsim._streams._partitions import Partition

BATCH_FLUSH_AMOUNT = 25  # boto3's BatchWriter flushes every 25 requests (BatchWriteItem's cap)

_MISSING: Any = object()


#: items a notebook shows of a table
INLINE_ROWS = 20


def key_order(engine: TableEngine, hv: Any, rv: Any) -> tuple[Any, ...]:
    """A sort key that orders items by partition-key value, then sort-key value."""
    first = compare_key({engine.hash_type: hv})
    if engine.range_key is None:
        return (first,)
    return (first, compare_key({engine.range_type: rv}))


class Table(Display):
    """A DynamoDB table, shaped like boto3's resource ``Table``.

    Obtain it from ``sim.create_table(...)`` or ``sim.table(name)``.

    Args:
        engine: the table.
        data: the DynamoDB operations (and request ids) both DynamoDB faces share.
        clock: the simulation's clock (waiters poll in virtual time).
        client: returns the simulation's DynamoDB client, for ``table.meta.client``.

    ``name`` (an attribute) and ``table_name`` (as boto3 has it) are the table's name.
    """

    def __init__(
        self, engine: TableEngine, data: DataPlane, clock: Clock, client: Callable[[], Any]
    ) -> None:
        self._engine = engine
        self._ops = data
        self._clock = clock
        self._client = client
        self.name = engine.name

    # --- plumbing -------------------------------------------------------------------------------

    def _live(self, operation: str) -> TableEngine:
        engine = self._engine
        if engine.deleted_ms is not None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {self.name} not found", operation
            )
        return engine

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation != "BatchWriteItem":
            if "TableName" in params:
                raise TypeError(
                    f"{_method(operation)}() got multiple values for argument 'TableName'"
                )
            params["TableName"] = self.name
        engine = self._live(operation)
        try:
            build_conditions(params)
            validate_params(operation, params)
            request = convert_request(operation, params, python_item, python_value)
        except StreamsimError as exc:
            raise exc.with_operation(operation) from None
        result = self._ops.call(operation, request, engine)
        convert_response(result, item_to_python)
        result["ResponseMetadata"] = self._ops.response_metadata()
        return result

    # --- items ----------------------------------------------------------------------------------

    def put_item(self, *, Item: Any = _MISSING, **params: Any) -> dict[str, Any]:
        """PutItem with Python values: ``put_item(Item={...}, ConditionExpression=..., ...)``.

        A put without options takes a fast path straight to the engine (the same checks).

        Raises:
            TypeError: a value boto3 cannot serialise (``float``, ...).
            ValidationException, ConditionalCheckFailedException, ResourceNotFoundException.
        """
        engine = self._engine
        if not params and Item is not _MISSING and engine.deleted_ms is None:
            try:
                engine.put_python(Item)  # what DataPlane.put does without options
            except StreamsimError as exc:
                raise exc.with_operation("PutItem") from None
            return {"ResponseMetadata": self._ops.response_metadata()}
        if Item is not _MISSING:
            params["Item"] = Item
        return self._call("PutItem", params)

    def get_item(self, **params: Any) -> dict[str, Any]:
        """GetItem: ``{"Item": {...}}`` or ``{}`` (plus ResponseMetadata, as boto3)."""
        return self._call("GetItem", params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        """UpdateItem: ``update_item(Key=..., UpdateExpression=..., ...)``."""
        return self._call("UpdateItem", params)

    def delete_item(self, **params: Any) -> dict[str, Any]:
        """DeleteItem: ``delete_item(Key=..., ConditionExpression=..., ...)``."""
        return self._call("DeleteItem", params)

    def query(self, **params: Any) -> dict[str, Any]:
        """Query: ``query(KeyConditionExpression="pk = :p" or Key("pk").eq(...), ...)``."""
        return self._call("Query", params)

    def scan(self, **params: Any) -> dict[str, Any]:
        """Scan."""
        return self._call("Scan", params)

    def batch_writer(self, overwrite_by_pkeys: Sequence[str] | None = None) -> BatchWriter:
        """A context manager buffering puts and deletes into BatchWriteItem calls of 25.

        >>> from streamsim import Simulation
        >>> table = Simulation().create_table("items", hash_key="pk")
        >>> with table.batch_writer() as batch:
        ...     for i in range(30):
        ...         batch.put_item(Item={"pk": str(i)})
        >>> table.item_count
        30
        """
        return BatchWriter(self.name, self._send_batch, overwrite_by_pkeys=overwrite_by_pkeys)

    def _send_batch(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call("BatchWriteItem", {"RequestItems": {self.name: requests}})

    # --- the table ------------------------------------------------------------------------------

    @property
    def meta(self) -> ResourceMeta:
        """boto3's ``table.meta``: ``meta.client`` is the simulation's DynamoDB client."""
        return ResourceMeta(self._description, self._client())

    @property
    def table_name(self) -> str:
        """The table's name."""
        return self.name

    def _description(self) -> dict[str, Any]:
        return self._ops.describe(self._live("DescribeTable"))

    @property
    def key_schema(self) -> list[dict[str, str]]:
        """KeySchema, as DescribeTable shows it."""
        return [{"AttributeName": name, "KeyType": kind} for name, kind in self._engine.key_schema]

    @property
    def attribute_definitions(self) -> list[dict[str, str]]:
        """AttributeDefinitions, as DescribeTable shows it."""
        return list(self._description()["AttributeDefinitions"])

    @property
    def table_status(self) -> str:
        """``ACTIVE``, or ``DELETING`` once deleted."""
        return self._engine.status

    @property
    def item_count(self) -> int:
        """ItemCount (live here; AWS refreshes it about every six hours)."""
        return len(self._engine)

    @property
    def table_size_bytes(self) -> int:
        """TableSizeBytes: the sum of the items' sizes (live)."""
        return int(self._description()["TableSizeBytes"])

    @property
    def table_arn(self) -> str:
        """TableArn."""
        return self._engine.arn

    @property
    def table_id(self) -> str:
        """TableId (deterministic per seed)."""
        return str(self._description()["TableId"])

    @property
    def creation_date_time(self) -> Any:
        """CreationDateTime, a timezone-aware datetime."""
        return self._engine.creation_datetime

    @property
    def billing_mode_summary(self) -> dict[str, Any] | None:
        """BillingModeSummary."""
        return self._description().get("BillingModeSummary")

    @property
    def provisioned_throughput(self) -> dict[str, Any]:
        """ProvisionedThroughput."""
        return dict(self._description()["ProvisionedThroughput"])

    @property
    def global_secondary_indexes(self) -> list[dict[str, Any]] | None:
        """GlobalSecondaryIndexes, as DescribeTable shows them (None: the table has none)."""
        return self._description().get("GlobalSecondaryIndexes")

    @property
    def local_secondary_indexes(self) -> list[dict[str, Any]] | None:
        """LocalSecondaryIndexes, as DescribeTable shows them (None: the table has none)."""
        return self._description().get("LocalSecondaryIndexes")

    @property
    def latest_stream_arn(self) -> str | None:
        """LatestStreamArn: the ARN of the most recently enabled stream (None if never)."""
        latest = self._engine.latest_stream
        return latest.arn if latest is not None else None

    @property
    def latest_stream_label(self) -> str | None:
        """LatestStreamLabel (None if no stream was ever enabled)."""
        latest = self._engine.latest_stream
        return latest.label if latest is not None else None

    @property
    def stream_specification(self) -> dict[str, Any] | None:
        """StreamSpecification while a stream is enabled, else None."""
        stream = self._engine.stream
        if stream is None:
            return None
        return {"StreamEnabled": True, "StreamViewType": stream.view_type}

    def load(self) -> None:
        """boto3 reloads attributes here; they are always current in streamsim."""
        self._live("DescribeTable")

    reload = load

    def delete(self) -> dict[str, Any]:
        """DeleteTable: the response's TableDescription says DELETING; the table is gone."""
        try:
            description = self._ops.delete_table(self._ops.tables.resolve(self.name))
        except StreamsimError as exc:
            raise exc.with_operation("DeleteTable") from None
        return {"TableDescription": description, "ResponseMetadata": self._ops.response_metadata()}

    def _status(self, table_name: str) -> str:
        try:
            status = str(self._ops.describe(self._ops.tables.resolve(table_name))["TableStatus"])
        except StreamsimError as exc:
            raise exc.with_operation("DescribeTable") from None
        self._ops.response_metadata()  # each poll is a DescribeTable call, with its RequestId
        return status

    def wait_until_exists(self) -> None:
        """Return at once if the table exists (creation is instantaneous)."""
        Waiter(self._status, self._clock, "table_exists").wait(TableName=self.name)

    def wait_until_not_exists(self) -> None:
        """Return at once if the table is gone."""
        Waiter(self._status, self._clock, "table_not_exists").wait(TableName=self.name)

    # --- streams, partitions, TTL (streamsim) ---------------------------------------------------

    @property
    def stream(self) -> Stream | None:
        """The enabled stream, or None."""
        return None if self._engine.stream is None else Stream(self._engine.stream)

    @property
    def streams(self) -> list[Stream]:
        """Every stream this table has had, oldest first (disabled ones included)."""
        return [Stream(stream) for stream in self._engine.streams]

    def enable_stream(self, view_type: str = "NEW_AND_OLD_IMAGES") -> Stream:
        """Enable a new stream (new ARN and label), as UpdateTable does (rule C.1).

        Raises:
            ValidationException: a stream is already enabled, or the view type is invalid.
        """
        try:
            return Stream(self._ops.tables.enable_stream(self._live("UpdateTable"), view_type))
        except StreamsimError as exc:
            raise exc.with_operation("UpdateTable") from None

    def disable_stream(self) -> Stream:
        """Disable the enabled stream; it stays readable for 24 hours (rule C.1, A.10).

        Raises:
            ValidationException: no stream is enabled.
        """
        try:
            return Stream(self._live("UpdateTable").disable_stream())
        except StreamsimError as exc:
            raise exc.with_operation("UpdateTable") from None

    @property
    def partitions(self) -> list[Partition]:
        """The live partitions, in hash-range order."""
        return list(self._engine.partitions)

    def split_partition(self, index: int) -> None:
        """Split the live partition at ``index`` in two; its stream shard gets two children.

        Raises:
            ValidationException: ``index`` is not an ``int`` (a ``bool`` is not one either) or
                names no partition.  A simulator method, not an AWS one: the error is the one
                the method raises for an index out of range, a ``ValueError`` too.

        >>> from streamsim import Simulation
        >>> Simulation(seed=1).create_table("t1x", hash_key="pk").split_partition("0")
        Traceback (most recent call last):
        ...
        streamsim._errors.ValidationException: ... index must be an int, got '0' (str)
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValidationException(
                f"split_partition: the partition index must be an int, got {index!r} "
                f"({type(index).__name__})"
            )
        self._live("UpdateTable").split_partition(index)

    def enable_time_to_live(self, attribute: str) -> None:
        """Enable TTL on ``attribute`` (a convenience, not an AWS method of the resource Table).

        It does what the client's ``update_time_to_live(TableName=...,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute})`` does, through
        the same model operation (rule B.4): items whose ``attribute`` is a Number of epoch
        seconds are deleted by the background sweep once that instant has passed.

        Raises:
            ValidationException: ``attribute`` is not a name of 1-255 bytes (of valid UTF-8),
                TTL is already enabled, or TTL was changed less than an hour ago.
        """
        try:
            check_text({"AttributeName": attribute})
            self._live("UpdateTimeToLive").ttl.update(True, attribute)
        except StreamsimError as exc:
            raise exc.with_operation("UpdateTimeToLive") from None

    def disable_time_to_live(self) -> None:
        """Disable TTL (a convenience, not an AWS method of the resource Table).

        It does what the client's UpdateTimeToLive with ``"Enabled": False`` and the current
        TTL attribute does (rule B.4): the sweep stops.

        Raises:
            ValidationException: TTL is already disabled, or was changed less than an hour ago.
        """
        try:
            ttl = self._live("UpdateTimeToLive").ttl
            ttl.update(False, ttl.attribute or "")
        except StreamsimError as exc:
            raise exc.with_operation("UpdateTimeToLive") from None

    @property
    def ttl_attribute(self) -> str | None:
        """The TTL attribute while TTL is enabled, else None."""
        engine = self._engine
        return engine.ttl.attribute if engine.ttl.enabled else None

    def items_table(self) -> list[dict[str, Any]]:
        """Every item as a flat row of Python values (as ``scan`` returns them), a new list.

        One row per item, in key order (partition-key value, then sort-key value, each in
        DynamoDB's order for its type); the columns are the item's attributes (numbers as
        ``Decimal``, binary as ``Binary``, sets as ``set``, lists and maps as they are).  Rows
        of different items may have different columns: ``pandas.DataFrame(rows)`` fills the
        gaps with NaN.  Costs no request id and no capacity: it is not a ``Scan``.
        """
        engine = self._engine
        rows = [
            (key_order(engine, hv, rv), item_to_python(engine.thaw(frozen)))
            for hv, rv, frozen in engine.iter_frozen()
        ]
        rows.sort(key=lambda row: row[0])
        return [row for _, row in rows]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        rows = self.items_table()[:INLINE_ROWS]
        bundle = {"text/plain": repr(self)}
        if rows:
            bundle["text/html"] = html_table(
                rows, caption=f"{self.name}: first {len(rows)} of {len(self._engine)} items"
            )
        return bundle

    def __repr__(self) -> str:
        engine = self._engine
        keys = ", ".join(f"{name} {kind}" for name, kind in engine.key_schema)
        stream = engine.stream
        shown = f"stream={stream.view_type}" if stream is not None else "stream=None"
        return (
            f"<Table {self.name!r} ({keys}) {engine.status} items={len(engine)} "
            f"partitions={len(engine.partitions)} {shown}>"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and other._engine is self._engine

    def __hash__(self) -> int:
        return hash((Table, self.name, self._engine.created_ms))


class ResourceMeta:
    """What boto3's ``ResourceMeta`` offers for a Table: the client, identifiers, data.

    ``table.meta.client.exceptions.ConditionalCheckFailedException`` works as with boto3.
    """

    def __init__(self, description: Callable[[], dict[str, Any]], client: Any) -> None:
        self._description = description
        self.client = client
        self.service_name = "dynamodb"
        self.identifiers = ["name"]

    @property
    def data(self) -> dict[str, Any]:
        """The TableDescription (boto3 caches it; here it is always current)."""
        return self._description()


def _method(operation: str) -> str:
    out: list[str] = []
    for char in operation:
        if char.isupper() and out:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


class BatchWriter:
    """boto3's ``BatchWriter``: buffer puts and deletes, send them 25 at a time.

    Args:
        table_name: the table to write to.
        send: sends one BatchWriteItem of the table's requests, returns its response.
        flush_amount: requests per BatchWriteItem call.
        overwrite_by_pkeys: key attribute names; a new request replaces a buffered one with
            the same values of these (else duplicates make BatchWriteItem fail, as in boto3).
    """

    def __init__(
        self,
        table_name: str,
        send: Callable[[list[dict[str, Any]]], dict[str, Any]],
        flush_amount: int = BATCH_FLUSH_AMOUNT,
        overwrite_by_pkeys: Sequence[str] | None = None,
    ) -> None:
        self._table_name = table_name
        self._send = send
        self._flush_amount = flush_amount
        self._overwrite_by_pkeys = list(overwrite_by_pkeys) if overwrite_by_pkeys else None
        self._items_buffer: list[dict[str, Any]] = []

    def put_item(self, Item: Mapping[str, Any]) -> None:
        """Buffer a PutRequest."""
        self._add({"PutRequest": {"Item": Item}})

    def delete_item(self, Key: Mapping[str, Any]) -> None:
        """Buffer a DeleteRequest."""
        self._add({"DeleteRequest": {"Key": Key}})

    def _pkeys(self, request: Mapping[str, Any]) -> list[Any]:
        assert self._overwrite_by_pkeys is not None
        body = request.get("PutRequest")
        values = body["Item"] if body else request["DeleteRequest"]["Key"]
        return [values[key] for key in self._overwrite_by_pkeys]

    def _add(self, request: dict[str, Any]) -> None:
        if self._overwrite_by_pkeys:
            new = self._pkeys(request)
            self._items_buffer = [r for r in self._items_buffer if self._pkeys(r) != new]
        self._items_buffer.append(request)
        if len(self._items_buffer) >= self._flush_amount:
            self._flush()

    def _flush(self) -> None:
        batch = self._items_buffer[: self._flush_amount]
        self._items_buffer = self._items_buffer[self._flush_amount :]
        response = self._send(batch)
        unprocessed = response.get("UnprocessedItems") or {}
        self._items_buffer.extend(unprocessed.get(self._table_name, []))

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        while self._items_buffer:
            self._flush()
