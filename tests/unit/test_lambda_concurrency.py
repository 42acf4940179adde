"""The account's concurrency pool: reservations, the unreserved pool, FIFO grants (rule D.4)."""

from __future__ import annotations

import pytest

from streamsim._errors import InvalidParameterValueException
from streamsim._lambda._concurrency import ConcurrencyPool


class Waiter:
    """A waiter that records the grants it gets (as a throttled slot would)."""

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.name = name
        self.log = log

    def on_grant(self, key: str, /) -> None:
        """Note the grant."""
        self.log.append((self.name, key))


def pool(account: int = 3, minimum: int = 0) -> ConcurrencyPool[str]:
    """A pool with two unreserved functions, f and g."""
    p: ConcurrencyPool[str] = ConcurrencyPool(
        account_concurrency=account, unreserved_minimum=minimum
    )
    p.add("f", None)
    p.add("g", None)
    return p


def test_unreserved_functions_share_the_account() -> None:
    """Unreserved functions take instances from one pool until it is empty."""
    p = pool(account=3)
    assert [p.acquire("f"), p.acquire("g"), p.acquire("f"), p.acquire("g")] == [
        True,
        True,
        True,
        False,
    ]
    assert (p.active("f"), p.active("g"), p.peak("f")) == (2, 1, 2)
    p._check()


def test_reserved_concurrency_caps_and_is_taken_out_of_the_pool() -> None:
    """A reservation caps its function and shrinks what the others share."""
    p = pool(account=3)
    p.set_reserved("f", 1)
    assert p.unreserved_capacity == 2
    assert (p.acquire("f"), p.acquire("f")) == (True, False)
    assert (p.acquire("g"), p.acquire("g"), p.acquire("g")) == (True, True, False)
    p._check()


def test_reservation_bounds() -> None:
    """Negative reservations and ones that leave too little unreserved are refused."""
    p = pool(account=10, minimum=5)
    with pytest.raises(InvalidParameterValueException, match="integer >= 0"):
        p.set_reserved("f", -1)
    with pytest.raises(InvalidParameterValueException, match=r"minimum value of \[5\]"):
        p.set_reserved("f", 6)
    p.set_reserved("f", 5)
    assert p.reserved("f") == 5
    with pytest.raises(InvalidParameterValueException):
        p.add("h", 1)


def test_waiters_are_granted_first_come_first_served() -> None:
    """Freed instances go to the oldest waiter; a newcomer cannot jump the queue."""
    p = pool(account=1)
    log: list[tuple[str, str]] = []
    assert p.acquire("f")
    first, second = Waiter("first", log), Waiter("second", log)
    p.wait("f", first)
    p.wait("f", second)
    assert p.is_waiting(first)
    p.release("f")
    assert log == [("first", "f")]
    assert not p.is_waiting(first)
    assert p.is_waiting(second)
    p._check()


def test_waiters_queue_ahead_of_acquire() -> None:
    """While someone waits for a function, acquire for it fails even with a free instance."""
    p = pool(account=2)
    p.set_reserved("f", 1)
    assert p.acquire("f")
    log: list[tuple[str, str]] = []
    p.wait("f", Waiter("w", log))
    p.set_reserved("f", 2)  # frees room: the waiter gets it, not a newcomer
    assert log == [("w", "f")]


def test_cancel_leaves_the_queue() -> None:
    """A cancelled waiter is never granted; cancelling twice is harmless."""
    p = pool(account=1)
    log: list[tuple[str, str]] = []
    assert p.acquire("f")
    gone = Waiter("gone", log)
    p.wait("f", gone)
    p.cancel(gone)
    p.cancel(gone)
    p.release("f")
    assert log == []
    assert p.active("f") == 0
    p._check()


def test_an_unreserved_release_serves_other_functions_in_creation_order() -> None:
    """A freed shared instance serves any function's waiters, the oldest function first."""
    p = pool(account=1)
    log: list[tuple[str, str]] = []
    assert p.acquire("f")
    p.wait("g", Waiter("g-waiter", log))
    p.release("f")
    assert log == [("g-waiter", "g")]
    assert (p.active("f"), p.active("g")) == (0, 1)
    p._check()
