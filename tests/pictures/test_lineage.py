"""stream.lineage(): one bar per shard, in lanes, children starting where their parents end."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._pictures._palette import OPEN

from .scenarios import bars, check_golden, lab, split


@pytest.fixture(scope="module")
def lab_run():  # type: ignore[no-untyped-def]
    return lab()


def test_lab_lineage_has_24_bars_in_4_lanes_4_open(lab_run) -> None:  # type: ignore[no-untyped-def]
    """The lab at 23 h 50 min: 24 bars, in 4 lanes (one per partition), 4 of them open."""
    _, table, _ = lab_run
    found = bars(table.stream.lineage().to_svg())
    assert len(found) == 24
    assert len({b["y"] for b in found}) == 4
    assert sum(b["fill"] == OPEN for b in found) == 4


def test_lab_children_start_where_their_parents_end(lab_run) -> None:  # type: ignore[no-untyped-def]
    """Every child bar starts at the x where its parent's bar ends, in the parent's lane."""
    _, table, _ = lab_run
    found = {b["shard_id"]: b for b in bars(table.stream.lineage().to_svg())}
    children = [b for b in found.values() if b["parent_id"] is not None]
    assert len(children) == 20
    for child in children:
        parent = found[child["parent_id"]]
        assert child["x"] == pytest.approx(parent["x"] + parent["width"], abs=0.11)
        assert child["y"] == parent["y"]


def test_lab_lineage_matches_its_golden_files(lab_run) -> None:  # type: ignore[no-untyped-def]
    """The lab's lineage SVG (with Lambda lanes), Mermaid and text are byte-for-byte as saved."""
    _, table, mapping = lab_run
    stream = table.stream
    check_golden("lab_lineage.svg", stream.lineage().to_svg())
    check_golden("lab_lineage_lambda.svg", stream.lineage(readers=mapping).to_svg())
    check_golden("lab_lineage.mmd", stream.lineage().to_mermaid())
    check_golden("lab_lineage.txt", stream.lineage_text() + "\n")


def test_lab_lambda_lanes_show_one_instance_per_shard(lab_run) -> None:  # type: ignore[no-untyped-def]
    """At most 4 instances read the lab's stream, and each keeps its partition's chain."""
    _, table, mapping = lab_run
    rows = mapping.invocations_table()
    assert {row["instance"] for row in rows} == {1, 2, 3, 4}
    partition_of = {row["shard_id"]: row["partition"] for row in table.stream.shards_table()}
    lanes = {(row["instance"], partition_of[row["shard_id"]]) for row in rows}
    assert len(lanes) == 4  # an instance stays with one partition's shards


def test_split_forks_one_lane_into_two() -> None:
    """By hash range, a split's two children each take half of the parent's lane height."""
    _, table = split()
    found = {b["shard_id"]: b for b in bars(table.stream.lineage().to_svg())}
    forks = Counter(b["parent_id"] for b in found.values() if b["parent_id"] is not None)
    parents = [p for p, n in forks.items() if n == 2]
    assert len(parents) == 2
    for parent_id in parents:
        parent = found[parent_id]
        kids = sorted(
            (b for b in found.values() if b["parent_id"] == parent_id), key=lambda b: b["y"]
        )
        # the two halves tile the parent's band (bars are inset 3 px each side)
        assert kids[0]["y"] == pytest.approx(parent["y"], abs=0.11)
        assert kids[1]["y"] + kids[1]["height"] == pytest.approx(
            parent["y"] + parent["height"], abs=0.11
        )
        assert kids[0]["height"] < parent["height"] / 2


def test_split_lineage_matches_its_golden_files() -> None:
    """The split's lineage (by hash and by partition) and Mermaid are as saved."""
    _, table = split()
    stream = table.stream
    check_golden("split_lineage.svg", stream.lineage().to_svg())
    check_golden("split_lineage_by_partition.svg", stream.lineage(by="partition").to_svg())
    check_golden("split_lineage.mmd", stream.lineage().to_mermaid())


