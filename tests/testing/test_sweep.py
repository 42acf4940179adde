"""sweep: one check over many cases on any concurrent.futures Executor, outcomes in order."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import timedelta

import pytest

from streamsim import Simulation
from streamsim.testing import (
    CheckResult,
    SweepOutcome,
    WriteLog,
    check_stream_history,
    read_stream,
    sweep,
)


def stream_check(seed: int) -> CheckResult:
    """A seeded scenario: writes across a rotation, then the stream checked against them."""
    sim = Simulation(seed=seed)
    table = sim.create_table("t1x", hash_key="pk", partitions=2, stream_view_type="KEYS_ONLY")
    log = WriteLog(table)
    for i in range(10):
        table.put_item(Item={"pk": f"k{i % 3}", "n": i})
        sim.advance(timedelta(hours=1))
    return check_stream_history(read_stream(sim, table.latest_stream_arn), log)


def test_sweep_runs_seeds_in_a_process_pool() -> None:
    """A process pool runs one simulation per seed; outcomes come back in seed order."""
    with ProcessPoolExecutor(2) as pool:
        outcomes = sweep(stream_check, range(4), executor=pool)
    assert [o.case for o in outcomes] == [0, 1, 2, 3]
    assert all(isinstance(o, SweepOutcome) and o.valid for o in outcomes)


def test_sweep_reports_failures_with_their_explanation() -> None:
    """A failing case is valid=False with its explanation; the others are unaffected."""

    def check(n: int) -> CheckResult:
        from streamsim.testing import Anomaly

        return CheckResult(() if n else (Anomaly("lost", "case zero lost a change", {}),))

    with ThreadPoolExecutor(2) as pool:
        outcomes = sweep(check, [0, 1], executor=pool)
    assert [o.valid for o in outcomes] == [False, True]
    assert "case zero lost a change" in outcomes[0].explanation


def test_sweep_runs_on_a_dask_local_cluster() -> None:
    """A Dask distributed client's executor runs the sweep unchanged (issue 15, Deliver 7)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        outcomes = sweep(stream_check, range(4), executor=client.get_executor())
    assert [o.case for o in outcomes] == [0, 1, 2, 3]
    assert all(o.valid for o in outcomes)
    assert outcomes == sweep(stream_check, range(4), executor=ThreadPoolExecutor(2))
