"""The model root and the table catalog: state of one account and region, no faces."""

from __future__ import annotations

import random

import pytest

from streamsim._clock import Clock
from streamsim._dynamodb._catalog import TableCatalog
from streamsim._errors import ResourceNotFoundException, ValidationException
from streamsim._model import Model
from streamsim._simulation import Simulation


def _model(seed: int = 5) -> Model:
    return Model(seed=seed, clock=Clock(0), region="eu-west-1", account_id="111122223333")


def test_model_rng_is_the_named_child_generator() -> None:
    """model.rng(name) is Random(f"{seed}/{name}"), made once per name."""
    model = _model()
    assert model.rng("a") is model.rng("a")
    assert model.rng("a").random() == random.Random("5/a").random()


def test_simulation_rng_is_the_model_rng() -> None:
    """Simulation.rng hands out the model's generators (one random source)."""
    sim = Simulation(seed=3)
    assert sim.rng("x").random() == random.Random("3/x").random()


def test_catalog_resolves_names_and_table_arns() -> None:
    """TableName may be a name or this account's table ARN; other ARNs are not found."""
    tables = _model().tables
    engine = tables.create("orders", hash_key="pk")
    assert tables.resolve("orders") is engine
    assert tables.resolve(engine.arn) is engine
    with pytest.raises(ResourceNotFoundException):
        tables.resolve("arn:aws:dynamodb:us-east-1:111122223333:table/orders")
    with pytest.raises(ValidationException):
        tables.resolve(7)


def test_catalog_keeps_the_stream_of_a_deleted_table_readable() -> None:
    """Deleting a table ends its stream, which stays listed and findable by ARN."""
    model = _model()
    engine = model.tables.create("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    stream = engine.stream
    assert stream is not None
    model.tables.delete("orders")
    assert "orders" not in model.tables
    assert model.streams == [stream]
    assert model.find_stream(stream.arn) is stream


def test_catalog_table_ids_are_deterministic_per_seed() -> None:
    """A table's id comes from the seeded generators: equal seeds, equal ids."""
    ids = []
    for _ in range(2):
        tables = _model(seed=9).tables
        ids.append(tables.meta(tables.create("orders", hash_key="pk")).table_id)
    assert ids[0] == ids[1]


def test_catalog_refuses_to_delete_a_protected_table() -> None:
    """check_deletable raises ValidationException while deletion protection is on."""
    tables: TableCatalog = _model().tables
    engine = tables.create("orders", hash_key="pk")
    tables.meta(engine).deletion_protection = True
    with pytest.raises(ValidationException, match="protected against deletion"):
        tables.check_deletable(engine)


def test_model_lambda_service_is_made_once() -> None:
    """The Lambda service is created on first use and then reused."""
    model = _model()
    assert model.lambda_service is model.lambda_service
