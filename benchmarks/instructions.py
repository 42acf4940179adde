"""Instructions per record of a GetRecords drain and of the lab scenario, counted by valgrind,
for two checkouts.

Usage::

    python benchmarks/instructions.py --base ../old-checkout [--records 5000]

Wall-clock figures move with whatever else the machine runs; instruction counts do not (the
same binary, inputs and ``PYTHONHASHSEED`` give the same count).  For each checkout and each
case (view type, ``Limit``), this runs a drain scenario under ``valgrind --tool=callgrind``
twice, once draining the stream once and once draining it four times, and prints the
difference per drained record, so that start-up and the writes cancel out.  Then the lab
scenario of ``bench_lab_day.py`` (4 partitions, NEW_AND_OLD_IMAGES, 25 ``Table.put_item`` per
250 ms tick, a no-op mapping with BatchSize 100), end to end and without the mapping (writes
only), run for 1 and 3 virtual minutes: the difference per record written.  Last the pipeline
of ``bench_pipeline.py`` (``streamsim.lab.run_lab`` at 100 records/s, BatchSize 1,000: PutRecords,
function ``ingest`` writing each record to the table, two functions reading its stream), run for
1 and 3 virtual minutes: the difference per produced record.  Needs valgrind; takes about four
minutes.  A proxy for time, not a replacement: quote it beside
``compare.py``'s medians.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CASES = (("NEW_AND_OLD_IMAGES", 1000), ("NEW_AND_OLD_IMAGES", 100), ("KEYS_ONLY", 1000))
SCENARIO = """
import gc, sys
import bench_stream as b
n, view, limit, drains = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sim, table = b.new_table(view, max_readers_per_shard=None)
for i in range(n):
    table.put_item(Item=b.item(i))
gc.collect()
for _ in range(drains):
    assert b.drain(sim, table.latest_stream_arn, limit) == n
"""

LAB = """
import sys
from decimal import Decimal
from streamsim import Simulation
minutes, with_mapping = int(sys.argv[1]), sys.argv[2] == "mapping"
sim = Simulation(seed=0)
table = sim.create_table(
    "lab", hash_key="pk", partitions=4, stream_view_type="NEW_AND_OLD_IMAGES"
)
if with_mapping:
    sim.create_function("consumer", lambda event, context: None)
    sim.client("lambda").create_event_source_mapping(
        FunctionName="consumer", EventSourceArn=sim.streams[0].arn,
        StartingPosition="LATEST", BatchSize=100,
    )
sim.advance(seconds=1)
names = [f"sensor#{i:05d}" for i in range(10_000)]
written = 0
for _ in range(minutes * 240):
    for _ in range(25):
        table.put_item(Item={
            "pk": names[written % 10_000], "site": "lab-1", "kind": "temperature",
            "reading": Decimal(written % 997), "ok": written % 3 != 0,
        })
        written += 1
    sim.advance(milliseconds=250)
"""
LAB_RECORDS_PER_MINUTE = 6_000

PIPELINE = """
import sys
from streamsim.lab import LabOptions, run_lab
minutes = int(sys.argv[1])
report = run_lab(LabOptions(hours=minutes / 60, rate=100, interval=1, batch_size=1_000))
assert all(f.deliveries.exactly_once_in_order for f in report.functions)
assert report.produced == minutes * 6_000
"""
PIPELINE_RECORDS_PER_MINUTE = 6_000


def count(checkout: Path, records: int, view: str, limit: int, drains: int) -> int:
    """Instructions valgrind counts for the drain scenario run from ``checkout``."""
    return run_counted(checkout, SCENARIO, [str(records), view, str(limit), str(drains)])


def run_counted(checkout: Path, scenario: str, argv: list[str]) -> int:
    """Instructions valgrind counts for ``python -c scenario *argv`` run from ``checkout``."""
    env = dict(
        os.environ,
        PYTHONHASHSEED="0",
        PYTHONPATH=os.pathsep.join([str(checkout / "src"), str(checkout / "benchmarks")]),
    )
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        scenario,
        *argv,
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=checkout)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"valgrind failed in {checkout}:\n{done.stderr[-2000:]}")
    return int(match[1])


def per_record(checkout: Path, records: int, view: str, limit: int) -> float:
    """Instructions per drained record: (four drains - one drain) / (3 * records)."""
    return (count(checkout, records, view, limit, 4) - count(checkout, records, view, limit, 1)) / (
        3 * records
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)")
        return 1
    print(f"instructions per drained record ({args.records:,} records): this | base | this/base")
    for view, limit in CASES:
        this = per_record(HERE, args.records, view, limit)
        base = per_record(args.base.resolve(), args.records, view, limit)
        label = f"drain {view}, Limit={limit}"
        print(f"  {label:<40} {this:>9,.0f} | {base:>9,.0f} instructions  {this / base:.2f}")
    for label, mode in (("lab, end to end", "mapping"), ("lab, writes only", "writes")):
        this, base = (
            (run_counted(c, LAB, ["3", mode]) - run_counted(c, LAB, ["1", mode]))
            / (2 * LAB_RECORDS_PER_MINUTE)
            for c in (HERE, args.base.resolve())
        )
        print(f"  {label:<40} {this:>9,.0f} | {base:>9,.0f} instructions  {this / base:.2f}")
    this, base = (
        (run_counted(c, PIPELINE, ["3"]) - run_counted(c, PIPELINE, ["1"]))
        / (2 * PIPELINE_RECORDS_PER_MINUTE)
        for c in (HERE, args.base.resolve())
    )
    label = "pipeline (lab command), per produced record"
    print(f"  {label:<40} {this:>9,.0f} | {base:>9,.0f} instructions  {this / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
