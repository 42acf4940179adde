"""The Kinesis spec's checklist E: one test per rule that is easy to get wrong.

Each test is named after its item (``test_e<N>_...``); the rules are docs/aws-rules.md K.1-K.15.
Items 20-22 (the Lambda Kinesis event, the Kinesis event source mapping, DynamoDB's Kinesis
streaming destination) are ``test_checklist_e20_...`` to ``test_checklist_e22_...`` in
test_streaming_destination.py, with the destination's own rules K.16-K.19.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from hashlib import md5

import pytest

from streamsim import InvalidArgumentException, KinesisSettings, Simulation
from streamsim._errors import (
    ExpiredIteratorException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)

from .support import SPACE, checked, drain, shards, stream


def _iterator(client, shard_id, kind="TRIM_HORIZON", name="s", **extra):  # type: ignore[no-untyped-def]
    return client.get_shard_iterator(
        StreamName=name, ShardId=shard_id, ShardIteratorType=kind, **extra
    )["ShardIterator"]


def test_e1_md5_of_the_partition_key_routes_to_the_open_shard_holding_it() -> None:
    """E.1: hash key = big-endian MD5 of the UTF-8 key; ExplicitHashKey overrides; 0..2^128-1."""
    _, client = stream(3)
    where = {
        pk: checked(client, "put_record", StreamName="s", Data=b"x", PartitionKey=pk)["ShardId"]
        for pk in "abef"
    }
    assert where == {  # what AWS answered (kinesalite's tests, run against AWS)
        "a": "shardId-000000000000",
        "b": "shardId-000000000001",
        "e": "shardId-000000000002",
        "f": "shardId-000000000001",
    }
    ranges = [(int(s["HashKeyRange"]["StartingHashKey"]), s["ShardId"]) for s in shards(client)]
    key = int(md5("ü".encode()).hexdigest(), 16)
    expected = [sid for start, sid in ranges if start <= key][-1]
    assert client.put_record(StreamName="s", Data=b"", PartitionKey="ü")["ShardId"] == expected
    end_of_first = shards(client)[0]["HashKeyRange"]["EndingHashKey"]  # ends are inclusive
    put = client.put_record(
        StreamName="s", Data=b"", PartitionKey="a", ExplicitHashKey=end_of_first
    )
    assert put["ShardId"] == "shardId-000000000000"
    top = str(SPACE - 1)
    assert (
        client.put_record(StreamName="s", Data=b"", PartitionKey="a", ExplicitHashKey=top)[
            "ShardId"
        ]
        == "shardId-000000000002"
    )
    with pytest.raises(InvalidArgumentException, match=r"range: \[0, 2\^128-1\]"):
        client.put_record(StreamName="s", Data=b"", PartitionKey="a", ExplicitHashKey=str(SPACE))


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_e2_initial_ranges_are_floor_steps_with_the_last_ending_at_the_top(count: int) -> None:
    """E.2: step = floor(2^128/N), shard i = [i*step, (i+1)*step-1], the last ends at 2^128-1."""
    _, client = stream(count)
    listed = shards(client)
    step = SPACE // count
    assert [s["ShardId"] for s in listed] == [f"shardId-{i:012d}" for i in range(count)]
    for i, shard in enumerate(listed):
        end = SPACE - 1 if i == count - 1 else (i + 1) * step - 1
        assert shard["HashKeyRange"] == {
            "StartingHashKey": str(i * step),
            "EndingHashKey": str(end),
        }
        assert "ParentShardId" not in shard
    if count == 2:
        assert listed[1]["HashKeyRange"]["StartingHashKey"] == str(1 << 127)
    client.split_shard(StreamName="s", ShardToSplit=listed[0]["ShardId"], NewStartingHashKey="5")
    new = [s["ShardId"] for s in shards(client)][count:]
    assert new == [f"shardId-{count:012d}", f"shardId-{count + 1:012d}"]  # the next indexes


def test_e3_sequence_numbers_increase_per_shard_and_bound_a_closed_shard() -> None:
    """E.3: strictly increasing per shard, unique, decimal strings; EndingSequenceNumber >= all."""
    sim, client = stream(2)
    numbers: dict[str, list[str]] = {}
    for i in range(60):
        put = client.put_record(StreamName="s", Data=b"x", PartitionKey=str(i))
        numbers.setdefault(put["ShardId"], []).append(put["SequenceNumber"])
        sim.advance(milliseconds=7 * (i % 3))
    every = [sn for sns in numbers.values() for sn in sns]
    assert len(set(every)) == len(every)
    assert all(sn.isdigit() and len(sn) == 56 for sn in every)
    for sns in numbers.values():
        assert [int(a) < int(b) for a, b in itertools.pairwise(sns)] == [True] * (len(sns) - 1)
    client.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000000",
        AdjacentShardToMerge="shardId-000000000001",
    )
    for shard in shards(client)[:2]:
        ending = int(shard["SequenceNumberRange"]["EndingSequenceNumber"])
        starting = int(shard["SequenceNumberRange"]["StartingSequenceNumber"])
        assert all(starting < int(sn) < ending for sn in numbers[shard["ShardId"]])


def test_e4_get_records_pages_and_the_end_of_a_closed_shard() -> None:
    """E.4: Records always present; <= Limit; open shard: always a next iterator; drained closed
    shard: no next iterator and non-empty ChildShards."""
    _, client = stream(1)
    empty = checked(client, "get_records", ShardIterator=_iterator(client, "shardId-000000000000"))
    assert empty["Records"] == []
    assert "NextShardIterator" in empty
    assert "ChildShards" not in empty
    for i in range(5):
        client.put_record(StreamName="s", Data=b"%d" % i, PartitionKey="k")
    page = checked(
        client, "get_records", ShardIterator=_iterator(client, "shardId-000000000000"), Limit=2
    )
    assert [r["Data"] for r in page["Records"]] == [b"0", b"1"]
    assert page["MillisBehindLatest"] == 0
    with pytest.raises(ValidationException, match="less than or equal to 10000"):
        client.get_records(ShardIterator=page["NextShardIterator"], Limit=10_001)
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="99")
    records, last = drain(client, "shardId-000000000000")
    assert len(records) == 5
    assert "NextShardIterator" not in last
    assert [c["ShardId"] for c in last["ChildShards"]] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]


def test_e4_get_records_stops_at_10_mib() -> None:
    """E.4: a call returns at most 10 MiB (and at least one record)."""
    _, client = stream(1)
    mib = b"x" * (1024 * 1024 - 1)
    for _ in range(12):
        client.put_record(StreamName="s", Data=mib, PartitionKey="k")
    page = client.get_records(ShardIterator=_iterator(client, "shardId-000000000000"))
    assert len(page["Records"]) == 10


def test_e5_child_shards_list_every_parent() -> None:
    """E.5: a split gives two children naming the parent; a merge's one child names both parents,
    at the end of each."""
    _, client = stream(2)
    client.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="1000"
    )
    _, end = drain(client, "shardId-000000000000")
    assert [c["ParentShards"] for c in end["ChildShards"]] == [["shardId-000000000000"]] * 2
    client.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000003",
        AdjacentShardToMerge="shardId-000000000001",
    )
    for parent in ("shardId-000000000003", "shardId-000000000001"):
        _, end = drain(client, parent)
        assert end["ChildShards"] == [
            {
                "ShardId": "shardId-000000000004",
                "ParentShards": ["shardId-000000000003", "shardId-000000000001"],
                "HashKeyRange": shards(client)[-1]["HashKeyRange"],
            }
        ]


def test_e6_iterators_live_300_seconds_and_can_be_reused() -> None:
    """E.6: valid 300 s from issue and reusable; expired -> ExpiredIteratorException; garbage ->
    InvalidArgumentException "Invalid ShardIterator."."""
    sim, client = stream(1)
    client.put_record(StreamName="s", Data=b"a", PartitionKey="k")
    iterator = _iterator(client, "shardId-000000000000")
    first = client.get_records(ShardIterator=iterator)["Records"]
    sim.advance(seconds=300)
    assert client.get_records(ShardIterator=iterator)["Records"] == first
    sim.advance(milliseconds=1)
    with pytest.raises(ExpiredIteratorException, match="tolerated delay of 300000 milliseconds"):
        client.get_records(ShardIterator=iterator)
    with pytest.raises(InvalidArgumentException, match=r"^.*Invalid ShardIterator\.$"):
        client.get_records(ShardIterator="not-an-iterator")
    with pytest.raises(InvalidArgumentException, match="Invalid ShardIterator"):
        client.get_records(ShardIterator=iterator[:-4] + "AAAA")


def test_e7_get_shard_iterator_checks_its_arguments() -> None:
    """E.7: SN required/forbidden per type (InvalidArgumentException), AT_TIMESTAMP <= now, an SN
    of another shard refused, closed shards still give iterators."""
    sim, client = stream(2)
    sn = client.put_record(StreamName="s", Data=b"a", PartitionKey="a")["SequenceNumber"]
    with pytest.raises(InvalidArgumentException, match="Must either specify"):
        _iterator(client, "shardId-000000000000", "AT_SEQUENCE_NUMBER")
    with pytest.raises(InvalidArgumentException, match="Must either specify"):
        _iterator(client, "shardId-000000000000", "LATEST", StartingSequenceNumber=sn)
    with pytest.raises(InvalidArgumentException, match="no timestamp parameter"):
        _iterator(client, "shardId-000000000000", "AT_TIMESTAMP")
    with pytest.raises(InvalidArgumentException, match="cannot be greater than"):
        _iterator(
            client, "shardId-000000000000", "AT_TIMESTAMP", Timestamp=sim.now + timedelta(seconds=1)
        )
    with pytest.raises(InvalidArgumentException, match="It encodes shardId-000000000000"):
        _iterator(client, "shardId-000000000001", "AT_SEQUENCE_NUMBER", StartingSequenceNumber=sn)
    with pytest.raises(ResourceNotFoundException, match="shardId-000000000009"):
        _iterator(client, "shardId-000000000009")
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="77")
    assert _iterator(client, "shardId-0", "AT_SEQUENCE_NUMBER", StartingSequenceNumber=sn)


def test_e8_latest_trim_horizon_and_at_timestamp_positions() -> None:
    """E.8: LATEST = after the newest at issue; TRIM_HORIZON = oldest retained; AT_TIMESTAMP =
    first record arrived at or after T."""
    sim, client = stream(1)
    client.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    sim.advance(seconds=5)
    middle = sim.now
    latest = _iterator(client, "shardId-000000000000", "LATEST")
    client.put_record(StreamName="s", Data=b"new", PartitionKey="k")
    read = lambda it: [r["Data"] for r in client.get_records(ShardIterator=it)["Records"]]  # noqa: E731
    assert read(latest) == [b"new"]
    assert read(_iterator(client, "shardId-000000000000")) == [b"old", b"new"]
    assert read(_iterator(client, "shardId-000000000000", "AT_TIMESTAMP", Timestamp=middle)) == [
        b"new"
    ]
    sim.advance(hours=24, seconds=-4)  # the first record is past retention, the second is not
    assert read(_iterator(client, "shardId-000000000000")) == [b"new"]


def test_e9_split_shard_needs_a_key_strictly_inside_and_opens_two_children() -> None:
    """E.9: Start+1 < NewStartingHashKey < End; children [Start, K-1] (lower index) and [K, End]."""
    _, client = stream(1)
    for bad in ("0", "1", str(SPACE - 1)):
        with pytest.raises(InvalidArgumentException, match="is not both greater than one plus"):
            client.split_shard(
                StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=bad
            )
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="2")
    parent, lower, upper = shards(client)
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    assert lower["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": "1"}
    assert upper["HashKeyRange"] == {"StartingHashKey": "2", "EndingHashKey": str(SPACE - 1)}
    assert lower["ParentShardId"] == upper["ParentShardId"] == "shardId-000000000000"
    assert "AdjacentParentShardId" not in lower
    assert "AdjacentParentShardId" not in upper
    with pytest.raises(InvalidArgumentException, match="has already been merged or split"):
        client.split_shard(
            StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="9"
        )


def test_e10_merge_shards_takes_the_lower_range_first() -> None:
    """E.10: ShardToMerge is the lower range and adjacent; the child names it as ParentShardId
    and the other as AdjacentParentShardId; its range is the union."""
    _, client = stream(3)
    with pytest.raises(InvalidArgumentException, match="not an adjacent pair"):
        client.merge_shards(
            StreamName="s",
            ShardToMerge="shardId-000000000001",
            AdjacentShardToMerge="shardId-000000000000",
        )
    with pytest.raises(InvalidArgumentException, match="not an adjacent pair"):
        client.merge_shards(
            StreamName="s",
            ShardToMerge="shardId-000000000000",
            AdjacentShardToMerge="shardId-000000000002",
        )
    client.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000000",
        AdjacentShardToMerge="shardId-000000000001",
    )
    first, second, _, child = shards(client)
    assert child["ParentShardId"] == "shardId-000000000000"
    assert child["AdjacentParentShardId"] == "shardId-000000000001"
    assert child["HashKeyRange"] == {
        "StartingHashKey": first["HashKeyRange"]["StartingHashKey"],
        "EndingHashKey": second["HashKeyRange"]["EndingHashKey"],
    }


def test_e11_a_reshard_keeps_the_stream_updating_and_writes_on_the_parent() -> None:
    """E.11: UPDATING until the switch; another reshard meanwhile is ResourceInUseException;
    reads and writes continue, on the old shards."""
    sim, client = stream(1, delay=timedelta(seconds=30))
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="99")
    summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
    assert summary["StreamStatus"] == "UPDATING"
    with pytest.raises(ResourceInUseException, match="not ACTIVE, instead in state UPDATING"):
        client.update_shard_count(StreamName="s", TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert [s["ShardId"] for s in shards(client)] == ["shardId-000000000000"]
    assert (
        client.put_record(StreamName="s", Data=b"", PartitionKey="a")["ShardId"]
        == "shardId-000000000000"
    )
    sim.advance(seconds=30)
    assert client.describe_stream(StreamName="s")["StreamDescription"]["StreamStatus"] == "ACTIVE"
    assert (
        client.put_record(StreamName="s", Data=b"", PartitionKey="a")["ShardId"]
        != "shardId-000000000000"
    )


def test_e12_data_stays_in_the_parent_until_it_expires() -> None:
    """E.12: data never moves between shards; a parent stays readable until retention ends, then
    it leaves DescribeStream and ListShards."""
    sim, client = stream(1)
    client.put_record(StreamName="s", Data=b"before", PartitionKey="k")
    client.split_shard(StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="99")
    child = client.put_record(StreamName="s", Data=b"after", PartitionKey="k")["ShardId"]
    assert [r["Data"] for r in drain(client, "shardId-000000000000")[0]] == [b"before"]
    assert [r["Data"] for r in drain(client, child)[0]] == [b"after"]
    sim.advance(hours=24, milliseconds=1)
    listed = [s["ShardId"] for s in shards(client)]
    assert "shardId-000000000000" not in listed
    assert child in listed
    described = client.describe_stream(StreamName="s")["StreamDescription"]["Shards"]
    assert "shardId-000000000000" not in [s["ShardId"] for s in described]


def test_e13_reading_parents_before_children_keeps_per_key_order() -> None:
    """E.13: a consumer that finishes every parent (both, for a merge) before a child reads each
    partition key's records in write order."""
    _, client = stream(2)
    written: list[bytes] = []

    def put(n: int) -> None:
        for i in range(n):
            data = b"%d" % len(written)
            written.append(data)
            client.put_record(StreamName="s", Data=data, PartitionKey=f"k{i % 5}")

    put(20)
    client.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000001", NewStartingHashKey=str(3 << 126)
    )
    put(20)
    client.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000000",
        AdjacentShardToMerge="shardId-000000000002",
    )
    put(20)
    listed = {s["ShardId"]: s for s in shards(client)}
    done: set[str] = set()
    seen: dict[str, list[int]] = {}
    while len(done) < len(listed):
        for shard_id, shard in listed.items():
            parents = {shard.get("ParentShardId"), shard.get("AdjacentParentShardId")} - {None}
            if shard_id in done or not parents <= done:
                continue
            for record in drain(client, shard_id)[0]:
                seen.setdefault(record["PartitionKey"], []).append(int(record["Data"]))
            done.add(shard_id)
    assert all(order == sorted(order) for order in seen.values())
    assert sum(len(v) for v in seen.values()) == len(written)


