"""What users look at: the invocation log, IteratorAge, event counts, peak concurrency (D.11)."""

from __future__ import annotations

import gc

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim._lambda._metrics import Invocation, IteratorAge
from tests.lambda_support import Recorder, attach, put, streamed


def test_invocation_log_entries() -> None:
    """Each invocation is logged with time, shard, first/last SN, size, attempt and outcome."""
    sim, table = streamed()
    calls = {"n": 0}

    def respond(event: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("first fails")

    mapping = attach(sim, Recorder(sim, respond), function={"duration": 0.05})
    put(table, "a", "b")
    sim.advance(seconds=5)
    first, second = mapping.invocation_log
    shard = sim.streams[0].shards[0]
    sns = [str(r.sequence_number) for r in shard.records]
    assert (first.shard_id, first.first_sequence_number, first.last_sequence_number) == (
        shard.shard_id,
        sns[0],
        sns[1],
    )
    assert (first.batch_size, first.attempt, first.outcome) == (2, 1, "function_error")
    assert first.error == "RuntimeError: first fails"
    assert first.end_ms - first.start_ms == 50
    assert (second.attempt, second.outcome, second.error) == (2, "success", None)
    assert second.start_ms == first.end_ms + 1000


def test_iterator_age_per_batch() -> None:
    """IteratorAge: age of the batch's last record when processing finished (D.11)."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None, function={"duration": 0.1})
    put(table, "a")
    sim.advance(milliseconds=100)
    put(table, "b")
    sim.advance(seconds=1)
    # a: written at 0, done at 100; b: written at 100, polled at 250, done at 350
    assert [sample.age_ms for sample in mapping.metrics.iterator_ages] == [100, 250]


def test_logged_entries_cost_the_garbage_collector_nothing() -> None:
    """The invocation log and IteratorAge samples are kept untracked by the cyclic collector,
    and read as Invocation and IteratorAge named tuples."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None)
    put(table, "a")
    sim.advance(seconds=1)
    put(table, "b")
    sim.advance(seconds=1)
    gc.collect()
    metrics = mapping.metrics
    rows = [*metrics.invocation_log.rows, *metrics.iterator_ages.rows]
    assert len(rows) == 4
    assert not any(gc.is_tracked(row) for row in rows)
    log, ages = list(metrics.invocation_log), list(metrics.iterator_ages)
    assert all(type(entry) is Invocation for entry in log)
    assert all(type(sample) is IteratorAge for sample in ages)
    assert metrics.invocation_log[-1] == log[-1]
    assert metrics.invocation_log[:1] == log[:1]
    assert list(reversed(metrics.iterator_ages)) == ages[::-1]


@settings(max_examples=30, deadline=None)
@given(gaps=st.lists(st.integers(0, 1_500), min_size=1, max_size=8), at=st.integers(-1, 9_000))
def test_entries_after_a_time_are_those_logged_later(gaps: list[int], at: int) -> None:
    """invocations_after(ms) and iterator_ages_after(ms) are the logs' entries stamped after
    ms (end_ms, at_ms), oldest first, as the logs themselves list them."""
    sim, table = streamed(invocation_log_limit=5)
    uuid = attach(sim, lambda e, c: None, function={"duration": 0.05}).uuid
    for n, gap in enumerate(gaps):
        put(table, f"k{n}")
        sim.advance(milliseconds=gap)
    sim.advance(seconds=2)
    metrics = sim.lambda_service.mapping(uuid).metrics
    ms = sim.now_ms - 10_000 + at
    assert metrics.invocations_after(ms) == [e for e in metrics.invocation_log if e.end_ms > ms]
    assert metrics.iterator_ages_after(ms) == [s for s in metrics.iterator_ages if s.at_ms > ms]


def test_entries_after_take_epoch_milliseconds_as_an_int() -> None:
    """invocations_after and iterator_ages_after name the method and the value they refuse."""
    sim, _ = streamed()
    uuid = attach(sim, lambda e, c: None).uuid
    metrics = sim.lambda_service.mapping(uuid).metrics
    with pytest.raises(TypeError, match=r"invocations_after\(\) takes epoch milliseconds"):
        metrics.invocations_after("0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"iterator_ages_after\(\) .* got True"):
        metrics.iterator_ages_after(True)


def test_event_counts() -> None:
    """Polled, filtered-out, invoked, failed and dropped counts add up."""
    sim, table = streamed()

    def respond(event: dict[str, object]) -> None:
        raise RuntimeError("no")

    mapping = attach(
        sim,
        Recorder(sim, respond),
        MaximumRetryAttempts=1,
        FilterCriteria={"Filters": [{"Pattern": '{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}'}]},
    )
    put(table, "a", "b", "c")
    sim.advance(seconds=10)
    snap = mapping.metrics.snapshot()
    assert (snap.polled, snap.filtered_out, snap.invoked, snap.failed_invoke, snap.dropped) == (
        3,
        2,
        2,
        2,
        1,
    )
    assert (snap.invocations, snap.errors) == (2, 2)
    names = mapping.metrics.as_cloudwatch()
    assert names["PolledEventCount"] == 3
    assert names["DroppedEventCount"] == 1


def test_snapshot_is_immutable() -> None:
    """metrics.snapshot() is a frozen value, not a live view."""
    sim, table = streamed()
    mapping = attach(sim, lambda e, c: None)
    snap = mapping.metrics.snapshot()
    put(table, "a")
    sim.advance(seconds=1)
    assert snap.polled == 0
    assert mapping.metrics.snapshot().polled == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        snap.polled = 5  # type: ignore[misc]


def test_peak_concurrency_per_function() -> None:
    """Each function keeps its peak number of concurrent instances."""
    sim, table = streamed(partitions=3)
    attach(sim, lambda e, c: None, function={"duration": 1})
    assert sim.lambda_service.functions["fn"].peak_concurrency == 0
    put(table, *[f"k{i}" for i in range(60)])
    sim.advance(seconds=10)
    function = sim.lambda_service.functions["fn"]
    assert function.peak_concurrency == 3
    assert function.active == 0


def test_invocation_log_limit_setting() -> None:
    """invocation_log_limit keeps only the newest entries."""
    sim, table = streamed(invocation_log_limit=2)
    mapping = attach(sim, lambda e, c: None, BatchSize=1)
    put(table, "a", "b", "c")
    sim.advance(seconds=1)
    assert [entry.first_sequence_number for entry in mapping.invocation_log] == [
        str(r.sequence_number) for r in sim.streams[0].shards[0].records[1:]
    ]
    assert mapping.metrics.invocations == 3
