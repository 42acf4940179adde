"""``python -m streamsim serve``: a simulation behind a loopback AWS endpoint.

::

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
from typing import Any

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m streamsim")
    commands = parser.add_subparsers(dest="command", required=True)
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
