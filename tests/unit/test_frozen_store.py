"""Frozen items (``streamsim._frozen``): how tables store items and stream records share them.

The rules: a frozen item thaws to an equal, fresh item and carries its size; a table holds only
frozen items, in containers the cyclic GC does not track, and so do the records of its stream;
a record shares the table's frozen item rather than a copy; and freezing changes nothing a user
can see: which writes are changes (spec B.2), SizeBytes (B.6), the event shapes (D.10).
"""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import Any

from hypothesis import given

from streamsim import Binary, Simulation
from streamsim._frozen import freeze, frozen_size, is_plain, thaw
from streamsim._lambda._events import event_record_builder
from streamsim._records import NEW, OLD, record_to_lambda_dict
from streamsim._table import MAX_ORDER_CHARS, MAX_ORDERS
from streamsim._types import item_size, python_to_item, python_to_sized_item
from tests.strategies import python_items


def _table(view: str | None = "NEW_AND_OLD_IMAGES", range_key: str | None = None) -> Any:
    sim = Simulation(seed=1)
    table = sim.create_table("tbl", hash_key="pk", range_key=range_key, stream_view_type=view)
    return sim, table


def _records(table: Any) -> list[Any]:
    return [r for shard in table.stream.all_shards for r in shard.records]


@given(python_items())
def test_frozen_item_thaws_to_an_equal_fresh_item_with_its_size(item: dict[str, Any]) -> None:
    """thaw(freeze(item)) equals the item, shares no container with it, and keeps its size."""
    canonical = python_to_item(item)
    size = item_size(canonical)
    for plain in (False, True):
        frozen = freeze(canonical, size, plain)
        thawed = thaw(frozen)
        assert thawed == canonical
        assert all(thawed[name] is not canonical[name] for name in canonical)
        assert frozen_size(frozen) == size
        assert is_plain(frozen) is plain


@given(python_items())
def test_sized_conversion_finds_the_item_size_and_plainness(item: dict[str, Any]) -> None:
    """python_to_sized_item gives python_to_item's item, its exact size, and plain only
    when no value can hold binary."""
    converted, size, plain = python_to_sized_item(item)
    assert converted == python_to_item(item)
    assert size == item_size(converted)
    if plain:
        assert all(next(iter(av)) in ("S", "N", "BOOL") for av in converted.values())


def test_plain_means_only_strings_numbers_and_booleans() -> None:
    """A binary, a set, a list, a map or a null makes an item not plain (safe default)."""
    assert python_to_sized_item({"a": "x", "n": 1, "d": Decimal("2.5"), "t": True})[2]
    for value in (Binary(b"x"), {"s"}, ["l"], {"m": 1}, None):
        assert not python_to_sized_item({"a": "x", "v": value})[2]


def test_table_keeps_items_frozen_in_containers_the_gc_does_not_track() -> None:
    """Stored items are bytes, and a hash-key table's store is an untracked dict."""
    sim, table = _table()
    for i in range(50):
        table.put_item(Item={"pk": f"k{i}", "v": i, "tags": {"a", "b"}})
    engine = sim._engine("tbl")
    assert all(type(frozen) is bytes for frozen in engine._items.values())
    assert not gc.is_tracked(engine._items)
    assert not gc.is_tracked(engine._pids)


def test_stream_records_are_atomic_tuples_the_gc_stops_tracking() -> None:
    """After one collection, no record of a stream is tracked by the cyclic GC."""
    _, table = _table(range_key="sk")
    for i in range(50):
        table.put_item(Item={"pk": f"k{i % 5}", "sk": str(i), "v": [1, {"m": "x"}]})
        table.delete_item(Key={"pk": f"k{i % 5}", "sk": str(i)})
    gc.collect()
    raws = [r.raw for r in _records(table)]
    assert len(raws) == 100
    assert not any(gc.is_tracked(raw) for raw in raws)


def test_record_images_are_the_tables_frozen_items_shared() -> None:
    """A record's NewImage is the table's stored bytes; the next change's OldImage is the same
    object: each version of an item is frozen once."""
    sim, table = _table()
    table.put_item(Item={"pk": "a", "v": 1})
    table.put_item(Item={"pk": "a", "v": 2})
    first, second = (r.raw for r in _records(table))
    stored = sim._engine("tbl")._items["a"]
    assert second[NEW] is stored
    assert second[OLD] is first[NEW]


def test_put_of_the_same_item_in_another_attribute_order_changes_nothing() -> None:
    """Attribute order is not content: no record, top level or nested (spec B.2)."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "x": 1, "m": {"p": 1, "q": 2}})
    table.put_item(Item={"m": {"q": 2, "p": 1}, "x": 1, "pk": "a"})
    assert [r.event_name for r in _records(table)] == ["INSERT"]


def test_same_sized_change_is_a_change() -> None:
    """A new value of the same size is a MODIFY, even though the bytes have the same length."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "v": "abc"})
    table.put_item(Item={"pk": "a", "v": "abd"})
    table.put_item(Item={"pk": "a", "w": "abd"})
    assert [r.event_name for r in _records(table)] == ["INSERT", "MODIFY", "MODIFY"]


