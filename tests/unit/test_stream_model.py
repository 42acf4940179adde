"""The stream model: partitions, streams, shards with lineage, retention, records, views.

One test per rule of issue 3 (points 1-5 and 7), named after the rule.  Reads that go through
the DynamoDB Streams API are in ``test_streams_client.py``; here the model is observed through
the Table face and the Python views.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from hashlib import md5
from typing import Any

import pytest

from streamsim._clock import MS_PER_HOUR, MS_PER_MINUTE
from streamsim._dynamodb._table import SplitPolicy
from streamsim._errors import ResourceInUseException, ValidationException
from streamsim._simulation import Simulation
from streamsim._streams._partitions import HASH_SPACE, partition_hash
from streamsim._streams._records import NEW, OLD
from streamsim._streams._stream import StreamSettings
from streamsim._streams._view import StreamRecord
from tests.shapes import assert_matches_output_shape

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SHARD_ID_RE = re.compile(r"shardId-\d{20}-[0-9a-f]{8}")
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def make(
    partitions: int = 1,
    view_type: str | None = "NEW_AND_OLD_IMAGES",
    **settings: Any,
) -> tuple[Simulation, Any]:
    sim = Simulation(seed=7, stream_settings=StreamSettings(**settings))
    table = sim.create_table(
        "orders", hash_key="pk", partitions=partitions, stream_view_type=view_type
    )
    return sim, table


def engine(table: Any) -> Any:
    return table._engine


def all_records(table: Any) -> list[StreamRecord]:
    return list(table.stream)


def partition_of_key(table: Any, pk: str) -> int:
    return engine(table).partition_of(pk)  # type: ignore[no-any-return]


# --- 1. partitions -----------------------------------------------------------------------------


def test_partitions_divide_the_hash_space_into_equal_ranges() -> None:
    """partitions=N at creation gives N contiguous, equal ranges of the 64-bit hash space."""
    _, table = make(partitions=4)
    parts = table.partitions
    assert [p.lo for p in parts] == [i * HASH_SPACE // 4 for i in range(4)]
    assert [p.hi for p in parts] == [(i + 1) * HASH_SPACE // 4 for i in range(4)]


def test_partition_hash_is_documented_md5_not_python_hash() -> None:
    """The partition hash is the first 8 bytes of MD5(tag ':' value), independent of hash()."""
    expected = int.from_bytes(md5(b"S:user#1").digest()[:8], "big")
    assert partition_hash("S", "user#1") == expected
    assert partition_hash("N", "42") == int.from_bytes(md5(b"N:42").digest()[:8], "big")
    assert partition_hash("B", b"\x00\x01") == int.from_bytes(
        md5(b"B:\x00\x01").digest()[:8], "big"
    )
    # a pinned value: stable across processes, versions and PYTHONHASHSEED
    assert partition_hash("S", "user#1") == 0x68AE695C9A260634


def test_item_changes_go_to_the_open_shard_of_the_items_partition() -> None:
    """Each record lands in the open shard of the partition the item's key hashes to."""
    _, table = make(partitions=4)
    for i in range(40):
        table.put_item(Item={"pk": f"k{i}"})
    for record in all_records(table):
        pk = record.keys["pk"]["S"]
        assert record.shard.partition_id == partition_of_key(table, pk)


def test_split_partition_splits_into_two_halves() -> None:
    """table.split_partition(i) replaces partition i by its lower and upper half."""
    _, table = make(partitions=2)
    old = table.partitions[1]
    table.split_partition(1)
    parts = table.partitions
    assert len(parts) == 3
    left, right = parts[1], parts[2]
    assert (left.lo, left.hi, right.lo, right.hi) == (
        old.lo,
        old.lo + (old.hi - old.lo) // 2,
        old.lo + (old.hi - old.lo) // 2,
        old.hi,
    )
    assert left.parent_id == right.parent_id == old.partition_id


def test_split_partition_rejects_a_bad_index() -> None:
    """Splitting a partition that does not exist raises ValidationException."""
    _, table = make(partitions=2)
    with pytest.raises(ValidationException):
        table.split_partition(5)


def test_split_policy_is_off_by_default() -> None:
    """Without a SplitPolicy threshold, no amount of writing splits a partition."""
    _, table = make(partitions=1)
    for i in range(2000):
        table.put_item(Item={"pk": f"k{i}", "pad": "x" * 100})
    assert len(table.partitions) == 1


