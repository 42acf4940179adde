"""The DynamoDB data-plane operations as both faces call them: check, call the model, shape.

:class:`DataPlane` takes a request with AWS parameter names whose items, keys and expression
values are already canonical (see :func:`~._dynamodb_requests.convert_request`), checks its
parameters in AWS's order, calls the model (the table engine, :mod:`~streamsim._dynamodb._reads`,
:mod:`~streamsim._dynamodb._batch`, :mod:`~streamsim._dynamodb._transactions`) and returns the
response members AWS defines, canonical (see :func:`~._dynamodb_requests.convert_response`).
It holds no state of its own: tables, metadata and idempotency tokens belong to the model, and
the request-id source is the one both DynamoDB faces share.

Results may share values with stored items (the faces copy or convert them before handing them
out); items attached to errors (``ConditionalCheckFailedException.response["Item"]``,
``CancellationReasons[i]["Item"]``) are fresh copies in DynamoDB JSON, as boto3 leaves them for
both faces.

AWS behaviour: DynamoDB API Reference for each operation; rule B.2 (which writes change items),
C.4 (limits), H.9-H.12 (secondary indexes: index reads in :mod:`._index_reads`, what writes add
to an answer in :mod:`._index_responses`).  Differs from AWS: capacity is never exhausted, so
nothing is ever unprocessed or throttled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from streamsim._dynamodb._batch import (
    BatchWritePlan,
    batch_get,
    batch_write,
    check_batch_get_size,
    check_batch_write_size,
    key_list,
)
from streamsim._dynamodb._capacity import read_units, write_units
from streamsim._dynamodb._catalog import TableCatalog
from streamsim._dynamodb._expressions import (
    Projection,
    check_filter_keys,
    project,
    resolve_key_condition,
)
from streamsim._dynamodb._reads import (
    query_candidates,
    scan_candidates,
    segment_bounds,
)
from streamsim._dynamodb._table import TableEngine
from streamsim._dynamodb._transactions import (
    IdempotencyTokens,
)
from streamsim._errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    StreamsimError,
    ValidationException,
)
from streamsim._items import Frozen, Item, copy_item, frozen_size, item_size, thaw

from ._dynamodb_requests import (
    RETURN_CONSUMED_CAPACITY,
    RETURN_ITEM_COLLECTION_METRICS,
    RETURN_VALUES,
    RETURN_VALUES_ON_FAILURE,
    Expressions,
    check_bool,
    check_limit,
    enum,
    select,
    write_request,
)
from ._dynamodb_responses import (
    capacity,
    capacity_list,
    deleted_description,
    table_description,
    write_response,
)
from ._dynamodb_transactions import Transactions
from ._index_reads import index_query, index_scan, page_response
from ._index_responses import amend_batch, amend_write

#: One operation: ``(data plane, request, table or None) -> response members``.
Operation = Callable[["DataPlane", Mapping[str, Any], "TableEngine | None"], dict[str, Any]]


def _failed(
    exc: ConditionalCheckFailedException, on_failure: str
) -> ConditionalCheckFailedException:
    item = exc.item if on_failure == "ALL_OLD" else None
    return ConditionalCheckFailedException(
        exc.message, item=copy_item(item) if item is not None else None
    )


class DataPlane(Transactions):
    """The DynamoDB data-plane operations over one model's tables, on canonical values.

    Args:
        tables: the model's table catalog.
        tokens: the model's TransactWriteItems idempotency tokens.
        request_ids: the source of RequestIds both DynamoDB faces share.

    ``engine``, when given to an operation, is the table the request is for (the Table face
    passes it; ``TableName`` is then not needed).

    Raises (every operation): :class:`~streamsim._errors.StreamsimError` subclasses named and
    worded as DynamoDB's errors, stamped with the operation name.
    """

    def __init__(
        self, tables: TableCatalog, tokens: IdempotencyTokens, request_ids: Callable[[], str]
    ) -> None:
        self.tables = tables
        self.tokens = tokens
        self._request_ids = request_ids

    # --- plumbing -----------------------------------------------------------------------------

    def call(
        self, operation: str, params: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """Run ``operation``; errors are stamped with its name."""
        method = OPERATIONS[operation]
        try:
            return method(self, params, engine)
        except StreamsimError as exc:
            raise exc.with_operation(operation) from None

    def response_metadata(self) -> dict[str, Any]:
        """``ResponseMetadata`` as boto3 adds it to every response (a fresh RequestId)."""
        return {
            "RequestId": self._request_ids(),
            "HTTPStatusCode": 200,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        }

    def _table(self, p: Mapping[str, Any], engine: TableEngine | None) -> TableEngine:
        if engine is not None:
            if engine.deleted_ms is not None:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Table: {engine.name} not found"
                )
            return engine
        return self.tables.resolve(p.get("TableName"))

    # --- table descriptions (both faces) -------------------------------------------------------

    def describe(self, engine: TableEngine, status: str | None = None) -> dict[str, Any]:
        """DescribeTable's ``TableDescription`` of ``engine`` (``status``: shown instead)."""
        return table_description(engine, self.tables.meta(engine), status)

    def delete_table(self, engine: TableEngine) -> dict[str, Any]:
        """DeleteTable: delete ``engine``; return its description, status DELETING.

        Raises:
            ValidationException: the table is protected against deletion.
            ResourceInUseException: its stream is still being enabled.
        """
        self.tables.check_deletable(engine)
        description = deleted_description(self.describe(engine, status="DELETING"))
        self.tables.delete(engine.name)
        return description

    # --- single-item writes ---------------------------------------------------------------------

    def _write_request(
        self,
        p: Mapping[str, Any],
        engine: TableEngine | None,
        target: str,
        *,
        only_all_old: bool,
    ) -> tuple[str, str, str, Expressions, TableEngine, dict[str, Any]]:
        """The parameters PutItem, UpdateItem and DeleteItem share, validated in AWS's order.

        Returns:
            ``(ReturnValues, ReturnValuesOnConditionCheckFailure, ReturnConsumedCapacity,
            expressions, table, the Item or Key map named by target)``.
        """
        return_values = enum(p, "ReturnValues", RETURN_VALUES, "NONE")
        on_failure = enum(
            p, "ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_FAILURE, "NONE"
        )
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        if only_all_old and return_values not in ("NONE", "ALL_OLD"):
            raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
        operation = (
            "PutItem" if target == "Item" else "DeleteItem" if only_all_old else "UpdateItem"
        )
        exprs = Expressions(p, legacy=operation)
        table = self._table(p, engine)
        value = p.get(target)
        if not isinstance(value, dict):
            raise ValidationException(f"Invalid type for parameter {target}: expected a map")
        return return_values, on_failure, mode, exprs, table, value

    @staticmethod
    def put(
        table: TableEngine,
        item: Item,
        *,
        size: int,
        plain: bool = False,
        exprs: Expressions | None = None,
        on_failure: str = "NONE",
    ) -> Frozen | None:
        """PutItem's one path to the model: store ``item`` (condition permitting).

        Every PutItem with options reaches it through :meth:`put_item`; the Table face's put
        without options calls ``TableEngine.put`` itself, as this would (no condition to
        report), with ``plain`` telling the engine every value is S, N or BOOL.

        Returns:
            The replaced item, frozen (None: there was none).
        """
        try:
            if exprs is None:
                return table.put(item, size=size, plain=plain)
            return table.put(
                item, condition=exprs.condition, names=exprs.names, values=exprs.values, size=size
            )
        except ConditionalCheckFailedException as exc:
            raise _failed(exc, on_failure) from None

    def put_item(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """PutItem: store an item, replacing any with its key (condition permitting)."""
        return_values, on_failure, mode, exprs, table, item = self._write_request(
            p, engine, "Item", only_all_old=True
        )
        size = item_size(item)
        old = self.put(table, item, size=size, exprs=exprs, on_failure=on_failure)
        old_size = 0 if old is None else frozen_size(old)
        attributes = thaw(old) if return_values == "ALL_OLD" and old is not None else None
        out = write_response(attributes, mode, table, write_units(old_size, size))
        amend_write(out, p, mode, table, old, item)  # rule H.12
        return out

    def update_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """UpdateItem: apply an UpdateExpression, creating the item if needed."""
        return_values, on_failure, mode, exprs, table, key = self._write_request(
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
            raise _failed(exc, on_failure) from None
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
        units = write_units(item_size(old) if old else 0, item_size(new) if new else 0)
        out = write_response(attributes, mode, table, units)
        amend_write(out, p, mode, table, old, new, key)  # rule H.12
        return out

    def delete_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """DeleteItem: remove the item with a key (condition permitting); a missing one is fine."""
        return_values, on_failure, mode, exprs, table, key = self._write_request(
            p, engine, "Key", only_all_old=True
        )
        try:
            old = table.delete(
                key, condition=exprs.condition, names=exprs.names, values=exprs.values
            )
        except ConditionalCheckFailedException as exc:
            raise _failed(exc, on_failure) from None
        old_size = 0 if old is None else frozen_size(old)
        attributes = thaw(old) if return_values == "ALL_OLD" and old is not None else None
        out = write_response(attributes, mode, table, write_units(old_size, 0))
        amend_write(out, p, mode, table, old, None, key)  # rule H.12
        return out

    # --- reads ----------------------------------------------------------------------------------

    def get_item(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """GetItem: the item with a key, projected; ``{}`` when there is none."""
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        consistent = check_bool(p, "ConsistentRead", False)
        exprs = Expressions(p, legacy="GetItem")
        table = self._table(p, engine)
        key = p.get("Key")
        if not isinstance(key, dict):
            raise ValidationException("Invalid type for parameter Key: expected a map")
        item = table.get(*table.key_of_key(key))
        out: dict[str, Any] = {}
        if item is not None:
            out["Item"] = exprs.project(item)
        size = item_size(item) if item is not None else 0
        used = capacity(mode, table.name, read_units(size, consistent), "Read")
        if used is not None:
            out["ConsumedCapacity"] = used
        return out

    def query(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """Query: the items of one partition in sort-key order, paged, filtered, projected."""
        enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        if p.get("KeyConditionExpression") is None and p.get("KeyConditions") is None:
            raise ValidationException(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                "in the request."
            )
        exprs = Expressions(p, legacy="Query")
        chosen = select(p, exprs)
        limit = check_limit(p)
        forward = check_bool(p, "ScanIndexForward", True)
        consistent = check_bool(p, "ConsistentRead", False)
        table = self._table(p, engine)
        if p.get("IndexName") is not None:  # rule H.10
            return index_query(
                p, table, exprs, chosen, limit, forward=forward, consistent=consistent
            )
        assert exprs.key is not None
        kc = resolve_key_condition(
            exprs.key, exprs.names, exprs.values, table.hash_key, table.range_key
        )
        if exprs.filter is not None:
            keys = (
                (table.hash_key,) if table.range_key is None else (table.hash_key, table.range_key)
            )
            check_filter_keys(exprs.filter, exprs.names, keys)
        candidates = query_candidates(table, kc, forward=forward, start=p.get("ExclusiveStartKey"))
        return page_response(p, table, candidates, exprs, chosen, limit, consistent)

    def scan(self, p: Mapping[str, Any], engine: TableEngine | None = None) -> dict[str, Any]:
        """Scan: every item in partition-hash order, paged, filtered, projected, segmented."""
        enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        exprs = Expressions(p, legacy="Scan")
        chosen = select(p, exprs)
        limit = check_limit(p)
        consistent = check_bool(p, "ConsistentRead", False)
        lo, hi = segment_bounds(p.get("Segment"), p.get("TotalSegments"))
        table = self._table(p, engine)
        if p.get("IndexName") is not None:  # rule H.10
            return index_scan(
                p, table, exprs, chosen, limit, bounds=(lo, hi), consistent=consistent
            )
        candidates = scan_candidates(table, lo, hi, start=p.get("ExclusiveStartKey"))
        return page_response(p, table, candidates, exprs, chosen, limit, consistent)

    # --- batches --------------------------------------------------------------------------------

    def batch_write_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """BatchWriteItem: up to 25 puts and deletes, each applied as PutItem / DeleteItem."""
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        request_items = p.get("RequestItems")
        if not isinstance(request_items, Mapping) or not request_items:
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
        check_batch_write_size(request_items)
        plan = BatchWritePlan()
        for table_name, requests in request_items.items():
            plan.table(self.tables.resolve(table_name))
            for request in requests:
                plan.add(*write_request(request))
        changes: list[Any] = []
        used = batch_write(plan.writes, changes)
        out: dict[str, Any] = {"UnprocessedItems": {}}
        if mode != "NONE":
            out["ConsumedCapacity"] = capacity_list(mode, used, "Write")
        amend_batch(out, p, mode, changes)  # rule H.12
        return out

    def batch_get_item(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """BatchGetItem: up to 100 keys across tables; missing items are simply absent."""
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        request_items = p.get("RequestItems")
        if not isinstance(request_items, Mapping) or not request_items:
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
        check_batch_get_size(request_items)
        plan: list[tuple[TableEngine, Expressions, bool, list[tuple[Any, Any]]]] = []
        for table_name, spec in request_items.items():
            exprs = Expressions(spec, legacy="BatchGetItem")
            consistent = check_bool(spec, "ConsistentRead", False)
            table = self.tables.resolve(table_name)
            plan.append((table, exprs, consistent, key_list(table, spec["Keys"])))
        responses: dict[str, list[Item]] = {}
        used: list[Any] = []
        for table, exprs, consistent, idents in plan:
            got, units = batch_get(table, idents, exprs.project, consistent)
            responses[table.name] = got
            shown = capacity(mode, table.name, units, "Read")
            if shown is not None:
                used.append(shown)
        out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": {}}
        if used:
            out["ConsumedCapacity"] = used
        return out


OPERATIONS: dict[str, Operation] = {
    "PutItem": DataPlane.put_item,
    "GetItem": DataPlane.get_item,
    "UpdateItem": DataPlane.update_item,
    "DeleteItem": DataPlane.delete_item,
    "Query": DataPlane.query,
    "TransactGetItems": Transactions.transact_get_items,
    "Scan": DataPlane.scan,
    "BatchWriteItem": DataPlane.batch_write_item,
    "BatchGetItem": DataPlane.batch_get_item,
    "TransactWriteItems": Transactions.transact_write_items,
}
