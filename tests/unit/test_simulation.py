"""The Simulation: virtual time units, named random generators, table registry."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from streamsim import (
    ResourceInUseException,
    ResourceNotFoundException,
    Simulation,
    ValidationException,
)


def test_default_start_is_2024_utc() -> None:
    """A new simulation starts at 2024-01-01T00:00:00Z."""
    assert Simulation().now == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_start_can_be_chosen() -> None:
    """`start` sets the first virtual instant."""
    start = datetime(2030, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    assert Simulation(start=start).now == start


def test_advance_adds_all_units() -> None:
    """advance() sums days, hours, minutes, seconds and milliseconds exactly."""
    sim = Simulation()
    before = sim.now_ms
    sim.advance(days=1, hours=2, minutes=3, seconds=4.5, milliseconds=6)
    assert sim.now_ms - before == 86_400_000 + 7_200_000 + 180_000 + 4_500 + 6


def test_advance_rejects_negative_and_fractional_milliseconds() -> None:
    """Time never goes backwards, and it moves in whole milliseconds."""
    sim = Simulation()
    with pytest.raises(ValueError, match="backwards"):
        sim.advance(seconds=-1)
    with pytest.raises(ValueError, match="whole milliseconds"):
        sim.advance(milliseconds=0.5)
    assert sim.now_ms == Simulation().now_ms


def test_named_generators_are_independent() -> None:
    """Drawing from one named generator never shifts another."""
    a = Simulation(seed=3)
    b = Simulation(seed=3)
    a.rng("one").random()
    assert a.rng("two").random() == b.rng("two").random()


def test_seed_must_be_an_int() -> None:
    """A float or string seed is refused (its hashing could vary)."""
    with pytest.raises(TypeError):
        Simulation(seed="x")  # type: ignore[arg-type]


def test_duplicate_table_is_rejected() -> None:
    """Creating a table that exists raises ResourceInUseException."""
    sim = Simulation()
    sim.create_table("orders", hash_key="pk")
    with pytest.raises(ResourceInUseException):
        sim.create_table("orders", hash_key="pk")


def test_bad_table_definitions_are_rejected() -> None:
    """Names, key types and partition counts are validated; nothing is created."""
    sim = Simulation()
    with pytest.raises(ValidationException):
        sim.create_table("x", hash_key="pk")
    with pytest.raises(ValidationException):
        sim.create_table("good", hash_key="pk", hash_key_type="BOOL")
    with pytest.raises(ValidationException):
        sim.create_table("good", hash_key="pk", range_key="pk")
    with pytest.raises(ValidationException):
        sim.create_table("good", hash_key="pk", partitions=0)
    with pytest.raises(ValidationException):
        sim.create_table("good", hash_key="pk", stream_view_type="EVERYTHING")
    assert sim.tables == []


def test_unknown_table_raises_resource_not_found() -> None:
    """Looking up a missing table raises ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        Simulation().table("missing")


def test_unknown_client_service_is_rejected() -> None:
    """Only dynamodb, dynamodbstreams, lambda and kinesis clients exist."""
    with pytest.raises(ValueError, match="unknown service"):
        Simulation().client("s3")


def test_create_table_errors_name_the_operation() -> None:
    """Errors from sim.create_table say CreateTable, as boto3's would."""
    with pytest.raises(ValidationException) as info:
        Simulation().create_table("x", hash_key="pk")
    assert info.value.operation_name == "CreateTable"
    assert "CreateTable operation" in str(info.value)
