"""``sim.boto3_session()``: a real boto3 session whose requests the simulation answers.

botocore signs and serialises every request, then emits ``before-send.<service>.<Operation>``;
a handler that returns an ``AWSResponse`` takes the place of the network, and botocore parses
that response as if it came off the wire (its parser, its modeled error classes, its
paginators and waiters).  The handler here is registered on one botocore session only, so two
simulations side by side never see each other, and nothing global changes.

The session is built apart from the user's environment: fixed fake credentials (signing needs
some; never a profile, never instance metadata), no config or credentials files, no
``AWS_*`` environment variables (profile, region, endpoint URLs, retry mode), and retries off
(botocore's retries sleep in wall time while virtual time stands still); a client's own
``config=Config(retries=...)`` still applies.

Differs from AWS: a request to any other service raises :class:`~streamsim.SimulationError`
naming streamsim instead of reaching the network.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from streamsim._errors import SimulationError

from . import require_sdk
from ._adapter import SERVICE_IDS, Adapter

#: the credentials every simulated session signs with (any AWS SDK needs some to sign)
FAKE_ACCESS_KEY_ID = "streamsim"
FAKE_SECRET_ACCESS_KEY = "streamsim"  # not a secret: fixed and fake on purpose
#: one attempt, no retry: "legacy" with total_max_attempts works on every botocore >= 1.34
NO_RETRIES = {"mode": "legacy", "total_max_attempts": 1}


class _Body:
    """The ``raw`` of an ``AWSResponse``: the body bytes, streamed once or read."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any, **__: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def before_send_handler(adapter: Adapter) -> Any:
    """botocore's ``before-send`` handler answering from ``adapter`` (other services refused)."""
    from botocore.awsrequest import AWSResponse

    def answer(request: Any, event_name: str = "", **_: Any) -> Any:
        service_id = event_name.split(".")[1] if event_name.count(".") >= 2 else ""
        if service_id not in SERVICE_IDS:
            raise SimulationError(
                f"{event_name.partition('.')[2] or request.url}: streamsim simulates only "
                "dynamodb, dynamodbstreams, lambda and kinesis; a session from "
                "sim.boto3_session() or "
                "sim.patch_boto3() never sends a request to AWS"
            )
        url = urlsplit(request.url)
        headers = {str(k).lower(): _text(v) for k, v in request.headers.items()}
        body = request.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = body.read()
        response = adapter.handle(request.method, url.path, url.query, headers, body)
        return AWSResponse(request.url, response.status, response.headers, _Body(response.body))

    return answer


def _isolated_session_vars() -> dict[str, tuple[Any, ...]]:
    """botocore's session variables, read from no environment variable and no file."""
    from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES as DEFAULTS

    isolated: dict[str, tuple[Any, ...]] = {}
    for name, spec in DEFAULTS.items():
        config_name, _env, default, *rest = spec
        if name in ("config_file", "credentials_file"):
            default = os.devnull
        elif name == "ignore_configured_endpoint_urls":
            default = True
        isolated[name] = (config_name, None, default, *rest)
    return isolated


def botocore_session(adapter: Adapter, region: str) -> Any:
    """A botocore session answered by ``adapter``, isolated from the user's environment."""
    botocore = require_sdk("botocore")
    from botocore.config import Config
    from botocore.handlers import BUILTIN_HANDLERS

    session = botocore.session.Session(session_vars=_isolated_session_vars())
    # moto's stubber, when moto is imported, sits in every new session's builtin handlers and
    # would see (and record) the requests streamsim answers: not in this session
    for event, handler, *_ in BUILTIN_HANDLERS:
        if event == "before-send" and type(handler).__module__.startswith("moto."):
            session.unregister(event, handler)
    session.set_credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)
    session.set_config_variable("region", region)
    session.set_default_client_config(Config(retries=dict(NO_RETRIES)))
    session.register("before-send", before_send_handler(adapter))
    return session


def boto3_session(adapter: Adapter, region: str) -> Any:
    """A ``boto3.Session`` over :func:`botocore_session` (clients and resources alike)."""
    boto3 = require_sdk("boto3")
    return boto3.session.Session(
        aws_access_key_id=FAKE_ACCESS_KEY_ID,
        aws_secret_access_key=FAKE_SECRET_ACCESS_KEY,
        region_name=region,
        botocore_session=botocore_session(adapter, region),
    )
