"""Hypothesis strategies for consumer tests (needs ``hypothesis``, a test extra).

Everything here draws values that print as Python and replay without Hypothesis:
:class:`~streamsim.testing.Scenario`, :class:`~streamsim.testing.FaultPlan` and their parts.

* :func:`keys`: a small pool of item keys (collisions on purpose), in a few groups.
* :func:`operations`: bursty workloads: several writes at one instant (so a batch holds more
  than one record of a key), then a time advance (biased to the 4-hour shard rotation
  boundary) or a throttling spell; each case uses a swarm-style subset of the write kinds.
* :func:`mapping_params`: CreateEventSourceMapping parameters over AWS's legal ranges,
  biased to their edges.
* :func:`fault_plans`: fault plans striking early invocations, part-way through batches.
* :func:`scenarios`: all of the above, with a seed, a partition count and sometimes automatic
  partition splits (a partition taking more than 1, 2 or 4 writes in a second splits).

>>> from hypothesis import find
>>> find(operations(), lambda ops: sum(isinstance(op, Put) for op in ops) >= 2)
(Put(key='a1', n=1), Put(key='a1', n=1))
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from ._faults import (
    DOWNSTREAM_ERRORS,
    Crash,
    DownstreamError,
    Duplicate,
    Fault,
    FaultPlan,
    IteratorExpiry,
    StreamToggle,
    Timeout,
)
from ._predicates import BatchHasEvent, BatchSizeAtLeast
from ._runner import Advance, Delete, Operation, Put, Scenario, Throttle

#: The stream's default shard rotation period (StreamSettings), where advances bunch up.
ROTATION_MS = 4 * 3600 * 1000
#: Advances (ms) a workload prefers: none, one poll, a few, and either side of a rotation.
EDGE_ADVANCES = (1, 1_000, 5_000, ROTATION_MS - 1, ROTATION_MS, ROTATION_MS + 1)
FAULT_KINDS = ("crash", "timeout", "duplicate", "downstream", "expiry")
#: Kinds drawn only when asked for: "toggle" gives the source a second stream, which a
#: consumer must also handle (sequence numbers of two streams are unrelated).
OPT_IN_FAULT_KINDS = ("toggle",)


@functools.cache
def keys(pool: int = 4) -> st.SearchStrategy[str]:
    """Item keys from a pool of ``pool`` (groups ``a``, ``b``: first letter), shrinking to a1."""
    names = [f"{'ab'[i % 2]}{i // 2 + 1}" for i in range(pool)]
    return st.sampled_from(names)


@functools.cache
def advances() -> st.SearchStrategy[Advance]:
    """Time advances, biased to a few edges and to the 4-hour rotation boundary."""
    return st.builds(
        Advance, st.one_of(st.sampled_from(EDGE_ADVANCES), st.integers(1, 2 * ROTATION_MS))
    )


@functools.cache
def throttles() -> st.SearchStrategy[Throttle]:
    """Throttling spells (the consumer's reserved concurrency at 0) of 1 or 10 seconds."""
    return st.builds(Throttle, st.sampled_from((1_000, 10_000)))


@st.composite
def operations(
    draw: Any, *, pool: int = 4, max_bursts: int = 4, max_burst: int = 5
) -> tuple[Operation, ...]:
    """A bursty workload: bursts of writes at one instant, each followed by an advance.

    Each case draws which kinds it uses (puts only, or puts and deletes: a swarm-style
    subset), so some cases are all upserts and others churn.
    """
    deletes = draw(st.booleans())
    bursts = draw(st.lists(_bursts(pool, max_burst, deletes), max_size=max_bursts))
    return tuple(op for burst in bursts for op in burst)


@functools.cache
def _bursts(pool: int, max_burst: int, deletes: bool) -> st.SearchStrategy[list[Operation]]:
    """Writes at one instant, then (maybe) an advance."""
    put: st.SearchStrategy[Operation] = st.builds(Put, keys(pool), st.integers(1, 9))
    write = st.one_of(put, st.builds(Delete, keys(pool))) if deletes else put
    writes = st.lists(write, min_size=1, max_size=max_burst)
    after = st.one_of(
        st.just(()),
        advances().map(lambda advance: (advance,)),
        throttles().map(lambda throttle: (throttle,)),
    )
    return st.tuples(writes, after).map(lambda pair: [*pair[0], *pair[1]])


@functools.cache
def _edge_int(low: int, high: int, edges: tuple[int, ...]) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


@st.composite
def mapping_params(
    draw: Any, *, report_batch_item_failures: bool | None = None, unlimited_retries: bool = False
) -> dict[str, Any]:
    """CreateEventSourceMapping parameters over AWS's legal ranges, biased to the edges.

    Args:
        report_batch_item_failures: force ``FunctionResponseTypes`` on (True) or off (False);
            None draws it.
        unlimited_retries: keep MaximumRetryAttempts and MaximumRecordAgeInSeconds at -1
            (nothing is ever given up, so every change must reach the sink).
    """
    params: dict[str, Any] = {
        "BatchSize": draw(_edge_int(1, 10_000, (1, 2, 3, 100, 10_000))),
        "ParallelizationFactor": draw(_edge_int(1, 10, (1, 2, 10))),
        "BisectBatchOnFunctionError": draw(st.booleans()),
    }
    window = draw(_edge_int(0, 300, (0, 1, 300)))
    if window:
        params["MaximumBatchingWindowInSeconds"] = window
    rbif = draw(st.booleans()) if report_batch_item_failures is None else report_batch_item_failures
    if rbif:
        params["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if not unlimited_retries:
        retries = draw(_edge_int(-1, 10_000, (-1, 0, 1, 10_000)))
        if retries != -1:
            params["MaximumRetryAttempts"] = retries
    return params


@st.composite
def fault_plans(
    draw: Any, *, kinds: tuple[str, ...] = FAULT_KINDS, max_faults: int = 2, horizon: int = 4
) -> FaultPlan:
    """Fault plans of up to ``max_faults`` faults, striking invocations 1..``horizon``.

    Args:
        kinds: which faults to draw from: ``crash``, ``timeout``, ``duplicate``,
            ``downstream``, ``expiry`` (the default set), ``toggle`` (none: plans without
            faults).  Each fault strikes invocations by number, or the batches a predicate
            (``BatchSizeAtLeast``, ``BatchHasEvent``) matches.
    """
    chosen = _faults(kinds, horizon)
    faults = draw(st.lists(chosen, max_size=max_faults if kinds else 0))
    return FaultPlan(faults=tuple(faults), seed=draw(st.integers(0, 3)))


@functools.cache
def _faults(kinds: tuple[str, ...], horizon: int) -> st.SearchStrategy[Fault]:
    on = st.lists(st.integers(1, horizon), min_size=1, max_size=2).map(tuple)
    after = st.integers(0, 3)
    when = st.one_of(
        st.builds(BatchSizeAtLeast, st.integers(2, 3)),
        st.builds(BatchHasEvent, st.sampled_from(("MODIFY", "REMOVE"))),
    )

    def pick(kind: type[Any], **args: Any) -> st.SearchStrategy[Fault]:
        by_number = st.builds(kind, on=on, **args)
        return st.one_of(by_number, st.builds(kind, when=when, **args))

    makers: dict[str, st.SearchStrategy[Fault]] = {
        "crash": pick(Crash, after=after),
        "timeout": pick(Timeout, after=after),
        "duplicate": pick(Duplicate),
        "downstream": pick(
            DownstreamError, after=after, error=st.sampled_from(sorted(DOWNSTREAM_ERRORS))
        ),
        "expiry": pick(IteratorExpiry),
        "toggle": pick(StreamToggle),
    }
    if not kinds:
        return st.nothing()
    return st.one_of([makers[kind] for kind in kinds])


@st.composite
def scenarios(
    draw: Any,
    *,
    kinds: tuple[str, ...] = FAULT_KINDS,
    report_batch_item_failures: bool | None = None,
    unlimited_retries: bool = True,
    pool: int = 4,
    max_faults: int = 2,
    horizon: int = 4,
) -> Scenario:
    """Whole consumer scenarios: a workload, mapping parameters, a fault plan and a seed.

    Args:
        kinds, max_faults, horizon: see :func:`fault_plans`.
        report_batch_item_failures, unlimited_retries: see :func:`mapping_params`.
        pool: see :func:`keys`.
    """
    return Scenario(
        operations=draw(operations(pool=pool)),
        mapping=draw(
            mapping_params(
                report_batch_item_failures=report_batch_item_failures,
                unlimited_retries=unlimited_retries,
            )
        ),
        faults=draw(fault_plans(kinds=kinds, max_faults=max_faults, horizon=horizon)),
        seed=draw(st.integers(0, 3)),
        partitions=draw(st.integers(1, 3)),
        splits=draw(st.one_of(st.none(), st.sampled_from((1, 2, 4)))),
        # numbers that lengthen at each rotation or split, so text comparisons fail quickly
        sequence_number_lengths=draw(st.sampled_from(("varied", "growing"))),
    )
