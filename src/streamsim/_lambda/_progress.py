"""Where a mapping stands: caught up, blocked (and why), and its invocation trace.

These are read-only questions a test asks between steps ("has the consumer processed everything
the stream holds?", "is it stuck?"), answered from the poller's state without touching it, so
the poller pays nothing for them.

* :func:`caught_up`: the mapping is Enabled and every shard it reads has no record left unread
  and nothing in flight (no batch gathering, invoking, throttled or waiting for a retry, no
  tumbling window open).
* :func:`blocked`: a :class:`Blocked` saying why the mapping will make no progress by itself
  (disabled, deleted, throttled with no concurrency at all, or retrying a failing batch
  without limit), or None.
* :class:`InvocationTrace`: the invocation log as a value that renders one line per
  invocation, for failure messages.

AWS behaviour: rule D.5 (with ``MaximumRetryAttempts`` and ``MaximumRecordAgeInSeconds`` both
-1, the DynamoDB Streams defaults, a batch that keeps failing is retried until its records
leave the stream's 24-hour retention: the shard is blocked meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs

from streamsim._clock import Clock

from ._metrics import SUCCESS, Invocation

#: Kinds of :class:`Blocked`.
DISABLED = "disabled"
DELETED = "deleted"
THROTTLED = "throttled"
RETRYING = "retrying"
SOURCE_DELETED = "source deleted"


@attrs.frozen(kw_only=True)
class Blocked:
    """Why a mapping makes no progress by itself.

    Attributes:
        kind: ``"disabled"`` (the user disabled it, or it is being disabled), ``"deleted"``,
            ``"source deleted"`` (the Kinesis stream it read was deleted, rule L.12),
            ``"throttled"`` (its function has reserved concurrency 0, so every invocation is
            throttled) or ``"retrying"`` (a batch that failed waits for a retry, and retries
            are unlimited: MaximumRetryAttempts and MaximumRecordAgeInSeconds are -1).
        explanation: the same in a sentence.
        shard_id: the shard held up (None for disabled, deleted and source deleted).
        slot: which of the shard's ParallelizationFactor slots holds the batch (0 with one).
        first_sequence_number / last_sequence_number: of the batch held up, if any.
        failures: how many times that batch (or the part of it still retried) failed so far.
        error: the error of its last failed invocation, if known.
    """

    kind: str
    explanation: str
    shard_id: str | None = None
    slot: int = 0
    first_sequence_number: str | None = None
    last_sequence_number: str | None = None
    failures: int = 0
    error: str | None = None

    def __str__(self) -> str:
        return self.explanation

    def __repr__(self) -> str:
        where = "" if self.shard_id is None else f", shard_id={self.shard_id!r}"
        failed = f", failures={self.failures}" if self.failures else ""
        return f"Blocked(kind={self.kind!r}{where}{failed})"


@attrs.frozen
class InvocationTrace:
    """A mapping's invocations, oldest first, as a value that renders readably.

    ``str(trace)`` (or :meth:`render`) gives one line per invocation: when, which shard and
    sequence numbers, the attempt, the outcome and the error.

    >>> print(InvocationTrace(()).render())
    (no invocations)
    """

    invocations: tuple[Invocation, ...]

    def __iter__(self) -> Iterator[Invocation]:
        return iter(self.invocations)

    def __len__(self) -> int:
        return len(self.invocations)

    def failures(self) -> InvocationTrace:
        """Only the invocations that did not succeed."""
        return InvocationTrace(tuple(i for i in self.invocations if i.outcome != SUCCESS))

    def render(self, *, limit: int | None = 50) -> str:
        """One line per invocation (the last ``limit`` of them; None: all)."""
        rows = self.invocations
        if not rows:
            return "(no invocations)"
        skipped = 0
        if limit is not None and len(rows) > limit:
            skipped = len(rows) - limit
            rows = rows[skipped:]
        lines = [f"... {skipped} earlier invocations"] if skipped else []
        lines.extend(render_invocation(i) for i in rows)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        failed = sum(1 for i in self.invocations if i.outcome != SUCCESS)
        return f"<InvocationTrace {len(self.invocations)} invocations, {failed} not successful>"


@attrs.frozen(kw_only=True)
class IdleReport:
    """What ``Simulation.run_until_idle`` did.

    Attributes:
        elapsed_ms: virtual milliseconds it advanced.
        idle: True when every mapping ended caught up or blocked; False when ``max_time``
            passed first.
        blocked: ``(uuid, Blocked)`` for every mapping that ended blocked, in creation order.
        behind: UUIDs of the mappings neither caught up nor blocked (empty when ``idle``).
    """

    elapsed_ms: int
    idle: bool
    blocked: tuple[tuple[str, Blocked], ...] = ()
    behind: tuple[str, ...] = ()

    @property
    def elapsed(self) -> timedelta:
        """The virtual time spent, as a ``timedelta``."""
        return timedelta(milliseconds=self.elapsed_ms)

    def __bool__(self) -> bool:
        return self.idle

    def __repr__(self) -> str:
        return (
            f"<IdleReport {'idle' if self.idle else 'NOT idle'} after {self.elapsed} "
            f"blocked={len(self.blocked)} behind={len(self.behind)}>"
        )

    def __str__(self) -> str:
        head = f"{'idle' if self.idle else 'NOT idle'} after {self.elapsed}"
        lines = [head]
        lines.extend(f"- blocked {uuid}: {why}" for uuid, why in self.blocked)
        lines.extend(f"- still behind: {uuid}" for uuid in self.behind)
        return "\n".join(lines)


def render_invocation(invocation: Invocation) -> str:
    """One invocation on one line: ``+1.250s shard ... [first..last] x3 attempt 2: timeout``."""
    first, last = invocation.first_sequence_number, invocation.last_sequence_number
    if first is None:
        records = "(no records)"
    elif first == last:
        records = f"[{first}]"
    else:
        records = f"[{first}..{last}]"
    error = f" ({invocation.error})" if invocation.error else ""
    return (
        f"t={invocation.start_ms}ms {invocation.shard_id}#{invocation.slot} {records} "
        f"x{invocation.batch_size} attempt {invocation.attempt}: {invocation.outcome}{error}"
    )


def last_error(invocations: Iterable[Invocation], shard_id: str) -> str | None:
    """The error of the newest failed invocation of ``shard_id`` (None: none kept)."""
    for invocation in reversed(list(invocations)):
        if invocation.shard_id == shard_id and invocation.outcome != SUCCESS:
            return invocation.error or invocation.outcome
    return None


def retried_since(
    invocations: Sequence[Invocation], shard_id: str | None, slot: int, start_ms: int
) -> bool:
    """True when an invocation of ``shard_id``'s ``slot`` started at or after ``start_ms`` and
    ended.

    (``sim.run_until_idle`` gives a batch that failed before the call, a healed fault, its
    retry before it counts the shard as blocked.  Per slot: with ParallelizationFactor > 1
    another slot's retry says nothing of this one's.)
    """
    for invocation in reversed(invocations):
        if invocation.end_ms < start_ms:
            return False
        if (
            invocation.shard_id == shard_id
            and invocation.slot == slot
            and invocation.start_ms >= start_ms
        ):
            return True
    return False


def idle_verdict(
    mappings: Mapping[str, Any], start_ms: int, patience: int
) -> tuple[list[tuple[str, Blocked]], list[str]]:
    """``(blocked, behind)``: the mappings (``EventSourceMapping`` by UUID; ``_mapping``
    imports this module) blocked, with why, and those still behind.

    A mapping retrying a batch for ever counts as blocked only once that batch failed
    ``patience`` times and its shard was retried since ``start_ms`` (:func:`retried_since`;
    ``Simulation.run_until_idle``).
    """
    blocked: list[tuple[str, Blocked]] = []
    behind: list[str] = []
    for uuid, mapping in mappings.items():
        if mapping.caught_up:
            continue
        why = mapping.blocked
        if why is not None and why.kind == RETRYING:
            log = mapping.metrics.invocation_log
            retried = retried_since(log, why.shard_id, why.slot, start_ms)
            if not retried or why.failures < patience:
                why = None
        if why is None:
            behind.append(uuid)
        else:
            blocked.append((uuid, why))
    return blocked, behind


def idle_budget_ms(max_time: timedelta, patience: int) -> int:
    """``Simulation.run_until_idle``'s arguments checked: ``max_time`` in whole ms.

    Raises:
        TypeError: ``max_time`` is not a timedelta.
        ValueError: ``max_time`` negative or not whole milliseconds; ``patience`` < 1.
    """
    if not isinstance(max_time, timedelta):
        raise TypeError(f"max_time must be a datetime.timedelta, got {max_time!r}")
    budget = max_time // timedelta(milliseconds=1)
    if max_time < timedelta(0) or timedelta(milliseconds=budget) != max_time:
        raise ValueError(f"max_time must be a whole, non-negative number of ms: {max_time}")
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
        raise ValueError(f"patience must be an int of at least 1, got {patience!r}")
    return budget


def run_until_idle(
    clock: Clock, mappings: Mapping[str, Any], deadline_ms: int, patience: int
) -> IdleReport:
    """Advance ``clock`` event by event until no mapping is behind, or to ``deadline_ms``
    (``Simulation.run_until_idle``; :func:`idle_verdict` judges the mappings)."""
    start = clock.now_ms
    while True:
        blocked, behind = idle_verdict(mappings, start, patience)
        if not behind:
            return IdleReport(elapsed_ms=clock.now_ms - start, idle=True, blocked=tuple(blocked))
        due = clock.next_due_ms()
        if due is None or due > deadline_ms:
            clock.advance_to(deadline_ms)
            blocked, behind = idle_verdict(mappings, start, patience)
            return IdleReport(
                elapsed_ms=clock.now_ms - start,
                idle=not behind,
                blocked=tuple(blocked),
                behind=tuple(behind),
            )
        clock.advance_to(due)
