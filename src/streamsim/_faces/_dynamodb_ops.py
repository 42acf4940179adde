"""The DynamoDB operations on canonical values, shared by the low-level client and the Table face.

Each face turns its input into canonical DynamoDB JSON (the client from DynamoDB JSON, the Table
face from plain Python values) with :func:`convert_request`, calls one method of
:class:`DynamoDBOps` with AWS's parameter names, and turns the canonical result back into its
own shape with :func:`convert_response`.  Everything AWS checks on the service side lives here
once: allowed ``ReturnValues`` per operation, expression syntax and placeholders across all
expressions of a request, keys, conditions, Query and Scan paging, batch and transaction limits.

Results may share values with stored items (the faces copy or convert them before handing them
out); items attached to errors (``ConditionalCheckFailedException.response["Item"]``,
``CancellationReasons[i]["Item"]``) are fresh copies in DynamoDB JSON, as boto3 leaves them for
both faces.

AWS behaviour: DynamoDB API Reference for each operation; spec B.2 (which writes change items),
C.4 (limits).  Differs from AWS: the legacy parameters ``Expected``, ``ConditionalOperator``,
``AttributeUpdates``, ``KeyConditions``, ``QueryFilter`` and ``ScanFilter`` are rejected with a
ValidationException naming the expression parameter to use instead (``AttributesToGet`` is
supported); there are no secondary indexes; capacity is never exhausted, so nothing is ever
unprocessed or throttled.
"""

from __future__ import annotations

import math
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from streamsim._clock import ms_to_datetime
from streamsim._dynamodb._expressions import (
    Condition,
    KeyConditionAST,
    Projection,
    UpdateExpression,
    check_placeholders,
    evaluate_condition,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
    project,
    resolve_key_condition,
)
from streamsim._dynamodb._expressions._ast import Path
from streamsim._dynamodb._table import TableEngine, TransactAction
from streamsim._errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    StreamsimError,
    TransactionCanceledException,
    ValidationException,
)
from streamsim._items import (
    AttributeValue,
    Frozen,
    Item,
    compare_key,
    copy_item,
    frozen_size,
    item_size,
    thaw,
    type_of,
)
from streamsim._streams._partitions import HASH_SPACE, partition_hash

from ._client_base import request_ids

if TYPE_CHECKING:
    from streamsim._simulation import Simulation

MAX_BATCH_WRITE_REQUESTS = 25  # spec C.4: BatchWriteItem <= 25 requests
MAX_BATCH_GET_KEYS = 100  # DynamoDB quota: BatchGetItem <= 100 keys
MAX_TRANSACT_ACTIONS = 100  # spec C.4: transactions <= 100 actions
MAX_PAGE_BYTES = 1024 * 1024  # Query/Scan read at most 1 MB of items per call
MAX_TOTAL_SEGMENTS = 1_000_000  # Scan TotalSegments upper bound (API Reference)
IDEMPOTENCY_WINDOW_MS = 10 * 60_000  # TransactWriteItems ClientRequestToken: valid 10 minutes
READ_UNIT_BYTES = 4096  # one read capacity unit reads up to 4 KB
WRITE_UNIT_BYTES = 1024  # one write capacity unit writes up to 1 KB

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
RETURN_VALUES_ON_FAILURE = ("ALL_OLD", "NONE")
RETURN_CONSUMED_CAPACITY = ("INDEXES", "TOTAL", "NONE")
RETURN_ITEM_COLLECTION_METRICS = ("SIZE", "NONE")
SELECT_VALUES = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")

# legacy parameter -> the expression parameter that replaces it
_LEGACY: dict[str, str] = {
    "Expected": "ConditionExpression",
    "ConditionalOperator": "ConditionExpression",
    "AttributeUpdates": "UpdateExpression",
    "KeyConditions": "KeyConditionExpression",
    "QueryFilter": "FilterExpression",
    "ScanFilter": "FilterExpression",
    "AttributesToGet": "ProjectionExpression",
}
_EXPRESSION_PARAMS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)

#: Converts an item or key of a request into canonical form: ``(value, parameter path)``.
ItemFn = Callable[[Any, str], Item]
#: Converts one ExpressionAttributeValues value: ``(value, placeholder)``.
ValueFn = Callable[[Any, str], AttributeValue]
#: Converts a canonical item of a response for the face (copy it, or make Python values).
OutFn = Callable[[Item], Any]


class IdempotentParameterMismatchException(StreamsimError, ValueError):
    """A ClientRequestToken was reused within 10 minutes for a different request."""


# --- small validators --------------------------------------------------------------------------


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def _enum_error(value: Any, member: str, allowed: Sequence[str]) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{_camel(member)}' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def _enum(p: Mapping[str, Any], member: str, allowed: Sequence[str], default: str) -> str:
    value = p.get(member)
    if value is None:
        return default
    if value not in allowed:
        raise _enum_error(value, member, allowed)
    return str(value)


def _reject_legacy(p: Mapping[str, Any], allowed_legacy: Iterable[str] = ()) -> None:
    """AWS: legacy and expression parameters may not be mixed; streamsim rejects the legacy ones."""
    legacy = [name for name in _LEGACY if p.get(name) is not None]
    if not legacy:
        return
    modern = [name for name in _EXPRESSION_PARAMS if p.get(name) is not None]
    if modern:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: "
            f"{{{', '.join(modern)}}}"
        )
    for name in legacy:
        if name not in allowed_legacy:
            raise ValidationException(
                f"streamsim does not support the legacy parameter {name}; use "
                f"{_LEGACY[name]} instead"
            )


def _check_limit(p: Mapping[str, Any]) -> int | None:
    limit = p.get("Limit")
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit


