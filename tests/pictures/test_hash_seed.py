"""Pictures, Mermaid and tables are the same bytes under any PYTHONHASHSEED."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def digest() -> str:
    """One hash over everything the pictures package makes for the four scenarios."""
    from tests.pictures.scenarios import kinesis, lab, split, throttled

    _, table, mapping = lab()
    _, split_table = split()
    _, _, slow = throttled()
    sim, kinesis_mapping = kinesis()
    kinesis_stream = sim.kinesis_stream("clicks")
    parts = [
        table.stream.lineage(readers=mapping).to_svg(),
        table.stream.lineage(by="partition").to_mermaid(),
        table.stream.counts().to_svg(),
        repr(table.stream.shards_table()),
        repr(mapping.invocations_table()),
        split_table.stream.lineage().to_svg(),
        slow.timeline().to_svg(),
        slow.function.timeline().to_svg(),
        repr(slow.function.concurrency_table()),
        repr(table.stream.history),
        repr(slow.history),
        kinesis_stream.lineage(readers=kinesis_mapping).to_svg(),
        kinesis_stream.lineage(by="partition").to_mermaid(),
        repr(kinesis_stream.shards_table()),
        repr(kinesis_mapping.invocations_table()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest_in_subprocess(seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}")
    out = subprocess.run(
        [sys.executable, "-c", "from tests.pictures.test_hash_seed import digest; print(digest())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_pictures_are_identical_across_hash_seeds() -> None:
    """Two processes with different PYTHONHASHSEED values draw byte-identical pictures."""
    first = _digest_in_subprocess("0")
    second = _digest_in_subprocess("4242")
    assert first == second == digest()
