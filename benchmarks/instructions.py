"""Instructions per record of a GetRecords drain, counted by valgrind, for two checkouts.

Usage::

    python benchmarks/instructions.py --base ../old-checkout [--records 5000]

Wall-clock figures move with whatever else the machine runs; instruction counts do not (the
same binary, inputs and ``PYTHONHASHSEED`` give the same count).  For each checkout and each
case (view type, ``Limit``), this runs a drain scenario under ``valgrind --tool=callgrind``
twice, once draining the stream once and once draining it four times, and prints the
difference per drained record, so that start-up and the writes cancel out.  Needs valgrind;
takes about a minute.  A proxy for time, not a replacement: quote it beside
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


def count(checkout: Path, records: int, view: str, limit: int, drains: int) -> int:
    """Instructions valgrind counts for the scenario run from ``checkout``."""
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
        SCENARIO,
        str(records),
        view,
        str(limit),
        str(drains),
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
