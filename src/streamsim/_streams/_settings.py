"""The settings of simulated DynamoDB Streams: AWS's defaults, and what AWS leaves open.

AWS behaviour: rule A.6, A.9, A.10 (and, for the teaching option, A.3).
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from streamsim._clock import MS_PER_HOUR, MS_PER_MINUTE
from streamsim._reprs import settings_repr
from streamsim._validators import (
    ONE_MS,
    ONE_SECOND,
    duration,
    optional_at_least_one,
    set_ms_mirrors,
)

ROTATION_PERIOD_MS = 4 * MS_PER_HOUR  # rule A.10: ~4 h, community-reported (UNCONFIRMED)
RETENTION_MS = 24 * MS_PER_HOUR  # rule A.9
ITERATOR_TTL_MS = 15 * MS_PER_MINUTE  # rule A.6
MAX_READERS_PER_SHARD = 2  # rule A.9: two simultaneous readers per shard
HISTORY_LIMIT = 100_000  # lifecycle log entries kept per stream by default
SEQUENCE_NUMBER_SCOPES = ("stream", "per_shard")


@attrs.frozen(kw_only=True, repr=False)
class StreamSettings:
    """How the simulated DynamoDB Streams behave; every field has the AWS default.

    Durations are ``datetime.timedelta`` values of whole milliseconds; the model reads them as
    integer milliseconds through the read-only ``*_ms`` attributes of the same names.

    Attributes:
        rotation_period: a shard closes and hands over to a child after being open this long
            (rule A.10, ~4 h, UNCONFIRMED); 1 s to 10 years.
        rotation_jitter: each shard's rotation time is moved later by a seeded random amount
            in ``[0, rotation_jitter]`` (0: every shard rotates exactly on the period).
        retention: records older than this are trimmed (rule A.9, 24 h); 1 s to 10 years.
        iterator_ttl: a shard iterator expires this long after it was issued (rule A.6).
        max_readers_per_shard: distinct readers (iterator chains) allowed on one shard within
            one second before GetRecords raises LimitExceededException (rule A.9); None: no limit.
        status_delay: how long a stream stays ENABLING / DISABLING before ENABLED /
            DISABLED (AWS: a few seconds, UNCONFIRMED; default 0 so a stream is usable at
            once).  Records are captured from the instant of enabling either way.
        history_limit: lifecycle log entries kept per stream (``stream.history``: shards
            opened, closed and expired, splits; a few per shard, never per record); the
            oldest go first.  None keeps all.
        sequence_numbers: ``"stream"`` (default): one counter per stream, so numbers increase
            across shards and a child numbers above its parent.  ``"per_shard"``: a TEACHING
            option; each shard numbers from its own block, drawn from the seeded generator,
            so numbers of different shards are unrelated (a child may number below its
            parent).  AWS documents order only within a shard (rule A.3) and observed numbers
            have grown across shards; use it to show that a consumer must not compare numbers
            of different shards, not to reproduce AWS.

    >>> StreamSettings(rotation_period=timedelta(hours=1)).rotation_period_ms
    3600000
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    rotation_period: timedelta = attrs.field(
        default=timedelta(milliseconds=ROTATION_PERIOD_MS), validator=duration(minimum=ONE_SECOND)
    )
    rotation_jitter: timedelta = attrs.field(default=timedelta(0), validator=duration())
    retention: timedelta = attrs.field(
        default=timedelta(milliseconds=RETENTION_MS), validator=duration(minimum=ONE_SECOND)
    )
    iterator_ttl: timedelta = attrs.field(
        default=timedelta(milliseconds=ITERATOR_TTL_MS), validator=duration(minimum=ONE_MS)
    )
    max_readers_per_shard: int | None = attrs.field(
        default=MAX_READERS_PER_SHARD, validator=optional_at_least_one
    )
    status_delay: timedelta = attrs.field(default=timedelta(0), validator=duration())
    history_limit: int | None = attrs.field(default=HISTORY_LIMIT, validator=optional_at_least_one)
    sequence_numbers: str = attrs.field(
        default="stream", validator=attrs.validators.in_(SEQUENCE_NUMBER_SCOPES)
    )
    # the same durations in integer milliseconds, converted once (the model reads these)
    rotation_period_ms: int = attrs.field(init=False, repr=False, eq=False)
    rotation_jitter_ms: int = attrs.field(init=False, repr=False, eq=False)
    retention_ms: int = attrs.field(init=False, repr=False, eq=False)
    iterator_ttl_ms: int = attrs.field(init=False, repr=False, eq=False)
    status_delay_ms: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        set_ms_mirrors(
            self,
            ("rotation_period", "rotation_jitter", "retention", "iterator_ttl", "status_delay"),
        )