def test_e14_put_records_answers_each_entry_in_order() -> None:
    """E.14: 1-500 entries; same length and order; per-entry success or failure (throttling);
    FailedRecordCount counts the failures."""
    _, client = stream(2, limits=True)
    a = {"Data": b"x", "PartitionKey": "a"}
    with pytest.raises(ValidationException, match="less than or equal to 500"):
        client.put_records(StreamName="s", Records=[a] * 501)
    response = checked(client, "put_records", StreamName="s", Records=[a] * 500)
    assert response["FailedRecordCount"] == 0
    assert len(response["Records"]) == 500
    second = checked(
        client,
        "put_records",
        StreamName="s",
        Records=[{"Data": b"y", "PartitionKey": "b"}, *[a] * 499],
    )
    assert second["FailedRecordCount"] == 0
    assert second["Records"][0]["ShardId"] == "shardId-000000000001"  # "b" goes elsewhere
    third = checked(client, "put_records", StreamName="s", Records=[a, a, a])
    assert third["FailedRecordCount"] == 2  # the 1001st and 1002nd "a" within one second
    ok, *failures = third["Records"]
    assert ok["ShardId"] == "shardId-000000000000"
    assert "ErrorCode" not in ok
    for failure in failures:
        assert failure["ErrorCode"] == "ProvisionedThroughputExceededException"
        assert failure["ErrorMessage"].startswith("Rate exceeded for shard shardId-000000000000")
        assert "SequenceNumber" not in failure


