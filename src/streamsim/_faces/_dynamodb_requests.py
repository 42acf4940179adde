"""Reading a DynamoDB data-plane request: parameter checks and canonical values, for both faces.

Each face turns its input into canonical DynamoDB JSON (the client from DynamoDB JSON, the Table
face from plain Python values) with :func:`convert_request`, and its results back with
:func:`convert_response`.  The checks AWS makes on the service side before touching a table
live here once: allowed ``ReturnValues`` and the other enums, legacy parameters, expression
syntax and placeholders across all expressions of a request (:class:`Expressions`), ``Limit``,
``Select`` and the shape of batch requests.

AWS behaviour: DynamoDB API Reference for each operation; the legacy parameters are read by
:mod:`._legacy` (rules H.30 to H.33).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from streamsim._dynamodb._expressions import (
    Condition,
    KeyConditionAST,
    Projection,
    UpdateExpression,
    check_placeholders,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
    project,
)
from streamsim._dynamodb._expressions._ast import Path
from streamsim._dynamodb._expressions._legacy import check_attribute_name
from streamsim._errors import ValidationException
from streamsim._items import (
    AttributeValue,
    Item,
    python_to_item,
    python_to_value,
    wire_to_item,
    wire_to_value,
)

from ._legacy import LegacyParts, check_mix, convert_legacy

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
RETURN_VALUES_ON_FAILURE = ("ALL_OLD", "NONE")
RETURN_CONSUMED_CAPACITY = ("INDEXES", "TOTAL", "NONE")
RETURN_ITEM_COLLECTION_METRICS = ("SIZE", "NONE")
SELECT_VALUES = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")

#: The operations with legacy parameters holding attribute values (rules H.30-H.33)
_LEGACY_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"})

#: Converts an item or key of a request into canonical form: ``(value, parameter path)``.
ItemFn = Callable[[Any, str], Item]
#: Converts one ExpressionAttributeValues value: ``(value, placeholder)``.
ValueFn = Callable[[Any, str], AttributeValue]
#: Converts a canonical item of a response for the face (copy it, or make Python values).
OutFn = Callable[[Item], Any]


# --- small validators --------------------------------------------------------------------------


def camel(member: str) -> str:
    """A parameter name as AWS's validation messages spell it (``TableName`` -> ``tableName``)."""
    return member[:1].lower() + member[1:]


def enum_error(value: Any, member: str, allowed: Sequence[str]) -> ValidationException:
    """The ValidationException for a value outside an enum."""
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{camel(member)}' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def enum(p: Mapping[str, Any], member: str, allowed: Sequence[str], default: str) -> str:
    """The enum parameter ``member`` of ``p`` (``default`` when absent), checked."""
    value = p.get(member)
    if value is None:
        return default
    if value not in allowed:
        raise enum_error(value, member, allowed)
    return str(value)


def check_limit(p: Mapping[str, Any]) -> int | None:
    """The ``Limit`` parameter (None when absent), checked: an int of at least 1."""
    limit = p.get("Limit")
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit


def check_bool(p: Mapping[str, Any], member: str, default: bool) -> bool:
    """A boolean parameter (``default`` when absent), checked."""
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
        check_attribute_name(name)
        seen.add(name)
    return Projection(
        expression=", ".join(names),
        paths=tuple(Path((name,)) for name in names),
        names=frozenset(),
        refs=(),
    )


def _expression(p: Mapping[str, Any], member: str) -> str | None:
    value = p.get(member)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationException(
            f"Invalid type for parameter {member}, value: {value}, type: {type(value)}, "
            "valid types: <class 'str'>"
        )
    return value


class Expressions:
    """The parsed expressions of one request (or one transaction action), placeholders checked."""

    __slots__ = ("condition", "filter", "key", "names", "projection", "update", "values")

    def __init__(
        self, p: Mapping[str, Any], *, attributes_to_get: bool = False, legacy: str | None = None
    ) -> None:
        # legacy: the operation, whose legacy parameters are read (rule H.30)
        uses_legacy = legacy is not None and check_mix(p, legacy)
        if uses_legacy:
            attributes_to_get = legacy in ("GetItem", "BatchGetItem", "Query", "Scan")
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
        if uses_legacy:
            assert legacy is not None
            self._add_legacy(LegacyParts(p, legacy))

    def _add_legacy(self, parts: LegacyParts) -> None:
        self.update = parts.update or self.update
        self.condition = parts.condition or self.condition
        self.filter = parts.filter or self.filter
        self.key = parts.key or self.key
        if parts.names:
            self.names = {**(self.names or {}), **parts.names}
            self.values = {**(self.values or {}), **parts.values}

    def project(self, item: Item) -> Item:
        """``item`` as the request's projection shows it (shared values)."""
        if self.projection is None:
            return item
        return project(self.projection, item, self.names)


# --- request / response conversion --------------------------------------------------------------


def wire_item(value: Any, what: str) -> Item:
    """Client face: an item or key in DynamoDB JSON, validated and made canonical."""
    return wire_to_item(value, what=what)