def _check_bool(p: Mapping[str, Any], member: str, default: bool) -> bool:
    value = p.get(member)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValidationException(
            f"Invalid type for parameter {member}, value: {value}, type: {type(value)}, "
            "valid types: <class 'bool'>"
        )
    return value


def _attributes_to_get(names: Any) -> Projection:
    if not isinstance(names, (list, tuple)) or not names:
        raise ValidationException(
            "1 validation error detected: Value at 'attributesToGet' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValidationException(
                f"One or more parameter values were invalid: invalid attribute name {name!r}"
            )
        if name in seen:
            raise ValidationException(
                "One or more parameter values were invalid: Duplicate value in attribute name: "
                f"{name}"
            )
        seen.add(name)
    return Projection(
        expression=", ".join(names),
        paths=tuple(Path((name,)) for name in names),
        names=frozenset(),
        refs=(),
    )


def _expression(p: Mapping[str, Any], member: str) -> str | None:
    value = p.get(member)
    if value is not None and not isinstance(value, str):
        raise ValidationException(
            f"Invalid type for parameter {member}, value: {value}, type: {type(value)}, "
            "valid types: <class 'str'>"
        )
    return value


class _Expressions:
    """The parsed expressions of one request (or one transaction action), placeholders checked."""

    __slots__ = ("condition", "filter", "key", "names", "projection", "update", "values")

    def __init__(self, p: Mapping[str, Any], *, attributes_to_get: bool = False) -> None:
        text = _expression(p, "UpdateExpression")
        self.update: UpdateExpression | None = parse_update(text) if text is not None else None
        text = _expression(p, "ConditionExpression")
        self.condition: Condition | None = (
            parse_condition(text, kind="ConditionExpression") if text is not None else None
        )
        text = _expression(p, "KeyConditionExpression")
        self.key: KeyConditionAST | None = parse_key_condition(text) if text is not None else None
        text = _expression(p, "FilterExpression")
        self.filter: Condition | None = (
            parse_condition(text, kind="FilterExpression") if text is not None else None
        )
        text = _expression(p, "ProjectionExpression")
        projection = parse_projection(text) if text is not None else None
        parsed: list[Any] = [
            e
            for e in (self.update, self.condition, self.key, self.filter, projection)
            if e is not None
        ]
        names = p.get("ExpressionAttributeNames")
        values = p.get("ExpressionAttributeValues")
        if names is not None and not isinstance(names, Mapping):
            raise ValidationException(
                f"Invalid type for parameter ExpressionAttributeNames, value: {names}, "
                f"type: {type(names)}, valid types: <class 'dict'>"
            )
        check_placeholders(parsed, names, values)
        self.names: Mapping[str, str] | None = names
        self.values: Mapping[str, AttributeValue] | None = values
        if attributes_to_get and p.get("AttributesToGet") is not None:
            projection = _attributes_to_get(p["AttributesToGet"])
        self.projection: Projection | None = projection

    def project(self, item: Item) -> Item:
        """``item`` as the request's projection shows it (shared values)."""
        if self.projection is None:
            return item
        return project(self.projection, item, self.names)


# --- capacity ----------------------------------------------------------------------------------


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def _capacity(mode: str, table: str, units: float, kind: str) -> dict[str, Any] | None:
    """ConsumedCapacity as AWS reports it for ``ReturnConsumedCapacity`` TOTAL / INDEXES."""
    if mode == "NONE":
        return None
    out: dict[str, Any] = {"TableName": table, "CapacityUnits": float(units)}
    out[f"{kind}CapacityUnits"] = float(units)
    if mode == "INDEXES":
        out["Table"] = {"CapacityUnits": float(units), f"{kind}CapacityUnits": float(units)}
    return out


def _write_response(
    attributes: Item | None, capacity: str, table: TableEngine, units: int
) -> dict[str, Any]:
    """The response of PutItem, UpdateItem and DeleteItem: Attributes and ConsumedCapacity."""
    out: dict[str, Any] = {}
    if attributes is not None:
        out["Attributes"] = attributes
    used = _capacity(capacity, table.name, units, "Write")
    if used is not None:
        out["ConsumedCapacity"] = used
    return out


def _write_units(old_size: int, new_size: int) -> int:
    """Write capacity units of a write replacing an item of ``old_size`` bytes by one of
    ``new_size`` (0: none)."""
    return _units(max(old_size, new_size), WRITE_UNIT_BYTES)


# --- table metadata ----------------------------------------------------------------------------


class TableMeta:
    """What DescribeTable shows that the engine does not model: billing, throughput, id."""

    __slots__ = (
        "attribute_definitions",
        "billing_mode",
        "deletion_protection",
        "engine",
        "ppr_since_ms",
        "read_units",
        "table_class",
        "table_id",
        "write_units",
    )

    def __init__(self, engine: TableEngine, table_id: str) -> None:
        self.engine = engine
        self.table_id = table_id
        self.billing_mode = "PAY_PER_REQUEST"
        self.read_units = 0
        self.write_units = 0
        self.ppr_since_ms = engine.created_ms
        self.deletion_protection = False
        self.table_class: str | None = None
        self.attribute_definitions: list[dict[str, str]] = [
            {"AttributeName": engine.hash_key, "AttributeType": engine.hash_type}
        ]
        if engine.range_key is not None:
            self.attribute_definitions.append(
                {"AttributeName": engine.range_key, "AttributeType": engine.range_type}
            )


# --- request / response conversion --------------------------------------------------------------


def _values(raw: Any, value_fn: ValueFn) -> dict[str, AttributeValue] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValidationException(
            f"Invalid type for parameter ExpressionAttributeValues, value: {raw}, "
            f"type: {type(raw)}, valid types: <class 'dict'>"
        )
    return {key: value_fn(value, key) for key, value in raw.items()}


