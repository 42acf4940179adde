"""Property: whatever the workload, a lineage-following reader sees every change exactly once.

Random writes (put, update, delete on a few keys), time advances (milliseconds to hours, so
shards rotate), partition splits and stream disable/enable; then every stream of the table is
read through ``sim.client("dynamodbstreams")`` with :func:`streamsim.testing.read_stream` and
checked against the table's own write log: each change exactly once, per item in write order,
sequence numbers strictly increasing within each shard, every child starting after its
parent's end.
"""

from __future__ import annotations

from base64 import b64encode
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from streamsim._clock import MS_PER_HOUR, MS_PER_MINUTE
from streamsim._items import Binary
from streamsim._simulation import Simulation
from streamsim.testing import WriteLog, check_stream_history, read_stream
from tests.strategies import python_items

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
TIME_BUDGET_MS = 20 * MS_PER_HOUR  # stay within retention: nothing is trimmed before the read
MAX_PARTITIONS = 12

keys = st.sampled_from([f"item#{i}" for i in range(6)])
operations = st.one_of(
    st.tuples(st.just("put"), keys, st.integers(0, 3)),
    st.tuples(st.just("update"), keys, st.integers(1, 3)),
    st.tuples(st.just("delete"), keys, st.just(0)),
    st.tuples(
        st.just("advance"),
        st.sampled_from(["-"]),
        st.sampled_from([1, 999, 1000, MS_PER_MINUTE, MS_PER_HOUR, 4 * MS_PER_HOUR]),
    ),
    st.tuples(st.just("split"), st.sampled_from(["-"]), st.integers(0, 7)),
    st.tuples(st.just("toggle"), st.sampled_from(VIEW_TYPES), st.just(0)),
)


def apply(sim: Simulation, table: Any, op: tuple[str, str, int], spent: list[int]) -> None:
    kind, key, n = op
    if kind == "put":
        table.put_item(Item={"pk": key, "v": n})
    elif kind == "update":
        table.update_item(
            Key={"pk": key},
            UpdateExpression="SET c = if_not_exists(c, :zero) + :n",
            ExpressionAttributeValues={":zero": 0, ":n": n},
        )
    elif kind == "delete":
        table.delete_item(Key={"pk": key})
    elif kind == "advance":
        if spent[0] + n <= TIME_BUDGET_MS:
            spent[0] += n
            sim.advance(milliseconds=n)
    elif kind == "split":
        if len(table.partitions) < MAX_PARTITIONS:
            table.split_partition(n % len(table.partitions))
    elif table.stream is None:
        table.enable_stream(key)
    else:
        table.disable_stream()


@given(
    seed=st.integers(0, 2**16),
    partitions=st.integers(1, 4),
    first_view=st.sampled_from(VIEW_TYPES),
    ops=st.lists(operations, max_size=60),
)
def test_lineage_reader_sees_every_change_once_in_order(
    seed: int, partitions: int, first_view: str, ops: list[tuple[str, str, int]]
) -> None:
    """For any workload, each stream read through the client holds every change made while it
    was enabled exactly once, per item in write order, with increasing sequence numbers per
    shard and children after parents."""
    sim = Simulation(seed=seed)
    table = sim.create_table(
        "orders", hash_key="pk", partitions=partitions, stream_view_type=first_view
    )
    log = WriteLog(table)
    spent = [0]
    for op in ops:
        apply(sim, table, op, spent)
        if table.stream is not None:
            table.stream._check()
        table._engine._check()
        sim._check()
    for stream in table.streams:
        records = read_stream(sim, stream.arn)
        result = check_stream_history(records, log)
        assert result.valid, result.explanation
        assert len(records) == len(log.for_stream(stream.arn))


def _as_lambda_json(value: Any) -> Any:
    """A GetRecords value in a Lambda event's JSON types (binary as base64 text, datetimes as
    epoch seconds)."""
    if isinstance(value, dict):
        return {k: _as_lambda_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_lambda_json(v) for v in value]
    if isinstance(value, bytes):
        return b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


@given(
    items=st.lists(python_items(), min_size=1, max_size=4),
    sort_key=st.booleans(),
    ttl=st.booleans(),
)
def test_get_records_and_lambda_records_render_the_same_change(
    items: list[dict[str, Any]], sort_key: bool, ttl: bool
) -> None:
    """GetRecords' flat loop and the Lambda event renderer give one record, in their types."""
    sim = Simulation(seed=3)
    keys: dict[str, Any] = {"hash_key": "pk", "range_key": "sk" if sort_key else None}
    table = sim.create_table(
        "twin", partitions=2, stream_view_type="NEW_AND_OLD_IMAGES", hash_key_type="B", **keys
    )
    for i, item in enumerate(items):
        key = {"pk": Binary(bytes([i % 2])), "sk": "s"} if sort_key else {"pk": Binary(b"k")}
        table.put_item(Item={**item, **key, "exp": 1})
        sim.advance(milliseconds=700)
    if ttl:
        sim.client("dynamodb").update_time_to_live(
            TableName="twin", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
        )
        sim.advance(days=3)
    for record in table.stream:
        boto3_shape = _as_lambda_json(record.to_aws())
        event = record.to_lambda_event_record()
        assert event.pop("eventSourceARN") == table.latest_stream_arn
        identity = boto3_shape.pop("userIdentity", {})
        assert event.pop("userIdentity", {}) == {
            k[0].lower() + k[1:]: v for k, v in identity.items()
        }
        assert event == boto3_shape