def wire_value(value: Any, placeholder: str) -> AttributeValue:
    """Client face: one ExpressionAttributeValues value, with DynamoDB's message prefix."""
    try:
        return wire_to_value(value, what=f"ExpressionAttributeValues.{placeholder}")
    except ValidationException as exc:
        if exc.message.startswith("Invalid type for parameter"):
            raise
        raise ValidationException(
            f"ExpressionAttributeValues contains invalid value: {exc.message} for key {placeholder}"
        ) from None


def python_item(value: Any, what: str) -> Item:
    """Table face: an item or key of Python values, made canonical (boto3's serializer rules)."""
    return python_to_item(value)


def python_value(value: Any, placeholder: str) -> AttributeValue:
    """Table face: one ExpressionAttributeValues value of Python values, made canonical."""
    return python_to_value(value)


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


class InvalidItem:
    """A TransactWriteItems Put's item that DynamoDB rejects for its content (rule H.4).

    Such an item cancels the transaction (a ``ValidationError`` reason at its index) instead of
    failing the request, so conversion keeps the error in the item's place.
    """

    __slots__ = ("error",)

    def __init__(self, error: ValidationException) -> None:
        self.error = error

    def __repr__(self) -> str:
        return f"InvalidItem({self.error.message!r})"


def is_item_content_error(error: ValidationException) -> bool:
    """Whether ``error`` is about an item's content (sets, sizes, numbers, nesting), not about
    the request's syntax (a malformed or mistyped AttributeValue, text that is not UTF-8 and so
    could not have been sent)."""
    message = error.message
    return not (
        message.startswith(("Supplied AttributeValue", "Invalid type", "Parameter"))
        or "not valid UTF-8" in message
    )


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
    if operation in _LEGACY_OPERATIONS:
        convert_legacy(p, item_fn)
    if operation == "BatchWriteItem":
        p["RequestItems"] = _convert_batch_write(p.get("RequestItems"), item_fn)
    elif operation == "BatchGetItem":
        p["RequestItems"] = _convert_batch_get(p.get("RequestItems"), item_fn)
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        actions = p.get("TransactItems")
        if isinstance(actions, (list, tuple)):
            converted: list[Any] = []
            for index, entry in enumerate(actions):
                if not isinstance(entry, Mapping):
                    converted.append(entry)
                    continue
                new_entry = dict(entry)
                for kind in ("ConditionCheck", "Put", "Delete", "Update", "Get"):
                    action = entry.get(kind)
                    if isinstance(action, Mapping):
                        where = f"TransactItems[{index}].{kind}"
                        try:
                            new_entry[kind] = _convert_action(action, item_fn, value_fn, where)
                        except ValidationException as exc:
                            if kind != "Put" or not is_item_content_error(exc):
                                raise
                            new_entry[kind] = {**action, "Item": InvalidItem(exc)}
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
    if isinstance(responses, list):  # TransactGetItems: [{"Item": ...} or {}, ...]
        result["Responses"] = [
            {"Item": out_fn(entry["Item"])} if "Item" in entry else {} for entry in responses
        ]
    elif responses is not None:  # BatchGetItem: {table: [item, ...]}
        result["Responses"] = {t: [out_fn(i) for i in got] for t, got in responses.items()}
    return result


def write_request(request: Any) -> tuple[str, Item]:
    """A BatchWriteItem WriteRequest as ``(PutRequest|DeleteRequest, Item or Key)``, checked."""
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
            f"1 validation error detected: Value null at '{camel(kind)}.{camel(member)}' "
            "failed to satisfy constraint: Member must not be null"
        )
    return kind, item


def select(p: Mapping[str, Any], exprs: Expressions) -> str:
    """The ``Select`` of a Query or Scan, checked against its projection."""
    chosen = p.get("Select")
    projected = exprs.projection is not None
    what = "AttributesToGet" if p.get("AttributesToGet") is not None else "ProjectionExpression"
    if chosen is None:
        return "SPECIFIC_ATTRIBUTES" if projected else "ALL_ATTRIBUTES"
    if chosen not in SELECT_VALUES:
        raise enum_error(chosen, "Select", SELECT_VALUES)
    if chosen == "ALL_PROJECTED_ATTRIBUTES":
        raise ValidationException(
            "One or more parameter values were invalid: Select type "
            "ALL_PROJECTED_ATTRIBUTES is supported only for Query and Scan on an index "
            "(IndexName)"
        )
    if chosen == "SPECIFIC_ATTRIBUTES" and not projected:
        raise ValidationException(
            "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES "
            "requires AttributesToGet or ProjectionExpression"
        )
    if chosen == "ALL_ATTRIBUTES" and projected:
        raise ValidationException(f"Cannot specify the {what} when choosing to get ALL_ATTRIBUTES")
    if chosen == "COUNT" and projected:
        raise ValidationException(f"Cannot specify the {what} when choosing to get only the Count")
    return str(chosen)


def no_index(p: Mapping[str, Any]) -> None:
    """Reject an ``IndexName``: streamsim simulates no secondary indexes."""
    index = p.get("IndexName")
    if index is not None:
        raise ValidationException(f"The table does not have the specified index: {index}")
