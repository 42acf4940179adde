"""The AWS-shaped faces over the model: ``sim.client(...)`` clients and the boto3-style ``Table``.

Everything here translates: user input (DynamoDB JSON or plain Python values, AWS parameter
names) into canonical values and calls on the model, and model results back into dicts shaped
exactly as boto3 returns them.  The faces receive the model (``streamsim._model``) or the parts
they need, never the ``Simulation``; they hold no state of the simulated world and never call
each other.  The model never imports from this package.

* :mod:`._params`: botocore's client-side parameter validation (names, types, minimums).
* :mod:`._client_base`: what the three clients share: the call wrapper, ``client.exceptions``.
* :mod:`._dynamodb_requests`: reading a DynamoDB data-plane request (checks, canonical values).
* :mod:`._dynamodb_data`: the DynamoDB data-plane operations both DynamoDB faces call.
* :mod:`._dynamodb_responses`: ConsumedCapacity, write results, TableDescription, TTL shapes.
* :mod:`._waiters`: ``table_exists`` / ``table_not_exists`` waiters in virtual time.
* :mod:`._dynamodb_client`: ``sim.client("dynamodb")``, boto3's low-level client shape.
* :mod:`._table_face`: :class:`~._table_face.Table`, boto3's resource ``Table`` shape.
* :mod:`._conditions`: boto3 ``Key``/``Attr`` condition objects into expression strings.
* :mod:`._streams_client`: ``sim.client("dynamodbstreams")``, the DynamoDB Streams API.
* :mod:`._lambda_client`: ``sim.client("lambda")``, event source mappings and concurrency.
* :mod:`._stream_views`: the read-only :class:`Stream` and :class:`Shard` users are handed.
* :mod:`._lambda_views`: the read-only Lambda service, functions, mappings and metrics.
* :mod:`._destination_views`: the read-only on-failure queues, topics and buckets.
"""
