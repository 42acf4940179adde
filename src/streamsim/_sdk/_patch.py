"""``sim.patch_boto3()``: boto3 sessions created inside a block are the simulation's.

For code that builds its own clients (``boto3.resource("dynamodb")`` at import time, a deploy
script's ``boto3.client("lambda")``), and so cannot be handed ``sim.boto3_session()``.  Inside
the block:

* ``boto3.Session`` and ``boto3.session.Session`` are a subclass whose every instance is built
  as ``sim.boto3_session()`` builds its session (fixed fake credentials, the user's AWS
  environment ignored, retries off, answered by this simulation); a ``region_name`` argument is
  kept, every other argument (keys, profile) is ignored;
* ``boto3.DEFAULT_SESSION``, which ``boto3.client(...)`` and ``boto3.resource(...)`` use, is
  one of them.

On exit both are restored, so clients created before or after the block are untouched (and a
client created inside keeps talking to the simulation, as a real one keeps its endpoint).

Differs from moto's ``mock_aws``: nothing global in botocore changes (no builtin handler is
added), so code that builds a bare ``botocore.session.Session()`` is not routed; and the two
cannot be active at once: entering the block while moto's mock is active raises.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any

from streamsim._errors import SimulationError

from . import require_sdk
from ._adapter import Adapter
from ._session import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, botocore_session

#: the position of ``region_name`` among ``boto3.Session``'s positional parameters
_REGION_POSITION = 3


def moto_mock_active() -> bool:
    """Whether moto's ``mock_aws`` is active (its builtin ``before-send`` stubber is enabled)."""
    try:
        from botocore.handlers import BUILTIN_HANDLERS
    except ModuleNotFoundError:  # pragma: no cover - patch_boto3 needs botocore anyway
        return False
    return any(
        event == "before-send"
        and type(handler).__module__.startswith("moto.")
        and getattr(handler, "enabled", False) is True
        for event, handler, *_ in BUILTIN_HANDLERS
    )


def simulated_session_class(adapter: Callable[[], Adapter], default_region: str) -> type[Any]:
    """A ``boto3.session.Session`` subclass whose instances the simulation answers."""
    boto3 = require_sdk("boto3")
    current: type[Any] = boto3.session.Session
    # inside another patch, build on boto3's own class, never on the outer patch's
    base: type[Any] = getattr(current, "streamsim_original", current)

    class SimulatedSession(base):  # type: ignore[misc]
        """A boto3 session answered by a streamsim simulation (made by ``sim.patch_boto3()``)."""

        streamsim_original = base

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            region = kwargs.get("region_name")
            if region is None and len(args) > _REGION_POSITION:
                region = args[_REGION_POSITION]
            region = region or default_region
            super().__init__(
                aws_access_key_id=FAKE_ACCESS_KEY_ID,
                aws_secret_access_key=FAKE_SECRET_ACCESS_KEY,
                region_name=region,
                botocore_session=botocore_session(adapter(), region),
            )

    return SimulatedSession


class Boto3Patch(ContextDecorator):
    """The context manager (and decorator) ``sim.patch_boto3()`` returns.

    Args:
        adapter: returns the simulation's adapter (``sim._sdk_adapter``).
        region: the simulation's region, the sessions' default.

    Entering twice without leaving (nesting) is allowed: each exit restores what its own
    entry replaced.
    """

    def __init__(self, adapter: Callable[[], Adapter], region: str) -> None:
        self._adapter = adapter
        self._region = region
        self._saved: list[tuple[Any, Any, Any]] = []

    def __enter__(self) -> Boto3Patch:
        boto3: Any = require_sdk("boto3")
        if moto_mock_active():
            raise SimulationError(
                "moto's mock_aws is active: sim.patch_boto3() and moto cannot both answer "
                "boto3 at once; leave moto's mock first (or use sim.boto3_session(), which "
                "moto never sees)"
            )
        cls = simulated_session_class(self._adapter, self._region)
        self._saved.append((boto3.Session, boto3.session.Session, boto3.DEFAULT_SESSION))
        boto3.Session = cls
        boto3.session.Session = cls
        boto3.DEFAULT_SESSION = cls()
        return self

    def __exit__(self, *exc_info: object) -> None:
        boto3: Any = require_sdk("boto3")
        boto3.Session, boto3.session.Session, boto3.DEFAULT_SESSION = self._saved.pop()
