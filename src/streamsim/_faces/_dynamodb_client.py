"""``sim.client("dynamodb")``: the shape of boto3's low-level DynamoDB client.

Methods are boto3's snake_case names taking AWS's parameter names and DynamoDB JSON values
(binary as ``bytes``); responses hold exactly the members botocore's service model defines,
plus ``ResponseMetadata``, timestamps as aware datetimes.  Errors are the AWS-named classes of
:mod:`streamsim._errors`, also ``client.exceptions.<Name>``, with ``.response["Error"]``.

>>> from streamsim import Simulation
>>> client = Simulation(seed=1).client("dynamodb")
>>> _ = client.create_table(
...     TableName="orders",
...     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
...     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
...     BillingMode="PAY_PER_REQUEST",
... )
>>> _ = client.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1.50"}})
>>> client.get_item(TableName="orders", Key={"pk": {"S": "a"}})["Item"]
{'pk': {'S': 'a'}, 'n': {'N': '1.5'}}

Differs from AWS: botocore's client-side ``ParamValidationError`` is a
:class:`~streamsim._faces._params.ParamValidationError` (a ``ValidationException`` with botocore's
text); table and stream status changes are instantaneous (CreateTable, UpdateTable and
DeleteTable responses show CREATING / UPDATING / DELETING, DescribeTable right after shows the
final state; a new GSI backfills over virtual time, rule H.11); global tables and
backups are not simulated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from streamsim._clock import Clock
from streamsim._dynamodb._transactions import IdempotentParameterMismatchException
from streamsim._errors import StreamsimError, ValidationException
from streamsim._items import copy_item, item_to_python
from streamsim._kinesis_destinations import KinesisDestinations

from ._client_base import ClientBase, ClientExceptions
from ._conditions import build_conditions
from ._dynamodb_data import DataPlane
from ._dynamodb_kinesis import KinesisDestinationOperations
from ._dynamodb_requests import (
    convert_request,
    convert_response,
    python_item,
    python_value,
    wire_item,
    wire_value,
)
from ._dynamodb_responses import ttl_description
from ._dynamodb_shapes import DYNAMODB_CHECKS
from ._dynamodb_tags import TagOperations, create_table_tags
from ._index_admin import check_billing_switch, update_gsis
from ._index_requests import check_definitions_used, create_table_indexes
from ._params import ParamValidationError, check_params, pagination_config
from ._service_checks import serialization_error, service_check
from ._table_requests import (
    BILLING_MODES,
    TABLE_CLASSES,
    attribute_definitions,
    check_key_name_lengths,
    enum_error,
    key_schema,
    null_error,
    stream_spec,
    throughput,
)
from ._waiters import WAITERS, Waiter
from ._waiters import WaiterError as WaiterError

MAX_LIST_TABLES = 100  # ListTables Limit: 1-100
MAX_TTL_ATTRIBUTE_BYTES = 255  # TimeToLiveSpecification.AttributeName: 1-255

# boto3 method name -> AWS operation name
_OPERATIONS = {
    "batch_get_item": "BatchGetItem",
    "batch_write_item": "BatchWriteItem",
    "create_table": "CreateTable",
    "delete_item": "DeleteItem",
    "delete_table": "DeleteTable",
    "describe_table": "DescribeTable",
    "describe_time_to_live": "DescribeTimeToLive",
    "get_item": "GetItem",
    "list_tables": "ListTables",
    "put_item": "PutItem",
    "query": "Query",
    "scan": "Scan",
    "transact_write_items": "TransactWriteItems",
    "transact_get_items": "TransactGetItems",
    "update_item": "UpdateItem",
    "update_table": "UpdateTable",
    "update_time_to_live": "UpdateTimeToLive",
    "tag_resource": "TagResource",
    "untag_resource": "UntagResource",
    "list_tags_of_resource": "ListTagsOfResource",
    "enable_kinesis_streaming_destination": "EnableKinesisStreamingDestination",
    "disable_kinesis_streaming_destination": "DisableKinesisStreamingDestination",
    "describe_kinesis_streaming_destination": "DescribeKinesisStreamingDestination",
    "update_kinesis_streaming_destination": "UpdateKinesisStreamingDestination",
}


class ClientMeta:
    """``client.meta``: what boto3's ``ClientMeta`` offers that applies here."""

    def __init__(self, region_name: str) -> None:
        self.region_name = region_name
        self.service_name = "dynamodb"
        self.partition = "aws"
        self.endpoint_url = f"https://dynamodb.{region_name}.amazonaws.com"
        self.method_to_api_mapping = dict(_OPERATIONS)

    def __repr__(self) -> str:
        return f"<ClientMeta dynamodb region={self.region_name}>"


