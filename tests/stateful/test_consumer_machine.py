"""StreamConsumerMachine: the example's correct consumer survives random steps under faults;
a buggy one is caught.

With the ``ci`` profile (500 examples of up to 50 steps) this runs well over 10,000 steps.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from streamsim.testing.stateful import StreamConsumerMachine
from tests.testing.examples_support import load_consumer_example

EX = load_consumer_example()
STEPS: list[int] = []


class TotalsMachine(StreamConsumerMachine):
    """The example's idempotent totals consumer against its model."""

    consumer = staticmethod(EX.correct)
    expected = staticmethod(EX.expected_totals)
    observed = staticmethod(EX.observed_totals)

    def teardown(self) -> None:
        STEPS.append(len(self.steps))
        super().teardown()


TestTotalsMachine = TotalsMachine.TestCase
TestTotalsMachine.settings = settings(
    TestTotalsMachine.settings,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class DoubleCountMachine(StreamConsumerMachine):
    """The non-idempotent consumer, under crashes and timeouts only."""

    consumer = staticmethod(EX.double_count)
    expected = staticmethod(EX.expected_totals)
    observed = staticmethod(EX.observed_totals)
    fault_kinds = ("crash", "timeout")


def test_the_machine_catches_a_double_count() -> None:
    """Run as a test, the machine fails the double-counting consumer (with the plan printed)."""
    quiet: Any = settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )
    with pytest.raises(AssertionError, match=r"faults: FaultPlan\(faults=\((Crash|Timeout)"):
        run_state_machine_as_test(DoubleCountMachine, settings=quiet)


def test_the_machine_ran_steps() -> None:
    """The state machine above ran (its steps are counted, for the 10,000-step CI goal)."""
    if not STEPS:
        pytest.skip("run together with TestTotalsMachine")
    print(f"StreamConsumerMachine: {len(STEPS)} runs, {sum(STEPS)} steps")
    assert sum(STEPS) > 0
