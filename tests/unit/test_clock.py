"""Virtual time and the scheduler."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim._clock import MIN_CANCELLED_TO_COMPACT, Clock, datetime_to_ms, ms_to_datetime
from streamsim._errors import SimulationError


def test_time_never_goes_backwards() -> None:
    """Advancing to an earlier instant raises ValueError and leaves time unchanged."""
    clock = Clock(1_000)
    with pytest.raises(ValueError, match="time can't go backwards"):
        clock.advance_to(999)
    assert clock.now_ms == 1_000


def test_scheduled_work_runs_in_time_order() -> None:
    """Work runs earliest first, with the clock set to each work's own time."""
    clock = Clock(0)
    seen: list[tuple[str, int]] = []
    clock.call_at(30, lambda: seen.append(("c", clock.now_ms)))
    clock.call_at(10, lambda: seen.append(("a", clock.now_ms)))
    clock.call_at(20, lambda: seen.append(("b", clock.now_ms)))
    clock.advance_to(100)
    assert seen == [("a", 10), ("b", 20), ("c", 30)]
    assert clock.now_ms == 100


def test_ties_run_first_in_first_out() -> None:
    """Work due at the same millisecond runs in the order it was scheduled."""
    clock = Clock(0)
    seen: list[int] = []
    for i in range(10):
        clock.call_at(5, lambda i=i: seen.append(i))
    clock.advance_to(5)
    assert seen == list(range(10))


def test_work_scheduled_during_advance_runs_if_due() -> None:
    """Work that schedules more work within the target time sees it run in the same advance."""
    clock = Clock(0)
    seen: list[int] = []

    def first() -> None:
        seen.append(clock.now_ms)
        clock.call_later(5, lambda: seen.append(clock.now_ms))

    clock.call_at(10, first)
    clock.advance_to(12)
    assert seen == [10]
    clock.advance_to(15)
    assert seen == [10, 15]


def test_cancelled_work_does_not_run() -> None:
    """A cancelled timer never runs."""
    clock = Clock(0)
    seen: list[int] = []
    timer = clock.call_at(5, lambda: seen.append(1))
    timer.cancel()
    clock.advance_to(10)
    assert seen == []
    assert clock.pending() == 0


def test_advancing_from_scheduled_work_is_refused() -> None:
    """Scheduled work (or a handler) cannot move time itself."""
    clock = Clock(0)
    errors: list[Exception] = []

    def naughty() -> None:
        try:
            clock.advance_to(100)
        except SimulationError as exc:
            errors.append(exc)

    clock.call_at(5, naughty)
    clock.advance_to(10)
    assert len(errors) == 1
    assert clock.now_ms == 10


def test_past_work_runs_now() -> None:
    """Work scheduled for the past runs at the current instant."""
    clock = Clock(100)
    seen: list[int] = []
    clock.call_at(50, lambda: seen.append(clock.now_ms))
    clock.advance_to(100)
    assert seen == [100]


def test_naive_datetimes_are_rejected() -> None:
    """A naive datetime would depend on the machine's zone, so it is refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        datetime_to_ms(datetime(2024, 1, 1))


@given(st.integers(min_value=0, max_value=4_102_444_800_000))
def test_datetime_round_trip(ms: int) -> None:
    """ms -> datetime -> ms is the identity, and the datetime is UTC."""
    value = ms_to_datetime(ms)
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)
    assert datetime_to_ms(value) == ms
    assert datetime_to_ms(value.astimezone(timezone(timedelta(hours=5)))) == ms


@given(st.lists(st.tuples(st.integers(0, 1000), st.booleans()), max_size=40))
def test_scheduler_order_matches_sorted_model(entries: list[tuple[int, bool]]) -> None:
    """Whatever the schedule, runs equal the stable sort by time of the uncancelled entries."""
    clock = Clock(0)
    seen: list[int] = []
    for i, (at, cancel) in enumerate(entries):
        timer = clock.call_at(at, lambda i=i: seen.append(i))
        if cancel:
            timer.cancel()
    clock._check()
    clock.advance_to(1000)
    expected = [i for i, (at, c) in sorted(enumerate(entries), key=lambda e: e[1][0]) if not c]
    assert seen == expected
    clock._check()


def test_cancelled_work_far_ahead_does_not_pile_up() -> None:
    """Work scheduled a day ahead and cancelled at once leaves the scheduler's heap once
    cancelled entries are most of it (a throttled batch's age limit, cancelled on grant)."""
    clock = Clock(0)
    keep = clock.call_at(10, lambda: None)
    for at in range(10_000):
        clock.call_at(at + 86_400_000, lambda: None).cancel()
        clock._check()
    assert len(clock._heap) <= 2 * (MIN_CANCELLED_TO_COMPACT + 1)
    assert clock.pending() == 1
    assert not keep.cancelled


@given(
    st.lists(
        st.tuples(st.integers(0, 1000), st.sampled_from(["keep", "cancel", "cancel later"])),
        min_size=150,
        max_size=400,
    ),
    st.integers(1, 50),
)
def test_dropping_cancelled_work_keeps_the_schedule(
    entries: list[tuple[int, str]], step: int
) -> None:
    """Cancels before and during the run, enough to rebuild the heap (also from inside
    running work), leave exactly the uncancelled entries running in time order."""
    clock = Clock(0)
    seen: list[int] = []
    timers = {}
    for i, (at, fate) in enumerate(entries):
        timers[i] = clock.call_at(at, lambda i=i: seen.append(i))
        if fate == "cancel":
            timers[i].cancel()
    later = [i for i, (_, fate) in enumerate(entries) if fate == "cancel later"]

    def cancel_later() -> None:
        for i in later:
            timers[i].cancel()

    clock.call_at(step, cancel_later)
    clock._check()
    for target in range(0, 1001, step):
        clock.advance_to(target)
        clock._check()
    clock.advance_to(1000)
    expected = [
        i
        for i, (at, fate) in sorted(enumerate(entries), key=lambda e: e[1][0])
        if fate == "keep" or (fate == "cancel later" and at <= step)  # ran before the cancel
    ]
    assert seen == expected
    clock._check()
