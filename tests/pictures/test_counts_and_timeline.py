"""stream.counts() (listed vs open shards) and the mapping and function timelines."""

from __future__ import annotations

from datetime import timedelta

from streamsim import Simulation

from .scenarios import check_golden, lab, throttled


def _counts_at(rows: list[dict[str, object]], elapsed: timedelta) -> tuple[object, object]:
    """(listed, open) in force at ``elapsed`` after the stream was enabled."""
    current = rows[0]
    for row in rows:
        if row["elapsed"] <= elapsed:  # type: ignore[operator]
            current = row
    return current["listed"], current["open"]


def test_24_shards_listed_at_2359_and_28_from_2400() -> None:
    """The lab's teaching point: 24 listed at 23:59, 28 from 24:00 on, 4 open throughout."""
    sim, table, _ = lab()
    sim.advance(hours=3)
    rows = table.stream.counts_table()
    assert _counts_at(rows, timedelta(hours=23, minutes=59)) == (24, 4)
    assert _counts_at(rows, timedelta(hours=24)) == (28, 4)
    assert _counts_at(rows, timedelta(hours=26)) == (28, 4)
    assert {row["open"] for row in rows} == {4}


def test_counts_agree_with_describe_stream() -> None:
    """At every hour of a 30-hour run the counts table says what DescribeStream lists."""
    sim = Simulation(seed=4)
    table = sim.create_table("cnt", hash_key="pk", partitions=2, stream_view_type="KEYS_ONLY")
    streams = sim.client("dynamodbstreams")
    seen = []
    for hour in range(30):
        table.put_item(Item={"pk": f"k{hour % 3}", "n": hour})
        sim.advance(hours=1)
        shards = streams.describe_stream(StreamArn=table.latest_stream_arn)["StreamDescription"][
            "Shards"
        ]
        seen.append((sim.now, len(shards)))
    rows = table.stream.counts_table()
    for now, listed in seen:
        current = [row for row in rows if row["time"] <= now][-1]
        assert current["listed"] == listed, now


def test_counts_picture_matches_its_golden_file() -> None:
    """The lab's counts picture at 30 h (after the first 24 h) is as saved."""
    sim, table, _ = lab()
    sim.advance(hours=6, minutes=10)
    picture = table.stream.counts()
    assert "at 30h: 28 listed, 4 open" in picture.summary
    check_golden("lab_counts.svg", picture.to_svg())


def test_reserved_concurrency_1_runs_one_instance_and_throttles() -> None:
    """With reserved concurrency 1, the function never runs two instances; throttles pile up."""
    _, _, mapping = throttled()
    function = mapping.function
    rows = function.concurrency_table()
    assert max(row["instances"] for row in rows) == 1
    throttles = [e for e in mapping.history if e.kind == "throttled"]
    assert len(throttles) == mapping.metrics.throttles > 0
    assert "reserved concurrency 1" in mapping.timeline().to_svg()


def test_timelines_match_their_golden_files() -> None:
    """The throttled run's mapping and function timelines are as saved."""
    _, _, mapping = throttled()
    check_golden("throttled_mapping_timeline.svg", mapping.timeline().to_svg())
    check_golden("throttled_function_timeline.svg", mapping.function.timeline().to_svg())
    check_golden("throttled_timeline.mmd", mapping.timeline().to_mermaid())


def test_function_timeline_counts_every_source() -> None:
    """function.timeline() covers invocations of all its mappings."""
    _, _, mapping = throttled()
    function = mapping.function
    assert f"{function.invocations} invocations" in function.timeline().summary