def _convert_action(
    action: Mapping[str, Any], item_fn: ItemFn, value_fn: ValueFn, where: str
) -> dict[str, Any]:
    out = dict(action)
    if "Item" in out:
        out["Item"] = item_fn(out["Item"], f"{where}.Item")
    if "Key" in out:
        out["Key"] = item_fn(out["Key"], f"{where}.Key")
    if "ExpressionAttributeValues" in out:
        out["ExpressionAttributeValues"] = _values(out["ExpressionAttributeValues"], value_fn)
    return out


def convert_request(
    operation: str, params: Mapping[str, Any], item_fn: ItemFn, value_fn: ValueFn
) -> dict[str, Any]:
    """Return ``params`` with every item, key and expression value made canonical.

    Args:
        operation: the DynamoDB operation (``"PutItem"``).
        params: the request with AWS parameter names.
        item_fn: converts an item or key; value_fn: converts one ExpressionAttributeValues value.

    Raises:
        ValidationException: a value is malformed (as ``item_fn`` / ``value_fn`` report it), or
            a container is not the type the model defines.
    """
    p = dict(params)
    if "Item" in p:
        p["Item"] = item_fn(p["Item"], "Item")
    if "Key" in p:
        p["Key"] = item_fn(p["Key"], "Key")
    if "ExclusiveStartKey" in p:
        p["ExclusiveStartKey"] = item_fn(p["ExclusiveStartKey"], "ExclusiveStartKey")
    if "ExpressionAttributeValues" in p:
        p["ExpressionAttributeValues"] = _values(p["ExpressionAttributeValues"], value_fn)
    if operation == "BatchWriteItem":
        p["RequestItems"] = _convert_batch_write(p.get("RequestItems"), item_fn)
    elif operation == "BatchGetItem":
        p["RequestItems"] = _convert_batch_get(p.get("RequestItems"), item_fn)
    elif operation == "TransactWriteItems":
        actions = p.get("TransactItems")
        if isinstance(actions, (list, tuple)):
            converted: list[Any] = []
            for index, entry in enumerate(actions):
                if not isinstance(entry, Mapping):
                    converted.append(entry)
                    continue
                new_entry = dict(entry)
                for kind in ("ConditionCheck", "Put", "Delete", "Update"):
                    action = entry.get(kind)
                    if isinstance(action, Mapping):
                        new_entry[kind] = _convert_action(
                            action, item_fn, value_fn, f"TransactItems[{index}].{kind}"
                        )
                converted.append(new_entry)
            p["TransactItems"] = converted
    return p


def _convert_batch_write(request_items: Any, item_fn: ItemFn) -> Any:
    if not isinstance(request_items, Mapping):
        return request_items
    out: dict[str, Any] = {}
    for table, requests in request_items.items():
        if not isinstance(requests, (list, tuple)):
            out[table] = requests
            continue
        converted: list[Any] = []
        for index, request in enumerate(requests):
            if not isinstance(request, Mapping):
                converted.append(request)
                continue
            new: dict[str, Any] = dict(request)
            where = f"RequestItems.{table}[{index}]"
            put = request.get("PutRequest")
            if isinstance(put, Mapping) and "Item" in put:
                new["PutRequest"] = {
                    **put,
                    "Item": item_fn(put["Item"], f"{where}.PutRequest.Item"),
                }
            delete = request.get("DeleteRequest")
            if isinstance(delete, Mapping) and "Key" in delete:
                new["DeleteRequest"] = {
                    **delete,
                    "Key": item_fn(delete["Key"], f"{where}.DeleteRequest.Key"),
                }
            converted.append(new)
        out[table] = converted
    return out


def _convert_batch_get(request_items: Any, item_fn: ItemFn) -> Any:
    if not isinstance(request_items, Mapping):
        return request_items
    out: dict[str, Any] = {}
    for table, spec in request_items.items():
        if isinstance(spec, Mapping) and isinstance(spec.get("Keys"), (list, tuple)):
            out[table] = {
                **spec,
                "Keys": [
                    item_fn(key, f"RequestItems.{table}.Keys[{i}]")
                    for i, key in enumerate(spec["Keys"])
                ],
            }
        else:
            out[table] = spec
    return out


def convert_response(result: dict[str, Any], out_fn: OutFn) -> dict[str, Any]:
    """Return ``result`` with every item converted by ``out_fn`` (in place; returned for ease)."""
    for member in ("Attributes", "Item", "LastEvaluatedKey"):
        item = result.get(member)
        if item is not None:
            result[member] = out_fn(item)
    items = result.get("Items")
    if items is not None:
        result["Items"] = [out_fn(item) for item in items]
    responses = result.get("Responses")
    if responses is not None:
        result["Responses"] = {t: [out_fn(i) for i in got] for t, got in responses.items()}
    return result


# --- the operations ----------------------------------------------------------------------------


