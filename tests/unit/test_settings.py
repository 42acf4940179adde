"""Settings: durations as timedeltas with checked ranges, per-simulation switches, advance().

Every duration setting is a ``datetime.timedelta`` under a unit-free name; the model reads the
same value as integer milliseconds through a read-only ``*_ms`` attribute.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim import (
    LambdaSettings,
    Simulation,
    SplitPolicy,
    StreamSettings,
    TTLSettings,
    ValidationException,
)
from streamsim._validators import TEN_YEARS
from tests.lambda_support import Recorder, attach, put

# (settings class, duration field, smallest allowed value)
DURATIONS: list[tuple[type[Any], str, timedelta]] = [
    (StreamSettings, "rotation_period", timedelta(seconds=1)),
    (StreamSettings, "rotation_jitter", timedelta(0)),
    (StreamSettings, "retention", timedelta(seconds=1)),
    (StreamSettings, "iterator_ttl", timedelta(milliseconds=1)),
    (StreamSettings, "status_delay", timedelta(0)),
    (TTLSettings, "sweep_interval", timedelta(milliseconds=1)),
    (TTLSettings, "delete_delay", timedelta(0)),
    (SplitPolicy, "window", timedelta(milliseconds=1)),
    (LambdaSettings, "poll_interval", timedelta(milliseconds=1)),
    (LambdaSettings, "start_delay", timedelta(0)),
    (LambdaSettings, "transition", timedelta(0)),
    (LambdaSettings, "retry_backoff", timedelta(0)),
    (LambdaSettings, "retry_backoff_max", timedelta(0)),
]
IDS = [f"{cls.__name__}.{name}" for cls, name, _ in DURATIONS]


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
def test_settings_reject_integer_durations(cls: type[Any], name: str, minimum: timedelta) -> None:
    """A bare int or float has no unit: TypeError asking for timedelta(...)."""
    for value in (4 * 3600, 1.5):
        with pytest.raises(
            TypeError, match=rf"{name} must be a datetime.timedelta, e.g. timedelta"
        ):
            cls(**{name: value})


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
def test_settings_reject_negative_durations(cls: type[Any], name: str, minimum: timedelta) -> None:
    """A negative duration is a ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"{name} must not be negative"):
        cls(**{name: timedelta(milliseconds=-1)})


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
def test_settings_reject_fractions_of_a_millisecond(
    cls: type[Any], name: str, minimum: timedelta
) -> None:
    """Virtual time is whole milliseconds: 1.5 ms is a ValueError."""
    with pytest.raises(ValueError, match=rf"{name} must be a whole number of milliseconds"):
        cls(**{name: timedelta(seconds=2, microseconds=500)})


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
def test_settings_reject_durations_out_of_range(
    cls: type[Any], name: str, minimum: timedelta
) -> None:
    """Below the field's minimum or above ten years is a ValueError saying what is allowed."""
    with pytest.raises(ValueError, match=rf"{name} must be between .* and 3653 days"):
        cls(**{name: TEN_YEARS + timedelta(milliseconds=1)})
    if minimum:
        with pytest.raises(ValueError, match=rf"{name} must be between {minimum} and"):
            cls(**{name: minimum - timedelta(milliseconds=1)})
    assert getattr(cls(**{name: minimum}), f"{name}_ms") == minimum // timedelta(milliseconds=1)


