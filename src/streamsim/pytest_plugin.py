"""The streamsim pytest plugin: simulations as fixtures, boto3 routed to one, failure dumps.

Installed with the package, it is active by itself (``pytest11`` entry point named
``streamsim.pytest_plugin``); from a source checkout, enable it in a ``conftest.py`` with
``pytest_plugins = ["streamsim.pytest_plugin"]`` (harmless when it is installed too).

* ``--streamsim-seed N`` (default 0): the seed of the simulations ``sim`` and ``sim_factory``
  make.
* ``sim``: a fresh :class:`~streamsim.Simulation` for the test.
* ``sim_factory``: a callable making a fresh simulation per call, safe inside ``@given``
  (Hypothesis reuses a function-scoped fixture across examples; call the factory in the test
  body instead, so each example gets its own simulation).  ``sim_factory(seed=...)`` overrides
  the seed.
* When a test using either fails, its report gets a ``streamsim`` section: the seed, each
  simulation, every event source mapping's state, ``blocked`` reason and invocation trace, and
  every stream's shard lineage.
* ``streamsim_boto3``: a fresh :class:`~streamsim.Simulation` with ``sim.patch_boto3()``
  active for the whole test, so ``boto3.client(...)`` and ``boto3.resource(...)`` in the code
  under test (and modules it imports during the test) reach it.
  ``@pytest.mark.streamsim(seed=7, region="eu-west-1")`` passes options to the
  ``Simulation``.  The decorator form needs no plugin: ``@sim.patch_boto3()`` on a function.
* Hypothesis profiles (when Hypothesis is installed): ``streamsim-ci`` (500 examples,
  derandomized, no deadline, no example database) and ``streamsim-soak`` (5,000 random
  examples, no deadline, with the default example database); pick one with
  ``--hypothesis-profile``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from streamsim._simulation import Simulation

#: The simulations the fixtures made for the running test (cleared before each test).
_MADE: list[Simulation] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--streamsim-seed``."""
    group = parser.getgroup("streamsim")
    group.addoption(
        "--streamsim-seed",
        type=int,
        default=0,
        help="seed of the simulations made by the sim and sim_factory fixtures (default 0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``streamsim`` marker and, with Hypothesis installed, its profiles."""
    config.addinivalue_line(
        "markers", "streamsim(**options): Simulation options for the streamsim_boto3 fixture"
    )
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover - Hypothesis is a test extra
        return
    settings.register_profile(
        "streamsim-ci", max_examples=500, derandomize=True, deadline=None, database=None
    )
    settings.register_profile("streamsim-soak", max_examples=5_000, deadline=None)


@pytest.fixture(scope="session")
def sim_factory(request: pytest.FixtureRequest) -> Callable[..., Simulation]:
    """A callable returning a fresh seeded :class:`~streamsim.Simulation` per call.

    Session-scoped, so Hypothesis accepts it in a ``@given`` test: it holds no simulation
    itself; each call makes a new one.
    """
    default = request.config.getoption("--streamsim-seed")

    def make(seed: int | None = None, **options: Any) -> Simulation:
        simulation = Simulation(seed=default if seed is None else seed, **options)
        _MADE.append(simulation)
        del _MADE[:-3]  # inside @given: keep the last few (the failing example's is last)
        return simulation

    return make


@pytest.fixture
def sim(sim_factory: Callable[..., Simulation]) -> Simulation:
    """A fresh :class:`~streamsim.Simulation` seeded with ``--streamsim-seed``."""
    return sim_factory()


def describe(simulation: Simulation) -> str:
    """The seed, mappings (state, blocked, trace) and shard lineage of a simulation."""
    lines = [repr(simulation)]
    for mapping in simulation.lambda_service.mappings.values():
        why = mapping.blocked
        lines.append(
            f"mapping {mapping.uuid} {mapping.function.name}: {mapping.state}, "
            f"caught up: {mapping.caught_up}, blocked: {why if why is not None else 'no'}"
        )
        lines.extend(f"    {line}" for line in mapping.trace.render(limit=20).splitlines())
    for stream in simulation.streams:
        lines.append(f"stream {stream.arn}")
        for shard in stream.shards:
            parent = shard.parent
            state = "open" if shard.is_open else "closed"
            origin = "" if parent is None else f" (child of {parent.shard_id})"
            lines.append(f"    {shard.shard_id} {state}, {len(shard)} records{origin}")
    return "\n".join(lines)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Forget the simulations of the previous test."""
    _MADE.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Add the ``streamsim`` section to the report of a failed test that made simulations."""
    report = yield
    made = list(_MADE)
    if made and report.failed and call.when == "call":
        seed = item.config.getoption("--streamsim-seed")
        text = "\n\n".join(describe(s) for s in made)
        report.sections.append(("streamsim", f"--streamsim-seed {seed}\n{text}"))
    return report


@pytest.fixture
def streamsim_boto3(request: pytest.FixtureRequest) -> Iterator[Simulation]:
    """A Simulation (seed 0 unless marked) that boto3 is routed to for the test's duration."""
    marker = request.node.get_closest_marker("streamsim")
    options = dict(marker.kwargs) if marker is not None else {}
    sim = Simulation(**options)
    with sim.patch_boto3():
        yield sim