def test_partition_lanes_are_in_numeric_order() -> None:
    """By partition, lanes run 0, 1, 2, ... from the top, whatever the hash order."""
    _, table = split()
    found = bars(table.stream.lineage(by="partition").to_svg())
    rows = {row["shard_id"]: row["partition"] for row in table.stream.shards_table()}
    by_y = sorted({(b["y"], rows[b["shard_id"]]) for b in found})
    assert [p for _, p in by_y] == sorted(p for _, p in by_y)


def test_lineage_outlives_retention() -> None:
    """After 7 days, day 1's shards are still drawn (faded: no longer listed)."""
    sim = Simulation(seed=1)
    table = sim.create_table("week", hash_key="pk", partitions=2, stream_view_type="KEYS_ONLY")
    for hour in range(7 * 24):
        table.put_item(Item={"pk": f"k{hour % 5}", "n": hour})
        sim.advance(hours=1)
    stream = table.stream
    assert len(stream.shards) < 20  # DescribeStream forgot day 1
    found = bars(stream.lineage().to_svg())
    # every shard ever opened: 2 partitions, a rotation every 4 h, the last one at 168 h
    assert len(found) == 2 * (7 * 6 + 1)
    assert sum(b["faded"] for b in found) == len(found) - len(stream.shards)


def test_lineage_rejects_an_unknown_layout() -> None:
    """by= must be 'hash' or 'partition'."""
    _, table = split()
    with pytest.raises(ValueError, match="'hash' or 'partition'"):
        table.stream.lineage(by="time")


def test_lineage_can_show_a_span_of_time() -> None:
    """since= / until= draw only part of the run; bars outside it are clipped to the edges."""
    sim, table = split()
    start = sim.now - timedelta(hours=4)
    svg = table.stream.lineage(since=start).to_svg()
    assert 'x="96"' in svg  # bars begin at the left edge of the plot
    assert ">now<" in svg


def test_a_window_ending_before_now_has_no_now_line() -> None:
    """lineage(until=...) in the past draws no "now" line at its right edge."""
    sim, table = split()
    earlier = table.stream.lineage(until=sim.now - timedelta(hours=1)).to_svg()
    assert ">now<" not in earlier
    assert ">now<" in table.stream.lineage().to_svg()


actions = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(min_value=1, max_value=9)),
        st.tuples(st.just("split"), st.integers(min_value=0, max_value=7)),
        st.tuples(st.just("write"), st.integers(min_value=0, max_value=40)),
    ),
    max_size=25,
)


@settings(deadline=None)
@given(partitions=st.integers(min_value=1, max_value=4), steps=actions)
def test_bar_count_is_shards_ever_created_and_children_follow_parents(
    partitions: int, steps: list[tuple[str, int]]
) -> None:
    """Any run: one bar per shard ever opened; each child starts at its parent's end."""
    sim = Simulation(seed=11)
    table = sim.create_table(
        "prop", hash_key="pk", partitions=partitions, stream_view_type="KEYS_ONLY"
    )
    model = sim._stream_by_arn(table.latest_stream_arn)
    assert model is not None
    opened = len(model.all_shards)
    counter = [opened]
    model.on_new_shard.append(lambda shard: counter.__setitem__(0, counter[0] + 1))
    for action, n in steps:
        if action == "advance":
            sim.advance(hours=n)
        elif action == "split":
            table.split_partition(n % len(table.partitions))
        else:
            table.put_item(Item={"pk": f"k{n}", "v": n})
    for by in ("hash", "partition"):
        found = {b["shard_id"]: b for b in bars(table.stream.lineage(by=by).to_svg())}
        assert len(found) == counter[0]
        for bar in found.values():
            parent = found.get(bar["parent_id"] or "")
            if parent is not None:
                assert bar["x"] == pytest.approx(parent["x"] + parent["width"], abs=0.11)
