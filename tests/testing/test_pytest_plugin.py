"""The pytest plugin: seeded fixtures, safe inside @given, and a dump of a failing test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim import Simulation

pytest_plugins = ["pytester"]
SRC = Path(__file__).resolve().parents[2] / "src"


def test_sim_fixture_is_a_fresh_seeded_simulation(sim: Simulation) -> None:
    """The sim fixture is a new simulation at its start, with the --streamsim-seed seed."""
    assert sim.seed == 0
    assert sim.tables == []


@given(st.integers(0, 3))
def test_sim_factory_is_fresh_per_example(sim_factory: Any, n: int) -> None:
    """Inside @given, the factory gives each example its own simulation."""
    sim = sim_factory()
    assert sim.tables == []
    sim.create_table("t1x", hash_key="pk")
    assert sim_factory(seed=n).seed == n


def test_a_failing_test_reports_seed_trace_and_lineage(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing test that used sim gets a streamsim section: seed, mapping trace, shards."""
    monkeypatch.setenv("PYTHONPATH", str(SRC))  # this checkout's streamsim, in a subprocess
    pytester.makepyfile(
        """
        def test_fails(sim):
            table = sim.create_table("tbl", hash_key="pk", stream_view_type="KEYS_ONLY")
            def handler(event, context):
                raise ValueError("handler broke")
            sim.create_function("fn", handler)
            sim.client("lambda").create_event_source_mapping(
                FunctionName="fn", EventSourceArn=table.latest_stream_arn,
                StartingPosition="TRIM_HORIZON")
            table.put_item(Item={"pk": "a"})
            sim.advance(seconds=5)
            assert False
        """
    )
    result = pytester.runpytest_subprocess("-p", "streamsim.pytest_plugin", "--streamsim-seed", "7")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*streamsim*",
            "--streamsim-seed 7",
            "<Simulation seed=7*",
            "*attempt 1: function_error (ValueError: handler broke)*",
            "stream arn:aws:dynamodb:*",
            "*shardId-* open, 1 records*",
        ]
    )
