"""What the mappings and their pollers need of the Lambda service, handed down explicitly.

:class:`LambdaEnvironment` is built once by :class:`~._service.LambdaService` and given to
every :class:`~._mapping.EventSourceMapping` and its poller, so that neither reaches back
into the service (the service imports them, never the other way round).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from streamsim._clock import Clock

from ._concurrency import ConcurrencyPool
from ._destinations import Destination
from ._functions import Function
from ._settings import LambdaSettings


@attrs.frozen(kw_only=True)
class LambdaEnvironment:
    """The service-wide pieces a mapping uses.

    Attributes:
        clock: the simulation's virtual clock.
        settings: behaviour AWS leaves open.
        concurrency: the account's pool of instances (acquire, release, wait, cancel).
        new_uuid: a seeded version-4 UUID source (request ids, S3 object keys).
        destination: the queue, topic or bucket with an ARN, or None.
        region, account_id: for ARNs.
    """

    clock: Clock
    settings: LambdaSettings
    concurrency: ConcurrencyPool[Function]
    new_uuid: Callable[[], str]
    destination: Callable[[str], Destination | None]
    region: str
    account_id: str
