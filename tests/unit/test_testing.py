"""``streamsim.testing``: the lineage-following reader, the write log and the history checks.

The checks are exercised on real reads (valid) and on doctored ones, one per anomaly kind,
to pin the verdict, the witness and the explanation.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from streamsim._errors import LimitExceededException
from streamsim._simulation import Simulation
from streamsim._streams._stream import StreamSettings
from streamsim.testing import (
    Change,
    ShardRead,
    StreamRead,
    WriteLog,
    check_children_after_parents,
    check_exactly_once,
    check_item_order,
    check_sequence_numbers,
    check_stream_history,
    read_stream,
)


def scenario(**settings: Any) -> tuple[Simulation, Any, WriteLog]:
    """Two partitions, writes before and after a rotation and a split."""
    sim = Simulation(seed=9, stream_settings=StreamSettings(**settings))
    table = sim.create_table(
        "orders", hash_key="pk", partitions=2, stream_view_type="NEW_AND_OLD_IMAGES"
    )
    log = WriteLog(table)
    for i in range(6):
        table.put_item(Item={"pk": f"k{i % 3}", "n": i})
    sim.advance(hours=4)
    table.split_partition(0)
    for i in range(6, 12):
        table.put_item(Item={"pk": f"k{i % 3}", "n": i})
    table.delete_item(Key={"pk": "k0"})
    return sim, table, log


def doctored(read: StreamRead, shards: list[ShardRead]) -> StreamRead:
    return StreamRead(read.stream_arn, read.view_type, shards)


def test_read_stream_reads_every_shard_parents_first_through_the_client() -> None:
    """read_stream reads each listed shard once, every parent before its children."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    assert len(read) == len(log) == 13
    assert read.view_type == "NEW_AND_OLD_IMAGES"
    order = [s.shard_id for s in read.shards]
    assert sorted(order) == [s.shard_id for s in table.stream.shards]
    for shard in read.shards:
        if shard.parent_shard_id in order:
            assert order.index(shard.parent_shard_id) < order.index(shard.shard_id)
    assert check_stream_history(read, log).valid


def test_read_stream_accepts_a_client_and_small_pages() -> None:
    """read_stream takes a boto3-shaped client as well as a Simulation, and any Limit."""
    sim, table, _ = scenario()
    client = sim.client("dynamodbstreams")
    read = read_stream(client, table.latest_stream_arn, limit=1)
    assert [r["eventID"] for r in read] == [
        r["eventID"] for r in read_stream(sim, table.latest_stream_arn)
    ]


def test_read_stream_raises_what_the_api_raises() -> None:
    """A third read of the same shards within a second meets the strict reader limit; by
    default (rule F.7) three back-to-back reads pass and only sustained ones are refused."""
    sim, table, _ = scenario(reader_throttle="strict")
    read_stream(sim, table.latest_stream_arn)
    read_stream(sim, table.latest_stream_arn)
    with pytest.raises(LimitExceededException):
        read_stream(sim, table.latest_stream_arn)
    sim, table, _ = scenario()
    first = read_stream(sim, table.latest_stream_arn)
    assert read_stream(sim, table.latest_stream_arn) == first
    assert read_stream(sim, table.latest_stream_arn) == first

    def sustained() -> None:
        for _ in range(10):
            read_stream(sim, table.latest_stream_arn)

    with pytest.raises(LimitExceededException):
        sustained()


def test_write_log_records_committed_changes_with_their_stream() -> None:
    """WriteLog holds every committed change, not no-ops, with the stream enabled then."""
    sim = Simulation(seed=1)
    table = sim.create_table("orders", hash_key="pk")
    log = WriteLog(table)
    table.put_item(Item={"pk": "a"})
    table.put_item(Item={"pk": "a"})  # no change
    stream = table.enable_stream("KEYS_ONLY")
    table.delete_item(Key={"pk": "a"})
    table.delete_item(Key={"pk": "a"})  # nothing to delete
    assert [(c.event_name, c.stream_arn, c.index) for c in log] == [
        ("INSERT", None, 0),
        ("REMOVE", stream.arn, 1),
    ]
    assert log.for_stream(stream.arn) == [log.changes[1]]
    log.detach()
    table.put_item(Item={"pk": "b"})
    assert len(log) == 2


def test_lost_change_is_reported_with_the_change_as_witness() -> None:
    """A record missing from the read is a 'lost' anomaly naming the write."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    result = check_exactly_once([r for r in read if r["eventName"] != "REMOVE"], log.changes)
    assert not result.valid
    (anomaly,) = result.anomalies
    assert anomaly.kind == "lost"
    assert anomaly.witness["change"]["index"] == 12
    assert "write #12 (REMOVE of {'pk': {'S': 'k0'}}) never appeared" in result.explanation


def test_duplicate_record_is_reported() -> None:
    """A record read twice is a 'duplicated' anomaly."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    result = check_exactly_once([*read, read[0]], log.changes)
    assert [a.kind for a in result.anomalies] == ["duplicated"]
    assert result.witness is not None
    assert result.witness["record"]["SequenceNumber"] == read[0]["dynamodb"]["SequenceNumber"]


