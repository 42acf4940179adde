"""DynamoDB Streams: partitions, shards with lineage, stream records and their AWS shapes.

A table's writes arrive here as item changes and become records appended to the open shard
of the item's partition; the poller and the Streams client read them back.
"""