class DynamoDBOps:
    """The DynamoDB data-plane operations of one simulation, on canonical values.

    Each method takes a request with AWS parameter names (items, keys and expression values
    already canonical; see :func:`convert_request`) and returns the response members AWS
    defines, canonical (see :func:`convert_response`).  ``engine``, when given, is the table
    the request is for (the Table face passes it; ``TableName`` is then not needed).

    Raises (every method): :class:`~streamsim._errors.StreamsimError` subclasses named and
    worded as DynamoDB's errors, stamped with the operation name.
    """

    OPERATIONS: ClassVar[tuple[str, ...]] = (
        "PutItem",
        "GetItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchWriteItem",
        "BatchGetItem",
        "TransactWriteItems",
    )

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self._meta: dict[str, TableMeta] = {}
        self._tokens: dict[str, tuple[str, int]] = {}
        self._request_ids = request_ids(sim.rng("request-ids"))

    # --- plumbing -----------------------------------------------------------------------------

    def call(
        self, operation: str, params: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """Run ``operation``; errors are stamped with its name."""
        method = _METHODS[operation]
        try:
            return method(self, params, engine)
        except StreamsimError as exc:
            raise exc.with_operation(operation) from None

    def response_metadata(self) -> dict[str, Any]:
        """``ResponseMetadata`` as boto3 adds it to every response (a fresh RequestId from
        ``sim.rng("request-ids")``, see ``request_ids``)."""
        return {
            "RequestId": self._request_ids(),
            "HTTPStatusCode": 200,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        }

    def engine(self, table_name: Any) -> TableEngine:
        """The table named ``table_name`` (a name or a table ARN).

        Raises:
            ValidationException: not a valid table name.
            ResourceNotFoundException: no such table.
        """
        if not isinstance(table_name, str):
            raise ValidationException(
                f"Invalid type for parameter TableName, value: {table_name}, "
                f"type: {type(table_name)}, valid types: <class 'str'>"
            )
        name = table_name
        if name.startswith("arn:"):
            prefix = f"arn:aws:dynamodb:{self.sim.region}:{self.sim.account_id}:table/"
            if not name.startswith(prefix) or "/" in name[len(prefix) :]:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Table: {table_name} not found"
                )
            name = name[len(prefix) :]
        return self.sim._engine(name)

    def _engine(self, p: Mapping[str, Any], engine: TableEngine | None) -> TableEngine:
        if engine is not None:
            if engine.deleted_ms is not None:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Table: {engine.name} not found"
                )
            return engine
        return self.engine(p.get("TableName"))

    def meta(self, engine: TableEngine) -> TableMeta:
        """The DescribeTable metadata of ``engine`` (created on first use, deterministically)."""
        meta = self._meta.get(engine.arn)
        if meta is None or meta.engine is not engine:
            rng = self.sim.rng(f"table-id/{engine.name}/{engine.created_ms}")
            table_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            meta = self._meta[engine.arn] = TableMeta(engine, table_id)
        return meta

    # --- single-item writes ---------------------------------------------------------------------

    @staticmethod
    def _failed(
        exc: ConditionalCheckFailedException, on_failure: str
    ) -> ConditionalCheckFailedException:
        item = exc.item if on_failure == "ALL_OLD" else None
        return ConditionalCheckFailedException(
            exc.message, item=copy_item(item) if item is not None else None
        )

    def _write_request(
        self,
        p: Mapping[str, Any],
        engine: TableEngine | None,
        target: str,
        *,
        only_all_old: bool,
    ) -> tuple[str, str, str, _Expressions, TableEngine, dict[str, Any]]:
        """The parameters PutItem, UpdateItem and DeleteItem share, validated in AWS's order.

        Returns:
            ``(ReturnValues, ReturnValuesOnConditionCheckFailure, ReturnConsumedCapacity,
            expressions, table, the Item or Key map named by target)``.
        """
        return_values = _enum(p, "ReturnValues", RETURN_VALUES, "NONE")
        on_failure = _enum(
            p, "ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_FAILURE, "NONE"
        )
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        _enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        if only_all_old and return_values not in ("NONE", "ALL_OLD"):
            raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
        _reject_legacy(p)
        exprs = _Expressions(p)
        table = self._engine(p, engine)
        value = p.get(target)
        if not isinstance(value, dict):
            raise ValidationException(f"Invalid type for parameter {target}: expected a map")
        return return_values, on_failure, capacity, exprs, table, value

    def put_item(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """PutItem: store an item, replacing any with its key (condition permitting)."""
        return_values, on_failure, capacity, exprs, table, item = self._write_request(
            p, engine, "Item", only_all_old=True
        )
        size = item_size(item)
        try:
            old = table.put(
                item, condition=exprs.condition, names=exprs.names, values=exprs.values, size=size
            )
        except ConditionalCheckFailedException as exc:
            raise self._failed(exc, on_failure) from None
        old_size = 0 if old is None else frozen_size(old)
        attributes = thaw(old) if return_values == "ALL_OLD" and old is not None else None
        return _write_response(attributes, capacity, table, _write_units(old_size, size))

    def update_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """UpdateItem: apply an UpdateExpression, creating the item if needed."""
        return_values, on_failure, capacity, exprs, table, key = self._write_request(
            p, engine, "Key", only_all_old=False
        )
        try:
            old, new = table.update(
                key,
                exprs.update,
                condition=exprs.condition,
                names=exprs.names,
                values=exprs.values,
            )
        except ConditionalCheckFailedException as exc:
            raise self._failed(exc, on_failure) from None
        attributes: Item | None = None
        if return_values == "ALL_OLD":
            attributes = old
        elif return_values == "ALL_NEW":
            attributes = new
        elif return_values in ("UPDATED_OLD", "UPDATED_NEW") and exprs.update is not None:
            source = old if return_values == "UPDATED_OLD" else new
            if source is not None:
                update = exprs.update
                written = Projection(
                    expression=update.expression,
                    paths=update.written,
                    names=update.names,
                    refs=update.refs,
                )
                attributes = project(written, source, exprs.names) or None
        units = _write_units(item_size(old) if old else 0, item_size(new) if new else 0)
        return _write_response(attributes, capacity, table, units)

    def delete_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """DeleteItem: remove the item with a key (condition permitting); a missing one is fine."""
        return_values, on_failure, capacity, exprs, table, key = self._write_request(
            p, engine, "Key", only_all_old=True
        )
        try:
            old = table.delete(
                key, condition=exprs.condition, names=exprs.names, values=exprs.values
            )
        except ConditionalCheckFailedException as exc:
            raise self._failed(exc, on_failure) from None
        old_size = 0 if old is None else frozen_size(old)
        attributes = thaw(old) if return_values == "ALL_OLD" and old is not None else None
        return _write_response(attributes, capacity, table, _write_units(old_size, 0))

    # --- reads ----------------------------------------------------------------------------------

    def get_item(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """GetItem: the item with a key, projected; ``{}`` when there is none."""
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        consistent = _check_bool(p, "ConsistentRead", False)
        _reject_legacy(p, ("AttributesToGet",))
        exprs = _Expressions(p, attributes_to_get=True)
        table = self._engine(p, engine)
        key = p.get("Key")
        if not isinstance(key, dict):
            raise ValidationException("Invalid type for parameter Key: expected a map")
        item = table.get(*table.key_of_key(key))
        out: dict[str, Any] = {}
        if item is not None:
            out["Item"] = exprs.project(item)
        size = item_size(item) if item is not None else 0
        used = _capacity(capacity, table.name, _read_units(size, consistent), "Read")
        if used is not None:
            out["ConsumedCapacity"] = used
        return out

    def _select(self, p: Mapping[str, Any], exprs: _Expressions) -> str:
        select = p.get("Select")
        projected = exprs.projection is not None
        what = "AttributesToGet" if p.get("AttributesToGet") is not None else "ProjectionExpression"
        if select is None:
            return "SPECIFIC_ATTRIBUTES" if projected else "ALL_ATTRIBUTES"
        if select not in SELECT_VALUES:
            raise _enum_error(select, "Select", SELECT_VALUES)
        if select == "ALL_PROJECTED_ATTRIBUTES":
            raise ValidationException(
                "One or more parameter values were invalid: Select type "
                "ALL_PROJECTED_ATTRIBUTES is supported only for Query and Scan on an index "
                "(IndexName)"
            )
        if select == "SPECIFIC_ATTRIBUTES" and not projected:
            raise ValidationException(
                "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES "
                "requires AttributesToGet or ProjectionExpression"
            )
        if select == "ALL_ATTRIBUTES" and projected:
            raise ValidationException(
                f"Cannot specify the {what} when choosing to get ALL_ATTRIBUTES"
            )
        if select == "COUNT" and projected:
            raise ValidationException(
                f"Cannot specify the {what} when choosing to get only the Count"
            )
        return str(select)

    @staticmethod
    def _no_index(p: Mapping[str, Any], table: TableEngine) -> None:
        index = p.get("IndexName")
        if index is not None:
            raise ValidationException(f"The table does not have the specified index: {index}")

    def _page(
        self,
        table: TableEngine,
        candidates: Iterator[Item],
        p: Mapping[str, Any],
        exprs: _Expressions,
        select: str,
        limit: int | None,
        consistent: bool,
    ) -> dict[str, Any]:
        """Read one page: count items against Limit and 1 MB before filtering (API Reference)."""
        items: list[Item] = []
        count = scanned = size = 0
        last: Item | None = None
        cond = exprs.filter
        names, values = exprs.names, exprs.values
        counting = select == "COUNT"
        stopped = False
        for item in candidates:
            scanned += 1
            size += item_size(item)
            last = item
            if cond is None or evaluate_condition(cond, item, names, values):
                count += 1
                if not counting:
                    items.append(exprs.project(item))
            if (limit is not None and scanned >= limit) or size >= MAX_PAGE_BYTES:
                stopped = True
                break
        out: dict[str, Any] = {}
        if not counting:
            out["Items"] = items
        out["Count"] = count
        out["ScannedCount"] = scanned
        if stopped and last is not None:
            out["LastEvaluatedKey"] = {name: last[name] for name in table.key_names}
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        used = _capacity(capacity, table.name, _read_units(size, consistent), "Read")
        if used is not None:
            out["ConsumedCapacity"] = used
        return out

    def query(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """Query: the items of one partition in sort-key order, paged, filtered, projected."""
        _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        _reject_legacy(p, ("AttributesToGet",))
        if p.get("KeyConditionExpression") is None:
            raise ValidationException(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                "in the request."
            )
        exprs = _Expressions(p, attributes_to_get=True)
        select = self._select(p, exprs)
        limit = _check_limit(p)
        forward = _check_bool(p, "ScanIndexForward", True)
        consistent = _check_bool(p, "ConsistentRead", False)
        table = self._engine(p, engine)
        self._no_index(p, table)
        assert exprs.key is not None
        kc = resolve_key_condition(
            exprs.key, exprs.names, exprs.values, table.hash_key, table.range_key
        )
        if type_of(kc.hash_value) != table.hash_type or any(
            type_of(v) != table.range_type for v in kc.range_values
        ):
            raise ValidationException(
                "One or more parameter values were invalid: Condition parameter type does not "
                "match schema type"
            )
        if kc.range_op == "begins_with" and table.range_type == "N":
            raise ValidationException(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or "
                "function; operator or function: begins_with, operand type: N"
            )
        hv = kc.hash_value[table.hash_type]
        in_range = _range_predicate(kc.range_op, kc.range_values)
        start = p.get("ExclusiveStartKey")
        start_rv: Any = None
        if start is not None:
            shv, start_rv = _start_key(table, start)
            if shv != hv:
                raise ValidationException(
                    "The provided starting key is outside query boundaries based on provided "
                    "conditions"
                )
            if table.range_key is not None and not in_range({table.range_type: start_rv}):
                raise ValidationException(
                    "The provided starting key does not match the range key predicate"
                )
        items = table.items_for_hash(hv, forward=forward)
        rk = table.range_key
        if rk is not None:
            if start is not None:
                start_cmp = compare_key({table.range_type: start_rv})
                if forward:
                    items = [i for i in items if compare_key(i[rk]) > start_cmp]
                else:
                    items = [i for i in items if compare_key(i[rk]) < start_cmp]
            if kc.range_op is not None:
                items = [i for i in items if in_range(i[rk])]
        elif start is not None:
            items = []  # the one item of the partition was the last page's last
        return self._page(table, iter(items), p, exprs, select, limit, consistent)

    def scan(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """Scan: every item in partition-hash order, paged, filtered, projected, segmented."""
        _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        _reject_legacy(p, ("AttributesToGet",))
        exprs = _Expressions(p, attributes_to_get=True)
        select = self._select(p, exprs)
        limit = _check_limit(p)
        consistent = _check_bool(p, "ConsistentRead", False)
        segment, total = p.get("Segment"), p.get("TotalSegments")
        if segment is not None and total is None:
            raise ValidationException(
                "The TotalSegments parameter is required but was not present in the request "
                "when Segment parameter is present"
            )
        if total is not None and segment is None:
            raise ValidationException(
                "The Segment parameter is required but was not present in the request when "
                "parameter TotalSegments is present"
            )
        lo, hi = 0, HASH_SPACE
        if total is not None:
            if (
                isinstance(total, bool)
                or not isinstance(total, int)
                or not (1 <= total <= MAX_TOTAL_SEGMENTS)
            ):
                raise ValidationException(
                    f"1 validation error detected: Value '{total}' at 'totalSegments' failed to "
                    "satisfy constraint: Member must have value less than or equal to 1000000"
                )
            if isinstance(segment, bool) or not isinstance(segment, int) or segment < 0:
                raise ValidationException(
                    f"1 validation error detected: Value '{segment}' at 'segment' failed to "
                    "satisfy constraint: Member must have value greater than or equal to 0"
                )
            if segment >= total:
                raise ValidationException(
                    "The Segment parameter is zero-based and must be less than parameter "
                    f"TotalSegments: Segment: {segment} is out of bounds for TotalSegments: "
                    f"{total}"
                )
            lo, hi = segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total
        table = self._engine(p, engine)
        self._no_index(p, table)
        order = _scan_order(table, lo, hi)
        position = 0
        start = p.get("ExclusiveStartKey")
        if start is not None:
            shv, srv = _start_key(table, start)
            sort_key = _order_key(table, shv, srv)
            if not lo <= sort_key[0] < hi:
                raise ValidationException(
                    "The provided Exclusive start key does not map to the provided Segment and "
                    "TotalSegments values."
                )
            position = bisect_right([k for k, _ in order], sort_key)
        candidates = (thaw(frozen) for _, frozen in order[position:])
        return self._page(table, candidates, p, exprs, select, limit, consistent)

    # --- batches --------------------------------------------------------------------------------

    def batch_write_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """BatchWriteItem: up to 25 puts and deletes, each applied as PutItem / DeleteItem."""
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        _enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        request_items = p.get("RequestItems")
        if not isinstance(request_items, Mapping) or not request_items:
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
        total = 0
        for requests in request_items.values():
            if not isinstance(requests, (list, tuple)) or not (
                1 <= len(requests) <= MAX_BATCH_WRITE_REQUESTS
            ):
                raise ValidationException(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy "
                    "constraint: Map value must satisfy constraint: [Member must have length "
                    "less than or equal to 25, Member must have length greater than or equal "
                    "to 1]"
                )
            total += len(requests)
        if total > MAX_BATCH_WRITE_REQUESTS:
            raise ValidationException("Too many items requested for the BatchWriteItem call")
        plan: list[tuple[TableEngine, str, Item]] = []
        for table_name, requests in request_items.items():
            table = self.engine(table_name)
            seen: set[tuple[Any, Any]] = set()
            for request in requests:
                kind, item = _write_request(request)
                if kind == "PutRequest":
                    ident = table.key_of_item(item)
                else:
                    ident = table.key_of_key(item)
                if ident in seen:
                    raise ValidationException("Provided list of item keys contains duplicates")
                seen.add(ident)
                plan.append((table, kind, item))
        units: dict[str, int] = {}
        for table, kind, item in plan:
            if kind == "PutRequest":
                size = item_size(item)
                old = table.put(item, size=size)
            else:
                size = 0
                old = table.delete(item)
            old_size = 0 if old is None else frozen_size(old)
            units[table.name] = units.get(table.name, 0) + _write_units(old_size, size)
        out: dict[str, Any] = {"UnprocessedItems": {}}
        if capacity != "NONE":
            out["ConsumedCapacity"] = [
                _capacity(capacity, name, used, "Write") for name, used in units.items()
            ]
        return out

    def batch_get_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """BatchGetItem: up to 100 keys across tables; missing items are simply absent."""
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        request_items = p.get("RequestItems")
        if not isinstance(request_items, Mapping) or not request_items:
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
        total = 0
        for spec in request_items.values():
            keys = spec.get("Keys") if isinstance(spec, Mapping) else None
            if not isinstance(keys, (list, tuple)) or not keys:
                raise ValidationException(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy "
                    "constraint: Map value must satisfy constraint: [Member must have length "
                    "greater than or equal to 1]"
                )
            total += len(keys)
        if total > MAX_BATCH_GET_KEYS:
            raise ValidationException("Too many items requested for the BatchGetItem call")
        plan: list[tuple[TableEngine, _Expressions, bool, list[tuple[Any, Any]]]] = []
        for table_name, spec in request_items.items():
            _reject_legacy(spec, ("AttributesToGet",))
            exprs = _Expressions(spec, attributes_to_get=True)
            consistent = _check_bool(spec, "ConsistentRead", False)
            table = self.engine(table_name)
            idents: list[tuple[Any, Any]] = []
            for key in spec["Keys"]:
                ident = table.key_of_key(key)
                if ident in idents:
                    raise ValidationException("Provided list of item keys contains duplicates")
                idents.append(ident)
            plan.append((table, exprs, consistent, idents))
        responses: dict[str, list[Item]] = {}
        used: list[Any] = []
        for table, exprs, consistent, idents in plan:
            got: list[Item] = []
            size = 0
            for hv, rv in idents:
                item = table.get(hv, rv)
                if item is not None:
                    got.append(exprs.project(item))
                    size += item_size(item)
            responses[table.name] = got
            units = _capacity(capacity, table.name, _read_units(size, consistent), "Read")
            if units is not None:
                used.append(units)
        out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": {}}
        if used:
            out["ConsumedCapacity"] = used
        return out

    # --- transactions ---------------------------------------------------------------------------

    def transact_write_items(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """TransactWriteItems: up to 100 actions on distinct items, all applied or none."""
        capacity = _enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        _enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        entries = p.get("TransactItems")
        if not isinstance(entries, (list, tuple)) or not entries:
            raise ValidationException(
                "1 validation error detected at 'transactItems' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1."
            )
        if len(entries) > MAX_TRANSACT_ACTIONS:
            raise ValidationException(
                "1 validation error detected at 'transactItems' failed to satisfy constraint: "
                "Member must have length less than or equal to 100."
            )
        token = p.get("ClientRequestToken")
        fingerprint = repr(
            sorted((k, repr(v)) for k, v in p.items() if k != "ReturnConsumedCapacity")
        )
        now = self.sim.clock.now_ms
        if token is not None:
            seen = self._tokens.get(token)
            if seen is not None and now - seen[1] < IDEMPOTENCY_WINDOW_MS:
                if seen[0] != fingerprint:
                    raise IdempotentParameterMismatchException(
                        "Request parameters do not match the parameters of the earlier request "
                        f"with ClientRequestToken {token}"
                    )
                return {}
        actions: list[TransactAction] = []
        on_failure: list[str] = []
        for index, entry in enumerate(entries):
            kinds = (
                [
                    k
                    for k in ("ConditionCheck", "Put", "Delete", "Update")
                    if entry.get(k) is not None
                ]
                if isinstance(entry, Mapping)
                else []
            )
            if len(kinds) != 1:
                raise ValidationException(
                    "TransactItems can only contain one of Check, Put, Update or Delete"
                )
            kind = kinds[0]
            spec = entry[kind]
            action, failure = self._transact_action(index, kind, spec)
            actions.append(action)
            on_failure.append(failure)
        try:
            TableEngine.transact(actions)
        except TransactionCanceledException as exc:
            reasons: list[dict[str, Any]] = []
            for reason, failure in zip(exc.cancellation_reasons, on_failure, strict=True):
                shown = {k: v for k, v in reason.items() if k != "Item"}
                if failure == "ALL_OLD" and reason.get("Item") is not None:
                    shown["Item"] = copy_item(reason["Item"])
                reasons.append(shown)
            raise TransactionCanceledException(exc.message, cancellation_reasons=reasons) from None
        if token is not None:
            self._tokens[token] = (fingerprint, now)
        out: dict[str, Any] = {}
        if capacity != "NONE":
            units: dict[str, int] = {}
            for action in actions:
                item = action.item if action.item is not None else action.key
                units[action.table.name] = units.get(action.table.name, 0) + 2 * _units(
                    item_size(item), WRITE_UNIT_BYTES
                )
            out["ConsumedCapacity"] = [
                _capacity(capacity, name, used, "Write") for name, used in units.items()
            ]
        return out

    def _transact_action(self, index: int, kind: str, spec: Any) -> tuple[TransactAction, str]:
        if not isinstance(spec, Mapping):
            raise ValidationException(
                f"Invalid type for parameter TransactItems.{kind}: expected a map"
            )
        allowed = {
            "ConditionCheck": ("Key", "ConditionExpression"),
            "Put": ("Item",),
            "Delete": ("Key",),
            "Update": ("Key", "UpdateExpression"),
        }[kind]
        for member in ("TableName", *allowed):
            if spec.get(member) is None:
                raise ValidationException(
                    "1 validation error detected: Value null at "
                    f"'transactItems.{index + 1}.member.{_camel(kind)}."
                    f"{_camel(member)}' failed to satisfy constraint: Member must not be null"
                )
        failure = _enum(
            spec, "ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_FAILURE, "NONE"
        )
        exprs = _Expressions(spec)
        table = self.engine(spec["TableName"])
        if kind == "Put":
            item = spec["Item"]
            key = table.key_item(*table.key_of_item(item))
            return (
                TransactAction(
                    kind,
                    table,
                    key,
                    item=item,
                    condition=exprs.condition,
                    names=exprs.names,
                    values=exprs.values,
                ),
                failure,
            )
        key = spec["Key"]
        table.key_of_key(key)
        return (
            TransactAction(
                kind,
                table,
                key,
                update=exprs.update,
                condition=exprs.condition,
                names=exprs.names,
                values=exprs.values,
            ),
            failure,
        )

    # --- control plane shared by both faces -----------------------------------------------------

    def describe(self, engine: TableEngine, status: str | None = None) -> dict[str, Any]:
        """DescribeTable's ``TableDescription`` of ``engine`` (fresh containers).

        AWS behaviour: spec C.1 (StreamSpecification, LatestStreamArn, LatestStreamLabel).
        Differs from AWS: ItemCount and TableSizeBytes are live, not refreshed every six hours;
        after a stream is disabled LatestStreamArn/LatestStreamLabel stay and
        StreamSpecification is omitted (spec C.1 UNCONFIRMED).
        """
        meta = self.meta(engine)
        out: dict[str, Any] = {
            "AttributeDefinitions": [dict(d) for d in meta.attribute_definitions],
            "TableName": engine.name,
            "KeySchema": [
                {"AttributeName": name, "KeyType": kind} for name, kind in engine.key_schema
            ],
            "TableStatus": status or engine.status,
            "CreationDateTime": ms_to_datetime(engine.created_ms),
            # NumberOfDecreasesToday is left out: the model's minimum is 1 (AWS shows 0)
            "ProvisionedThroughput": {
                "ReadCapacityUnits": meta.read_units,
                "WriteCapacityUnits": meta.write_units,
            },
            "TableSizeBytes": sum(frozen_size(frozen) for _, _, frozen in engine.iter_frozen()),
            "ItemCount": len(engine),
            "TableArn": engine.arn,
            "TableId": meta.table_id,
        }
        if meta.billing_mode == "PAY_PER_REQUEST":
            out["BillingModeSummary"] = {
                "BillingMode": "PAY_PER_REQUEST",
                "LastUpdateToPayPerRequestDateTime": ms_to_datetime(meta.ppr_since_ms),
            }
        else:
            out["BillingModeSummary"] = {"BillingMode": "PROVISIONED"}
        if engine.stream is not None:
            out["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": engine.stream.view_type,
            }
        latest = engine.latest_stream
        if latest is not None:
            out["LatestStreamLabel"] = latest.label
            out["LatestStreamArn"] = latest.arn
        if meta.table_class is not None:
            out["TableClassSummary"] = {"TableClass": meta.table_class}
        out["DeletionProtectionEnabled"] = meta.deletion_protection
        return out


def _read_units(size: int, consistent: bool) -> float:
    units = _units(size, READ_UNIT_BYTES)
    return float(units) if consistent else units / 2


def _write_request(request: Any) -> tuple[str, Item]:
    if not isinstance(request, Mapping):
        raise ValidationException("Invalid type for a WriteRequest: expected a map")
    kinds = [k for k in ("PutRequest", "DeleteRequest") if request.get(k) is not None]
    if len(kinds) != 1 or len(request) != 1:
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes"
            if len(kinds) > 1
            else "One or more parameter values were invalid: a WriteRequest must contain "
            "exactly one of PutRequest or DeleteRequest"
        )
    kind = kinds[0]
    body = request[kind]
    member = "Item" if kind == "PutRequest" else "Key"
    item = body.get(member) if isinstance(body, Mapping) else None
    if not isinstance(item, dict):
        raise ValidationException(
            f"1 validation error detected: Value null at '{_camel(kind)}.{_camel(member)}' "
            "failed to satisfy constraint: Member must not be null"
        )
    return kind, item


def _start_key(table: TableEngine, start: Item) -> tuple[Any, Any]:
    try:
        return table.key_of_key(start)
    except ValidationException as exc:
        raise ValidationException(f"The provided starting key is invalid: {exc.message}") from None


def _order_key(table: TableEngine, hv: Any, rv: Any) -> tuple[int, Any, Any]:
    return (
        partition_hash(table.hash_type, hv),
        compare_key({table.hash_type: hv}),
        compare_key({table.range_type: rv}) if table.range_key is not None else 0,
    )


def _scan_order(table: TableEngine, lo: int, hi: int) -> list[tuple[tuple[int, Any, Any], Frozen]]:
    """Every item whose partition hash is in ``[lo, hi)``, frozen, in scan order, with its
    order key (a page thaws only the items it reads)."""
    ht, rt, rk = table.hash_type, table.range_type, table.range_key
    out: list[tuple[tuple[int, Any, Any], Frozen]] = []
    for hv, rv, frozen in table.iter_frozen():
        h = partition_hash(ht, hv)
        if lo <= h < hi:
            order = (h, compare_key({ht: hv}), compare_key({rt: rv}) if rk is not None else 0)
            out.append((order, frozen))
    out.sort(key=lambda pair: pair[0])
    return out


def _range_predicate(
    op: str | None, operands: tuple[AttributeValue, ...]
) -> Callable[[AttributeValue], bool]:
    """A test of a sort-key value against a key condition's sort-key part."""
    if op is None:
        return lambda _: True
    if op == "begins_with":
        ((tag, prefix),) = operands[0].items()
        return lambda av: isinstance(av.get(tag), (str, bytes)) and av[tag].startswith(prefix)
    keys = [compare_key(v) for v in operands]
    if op == "BETWEEN":
        low, high = keys
        return lambda av: low <= compare_key(av) <= high
    (bound,) = keys
    tests: dict[str, Callable[[Any], bool]] = {
        "=": lambda k: k == bound,
        "<": lambda k: k < bound,
        "<=": lambda k: k <= bound,
        ">": lambda k: k > bound,
        ">=": lambda k: k >= bound,
    }
    test = tests[op]
    return lambda av: bool(test(compare_key(av)))


_METHODS: dict[
    str, Callable[[DynamoDBOps, Mapping[str, Any], TableEngine | None], dict[str, Any]]
] = {
    "PutItem": DynamoDBOps.put_item,
    "GetItem": DynamoDBOps.get_item,
    "UpdateItem": DynamoDBOps.update_item,
    "DeleteItem": DynamoDBOps.delete_item,
    "Query": DynamoDBOps.query,
    "Scan": DynamoDBOps.scan,
    "BatchWriteItem": DynamoDBOps.batch_write_item,
    "BatchGetItem": DynamoDBOps.batch_get_item,
    "TransactWriteItems": DynamoDBOps.transact_write_items,
}
