"""The settings of simulated Kinesis Data Streams: AWS's defaults, and what AWS leaves open.

AWS behaviour: rule K.4 (status transitions), K.8 (iterator lifetime), K.14 (throughput).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs

from streamsim._clock import MS_PER_MINUTE
from streamsim._reprs import settings_repr
from streamsim._validators import ONE_MS, duration, positive_int, set_ms_mirrors

ITERATOR_TTL_MS = 5 * MS_PER_MINUTE  # rule K.8: an iterator lives 300 000 ms
STATUS_DELAY_MS = 0  # UNCONFIRMED: how long CREATING / UPDATING / DELETING last
ON_DEMAND_SHARDS = 4  # rule K.4: an ON_DEMAND stream starts with 4 shards
SHARD_LIMIT = 20_000  # rule K.14: the account's shard quota (us-east-1 default)


def _probability(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{attribute.name} must be a number from 0 to 1, got {value!r}")


@attrs.frozen(kw_only=True, repr=False)
class KinesisSettings:
    """How the simulated Kinesis Data Streams behave; every field has the AWS default.

    Attributes:
        status_delay: how long a stream stays CREATING, UPDATING (a reshard) and DELETING
            before the next status (AWS: seconds to a minute, UNCONFIRMED).  Default 0, so a
            stream is usable at once, as streamsim's DynamoDB streams are, and real boto3
            waiters (which sleep in wall time while virtual time stands still) see it ACTIVE.
            With a delay, a reshard takes effect when UPDATING ends: until then writes go to
            the old shards and a second reshard raises ResourceInUseException.
        iterator_ttl: a shard iterator expires this long after it was issued (rule K.8, 5 min).
        throughput_limits: enforce the per-shard write (1 MiB/s, 1,000 records/s) and read
            (5 GetRecords calls/s, 2 MiB/s) limits as ProvisionedThroughputExceededException
            over virtual time (rule K.14).  False turns every limit off.
        shard_limit: the account's shard quota (rule K.14); CreateStream, SplitShard and
            UpdateShardCount beyond it raise LimitExceededException.
        destination_duplicates: the probability (0 to 1, drawn from the simulation's seeded
            source) that DynamoDB's Kinesis streaming destination writes a table change twice
            (rule K.19: AWS may deliver duplicates).  Default 0: each change once.

    >>> KinesisSettings().iterator_ttl_ms, KinesisSettings().throughput_limits
    (300000, True)
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    status_delay: timedelta = attrs.field(
        default=timedelta(milliseconds=STATUS_DELAY_MS), validator=duration()
    )
    iterator_ttl: timedelta = attrs.field(
        default=timedelta(milliseconds=ITERATOR_TTL_MS), validator=duration(minimum=ONE_MS)
    )
    throughput_limits: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )
    shard_limit: int = attrs.field(default=SHARD_LIMIT, validator=positive_int)
    destination_duplicates: float = attrs.field(default=0.0, validator=_probability)
    status_delay_ms: int = attrs.field(init=False, repr=False, eq=False)
    iterator_ttl_ms: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        set_ms_mirrors(self, ("status_delay", "iterator_ttl"))
