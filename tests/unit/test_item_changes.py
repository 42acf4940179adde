"""Item changes (issue 2, point 6; rule B.2, B.4): every successful write that changes data yields
exactly one change; writes that change nothing and rejected writes yield none; the TTL sweep
deletes expired items as the DynamoDB service.

Changes are observed twice: through ``TableEngine.observers`` (old item, new item, TTL flag) and
through the records of a KEYS_ONLY stream.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from streamsim import Simulation, Table
from streamsim._dynamodb._ttl import TTL_MAX_AGE_S, TTLSettings
from streamsim._errors import (
    ConditionalCheckFailedException,
    StreamsimError,
    TransactionCanceledException,
    ValidationException,
)

Change = tuple[Any, Any, bool]


class Recorder:
    """Collects the item changes of a table and the records of its KEYS_ONLY stream."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.changes: list[Change] = []
        table._engine.observers.append(lambda old, new, ttl: self.changes.append((old, new, ttl)))

    def records(self) -> list[Any]:
        stream = self.table.stream
        assert stream is not None
        return [r for shard in stream.all_shards for r in shard.records]

    def events(self) -> list[str]:
        """Event names of the changes, checked to agree with the stream's records."""
        names = [
            "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
            for old, new, _ in self.changes
        ]
        assert [r.event_name for r in self.records()] == names
        return names


@pytest.fixture
def sim() -> Simulation:
    return Simulation(seed=2)


@pytest.fixture
def table(sim: Simulation) -> Table:
    return sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")


@pytest.fixture
def rec(table: Table) -> Recorder:
    return Recorder(table)


@pytest.fixture
def client(sim: Simulation, table: Table) -> Any:
    return sim.client("dynamodb")


# --- writes that change data: exactly one change each ------------------------------------------


def test_put_of_a_new_item_yields_one_insert(table: Table, rec: Recorder) -> None:
    """PutItem of a new key yields one INSERT change (old None, new the item)."""
    table.put_item(Item={"pk": "a", "v": 1})
    assert rec.events() == ["INSERT"]
    assert rec.changes[0][0] is None
    assert rec.changes[0][1] == {"pk": {"S": "a"}, "v": {"N": "1"}}


def test_put_replacing_with_different_content_yields_one_modify(
    table: Table, rec: Recorder
) -> None:
    """PutItem replacing an item with different content yields one MODIFY with both images."""
    table.put_item(Item={"pk": "a", "v": 1, "gone": True})
    table.put_item(Item={"pk": "a", "v": 2})
    assert rec.events() == ["INSERT", "MODIFY"]
    old, new, _ = rec.changes[1]
    assert old == {"pk": {"S": "a"}, "v": {"N": "1"}, "gone": {"BOOL": True}}
    assert new == {"pk": {"S": "a"}, "v": {"N": "2"}}


def test_update_that_changes_data_yields_one_change(table: Table, rec: Recorder) -> None:
    """UpdateItem creating, then modifying, an item yields INSERT then MODIFY."""
    for value in (1, 2):
        table.update_item(
            Key={"pk": "a"}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": value}
        )
    assert rec.events() == ["INSERT", "MODIFY"]


def test_update_without_expression_of_missing_item_yields_insert_of_the_key(
    table: Table, rec: Recorder
) -> None:
    """UpdateItem with no UpdateExpression on a missing key yields an INSERT of just the key."""
    table.update_item(Key={"pk": "a"})
    assert rec.events() == ["INSERT"]
    assert rec.changes[0][1] == {"pk": {"S": "a"}}


def test_delete_of_an_existing_item_yields_one_remove(table: Table, rec: Recorder) -> None:
    """DeleteItem of an existing item yields one REMOVE (new None)."""
    table.put_item(Item={"pk": "a"})
    table.delete_item(Key={"pk": "a"})
    assert rec.events() == ["INSERT", "REMOVE"]
    assert rec.changes[1][1] is None


def test_batch_write_yields_one_change_per_request(table: Table, rec: Recorder) -> None:
    """BatchWriteItem's puts and deletes yield one change each, as PutItem/DeleteItem would."""
    table.put_item(Item={"pk": "old"})
    with table.batch_writer() as batch:
        batch.put_item(Item={"pk": "a"})
        batch.put_item(Item={"pk": "b"})
        batch.delete_item(Key={"pk": "old"})
        batch.delete_item(Key={"pk": "never-there"})
    assert rec.events() == ["INSERT", "INSERT", "INSERT", "REMOVE"]


