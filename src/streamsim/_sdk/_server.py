"""A loopback HTTP endpoint speaking AWS's protocols for one simulation.

``with sim.serve(port=0) as server:`` (or ``python -m streamsim serve``) answers the AWS CLI and
any AWS SDK pointed at ``server.url`` (``--endpoint-url``, ``AWS_ENDPOINT_URL``) through the
same adapter as ``sim.boto3_session()``.  The standard library's threaded HTTP server is enough:
the simulation itself is the bottleneck, and it is serialised anyway.

Rules:

* One lock serialises every call into the simulation: requests, ``server.advance(...)``, the
  admin endpoint and the wall clock's ticks.  A call made from the thread that holds it (a Lambda
  handler calling ``server.advance`` or ``server.call`` during an advance) raises at once; a
  request that waits longer than ``busy_timeout`` seconds for it (a Lambda handler calling the
  endpoint over HTTP during an advance, which would otherwise wait forever) is answered
  503 ``ServiceUnavailable`` saying why.
* Virtual time: with ``clock="manual"`` it moves only through ``POST /_streamsim/advance``
  (a JSON object of ``advance``'s units, ``{"seconds": 5}``) or ``server.advance``; with
  ``clock="wall"`` a ticker also moves it with the wall clock times ``speed``.
  ``GET /_streamsim/now`` tells the virtual time.
* Loopback only unless ``allow_remote``; request bodies over ``max_body_bytes`` are refused
  (413) without being processed; nothing from a request is evaluated or unpickled (``json``
  only).
"""

from __future__ import annotations

import ipaddress
import json
import math
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, TypeVar

from streamsim._errors import SimulationError

from ._adapter import Adapter, WireResponse

T = TypeVar("T")

#: DynamoDB's own request limit is 16 MB (BatchWriteItem); a little room for JSON overhead
DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
DEFAULT_BUSY_TIMEOUT_S = 5.0
#: how often the wall clock's ticker moves virtual time (wall seconds)
WALL_TICK_S = 0.05
_ADMIN = "/_streamsim/"
_ADVANCE_UNITS = ("milliseconds", "seconds", "minutes", "hours", "days")
# how long a refused request's connection waits for the rest of its body (wall seconds)
_LINGER_IDLE_S = 1.0
_LINGER_TOTAL_S = 10.0


