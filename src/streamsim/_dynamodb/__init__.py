"""DynamoDB tables: keys, items, expressions, writes producing item changes, TTL.

Every write that changes an item hands the change down to the table's stream (``_streams``).
"""
