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
    positive_int,
    set_ms_mirrors,
)

ROTATION_PERIOD_MS = 4 * MS_PER_HOUR  # rule A.10: ~4 h, community-reported (UNCONFIRMED)
RETENTION_MS = 24 * MS_PER_HOUR  # rule A.9
ITERATOR_TTL_MS = 15 * MS_PER_MINUTE  # rule A.6
MAX_READERS_PER_SHARD = 2  # rule A.9: two simultaneous readers per shard
READER_BURST = 10  # rule F.7: over-subscribed reads a shard absorbs before throttling
READER_THROTTLES = ("burst", "strict")
HISTORY_LIMIT = 100_000  # lifecycle log entries kept per stream by default
SEQUENCE_NUMBER_SCOPES = ("stream", "per_shard")
SEQUENCE_NUMBER_LENGTHS = ("varied", "fixed", "growing")
EVENT_ID_FORMS = ("opaque", "sequential")


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
        max_readers_per_shard: distinct readers (iterator chains) one shard serves within one
            second without drawing on its burst allowance (rule A.9); None: no limit.
        reader_throttle: how over-subscription is throttled (rule F.7).  ``"burst"``
            (default): while more than ``max_readers_per_shard`` readers read a shard within a
            second, each read takes a token from the shard's bucket of ``reader_burst``
            tokens, refilled at one token per second; GetRecords raises
            LimitExceededException only when the bucket is empty, so a few readers at one
            instant pass and only sustained over-subscription trips it (real AWS served three
            iterator chains reading one shard back to back).  ``"strict"``: a reader beyond
            ``max_readers_per_shard`` within one second is refused at once (earlier releases).
        reader_burst: the bucket's size in reads (``"burst"`` only).
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
        sequence_number_lengths: ``"varied"`` (default): numbers have 21 to 38 digits, and
            the count grows now and then when a shard opens (seeded), so numbers of one stream
            differ in length, as AWS's do (rule A.3): a consumer comparing them as strings, or
            assuming a length, fails here as it would on AWS.  ``"fixed"``: every number has 21
            digits (streamsim's earlier form; with it, outputs are those of earlier releases).
            ``"growing"``: a TESTING option; as ``"varied"``, but every shard that continues
            another (a rotation, a split) numbers with one more digit than the numbers before
            it, so a consumer that compares sequence numbers as text fails at the first
            rotation (property tests find such a bug in a few operations).
        event_ids: ``"opaque"`` (default): eventIDs are 32 hex characters that tell nothing
            about order, as AWS's (rule A.3), so sorting by them fails here as on AWS.
            ``"sequential"``: the stream's prefix and the last 21 digits of the sequence
            number (earlier releases' form; they then sort in sequence order).

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
    reader_throttle: str = attrs.field(
        default="burst", validator=attrs.validators.in_(READER_THROTTLES)
    )
    reader_burst: int = attrs.field(default=READER_BURST, validator=positive_int)
    status_delay: timedelta = attrs.field(default=timedelta(0), validator=duration())
    history_limit: int | None = attrs.field(default=HISTORY_LIMIT, validator=optional_at_least_one)
    sequence_numbers: str = attrs.field(
        default="stream", validator=attrs.validators.in_(SEQUENCE_NUMBER_SCOPES)
    )
    sequence_number_lengths: str = attrs.field(
        default="varied", validator=attrs.validators.in_(SEQUENCE_NUMBER_LENGTHS)
    )
    event_ids: str = attrs.field(default="opaque", validator=attrs.validators.in_(EVENT_ID_FORMS))
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
