"""``python -m streamsim``: ``lab`` runs the lab pipeline; ``serve`` serves a simulation.

::

    python -m streamsim lab [--hours H] [--partitions N] [--kinesis-shards N] [--rate R]
                            [--interval SECONDS] [--batch-size N] [--starting-position POSITION]
                            [--parallelization-factor N] [--reserved-concurrency N]
                            [--split-at HOUR] [--reshard-at HOUR] [--seed N]
                            [--progress | --no-progress]

runs the whole lab pipeline (a producer -> Kinesis -> function 1 -> a DynamoDB table and its
stream -> function 2, and function 3 with reserved concurrency 1) for ``--hours`` of virtual
time and prints what it teaches (see :mod:`streamsim.lab`).  A bad option exits with status 2
and a message naming it.  The progress bar goes to standard error, by default only when that
is a terminal.

    python -m streamsim serve [--host 127.0.0.1] [--port 4566] [--seed N] [--region R]
                              [--setup module:function] [--clock manual|wall] [--speed X]
                              [--allow-remote] [--max-body-bytes N] [--busy-timeout S]

Then point the AWS CLI or any SDK at it (``aws --endpoint-url http://127.0.0.1:4566 dynamodb
list-tables``, or ``AWS_ENDPOINT_URL``) with any credentials.  ``--setup`` names a function
called once with the :class:`~streamsim.Simulation` before serving: it creates tables, Lambda
functions (their handlers are Python) and mappings.  The first line printed is
``streamsim: serving http://HOST:PORT``; the process serves until interrupted (Ctrl-C,
SIGTERM).  Virtual time moves with ``POST /_streamsim/advance`` (``{"seconds": 5}``), or with
the wall clock under ``--clock wall``.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import attrs

from streamsim._lab._options import LabOptions, problems
from streamsim._lab._pipeline import run_lab
from streamsim._sdk._server import DEFAULT_BUSY_TIMEOUT_S, DEFAULT_MAX_BODY_BYTES
from streamsim._simulation import Simulation


def _setup_function(spec: str) -> Callable[[Simulation], Any]:
    """The function ``module:function`` names (imported, never evaluated from text)."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"--setup takes module:function, got {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"--setup {spec}: {target!r} is not callable")
    return target  # type: ignore[no-any-return]


def _number(text: str) -> float:
    """A number option: an int when it is one (so ``--hours 24`` prints as 24)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


#: The lab's options: (flag, type, help); each sets the LabOptions field of the same name.
_LAB_OPTIONS: tuple[tuple[str, Callable[[str], Any], str], ...] = (
    ("--hours", _number, "virtual hours the producer runs (default 24)"),
    ("--partitions", int, "partitions of the DynamoDB table (default 4)"),
    ("--kinesis-shards", int, "shards of the Kinesis stream (default 2)"),
    ("--rate", _number, "records produced per virtual second (default 0.5)"),
    ("--interval", int, "virtual seconds between PutRecords batches (default 10)"),
    ("--batch-size", int, "BatchSize of the three event source mappings (default 100)"),
    ("--starting-position", str, "TRIM_HORIZON (default) or LATEST, for every mapping"),
    ("--parallelization-factor", int, "ParallelizationFactor of functions 1 and 2 (default 1)"),
    ("--reserved-concurrency", int, "reserved concurrency of function 3 (default 1)"),
    ("--split-at", _number, "split the table's partition 0 at this virtual hour"),
    ("--reshard-at", _number, "double the Kinesis shards (UpdateShardCount) at this hour"),
    ("--seed", int, "the simulation's seed (default 0)"),
)


def _lab_parser(commands: Any) -> None:
    lab = commands.add_parser(
        "lab",
        help="run the lab pipeline: Kinesis -> Lambda -> DynamoDB -> stream -> Lambda",
        description="Run the lab pipeline in virtual time and print what it teaches.",
    )
    metavars = {"--hours": "H", "--split-at": "HOUR", "--reshard-at": "HOUR", "--rate": "R"}
    metavars |= {"--interval": "SECONDS", "--starting-position": "POSITION"}
    for flag, kind, text in _LAB_OPTIONS:
        lab.add_argument(flag, type=kind, help=text, metavar=metavars.get(flag, "N"))
    lab.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="draw a progress bar on standard error (default: when it is a terminal)",
    )
    lab.set_defaults(subparser=lab)


def _lab(args: argparse.Namespace) -> int:
    given = {
        flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_"))
        for flag, _, _ in _LAB_OPTIONS
    }
    fields = {**attrs.asdict(LabOptions()), **{k: v for k, v in given.items() if v is not None}}
    found = problems(SimpleNamespace(**fields))
    if found:
        args.subparser.error("; ".join(found))
    show = sys.stderr.isatty() if args.progress is None else args.progress
    print(run_lab(LabOptions(**fields), progress=sys.stderr, show=show), flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m streamsim")
    commands = parser.add_subparsers(dest="command", required=True)
    _lab_parser(commands)
    serve = commands.add_parser("serve", help="serve a simulation over loopback HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4566, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--region", default="us-east-1")
    serve.add_argument("--setup", help="module:function called with the Simulation first")
    serve.add_argument("--clock", choices=("manual", "wall"), default="manual")
    serve.add_argument("--speed", type=float, default=1.0, help="virtual s per wall s (wall)")
    serve.add_argument("--allow-remote", action="store_true", help="listen beyond loopback")
    serve.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    serve.add_argument(
        "--busy-timeout",
        type=float,
        default=DEFAULT_BUSY_TIMEOUT_S,
        help="seconds a request waits for the simulation before a 503",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "lab":
        return _lab(args)
    try:
        sim = Simulation(seed=args.seed, region=args.region)
        if args.setup:
            _setup_function(args.setup)(sim)
        server = sim.serve(
            args.host,
            args.port,
            allow_remote=args.allow_remote,
            clock=args.clock,
            speed=args.speed,
            max_body_bytes=args.max_body_bytes,
            busy_timeout=args.busy_timeout,
        )
        server.start()
    except (ValueError, TypeError, OSError, ImportError, AttributeError) as exc:
        print(f"streamsim: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"streamsim: serving {server.url} (seed {args.seed}, clock {args.clock})", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    sys.exit(main())
