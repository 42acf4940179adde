"""A ``--setup`` function for ``python -m streamsim serve`` (tests/sdk/test_server.py)."""

from streamsim import Simulation


def setup(sim: Simulation) -> None:
    """A table with a stream, and a function that counts what it is handed."""
    sim.create_table("prepared", hash_key="pk", stream_view_type="NEW_IMAGE")
    sim.create_function("counter", lambda event, context: None)