def test_same_item_written_through_both_faces_changes_nothing() -> None:
    """An item frozen as plain (Table face) equals the same item from the client (not known
    plain): the flag is not content."""
    sim, table = _table()
    table.put_item(Item={"pk": "a", "n": 1})
    client = sim.client("dynamodb")
    client.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    client.update_item(
        TableName="tbl",
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    assert [r.event_name for r in _records(table)] == ["INSERT"]


def test_events_are_the_same_whether_or_not_the_item_was_known_plain() -> None:
    """The Lambda event of a plain item and of the same item from the client are equal."""
    sim, table = _table()
    table.put_item(Item={"pk": "a", "n": 1, "s": "x"})
    table.delete_item(Key={"pk": "a"})
    client = sim.client("dynamodb")
    client.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "n": {"N": "1"}, "s": {"S": "x"}})
    stream = sim.streams[0]
    build = event_record_builder(stream)
    insert_plain, remove, insert_client = _records(table)
    assert is_plain(insert_plain.raw[NEW])
    assert not is_plain(insert_client.raw[NEW])
    for record in (insert_plain, remove, insert_client):
        assert build(record.raw) == record_to_lambda_dict(stream, record.raw)
    plain_event = build(insert_plain.raw)["dynamodb"]
    client_event = build(insert_client.raw)["dynamodb"]
    assert plain_event["NewImage"] == client_event["NewImage"]


def test_reads_return_fresh_items() -> None:
    """GetItem, Query and Scan results are thawed copies: changing one changes nothing stored."""
    _, table = _table(view=None)
    table.put_item(Item={"pk": "a", "l": [1, 2], "m": {"k": "v"}})
    got = table.get_item(Key={"pk": "a"})["Item"]
    got["l"].append(3)
    got["m"]["k"] = "changed"
    for item in table.scan()["Items"]:
        item["l"].clear()
    assert table.get_item(Key={"pk": "a"})["Item"] == {"pk": "a", "l": [1, 2], "m": {"k": "v"}}


def test_plain_item_in_another_attribute_order_changes_nothing() -> None:
    """Plain items (strings, numbers, booleans) reordered: no record; changed: a record."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "x": 1, "y": "two"})
    table.put_item(Item={"y": "two", "pk": "a", "x": 1})
    table.put_item(Item={"y": "two", "pk": "a", "x": 2})
    assert [r.event_name for r in _records(table)] == ["INSERT", "MODIFY"]


def test_items_stored_before_the_stream_are_compared_exactly() -> None:
    """Items written while nothing watched the table carry no attribute order; an identical
    rewrite once a stream is on is still no change."""
    _, table = _table(view=None)
    table.put_item(Item={"pk": "a", "x": 1})
    table.put_item(Item={"pk": "b", "x": 1})
    table.enable_stream("NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "x": 1})
    table.put_item(Item={"pk": "b", "x": 2})
    assert [r.event_name for r in _records(table)] == ["MODIFY"]


def test_attribute_orders_take_bounded_memory_and_changes_stay_exact() -> None:
    """A table remembers at most MAX_ORDERS orders and none with very long names; items
    whose order was forgotten, or never numbered, still compare exactly."""
    sim, table = _table()
    engine = sim._engine("tbl")
    table.put_item(Item={"pk": "a", "x": 1})
    for i in range(MAX_ORDERS + 10):  # pushes the order of "a" out
        table.put_item(Item={"pk": f"k{i}", f"attr{i}": 1})
        table.delete_item(Key={"pk": f"k{i}"})
    assert len(engine._orders) == MAX_ORDERS
    long_names = {"pk": "b", "n" * MAX_ORDER_CHARS: 1}
    table.put_item(Item=long_names)
    assert len(engine._orders) == MAX_ORDERS
    table.put_item(Item={"x": 1, "pk": "a"})  # same item, forgotten order: no change
    table.put_item(Item=long_names)  # same item, no order number: no change
    table.put_item(Item={"pk": "a", "x": 2})
    events = [r.event_name for r in _records(table) if r.keys["pk"]["S"] in ("a", "b")]
    assert events == ["INSERT", "INSERT", "MODIFY"]


def test_two_views_of_one_record_are_equal() -> None:
    """shard.records builds new views each time; views of the same record compare equal."""
    _, table = _table()
    table.put_item(Item={"pk": "a"})
    table.put_item(Item={"pk": "b"})
    shard = table.stream.shards[0]
    first, second = shard.records, shard.records
    assert first == second
    assert first[0] is not second[0]
    assert hash(first[0]) == hash(second[0])
    assert first[0] != first[1]
