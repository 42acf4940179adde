"""Examples cannot rot: every ``examples/*.py`` with a sibling ``.out`` runs, and its stdout must
equal the ``.out`` file exactly (SimPy's habit).

Each example runs in a fresh interpreter with a different ``PYTHONHASHSEED`` per run, so output
that depends on string hashing or set order fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if p.with_suffix(".out").exists())


def run(script: Path, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=EXAMPLES.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_there_are_examples_to_check() -> None:
    """At least the quickstart example has its expected output committed."""
    assert EXAMPLES / "quickstart.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_output_matches_its_out_file(script: Path) -> None:
    """The example prints exactly its committed .out, whatever PYTHONHASHSEED is."""
    expected = script.with_suffix(".out").read_text(encoding="utf-8")
    assert run(script, "0") == expected
    assert run(script, "12345") == expected
