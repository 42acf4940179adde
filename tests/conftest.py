"""Test configuration: Hypothesis profiles.

``dev`` (the default) runs 50 examples per property; ``ci`` (chosen when the ``CI`` environment
variable is set) runs 500, derandomized so a CI run is reproducible, without deadlines;
``stress`` runs 2,000 random examples, for a long local hunt.  ``HYPOTHESIS_PROFILE=<name>``
picks a profile explicitly.
"""

from __future__ import annotations

import importlib.metadata
import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile("ci", max_examples=500, derandomize=True, deadline=None)
settings.register_profile("stress", max_examples=2_000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

# The streamsim pytest plugin (sim / sim_factory fixtures, --streamsim-seed): loaded through its
# pytest11 entry point once the package is installed with it; until then, loaded here.
if not any(
    ep.value == "streamsim.pytest_plugin"
    for ep in importlib.metadata.entry_points(group="pytest11")
):
    pytest_plugins = ["streamsim.pytest_plugin"]
