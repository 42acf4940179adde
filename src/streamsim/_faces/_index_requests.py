"""CreateTable's and UpdateTable's secondary index definitions, checked as DynamoDB checks them.

:func:`create_table_indexes` reads ``GlobalSecondaryIndexes`` and ``LocalSecondaryIndexes``
into :class:`~streamsim._dynamodb._indexes.IndexDef` values and checks them with the table's key
schema and attribute definitions; :func:`check_definitions_used` checks that every key attribute
is defined and every definition used; :func:`gsi_updates` reads UpdateTable's
``GlobalSecondaryIndexUpdates``.

AWS behaviour: rule H.8 (limits, names, projections, LSI key schemas, throughput per billing
mode), H.11 (one index created or deleted per UpdateTable).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from streamsim._dynamodb._indexes import (
    MAX_GSIS,
    MAX_LSIS,
    MAX_PROJECTED_ATTRIBUTES,
    PROJECTION_TYPES,
    IndexDef,
)
from streamsim._errors import LimitExceededException, ValidationException

from ._table_requests import enum_error, invalid, key_schema

INDEX_NAME_RE = re.compile(r"[a-zA-Z0-9_.-]+")  # rule H.8 IndexName pattern
MIN_INDEX_NAME_CHARS, MAX_INDEX_NAME_CHARS = 3, 255  # rule H.8 IndexName: 3-255 characters


def _index_name(name: Any, where: str) -> str:
    if not isinstance(name, str):
        raise ValidationException(
            f"1 validation error detected: Value null at '{where}.indexName' failed to satisfy "
            "constraint: Member must not be null"
        )
    if len(name) > MAX_INDEX_NAME_CHARS:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at '{where}.indexName' failed to "
            f"satisfy constraint: Member must have length less than or equal to "
            f"{MAX_INDEX_NAME_CHARS}"
        )
    if len(name) < MIN_INDEX_NAME_CHARS:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at '{where}.indexName' failed to "
            "satisfy constraint: Member must have length greater than or equal to 3"
        )
    if not INDEX_NAME_RE.fullmatch(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at '{where}.indexName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )
    return name


def _projection(spec: Any, where: str) -> tuple[str, tuple[str, ...]]:
    if not isinstance(spec, Mapping):
        raise ValidationException(
            f"1 validation error detected: Value null at '{where}.projection' failed to "
            "satisfy constraint: Member must not be null"
        )
    kind = spec.get("ProjectionType")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind not in PROJECTION_TYPES:
        raise enum_error(kind, f"{where}.projection.projectionType", PROJECTION_TYPES)
    non_key = spec.get("NonKeyAttributes")
    if kind == "INCLUDE":
        if not non_key:
            raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
        names = [str(n) for n in non_key]
        duplicate = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if duplicate is not None:
            raise invalid(f"Duplicate NonKeyAttribute: {duplicate}")
        return str(kind), tuple(names)
    if non_key is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    return str(kind), ()


def _index_throughput(
    spec: Mapping[str, Any], name: str, billing: str
) -> tuple[int, int, dict[str, int] | None]:
    given = spec.get("ProvisionedThroughput")
    if billing == "PAY_PER_REQUEST":
        if given is not None:
            raise invalid(
                f"ProvisionedThroughput should not be specified for index: {name} when "
                "BillingMode is PAY_PER_REQUEST"
            )
        on_demand = spec.get("OnDemandThroughput")
        return 0, 0, dict(on_demand) if isinstance(on_demand, Mapping) else None
    if not isinstance(given, Mapping):
        raise invalid(f"ProvisionedThroughput must be specified for index: {name}")
    units: list[int] = []
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = given.get(member)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationException(
                f"1 validation error detected: Value '{value}' at "
                f"'globalSecondaryIndexes.provisionedThroughput.{member[:1].lower()}"
                f"{member[1:]}' failed to satisfy constraint: Member must have value greater "
                "than or equal to 1"
            )
        units.append(value)
    return units[0], units[1], None


def _definition(
    spec: Any, where: str, *, is_global: bool, types: Mapping[str, str], billing: str
) -> IndexDef:
    if not isinstance(spec, Mapping):
        raise ValidationException(f"{where} must be a map")
    name = _index_name(spec.get("IndexName"), where)
    (hash_key, _), range_pair = key_schema(spec.get("KeySchema"))
    kind, non_key = _projection(spec.get("Projection"), where)
    read_units = write_units = 0
    on_demand = None
    if is_global:
        read_units, write_units, on_demand = _index_throughput(spec, name, billing)
    range_key = range_pair[0] if range_pair else None
    return IndexDef(
        name=name,
        is_global=is_global,
        hash_key=hash_key,
        hash_type=types.get(hash_key, "S"),
        range_key=range_key,
        range_type=types.get(range_key, "S") if range_key is not None else None,
        projection=kind,
        non_key=non_key,
        read_units=read_units,
        write_units=write_units,
        on_demand=on_demand,
    )


def create_table_indexes(
    p: Mapping[str, Any],
    types: Mapping[str, str],
    hash_key: str,
    range_key: str | None,
    billing: str,
) -> list[IndexDef]:
    """The secondary indexes a CreateTable request declares, checked (rule H.8).

    Raises:
        ValidationException: an index definition DynamoDB rejects, with DynamoDB's message.
    """
    out: list[IndexDef] = []
    for member, is_global in (("LocalSecondaryIndexes", False), ("GlobalSecondaryIndexes", True)):
        specs = p.get(member)
        if specs is None:
            continue
        if not isinstance(specs, (list, tuple)) or not specs:
            raise invalid(f"List of {member} is empty")
        where = member[:1].lower() + member[1:]
        if not is_global:
            if range_key is None:
                raise invalid(
                    "Table KeySchema does not have a range key, which is required when "
                    "specifying a LocalSecondaryIndex"
                )
            if len(specs) > MAX_LSIS:
                raise invalid(
                    f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}"
                )
        elif len(specs) > MAX_GSIS:
            raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}")
        for position, spec in enumerate(specs, start=1):
            definition = _definition(
                spec,
                f"{where}.{position}.member",
                is_global=is_global,
                types=types,
                billing=billing,
            )
            if not is_global:
                if definition.hash_key != hash_key:
                    raise invalid(
                        "Index KeySchema does not have the same leading hash key as table "
                        f"KeySchema for index: {definition.name}. index hash key: "
                        f"{definition.hash_key}, table hash key: {hash_key}"
                    )
                if definition.range_key is None:
                    raise invalid(
                        f"Index KeySchema does not have a range key for index: {definition.name}"
                    )
            if any(d.name == definition.name for d in out):
                raise invalid(f"Duplicate index name: {definition.name}")
            out.append(definition)
    projected = sum(len(d.non_key) for d in out)
    if projected > MAX_PROJECTED_ATTRIBUTES:
        raise invalid(
            "Number of projected attributes in all indexes exceeds limit of "
            f"{MAX_PROJECTED_ATTRIBUTES}, number of projected attributes: {projected}"
        )
    return out


def check_definitions_used(
    types: Mapping[str, str], table_keys: Sequence[str], indexes: Sequence[IndexDef]
) -> None:
    """Every key attribute (table's and indexes') is defined, and every definition is used.

    Raises:
        ValidationException: with DynamoDB's message (rule H.8).
    """
    keys = list(dict.fromkeys([*table_keys, *(n for d in indexes for n in d.key_names)]))
    if any(k not in types for k in keys):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: "
            f"[{', '.join(keys)}], AttributeDefinitions: [{', '.join(types)}]"
        )
    if len(types) != len(keys):
        if not indexes:
            raise invalid(
                "Number of attributes in KeySchema does not exactly match number of attributes "
                "defined in AttributeDefinitions"
            )
        raise invalid(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: "
            f"[{', '.join(types)}], keys used: [{', '.join(keys)}]"
        )


def gsi_updates(
    updates: Any, types: Mapping[str, str], billing: str
) -> tuple[list[IndexDef], list[str], list[tuple[str, Mapping[str, Any]]]]:
    """UpdateTable's ``GlobalSecondaryIndexUpdates``: ``(creates, deletes, updates)``.

    Raises:
        ValidationException: a malformed action, or an index definition DynamoDB rejects.
        LimitExceededException: more than one index created or deleted (rule H.11).
    """
    creates: list[IndexDef] = []
    deletes: list[str] = []
    changes: list[tuple[str, Mapping[str, Any]]] = []
    if not isinstance(updates, (list, tuple)):
        raise ValidationException("GlobalSecondaryIndexUpdates must be a list")
    for position, update in enumerate(updates, start=1):
        where = f"globalSecondaryIndexUpdates.{position}.member"
        actions = (
            [k for k in ("Create", "Delete", "Update") if update.get(k) is not None]
            if isinstance(update, Mapping)
            else []
        )
        if len(actions) != 1:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update "
                "or GlobalSecondaryIndexUpdate.Delete must be specified"
            )
        assert isinstance(update, Mapping)
        action, spec = actions[0], update[actions[0]]
        if action == "Create":
            creates.append(
                _definition(spec, f"{where}.create", is_global=True, types=types, billing=billing)
            )
        elif action == "Delete":
            deletes.append(_index_name(spec.get("IndexName"), f"{where}.delete"))
        else:
            changes.append((_index_name(spec.get("IndexName"), f"{where}.update"), spec))
    if len(creates) + len(deletes) > 1:
        raise LimitExceededException(
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table"
        )
    names = [*(d.name for d in creates), *deletes, *(n for n, _ in changes)]
    duplicate = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if duplicate is not None:
        raise invalid(
            f"Only one global secondary index update per index is allowed simultaneously. "
            f"Index: {duplicate}"
        )
    return creates, deletes, changes
