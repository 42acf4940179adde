"""Testing toolkit: property-test a stream consumer, and check what a stream delivered.

Elle-style (Jepsen): during a run, record plain-data histories; afterwards, check them and get
``valid``, a minimal witness of the first anomaly and a plain-English explanation.

Stream side (:mod:`._reading`, :mod:`._history`):

* :func:`read_stream` reads every readable record of a stream through the DynamoDB Streams
  API, parents before children, as a careful consumer does.
* :class:`WriteLog` records every item change a table commits, with the stream enabled then
  and the sequence number of the record it made.
* :func:`check_stream_history` (and the checks it combines) compares them: every change exactly
  once, each item's changes in write order, sequence numbers increasing per shard, children
  after parents.  Records are matched to changes by sequence number.

Consumer side (:mod:`._consumer`): :class:`ConsumerHistory` wraps a handler and records what
each invocation was given, answered and wrote; after a run, its checkers tell whether every
change was processed, in order per item and along the shard lineage, and whether a sink table
converged to what a model of the source table says it should hold.

Faults (:mod:`._faults`): :class:`FaultPlan` is a frozen value (its ``repr`` is Python that
rebuilds it) that wraps a handler and makes chosen invocations (by number, by a predicate
over the batch, or at random) crash, time out part-way, be delivered twice, see their own
DynamoDB writes fail, expire the mapping's iterators, or toggle the source's stream.

:func:`sweep` runs one check over many seeds or scenarios on any
``concurrent.futures.Executor`` (a process pool by default).

Hypothesis strategies live in :mod:`streamsim.testing.strategies` (Hypothesis is needed only
there; ``import streamsim.testing`` works without it).
"""

from __future__ import annotations

from ._consumer import Attempt as Attempt
from ._consumer import ConsumerHistory as ConsumerHistory
from ._consumer import Delivered as Delivered
from ._consumer import check_consumer_order as check_consumer_order
from ._consumer import check_convergence as check_convergence
from ._consumer import check_lineage_order as check_lineage_order
from ._consumer import check_no_duplicate_effect as check_no_duplicate_effect
from ._consumer import check_no_lost_change as check_no_lost_change
from ._consumer import shard_parents as shard_parents
from ._consumer import table_items as table_items
from ._faults import Crash as Crash
from ._faults import DownstreamError as DownstreamError
from ._faults import Duplicate as Duplicate
from ._faults import FaultInjector as FaultInjector
from ._faults import FaultPlan as FaultPlan
from ._faults import InjectedFault as InjectedFault
from ._faults import IteratorExpiry as IteratorExpiry
from ._faults import StreamToggle as StreamToggle
from ._faults import Timeout as Timeout
from ._history import Anomaly as Anomaly
from ._history import Change as Change
from ._history import CheckResult as CheckResult
from ._history import WriteLog as WriteLog
from ._history import check_children_after_parents as check_children_after_parents
from ._history import check_exactly_once as check_exactly_once
from ._history import check_item_order as check_item_order
from ._history import check_sequence_numbers as check_sequence_numbers
from ._history import check_stream_history as check_stream_history
from ._predicates import BatchHasEvent as BatchHasEvent
from ._predicates import BatchHasKey as BatchHasKey
from ._predicates import BatchSizeAtLeast as BatchSizeAtLeast
from ._reading import ShardRead as ShardRead
from ._reading import StreamRead as StreamRead
from ._reading import read_stream as read_stream
from ._runner import Advance as Advance
from ._runner import ConsumerRun as ConsumerRun
from ._runner import ConsumerWorld as ConsumerWorld
from ._runner import Delete as Delete
from ._runner import Put as Put
from ._runner import Scenario as Scenario
from ._runner import Throttle as Throttle
from ._runner import run_consumer_test as run_consumer_test
from ._sweep import SweepOutcome as SweepOutcome
from ._sweep import sweep as sweep

__all__ = [
    "Advance",
    "Anomaly",
    "Attempt",
    "BatchHasEvent",
    "BatchHasKey",
    "BatchSizeAtLeast",
    "Change",
    "CheckResult",
    "ConsumerHistory",
    "ConsumerRun",
    "ConsumerWorld",
    "Crash",
    "Delete",
    "Delivered",
    "DownstreamError",
    "Duplicate",
    "FaultInjector",
    "FaultPlan",
    "InjectedFault",
    "IteratorExpiry",
    "Put",
    "Scenario",
    "ShardRead",
    "StreamRead",
    "StreamToggle",
    "SweepOutcome",
    "Throttle",
    "Timeout",
    "WriteLog",
    "check_children_after_parents",
    "check_consumer_order",
    "check_convergence",
    "check_exactly_once",
    "check_item_order",
    "check_lineage_order",
    "check_no_duplicate_effect",
    "check_no_lost_change",
    "check_sequence_numbers",
    "check_stream_history",
    "read_stream",
    "run_consumer_test",
    "shard_parents",
    "sweep",
    "table_items",
]
