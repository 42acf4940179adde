"""Run one check over many cases (seeds, scenarios, configurations) on any Executor.

:func:`sweep` hands each case to ``check(case)`` through a ``concurrent.futures.Executor``:
a local process pool by default, or any other with the same interface (a thread pool; Dask
``distributed``'s ``client.get_executor()``; Ray's).  One simulation per task, seeds as the
unit of work; streamsim schedules nothing itself.  Each task returns a :class:`SweepOutcome`
(plain, picklable data), in the order of the cases.

``check`` must be picklable for a process pool (a module-level function) and may return a
:class:`~._history.CheckResult`, anything with ``.result`` (a
:class:`~._runner.ConsumerRun`), or a bool.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import attrs

from ._history import CheckResult


@attrs.frozen(kw_only=True)
class SweepOutcome:
    """What one case of a sweep gave: the case, ``valid`` and the explanation."""

    case: Any
    valid: bool
    explanation: str


def _outcome(check: Callable[[Any], Any], case: Any) -> SweepOutcome:
    verdict = check(case)
    result = getattr(verdict, "result", verdict)
    if isinstance(result, CheckResult):
        return SweepOutcome(case=case, valid=result.valid, explanation=result.explanation)
    valid = bool(result)
    return SweepOutcome(case=case, valid=valid, explanation="valid" if valid else "failed")


def sweep(
    check: Callable[[Any], Any], cases: Iterable[Any], *, executor: Executor | None = None
) -> list[SweepOutcome]:
    """``check`` every case on ``executor``; the outcomes in the order of ``cases``.

    Args:
        check: a picklable callable of one case (for a process pool: a module-level function).
        cases: seeds, scenarios, configurations: anything picklable.
        executor: where to run; default a ``ProcessPoolExecutor`` with one worker per CPU,
            shut down afterwards (an executor passed in is left running).

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     [o.valid for o in sweep(lambda n: n % 2 == 0, [2, 3], executor=pool)]
    [True, False]
    """
    own = executor is None
    pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1) if executor is None else executor
    try:
        futures = [pool.submit(_outcome, check, case) for case in cases]
        return [future.result() for future in futures]
    finally:
        if own:
            pool.shutdown()
