"""Time to live (rule B.4): the state machine of UpdateTimeToLive and the sweep's index."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streamsim import Simulation, Table, TTLSettings, ValidationException


def make(**settings: timedelta) -> tuple[Simulation, Table]:
    sim = Simulation(seed=4, ttl_settings=TTLSettings(**settings))
    table = sim.create_table("ttl01", hash_key="pk", stream_view_type="KEYS_ONLY")
    return sim, table


def now_s(sim: Simulation) -> int:
    return sim.now_ms // 1000


def test_enabling_ttl_twice_is_rejected() -> None:
    """UpdateTimeToLive enabling an enabled TTL raises ValidationException."""
    sim, table = make()
    table.enable_time_to_live("expires")
    sim.advance(hours=2)
    with pytest.raises(ValidationException, match="already enabled"):
        table.enable_time_to_live("expires")


def test_disabling_ttl_when_disabled_is_rejected() -> None:
    """UpdateTimeToLive disabling a disabled TTL raises ValidationException."""
    _, table = make()
    with pytest.raises(ValidationException, match="already disabled"):
        table.disable_time_to_live()


def test_disabling_ttl_must_name_its_attribute() -> None:
    """Disabling TTL on another attribute than the enabled one is rejected, nothing changes."""
    sim, table = make()
    table.enable_time_to_live("expires")
    sim.advance(hours=2)
    for enabled in (False, True):
        with pytest.raises(ValidationException) as caught:
            sim.client("dynamodb").update_time_to_live(
                TableName="ttl01",
                TimeToLiveSpecification={"Enabled": enabled, "AttributeName": "other"},
            )
        assert caught.value.message == (
            "TimeToLive is active on a different AttributeName: current AttributeName is expires"
        )
    assert table.ttl_attribute == "expires"


def test_disabled_ttl_stops_deleting() -> None:
    """After TTL is disabled, expired items stay."""
    sim, table = make(sweep_interval=timedelta(minutes=1))
    table.enable_time_to_live("expires")
    sim.advance(hours=2)
    table.disable_time_to_live()
    table.put_item(Item={"pk": "a", "expires": now_s(sim) - 10})
    sim.advance(hours=1)
    assert "Item" in table.get_item(Key={"pk": "a"})


def test_items_written_before_enabling_are_indexed() -> None:
    """Enabling TTL indexes the items already in the table."""
    sim, table = make(sweep_interval=timedelta(minutes=1))
    table.put_item(Item={"pk": "a", "expires": now_s(sim) + 30})
    table.enable_time_to_live("expires")
    sim.advance(minutes=2)
    assert "Item" not in table.get_item(Key={"pk": "a"})


def test_updated_expiry_replaces_the_old_one() -> None:
    """An item whose TTL moved later is not deleted at its old time (stale index entry)."""
    sim, table = make(sweep_interval=timedelta(minutes=1))
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": now_s(sim) + 30})
    table.put_item(Item={"pk": "a", "expires": now_s(sim) + 3_600})
    sim.advance(minutes=5)
    assert "Item" in table.get_item(Key={"pk": "a"})
    sim.advance(hours=1)
    assert "Item" not in table.get_item(Key={"pk": "a"})


def test_delete_delay_is_a_setting() -> None:
    """TTLSettings.delete_delay holds deletion back until that long after expiry."""
    sim, table = make(sweep_interval=timedelta(minutes=1), delete_delay=timedelta(minutes=10))
    table.enable_time_to_live("expires")
    table.put_item(Item={"pk": "a", "expires": now_s(sim)})
    sim.advance(minutes=9)
    assert "Item" in table.get_item(Key={"pk": "a"})
    sim.advance(minutes=2)
    assert "Item" not in table.get_item(Key={"pk": "a"})


def test_ttl_settings_are_validated() -> None:
    """Non-positive sweep intervals and negative delays are refused."""
    with pytest.raises(ValueError, match="sweep_interval"):
        TTLSettings(sweep_interval=timedelta(0))
    with pytest.raises(ValueError, match="delete_delay"):
        TTLSettings(delete_delay=timedelta(milliseconds=-1))
