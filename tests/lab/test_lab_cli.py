"""``python -m streamsim lab``: its options, its output, its errors (exit status 2)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim import LambdaSettings, Simulation
from streamsim.__main__ import main
from streamsim._lab._options import problems
from streamsim._lab._progress_bar import ProgressBar
from streamsim._lab._watch import Deliveries, MappingWatch, most_at_once
from streamsim.lab import LabOptions

ROOT = Path(__file__).resolve().parents[2]


def test_lab_command_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    """The command runs the pipeline with the options given and prints the report."""
    status = main(["lab", "--hours", "0.25", "--rate", "2", "--seed", "3", "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 0
    assert out.startswith("streamsim lab: producer -> Kinesis -> ingest")
    assert "0.25 virtual hours; 2 records/s" in out
    assert "seed 3" in out
    assert out.count("in key order: yes") == 3
    assert err == ""


def test_lab_command_runs_as_a_module() -> None:
    """``python -m streamsim lab`` works from a shell, report on stdout, status 0."""
    result = subprocess.run(
        [sys.executable, "-m", "streamsim", "lab", "--hours", "0.1"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "4. Records end to end" in result.stdout
    assert result.stderr == ""  # not a terminal: no progress bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours", "0"], "--hours must be more than 0 and at most 168, got 0"),
        (["--hours", "200"], "--hours must be more than 0 and at most 168, got 200"),
        (["--hours", "abc"], "argument --hours: expected a number, got 'abc'"),
        (["--hours", "nan"], "argument --hours: expected a finite number, got 'nan'"),
        (["--hours", "0.0001"], "--hours must come to whole virtual seconds, got 0.0001"),
        (["--partitions", "0"], "--partitions must be a whole number from 1 to 64, got 0"),
        (["--partitions", "2.5"], "argument --partitions: invalid int value: '2.5'"),
        (["--kinesis-shards", "65"], "--kinesis-shards must be a whole number from 1 to 64"),
        (["--rate", "-1"], "--rate must be more than 0 and at most 1000 records/s, got -1"),
        (["--rate", "500"], "puts 5000 records at once, more than 2 Kinesis shard(s) take"),
        (["--interval", "0"], "--interval must be a whole number of seconds from 1 to 3600"),
        (["--batch-size", "10001"], "--batch-size must be a whole number from 1 to 10000"),
        (["--starting-position", "AT_TIMESTAMP"], "--starting-position must be TRIM_HORIZON or"),
        (["--parallelization-factor", "11"], "--parallelization-factor must be a whole number"),
        (["--reserved-concurrency", "0"], "--reserved-concurrency must be a whole number from 1"),
        (["--split-at", "24"], "--split-at must be an hour after the start and before the end"),
        (["--reshard-at", "0"], "--reshard-at must be an hour after the start and before the end"),
        (["--hours", "2", "--split-at", "3"], "(2), got 3"),
        (["--seed", "x"], "argument --seed: invalid int value: 'x'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_lab_option_exits_2_naming_it(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad option stops the command before it runs: status 2 and a message naming it."""
    with pytest.raises(SystemExit) as stopped:
        main(["lab", *args])
    out, err = capsys.readouterr()
    assert stopped.value.code == 2
    assert out == ""
    assert "python -m streamsim lab: error:" in err or "unrecognized" in err
    assert message in err


def test_every_bad_option_is_reported_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Two bad options give one message naming both."""
    with pytest.raises(SystemExit):
        main(["lab", "--rate", "0", "--batch-size", "0"])
    err = capsys.readouterr().err
    assert "--rate must be" in err
    assert "--batch-size must be" in err


def test_lab_options_reject_bad_values_naming_the_option() -> None:
    """LabOptions raises ValueError with the option's name; a bool is not a number."""
    with pytest.raises(ValueError, match="--partitions must be a whole number"):
        LabOptions(partitions=True)
    with pytest.raises(ValueError, match="--hours must be more than 0"):
        LabOptions(hours=-1)
    assert problems(LabOptions()) == []


def test_lab_options_repr_shows_what_differs() -> None:
    """The repr lists only the fields changed from the defaults."""
    assert repr(LabOptions()) == "LabOptions()"
    assert repr(LabOptions(seed=4, rate=2)) == "LabOptions(rate=2, seed=4)"