def test_e15_throughput_limits_are_token_buckets_in_virtual_time() -> None:
    """E.15: 1,000 records/s and 1 MiB/s of writes, 5 calls/s of reads per shard; a 10 MiB read
    throttles the next seconds; the setting turns the limits off."""
    sim, client = stream(1, limits=True)
    for _ in range(1_000):
        client.put_record(StreamName="s", Data=b"", PartitionKey="k")
    with pytest.raises(ProvisionedThroughputExceededException, match="Rate exceeded for shard"):
        client.put_record(StreamName="s", Data=b"", PartitionKey="k")
    sim.advance(milliseconds=1)  # one record's worth refilled
    client.put_record(StreamName="s", Data=b"", PartitionKey="k")
    sim.advance(seconds=1)
    client.put_record(StreamName="s", Data=b"x" * (1024 * 1024 - 1), PartitionKey="k")
    with pytest.raises(ProvisionedThroughputExceededException):
        client.put_record(StreamName="s", Data=b"x" * 10, PartitionKey="k")
    iterator = _iterator(client, "shardId-000000000000", "LATEST")
    for _ in range(5):
        client.get_records(ShardIterator=iterator)
    with pytest.raises(ProvisionedThroughputExceededException, match="Rate exceeded for Shard"):
        client.get_records(ShardIterator=iterator)
    free, unlimited = stream(1, limits=False)
    for _ in range(2_000):
        unlimited.put_record(StreamName="s", Data=b"", PartitionKey="k")
    assert free.kinesis_settings == KinesisSettings(throughput_limits=False)


