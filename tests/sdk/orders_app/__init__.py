"""A small application written for real AWS, used unmodified by tests/sdk/test_patch.py.

It builds its clients at import time, reads its table names from the environment and knows
nothing of streamsim.
"""