class PageIterator:
    """Pages of a paginated operation, as boto3's ``PageIterator`` yields them."""

    _TOKENS = {
        "Query": ("ExclusiveStartKey", "LastEvaluatedKey", ("Items",), ("Count", "ScannedCount")),
        "Scan": ("ExclusiveStartKey", "LastEvaluatedKey", ("Items",), ("Count", "ScannedCount")),
        "ListTables": ("ExclusiveStartTableName", "LastEvaluatedTableName", ("TableNames",), ()),
    }

    def __init__(self, client: DynamoDBClient, operation: str, params: dict[str, Any]) -> None:
        self._client = client
        self._operation = operation
        max_items, page_size, token = pagination_config(params.pop("PaginationConfig", None))
        if page_size is not None:
            params["Limit"] = page_size
        if token is not None:
            params[self._TOKENS[operation][0]] = token
        self._max_items = max_items
        self._params = params

    def __iter__(self) -> Iterator[dict[str, Any]]:
        in_token, out_token, lists, _ = self._TOKENS[self._operation]
        method = getattr(self._client, _method_name(self._operation))
        params = dict(self._params)
        seen = 0
        while True:
            page = method(**params)
            yield page
            seen += len(page.get(lists[0], ()))
            token = page.get(out_token)
            if token is None or (self._max_items is not None and seen >= self._max_items):
                return
            params[in_token] = token

    def build_full_result(self) -> dict[str, Any]:
        """Every page merged: lists concatenated, counts summed."""
        _, _, lists, counts = self._TOKENS[self._operation]
        out: dict[str, Any] = {}
        for page in self:
            for name in lists:
                if name in page:
                    out.setdefault(name, []).extend(page[name])
            for name in counts:
                out[name] = out.get(name, 0) + page.get(name, 0)
        return out


class Paginator:
    """``client.get_paginator("query" | "scan" | "list_tables")``."""

    def __init__(self, client: DynamoDBClient, operation: str) -> None:
        self._client = client
        self._operation = operation

    def paginate(self, **params: Any) -> PageIterator:
        """Iterate the pages of the operation called with ``params``."""
        return PageIterator(self._client, self._operation, params)


def _method_name(operation: str) -> str:
    return next(m for m, op in _OPERATIONS.items() if op == operation)


