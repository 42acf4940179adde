"""The transactions of the DynamoDB data plane: TransactWriteItems and TransactGetItems.

A mixin of :class:`~._dynamodb_data.DataPlane` (which owns ``tables`` and ``tokens``): it turns a
request's actions into the model's :class:`~streamsim._dynamodb._transactions.TransactAction`
values and applies them all or none (rule C.4, H.4), or reads up to 100 items as one snapshot
(rule H.7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._dynamodb._capacity import read_units
from streamsim._dynamodb._catalog import TableCatalog
from streamsim._dynamodb._table import TableEngine
from streamsim._dynamodb._transactions import (
    ACTION_KINDS,
    MAX_TOKEN_CHARS,
    MAX_TRANSACT_ACTIONS,
    IdempotencyTokens,
    TransactAction,
    check_transaction_size,
    transact,
)
from streamsim._errors import TransactionCanceledException, ValidationException
from streamsim._items import copy_item, item_size

from ._dynamodb_requests import (
    RETURN_CONSUMED_CAPACITY,
    RETURN_ITEM_COLLECTION_METRICS,
    RETURN_VALUES_ON_FAILURE,
    Expressions,
    InvalidItem,
    camel,
    enum,
)
from ._dynamodb_responses import capacity_list
from ._index_responses import amend_batch


class Transactions:
    """TransactWriteItems and TransactGetItems over ``tables`` (see :class:`DataPlane`)."""

    tables: TableCatalog
    tokens: IdempotencyTokens

    def transact_write_items(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """TransactWriteItems: up to 100 actions on distinct items, all applied or none."""
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        enum(p, "ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS, "NONE")
        entries = transact_items(p)
        token = p.get("ClientRequestToken")
        if isinstance(token, str) and len(token) > MAX_TOKEN_CHARS:
            raise ValidationException(
                f"1 validation error detected: Value '{token}' at 'clientRequestToken' failed "
                f"to satisfy constraint: Member must have length less than or equal to "
                f"{MAX_TOKEN_CHARS}"
            )
        fingerprint = repr(
            sorted((k, repr(v)) for k, v in p.items() if k != "ReturnConsumedCapacity")
        )
        if self.tokens.seen(token, fingerprint):
            return {}
        actions: list[TransactAction] = []
        on_failure: list[str] = []
        for index, entry in enumerate(entries):
            kinds = (
                [k for k in ACTION_KINDS if entry.get(k) is not None]
                if isinstance(entry, Mapping)
                else []
            )
            if len(kinds) != 1:
                raise ValidationException(
                    "TransactItems can only contain one of Check, Put, Update or Delete"
                )
            kind = kinds[0]
            action, failure = self._transact_action(index, kind, entry[kind])
            actions.append(action)
            on_failure.append(failure)
        changes: list[Any] = []
        try:
            used = transact(actions, changes)
        except TransactionCanceledException as exc:
            reasons: list[dict[str, Any]] = []
            for reason, failure in zip(exc.cancellation_reasons, on_failure, strict=True):
                shown = {k: v for k, v in reason.items() if k != "Item"}
                if failure == "ALL_OLD" and reason.get("Item") is not None:
                    shown["Item"] = copy_item(reason["Item"])
                reasons.append(shown)
            raise TransactionCanceledException(exc.message, cancellation_reasons=reasons) from None
        self.tokens.remember(token, fingerprint)
        out: dict[str, Any] = {}
        if mode != "NONE":
            out["ConsumedCapacity"] = capacity_list(mode, used, "Write")
        amend_batch(out, p, mode, changes, factor=2)  # rule H.12
        return out

    def transact_get_items(
        self, p: Mapping[str, Any], engine: TableEngine | None = None
    ) -> dict[str, Any]:
        """TransactGetItems: up to 100 Gets on distinct items, read as one snapshot (rule H.7).

        Each response entry is ``{"Item": ...}`` (projected) or ``{}`` for a missing item, in
        request order; a transactional read costs two read units per 4 KB read.
        """
        mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
        entries = transact_items(p)
        plan: list[tuple[TableEngine, Expressions, Any, Any]] = []
        seen: set[tuple[str, Any, Any]] = set()
        for index, entry in enumerate(entries):
            spec = entry.get("Get") if isinstance(entry, Mapping) else None
            for member in ("TableName", "Key"):
                if not isinstance(spec, Mapping) or spec.get(member) is None:
                    raise ValidationException(
                        "1 validation error detected: Value null at "
                        f"'transactItems.{index + 1}.member.get.{camel(member)}' failed to "
                        "satisfy constraint: Member must not be null"
                    )
            assert isinstance(spec, Mapping)
            exprs = Expressions(spec)
            table = self.tables.resolve(spec["TableName"])
            hv, rv = table.key_of_key(spec["Key"])
            if (table.name, hv, rv) in seen:
                raise ValidationException(
                    "Transaction request cannot include multiple operations on one item"
                )
            seen.add((table.name, hv, rv))
            plan.append((table, exprs, hv, rv))
        responses: list[dict[str, Any]] = []
        used: dict[str, int] = {}
        total = 0
        for table, exprs, hv, rv in plan:
            item = table.get(hv, rv)
            responses.append({} if item is None else {"Item": exprs.project(item)})
            size = 0 if item is None else item_size(item)
            total += size
            used[table.name] = used.get(table.name, 0) + 2 * int(read_units(size, True))
        check_transaction_size(total)
        out: dict[str, Any] = {"Responses": responses}
        if mode != "NONE":
            out["ConsumedCapacity"] = capacity_list(mode, used, "Read")
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
                    f"'transactItems.{index + 1}.member.{camel(kind)}."
                    f"{camel(member)}' failed to satisfy constraint: Member must not be null"
                )
        failure = enum(
            spec, "ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_FAILURE, "NONE"
        )
        exprs = Expressions(spec)
        table = self.tables.resolve(spec["TableName"])
        if kind == "Put":
            item = spec["Item"]
            if isinstance(item, InvalidItem):
                return TransactAction(kind, table, {}, error=item.error), failure
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


def transact_items(p: Mapping[str, Any]) -> list[Any] | tuple[Any, ...]:
    """A transaction's ``TransactItems``: 1 to 100 actions (rule C.4), else ValidationException."""
    entries = p.get("TransactItems")
    if not isinstance(entries, (list, tuple)) or not entries:
        raise ValidationException(
            "1 validation error detected at 'transactItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1."
        )
    if len(entries) > MAX_TRANSACT_ACTIONS:
        raise ValidationException(
            "1 validation error detected at 'transactItems' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_TRANSACT_ACTIONS}."
        )
    return entries
