"""Tidy tables: flat rows of documented columns with datetime values, which pandas takes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from streamsim import Simulation

from .scenarios import lab, throttled

SHARD_COLUMNS = [
    "shard_id",
    "short_id",
    "partition",
    "parent_shard_id",
    "state",
    "opened",
    "closed",
    "listed_until",
    "records",
    "readable_records",
    "hash_lo",
    "hash_hi",
    "starting_sequence_number",
    "ending_sequence_number",
]
INVOCATION_COLUMNS = [
    "start",
    "end",
    "duration_ms",
    "shard_id",
    "short_id",
    "instance",
    "batch_size",
    "attempt",
    "outcome",
    "error",
    "first_sequence_number",
    "last_sequence_number",
    "request_id",
    "mapping",
]


def _flat(rows: list[dict[str, Any]]) -> bool:
    return all(
        not isinstance(value, (dict, list, tuple, set)) for row in rows for value in row.values()
    )


def test_shards_table_has_its_documented_columns() -> None:
    """stream.shards_table(): one flat row per shard ever, columns as documented."""
    sim, table, _ = lab()
    sim.advance(hours=30)
    rows = table.stream.shards_table()
    assert len(rows) == 4 * (54 // 4 + 1)  # every rotation of a 54-hour run
    assert all(list(row) == SHARD_COLUMNS for row in rows)
    assert _flat(rows)
    assert isinstance(rows[0]["opened"], datetime)
    assert {row["state"] for row in rows} == {"open", "closed", "expired"}
    expired = [row for row in rows if row["state"] == "expired"]
    assert all(row["readable_records"] == 0 for row in expired)
    written_until = rows[0]["opened"] + timedelta(hours=23, minutes=50)  # the lab's writes
    assert all(row["records"] > 0 for row in expired if row["opened"] < written_until)
    assert all(row["starting_sequence_number"] is not None for row in rows)


def test_invocations_table_has_its_documented_columns() -> None:
    """mapping.invocations_table(): one flat row per invocation, columns as documented."""
    _, _, mapping = lab()
    rows = mapping.invocations_table()
    assert len(rows) == len(mapping.invocation_log)
    assert all(list(row) == INVOCATION_COLUMNS for row in rows)
    assert _flat(rows)
    assert all(row["end"] >= row["start"] for row in rows)


def test_function_tables_reach_its_mappings() -> None:
    """function.invocations_table() and concurrency_table() come from the function itself."""
    _, _, mapping = throttled()
    function = mapping.function
    assert function.mappings == [mapping]
    assert len(function.invocations_table()) == len(mapping.invocation_log)
    rows = function.concurrency_table()
    assert list(rows[0]) == ["time", "elapsed", "instances"]
    assert {row["instances"] for row in rows} == {0, 1}


def test_items_table_gives_python_values_in_key_order() -> None:
    """table.items_table(): items as Python values, ordered by key, without a Scan."""
    sim = Simulation(seed=1)
    table = sim.create_table("things", hash_key="pk", hash_key_type="N")
    for n in (10, 2, 33):
        table.put_item(Item={"pk": n, "name": f"n{n}", "tags": {"a"}})
    rows = table.items_table()
    assert [row["pk"] for row in rows] == [Decimal(2), Decimal(10), Decimal(33)]
    assert rows[0] == {"pk": Decimal(2), "name": "n2", "tags": {"a"}}


def test_pandas_takes_every_table_and_log() -> None:
    """pandas.DataFrame(...) takes the tables and the logs (iterator ages included) as they are."""
    pd = pytest.importorskip("pandas")
    _, table, mapping = lab()
    stream = table.stream
    for rows, column in (
        (stream.shards_table(), "opened"),
        (stream.counts_table(), "time"),
        (mapping.invocations_table(), "start"),
        (mapping.function.concurrency_table(), "time"),
    ):
        frame = pd.DataFrame(rows)
        assert len(frame) == len(rows)
        assert str(frame[column].dtype).startswith("datetime64")
    metrics = mapping.metrics
    ages = pd.DataFrame(metrics.iterator_ages)
    assert list(ages.columns) == ["at_ms", "age_ms", "shard_id"]
    assert len(pd.DataFrame(metrics.invocation_log)) == metrics.invocations
    assert "kind" in pd.DataFrame(stream.history).columns
    assert "kind" in pd.DataFrame(mapping.history).columns
    assert len(pd.DataFrame(table.items_table())) == 8