class DynamoDBClient(KinesisDestinationOperations, TagOperations, ClientBase):
    """boto3's low-level DynamoDB client, over one :class:`~streamsim.Simulation`.

    Obtain it as ``sim.client("dynamodb")``.  See the module docstring for the conventions.
    """

    def __init__(
        self,
        data: DataPlane,
        clock: Clock,
        region: str,
        *,
        destinations: KinesisDestinations,
        python_values: bool = False,
        parameter_validation: bool = True,
    ) -> None:
        #: True for a resource's client (``table.meta.client``): Python values in and out
        self._python = python_values
        #: False: botocore's client-side checks are skipped, DynamoDB's own answer (rule H.37)
        self._client_side = parameter_validation
        self._ops = data
        self._tables = data.tables
        self._destinations = destinations
        self._clock = clock
        self._region = region
        self.meta = ClientMeta(region)
        self.exceptions = ClientExceptions(
            "dynamodb",
            {
                "IdempotentParameterMismatchException": IdempotentParameterMismatchException,
                "ParamValidationError": ParamValidationError,
            },
        )

    def __repr__(self) -> str:
        checks = "" if self._client_side else " parameter_validation=False"
        return f"<streamsim DynamoDB client region={self._region}{checks}>"

    # --- plumbing -------------------------------------------------------------------------------

    _CHECKS = DYNAMODB_CHECKS

    def _response_metadata(self, operation: str) -> dict[str, Any]:
        return self._ops.response_metadata()

    def _check(self, operation: str, params: Mapping[str, Any]) -> None:
        if self._client_side:
            check_params(self._CHECKS[operation], params)
        else:
            service_check(self._CHECKS[operation], params)

    def _call(
        self, operation: str, params: Mapping[str, Any], body: Callable[..., dict[str, Any]]
    ) -> dict[str, Any]:
        if self._client_side:  # the common case, first
            return super()._call(operation, params, body)

        def serialized(**p: Any) -> dict[str, Any]:
            try:
                return body(**p)
            except ValidationException as exc:  # a wrongly typed value found deeper
                error = serialization_error(exc)
                if error is None:
                    raise
                raise error from None

        return super()._call(operation, params, serialized)

    def _data(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if self._python:  # boto3's resource client: Key()/Attr() conditions become strings
            try:
                build_conditions(params)
            except StreamsimError as exc:
                raise exc.with_operation(operation) from None

        def body(**p: Any) -> dict[str, Any]:
            # ops.call stamps its errors itself (for the Table face); _call stamps the same name
            if self._python:
                request = convert_request(operation, p, python_item, python_value)
                return convert_response(self._ops.call(operation, request), item_to_python)
            request = convert_request(operation, p, wire_item, wire_value)
            return convert_response(self._ops.call(operation, request), copy_item)

        return self._call(operation, params, body)

    def can_paginate(self, operation_name: str) -> bool:
        """Whether :meth:`get_paginator` supports ``operation_name`` (boto3 method name)."""
        return operation_name in ("query", "scan", "list_tables")

    def get_paginator(self, operation_name: str) -> Paginator:
        """A paginator for ``query``, ``scan`` or ``list_tables``."""
        if not self.can_paginate(operation_name):
            raise ValueError(f"Operation cannot be paginated: {operation_name}")
        return Paginator(self, _OPERATIONS[operation_name])

    def get_waiter(self, waiter_name: str) -> Waiter:
        """A waiter: ``table_exists`` or ``table_not_exists``."""
        if waiter_name not in WAITERS:
            raise ValueError(f"Waiter does not exist: {waiter_name}")
        return Waiter(self._table_status, self._clock, waiter_name)

    def _table_status(self, table_name: str) -> str:
        return str(self.describe_table(TableName=table_name)["Table"]["TableStatus"])

    def close(self) -> None:
        """Nothing to release (boto3 closes its HTTP connections here)."""

    # --- items ----------------------------------------------------------------------------------

    def put_item(self, **params: Any) -> dict[str, Any]:
        """PutItem (DynamoDB JSON in and out)."""
        return self._data("PutItem", params)

    def get_item(self, **params: Any) -> dict[str, Any]:
        """GetItem: ``{"Item": ...}`` or ``{}`` (plus ResponseMetadata)."""
        return self._data("GetItem", params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        """UpdateItem."""
        return self._data("UpdateItem", params)

    def delete_item(self, **params: Any) -> dict[str, Any]:
        """DeleteItem."""
        return self._data("DeleteItem", params)

    def query(self, **params: Any) -> dict[str, Any]:
        """Query."""
        return self._data("Query", params)

    def scan(self, **params: Any) -> dict[str, Any]:
        """Scan."""
        return self._data("Scan", params)

    def batch_write_item(self, **params: Any) -> dict[str, Any]:
        """BatchWriteItem (``UnprocessedItems`` is always ``{}``)."""
        return self._data("BatchWriteItem", params)

    def batch_get_item(self, **params: Any) -> dict[str, Any]:
        """BatchGetItem (``UnprocessedKeys`` is always ``{}``)."""
        return self._data("BatchGetItem", params)

    def transact_write_items(self, **params: Any) -> dict[str, Any]:
        """TransactWriteItems."""
        return self._data("TransactWriteItems", params)

    def transact_get_items(self, **params: Any) -> dict[str, Any]:
        """TransactGetItems: up to 100 Gets, read as one snapshot."""
        return self._data("TransactGetItems", params)

    # --- tables ---------------------------------------------------------------------------------

    def create_table(self, **params: Any) -> dict[str, Any]:
        """CreateTable; the table is ACTIVE at once (the response says CREATING, as AWS's does).

        A new table has one partition; use ``sim.create_table(..., partitions=n)`` for more.
        """
        return self._call("CreateTable", params, self._create_table)

    def _create_table(self, **p: Any) -> dict[str, Any]:
        definitions = p.get("AttributeDefinitions")
        schema = p.get("KeySchema")
        if definitions is None:
            raise null_error("attributeDefinitions")
        if schema is None:
            raise null_error("keySchema")
        if p.get("VectorIndexes"):
            raise ValidationException(
                "streamsim does not simulate vector indexes: VectorIndexes is not supported"
            )
        for member in ("GlobalTableSourceArn", "GlobalTableSettingsReplicationMode"):
            if p.get(member) is not None:
                raise ValidationException(f"streamsim does not simulate global tables: {member}")
        check_key_name_lengths(schema, definitions)
        types = attribute_definitions(definitions)
        (hash_key, _), range_pair = key_schema(schema)
        keys = [hash_key] + ([range_pair[0]] if range_pair else [])
        billing = p.get("BillingMode") or "PROVISIONED"
        if billing not in BILLING_MODES:
            raise enum_error(billing, "billingMode", BILLING_MODES)
        indexes = create_table_indexes(p, types, hash_key, keys[1] if range_pair else None, billing)
        check_definitions_used(types, keys, indexes)  # rule H.8
        read_units, write_units = throughput(billing, p.get("ProvisionedThroughput"))
        view_type = stream_spec(p.get("StreamSpecification"), creating=True)
        table_class = p.get("TableClass")
        if table_class is not None and table_class not in TABLE_CLASSES:
            raise enum_error(table_class, "tableClass", TABLE_CLASSES)
        tags = create_table_tags(p)  # rule H.34
        engine = self._tables.create(
            p["TableName"],
            hash_key=hash_key,
            hash_key_type=types[hash_key],
            range_key=range_pair[0] if range_pair else None,
            range_key_type=types[range_pair[0]] if range_pair else "S",
            stream_view_type=view_type,
            indexes=indexes,
        )
        meta = self._tables.meta(engine)
        meta.tags = tags
        meta.attribute_definitions = list(types.items())
        meta.configure(
            billing_mode=billing,
            read_units=read_units,
            write_units=write_units,
            table_class=table_class,
            deletion_protection=bool(p.get("DeletionProtectionEnabled", False)),
            now_ms=self._clock.now_ms,
        )
        return {"TableDescription": self._ops.describe(engine, status="CREATING")}

    def describe_table(self, **params: Any) -> dict[str, Any]:
        """DescribeTable: ``{"Table": TableDescription}``."""
        return self._call(
            "DescribeTable",
            params,
            lambda **p: {"Table": self._ops.describe(self._tables.resolve(p["TableName"]))},
        )

    def update_table(self, **params: Any) -> dict[str, Any]:
        """UpdateTable: stream enable/disable (rule C.1), billing mode, throughput, protection."""
        return self._call("UpdateTable", params, self._update_table)

    def _update_table(self, **p: Any) -> dict[str, Any]:
        engine = self._tables.resolve(p["TableName"])
        meta = self._tables.meta(engine)
        if p.get("VectorIndexUpdates"):
            raise ValidationException(
                "streamsim does not simulate vector indexes: VectorIndexUpdates is not supported"
            )
        for member in ("ReplicaUpdates", "GlobalTableWitnessUpdates", "MultiRegionConsistency"):
            if p.get(member) is not None:
                raise ValidationException(f"streamsim does not simulate global tables: {member}")
        changes = [
            m
            for m in (
                "ProvisionedThroughput",
                "BillingMode",
                "StreamSpecification",
                "SSESpecification",
                "DeletionProtectionEnabled",
                "TableClass",
                "OnDemandThroughput",
                "WarmThroughput",
                "GlobalSecondaryIndexUpdates",
            )
            if p.get(m) is not None
        ]
        if not changes:
            raise ValidationException(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
            )
        billing = p.get("BillingMode") or meta.billing_mode
        if billing not in BILLING_MODES:
            raise enum_error(billing, "billingMode", BILLING_MODES)
        read_units, write_units = meta.read_units, meta.write_units
        if p.get("ProvisionedThroughput") is not None or billing != meta.billing_mode:
            read_units, write_units = throughput(billing, p.get("ProvisionedThroughput"))
        table_class = p.get("TableClass", meta.table_class)
        if table_class is not None and table_class not in TABLE_CLASSES:
            raise enum_error(table_class, "tableClass", TABLE_CLASSES)
        check_billing_switch(engine, meta, p, billing)  # rule H.8
        if p.get("GlobalSecondaryIndexUpdates") is not None:
            update_gsis(engine, meta, p, billing, self._clock)  # rule H.11
        spec = p.get("StreamSpecification")
        if spec is not None:
            view_type = stream_spec(spec, creating=False)
            if view_type is not None:
                if engine.stream is not None:
                    raise ValidationException(
                        f"Table already has an enabled stream: TableName: {engine.name}"
                    )
                self._tables.enable_stream(engine, view_type)
            else:
                engine.disable_stream()
        protection = p.get("DeletionProtectionEnabled")
        meta.configure(
            billing_mode=billing,
            read_units=read_units,
            write_units=write_units,
            table_class=table_class,
            deletion_protection=meta.deletion_protection
            if protection is None
            else bool(protection),
            now_ms=self._clock.now_ms,
        )
        return {"TableDescription": self._ops.describe(engine, status="UPDATING")}

    def delete_table(self, **params: Any) -> dict[str, Any]:
        """DeleteTable: the response's TableStatus is DELETING; the table is gone at once."""
        return self._call("DeleteTable", params, self._delete_table)

    def _delete_table(self, **p: Any) -> dict[str, Any]:
        engine = self._tables.resolve(p["TableName"])
        return {"TableDescription": self._ops.delete_table(engine)}

    def list_tables(self, **params: Any) -> dict[str, Any]:
        """ListTables: names in order, at most ``Limit`` (default 100) per page."""
        return self._call("ListTables", params, self._list_tables)

    def _list_tables(self, **p: Any) -> dict[str, Any]:
        limit = p.get("Limit", MAX_LIST_TABLES)
        if not 1 <= limit <= MAX_LIST_TABLES:
            raise ValidationException(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                "constraint: Member must have value less than or equal to 100"
            )
        names = self._tables.names()
        start = p.get("ExclusiveStartTableName")
        if start is not None:
            names = [n for n in names if n > start]
        out: dict[str, Any] = {"TableNames": names[:limit]}
        if len(names) > limit:
            out["LastEvaluatedTableName"] = names[limit - 1]
        return out

    # --- time to live ---------------------------------------------------------------------------

    def update_time_to_live(self, **params: Any) -> dict[str, Any]:
        """UpdateTimeToLive (rule B.4): at most one change per table per hour."""
        return self._call("UpdateTimeToLive", params, self._update_ttl)

    def _update_ttl(self, **p: Any) -> dict[str, Any]:
        spec = p["TimeToLiveSpecification"]
        enabled = spec.get("Enabled")
        attribute = spec.get("AttributeName")
        if enabled is None:
            raise null_error("timeToLiveSpecification.enabled")
        if attribute is None:
            raise null_error("timeToLiveSpecification.attributeName")
        if not isinstance(enabled, bool):
            raise ValidationException(
                f"Invalid type for parameter TimeToLiveSpecification.Enabled, value: {enabled}, "
                f"type: {type(enabled)}, valid types: <class 'bool'>"
            )
        if not isinstance(attribute, str) or not (
            1 <= len(attribute.encode()) <= MAX_TTL_ATTRIBUTE_BYTES
        ):
            raise ValidationException(
                f"1 validation error detected: Value '{attribute}' at "
                "'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member "
                "must have length between 1 and 255"
            )
        engine = self._tables.resolve(p["TableName"])
        engine.ttl.update(enabled, attribute)
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}

    def describe_time_to_live(self, **params: Any) -> dict[str, Any]:
        """DescribeTimeToLive."""
        return self._call("DescribeTimeToLive", params, self._describe_ttl)

    def _describe_ttl(self, **p: Any) -> dict[str, Any]:
        engine = self._tables.resolve(p["TableName"])
        return {"TimeToLiveDescription": ttl_description(engine)}