def test_unexpected_record_is_reported() -> None:
    """A record that matches no write is 'unexpected' (changes without sequence numbers)."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    made_up = {**read[0], "eventName": "REMOVE"}
    by_content = [attrs.evolve(c, sequence_number=None) for c in log.changes]
    result = check_exactly_once([*read[1:], made_up], by_content)
    assert sorted(a.kind for a in result.anomalies) == ["lost", "unexpected"]


def test_record_with_a_writes_number_but_other_content_is_mismatched() -> None:
    """A record carrying a write's sequence number but not its content is 'mismatched'."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    made_up = {**read[0], "eventName": "REMOVE"}
    result = check_exactly_once([*read[1:], made_up], log.changes)
    assert [a.kind for a in result.anomalies] == ["mismatched"]


def test_a_b_a_history_read_backwards_is_reordered_even_keys_only() -> None:
    """An item's A-B-A-B changes read in reverse are caught: records match by sequence number.

    With KEYS_ONLY every MODIFY of one item looks alike; matched by content (the old way),
    any order of them passed.
    """
    sim = Simulation(seed=3)
    table = sim.create_table("aba", hash_key="pk", stream_view_type="KEYS_ONLY")
    log = WriteLog(table)
    for value in (1, 2, 1, 2):
        table.put_item(Item={"pk": "x", "v": value})
    read = list(read_stream(sim, table.latest_stream_arn))
    assert check_stream_history(read, log).valid
    backwards = [read[0], *reversed(read[1:])]  # the INSERT, then the three MODIFYs reversed
    result = check_item_order(backwards, log)
    assert [a.kind for a in result.anomalies] == ["reordered"]
    assert check_exactly_once(backwards, log).valid


def test_plain_list_expects_only_changes_made_while_a_stream_existed() -> None:
    """Given a plain list of records, writes made while the table had no stream are not expected."""
    sim = Simulation(seed=3)
    table = sim.create_table("nostream", hash_key="pk")
    log = WriteLog(table)
    table.put_item(Item={"pk": "before"})
    sim.client("dynamodb").update_table(
        TableName="nostream",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    table.put_item(Item={"pk": "after"})
    read = list(read_stream(sim, table.latest_stream_arn))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read] == ["after"]
    result = check_stream_history(read, log)
    assert result.valid, result.explanation


def test_reordered_changes_of_one_item_are_reported() -> None:
    """Two changes of one item read in the wrong order are 'reordered', both in the witness."""
    sim, table, log = scenario()
    read = list(read_stream(sim, table.latest_stream_arn))
    k0 = [i for i, r in enumerate(read) if r["dynamodb"]["Keys"] == {"pk": {"S": "k0"}}]
    read[k0[0]], read[k0[1]] = read[k0[1]], read[k0[0]]
    result = check_item_order(read, log.changes)
    (anomaly,) = result.anomalies
    assert anomaly.kind == "reordered"
    assert set(anomaly.witness) == {"read_first", "read_second"}
    assert check_exactly_once(read, log.changes).valid


def test_decreasing_sequence_numbers_in_a_shard_are_reported() -> None:
    """Records of one shard out of sequence-number order are 'sequence-not-increasing'."""
    sim, table, _ = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    shards = list(read.shards)
    busy = next(i for i, s in enumerate(shards) if len(s.records) >= 2)
    records = shards[busy].records
    shards[busy] = ShardRead(
        shard_id=shards[busy].shard_id,
        parent_shard_id=shards[busy].parent_shard_id,
        starting_sequence_number=shards[busy].starting_sequence_number,
        ending_sequence_number=shards[busy].ending_sequence_number,
        records=(records[1], records[0], *records[2:]),
    )
    result = check_sequence_numbers(doctored(read, shards))
    assert [a.kind for a in result.anomalies] == ["sequence-not-increasing"]


def test_child_read_before_its_parent_is_reported() -> None:
    """A shard read before its parent is 'child-before-parent'."""
    sim, table, _ = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    shards = list(read.shards)
    child = next(i for i, s in enumerate(shards) if s.parent_shard_id is not None)
    shards.insert(0, shards.pop(child))
    result = check_children_after_parents(doctored(read, shards))
    assert [a.kind for a in result.anomalies] == ["child-before-parent"]
    assert result.witness == {"child": shards[0].shard_id, "parent": shards[0].parent_shard_id}


def test_valid_result_explains_itself() -> None:
    """A valid result says so, has no witness, and is truthy."""
    sim, table, log = scenario()
    result = check_stream_history(read_stream(sim, table.latest_stream_arn), log)
    assert result.valid
    assert bool(result)
    assert result.witness is None
    assert result.explanation == "valid: every check passed"


def test_checks_accept_a_plain_change_list() -> None:
    """check_stream_history takes the expected changes as a plain list (or any iterable)."""
    sim, table, log = scenario()
    read = read_stream(sim, table.latest_stream_arn)
    assert check_stream_history(read, iter(log.changes)).valid
    assert isinstance(log.changes[0], Change)
