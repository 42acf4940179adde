"""The streamsim pytest plugin: seeded simulations as fixtures, and a dump when a test fails.

Registered under the ``pytest11`` entry point ``streamsim`` (installed with the package).

* ``--streamsim-seed N`` (default 0): the seed of every simulation the fixtures make.
* ``sim``: a fresh :class:`~streamsim.Simulation` for the test.
* ``sim_factory``: a callable making a fresh simulation per call, safe inside ``@given``
  (Hypothesis reuses a function-scoped fixture across examples; call the factory in the test
  body instead, so each example gets its own simulation).  ``sim_factory(seed=...)`` overrides
  the seed.
* When a test using either fails, its report gets a ``streamsim`` section: the seed, each
  simulation, every event source mapping's state, ``blocked`` reason and invocation trace, and
  every stream's shard lineage.
* Hypothesis profiles (when Hypothesis is installed): ``streamsim-ci`` (500 examples,
  derandomized, no deadline, no example database) and ``streamsim-soak`` (5,000 random
  examples, no deadline, with the default example database); pick one with
  ``--hypothesis-profile``.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """Register the Hypothesis profiles, when Hypothesis is installed."""
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