def test_e15_a_ten_mib_read_blocks_the_shard_for_seconds() -> None:
    """E.15: after a call returning 10 MiB, the shard's reads are throttled for about 5 s."""
    sim, client = stream(1, limits=True)
    for _ in range(10):
        sim.advance(seconds=1)
        client.put_record(StreamName="s", Data=b"x" * (1024 * 1024 - 1), PartitionKey="k")
    iterator = _iterator(client, "shardId-000000000000")
    assert len(client.get_records(ShardIterator=iterator)["Records"]) == 10
    sim.advance(seconds=3)
    with pytest.raises(ProvisionedThroughputExceededException):
        client.get_records(ShardIterator=iterator)
    sim.advance(seconds=2)
    client.get_records(ShardIterator=iterator)


def test_e16_retention_moves_only_in_its_direction() -> None:
    """E.16: 24 h default, 24-8760; Increase >= current, Decrease <= current; expired data stays
    expired when retention grows."""
    sim, client = stream(1)
    described = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
    assert described["RetentionPeriodHours"] == 24
    with pytest.raises(InvalidArgumentException, match="Minimum allowed retention period is 24"):
        client.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=23)
    with pytest.raises(InvalidArgumentException, match="Maximum allowed retention period is 8760"):
        client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=8761)
    client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=48)
    with pytest.raises(InvalidArgumentException, match="Use IncreaseRetentionPeriod API"):
        client.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=72)
    with pytest.raises(InvalidArgumentException, match="Use DecreaseRetentionPeriod API"):
        client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=25)
    client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=48)  # equal: ok
    client.put_record(StreamName="s", Data=b"a", PartitionKey="k")
    sim.advance(hours=30)
    client.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=24)
    assert drain(client, "shardId-000000000000")[0] == []
    client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=72)
    assert drain(client, "shardId-000000000000")[0] == []


