"""The lab pipeline over 24 virtual hours: the numbers the lab teaches (issue 17, Deliver 5).

One day runs once for the module, at 0.2 records per second (a PutRecords batch of 6 every
30 s), and each test checks one of its lessons.  Shorter runs check the options that change
the pipeline's shape.
"""

from __future__ import annotations

import pytest

from streamsim.lab import LabOptions, LabReport, run_lab

DAY = LabOptions(rate=0.2, interval=30)


@pytest.fixture(scope="module")
def day() -> LabReport:
    return run_lab(DAY)


def test_lab_day_lists_24_table_shards_with_4_open_at_23_59(day: LabReport) -> None:
    """At 23:59 DescribeStream lists 24 shards of the table's stream, 4 of them open."""
    assert (day.snapshot_ms - day.start_ms) == (23 * 60 + 59) * 60_000
    assert (day.table_shards, day.table_open_shards) == (24, 4)
    assert day.table_lineage.count(" open ") == 4
    assert day.table_lineage.count(" closed ") == 20


def test_lab_day_kinesis_shards_do_not_rotate(day: LabReport) -> None:
    """Without a reshard the Kinesis stream keeps its 2 shards, open, all day."""
    assert (day.kinesis_shards, day.kinesis_open_shards) == (2, 2)
    assert "closed" not in day.kinesis_lineage


def test_one_lambda_instance_per_open_shard_of_each_stream(day: LabReport) -> None:
    """ParallelizationFactor 1: at most one instance per shard at a time, and the peak
    reaches one per open shard (2 Kinesis shards for ingest, 4 table shards for project)."""
    ingest, project = day.function("ingest"), day.function("project")
    assert ingest.instances.most_per_shard == 1
    assert project.instances.most_per_shard == 1
    assert ingest.peak_concurrency == day.kinesis_open_shards == 2
    assert project.peak_concurrency == day.table_open_shards == 4
    assert ingest.instances.shards_read == 2
    assert project.instances.shards_read >= 24  # every shard of the chains, and 24:00's children
    assert all(f.instances.complete for f in day.functions)


def test_reserved_concurrency_1_runs_one_instance_at_a_time(day: LabReport) -> None:
    """audit (reserved concurrency 1) never runs two instances; its shards wait their turn:
    it is throttled and its iterator age is far above project's."""
    audit, project = day.function("audit"), day.function("project")
    assert audit.reserved_concurrency == 1
    assert audit.peak_concurrency == 1
    assert audit.instances.most_per_shard == 1
    assert audit.throttles > 0
    assert project.throttles == 0
    assert audit.instances.max_iterator_age_ms > 5 * project.instances.max_iterator_age_ms
    assert len(audit.instances.age_windows) >= 6  # one per 4 hours of the day


def test_every_record_reaches_the_last_functions_once_in_key_order(day: LabReport) -> None:
    """Every produced record reaches ingest, the table, project and audit exactly once (every
    invocation succeeds), each sensor's records in the order they were produced."""
    assert day.produced == 24 * 3600 // 5
    assert day.rejected == 0
    assert day.table_writes == day.produced
    assert day.drained
    for function in day.functions:
        assert function.errors == 0
        delivered = function.deliveries
        assert delivered.received == day.produced
        assert delivered.exactly_once_in_order, (function.name, delivered)


def test_lab_report_text_shows_each_lesson(day: LabReport) -> None:
    """The printed report has the four parts, the two lineage trees and the verdicts."""
    text = str(day)
    for heading in (
        "1. Shard lineage at 2024-01-01 23:59:00",
        "2. Lambda instances per shard",
        "3. Reserved concurrency 1 (audit)",
        "4. Records end to end",
    ):
        assert heading in text
    assert day.kinesis_lineage in text
    assert day.table_lineage in text
    assert text.count("in key order: yes") == 3
    assert all(len(line) <= 100 for line in text.splitlines() if not line.startswith(("|", " ")))


def test_lab_runs_are_deterministic_with_the_seed() -> None:
    """The same options give the same report; another seed gives other shard ids."""
    options = LabOptions(hours=0.5, rate=2)
    first = str(run_lab(options))
    assert str(run_lab(options)) == first
    assert str(run_lab(LabOptions(hours=0.5, rate=2, seed=1))) != first


def test_parallelization_factor_multiplies_instances_per_shard() -> None:
    """ParallelizationFactor 2: up to two instances per shard at once, never more."""
    report = run_lab(LabOptions(hours=1, rate=2, parallelization_factor=2))
    for name in ("ingest", "project"):
        function = report.function(name)
        assert function.instances.most_per_shard == 2
        assert function.instances.slots == 2
    assert report.function("ingest").peak_concurrency <= 2 * report.kinesis_open_shards
    assert report.function("audit").instances.most_per_shard == 1
    assert all(f.deliveries.exactly_once_in_order for f in report.functions)


def test_reshard_at_doubles_the_kinesis_shards_with_lineage() -> None:
    """--reshard-at closes both Kinesis shards at that hour; each gets two children, read
    after their parent, and no record is lost or reordered."""
    report = run_lab(LabOptions(hours=2, rate=2, reshard_at=1))
    assert (report.kinesis_shards, report.kinesis_open_shards) == (6, 4)
    assert report.reshard_ms == report.start_ms + 3_600_000
    assert report.kinesis_lineage.count("closed") == 2
    assert report.function("ingest").instances.shards_read == 6
    assert all(f.deliveries.exactly_once_in_order for f in report.functions)


def test_split_at_gives_a_table_shard_two_children() -> None:
    """--split-at splits partition 0: its shard closes with two children (5 open)."""
    report = run_lab(LabOptions(hours=2, rate=2, split_at=1))
    assert (report.table_shards, report.table_open_shards) == (6, 5)
    assert report.split_ms == report.start_ms + 3_600_000
    assert all(f.deliveries.exactly_once_in_order for f in report.functions)


def test_starting_position_latest_still_delivers_every_record() -> None:
    """Mappings made with LATEST before the producer starts miss nothing."""
    report = run_lab(LabOptions(hours=0.5, rate=2, starting_position="LATEST"))
    assert all(f.deliveries.exactly_once_in_order for f in report.functions)
    assert report.function("audit").deliveries.received == report.produced == 3600


def test_reserved_concurrency_4_removes_the_throttles() -> None:
    """With reserved concurrency 4 (one per open shard) audit is no longer throttled."""
    report = run_lab(LabOptions(hours=1, rate=2, reserved_concurrency=4))
    audit = report.function("audit")
    assert audit.throttles == 0
    assert 1 < audit.peak_concurrency <= 4
