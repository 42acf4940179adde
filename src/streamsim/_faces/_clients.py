"""The clients of one simulation, built once each: what ``sim.client(...)`` hands out.

DynamoDB has three faces over one :class:`~._dynamodb_data.DataPlane` (so one RequestId
source): the low-level client (DynamoDB JSON, botocore's checks), the resource client
(``table.meta.client``: Python values) and the service side without botocore's checks
(``parameter_validation=False``, and every request from a real SDK; rule H.37).
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from streamsim._clock import Clock
from streamsim._model import Model

from ._client_base import request_ids
from ._dynamodb_client import DynamoDBClient
from ._dynamodb_data import DataPlane
from ._kinesis_client import KinesisClient
from ._lambda_client import LambdaClient
from ._service_checks import wants_client_side_checks
from ._streams_client import DynamoDBStreamsClient

__all__ = ["AnyClient", "Clients"]

AnyClient = DynamoDBClient | DynamoDBStreamsClient | LambdaClient | KinesisClient


class Clients:
    """The clients of one simulation, each built on first use and kept."""

    def __init__(self, model: Model, clock: Clock, region: str, rng: Callable[[str], Random]):
        self._model = model
        self._clock = clock
        self._region = region
        self._rng = rng
        self._data: DataPlane | None = None
        self._clients: dict[str, AnyClient] = {}

    def data_plane(self) -> DataPlane:
        """The DynamoDB operations every DynamoDB face shares (one RequestId source)."""
        if self._data is None:
            model = self._model
            self._data = DataPlane(
                model.tables, model.transaction_tokens, request_ids(model.rng("request-ids"))
            )
        return self._data

    def client(self, service: str, parameter_validation: object, config: object) -> AnyClient:
        """``sim.client(service, parameter_validation=..., config=...)``.

        Raises:
            ValueError: an unknown service, or a validation choice it cannot honour.
        """
        if not wants_client_side_checks(service, parameter_validation, config):
            return self.dynamodb(parameter_validation=False)
        client = self._clients.get(service)
        if client is not None:
            return client
        if service == "dynamodb":
            client = self.dynamodb()
        elif service == "dynamodbstreams":
            client = DynamoDBStreamsClient(self._model)
        elif service == "lambda":
            client = LambdaClient(
                self._model.lambda_service, request_ids=self._rng("lambda/request-ids")
            )
        elif service == "kinesis":
            client = KinesisClient(
                self._model.kinesis, self._clock, self._rng("kinesis/request-ids")
            )
        else:
            raise ValueError(
                f"unknown service {service!r}: expected 'dynamodb', 'dynamodbstreams', "
                "'lambda' or 'kinesis'"
            )
        self._clients[service] = client
        return client

    def dynamodb(
        self, *, python_values: bool = False, parameter_validation: bool = True
    ) -> DynamoDBClient:
        """A DynamoDB face, one per variant (see the module docstring)."""
        key = f"dynamodb/{python_values}/{parameter_validation}"
        client = self._clients.get(key)
        if client is None:
            client = DynamoDBClient(
                self.data_plane(),
                self._clock,
                self._region,
                destinations=self._model.kinesis_destinations,
                python_values=python_values,
                parameter_validation=parameter_validation,
            )
            self._clients[key] = client
        assert isinstance(client, DynamoDBClient)
        return client

    def wire(self, service: str) -> AnyClient:
        """The face a request from a real SDK reaches: the service side, which for DynamoDB
        answers malformed input (sent with botocore's validation off) as DynamoDB does."""
        if service == "dynamodb":
            return self.dynamodb(parameter_validation=False)
        return self.client(service, None, None)

    def resource(self) -> DynamoDBClient:
        """``table.meta.client``: boto3's resource client takes and gives Python values."""
        return self.dynamodb(python_values=True)
