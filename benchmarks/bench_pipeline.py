"""One virtual day of the whole lab pipeline at 100 records per second, beside the DynamoDB-only
lab day measured in the same run.

Run: ``python benchmarks/bench_pipeline.py`` (a day) or ``--minutes N`` for a shorter run.

The pipeline is ``python -m streamsim lab``'s (``streamsim.lab.run_lab``): a producer puts 100
records every virtual second to a Kinesis stream of 2 shards (PutRecords); function ``ingest``
reads it and writes each record to a table of 4 partitions with a NEW_AND_OLD_IMAGES stream;
functions ``project`` and ``audit`` (reserved concurrency 1) both read the table's stream.  So
each produced record is a Kinesis put, a Kinesis delivery, a DynamoDB write and two stream
deliveries.  BatchSize is 1,000 (``audit``'s one instance takes a second per batch and serves 4
shards, so at BatchSize 100 it could not keep up with 100 records/s); the pipeline drains after
the producer stops, and every record must reach every function exactly once, in per-key order.

The baseline is ``bench_lab_day.py``'s scenario (100 writes/s through ``Table.put_item``, a
no-op consumer) for the same virtual minutes, run twice: once before the pipeline (in a child
process, so that it leaves nothing in this one's memory) and once after it (in this process).
The ratio divides by the mean of the two: a shared machine's speed drifts by 20% and more
within an hour, and a baseline on either side of the pipeline cancels a steady drift, where one
after it counted the drift in the ratio.

Printed: wall and CPU time and records per second of each, the cost per produced record as a
ratio to the baselines' mean cost per write (in wall time, and in CPU time, which other
processes on a shared machine do not inflate), and the peak resident memory
(``resource.getrusage``) after the pipeline (the high-water mark of this process, which has
run only the pipeline by then).
Targets (issue 17): the day in at most 180 s and 4 GiB on a 2-core machine, at most 2.5x the
baseline per record.  A progress bar for each run goes to standard error.  A benchmark, not a
test: it asserts only that every record was delivered.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench_lab_day import WRITES_PER_SECOND, lab_day, peak_rss_bytes

from streamsim._lab._progress_bar import ProgressBar
from streamsim.lab import LabOptions, run_lab

RATE = 100
BATCH_SIZE = 1_000


def cpu_seconds() -> float:
    """CPU time of this process so far (user and system): on a shared machine it counts only
    this process's work, where wall time counts the others' too."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def baseline(minutes: int) -> tuple[int, float, float]:
    """The DynamoDB-only lab day in this process, with its progress bar: (records written,
    wall seconds, CPU seconds)."""
    bar = ProgressBar(sys.stderr, minutes * 60_000)
    start_cpu = cpu_seconds()
    day = lab_day(minutes, progress=bar.update)
    cpu = cpu_seconds() - start_cpu
    bar.finish(minutes * 60_000, day.written)
    return day.written, day.total_s, cpu


def baseline_in_child(minutes: int) -> tuple[int, float, float]:
    """:func:`baseline` in a child process (its progress bar on this one's standard error)."""
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--baseline-only", f"--minutes={minutes}"],
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    )
    written, wall, cpu = json.loads(child.stdout.splitlines()[-1])
    return int(written), float(wall), float(cpu)


def show_baseline(when: str, written: int, wall: float, cpu: float) -> None:
    """Print one baseline's figures."""
    print(
        f"baseline {when} (bench_lab_day, {WRITES_PER_SECOND} writes/s, DynamoDB only): "
        f"{wall:7.2f} s wall ({cpu:.2f} s CPU), {written / wall:>8,.0f} records/s",
        flush=True,
    )


def main() -> None:
    """Run a baseline, the pipeline, a baseline again, and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=24 * 60, help="virtual minutes to run")
    # the child's part (baseline_in_child): one baseline, its figures as a JSON line
    parser.add_argument("--baseline-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_only:
        print(json.dumps(baseline(args.minutes)))
        return
    before = baseline_in_child(args.minutes)
    show_baseline("before", *before)
    options = LabOptions(hours=args.minutes / 60, rate=RATE, interval=1, batch_size=BATCH_SIZE)
    print(f"pipeline: {options!r}, {args.minutes:,} virtual minutes", flush=True)
    start, start_cpu = time.perf_counter(), cpu_seconds()
    report = run_lab(options, progress=sys.stderr, show=True)
    pipeline_s = time.perf_counter() - start
    pipeline_cpu = cpu_seconds() - start_cpu
    peak = peak_rss_bytes()
    for function in report.functions:
        assert function.deliveries.exactly_once_in_order, (function.name, function.deliveries)
        assert function.deliveries.received == report.produced
    produced = report.produced
    audit = report.function("audit")
    del report
    gc.collect()
    print(
        f"pipeline: {pipeline_s:7.2f} s wall ({pipeline_cpu:.2f} s CPU), "
        f"{produced / pipeline_s:>8,.0f} produced records/s "
        f"({produced:,} records, each delivered to all 3 functions once; audit throttled "
        f"{audit.throttles:,} times, max iterator age {audit.instances.max_iterator_age_ms:,} ms); "
        f"peak RSS {peak / 2**30:.2f} GiB",
        flush=True,
    )
    after = baseline(args.minutes)
    show_baseline("after", *after)
    for kind, pipeline, index in (("wall", pipeline_s, 1), ("CPU", pipeline_cpu, 2)):
        per_pipeline = pipeline / produced
        per_baseline = (before[index] / before[0] + after[index] / after[0]) / 2
        print(
            f"cost per produced record ({kind}): {per_pipeline * 1e6:.1f} us vs "
            f"{per_baseline * 1e6:.1f} us per DynamoDB-only write (the baselines' mean): "
            f"{per_pipeline / per_baseline:.2f}x (target at most 2.5x)"
        )


if __name__ == "__main__":
    main()
