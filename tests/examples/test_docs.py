"""The code in the README and the guide runs as written, so the docs cannot rot.

The tutorial and how-to pages (``docs/tutorials``, ``docs/howto``) are notebooks: the docs build
(``sphinx-build -W``, in ``.ci/run``) executes them and fails on any error, so they are not run
here a second time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import streamsim

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks(name: str) -> list[str]:
    return BLOCK.findall((ROOT / name).read_text())


@pytest.mark.parametrize("name", ["README.md", "docs/guide.md"])
def test_doc_code_blocks_run_in_order(name: str) -> None:
    """Every python block of the document runs, in order, in one namespace."""
    namespace: dict[str, Any] = {"__name__": "docs"}
    blocks = _blocks(name)
    assert blocks
    for block in blocks:
        exec(compile(block, name, "exec"), namespace)  # our own docs
    for value in list(namespace.values()):
        if callable(value) and getattr(value, "__name__", "").startswith("test_"):
            value()


def test_every_public_name_is_in_the_api_reference() -> None:
    """Each name of ``streamsim.__all__`` has an autodoc entry in docs/api.md."""
    api = (ROOT / "docs" / "api.md").read_text()
    documented = set(re.findall(r"auto(?:class|exception|function):: streamsim\.(\w+)", api))
    assert sorted(set(streamsim.__all__) - documented - {"__version__"}) == []