def test_rotation_period_given_in_seconds_by_mistake_is_refused() -> None:
    """StreamSettings(rotation_period=4*3600 ms) would rotate every 14.4 s: under 1 s is refused."""
    with pytest.raises(ValueError, match="rotation_period must be between 0:00:01"):
        StreamSettings(rotation_period=timedelta(milliseconds=400))
    with pytest.raises(ValueError, match="retention must be between 0:00:01"):
        StreamSettings(retention=timedelta(milliseconds=999))


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
@given(ms=st.integers(min_value=0, max_value=TEN_YEARS // timedelta(milliseconds=1)))
def test_any_duration_in_range_round_trips_to_its_ms(
    cls: type[Any], name: str, minimum: timedelta, ms: int
) -> None:
    """Any whole-millisecond timedelta in range reads back as the same integer of ms."""
    value = max(timedelta(milliseconds=ms), minimum)
    settings = cls(**{name: value})
    assert getattr(settings, name) == value
    assert getattr(settings, f"{name}_ms") == value // timedelta(milliseconds=1)


@pytest.mark.parametrize(("cls", "name", "minimum"), DURATIONS, ids=IDS)
def test_ms_mirrors_are_read_only_and_not_arguments(
    cls: type[Any], name: str, minimum: timedelta
) -> None:
    """``*_ms`` is derived: it cannot be passed nor assigned, and evolve() recomputes it."""
    with pytest.raises(TypeError):
        cls(**{f"{name}_ms": 5})
    settings = cls()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(settings, f"{name}_ms", 5)
    changed = attrs.evolve(settings, **{name: timedelta(hours=2)})
    assert getattr(changed, f"{name}_ms") == 7_200_000


def test_settings_defaults_are_the_aws_ones() -> None:
    """The defaults in timedeltas: 4 h rotation, 24 h retention, 15 min iterators, 250 ms polls."""
    stream = StreamSettings()
    assert stream.rotation_period == timedelta(hours=4)
    assert stream.retention == timedelta(hours=24)
    assert stream.iterator_ttl == timedelta(minutes=15)
    assert (stream.rotation_period_ms, stream.retention_ms, stream.iterator_ttl_ms) == (
        14_400_000,
        86_400_000,
        900_000,
    )
    assert TTLSettings().sweep_interval == timedelta(minutes=15)
    assert SplitPolicy().window == timedelta(minutes=1)
    lam = LambdaSettings()
    assert (lam.poll_interval, lam.retry_backoff, lam.retry_backoff_max) == (
        timedelta(milliseconds=250),
        timedelta(seconds=1),
        timedelta(seconds=30),
    )
    assert lam.filter_numeric_matches_n_strings is False


def test_settings_equality_and_repr_use_the_timedeltas() -> None:
    """Equal durations make equal settings; the repr shows changed timedeltas, not ms mirrors."""
    assert StreamSettings(retention=timedelta(days=1)) == StreamSettings()
    assert repr(StreamSettings()) == "StreamSettings()"
    changed = repr(StreamSettings(retention=timedelta(days=2)))
    assert changed == "StreamSettings(retention=datetime.timedelta(days=2))"
    assert "retention_ms" not in changed


def test_simulation_rejects_settings_of_the_wrong_class() -> None:
    """Passing TTLSettings as stream_settings (or a dict) is a TypeError, not a late surprise."""
    with pytest.raises(TypeError, match="expected a StreamSettings"):
        Simulation(stream_settings=TTLSettings())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a LambdaSettings"):
        Simulation(lambda_settings={"poll_interval": 1})  # type: ignore[arg-type]


# --- advance ----------------------------------------------------------------------------------


def test_advance_accepts_a_timedelta() -> None:
    """sim.advance(timedelta(hours=4)) moves four hours, as advance(hours=4) does."""
    sim = Simulation(seed=1)
    start = sim.now
    assert sim.advance(timedelta(hours=4)) == start + timedelta(hours=4)


def test_advance_adds_a_timedelta_and_keyword_units() -> None:
    """A positional timedelta and keyword units add up."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    sim.advance(timedelta(minutes=1), seconds=1, milliseconds=1)
    assert sim.now_ms == start + 61_001


def test_advance_rejects_a_bare_number_positionally() -> None:
    """advance(5) is ambiguous (seconds? hours?): TypeError naming both accepted forms."""
    sim = Simulation(seed=1)
    with pytest.raises(TypeError, match=r"timedelta or keyword units"):
        sim.advance(5)  # type: ignore[arg-type]


def test_advance_rejects_negative_and_sub_millisecond_timedeltas() -> None:
    """A negative timedelta or one with a fraction of a millisecond does not move time."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    with pytest.raises(ValueError, match="time can't go backwards"):
        sim.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="whole milliseconds"):
        sim.advance(timedelta(microseconds=1500))
    assert sim.now_ms == start


def test_advance_rejects_an_instant_past_the_calendar() -> None:
    """advance(days=3_000_000) would pass year 9999: ValueError before anything moves."""
    sim = Simulation(seed=1)
    table = sim.create_table("t01", hash_key="pk", stream_view_type="KEYS_ONLY")
    table.put_item(Item={"pk": "a"})
    start = sim.now_ms
    with pytest.raises(ValueError, match="past 9999-12-31"):
        sim.advance(days=3_000_000)
    with pytest.raises(ValueError, match="past 9999-12-31"):
        sim.advance(timedelta(days=999_999_999))
    with pytest.raises(ValueError, match="finite"):
        sim.advance(seconds=float("inf"))
    assert sim.now_ms == start
    assert len(table.stream.shards[0].records) == 1  # nothing was trimmed on the way


def test_advance_reaches_the_last_instant_of_the_calendar() -> None:
    """Time may move up to the last millisecond a datetime can show, and not one beyond."""
    sim = Simulation(seed=1)
    last = datetime(9999, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    assert sim.advance(last - sim.now) == last
    with pytest.raises(ValueError, match="past 9999-12-31"):
        sim.advance(milliseconds=1)
    assert sim.now == last


# --- per-simulation switches ------------------------------------------------------------------


def test_filter_numeric_setting_is_per_simulation() -> None:
    """filter_numeric_matches_n_strings changes only the simulation that sets it."""
    pattern = '{"dynamodb": {"Keys": {"pk": {"N": [{"numeric": [">", 100]}]}}}}'
    seen = []
    for flag in (True, False):
        sim = Simulation(
            seed=1, lambda_settings=LambdaSettings(filter_numeric_matches_n_strings=flag)
        )
        table = sim.create_table(
            "tbl", hash_key="pk", hash_key_type="N", stream_view_type="KEYS_ONLY"
        )
        rec = Recorder(sim)
        attach(sim, rec, FilterCriteria={"Filters": [{"Pattern": pattern}]})
        table.put_item(Item={"pk": 101})
        table.put_item(Item={"pk": 7})
        sim.advance(seconds=5)
        seen.append([r["dynamodb"]["Keys"]["pk"]["N"] for e in rec.events for r in e["Records"]])
    assert seen == [["101"], []]


def test_filter_numeric_setting_survives_a_mapping_update() -> None:
    """UpdateEventSourceMapping recompiles the filter with the simulation's setting."""
    sim = Simulation(seed=1, lambda_settings=LambdaSettings(filter_numeric_matches_n_strings=True))
    table = sim.create_table("tbl", hash_key="pk", hash_key_type="N", stream_view_type="KEYS_ONLY")
    rec = Recorder(sim)
    mapping = attach(sim, rec)
    pattern = '{"dynamodb": {"Keys": {"pk": {"N": [{"numeric": ["<", 10]}]}}}}'
    sim.client("lambda").update_event_source_mapping(
        UUID=mapping.uuid, FilterCriteria={"Filters": [{"Pattern": pattern}]}
    )
    table.put_item(Item={"pk": 101})
    table.put_item(Item={"pk": 7})
    sim.advance(seconds=5)
    assert [r["dynamodb"]["Keys"]["pk"]["N"] for e in rec.events for r in e["Records"]] == ["7"]


# --- function durations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "duration",
    [0.25, timedelta(milliseconds=250), lambda event: timedelta(milliseconds=250)],
    ids=["seconds", "timedelta", "callable"],
)
def test_function_duration_is_seconds_a_timedelta_or_a_callable(duration: Any) -> None:
    """create_function(duration=...) takes seconds, a timedelta, or a callable returning one."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk", stream_view_type="KEYS_ONLY")
    mapping = attach(sim, lambda e, c: None, function={"duration": duration})
    put(sim.table("tbl"), "a")
    sim.advance(seconds=2)
    (entry,) = mapping.invocation_log
    assert entry.end_ms - entry.start_ms == 250


def test_function_duration_must_be_whole_milliseconds() -> None:
    """A duration of 0.0005 s (half a millisecond) is refused when the function is created."""
    sim = Simulation(seed=1)
    with pytest.raises(ValueError, match="whole number of milliseconds"):
        sim.create_function("fn", lambda e, c: None, duration=0.0005)


# --- the Table's TTL conveniences -------------------------------------------------------------


def test_table_ttl_conveniences_use_the_same_rules_as_the_client() -> None:
    """enable/disable_time_to_live share UpdateTimeToLive's once-an-hour rule with the client."""
    sim = Simulation(seed=1)
    table = sim.create_table("tbl", hash_key="pk")
    client = sim.client("dynamodb")
    table.enable_time_to_live("expires")
    with pytest.raises(ValidationException, match="multiple times within a fixed interval"):
        client.update_time_to_live(
            TableName="tbl",
            TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"},
        )
    sim.advance(hours=1)
    table.disable_time_to_live()
    assert client.describe_time_to_live(TableName="tbl")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