def test_split_policy_by_stored_bytes_splits_a_partition() -> None:
    """With max_partition_bytes, a partition holding more bytes splits on its own."""
    sim = Simulation(seed=3, split_policy=SplitPolicy(max_partition_bytes=10_000))
    table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    for i in range(200):
        table.put_item(Item={"pk": f"k{i}", "pad": "x" * 100})
    assert len(table.partitions) > 1
    shards = table.stream.shards
    root = shards[0] if shards[0].parent is None else shards[0].parent
    assert len(root.children) == 2


def test_split_policy_by_write_rate_splits_a_partition() -> None:
    """With max_writes_per_second, a partition written faster than that over a window splits."""
    policy = SplitPolicy(max_writes_per_second=10, window=timedelta(seconds=1))
    sim = Simulation(seed=3, split_policy=policy)
    table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    for i in range(5):  # slow: 5 writes per second
        table.put_item(Item={"pk": f"k{i}"})
        sim.advance(milliseconds=200)
    assert len(table.partitions) == 1
    for i in range(11):  # fast: 11 writes within one window
        table.put_item(Item={"pk": f"k{i}", "n": 1})
    assert len(table.partitions) == 2


# --- 2. streams --------------------------------------------------------------------------------


def test_stream_label_is_the_enable_time_in_iso_with_milliseconds() -> None:
    """StreamLabel is the virtual instant of enabling, ISO-8601 with milliseconds, no zone."""
    sim = Simulation(seed=1)
    sim.advance(milliseconds=1234)
    table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    assert table.stream.label == "2024-01-01T00:00:01.234"
    assert table.latest_stream_label == "2024-01-01T00:00:01.234"


def test_stream_arn_is_table_arn_slash_stream_slash_label() -> None:
    """The ARN is arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>."""
    sim = Simulation(seed=1, region="eu-west-1", account_id="111122223333")
    table = sim.create_table("Forum", hash_key="pk", stream_view_type="KEYS_ONLY")
    assert table.latest_stream_arn == (
        "arn:aws:dynamodb:eu-west-1:111122223333:table/Forum/stream/2024-01-01T00:00:00.000"
    )
    assert table.stream.arn == table.latest_stream_arn


def test_stream_status_goes_enabling_then_enabled_after_status_delay() -> None:
    """A stream is ENABLING for status_delay_ms after enabling, then ENABLED."""
    sim, table = make(status_delay=timedelta(seconds=5))
    assert table.stream.status == "ENABLING"
    sim.advance(milliseconds=4999)
    assert table.stream.status == "ENABLING"
    sim.advance(milliseconds=1)
    assert table.stream.status == "ENABLED"


def test_stream_captures_writes_while_enabling() -> None:
    """Records are captured from the instant of enabling, also while ENABLING."""
    _, table = make(status_delay=timedelta(seconds=5))
    table.put_item(Item={"pk": "a"})
    assert [r.event_name for r in all_records(table)] == ["INSERT"]


