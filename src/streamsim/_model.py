"""The model root: the state of one simulated AWS account and region.

:class:`Model` holds the clock, the named random generators, the DynamoDB table catalog (tables,
their metadata and every stream they enabled), the TransactWriteItems idempotency tokens, and
the Lambda service.  It knows nothing of faces: the boto3-shaped clients and the ``Table``
receive the model (or the parts they need) and translate; the user's handle, ``Simulation``,
owns one model, moves its time, and creates the faces.
"""

from __future__ import annotations

import random

from streamsim._clock import Clock
from streamsim._dynamodb._catalog import TableCatalog
from streamsim._dynamodb._table import SplitPolicy
from streamsim._dynamodb._transactions import IdempotencyTokens
from streamsim._dynamodb._ttl import TTLSettings
from streamsim._lambda._service import LambdaService, LambdaSettings
from streamsim._streams._stream import Stream, StreamSettings


class Model:
    """Everything one simulated account and region holds, and nothing about how it is shown.

    Args:
        seed: the seed of every named generator.
        clock: the virtual clock.
        region, account_id: used in ARNs and records.
        stream_settings, ttl_settings, split_policy: what every new table gets.
        lambda_settings: the Lambda service's settings (None: AWS's behaviour).

    >>> model = Model(seed=7, clock=Clock(0), region="us-east-1", account_id="123456789012")
    >>> model.rng("x").random() == random.Random("7/x").random()
    True
    >>> model.tables.create("orders", hash_key="pk").arn
    'arn:aws:dynamodb:us-east-1:123456789012:table/orders'
    """

    def __init__(
        self,
        *,
        seed: int,
        clock: Clock,
        region: str,
        account_id: str,
        stream_settings: StreamSettings | None = None,
        ttl_settings: TTLSettings | None = None,
        split_policy: SplitPolicy | None = None,
        lambda_settings: LambdaSettings | None = None,
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self._rngs: dict[str, random.Random] = {}
        self.tables = TableCatalog(
            clock=clock,
            rng=self.rng,
            region=region,
            account_id=account_id,
            stream_settings=stream_settings or StreamSettings(),
            ttl_settings=ttl_settings or TTLSettings(),
            split_policy=split_policy or SplitPolicy(),
        )
        self.transaction_tokens = IdempotencyTokens(clock)
        self._lambda_settings = lambda_settings
        self._lambda: LambdaService | None = None

    def rng(self, name: str) -> random.Random:
        """The named child generator ``random.Random(f"{seed}/{name}")``, made once per name."""
        gen = self._rngs.get(name)
        if gen is None:
            gen = self._rngs[name] = random.Random(f"{self.seed}/{name}")
        return gen

    @property
    def streams(self) -> list[Stream]:
        """Every stream still listed (enabled, or ended within the retention period)."""
        return self.tables.readable_streams()

    def find_stream(self, arn: str) -> Stream | None:
        """The readable stream with ARN ``arn``, or None."""
        return self.tables.find_stream(arn)

    @property
    def lambda_service(self) -> LambdaService:
        """The Lambda service (functions, event source mappings), created on first use."""
        if self._lambda is None:
            self._lambda = LambdaService(
                clock=self.clock,
                rng=self.rng("lambda/ids"),
                find_stream=self.find_stream,
                region=self.region,
                account_id=self.account_id,
                settings=self._lambda_settings,
            )
        return self._lambda
