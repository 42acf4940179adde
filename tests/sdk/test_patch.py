"""``sim.patch_boto3()``: code that builds its own boto3 clients reaches the simulation."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from decimal import Decimal

import boto3
import pytest

from streamsim import Simulation, SimulationError


@pytest.fixture
def fresh_app() -> Iterator[None]:
    """The application's modules are imported anew by the test (module-level clients)."""
    names = [name for name in sys.modules if name.startswith("tests.sdk.orders_app")]
    for name in names:
        del sys.modules[name]
    yield
    for name in [name for name in sys.modules if name.startswith("tests.sdk.orders_app")]:
        del sys.modules[name]


def test_unmodified_application_runs_inside_patch(fresh_app: None) -> None:
    """An app with module-level boto3 clients deploys and writes; the poller feeds its Lambda."""
    sim = Simulation(seed=5)
    with sim.patch_boto3():
        db = importlib.import_module("tests.sdk.orders_app.db")
        handler = importlib.import_module("tests.sdk.orders_app.handler")
        deploy = importlib.import_module("tests.sdk.orders_app.deploy")
        sim.create_function("audit-orders", handler.handler)
        mapping_uuid = deploy.deploy()
        db.place_order("o-1", 30)
        db.place_order("o-2", 12)
        sim.advance(seconds=5)
        audited = db.audit.scan()["Items"]
    assert sorted((row["pk"], row["amount"]) for row in audited) == [
        ("audit#o-1", Decimal(30)),
        ("audit#o-2", Decimal(12)),
    ]
    mapping = sim.client("lambda").get_event_source_mapping(UUID=mapping_uuid)
    assert mapping["LastProcessingResult"] == "OK"
    assert sorted(item["pk"] for item in sim.table("orders").scan()["Items"]) == ["o-1", "o-2"]


def test_patch_restores_boto3_on_exit() -> None:
    """boto3.Session, boto3.session.Session and the default session are put back on exit."""
    before = (boto3.Session, boto3.session.Session, boto3.DEFAULT_SESSION)
    sim = Simulation(seed=1)
    with sim.patch_boto3():
        assert boto3.Session is not before[0]
        assert boto3.DEFAULT_SESSION is not before[2]
    assert (boto3.Session, boto3.session.Session, boto3.DEFAULT_SESSION) == before


def test_patch_restores_boto3_when_the_block_raises() -> None:
    """An exception inside the block still restores boto3."""
    before = (boto3.Session, boto3.DEFAULT_SESSION)
    with pytest.raises(KeyError), Simulation(seed=1).patch_boto3():
        raise KeyError("boom")
    assert (boto3.Session, boto3.DEFAULT_SESSION) == before


def test_patch_is_also_a_decorator() -> None:
    """``@sim.patch_boto3()`` routes boto3 for each call of the decorated function."""
    sim = Simulation(seed=1)
    sim.create_table("decorated", hash_key="pk")

    @sim.patch_boto3()
    def names() -> list[str]:
        return list(boto3.client("dynamodb").list_tables()["TableNames"])

    assert names() == ["decorated"]
    assert names() == ["decorated"]


def test_sessions_made_inside_ignore_credentials_and_profile() -> None:
    """boto3.Session(profile_name=..., keys...) inside the block is the simulation's anyway."""
    sim = Simulation(seed=1)
    sim.create_table("t-profile", hash_key="pk")
    with sim.patch_boto3():
        session = boto3.Session(profile_name="no-such-profile", aws_access_key_id="AKIAREAL")
        names = session.client("dynamodb").list_tables()["TableNames"]
        session_module = boto3.session.Session(region_name="eu-west-1")
        region = session_module.client("dynamodb").meta.region_name
    assert names == ["t-profile"]
    assert region == "eu-west-1"


def test_default_region_is_the_simulations() -> None:
    """boto3.client(...) without a region inside the block uses the simulation's region."""
    sim = Simulation(seed=1, region="eu-central-1")
    with sim.patch_boto3():
        assert boto3.client("dynamodb").meta.region_name == "eu-central-1"


def test_nested_patches_restore_in_order() -> None:
    """An inner patch answers inside it; leaving it brings the outer simulation back."""
    outer, inner = Simulation(seed=1), Simulation(seed=2)
    outer.create_table("outer-t", hash_key="pk")
    inner.create_table("inner-t", hash_key="pk")
    with outer.patch_boto3():
        with inner.patch_boto3():
            assert boto3.client("dynamodb").list_tables()["TableNames"] == ["inner-t"]
        assert boto3.client("dynamodb").list_tables()["TableNames"] == ["outer-t"]


def test_patch_refuses_while_moto_mock_is_active() -> None:
    """Entering the patch while moto's mock_aws is active raises, naming moto."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), pytest.raises(SimulationError, match="moto"):
        Simulation(seed=1).patch_boto3().__enter__()


def test_pytest_plugin_fixture_routes_boto3(streamsim_boto3: Simulation) -> None:
    """The streamsim_boto3 fixture (streamsim.pytest_plugin) patches boto3 for the whole test."""
    streamsim_boto3.create_table("from-fixture", hash_key="pk")
    assert boto3.client("dynamodb").list_tables()["TableNames"] == ["from-fixture"]


@pytest.mark.streamsim(seed=9, region="ap-south-1")
def test_pytest_plugin_marker_passes_simulation_options(streamsim_boto3: Simulation) -> None:
    """@pytest.mark.streamsim(...) gives the fixture's Simulation its options."""
    assert (streamsim_boto3.seed, streamsim_boto3.region) == (9, "ap-south-1")
    assert boto3.client("lambda").meta.region_name == "ap-south-1"
