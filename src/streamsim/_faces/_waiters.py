"""boto3's DynamoDB waiters: ``table_exists`` and ``table_not_exists``, polling in virtual time.

AWS behaviour: boto3's waiters poll DescribeTable every ``Delay`` seconds (default 20), at most
``MaxAttempts`` times (default 25), then raise ``WaiterError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from streamsim._clock import Clock
from streamsim._errors import ResourceNotFoundException

from ._params import validate_params, waiter_config

WAITERS = ("table_exists", "table_not_exists")
DEFAULT_DELAY_S = 20
DEFAULT_MAX_ATTEMPTS = 25


@dataclass(frozen=True)
class WaiterModelConfig:
    """``waiter.config``, as botocore's ``SingleWaiterConfig`` shows a waiter's model.

    >>> WaiterModelConfig("TableExists").delay, WaiterModelConfig("TableExists").max_attempts
    (20, 25)
    """

    name: str
    delay: int = DEFAULT_DELAY_S
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    operation: str = "DescribeTable"
    description: str = ""


class WaiterError(Exception):
    """A waiter gave up (botocore's ``WaiterError``): the state was not reached in time."""


class Waiter:
    """``client.get_waiter("table_exists" | "table_not_exists")``.

    Args:
        status: one DescribeTable call: the table's status (ResourceNotFoundException if none).
        clock: the simulation's clock, advanced between polls.
        name: ``table_exists`` or ``table_not_exists``.

    ``wait(TableName=..., WaiterConfig={"Delay": 20, "MaxAttempts": 25})`` checks at once and
    then every ``Delay`` seconds of virtual time (advancing the simulation), as boto3's waiter
    polls DescribeTable.
    """

    def __init__(self, status: Callable[[str], str], clock: Clock, name: str) -> None:
        self._status = status
        self._clock = clock
        self.name = name
        #: the waiter's model: poll ``operation`` every ``delay`` s, ``max_attempts`` times
        self.config = WaiterModelConfig("".join(part.title() for part in name.split("_")))

    def _done(self, table_name: str) -> bool:
        try:
            status = self._status(table_name)
        except ResourceNotFoundException:
            return self.name == "table_not_exists"
        return self.name == "table_exists" and status == "ACTIVE"

    def wait(self, *, WaiterConfig: Mapping[str, Any] | None = None, **params: Any) -> None:
        """Return once the table exists (or is gone); else :class:`WaiterError` in the end.

        Raises:
            ParamValidationError: ``params`` are not a valid DescribeTable request.
            WaiterConfigError: a bad ``WaiterConfig`` (see :func:`~._params.waiter_config`).
            WaiterError: the state was not reached after ``MaxAttempts`` polls.
        """
        delay, attempts = waiter_config(WaiterConfig, self.config.delay, self.config.max_attempts)
        validate_params("DescribeTable", params)
        table_name = params["TableName"]
        for attempt in range(attempts):
            if self._done(table_name):
                return
            if attempt + 1 < attempts:
                self._clock.advance_to(self._clock.now_ms + round(delay * 1000))
        raise WaiterError(f"Waiter {self.name} failed: Max attempts exceeded")
