"""Amazon Kinesis Data Streams: streams, shards with lineage, records, iterators (rule K.1-K.15).

A service beside ``_dynamodb`` and ``_lambda`` (neither imports the other): the model of every
Kinesis stream of an account, read by the ``kinesis`` client face and by the Lambda poller's
Kinesis event source.
"""
