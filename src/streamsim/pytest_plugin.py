"""A pytest plugin: a simulation that every boto3 client made during the test talks to.

Enable it in a ``conftest.py``::

    pytest_plugins = ["streamsim.pytest_plugin"]

then ask for the ``streamsim_boto3`` fixture: a fresh :class:`~streamsim.Simulation` with
``sim.patch_boto3()`` active for the whole test, so ``boto3.client(...)`` and
``boto3.resource(...)`` in the code under test (and modules it imports during the test) reach
it.  ``@pytest.mark.streamsim(seed=7, region="eu-west-1")`` passes options to the
``Simulation``.  The decorator form needs no plugin: ``@sim.patch_boto3()`` on a function.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from streamsim._simulation import Simulation


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``streamsim`` marker (the suite may run with ``--strict-markers``)."""
    config.addinivalue_line(
        "markers", "streamsim(**options): Simulation options for the streamsim_boto3 fixture"
    )


@pytest.fixture
def streamsim_boto3(request: pytest.FixtureRequest) -> Iterator[Simulation]:
    """A Simulation (seed 0 unless marked) that boto3 is routed to for the test's duration."""
    marker = request.node.get_closest_marker("streamsim")
    options = dict(marker.kwargs) if marker is not None else {}
    sim = Simulation(**options)
    with sim.patch_boto3():
        yield sim
