"""DynamoDB: the table catalog, tables, expressions, reads, batches, transactions, TTL.

* :mod:`._catalog`: the tables of an account and region, their metadata and their streams.
* :mod:`._table`: one table: keys, the item store, writes that become item changes.
* :mod:`._reads`: Query and Scan candidates and pages.
* :mod:`._batch`: BatchWriteItem and BatchGetItem.
* :mod:`._transactions`: TransactWriteItems and its idempotency tokens.
* :mod:`._capacity`: read and write capacity units.
* :mod:`._ttl`: the TTL sweep.

Every write that changes an item hands the change down to the table's stream (``_streams``).
"""
