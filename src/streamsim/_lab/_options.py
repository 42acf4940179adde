"""The lab's settings: one frozen value, checked as a whole, with messages that name the option.

:class:`LabOptions` holds what ``python -m streamsim lab`` takes on its command line; every field
is named after its option (``hours`` is ``--hours``).  :func:`problems` lists what is wrong with
a set of options in sentences that name the option, so the command line can print them and exit
with status 2, and :class:`LabOptions` raises ``ValueError`` with the same sentences.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from streamsim._reprs import settings_repr

#: Bounds of the lab's options.  The Lambda ones are AWS's (rule D.3, D.4, L.7); the others keep a
#: run small enough for a laptop.
MAX_HOURS = 24 * 7
MAX_PARTITIONS = 64
MAX_KINESIS_SHARDS = 64
MAX_RATE = 1_000  # records per virtual second
MAX_INTERVAL = 3_600  # seconds between the producer's batches
MAX_BATCH_SIZE = 10_000  # rule D.3, L.7: BatchSize of a stream mapping
MAX_PARALLELIZATION_FACTOR = 10  # rule D.4
MAX_RESERVED_CONCURRENCY = 900  # account concurrency 1,000 minus the 100 kept unreserved
KINESIS_RECORDS_PER_SHARD_S = 1_000  # rule K.14: writes per shard per second
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST")


@attrs.frozen(kw_only=True, repr=False)
class LabOptions:
    """What the lab pipeline runs: every field is the command-line option of the same name.

    Attributes:
        hours: virtual hours the producer writes for (``--hours``, default 24).
        partitions: partitions of the DynamoDB table, so open shards of its stream
            (``--partitions``, default 4).
        kinesis_shards: shards the Kinesis stream is created with (``--kinesis-shards``,
            default 2).
        rate: records the producer writes per virtual second, on average (``--rate``,
            default 0.5; fractions are kept exactly).
        interval: virtual seconds between the producer's PutRecords batches (``--interval``,
            default 10: a batch of ``rate * interval`` records every 10 s, as producers that
            buffer send them).
        batch_size: BatchSize of all three event source mappings (``--batch-size``, 100).
        starting_position: StartingPosition of all three mappings, ``TRIM_HORIZON`` (default)
            or ``LATEST`` (``--starting-position``).
        parallelization_factor: ParallelizationFactor of function 1's and function 2's mappings
            (``--parallelization-factor``, default 1); function 3 keeps 1.
        reserved_concurrency: function 3's reserved concurrency (``--reserved-concurrency``,
            default 1).
        split_at: split the table's partition 0 at this virtual hour (``--split-at``), or None.
        reshard_at: double the Kinesis stream's shards with UpdateShardCount (uniform scaling)
            at this virtual hour (``--reshard-at``), or None.
        seed: the simulation's seed (``--seed``, default 0).

    Raises:
        ValueError: an option out of its range, naming the option (see :func:`problems`).

    >>> LabOptions(hours=2, rate=5)
    LabOptions(hours=2, rate=5)
    >>> LabOptions(hours=0)
    Traceback (most recent call last):
    ...
    ValueError: --hours must be more than 0 and at most 168, got 0
    """

    hours: float = 24
    partitions: int = 4
    kinesis_shards: int = 2
    rate: float = 0.5
    interval: int = 10
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    parallelization_factor: int = 1
    reserved_concurrency: int = 1
    split_at: float | None = None
    reshard_at: float | None = None
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        found = problems(self)
        if found:
            raise ValueError("; ".join(found))

    def __repr__(self) -> str:
        return settings_repr(self)

    @property
    def duration_ms(self) -> int:
        """The producer's run in virtual milliseconds."""
        return hour_ms(self.hours)

    @property
    def rate_fraction(self) -> Fraction:
        """The rate, exactly (``0.1`` is one tenth, not the nearest binary fraction)."""
        return Fraction(str(self.rate))

    def at_ms(self, hour: float) -> int:
        """Virtual milliseconds from the start to ``hour``."""
        return hour_ms(hour)


def hour_ms(hour: float) -> int:
    """``hour`` hours in milliseconds, rounded (``0.1`` is a tenth of an hour exactly).

    >>> hour_ms(0.1), hour_ms(24)
    (360000, 86400000)
    """
    return round(Fraction(str(hour)) * 3_600_000)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(name: str, value: Any, low: int, high: int) -> str | None:
    if not _is_int(value) or not low <= value <= high:
        return f"{name} must be a whole number from {low} to {high}, got {value!r}"
    return None


def _hour(name: str, value: Any, hours: float) -> str | None:
    if value is None:
        return None
    if not _is_number(value) or not 0 < value < hours:
        return f"{name} must be an hour after the start and before the end ({hours}), got {value!r}"
    return None


def problems(options: Any) -> list[str]:
    """What is wrong with ``options``, one sentence per option (empty: nothing).

    The checks run on any object with the fields of :class:`LabOptions` (the command line
    builds one from its arguments first, so it can report every problem at once).

    >>> import types
    >>> problems(types.SimpleNamespace(**{**attrs.asdict(LabOptions()), "rate": 0}))
    ['--rate must be more than 0 and at most 1000 records/s, got 0']
    """
    found: list[str | None] = []
    hours = options.hours
    hours_ok = _is_number(hours) and 0 < hours <= MAX_HOURS
    if not hours_ok:
        found.append(f"--hours must be more than 0 and at most {MAX_HOURS}, got {hours!r}")
    elif hour_ms(hours) % 1000:
        found.append(f"--hours must come to whole virtual seconds, got {hours!r}")
    found.append(_whole("--partitions", options.partitions, 1, MAX_PARTITIONS))
    found.append(_whole("--kinesis-shards", options.kinesis_shards, 1, MAX_KINESIS_SHARDS))
    rate = options.rate
    if not _is_number(rate) or not 0 < rate <= MAX_RATE:
        found.append(f"--rate must be more than 0 and at most {MAX_RATE} records/s, got {rate!r}")
    interval = options.interval
    interval_ok = _is_int(interval) and 1 <= interval <= MAX_INTERVAL
    if not interval_ok:
        found.append(
            f"--interval must be a whole number of seconds from 1 to {MAX_INTERVAL}, "
            f"got {interval!r}"
        )
    shards = options.kinesis_shards
    if _is_number(rate) and rate > 0 and interval_ok and _is_int(shards) and shards >= 1:
        most = KINESIS_RECORDS_PER_SHARD_S * shards
        if rate * interval > most:
            found.append(
                f"--rate {rate} with --interval {interval} puts {rate * interval:g} records at "
                f"once, more than {shards} Kinesis shard(s) take in a second ({most:,}, 1,000 "
                "per shard): raise --kinesis-shards or lower --interval"
            )
    found.append(_whole("--batch-size", options.batch_size, 1, MAX_BATCH_SIZE))
    if options.starting_position not in STARTING_POSITIONS:
        found.append(
            f"--starting-position must be TRIM_HORIZON or LATEST, got {options.starting_position!r}"
        )
    found.append(
        _whole(
            "--parallelization-factor",
            options.parallelization_factor,
            1,
            MAX_PARALLELIZATION_FACTOR,
        )
    )
    found.append(
        _whole("--reserved-concurrency", options.reserved_concurrency, 1, MAX_RESERVED_CONCURRENCY)
    )
    if hours_ok:
        found.append(_hour("--split-at", options.split_at, hours))
        found.append(_hour("--reshard-at", options.reshard_at, hours))
    if not _is_int(options.seed):
        found.append(f"--seed must be a whole number, got {options.seed!r}")
    return [p for p in found if p is not None]
