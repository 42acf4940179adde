"""Run benchmarks of two checkouts back to back and compare every figure they print.

Usage::

    python benchmarks/compare.py --base ../old-checkout [--rounds 5] [bench_writes bench_types ...]

Each round runs every named benchmark once from this checkout and once from ``--base`` (each
with its own ``src`` on ``PYTHONPATH``), alternating which goes first, so both see the same
machine.  Every output line of the form ``<label> <number> <unit>`` is a figure; for each, the
median over the rounds is printed for both checkouts with their ratio (this / base).  Figures
whose unit is a rate (``/s``) are better when higher; the rest (times, bytes) when lower.

The machine's noise shows in the spread: quote medians and ratios, never single runs.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FIGURE = re.compile(r"^\s*(?P<label>.*?\S)\s+(?P<value>\d[\d,]*(?:\.\d+)?)\s+(?P<unit>[^\s\d(]\S*)")
DEFAULT = ("bench_writes", "bench_types", "bench_stream", "bench_poller")


def run(checkout: Path, bench: str, extra: list[str]) -> dict[str, tuple[float, str]]:
    """The figures one run of ``bench`` prints, by label (a repeated label gets a suffix)."""
    env = dict(os.environ, PYTHONPATH=str(checkout / "src"))
    out = subprocess.run(
        [sys.executable, str(checkout / "benchmarks" / f"{bench}.py"), *extra],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=checkout,
    ).stdout
    figures: dict[str, tuple[float, str]] = {}
    for line in out.splitlines():
        match = FIGURE.match(line)
        if match is None:
            continue
        label = match["label"]
        while label in figures:
            label += "'"
        figures[label] = (float(match["value"].replace(",", "")), match["unit"])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="pass --quick to bench_stream")
    parser.add_argument("benches", nargs="*", default=list(DEFAULT))
    args = parser.parse_args()
    base = args.base.resolve()
    for bench in args.benches:
        extra = ["--quick"] if args.quick and bench == "bench_stream" else []
        mine: dict[str, list[float]] = {}
        theirs: dict[str, list[float]] = {}
        units: dict[str, str] = {}
        for i in range(args.rounds):
            order = [(HERE, mine), (base, theirs)]
            if i % 2:
                order.reverse()
            for checkout, into in order:
                for label, (value, unit) in run(checkout, bench, extra).items():
                    into.setdefault(label, []).append(value)
                    units[label] = unit
        print(f"{bench} ({args.rounds} rounds, medians): this | base | this/base")
        for label in mine:
            if label not in theirs:
                continue
            a, b = statistics.median(mine[label]), statistics.median(theirs[label])
            ratio = a / b if b else float("nan")
            print(f"  {label:<48} {a:>12.3f} | {b:>12.3f} {units[label]:<10} {ratio:6.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
