"""The settings of the simulated Lambda service: what AWS leaves open, and its limits.

:class:`LambdaSettings` gathers the behaviour that AWS does not pin down (spec F), each with
the most plausible default, and the service's limits (poll interval, payload, concurrency).

AWS behaviour: rule D.3-D.7, F.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from streamsim._clock import MS_PER_SECOND
from streamsim._reprs import settings_repr
from streamsim._validators import (
    ONE_MS,
    duration,
    non_negative_int,
    optional_positive_int,
    positive_int,
    set_ms_mirrors,
)

from ._metrics import RECORD_AGE_EXCEEDED

POLL_INTERVAL_MS = 250  # rule D.3: each shard is polled about four times a second
KINESIS_POLL_INTERVAL_MS = 1_000  # rule L.7: a Kinesis shard about once a second
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # rule D.3: synchronous invocation payload limit
ACCOUNT_CONCURRENCY = 1_000  # default account concurrency quota
UNRESERVED_MINIMUM = 100  # PutFunctionConcurrency keeps at least this much unreserved
INVOCATION_LOG_LIMIT = 10_000  # invocation log entries kept per mapping (a simulator setting)
HISTORY_LIMIT = 10_000  # mapping history entries and function spans kept (a simulator setting)


@attrs.frozen(kw_only=True, repr=False)
class LambdaSettings:
    """How the simulated Lambda service behaves where AWS leaves room (spec D, F).

    Durations are ``datetime.timedelta`` values of whole milliseconds (up to 10 years); the
    poller reads them as integer milliseconds through the read-only ``*_ms`` attributes.

    Attributes:
        poll_interval: how often a shard with records is polled (rule D.3: ~4 per second).
        kinesis_poll_interval: the same for a Kinesis stream's shards (rule L.7: ~1 per
            second).
        start_delay: how long a new (or re-enabled) mapping stays ``Creating`` /
            ``Enabling`` before it polls.  AWS: "several minutes" at worst (rule D.3,
            UNCONFIRMED); default 0 so that tests see records at once.
        transition: how long ``Updating``, ``Disabling`` and ``Deleting`` last (default 0).
        latest_from_poll_start: with StartingPosition LATEST, take the position when polling
            starts (after ``start_delay``; writes in between are missed, as AWS warns)
            instead of when the mapping is created (default).
        retry_backoff / retry_backoff_max: a failed batch is retried after
            ``retry_backoff * 2 ** (retry - 1)``, capped at ``retry_backoff_max`` (rule D.5,
            F.17: AWS timing UNCONFIRMED; LocalStack backs off exponentially).
        unknown_item_identifier_fails: a ReportBatchItemFailures ``itemIdentifier`` that is not
            a sequence number of the batch fails the whole batch (LocalStack's behaviour;
            AWS UNCONFIRMED, rule F.11); False ignores it.
        response_context_when_not_invoked: include ``responseContext`` (without
            ``functionError``) in on-failure records of batches discarded before any
            invocation; emulators omit it (rule D.7, F.10 UNCONFIRMED).  Default True, which
            keeps the record valid for models that require it (powertools).
        record_age_condition: the on-failure ``condition`` of age-based discards
            (``RecordAgeExceeded`` per emulators, rule F.10 UNCONFIRMED).
        order_by_full_key: with ParallelizationFactor > 1, route records to slots by their
            full primary key instead of their partition key (rule D.4, F.9 UNCONFIRMED; default
            False: one partition key's records stay in order, as AWS documents).
        require_batching_window_over_10: reject BatchSize > 10 without a batching window of at
            least 1 s (botocore's documentation says so; enforcement for streams UNCONFIRMED,
            rule F.12; default off).
        max_payload_bytes: invocation payload limit (6 MB, rule D.3).
        account_concurrency / unreserved_minimum: account-wide concurrent executions, and
            how much PutFunctionConcurrency must leave unreserved.
        filter_numeric_matches_n_strings: let ``numeric`` filter rules match DynamoDB ``N`` /
            ``NS`` strings (``{"N": "101"}``) as numbers.  UNCONFIRMED (rule D.8, F.13): ``N``
            values are JSON strings in the event and EventBridge's ``numeric`` only matches
            JSON numbers, so on AWS it most probably never matches; default False.
        invocation_log_limit: keep at most this many invocation log entries, iterator-age
            samples and discards per mapping, the newest (default 10,000, so a long run's
            memory stays flat, a handler failing for days included: about 200 bytes an entry;
            None keeps all).  The counters are never bounded.
        history_limit: keep at most this many history entries per mapping (throttles,
            retries, checkpoints, discards, state changes) and invocation spans and throttle
            instants per function (what ``function.timeline()`` draws), the newest (default
            10,000, as the invocation log; None keeps all).
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    poll_interval: timedelta = attrs.field(
        default=timedelta(milliseconds=POLL_INTERVAL_MS), validator=duration(minimum=ONE_MS)
    )
    kinesis_poll_interval: timedelta = attrs.field(
        default=timedelta(milliseconds=KINESIS_POLL_INTERVAL_MS), validator=duration(minimum=ONE_MS)
    )
    start_delay: timedelta = attrs.field(default=timedelta(0), validator=duration())
    transition: timedelta = attrs.field(default=timedelta(0), validator=duration())
    latest_from_poll_start: bool = False
    retry_backoff: timedelta = attrs.field(
        default=timedelta(milliseconds=MS_PER_SECOND), validator=duration()
    )
    retry_backoff_max: timedelta = attrs.field(
        default=timedelta(milliseconds=30 * MS_PER_SECOND), validator=duration()
    )
    unknown_item_identifier_fails: bool = True
    response_context_when_not_invoked: bool = True
    record_age_condition: str = RECORD_AGE_EXCEEDED
    order_by_full_key: bool = False
    require_batching_window_over_10: bool = False
    max_payload_bytes: int = attrs.field(default=MAX_PAYLOAD_BYTES, validator=positive_int)
    account_concurrency: int = attrs.field(default=ACCOUNT_CONCURRENCY, validator=positive_int)
    unreserved_minimum: int = attrs.field(default=UNRESERVED_MINIMUM, validator=non_negative_int)
    filter_numeric_matches_n_strings: bool = False
    invocation_log_limit: int | None = attrs.field(
        default=INVOCATION_LOG_LIMIT, validator=optional_positive_int
    )
    history_limit: int | None = attrs.field(default=HISTORY_LIMIT, validator=optional_positive_int)
    # the durations in integer milliseconds, converted once (the poller reads these)
    poll_interval_ms: int = attrs.field(init=False, repr=False, eq=False)
    kinesis_poll_interval_ms: int = attrs.field(init=False, repr=False, eq=False)
    start_delay_ms: int = attrs.field(init=False, repr=False, eq=False)
    transition_ms: int = attrs.field(init=False, repr=False, eq=False)
    retry_backoff_ms: int = attrs.field(init=False, repr=False, eq=False)
    retry_backoff_max_ms: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        set_ms_mirrors(
            self,
            (
                "poll_interval",
                "kinesis_poll_interval",
                "start_delay",
                "transition",
                "retry_backoff",
                "retry_backoff_max",
            ),
        )

    def retry_delay_ms(self, retry: int) -> int:
        """Back-off before retry number ``retry`` (1 for the first retry).

        >>> LambdaSettings().retry_delay_ms(1), LambdaSettings().retry_delay_ms(10)
        (1000, 30000)
        """
        if retry > 32:
            return self.retry_backoff_max_ms
        return min(self.retry_backoff_max_ms, self.retry_backoff_ms << (retry - 1))
