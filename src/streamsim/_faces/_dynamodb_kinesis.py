"""The Kinesis streaming destination operations of ``sim.client("dynamodb")`` (rule K.16).

A mixin of :class:`~._dynamodb_client.DynamoDBClient`: the destinations live in the model
(:class:`~streamsim._kinesis_destinations.KinesisDestinations`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamsim._kinesis_destinations import Destination, KinesisDestinations

__all__ = ["KinesisDestinationOperations"]


def _answer(destination: Destination, status: str, member: str) -> dict[str, Any]:
    """The answer of Enable, Disable and Update: the status the request started (rule K.16)."""
    return {
        "TableName": destination.engine.name,
        "StreamArn": destination.stream_arn,
        "DestinationStatus": status,
        member: {"ApproximateCreationDateTimePrecision": destination.precision},
    }


class KinesisDestinationOperations:
    """Enable, Disable, Describe and UpdateKinesisStreamingDestination (rule K.16)."""

    _destinations: KinesisDestinations
    _call: Callable[..., dict[str, Any]]

    def enable_kinesis_streaming_destination(self, **params: Any) -> dict[str, Any]:
        """EnableKinesisStreamingDestination: the table's changes start going to the stream."""
        return self._call("EnableKinesisStreamingDestination", params, self._enable_kds)

    def _enable_kds(self, **p: Any) -> dict[str, Any]:
        config = p.get("EnableKinesisStreamingConfiguration") or {}
        precision = config.get("ApproximateCreationDateTimePrecision")
        destination = self._destinations.enable(p["TableName"], p["StreamArn"], precision)
        return _answer(destination, "ENABLING", "EnableKinesisStreamingConfiguration")

    def disable_kinesis_streaming_destination(self, **params: Any) -> dict[str, Any]:
        """DisableKinesisStreamingDestination: the table's changes stop going to the stream."""
        return self._call("DisableKinesisStreamingDestination", params, self._disable_kds)

    def _disable_kds(self, **p: Any) -> dict[str, Any]:
        destination = self._destinations.disable(p["TableName"], p["StreamArn"])
        return _answer(destination, "DISABLING", "EnableKinesisStreamingConfiguration")

    def describe_kinesis_streaming_destination(self, **params: Any) -> dict[str, Any]:
        """DescribeKinesisStreamingDestination: every destination the table has had."""
        return self._call("DescribeKinesisStreamingDestination", params, self._describe_kds)

    def _describe_kds(self, **p: Any) -> dict[str, Any]:
        engine = self._destinations.table(p["TableName"])
        return {
            "TableName": engine.name,
            "KinesisDataStreamDestinations": [
                d.description() for d in self._destinations.of(engine)
            ],
        }

    def update_kinesis_streaming_destination(self, **params: Any) -> dict[str, Any]:
        """UpdateKinesisStreamingDestination: change ``ApproximateCreationDateTimePrecision``."""
        return self._call("UpdateKinesisStreamingDestination", params, self._update_kds)

    def _update_kds(self, **p: Any) -> dict[str, Any]:
        config = p.get("UpdateKinesisStreamingConfiguration") or {}
        precision = config.get("ApproximateCreationDateTimePrecision")
        destination = self._destinations.update(p["TableName"], p["StreamArn"], precision)
        return _answer(destination, "UPDATING", "UpdateKinesisStreamingConfiguration")