def test_transaction_yields_one_change_per_changed_item(
    client: Any, table: Table, rec: Recorder
) -> None:
    """TransactWriteItems yields one change per item it changes; ConditionCheck yields none."""
    table.put_item(Item={"pk": "check"})
    table.put_item(Item={"pk": "old"})
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": {"pk": {"S": "new"}}}},
            {"Delete": {"TableName": "orders", "Key": {"pk": {"S": "old"}}}},
            {
                "ConditionCheck": {
                    "TableName": "orders",
                    "Key": {"pk": {"S": "check"}},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        ]
    )
    assert rec.events() == ["INSERT", "INSERT", "INSERT", "REMOVE"]


# --- writes that change nothing: no change -----------------------------------------------------


def test_identical_put_yields_no_change(table: Table, rec: Recorder) -> None:
    """PutItem of an item identical to the stored one yields nothing (rule B.2)."""
    table.put_item(Item={"pk": "a", "v": 1, "s": {"x", "y"}})
    table.put_item(Item={"pk": "a", "v": 1, "s": {"y", "x"}})
    assert rec.events() == ["INSERT"]


def test_put_equal_after_normalisation_yields_no_change(client: Any, rec: Recorder) -> None:
    """Numbers are compared canonically: 1.50 written over 1.5 changes nothing."""
    client.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1.5"}})
    client.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "001.50"}})
    assert rec.events() == ["INSERT"]


def test_identical_update_yields_no_change(table: Table, rec: Recorder) -> None:
    """UpdateItem that sets an attribute to its current value yields nothing."""
    table.put_item(Item={"pk": "a", "v": 1})
    table.update_item(
        Key={"pk": "a"}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": 1}
    )
    table.update_item(Key={"pk": "a"}, UpdateExpression="REMOVE absent_attribute")
    assert rec.events() == ["INSERT"]


def test_update_without_expression_of_existing_item_yields_no_change(
    table: Table, rec: Recorder
) -> None:
    """UpdateItem with no UpdateExpression on an existing item changes nothing."""
    table.put_item(Item={"pk": "a"})
    table.update_item(Key={"pk": "a"})
    assert rec.events() == ["INSERT"]


def test_remove_only_update_of_missing_item_yields_no_change(table: Table, rec: Recorder) -> None:
    """UpdateItem with only REMOVE on a missing key creates nothing and yields nothing."""
    table.update_item(Key={"pk": "a"}, UpdateExpression="REMOVE x")
    assert rec.events() == []
    assert table.item_count == 0


def test_delete_of_a_missing_item_yields_no_change(table: Table, rec: Recorder) -> None:
    """DeleteItem of a missing key succeeds and yields nothing (rule B.2)."""
    table.delete_item(Key={"pk": "nothing"})
    assert rec.events() == []


# --- rejected writes: no change ----------------------------------------------------------------

