"""Invariants of Kinesis streams under any sequence of writes, reshards and time.

Hypothesis draws a workload (puts with and without ExplicitHashKey, splits at any key, merges
of any pair, UpdateShardCount to any target, time passing) and applies it through the client;
calls AWS would refuse are refused and change nothing.  After every workload: the open shards
tile the hash space, sequence numbers strictly increase per shard and are unique, and a
consumer walking the lineage (parents first) reads every record exactly once, in per-key
order.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from streamsim._errors import StreamsimError

from .support import SPACE, stream

_OPS = st.one_of(
    st.tuples(st.just("put"), st.integers(0, 30), st.none() | st.integers(0, SPACE - 1)),
    st.tuples(st.just("split"), st.integers(0, 40), st.integers(0, SPACE - 1)),
    st.tuples(st.just("merge"), st.integers(0, 40), st.integers(0, 40)),
    st.tuples(st.just("scale"), st.integers(1, 12), st.just(None)),
    st.tuples(st.just("advance"), st.integers(0, 90_000), st.just(None)),
)


def _apply(
    sim: Any,
    client: Any,
    op: tuple[str, int, Any],
    log: list[tuple[str, bytes]],
    strict: bool = False,
) -> None:
    kind, a, b = op
    ids = [f"shardId-{i:012d}" for i in range(41)]
    try:
        if kind == "put":
            data = b"%d" % len(log)
            # order holds per hash key: a record routed by ExplicitHashKey gets a key of its own
            key = f"k{a}" if b is None else f"explicit{len(log)}"
            params: dict[str, Any] = {"StreamName": "s", "Data": data, "PartitionKey": key}
            if b is not None:
                params["ExplicitHashKey"] = str(b)
            client.put_record(**params)
            log.append((key, data))
        elif kind == "split":
            client.split_shard(StreamName="s", ShardToSplit=ids[a], NewStartingHashKey=str(b))
        elif kind == "merge":
            client.merge_shards(StreamName="s", ShardToMerge=ids[a], AdjacentShardToMerge=ids[b])
        elif kind == "scale":
            client.update_shard_count(
                StreamName="s", TargetShardCount=a, ScalingType="UNIFORM_SCALING"
            )
        else:
            sim.advance(milliseconds=a)
    except StreamsimError:
        if strict:
            raise
        # refused: the invariants below must hold all the same


def _listed(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("describe_stream").paginate(StreamName="s")
    return list(pages.build_full_result()["StreamDescription"]["Shards"])


def _read(client: Any, shard_id: str) -> list[dict[str, Any]]:
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    out: list[dict[str, Any]] = []
    while iterator is not None:
        page = client.get_records(ShardIterator=iterator, Limit=7)
        out += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"] and iterator is not None:
            break  # an open shard read to its tip
    return out


@given(ops=st.lists(_OPS, max_size=40), count=st.integers(1, 5))
def test_open_shards_always_tile_the_hash_space(ops: list[Any], count: int) -> None:
    """After any reshards, the open shards' inclusive ranges cover [0, 2^128) exactly once."""
    sim, client = stream(count)
    for op in ops:
        _apply(sim, client, op, [])
        opened = client.list_shards(StreamName="s", ShardFilter={"Type": "AT_LATEST"})["Shards"]
        ranges = sorted(
            (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
            for s in opened
        )
        expected = 0
        for start, end in ranges:
            assert start == expected
            assert end >= start
            expected = end + 1
        assert expected == SPACE
    sim._check()


@given(ops=st.lists(_OPS, max_size=60), count=st.integers(1, 4))
def test_every_record_is_read_once_walking_lineage(ops: list[Any], count: int) -> None:
    """Parents first, every retained record is read exactly once, per-key in write order, with
    sequence numbers strictly increasing per shard and unique in the stream."""
    sim, client = stream(count)
    log: list[tuple[str, bytes]] = []
    for op in ops:
        _apply(sim, client, op, log)
    listed = {s["ShardId"]: s for s in _listed(client)}
    done: set[str] = set()
    seen: list[tuple[str, bytes]] = []
    numbers: list[int] = []
    while len(done) < len(listed):
        for shard_id, shard in listed.items():
            parents = {shard.get("ParentShardId"), shard.get("AdjacentParentShardId")}
            if shard_id in done or not (parents & set(listed)) <= done:
                continue
            records = _read(client, shard_id)
            sns = [int(r["SequenceNumber"]) for r in records]
            assert sns == sorted(set(sns))
            ending = shard["SequenceNumberRange"].get("EndingSequenceNumber")
            assert ending is None or all(sn < int(ending) for sn in sns)
            numbers += sns
            seen += [(r["PartitionKey"], r["Data"]) for r in records]
            done.add(shard_id)
    assert len(numbers) == len(set(numbers))
    assert sorted(seen) == sorted(log)  # nothing expires within these workloads (< 1 h)
    for key in {k for k, _ in log}:
        assert [d for k, d in seen if k == key] == [d for k, d in log if k == key]
    sim._check()


def _snapshot(sim: Any, client: Any) -> Any:
    """Everything a caller can observe of stream ``s`` (shards, summary, tags, records held)."""
    summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
    shards = client.list_shards(StreamName="s")["Shards"]
    tags = client.list_tags_for_stream(StreamName="s", Limit=50)["Tags"]
    model = sim._model.kinesis.stream("s")
    held = [(s.shard_id, s.first_position, s.end_position) for s in model.all_shards]
    return summary, shards, tags, held


_REJECTABLE = st.one_of(
    _OPS,
    st.tuples(st.just("retention"), st.integers(0, 9_000), st.booleans()),
    st.tuples(st.just("tags"), st.integers(0, 60), st.just(None)),
)


@given(ops=st.lists(_REJECTABLE, max_size=30))
def test_a_rejected_call_changes_nothing(ops: list[Any]) -> None:
    """Whatever a refused call was (bad key, pair, target, retention, tags), nothing changed."""
    sim, client = stream(2, limits=True)
    for op in ops:
        kind, a, b = op
        before = _snapshot(sim, client)
        try:
            if kind == "retention":
                method = "increase" if b else "decrease"
                getattr(client, f"{method}_stream_retention_period")(
                    StreamName="s", RetentionPeriodHours=a
                )
            elif kind == "tags":
                client.add_tags_to_stream(StreamName="s", Tags={f"t{i}": "v" for i in range(a)})
            else:
                _apply_strict(sim, client, op)
        except StreamsimError:
            assert _snapshot(sim, client) == before
    sim._check()


def _apply_strict(sim: Any, client: Any, op: tuple[str, int, Any]) -> None:
    """:func:`_apply` without swallowing refusals."""
    kind, a, _ = op
    if kind == "put" and a > 25:  # a burst: PutRecords of 600 is refused whole
        client.put_records(StreamName="s", Records=[{"Data": b"", "PartitionKey": "k"}] * 501)
    _apply(sim, client, op, [], strict=True)
