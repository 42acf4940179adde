"""The one garbage-collector policy: build AWS-shaped responses with the cyclic collector paused.

A GetRecords response or a Lambda batch is thousands of fresh dicts, lists and strings that
form acyclic trees: reference counting alone frees them.  Built with the cyclic collector
running, they trigger a young collection every 700 allocations, and the survivors, promoted
again and again, trigger full collections that walk every record the simulation retains.  So
every place that renders records does it inside :func:`paused_gc`:

* the collector is paused only while the objects are built, never while user code (a Lambda
  handler) runs, so a handler sees the collector as the program set it;
* it is resumed only if it was running, so a caller's own ``gc.disable()`` is respected.

:func:`call_paused` is the same policy for one call (the Lambda poller renders each batch
with it: a plain function is cheaper than a context manager's object and two method calls).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")


class paused_gc:
    """Context manager: the cyclic garbage collector is off inside, as it was outside after.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        if self._was_enabled:
            gc.disable()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._was_enabled:
            gc.enable()


def call_paused(function: Callable[[A], R], argument: A) -> R:
    """``function(argument)`` with the cyclic collector paused, as :class:`paused_gc` does.

    >>> call_paused(lambda _: gc.isenabled(), None), gc.isenabled()
    (False, True)
    """
    if not gc.isenabled():
        return function(argument)
    gc.disable()
    try:
        return function(argument)
    finally:
        gc.enable()