def test_stream_enabled_through_enable_stream_and_update_table() -> None:
    """enable_stream() and UpdateTable's StreamSpecification both create a new stream."""
    sim = Simulation(seed=1)
    table = sim.create_table("orders", hash_key="pk")
    assert table.stream is None
    table.enable_stream("NEW_IMAGE")
    assert table.stream.view_type == "NEW_IMAGE"
    table.disable_stream()
    sim.advance(seconds=1)
    sim.client("dynamodb").update_table(
        TableName="orders",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    assert table.stream.view_type == "KEYS_ONLY"
    assert len(table.streams) == 2


def test_disable_closes_every_shard_and_goes_disabling_then_disabled() -> None:
    """Disabling closes all open shards (no children) and goes DISABLING -> DISABLED."""
    sim, table = make(partitions=3, status_delay=timedelta(seconds=2))
    sim.advance(seconds=2)
    table.put_item(Item={"pk": "a"})
    stream = table.disable_stream()
    assert table.stream is None
    assert stream.status == "DISABLING"
    sim.advance(seconds=2)
    assert stream.status == "DISABLED"
    assert stream.open_shards == []
    assert all(not s.is_open and not s.children for s in stream.shards)
    assert len(stream.shards) == 3


def test_disabled_stream_stays_listed_and_readable_for_24_hours() -> None:
    """The old stream stays in sim.streams and readable for the retention period."""
    sim, table = make()
    table.put_item(Item={"pk": "a"})
    stream = table.disable_stream()
    sim.advance(hours=23, minutes=59)
    assert stream in sim.streams
    assert [r.event_name for r in stream] == ["INSERT"]
    sim.advance(minutes=1)
    assert stream not in sim.streams


def test_reenabling_creates_a_new_stream_with_new_label_and_arn() -> None:
    """Disable then enable gives a new label and ARN; both streams are listed."""
    sim, table = make()
    first = table.stream
    table.disable_stream()
    second = table.enable_stream("KEYS_ONLY")
    assert second.label != first.label
    assert second.arn != first.arn
    assert table.latest_stream_arn == second.arn
    assert {first, second} <= set(sim.streams)


def test_enabling_an_enabled_stream_raises_validation() -> None:
    """Enabling a stream while one is enabled raises ValidationException ("already enabled")."""
    _, table = make()
    with pytest.raises(ValidationException, match="already"):
        table.enable_stream("NEW_AND_OLD_IMAGES")


def test_changing_the_view_type_in_place_raises_validation() -> None:
    """A different view type on an enabled stream raises ValidationException (rule C.1)."""
    _, table = make(view_type="KEYS_ONLY")
    with pytest.raises(ValidationException):
        table.enable_stream("NEW_IMAGE")
    assert table.stream.view_type == "KEYS_ONLY"


def test_disabling_when_no_stream_raises_validation() -> None:
    """Disabling a table without an enabled stream raises ValidationException."""
    _, table = make(view_type=None)
    with pytest.raises(ValidationException):
        table.disable_stream()


def test_invalid_view_type_raises_validation() -> None:
    """A view type outside the four AWS ones raises ValidationException."""
    _, table = make(view_type=None)
    with pytest.raises(ValidationException):
        table.enable_stream("ALL_IMAGES")


def test_deleted_tables_streams_stay_readable_for_24_hours() -> None:
    """DeleteTable ends the stream; it is listed and readable for 24 hours, then gone."""
    sim, table = make()
    table.put_item(Item={"pk": "a"})
    stream = table.stream
    sim.client("dynamodb").delete_table(TableName="orders")
    assert stream in sim.streams
    assert stream.status == "DISABLED"
    assert all(not s.is_open for s in stream.shards)
    sim.advance(hours=23)
    assert [r.event_name for r in stream] == ["INSERT"]
    sim.advance(hours=1)
    assert stream not in sim.streams


# --- 3. shards with lineage --------------------------------------------------------------------


def test_one_open_shard_per_partition() -> None:
    """A stream keeps exactly one open shard per live partition."""
    _, table = make(partitions=4)
    assert len(table.stream.open_shards) == 4
    assert {s.partition_id for s in table.stream.open_shards} == {
        p.partition_id for p in table.partitions
    }
    table.split_partition(0)
    assert len(table.stream.open_shards) == 5


def test_shard_id_format_and_determinism() -> None:
    """Shard ids are shardId-<20 digits: creation ms>-<8 hex>, the same for the same seed."""
    _, a = make(partitions=3)
    _, b = make(partitions=3)
    ids = [s.shard_id for s in a.stream.shards]
    assert all(SHARD_ID_RE.fullmatch(i) for i in ids)
    assert all(i.startswith(f"shardId-{1_704_067_200_000:020d}-") for i in ids)
    assert ids == [s.shard_id for s in b.stream.shards]


def test_sequence_numbers_are_21_to_40_digits_and_strictly_increase_in_a_shard() -> None:
    """Sequence numbers are decimal strings of 21-40 digits, strictly increasing per shard."""
    sim, table = make(partitions=2)
    for i in range(50):
        table.put_item(Item={"pk": f"k{i % 7}", "n": i})
        sim.advance(minutes=10)
    for shard in table.stream.shards:
        sns = [r.sequence_number for r in shard.records]
        assert sns == sorted(set(sns))
        assert all(21 <= len(str(n)) <= 40 for n in sns)
        assert 21 <= len(str(shard.starting_sequence_number)) <= 40


def test_rotation_closes_a_shard_after_4_hours_and_opens_a_child() -> None:
    """A shard open for the rotation period (default 4 h) closes; one child continues it."""
    sim, table = make()
    (first,) = table.stream.shards
    sim.advance(hours=4, milliseconds=-1)
    assert first.is_open
    sim.advance(milliseconds=1)
    assert not first.is_open
    (child,) = first.children
    assert child.is_open
    assert child.parent == first
    assert child.partition_id == first.partition_id
    sim.advance(hours=4)
    assert not child.is_open
    assert len(child.children) == 1


def test_rotation_period_is_a_setting() -> None:
    """StreamSettings(rotation_period=...) changes when shards rotate."""
    sim, table = make(rotation_period=timedelta(hours=1))
    sim.advance(hours=3)
    assert len(table.stream.shards) == 4


def test_rotation_jitter_delays_each_shard_deterministically() -> None:
    """rotation_jitter_ms moves each rotation later by a seeded amount within the bound."""
    jitter = 30 * MS_PER_MINUTE

    def closing_times() -> list[int]:
        sim, table = make(partitions=4, rotation_jitter=timedelta(milliseconds=jitter))
        sim.advance(hours=5)
        return sorted(s.closed_ms - s.created_ms for s in table.stream.shards if not s.is_open)

    times = closing_times()
    assert len(times) == 4
    assert all(4 * MS_PER_HOUR <= t <= 4 * MS_PER_HOUR + jitter for t in times)
    assert len(set(times)) > 1  # not all the same
    assert times == closing_times()


def test_split_gives_two_children_with_the_same_parent() -> None:
    """A partition split closes its shard; two children open with ParentShardId = it."""
    _, table = make(partitions=2)
    parent = next(s for s in table.stream.open_shards if s.partition_id == 1)
    table.split_partition(1)
    assert not parent.is_open
    assert len(parent.children) == 2
    assert all(c.parent == parent and c.is_open for c in parent.children)
    assert {c.partition_id for c in parent.children} == {
        p.partition_id for p in table.partitions[1:]
    }


def test_disable_closes_shards_without_children() -> None:
    """Disabling closes every shard and opens no child."""
    sim, table = make(partitions=2)
    stream = table.disable_stream()
    sim.advance(hours=8)
    assert len(stream.shards) == 2
    assert all(not s.children for s in stream.shards)


def test_childs_first_sequence_number_is_greater_than_parents_last() -> None:
    """A child's StartingSequenceNumber exceeds its parent's EndingSequenceNumber and records."""
    sim, table = make(partitions=1)
    for i in range(5):
        table.put_item(Item={"pk": f"k{i}"})
    sim.advance(hours=4)
    table.put_item(Item={"pk": "k0", "n": 1})
    table.split_partition(0)
    table.put_item(Item={"pk": "k1", "n": 1})
    for shard in table.stream.shards:
        parent = shard.parent
        if parent is None:
            continue
        assert parent.ending_sequence_number is not None
        assert shard.starting_sequence_number > parent.ending_sequence_number
        assert all(r.sequence_number > parent.ending_sequence_number for r in shard.records)
        assert all(r.sequence_number <= parent.ending_sequence_number for r in parent.records)


# --- 4. retention ------------------------------------------------------------------------------


def test_records_older_than_retention_are_trimmed() -> None:
    """A record stops being readable once it is older than the retention period (24 h)."""
    sim, table = make()
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=1)
    table.put_item(Item={"pk": "b"})
    sim.advance(hours=23)
    assert [r.keys["pk"]["S"] for r in table.stream] == ["a", "b"]
    sim.advance(milliseconds=1)
    assert [r.keys["pk"]["S"] for r in table.stream] == ["b"]
    sim.advance(hours=1)
    assert list(table.stream) == []


