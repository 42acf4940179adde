"""DynamoDB items: the type system (Python and wire values, sizes, limits) and frozen storage.

The lowest layer of the model: every table, record and event is made of these values.
"""
