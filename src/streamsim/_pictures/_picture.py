"""A finished picture: its SVG text, a Mermaid sketch, and how notebooks and files take it.

Pictures are values: a :class:`Picture` holds the text it was drawn as and nothing that points
back into a simulation, so it can be kept, compared and saved after the run moved on.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any


class Picture:
    """A drawing of a simulation's state: SVG for notebooks and files, Mermaid for READMEs.

    Shown inline by Jupyter (``image/svg+xml``, which untrusted notebooks keep) with a short
    ``text/plain`` description.  The bytes depend only on what is drawn: the same run gives the
    same SVG in any process.

    Attributes:
        kind: what it shows (``"lineage"``, ``"timeline"``, ``"counts"``).
        title: the caption, also the SVG ``<title>``.
        summary: a one-line plain description (what ``text/plain`` shows).
    """

    __slots__ = ("_mermaid", "_svg", "kind", "summary", "title")

    def __init__(self, *, kind: str, title: str, summary: str, svg: str, mermaid: str) -> None:
        self.kind = kind
        self.title = title
        self.summary = summary
        self._svg = svg
        self._mermaid = mermaid

    def to_svg(self) -> str:
        """The picture as an SVG document (UTF-8 text; identical for identical runs)."""
        return self._svg

    def to_mermaid(self) -> str:
        """A Mermaid diagram of the same content, for a README or a Markdown page."""
        return self._mermaid

    def to_png(self, *, scale: float = 2.0) -> bytes:
        """The picture rasterised to PNG (needs the optional ``png`` extra: ``cairosvg``).

        Raises:
            ImportError: ``cairosvg`` is not installed (``pip install 'streamsim[png]'``).
        """
        try:
            cairosvg: Any = importlib.import_module("cairosvg")
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "saving a picture as PNG needs cairosvg: pip install 'streamsim[png]' "
                "(or save as .svg, which needs nothing)"
            ) from exc
        data: bytes = cairosvg.svg2png(bytestring=self._svg.encode(), scale=scale)
        return data

    def save(self, path: str | Path) -> Path:
        """Write the picture to ``path``: ``.svg`` as SVG text, ``.png`` through :meth:`to_png`,
        ``.mmd`` / ``.mermaid`` as Mermaid text.

        Returns:
            the path written.

        Raises:
            ValueError: another file extension.
            ImportError: a ``.png`` path without the ``png`` extra installed.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".svg":
            target.write_text(self._svg, encoding="utf-8")
        elif suffix == ".png":
            target.write_bytes(self.to_png())
        elif suffix in (".mmd", ".mermaid"):
            target.write_text(self._mermaid, encoding="utf-8")
        else:
            raise ValueError(
                f"cannot save a picture as {suffix or 'a file without extension'!r}: "
                "use .svg, .png or .mmd"
            )
        return target

    # --- notebooks ------------------------------------------------------------------------------

    def _repr_svg_(self) -> str:
        return self._svg

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": repr(self), "image/svg+xml": self._svg}

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def __repr__(self) -> str:
        return f"<Picture {self.kind}: {self.summary}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Picture):
            return NotImplemented
        return self._svg == other._svg and self._mermaid == other._mermaid

    def __hash__(self) -> int:
        return hash(self._svg)
