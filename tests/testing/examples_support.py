"""Importing ``examples/consumer_testing.py`` as a module, for the tests that run its consumers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "consumer_testing.py"


def load_consumer_example() -> ModuleType:
    """Import examples/consumer_testing.py as a module (once per process)."""
    loaded = sys.modules.get("consumer_testing")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("consumer_testing", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["consumer_testing"] = module
    spec.loader.exec_module(module)
    return module
