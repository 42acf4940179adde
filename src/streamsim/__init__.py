"""streamsim: DynamoDB Streams and the Lambda poller, simulated in memory and in virtual time."""

from __future__ import annotations