REJECTED: list[tuple[str, Callable[[Table, Any], Any]]] = [
    (
        "failed put condition",
        lambda t, c: t.put_item(
            Item={"pk": "a", "v": 9}, ConditionExpression="attribute_not_exists(pk)"
        ),
    ),
    (
        "failed update condition",
        lambda t, c: t.update_item(
            Key={"pk": "a"},
            UpdateExpression="SET v = :v",
            ConditionExpression="v = :other",
            ExpressionAttributeValues={":v": 5, ":other": 7},
        ),
    ),
    (
        "failed delete condition",
        lambda t, c: t.delete_item(Key={"pk": "a"}, ConditionExpression="attribute_not_exists(v)"),
    ),
    ("key of wrong type", lambda t, c: t.put_item(Item={"pk": 1})),
    ("oversized item", lambda t, c: t.put_item(Item={"pk": "b", "big": "x" * 410_000})),
    (
        "update of a key attribute",
        lambda t, c: t.update_item(
            Key={"pk": "a"}, UpdateExpression="SET pk = :k", ExpressionAttributeValues={":k": "z"}
        ),
    ),
    (
        "update with a runtime type error",
        lambda t, c: t.update_item(
            Key={"pk": "a"}, UpdateExpression="ADD name :one", ExpressionAttributeValues={":one": 1}
        ),
    ),
    (
        "update growing past 400 KB",
        lambda t, c: t.update_item(
            Key={"pk": "a"},
            UpdateExpression="SET big = :b",
            ExpressionAttributeValues={":b": "x" * 410_000},
        ),
    ),
    (
        "cancelled transaction",
        lambda t, c: c.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "orders", "Item": {"pk": {"S": "fresh"}}}},
                {
                    "ConditionCheck": {
                        "TableName": "orders",
                        "Key": {"pk": {"S": "a"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        ),
    ),
    (
        "batch with duplicate keys",
        lambda t, c: c.batch_write_item(
            RequestItems={
                "orders": [
                    {"PutRequest": {"Item": {"pk": {"S": "x"}}}},
                    {"DeleteRequest": {"Key": {"pk": {"S": "x"}}}},
                ]
            }
        ),
    ),
    ("float value", lambda t, c: t.put_item(Item={"pk": "c", "f": 1.5})),
]


@pytest.mark.parametrize(("what", "call"), REJECTED, ids=[what for what, _ in REJECTED])
def test_rejected_write_yields_no_change(
    what: str, call: Callable[[Table, Any], Any], table: Table, client: Any
) -> None:
    """A rejected write (condition, validation, cancellation) yields no change and no record."""
    table.put_item(Item={"pk": "a", "v": 1, "name": "x"})
    rec = Recorder(table)
    before = table.get_item(Key={"pk": "a"})["Item"]
    with pytest.raises((StreamsimError, TypeError)) as info:
        call(table, client)
    assert isinstance(
        info.value,
        (
            ConditionalCheckFailedException,
            ValidationException,
            TransactionCanceledException,
            TypeError,
        ),
    )
    assert rec.changes == []
    assert len(rec.records()) == 1  # the setup's INSERT only
    assert table.get_item(Key={"pk": "a"})["Item"] == before
    assert table.item_count == 1


# --- TTL (rule B.4) ----------------------------------------------------------------------------


def now_s(sim: Simulation) -> int:
    return sim.now_ms // 1000


def test_ttl_sweep_deletes_expired_item_as_a_service_delete(
    sim: Simulation, table: Table, rec: Recorder
) -> None:
    """An expired item is deleted by the next sweep as a REMOVE carrying the TTL userIdentity."""
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": now_s(sim) - 10})
    interval_s = sim.ttl_settings.sweep_interval_ms // 1000
    sim.advance(seconds=interval_s - 1)
    assert table.item_count == 1  # expired but not yet swept: still readable
    sim.advance(seconds=1)
    assert table.item_count == 0
    assert rec.events() == ["INSERT", "REMOVE"]
    assert rec.changes[1][2] is True
    record = rec.records()[-1]
    assert record.is_ttl_delete
    assert record.to_aws()["userIdentity"] == {
        "PrincipalId": "dynamodb.amazonaws.com",
        "Type": "Service",
    }


def test_user_delete_carries_no_user_identity(table: Table, rec: Recorder) -> None:
    """An ordinary DeleteItem's record has no userIdentity (rule B.4)."""
    table.put_item(Item={"pk": "a"})
    table.delete_item(Key={"pk": "a"})
    assert "userIdentity" not in rec.records()[-1].to_aws()


def test_ttl_item_is_deleted_only_after_its_time(sim: Simulation, table: Table) -> None:
    """An item whose TTL lies in the future survives sweeps until that time has passed."""
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": now_s(sim) + 3600})
    sim.advance(minutes=59)
    assert table.item_count == 1
    sim.advance(minutes=16)
    assert table.item_count == 0


def test_ttl_more_than_five_years_past_is_never_deleted(
    sim: Simulation, table: Table, rec: Recorder
) -> None:
    """An item whose TTL is more than five years in the past is not expired (rule B.4)."""
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "old", "expires": now_s(sim) - TTL_MAX_AGE_S - 86_400})
    table.put_item(Item={"pk": "recent", "expires": now_s(sim) - 86_400})
    sim.advance(hours=1)
    assert table.get_item(Key={"pk": "old"}).get("Item") is not None
    assert "Item" not in table.get_item(Key={"pk": "recent"})


def test_ttl_ignores_items_without_a_number_attribute(sim: Simulation, table: Table) -> None:
    """Items whose TTL attribute is missing or not a Number are never deleted by TTL."""
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": "yesterday"})
    table.put_item(Item={"pk": "b"})
    sim.advance(hours=1)
    assert table.item_count == 2


def test_ttl_sweep_interval_is_a_setting() -> None:
    """TTLSettings.sweep_interval_ms sets how often expired items are swept."""
    sim = Simulation(seed=2, ttl_settings=TTLSettings(sweep_interval=timedelta(minutes=1)))
    table = sim.create_table("orders", hash_key="pk")
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": now_s(sim) - 1})
    sim.advance(minutes=1)
    assert table.item_count == 0


def test_ttl_change_twice_within_an_hour_is_rejected(sim: Simulation, table: Table) -> None:
    """A second UpdateTimeToLive within an hour is a ValidationException (rule B.4)."""
    table.enable_time_to_live("expires")
    sim.advance(minutes=59)
    with pytest.raises(ValidationException):
        table.disable_time_to_live()
    sim.advance(minutes=1)
    table.disable_time_to_live()