def test_progress_bar_draws_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    """--progress draws the bar on standard error, redrawn in place, ending at 100%."""
    assert main(["lab", "--hours", "0.1", "--progress"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("\r[")
    assert err.endswith("\n")
    assert "[##############################] 100%   0:06 of 0:06 virtual" in err


def test_progress_bar_redraws_at_most_every_interval() -> None:
    """Updates closer together than the interval are not drawn; finish always is."""
    out = io.StringIO()
    bar = ProgressBar(out, 1000, interval=3600)
    bar.update(100, 1)
    bar.update(500, 2)
    bar.finish(1000, 3)
    drawn = out.getvalue()
    assert drawn.count("\r") == 2
    assert "  10%" in drawn
    assert " 100%" in drawn
    assert "  50%" not in drawn


def test_disabled_progress_bar_draws_nothing() -> None:
    """A bar made with enabled=False writes nothing at all."""
    out = io.StringIO()
    bar = ProgressBar(out, 1000, enabled=False)
    bar.update(100, 1)
    bar.finish(1000, 1)
    assert out.getvalue() == ""


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=30))
def test_most_at_once_matches_counting_every_instant(spans: list[tuple[int, int]]) -> None:
    """most_at_once equals the largest count of half-open spans covering one instant."""
    spans = [(start, start + length) for start, length in spans]
    expected = max(
        (sum(1 for s, e in spans if s <= t < e) for t in range(80)),
        default=0,
    )
    assert most_at_once(spans) == expected


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 20)), max_size=40))
def test_deliveries_count_missing_twice_and_out_of_order(
    seen: list[tuple[str, int]],
) -> None:
    """Deliveries' summary agrees with counting the deliveries directly."""
    deliveries = Deliveries()
    for key, seq in seen:
        deliveries.record(key, seq)
    produced = 21
    summary = deliveries.summary(produced)
    counts = [sum(1 for _, s in seen if s == seq) for seq in range(produced)]
    assert summary.received == len(seen)
    assert summary.missing == counts.count(0)
    assert summary.duplicates == sum(1 for c in counts if c > 1)
    late = 0
    highest: dict[str, int] = {}
    for key, seq in seen:
        if seq < highest.get(key, -1):
            late += 1
        highest[key] = max(highest.get(key, -1), seq)
    assert summary.out_of_order == late
    assert summary.exactly_once_in_order == (
        summary.missing == summary.duplicates == summary.out_of_order == 0
    )


class _CountingMetrics:
    """A mapping's metrics view that counts the log entries it hands out."""

    def __init__(self, metrics: Any, handed: list[int]) -> None:
        self._metrics, self._handed = metrics, handed

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._metrics, name)
        if isinstance(value, list):
            self._handed.append(len(value))
        elif callable(value):

            def counted(*args: Any) -> Any:
                out = value(*args)
                self._handed.append(len(out))
                return out

            return counted
        return value


class _WatchedMapping:
    def __init__(self, mapping: Any, handed: list[int]) -> None:
        self._mapping, self._handed = mapping, handed

    @property
    def metrics(self) -> _CountingMetrics:
        return _CountingMetrics(self._mapping.metrics, self._handed)


def _mapped_table(sim: Simulation) -> tuple[Any, Any]:
    """A table with a stream, read by a no-op function's mapping: (table, the mapping's view)."""
    table = sim.create_table("tbl", hash_key="pk", stream_view_type="KEYS_ONLY")
    sim.create_function("f", lambda event, context: None)
    uuid = sim.client("lambda").create_event_source_mapping(
        FunctionName="f", EventSourceArn=sim.streams[0].arn, StartingPosition="TRIM_HORIZON"
    )["UUID"]
    return table, sim.lambda_service.mapping(uuid)


def test_the_lab_reads_only_log_entries_new_since_its_last_look() -> None:
    """Each MappingWatch.collect is handed the invocations and IteratorAge samples logged since
    the previous look, not whole logs: watching a day costs what is new each minute."""
    sim = Simulation(seed=0)
    table, mapping = _mapped_table(sim)
    handed: list[int] = []
    watch = MappingWatch(
        _WatchedMapping(mapping, handed),  # type: ignore[arg-type]
        start_ms=sim.now_ms,
        horizon_ms=60_000,
        log_limit=10_000,
    )
    for n in range(30):
        table.put_item(Item={"pk": f"k{n}"})
        sim.advance(seconds=1)
    watch.collect(sim.now_ms)
    assert sum(handed) == 60  # 30 invocations, 30 samples
    handed.clear()
    table.put_item(Item={"pk": "last"})
    sim.advance(seconds=1)
    watch.collect(sim.now_ms)
    assert sum(handed) == 2
    assert watch.instances().invocations == len(mapping.metrics.invocation_log) == 31


@pytest.mark.parametrize(("between_looks", "complete"), [(4, True), (5, False), (9, False)])
def test_the_lab_says_when_a_log_dropped_entries_it_had_not_read(
    between_looks: int, complete: bool
) -> None:
    """A watch reports its instances incomplete once a mapping's bounded log held nothing but
    new entries at a look (older new ones may have been dropped unread)."""
    sim = Simulation(seed=0, lambda_settings=LambdaSettings(invocation_log_limit=5))
    table, mapping = _mapped_table(sim)
    watch = MappingWatch(mapping, start_ms=sim.now_ms, horizon_ms=60_000, log_limit=5)
    for n in range(between_looks):
        table.put_item(Item={"pk": f"k{n}"})
        sim.advance(seconds=1)
    watch.collect(sim.now_ms)
    assert watch.instances().complete is complete


def test_lab_options_fields_are_the_command_line_options() -> None:
    """Every LabOptions field has its --option on the command line (and nothing else)."""
    from streamsim.__main__ import _LAB_OPTIONS

    flags = {flag[2:].replace("-", "_") for flag, _, _ in _LAB_OPTIONS}
    assert flags == {field.name for field in attrs.fields(LabOptions)}
