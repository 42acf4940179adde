"""TransactWriteItems: up to 100 actions on distinct items, all applied or none.

:func:`transact` checks every action against the state before the transaction and applies all
of them or none; :class:`IdempotencyTokens` remembers the ``ClientRequestToken`` of each
successful transaction for ten minutes, so a retry with the same token and request succeeds
without applying anything again.

AWS behaviour: DynamoDB API Reference, TransactWriteItems (ClientRequestToken: valid 10
minutes; reusing it for a different request is an IdempotentParameterMismatchException); rule
B.2 (one item change per changed item), C.4 (at most 100 actions).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from streamsim._clock import Clock
from streamsim._errors import (
    ConditionalCheckFailedException,
    StreamsimError,
    TransactionCanceledException,
    ValidationException,
)
from streamsim._items import Item, checked_item_size, item_size

from ._capacity import write_units
from ._expressions import Condition, UpdateExpression
from ._table import TableEngine

MAX_TRANSACT_ACTIONS = 100  # rule C.4: transactions <= 100 actions
MAX_TOKEN_CHARS = 36  # TransactWriteItems ClientRequestToken: 1-36 characters (S12)
IDEMPOTENCY_WINDOW_MS = 10 * 60_000  # TransactWriteItems ClientRequestToken: valid 10 minutes
ACTION_KINDS = ("ConditionCheck", "Put", "Delete", "Update")


class IdempotentParameterMismatchException(StreamsimError, ValueError):
    """A ClientRequestToken was reused within 10 minutes for a different request."""


class TransactAction:
    """One action of a TransactWriteItems call, already validated and canonical."""

    __slots__ = (
        "condition",
        "error",
        "item",
        "key",
        "kind",
        "names",
        "table",
        "update",
        "values",
    )

    def __init__(
        self,
        kind: str,
        table: TableEngine,
        key: Item,
        *,
        item: Item | None = None,
        update: UpdateExpression | None = None,
        condition: Condition | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        error: ValidationException | None = None,
    ) -> None:
        self.kind = kind  # "Put" | "Update" | "Delete" | "ConditionCheck"
        #: why the action is invalid (its item's content, rule H.4): it cancels the transaction
        self.error = error
        self.table = table
        self.key = key
        self.item = item
        self.update = update
        self.condition = condition
        self.names = names
        self.values = values


class IdempotencyTokens:
    """The ClientRequestTokens of recent successful transactions, with their requests.

    Args:
        clock: the simulation's clock (a token is remembered for ten minutes of it).

    >>> tokens = IdempotencyTokens(Clock(0))
    >>> tokens.seen("t1", "request A")
    False
    >>> tokens.remember("t1", "request A")
    >>> tokens.seen("t1", "request A")
    True
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tokens: dict[str, tuple[str, int]] = {}
        # (remembered at, token), oldest first: what to forget once the window has passed
        self._order: deque[tuple[int, str]] = deque()

    def seen(self, token: str | None, fingerprint: str) -> bool:
        """Whether ``token`` names an earlier success of the same request within 10 minutes.

        Raises:
            IdempotentParameterMismatchException: the token was used for a different request.
        """
        if token is None:
            return False
        seen = self._tokens.get(token)
        if seen is None or self._clock.now_ms - seen[1] >= IDEMPOTENCY_WINDOW_MS:
            return False
        if seen[0] != fingerprint:
            raise IdempotentParameterMismatchException(
                "Request parameters do not match the parameters of the earlier request "
                f"with ClientRequestToken {token}"
            )
        return True

    def remember(self, token: str | None, fingerprint: str) -> None:
        """Note a successful transaction's token (nothing if it had none)."""
        if token is None:
            return
        now = self._clock.now_ms
        self._forget_before(now - IDEMPOTENCY_WINDOW_MS)
        self._tokens[token] = (fingerprint, now)
        self._order.append((now, token))

    def _forget_before(self, horizon_ms: int) -> None:
        """Drop the tokens remembered at or before ``horizon_ms`` (their window is over)."""
        order = self._order
        tokens = self._tokens
        while order and order[0][0] <= horizon_ms:
            at, token = order.popleft()
            held = tokens.get(token)
            if held is not None and held[1] == at:  # not remembered again since
                del tokens[token]

    def __len__(self) -> int:
        """How many tokens are remembered (those of the last ten minutes, and a few older)."""
        return len(self._tokens)

    def _check(self) -> None:
        """Assert that every remembered token is queued to be forgotten."""
        queued = {token for _, token in self._order}
        assert set(self._tokens) <= queued
        times = [at for at, _ in self._order]
        assert times == sorted(times)