def test_retention_is_a_setting() -> None:
    """StreamSettings(retention=...) changes when records are trimmed."""
    sim, table = make(retention=timedelta(hours=1))
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=1, milliseconds=1)
    assert list(table.stream) == []


def test_closed_shard_leaves_describe_stream_once_nothing_in_it_is_readable() -> None:
    """A closed shard stays listed while any record is readable, then disappears."""
    sim, table = make()
    (first,) = table.stream.shards
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=2)
    table.put_item(Item={"pk": "b"})
    sim.advance(hours=2)  # first closes at 4 h, holding records of 0 h and 2 h
    assert not first.is_open
    sim.advance(hours=21)  # 25 h: the 0 h record is trimmed, the 2 h one is not
    assert first in table.stream.shards
    sim.advance(hours=1, milliseconds=1)  # 26 h: nothing readable is left
    assert first not in table.stream.shards
    assert table.stream.shard(first.shard_id) is None


def test_empty_closed_shard_is_listed_for_one_retention_period() -> None:
    """A closed shard that never held a record leaves the listing a retention after closing."""
    sim, table = make()
    (first,) = table.stream.shards
    sim.advance(hours=4)
    sim.advance(hours=24)
    assert first in table.stream.shards
    sim.advance(milliseconds=1)
    assert first not in table.stream.shards


def test_trimmed_records_and_expired_shards_are_dropped_from_memory() -> None:
    """The hourly sweep drops trimmed records and expired shards, so memory stays bounded."""
    sim, table = make(partitions=2)
    for _ in range(24 * 6):  # 6 days, one write every hour
        table.put_item(Item={"pk": "a", "n": sim.now_ms})
        sim.advance(hours=1)
    stream = table.stream
    model = sim._stream_by_arn(stream.arn)
    assert model is not None
    held = sum(s._held() for s in model.all_shards)
    assert len(stream.all_shards) <= 2 * 8
    assert held <= 30


# --- 5. stream records -------------------------------------------------------------------------


