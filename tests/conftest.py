"""Test configuration: Hypothesis profiles.

``dev`` (the default) runs 50 examples per property; ``ci`` (chosen when the ``CI`` environment
variable is set) runs 500, derandomized so a CI run is reproducible; ``stress`` runs 2,000
random examples, for a long local hunt.  ``HYPOTHESIS_PROFILE=<name>`` picks a profile
explicitly.  No profile has a deadline: a deadline is a timed assertion, and on a busy machine
it fails tests that are right (speed is measured in ``benchmarks/``).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=500, derandomize=True, deadline=None)
settings.register_profile("stress", max_examples=2_000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
