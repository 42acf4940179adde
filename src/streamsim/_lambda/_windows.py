"""Tumbling windows: state carried from one invocation to the next within a time window.

With ``TumblingWindowInSeconds`` set, every record belongs to the window of its approximate
creation time (windows are aligned on the epoch: ``[k*W, (k+1)*W)``).  A batch holds records of
one window only.  Each event carries the window's bounds and the state the previous invocation
of the window returned (``{}`` at first); the function must answer
``{"state": {...}, "batchItemFailures": [...]}``.  Once the window is over (its end has passed,
or a record of a later window was read, or the shard ended), one more invocation with no
records and ``isFinalInvokeForWindow: true`` hands the final state over; after it succeeds the
state is dropped.

AWS behaviour (rule D.9, [DOC S14]): a response without ``state`` is a failed invocation;
state is at most 1 MB, beyond which the window is terminated early
(``isWindowTerminatedEarly: true`` and the window continues with fresh state); there is no
resharding support: a shard's window closes when the shard ends and children start fresh.

Differs from AWS (UNCONFIRMED details): the final invocation carries ``Records: []``; with
ParallelizationFactor > 1 each shard slot keeps its own window state; a final invocation's
response need not hold ``state``; windows are aligned on the epoch.
"""

from __future__ import annotations

import json
from typing import Any

from streamsim._clock import ms_to_iso_seconds

#: State carried between invocations, at most (rule D.9).
MAX_STATE_BYTES = 1024 * 1024


def window_of(created_ms: int, window_ms: int) -> int:
    """Start of the tumbling window holding a record created at ``created_ms``.

    >>> window_of(1_000_123, 60_000)
    960000
    """
    return created_ms - created_ms % window_ms


class WindowState:
    """The open tumbling window of one shard slot.

    Attributes:
        start_ms / end_ms: the window's bounds.
        state: what the last successful invocation returned (JSON data).
        terminate_early: the state outgrew :data:`MAX_STATE_BYTES`; the next invocation is a
            final one with ``isWindowTerminatedEarly`` and the window then restarts empty.
        has_records: records of this window were invoked (a final invocation is owed).
    """

    __slots__ = ("end_ms", "has_records", "start_ms", "state", "terminate_early")

    def __init__(self, start_ms: int, window_ms: int) -> None:
        self.start_ms = start_ms
        self.end_ms = start_ms + window_ms
        self.state: dict[str, Any] = {}
        self.terminate_early = False
        self.has_records = False

    def event_fields(
        self, shard_id: str, stream_arn: str, *, final: bool, early: bool
    ) -> dict[str, Any]:
        """The window members of an event (rule D.9), with a fresh copy of the state."""
        return {
            "window": {
                "start": ms_to_iso_seconds(self.start_ms),
                "end": ms_to_iso_seconds(self.end_ms),
            },
            "state": json.loads(json.dumps(self.state)),
            "shardId": shard_id,
            "eventSourceARN": stream_arn,
            "isFinalInvokeForWindow": final,
            "isWindowTerminatedEarly": early,
        }

    def state_bytes(self) -> int:
        """Size of the state as JSON text."""
        return len(json.dumps(self.state, separators=(",", ":")).encode())

    def __repr__(self) -> str:
        start, end = ms_to_iso_seconds(self.start_ms), ms_to_iso_seconds(self.end_ms)
        return f"<WindowState {start}..{end} state={self.state!r}>"


def response_state(response: Any) -> tuple[bool, dict[str, Any] | None]:
    """Read ``state`` from a tumbling-window response.

    Returns:
        ``(True, state)`` when the response is an object holding a ``state`` object (or null,
        read as ``{}``); ``(False, None)`` otherwise (a failed invocation, rule D.9).

    >>> response_state({"state": {"n": 1}}), response_state({"batchItemFailures": []})
    ((True, {'n': 1}), (False, None))
    """
    if not isinstance(response, dict) or "state" not in response:
        return False, None
    state = response["state"]
    if state is None:
        return True, {}
    if not isinstance(state, dict):
        return False, None
    return True, state