def test_exactly_one_record_per_item_change() -> None:
    """Each write that changes an item yields exactly one record, INSERT/MODIFY/REMOVE."""
    _, table = make()
    table.put_item(Item={"pk": "a", "n": 1})
    table.update_item(
        Key={"pk": "a"}, UpdateExpression="SET n = :v", ExpressionAttributeValues={":v": 2}
    )
    table.delete_item(Key={"pk": "a"})
    assert [r.event_name for r in all_records(table)] == ["INSERT", "MODIFY", "REMOVE"]


def test_no_record_for_writes_that_change_nothing() -> None:
    """An identical put, a no-op update and a delete of a missing item yield no record."""
    _, table = make()
    table.put_item(Item={"pk": "a", "n": 1})
    table.put_item(Item={"pk": "a", "n": 1})
    table.update_item(
        Key={"pk": "a"}, UpdateExpression="SET n = :v", ExpressionAttributeValues={":v": 1}
    )
    table.delete_item(Key={"pk": "missing"})
    assert [r.event_name for r in all_records(table)] == ["INSERT"]


def test_no_record_for_a_failed_conditional_write() -> None:
    """A write whose condition fails changes nothing and yields no record."""
    _, table = make()
    table.put_item(Item={"pk": "a"})
    with pytest.raises(Exception, match="conditional"):
        table.put_item(Item={"pk": "a", "n": 1}, ConditionExpression="attribute_not_exists(pk)")
    assert len(all_records(table)) == 1


