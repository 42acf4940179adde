"""UpdateTable's ``GlobalSecondaryIndexUpdates``: create, delete and update a table's GSIs.

Checks the request as DynamoDB does, then calls the model (``_dynamodb._index_admin``), which
runs each index's lifecycle over virtual time, and keeps the table's AttributeDefinitions to
the attributes its keys and indexes use.

AWS behaviour: rule H.8 (definitions), H.11 (lifecycle, one create or delete per call).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._clock import Clock
from streamsim._dynamodb._catalog import TableMeta
from streamsim._dynamodb._index_admin import create_gsi, delete_gsi
from streamsim._dynamodb._indexes import MAX_GSIS
from streamsim._dynamodb._table import TableEngine
from streamsim._errors import ResourceNotFoundException, ValidationException

from ._index_requests import gsi_updates
from ._table_requests import attribute_definitions, invalid, throughput


def update_gsis(
    engine: TableEngine, meta: TableMeta, p: Mapping[str, Any], billing: str, clock: Clock
) -> None:
    """Apply an UpdateTable's ``GlobalSecondaryIndexUpdates`` to ``engine`` (rule H.11).

    Raises:
        ValidationException: a bad action, an undefined key attribute, an existing name.
        ResourceNotFoundException: an unknown index to update or delete.
        LimitExceededException: more than one index created or deleted at once.
    """
    types = dict(meta.attribute_definitions)
    given = p.get("AttributeDefinitions")
    if given is not None:
        for name, kind in attribute_definitions(given).items():
            if name in types and types[name] != kind:
                raise invalid(
                    f"Cannot change the type of attribute {name} from {types[name]} to {kind}"
                )
            types[name] = kind
    creates, deletes, changes = gsi_updates(p["GlobalSecondaryIndexUpdates"], types, billing)
    indexes = engine.indexes
    existing = {i.name: i for i in indexes} if indexes is not None else {}
    for definition in creates:
        missing = [k for k in definition.key_names if k not in types]
        if missing:
            raise invalid(
                "Some index key attributes are not defined in AttributeDefinitions. Keys: "
                f"[{', '.join(definition.key_names)}], AttributeDefinitions: "
                f"[{', '.join(types)}]"
            )
        if definition.name in existing:
            raise ValidationException("Attempting to create an index which already exists")
        if sum(1 for i in existing.values() if i.definition.is_global) >= MAX_GSIS:
            raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}")
    for name in [*deletes, *(n for n, _ in changes)]:
        index = existing.get(name)
        if index is None or not index.definition.is_global:
            raise ResourceNotFoundException(
                f"Requested resource not found: Index: {name} not found for table {engine.name}"
            )
    updated: list[tuple[Any, int, int, Any]] = []
    for name, spec in changes:
        read_units, write_units = throughput(billing, spec.get("ProvisionedThroughput"))
        on_demand = spec.get("OnDemandThroughput")
        updated.append((existing[name].definition, read_units, write_units, on_demand))
    for name in deletes:
        delete_gsi(engine, name, clock)
    for definition in creates:
        create_gsi(engine, definition, clock)
    for definition, read_units, write_units, on_demand in updated:
        definition.read_units, definition.write_units = read_units, write_units
        if isinstance(on_demand, Mapping):
            definition.on_demand = dict(on_demand)
    used = {engine.hash_key, *([engine.range_key] if engine.range_key else [])}
    for index in engine.indexes or ():
        if index.status != "DELETING":
            used.update(index.definition.key_names)
    meta.attribute_definitions = [(n, t) for n, t in types.items() if n in used]


def check_billing_switch(
    engine: TableEngine, meta: TableMeta, p: Mapping[str, Any], billing: str
) -> None:
    """A switch to PROVISIONED must give every GSI its throughput (rule H.8).

    Raises:
        ValidationException: a GSI left without ``ProvisionedThroughput`` in an ``Update``.
    """
    if billing != "PROVISIONED" or meta.billing_mode == "PROVISIONED" or engine.indexes is None:
        return
    given = {
        update["Update"].get("IndexName")
        for update in p.get("GlobalSecondaryIndexUpdates") or ()
        if isinstance(update, Mapping)
        and isinstance(update.get("Update"), Mapping)
        and update["Update"].get("ProvisionedThroughput") is not None
    }
    for index in engine.indexes.live():
        if index.definition.is_global and index.name not in given:
            raise invalid(f"ProvisionedThroughput must be specified for index: {index.name}")
