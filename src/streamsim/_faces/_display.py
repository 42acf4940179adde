"""How the user-facing objects show themselves in a REPL, IPython and Jupyter.

:class:`Display` gives a class ``_repr_pretty_`` (IPython prints the same short ``repr``) and
``_repr_mimebundle_``: ``text/plain`` always, and ``image/svg+xml`` when the class has a
picture to offer (:meth:`Display._picture`).  Bare SVG, not HTML with SVG inside: untrusted
notebooks (from CI, from a docs build) strip SVG embedded in HTML but keep ``image/svg+xml``.
"""

from __future__ import annotations

from typing import Any

from streamsim._pictures import Picture

#: pictures are offered inline only up to this many shards or invocations (beyond, it is slow
#: and unreadable; call ``lineage()`` / ``timeline()`` with ``since=`` instead)
INLINE_LIMIT = 5_000


class Display:
    """Mixin: ``_repr_pretty_`` and ``_repr_mimebundle_`` from ``repr`` and ``_picture``."""

    __slots__ = ()

    def _picture(self) -> Picture | None:
        """The picture shown inline in notebooks, or None (text only)."""
        return None

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(self)}
        picture = self._picture()
        if picture is not None:
            bundle["image/svg+xml"] = picture.to_svg()
        return bundle
