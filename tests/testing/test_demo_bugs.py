"""The toolkit finds the classic consumer bugs of ``examples/consumer_testing.py``.

Each test fails if the bug is NOT found: Hypothesis searches the toolkit's strategies for a
scenario the buggy consumer fails, the counterexample shrinks to at most 4 operations, and
its printed ``repr`` replays the failure without Hypothesis.  The correct consumers pass the
same searches.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

import streamsim.testing
from streamsim.testing import Scenario, run_consumer_test
from streamsim.testing.strategies import scenarios
from tests.testing.examples_support import load_consumer_example

SEARCH = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)


EX = load_consumer_example()


def run(consumer: Any, scenario: Scenario) -> Any:
    """Run one scenario against a consumer of the example (a projector against its model)."""
    if consumer in EX.PROJECTORS.values():
        return run_consumer_test(
            consumer, scenario, expected=EX.expected_copy, observed=EX.observed_copy
        )
    return run_consumer_test(
        consumer, scenario, expected=EX.expected_totals, observed=EX.observed_totals
    )


def hunt(consumer: Any, **strategy: Any) -> Scenario:
    """The minimal scenario the consumer fails (pytest fails if none is found)."""
    strategy.setdefault("horizon", 2)
    return find(scenarios(**strategy), lambda s: not run(consumer, s).valid, settings=SEARCH)


def assert_found_and_replays(consumer: Any, found: Scenario) -> None:
    """At most 4 operations, and eval(repr(found)) fails the consumer again."""
    assert len(found.operations) <= 4, repr(found)
    namespace = {name: getattr(streamsim.testing, name) for name in streamsim.testing.__all__}
    replayed = eval(repr(found), namespace)
    assert replayed == found
    assert not run(consumer, replayed).valid


def test_double_count_on_retry_is_found() -> None:
    """A non-idempotent aggregate counts a retried batch twice: found, shrunk, replayable."""
    found = hunt(EX.double_count, kinds=("crash", "timeout"), report_batch_item_failures=False)
    assert_found_and_replays(EX.double_count, found)


def test_report_by_event_id_is_found() -> None:
    """ReportBatchItemFailures answered with the eventID retries the whole batch: found."""
    found = hunt(EX.reports_event_id, kinds=("downstream",), report_batch_item_failures=True)
    assert_found_and_replays(EX.reports_event_id, found)


def test_report_only_the_last_failure_is_found() -> None:
    """Reporting only the last failed record loses the earlier one: found."""
    found = hunt(EX.reports_last_failure, kinds=("downstream",), report_batch_item_failures=True)
    assert_found_and_replays(EX.reports_last_failure, found)


def test_last_writer_wins_by_timestamp_is_found() -> None:
    """A projector ordering by the 1-second ApproximateCreationDateTime loses a write: found."""
    found = hunt(EX.projector_by_timestamp, kinds=())
    assert_found_and_replays(EX.projector_by_timestamp, found)


def test_upsert_then_delete_in_one_batch_is_found() -> None:
    """A projector collapsing a batch into deletes-then-upserts resurrects an item: found."""
    found = hunt(EX.projector_batched, kinds=())
    assert_found_and_replays(EX.projector_batched, found)


def test_ordering_a_batch_by_event_id_is_found() -> None:
    """A projector that sorts a batch by eventID applies two changes of a key out of order:
    found, because eventIDs are opaque by default (StreamSettings.event_ids)."""
    found = hunt(EX.projector_by_event_id, kinds=())
    assert_found_and_replays(EX.projector_by_event_id, found)


def test_comparing_sequence_numbers_as_strings_is_found() -> None:
    """A projector comparing sequence numbers as text drops a newer change once numbers gain a
    digit (after a rotation or split): found within the ci search, in at most 4 operations."""
    found = hunt(EX.projector_by_text_sequence, kinds=())
    assert_found_and_replays(EX.projector_by_text_sequence, found)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_correct_projector_passes_every_scenario(scenario: Scenario) -> None:
    """The sequence-number projector with tombstones passes under every fault."""
    run(EX.projector, scenario).check()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_correct_consumer_passes_every_scenario(scenario: Scenario) -> None:
    """The idempotent consumer passes whatever the workload, mapping and fault plan."""
    run(EX.correct, scenario).check()


def test_a_slot_still_failing_is_retried_before_its_shard_counts_as_blocked() -> None:
    """With ParallelizationFactor 2 and a healed fault, one slot's retry does not make the
    other slot's batch count as blocked before its own retry (found by Hypothesis)."""
    t = streamsim.testing
    scenario = Scenario(
        operations=(
            t.Put("a1", 1), t.Put("a1", 2), t.Throttle(1000),
            t.Put("b1", 1), t.Put("b1", 2), t.Advance(5000),
        ),
        mapping=(
            ("BatchSize", 3), ("BisectBatchOnFunctionError", False),
            ("MaximumBatchingWindowInSeconds", 1), ("ParallelizationFactor", 2),
        ),
        faults=t.FaultPlan(
            faults=(t.Crash(on=(), probability=0.0, after=0, when=t.BatchSizeAtLeast(size=2)),),
            seed=0,
        ),
        seed=0,
        partitions=1,
        sequence_number_lengths="varied",
    )  # fmt: skip
    run(EX.correct, scenario).check()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(kinds=("downstream",), report_batch_item_failures=True))
def test_reporting_sequence_numbers_passes(scenario: Scenario) -> None:
    """ReportBatchItemFailures with sequence numbers, stopping at the first failure, passes."""
    run(EX.reports_sequence_number, scenario).check()


def test_example_scenario_replays_identically() -> None:
    """The same scenario gives the same trace, byte for byte (determinism)."""
    scenario = EX.scenario(())
    first = run(EX.double_count, scenario).report()
    assert first == run(EX.double_count, scenario).report()


@pytest.mark.parametrize("name", sorted(EX.CONSUMERS))
def test_example_verdicts(name: str) -> None:
    """In the example's own scenario the correct consumers pass and the buggy ones fail."""
    consumer, response_types = EX.CONSUMERS[name]
    verdict = run(consumer, EX.scenario(response_types)).valid
    assert verdict == (name in ("correct", "reports_sequence_number"))
