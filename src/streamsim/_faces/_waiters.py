"""boto3's DynamoDB waiters: ``table_exists`` and ``table_not_exists``, polling in virtual time.

AWS behaviour: boto3's waiters poll DescribeTable every ``Delay`` seconds (default 20), at most
``MaxAttempts`` times (default 25), then raise ``WaiterError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from streamsim._clock import Clock
from streamsim._errors import ResourceNotFoundException

WAITERS = ("table_exists", "table_not_exists")


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

    def _done(self, table_name: str) -> bool:
        try:
            status = self._status(table_name)
        except ResourceNotFoundException:
            return self.name == "table_not_exists"
        return self.name == "table_exists" and status == "ACTIVE"

    def wait(self, *, TableName: str, WaiterConfig: Mapping[str, int] | None = None) -> None:
        """Return once the table exists (or is gone); else :class:`WaiterError` in the end."""
        config = dict(WaiterConfig or {})
        delay = int(config.get("Delay", 20))
        attempts = int(config.get("MaxAttempts", 25))
        for attempt in range(attempts):
            if self._done(TableName):
                return
            if attempt + 1 < attempts:
                self._clock.advance_to(self._clock.now_ms + delay * 1000)
        raise WaiterError(f"Waiter {self.name} failed: Max attempts exceeded")