def test_record_to_aws_has_the_exact_record_shape() -> None:
    """to_aws() gives AWS's Record: eventID (32 hex), eventVersion 1.1, aws:dynamodb, ..."""
    _sim, table = make(view_type="NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "n": 1})
    (record,) = all_records(table)
    aws = record.to_aws()
    assert set(aws) == {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", aws["eventID"])
    assert aws["eventName"] == "INSERT"
    assert aws["eventVersion"] == "1.1"
    assert aws["eventSource"] == "aws:dynamodb"
    assert aws["awsRegion"] == "us-east-1"
    assert aws["dynamodb"] == {
        "ApproximateCreationDateTime": START,
        "Keys": {"pk": {"S": "a"}},
        "NewImage": {"pk": {"S": "a"}, "n": {"N": "1"}},
        "SequenceNumber": str(record.sequence_number),
        "SizeBytes": 9,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert_matches_output_shape("dynamodbstreams", "GetRecords", {"Records": [aws]})


def test_event_ids_are_unique_and_reproducible() -> None:
    """eventIDs differ between records and are the same for the same seed and writes."""

    def ids() -> list[str]:
        _, table = make(partitions=2)
        for i in range(100):
            table.put_item(Item={"pk": f"k{i % 9}", "n": i})
        return [r.event_id for r in all_records(table)]

    first = ids()
    assert len(set(first)) == 100
    assert first == ids()


def test_event_id_is_the_streams_prefix_then_the_sequence_number() -> None:
    """eventID: 11 hex characters of the stream, then the last 21 digits of the sequence
    number; a re-enabled stream's eventIDs differ from the old stream's."""
    _, table = make()
    table.put_item(Item={"pk": "a"})
    table.disable_stream()
    table.enable_stream("NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "n": 1})
    old_stream, new_stream = table._engine.streams
    ids = []
    for stream in (old_stream, new_stream):
        (record,) = [r for shard in stream.all_shards for r in shard.records]
        assert re.fullmatch(r"[0-9a-f]{11}[0-9]{21}", record.event_id)
        assert record.event_id.endswith(str(record.sequence_number)[-21:])
        ids.append(record.event_id)
    assert ids[0][:11] != ids[1][:11]


# rule B.1: which images each (view type, event) carries
IMAGES = {
    ("KEYS_ONLY", "INSERT"): set(),
    ("KEYS_ONLY", "MODIFY"): set(),
    ("KEYS_ONLY", "REMOVE"): set(),
    ("NEW_IMAGE", "INSERT"): {"NewImage"},
    ("NEW_IMAGE", "MODIFY"): {"NewImage"},
    ("NEW_IMAGE", "REMOVE"): set(),
    ("OLD_IMAGE", "INSERT"): set(),
    ("OLD_IMAGE", "MODIFY"): {"OldImage"},
    ("OLD_IMAGE", "REMOVE"): {"OldImage"},
    ("NEW_AND_OLD_IMAGES", "INSERT"): {"NewImage"},
    ("NEW_AND_OLD_IMAGES", "MODIFY"): {"NewImage", "OldImage"},
    ("NEW_AND_OLD_IMAGES", "REMOVE"): {"OldImage"},
}


@pytest.mark.parametrize(("view_type", "event"), sorted(IMAGES))
def test_view_type_decides_the_images_of_each_event(view_type: str, event: str) -> None:
    """Rule B.1: images per view type and event; images are whole items; absent ones omitted."""
    _, table = make(view_type=view_type)
    v1 = {"pk": "a", "x": 1, "gone": "soon"}
    v2 = {"pk": "a", "x": 2}
    table.put_item(Item=v1)
    table.put_item(Item=v2)
    table.delete_item(Key={"pk": "a"})
    records = {r.event_name: r.to_aws()["dynamodb"] for r in all_records(table)}
    body = records[event]
    assert {"NewImage", "OldImage"} & set(body) == IMAGES[view_type, event]
    assert body["Keys"] == {"pk": {"S": "a"}}
    assert body["StreamViewType"] == view_type
    whole_v1 = {"pk": {"S": "a"}, "x": {"N": "1"}, "gone": {"S": "soon"}}
    whole_v2 = {"pk": {"S": "a"}, "x": {"N": "2"}}
    new = {"INSERT": whole_v1, "MODIFY": whole_v2}.get(event)
    old = {"MODIFY": whole_v1, "REMOVE": whole_v2}.get(event)
    if "NewImage" in body:
        assert body["NewImage"] == new
    if "OldImage" in body:
        assert body["OldImage"] == old


def test_approximate_creation_datetime_is_rounded_down_to_the_second() -> None:
    """ApproximateCreationDateTime is the write time rounded down to a whole second (B.5)."""
    sim, table = make()
    sim.advance(seconds=5, milliseconds=999)
    table.put_item(Item={"pk": "a"})
    (record,) = all_records(table)
    when = record.to_aws()["dynamodb"]["ApproximateCreationDateTime"]
    assert when == datetime(2024, 1, 1, 0, 0, 5, tzinfo=timezone.utc)
    assert when.tzinfo is not None
    assert record.to_lambda_event_record()["dynamodb"]["ApproximateCreationDateTime"] == (
        1_704_067_205
    )


def test_size_bytes_matches_the_published_lambda_example() -> None:
    """SizeBytes reproduces AWS's Lambda example: INSERT 26, MODIFY 59, REMOVE 38 (B.6)."""
    sim = Simulation(seed=1)
    table = sim.create_table(
        "ExampleTableWithStream",
        hash_key="Id",
        hash_key_type="N",
        stream_view_type="NEW_AND_OLD_IMAGES",
    )
    table.put_item(Item={"Id": 101, "Message": "New item!"})
    table.put_item(Item={"Id": 101, "Message": "This item has changed"})
    table.delete_item(Key={"Id": 101})
    assert [r.size_bytes for r in all_records(table)] == [26, 59, 38]


def test_size_bytes_counts_only_the_images_the_view_type_shows() -> None:
    """KEYS_ONLY SizeBytes is the keys' size alone."""
    sim = Simulation(seed=1)
    table = sim.create_table(
        "ExampleTableWithStream", hash_key="Id", hash_key_type="N", stream_view_type="KEYS_ONLY"
    )
    table.put_item(Item={"Id": 101, "Message": "New item!"})
    assert [r.size_bytes for r in all_records(table)] == [5]


def test_ttl_delete_carries_the_service_user_identity() -> None:
    """A TTL sweep's REMOVE has userIdentity Service/dynamodb.amazonaws.com; user deletes none."""
    sim, table = make()
    table.enable_time_to_live("expires")
    now_s = sim.now_ms // 1000
    table.put_item(Item={"pk": "old", "expires": now_s - 10})
    table.put_item(Item={"pk": "user"})
    table.delete_item(Key={"pk": "user"})
    sim.advance(minutes=15)
    records = [r.to_aws() for r in all_records(table)]
    removes = {r["dynamodb"]["Keys"]["pk"]["S"]: r for r in records if r["eventName"] == "REMOVE"}
    assert removes["old"]["userIdentity"] == {
        "PrincipalId": "dynamodb.amazonaws.com",
        "Type": "Service",
    }
    assert "userIdentity" not in removes["user"]
    lambda_record = next(r for r in all_records(table) if r.is_ttl_delete).to_lambda_event_record()
    assert lambda_record["userIdentity"] == {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }


def test_records_hand_out_copies_not_the_stored_items() -> None:
    """Mutating what to_aws() returned changes neither the table nor the stream."""
    _, table = make()
    table.put_item(Item={"pk": "a", "l": [1, 2]})
    (record,) = all_records(table)
    aws = record.to_aws()
    aws["dynamodb"]["NewImage"]["l"]["L"].append({"N": "3"})
    aws["dynamodb"]["Keys"]["pk"]["S"] = "zzz"
    assert record.to_aws()["dynamodb"]["NewImage"]["l"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert table.get_item(Key={"pk": "a"})["Item"]["l"] == [Decimal(1), Decimal(2)]


# --- 7. Python views ---------------------------------------------------------------------------


def test_table_stream_and_sim_streams_views() -> None:
    """table.stream is the enabled stream, table.streams all of them, sim.streams the listed."""
    sim, table = make()
    other = sim.create_table("other", hash_key="id", stream_view_type="KEYS_ONLY")
    first = table.stream
    table.disable_stream()
    assert table.stream is None
    second = table.enable_stream("NEW_IMAGE")
    assert table.streams == [first, second]
    assert sim.streams == [first, other.stream, second]


def test_shard_views_parent_children_is_open_records() -> None:
    """shard.parent, .children, .is_open and .records describe a shard and its lineage."""
    sim, table = make()
    table.put_item(Item={"pk": "a"})
    (root,) = table.stream.shards
    sim.advance(hours=4)
    table.put_item(Item={"pk": "b"})
    (child,) = root.children
    assert root.parent is None
    assert child.parent == root
    assert not root.is_open
    assert child.is_open
    assert [r.keys for r in root.records] == [{"pk": {"S": "a"}}]
    assert [r.keys for r in child.records] == [{"pk": {"S": "b"}}]
    assert len(root) == 1


def test_lineage_walks_roots_leaves_ancestors_and_parents_first_order() -> None:
    """roots(), leaves(), ancestors(), descendants() and lineage_order() walk the lineage."""
    sim, table = make(partitions=2)
    sim.advance(hours=4)
    table.split_partition(0)
    sim.advance(hours=4)
    stream = table.stream
    roots = stream.roots()
    assert len(roots) == 2
    assert all(r.parent is None for r in roots)
    leaves = stream.leaves()
    assert leaves == stream.open_shards
    assert len(leaves) == 3
    for leaf in leaves:
        chain = list(leaf.ancestors())
        assert chain[-1] in roots
        assert all(a in b.children for a, b in zip([leaf, *chain], chain, strict=False))
    order = stream.lineage_order()
    assert sorted(order, key=lambda s: s.shard_id) == stream.shards
    position = {s.shard_id: i for i, s in enumerate(order)}
    assert all(position[s.parent.shard_id] < position[s.shard_id] for s in order if s.parent)
    for root in roots:
        assert set(root.descendants()) <= set(order)


def test_typed_records_to_aws_equal_what_get_records_returns() -> None:
    """StreamRecord.to_aws() is exactly the Record that GetRecords returns for it."""
    sim, table = make()
    table.put_item(Item={"pk": "a", "b": b"\x01", "s": {"x", "y"}})
    client = sim.client("dynamodbstreams")
    (shard,) = table.stream.shards
    iterator = client.get_shard_iterator(
        StreamArn=table.stream.arn, ShardId=shard.shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    (got,) = client.get_records(ShardIterator=iterator)["Records"]
    assert shard.records[0].to_aws() == got
    assert got["dynamodb"]["NewImage"]["b"] == {"B": b"\x01"}


def test_reprs_are_readable() -> None:
    """Streams, shards and records have short reprs naming what matters."""
    _, table = make()
    table.put_item(Item={"pk": "a"})
    stream = table.stream
    (shard,) = stream.shards
    (record,) = shard.records
    assert repr(stream) == (
        "<Stream orders 2024-01-01T00:00:00.000 ENABLED NEW_AND_OLD_IMAGES shards=1 open=1>"
    )
    assert repr(shard) == f"<Shard {shard.short_id} partition=0 open records=1 root>"
    assert repr(record) == (
        f"<StreamRecord INSERT pk='a' seq={record.sequence_number} shard={shard.short_id}>"
    )


def test_lineage_text_draws_the_shard_tree() -> None:
    """lineage_text() shows each shard under its parent with its state and record count."""
    sim, table = make(partitions=1)
    table.put_item(Item={"pk": "a"})
    sim.advance(hours=4)
    table.split_partition(0)
    stream = table.stream
    lines = stream.lineage_text().splitlines()
    first, second, left, right = (s.short_id for s in stream.lineage_order())
    assert lines[0] == repr(stream)
    assert lines[1].startswith(f"`-- {first} p0 closed     1 record ")
    assert lines[2].startswith(f"    `-- {second} p0 closed     0 records")
    assert lines[3].startswith(f"        +-- {left} p1 open ")
    assert lines[4].startswith(f"        `-- {right} p2 open ")
    assert max(map(len, lines)) <= 100


def test_stream_check_holds_after_every_kind_of_change() -> None:
    """stream._check() and engine._check() pass after writes, rotations, splits, trims."""
    sim, table = make(partitions=2)
    for i in range(30):
        table.put_item(Item={"pk": f"k{i % 5}", "n": i})
        sim.advance(hours=1)
        if i % 10 == 5:
            table.split_partition(0)
        table.stream._check()
        engine(table)._check()


def test_keys_only_stream_keeps_only_the_keys_of_each_change() -> None:
    """A KEYS_ONLY stream does not keep overwritten item versions alive, only their keys."""
    _, table = make(view_type="KEYS_ONLY")
    table.put_item(Item={"pk": "a", "big": "x" * 1000})
    table.put_item(Item={"pk": "a", "big": "y" * 1000})
    for record in all_records(table):
        assert record.raw[OLD] is None
        assert record.raw[NEW] is None
        assert record.keys == {"pk": {"S": "a"}}
        assert record.to_aws()["dynamodb"]["SizeBytes"] == 3


def test_event_id_is_the_same_in_get_records_and_lambda_events() -> None:
    """A record has one eventID, whichever API shows it."""
    _, table = make()
    table.put_item(Item={"pk": "a"})
    (record,) = all_records(table)
    assert record.to_aws()["eventID"] == record.to_lambda_event_record()["eventID"]
    assert record.to_aws()["eventID"] == record.event_id


def test_expired_shards_do_not_keep_their_ancestry_alive() -> None:
    """Once a shard leaves the listing, the chain of shards before it is let go."""
    sim, table = make()
    for _ in range(4 * 24):  # 4 days, a write every hour
        table.put_item(Item={"pk": "a", "n": sim.now_ms})
        sim.advance(hours=1)
    depth = 0
    shard = table.stream.open_shards[0]
    while shard.parent is not None:
        shard = shard.parent
        depth += 1
    assert depth <= 8  # ~6 listed ancestors + at most one expired one


def test_same_instant_reenable_still_gets_a_new_label() -> None:
    """Disabling and re-enabling within one millisecond still gives a distinct label and ARN."""
    sim, table = make()
    first = table.disable_stream()
    second = table.enable_stream("KEYS_ONLY")
    assert second.label == "2024-01-01T00:00:00.001"
    assert sim._stream_by_arn(first.arn) is first._model
    assert sim._stream_by_arn(second.arn) is second._model


def test_table_cannot_be_deleted_while_its_stream_is_enabling() -> None:
    """DeleteTable while the stream is ENABLING raises ResourceInUseException (rule C.1)."""
    sim, _ = make(status_delay=timedelta(seconds=1))
    client = sim.client("dynamodb")
    with pytest.raises(ResourceInUseException):
        client.delete_table(TableName="orders")
    sim.advance(seconds=1)
    client.delete_table(TableName="orders")


def test_stream_enabled_at_creation_through_the_dynamodb_client() -> None:
    """CreateTable with a StreamSpecification creates the stream with the table."""
    sim = Simulation(seed=1)
    response = sim.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    stream = sim.table("orders").stream
    assert stream.view_type == "NEW_IMAGE"
    assert response["TableDescription"]["LatestStreamArn"] == stream.arn


def test_recreated_table_in_the_same_millisecond_gets_a_new_stream_arn() -> None:
    """A table deleted and created again at once gets a stream with a new label and ARN."""
    sim = Simulation(seed=3)
    first = sim.create_table("again", hash_key="pk", stream_view_type="KEYS_ONLY")
    old_arn = first.latest_stream_arn
    sim.client("dynamodb").delete_table(TableName="again")
    second = sim.create_table("again", hash_key="pk", stream_view_type="KEYS_ONLY")
    assert second.latest_stream_arn != old_arn
    listed = sim.client("dynamodbstreams").list_streams(TableName="again")["Streams"]
    assert {s["StreamArn"] for s in listed} == {old_arn, second.latest_stream_arn}


def test_records_follow_the_partition_map_after_a_split() -> None:
    """After a split, each key's next record goes to the child shard whose range holds it."""
    _, table = make(partitions=1)
    keys = [f"k{i}" for i in range(40)]
    for key in keys:
        table.put_item(Item={"pk": key, "n": 1})
    table.split_partition(0)
    for key in keys:
        table.put_item(Item={"pk": key, "n": 2})
    low, high = table.partitions[0], table.partitions[1]
    for shard in table.stream.open_shards:
        part = low if shard.partition_id == low.partition_id else high
        assert shard.records
        for record in shard.records:
            h = partition_hash("S", record.keys["pk"]["S"])
            assert part.lo <= h < part.hi
    table._engine._check()