#: The items of one transaction are at most 4 MB together (rule H.36).
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024


def check_transaction_size(size: int) -> None:
    """Reject a transaction whose items add up to more than 4 MB (rule H.36).

    ``size``: the sum of the sizes of the items the transaction writes (a Put's item, the key
    of the other actions) or reads.

    Raises:
        ValidationException: over 4 MB.
    """
    if size > MAX_TRANSACTION_BYTES:
        raise ValidationException(
            "Transaction request cannot be larger than 4 MB: the aggregate size of its items "
            f"is {size} bytes"
        )


def transaction_items_size(actions: list[TransactAction]) -> int:
    """The aggregate size of a TransactWriteItems' items: each Put's item, each other key."""
    return sum(
        item_size(action.item if action.item is not None else action.key) for action in actions
    )


def transact(
    actions: list[TransactAction],
    changes: list[tuple[TableEngine, Item | None, Item | None, Item]] | None = None,
) -> dict[str, int]:
    """Apply all actions or none (TransactWriteItems); return the write units per table name.

    A transactional write costs twice a standard one: two units per KB of the larger of the
    item before and after (for a ConditionCheck, of the item checked; rule H.35).

    ``changes``, if given, gets ``(table, old item, new item, key)`` of each applied write to a
    table with secondary indexes (for their capacity, rule H.12).

    Every condition is checked against the state before the transaction; if any fails (or
    an action is invalid), TransactionCanceledException lists a reason per action (its
    ``Item``, when a condition failed on an existing item, is the table's current item) and
    nothing is applied.

    Raises:
        ValidationException: two actions on one item.
        TransactionCanceledException: a condition failed or an action was invalid.
    """
    check_transaction_size(transaction_items_size(actions))
    seen: set[tuple[str, Any, Any]] = set()
    staged: list[tuple[TableEngine, Any, Any, Item | None, Item | None, int]] = []
    reasons: list[dict[str, Any]] = []
    failed = False
    for action in actions:
        table = action.table
        try:
            if action.error is not None:
                raise action.error
            size = 0
            if action.kind == "Put":
                assert action.item is not None
                hv, rv = table.key_of_item(action.item)
                if table.indexes is not None:
                    table.indexes.check(action.item)  # rule H.9
                size = checked_item_size(action.item)
            else:
                hv, rv = table.key_of_key(action.key)
            ident = (table.name, hv, rv)
            if ident in seen:
                raise ValidationException(
                    "Transaction request cannot include multiple operations on one item"
                )
            seen.add(ident)
            old = table.get(hv, rv)
            new: Item | None = old
            if action.kind == "Put":
                new = action.item
            elif action.kind == "Update":
                new = table.updated_item(
                    action.key, old, action.update, action.names, action.values
                )
                if new is not None:
                    size = table.checked_new_item(new)
            elif action.kind == "Delete":
                new = None
            table.check_condition(action.condition, old, action.names, action.values)
            staged.append((table, hv, rv, old, new, size))
            reasons.append({"Code": "None"})
        except ConditionalCheckFailedException as exc:
            failed = True
            reason: dict[str, Any] = {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
            }
            if exc.item is not None:
                reason["Item"] = exc.item
            reasons.append(reason)
        except ValidationException as exc:
            if "multiple operations on one item" in exc.message:
                raise
            failed = True
            reasons.append({"Code": "ValidationError", "Message": exc.message})
    if failed:
        codes = ", ".join(r["Code"] for r in reasons)
        raise TransactionCanceledException(
            f"Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]",
            cancellation_reasons=reasons,
        )
    used: dict[str, int] = {}
    for table, hv, rv, old, new, size in staged:
        old_size = 0 if old is None else item_size(old)
        new_size = old_size if new is old else size
        used[table.name] = used.get(table.name, 0) + 2 * write_units(old_size, new_size)
        if new is not old:
            table.commit(hv, rv, new, size)
            if changes is not None and table.indexes is not None:
                changes.append((table, old, new, table.key_item(hv, rv)))
    return used