def test_e17_update_shard_count_limits_and_uniform_layout() -> None:
    """E.17: target within [half, double], PROVISIONED only, 10 per 24 h; the open shards end
    with uniform ranges (a doubling splits each shard in half)."""
    sim, client = stream(4)
    with pytest.raises(InvalidArgumentException, match="between half and double"):
        client.update_shard_count(StreamName="s", TargetShardCount=9, ScalingType="UNIFORM_SCALING")
    with pytest.raises(InvalidArgumentException, match="between half and double"):
        client.update_shard_count(StreamName="s", TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    answer = checked(
        client,
        "update_shard_count",
        StreamName="s",
        TargetShardCount=8,
        ScalingType="UNIFORM_SCALING",
    )
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (4, 8)
    opened = list(shards(client, ShardFilter={"Type": "AT_LATEST"}))
    step = SPACE // 8
    assert [int(s["HashKeyRange"]["StartingHashKey"]) for s in opened] == [
        i * step for i in range(8)
    ]
    assert [s["ShardId"] for s in opened] == [f"shardId-{i:012d}" for i in range(4, 12)]
    assert [s["ParentShardId"] for s in opened] == [f"shardId-{i // 2:012d}" for i in range(8)]
    for target in (5, 7, 4, 6, 3, 5, 4, 3, 6):  # with the first, 10 in one day
        client.update_shard_count(
            StreamName="s", TargetShardCount=target, ScalingType="UNIFORM_SCALING"
        )
        opened = shards(client, ShardFilter={"Type": "AT_LATEST"})
        starts = sorted(int(s["HashKeyRange"]["StartingHashKey"]) for s in opened)
        assert starts == [i * (SPACE // target) for i in range(target)]
    with pytest.raises(LimitExceededException, match="10 scaling operations"):
        client.update_shard_count(StreamName="s", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    sim.advance(hours=24)
    client.update_shard_count(StreamName="s", TargetShardCount=4, ScalingType="UNIFORM_SCALING")


def test_e18_on_demand_streams_start_with_four_shards_and_refuse_resharding() -> None:
    """E.18: ON_DEMAND: 4 shards, no ShardCount; Split/Merge/UpdateShardCount are
    ValidationException."""
    sim = Simulation(seed=1)
    client = sim.client("kinesis")
    with pytest.raises(InvalidArgumentException, match="ShardCount is not expected"):
        client.create_stream(
            StreamName="od", ShardCount=2, StreamModeDetails={"StreamMode": "ON_DEMAND"}
        )
    client.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert len(shards(client, "od")) == 4
    summary = client.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    with pytest.raises(ValidationException, match="provisioned capacity mode"):
        client.split_shard(
            StreamName="od", ShardToSplit="shardId-000000000000", NewStartingHashKey="9"
        )
    with pytest.raises(ValidationException, match="provisioned capacity mode"):
        client.merge_shards(
            StreamName="od",
            ShardToMerge="shardId-000000000000",
            AdjacentShardToMerge="shardId-000000000001",
        )
    with pytest.raises(ValidationException, match="provisioned capacity mode"):
        client.update_shard_count(
            StreamName="od", TargetShardCount=8, ScalingType="UNIFORM_SCALING"
        )
    with pytest.raises(InvalidArgumentException, match="ShardCount is required"):
        client.create_stream(StreamName="p")


def test_e19_record_wire_shape_is_pascal_case_base64_and_epoch_seconds() -> None:
    """E.19: on the wire a record is SequenceNumber, ApproximateArrivalTimestamp (epoch seconds
    with milliseconds), Data (base64) and PartitionKey."""
    import json

    from streamsim._sdk._adapter import Adapter

    sim, client = stream(1)
    sim.advance(milliseconds=987)
    sn = client.put_record(StreamName="s", Data=b"\x00hi", PartitionKey="k")["SequenceNumber"]
    iterator = _iterator(client, "shardId-000000000000")
    adapter = Adapter(sim.client)
    response = adapter.handle(
        "POST",
        "/",
        "",
        {"x-amz-target": "Kinesis_20131202.GetRecords"},
        json.dumps({"ShardIterator": iterator}).encode(),
    )
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    record = json.loads(response.body)["Records"][0]
    assert record == {
        "SequenceNumber": sn,
        "ApproximateArrivalTimestamp": sim.now_ms / 1000,
        "Data": "AGhp",
        "PartitionKey": "k",
    }
    error = adapter.handle(
        "POST", "/", "", {"x-amz-target": "Kinesis_20131202.GetRecords"}, b'{"ShardIterator": "x"}'
    )
    assert json.loads(error.body) == {
        "__type": "InvalidArgumentException",
        "message": "Invalid ShardIterator.",
    }


def test_e15_get_shard_iterator_is_limited_to_five_calls_per_second() -> None:
    """E.15 (and K.14): a sixth GetShardIterator for one shard within a second is throttled."""
    sim, client = stream(2, limits=True)
    for _ in range(5):
        _iterator(client, "shardId-000000000000")
    with pytest.raises(ProvisionedThroughputExceededException, match="5 GetShardIterator"):
        _iterator(client, "shardId-000000000000")
    _iterator(client, "shardId-000000000001")  # another shard has its own budget
    sim.advance(milliseconds=200)
    _iterator(client, "shardId-000000000000")
