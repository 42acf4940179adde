"""Adding and deleting a table's global secondary indexes over virtual time (UpdateTable).

A new GSI is CREATING and backfilling for :data:`~._indexes.INDEX_CREATE_MS`, then ACTIVE; a
deleted one shows DELETING for :data:`~._indexes.INDEX_DELETE_MS`, then is gone.  Once a table
has no index left it holds none, and its writes pay nothing for indexes again.

AWS behaviour: rule H.11.
"""

from __future__ import annotations

from streamsim._clock import Clock
from streamsim._errors import ResourceNotFoundException, ValidationException

from ._indexes import INDEX_CREATE_MS, INDEX_DELETE_MS, IndexDef, TableIndexes
from ._table import TableEngine


def table_key_types(engine: TableEngine) -> list[tuple[str, str]]:
    """The table's ``(name, type)`` key attributes, hash first."""
    keys = [(engine.hash_key, engine.hash_type)]
    if engine.range_key is not None:
        keys.append((engine.range_key, engine.range_type))
    return keys


def attach_indexes(engine: TableEngine, definitions: list[IndexDef]) -> None:
    """Give a new table the indexes CreateTable declared (ACTIVE at once); none: nothing."""
    if definitions:
        engine.indexes = TableIndexes(table_key_types(engine), definitions)


def create_gsi(engine: TableEngine, definition: IndexDef, clock: Clock) -> None:
    """Add a GSI: CREATING and backfilling now, ACTIVE after ``INDEX_CREATE_MS`` (rule H.11)."""
    if engine.indexes is None:
        engine.indexes = TableIndexes(table_key_types(engine))
    stored = ((hv, rv, engine.thaw(frozen)) for hv, rv, frozen in engine.iter_frozen())
    engine.indexes.add_index(definition, stored)
    index = engine.indexes.get(definition.name)
    assert index is not None

    def done() -> None:
        if index.status == "CREATING":
            index.status = "ACTIVE"
            index.backfilling = False

    clock.call_later(INDEX_CREATE_MS, done)


def delete_gsi(engine: TableEngine, name: str, clock: Clock) -> None:
    """Delete a GSI: DELETING now (no longer read or written), gone after ``INDEX_DELETE_MS``.

    Raises:
        ResourceNotFoundException: the index is not a GSI of the table.
        ValidationException: it is being deleted.
    """
    indexes = engine.indexes
    index = indexes.get(name) if indexes is not None else None
    if indexes is None or index is None or not index.definition.is_global:
        raise ResourceNotFoundException(
            f"Requested resource not found: Index: {name} not found for table {engine.name}"
        )
    if index.status == "DELETING":
        raise ValidationException(
            f"One or more parameter values were invalid: Index {name} is being deleted"
        )
    index.status = "DELETING"
    index.backfilling = False
    index.clear()

    def gone() -> None:
        if indexes.get(name) is index:
            indexes.drop(name)
        if engine.indexes is indexes and not len(indexes):
            engine.indexes = None

    clock.call_later(INDEX_DELETE_MS, gone)