class SimulationLike(Protocol):
    """What the server needs of a :class:`~streamsim.Simulation`."""

    @property
    def now(self) -> datetime: ...

    @property
    def now_ms(self) -> int: ...

    def advance(
        self,
        by: timedelta | None = None,
        /,
        *,
        milliseconds: float = 0,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> datetime: ...


def wall_seconds() -> float:
    """The wall clock, in seconds: read only by the ``wall`` clock mode of the server.

    The one place streamsim reads wall time: the user asked virtual time to follow it.
    """
    return time.monotonic()  # noqa: TID251 - the wall clock mode follows wall time by design


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost``, ``127.0.0.0/8``, ``::1``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Busy(Exception):
    """The simulation's lock could not be had: the re-entrant or timed-out caller's reason."""


class SimulationServer:
    """An HTTP endpoint for one simulation; start it with ``with`` or :meth:`start`.

    Args:
        sim: the simulation to serve.
        adapter: the simulation's adapter (``sim.serve()`` hands it over).
        host, port: where to listen; port 0 picks a free one (see :attr:`url`).
        allow_remote: listen on a non-loopback address (anyone who can reach it can call it).
        clock: ``"manual"`` (time moves only when told) or ``"wall"`` (it follows the wall
            clock times ``speed``, besides being told).
        speed: virtual seconds per wall second in ``wall`` mode (a positive number).
        max_body_bytes: larger requests are refused unread (413).
        busy_timeout: seconds a request waits for the simulation before a 503.

    Raises:
        ValueError: a non-loopback host without ``allow_remote``, an unknown clock mode, a
            speed that is not a positive finite number.
    """

    def __init__(
        self,
        sim: SimulationLike,
        adapter: Adapter,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        allow_remote: bool = False,
        clock: str = "manual",
        speed: float = 1.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"host {host!r} is not a loopback address: the endpoint answers anyone who can "
                "reach it, without authentication; pass allow_remote=True (--allow-remote) to "
                "listen there anyway"
            )
        if clock not in ("manual", "wall"):
            raise ValueError(f"clock must be 'manual' or 'wall', got {clock!r}")
        if isinstance(speed, bool) or not isinstance(speed, (int, float)):
            raise ValueError(f"speed must be a positive number, got {speed!r}")
        if not (math.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive finite number, got {speed!r}")
        self.sim = sim
        self.host = host
        self.port = port
        self.clock = clock
        self.speed = float(speed)
        self.max_body_bytes = max_body_bytes
        self.busy_timeout = busy_timeout
        self._adapter = adapter
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._wall_base = (0.0, 0)  # (wall seconds, virtual ms) the wall clock counts from

    # --- life cycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server (the port it really got)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> SimulationServer:
        """Listen and serve on background threads; return self.

        Raises:
            SimulationError: already started.
            OSError: the address is taken or not available.
        """
        if self._httpd is not None:
            raise SimulationError("this server is already running")
        httpd = _HTTPServer((self.host, self.port), _RequestHandler, self)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._stopping.clear()
        threads = [threading.Thread(target=httpd.serve_forever, name="streamsim-http", daemon=True)]
        if self.clock == "wall":
            self._wall_base = (wall_seconds(), self.sim.now_ms)
            threads.append(threading.Thread(target=self._tick, name="streamsim-wall", daemon=True))
        self._threads = threads
        for thread in threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server's threads (a no-op when not running)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def __enter__(self) -> SimulationServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self._httpd is not None else "stopped"
        return f"<SimulationServer {state} clock={self.clock}>"

    # --- the lock -------------------------------------------------------------------------------

    @contextmanager
    def _locked(self, timeout: float | None) -> Iterator[None]:
        me = threading.get_ident()
        if self._owner == me:
            raise _Busy(
                "called from the thread that holds the simulation (a Lambda handler runs inside "
                "advance(); it cannot call the endpoint or advance time itself)"
            )
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            raise _Busy(
                f"the simulation stayed busy for {timeout:g} s. If a Lambda handler is calling "
                "this endpoint while advance() runs it, it would wait forever: handlers run "
                "inside advance(); give the handler an in-process client instead "
                "(sim.boto3_session() or sim.client(...))"
            )
        self._owner = me
        try:
            yield
        finally:
            self._owner = None
            self._lock.release()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn()`` holding the simulation's lock (for work on the simulation meanwhile).

        Raises:
            SimulationError: called from the thread that holds the lock (a handler).
        """
        try:
            with self._locked(None):
                return fn()
        except _Busy as exc:
            raise SimulationError(str(exc)) from None

    def advance(self, **units: float) -> datetime:
        """``sim.advance(**units)`` holding the simulation's lock; the new virtual now."""
        moved = self.call(lambda: self._advance(units))
        return moved

    def _advance(self, units: dict[str, float]) -> datetime:
        before = self.sim.now_ms
        now = self.sim.advance(**units)
        wall, virtual = self._wall_base
        self._wall_base = (wall, virtual + self.sim.now_ms - before)
        return now

    def _tick(self) -> None:
        """The wall clock: every tick, move virtual time to where the wall clock says."""
        while not self._stopping.wait(WALL_TICK_S):
            try:
                with self._locked(None):
                    wall, virtual = self._wall_base
                    target = virtual + int((wall_seconds() - wall) * self.speed * 1000)
                    if target > self.sim.now_ms:
                        self.sim.advance(milliseconds=target - self.sim.now_ms)
            except Exception as exc:  # keep ticking; say what happened
                print(f"streamsim: the wall clock's advance failed: {exc!r}", file=sys.stderr)

    # --- requests -------------------------------------------------------------------------------

    def respond(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> WireResponse:
        """The response to one HTTP request (admin paths included); never raises."""
        try:
            with self._locked(self.busy_timeout):
                if path.startswith(_ADMIN):
                    return self._admin(method, path[len(_ADMIN) :], body)
                return self._adapter.handle(method, path, query, headers, body)
        except _Busy as exc:
            return self._adapter.error_response(None, "ServiceUnavailable", str(exc), 503)

    def too_large(self, length: int) -> WireResponse:
        """The 413 answer to a body of ``length`` bytes."""
        return self._adapter.error_response(
            None,
            "RequestEntityTooLarge",
            f"the request body has {length} bytes; this endpoint takes at most "
            f"{self.max_body_bytes}",
            413,
        )

    def _admin(self, method: str, name: str, body: bytes) -> WireResponse:
        error = self._adapter.error_response
        if name == "advance" and method == "POST":
            try:
                units = json.loads(body or b"{}")
            except (ValueError, UnicodeDecodeError) as exc:
                return error(None, "SerializationException", f"the body is not JSON: {exc}")
            if not isinstance(units, dict) or set(units) - set(_ADVANCE_UNITS):
                return error(
                    None,
                    "ValidationException",
                    f"advance takes a JSON object of {', '.join(_ADVANCE_UNITS)}, got {units!r}",
                )
            try:
                self._advance(units)
            except (TypeError, ValueError) as exc:
                return error(None, "ValidationException", str(exc))
            except SimulationError as exc:
                return error(None, "InternalServerError", str(exc), 500)
        elif name != "now" or method != "GET":
            return error(
                None, "UnknownOperationException", f"no admin operation {method} {_ADMIN}{name}"
            )
        payload = {"now": self.sim.now.isoformat(), "now_ms": self.sim.now_ms}
        return WireResponse(200, {"Content-Type": "application/json"}, json.dumps(payload).encode())


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any, owner: SimulationServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.owner = owner


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one request, hands it to the owner, writes the answer."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    # headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold the second for ~40 ms on every kept-alive request (measured)
    disable_nagle_algorithm = True
    server_version = "streamsim"
    sys_version = ""

    def _serve(self) -> None:
        owner = self.server.owner
        limit = owner.max_body_bytes
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked(limit)
            length = limit + 1 if body is None else len(body)
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            body = self.rfile.read(length) if 0 < length <= limit else b""
        if length < 0 or length > limit:
            self.close_connection = True
            self._send(owner.too_large(length))
            self._discard_rest()
            return
        path, _, query = self.path.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._send(owner.respond(self.command, path, query, headers, body or b""))

    def _read_chunked(self, limit: int) -> bytes | None:
        """A ``Transfer-Encoding: chunked`` body, or None once it passes ``limit`` bytes."""
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                return None  # not a chunk size: refused as unreadable
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailer fields, then the blank line
                    pass
                return b"".join(chunks)
            total += size
            if total > limit:
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk

    def _discard_rest(self) -> None:
        """Read and drop what the client still sends of a refused body, then let it close.

        A client writes its whole body before it reads the answer. Were the connection closed
        at once, the rest of its body would meet a closed socket: the client sees a broken pipe
        or a reset instead of the 413. So the answer goes out, the write side is shut, and the
        input is drained (never kept) until the client closes, goes quiet for
        ``_LINGER_IDLE_S`` or ``_LINGER_TOTAL_S`` has passed.
        """
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_IDLE_S)
            # wall time by design: a real client on the other end of a socket
            deadline = time.monotonic() + _LINGER_TOTAL_S  # noqa: TID251
            while time.monotonic() < deadline and self.rfile.read1(65536):  # noqa: TID251
                pass
        except OSError:
            pass  # the client is gone or quiet: nothing more to wait for

    def _send(self, response: WireResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no line per request on stderr."""
