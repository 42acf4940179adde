"""The account's concurrency: one pool of instances, reservations, and who waits for them.

:class:`ConcurrencyPool` owns every piece of concurrency bookkeeping of one Lambda service:
the account's instances, the reserved concurrency of each function, how many instances each
function runs now (and at most), and the first-come-first-served queue of throttled
:class:`Waiter`\\ s (the poller's slots).  Functions and slots do not keep any of it: they
ask the pool (``acquire``, ``release``, ``wait``, ``cancel``).

The pool is keyed by the functions themselves (any hashable object with identity works): it
does not need to know what a function is, so it sits below them.  Its cost per acquire and
release does not depend on how many functions there are: the unreserved capacity is kept as a
running total, and a freed unreserved instance goes to the first key (in the order keys were
added) among a sorted index of the unreserved keys that have waiters.

AWS behaviour (rule D.4): the account has ``account_concurrency`` instances.  A function
with reserved concurrency runs at most that many; the others share what is not reserved.
PutFunctionConcurrency must leave ``unreserved_minimum`` unreserved.  Reserved concurrency
0 stops all processing.  Differs from AWS: a throttled invocation waits in first-come-
first-served order and starts as soon as an instance frees (AWS retries with back-off).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar

from sortedcontainers import SortedList

from streamsim._errors import InvalidParameterValueException

K = TypeVar("K", bound=Hashable)
K_contra = TypeVar("K_contra", contravariant=True)


class Waiter(Protocol[K_contra]):
    """Something that waits for an instance (a throttled slot of the poller)."""

    def on_grant(self, key: K_contra, /) -> None:
        """An instance of ``key`` was taken for this waiter: it must use or release it."""


class ConcurrencyPool(Generic[K]):
    """The account's instances, per-function reservations and the queue of throttled waiters.

    Args:
        account_concurrency: instances of the account.
        unreserved_minimum: how many reservations must leave unreserved.

    >>> pool: ConcurrencyPool[str] = ConcurrencyPool(account_concurrency=2, unreserved_minimum=0)
    >>> pool.add("f", None)
    >>> pool.acquire("f"), pool.acquire("f"), pool.acquire("f")
    (True, True, False)
    >>> pool.release("f"); pool.active("f"), pool.peak("f")
    (1, 2)
    """

    def __init__(self, *, account_concurrency: int, unreserved_minimum: int) -> None:
        self._account = account_concurrency
        self._minimum = unreserved_minimum
        self._reserved: dict[K, int | None] = {}
        self._active: dict[K, int] = {}
        self._peak: dict[K, int] = {}
        self._pooled: dict[K, int] = {}  # instances each key holds from the unreserved pool
        self._unreserved_active = 0
        self._waiters: dict[K, deque[Waiter[K]]] = {}
        self._waiting: dict[Waiter[K], K] = {}
        self._reserved_total = 0  # sum of the reservations (unreserved_capacity in O(1))
        self._order: dict[K, int] = {}  # key -> its rank: the order keys were added
        self._by_order: dict[int, K] = {}
        # ranks of the keys without a reservation that have waiters: who gets a freed
        # unreserved instance, first in key order, without walking every key
        self._queued: SortedList[int] = SortedList()
        # for _check: instances held over a cap when it was last lowered (a lowered reservation
        # or a shrunk unreserved pool leaves running instances running)
        self._held_over: dict[K | None, int] = {}

    # --- keys and reservations -----------------------------------------------------------------

    def add(self, key: K, reserved: int | None) -> None:
        """Start tracking ``key`` (a new function) with its reserved concurrency.

        Raises:
            InvalidParameterValueException: a bad reservation (see :meth:`set_reserved`).
        """
        if reserved is not None:
            self._check_reservation(key, reserved)
        self._reserved[key] = reserved
        self._reserved_total += reserved or 0
        rank = len(self._order)
        self._order[key] = rank
        self._by_order[rank] = key
        self._note_caps()
        self._active[key] = 0
        self._peak[key] = 0
        self._pooled[key] = 0
        self._waiters[key] = deque()

    def reserved(self, key: K) -> int | None:
        """The reserved concurrency of ``key`` (None: it shares the unreserved pool)."""
        return self._reserved[key]

    def set_reserved(self, key: K, value: int | None) -> None:
        """Put (an int) or delete (None) the reserved concurrency of ``key``.

        Raises:
            InvalidParameterValueException: negative, or leaving too little unreserved.
        """
        if value is not None:
            self._check_reservation(key, value)
        self._reserved[key] = value
        self._reserved_total = sum(r or 0 for r in self._reserved.values())
        self._index_queue(key)
        self._note_caps()
        self._grant_all()

    @property
    def unreserved_capacity(self) -> int:
        """Instances not reserved by any key."""
        return self._account - self._reserved_total

    def _check_reservation(self, key: K, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidParameterValueException(
                f"ReservedConcurrentExecutions must be an integer >= 0, got {value!r}"
            )
        others = sum(r or 0 for k, r in self._reserved.items() if k is not key)
        if self._account - others - value < self._minimum:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{self._minimum}]."
            )

    # --- counts ---------------------------------------------------------------------------------

    def active(self, key: K) -> int:
        """Instances ``key`` runs now."""
        return self._active[key]

    def peak(self, key: K) -> int:
        """The most instances ``key`` ever ran at once."""
        return self._peak[key]

    def is_waiting(self, waiter: Waiter[K]) -> bool:
        """True while ``waiter`` is in a queue."""
        return waiter in self._waiting

    # --- instances ------------------------------------------------------------------------------

    def acquire(self, key: K) -> bool:
        """Take an instance for ``key`` if one is free and nobody waits for one; True if taken."""
        if self._waiters[key]:
            return False  # those who wait go first
        return self._take(key)

    def _take(self, key: K) -> bool:
        reserved = self._reserved[key]
        active = self._active[key]
        if reserved is not None:
            if active >= reserved:
                return False
        else:
            if self._unreserved_active >= self._account - self._reserved_total:  # capacity
                return False
            self._unreserved_active += 1
            self._pooled[key] += 1
        active += 1
        self._active[key] = active
        if active > self._peak[key]:
            self._peak[key] = active
        return True

    def release(self, key: K) -> None:
        """Give back an instance of ``key``; hand freed instances to waiters, oldest first."""
        self._active[key] -= 1
        pooled = self._pooled[key]
        if not pooled:
            self._grant(key)
            return
        self._pooled[key] = pooled - 1
        self._unreserved_active -= 1
        if self._reserved[key] is not None and self._waiters[key]:
            self._grant_all()  # rare (a reservation set while holding pooled instances)
            return
        if not self._waiting:
            return  # nobody waits (the common case)
        # Only the unreserved pool changed: in key order, the keys that share it take what
        # is free (the keys with a reservation cannot take more than before).
        queued = self._queued
        while queued:
            first = self._by_order[queued[0]]
            self._grant(first)
            if self._waiters[first]:
                break  # the pool is full again

    def wait(self, key: K, waiter: Waiter[K]) -> None:
        """Queue ``waiter`` for the next free instance of ``key`` (``waiter.on_grant`` then)."""
        waiters = self._waiters[key]
        waiters.append(waiter)
        self._waiting[waiter] = key
        if len(waiters) == 1:
            self._index_queue(key)

    def cancel(self, waiter: Waiter[K]) -> None:
        """Take ``waiter`` out of its queue (nothing if it is not waiting)."""
        key = self._waiting.pop(waiter, None)
        if key is not None:
            waiters = self._waiters[key]
            waiters.remove(waiter)
            if not waiters:
                self._index_queue(key)

    def _index_queue(self, key: K) -> None:
        """Keep ``key`` in the index of queued unreserved keys exactly when it belongs there."""
        rank = self._order[key]
        if self._waiters[key] and self._reserved[key] is None:
            if rank not in self._queued:
                self._queued.add(rank)
        else:
            self._queued.discard(rank)

    def _grant(self, key: K) -> None:
        waiters = self._waiters[key]
        while waiters and self._take(key):
            waiter = waiters.popleft()
            del self._waiting[waiter]
            if not waiters:
                self._index_queue(key)
            waiter.on_grant(key)

    def _grant_all(self) -> None:
        for key, waiters in self._waiters.items():
            if waiters:
                self._grant(key)

    def _note_caps(self) -> None:
        """After a cap changed: note the instances held then (for :meth:`_check`), cold path."""
        self._held_over[None] = self._unreserved_active
        for key, active in self._active.items():
            self._held_over[key] = active - self._pooled[key]

    def has_free_instance(self, key: K) -> bool:
        """True if an instance could be taken for ``key`` now (waiters aside; for checks).

        A waiter queues only after :meth:`acquire` failed, and is granted as soon as an
        instance frees, so no waiter waits while its key has a free instance.
        """
        reserved = self._reserved[key]
        if reserved is not None:
            return self._active[key] < reserved
        return self._unreserved_active < self.unreserved_capacity

    def _check(self) -> None:
        """Assert the pool's invariants: counts, caps, and the index of waiters.

        AWS behaviour: rule D.4.  A function never holds more instances of its reservation than
        reserved, nor the functions without one more than the unreserved pool, except for
        instances already running when the cap was lowered (they run on; none is added).
        """
        assert self._unreserved_active == sum(self._pooled.values()), (
            f"pool: {self._unreserved_active} unreserved instances active but "
            f"{sum(self._pooled.values())} held from the unreserved pool"
        )
        reserved_total = sum(r or 0 for r in self._reserved.values())
        assert self._account - reserved_total >= self._minimum, (
            f"pool: reservations {reserved_total} leave less than {self._minimum} unreserved"
        )
        cap = max(self.unreserved_capacity, self._held_over.get(None, 0))
        assert self._unreserved_active <= cap, (
            f"pool: {self._unreserved_active} unreserved instances active, over the "
            f"unreserved pool of {self.unreserved_capacity}"
        )
        for key, active in self._active.items():
            pooled = self._pooled[key]
            assert 0 <= pooled <= active, f"pool: {key!r} holds {pooled} of {active} pooled"
            assert self._peak[key] >= active, f"pool: {key!r} runs more than its peak"
            reserved = self._reserved[key]
            if reserved is not None:
                held = active - pooled
                assert held <= max(reserved, self._held_over.get(key, 0)), (
                    f"pool: {key!r} runs {held} instances over its reserved concurrency {reserved}"
                )
            waiters = self._waiters[key]
            assert len({id(w) for w in waiters}) == len(waiters), f"pool: {key!r} waits twice"
            assert all(self._waiting.get(w) is key for w in waiters), (
                f"pool: a waiter of {key!r} is not indexed as waiting for it"
            )
        assert len(self._waiting) == sum(map(len, self._waiters.values())), (
            "pool: the index of waiters and the queues disagree"
        )
        assert self._reserved_total == reserved_total, "pool: the reservation total is stale"
        queued = [
            self._order[k] for k, w in self._waiters.items() if w and self._reserved[k] is None
        ]
        assert list(self._queued) == sorted(queued), "pool: the index of queued keys is stale"

    def __repr__(self) -> str:
        return (
            f"<ConcurrencyPool account={self._account} unreserved_active="
            f"{self._unreserved_active} waiting={len(self._waiting)}>"
        )
