"""How the user-facing objects show themselves in a REPL, IPython and Jupyter.

:class:`Display` gives a class ``_repr_pretty_`` (IPython prints the same short ``repr``) and
``_repr_mimebundle_``: ``text/plain`` always, and ``image/svg+xml`` when the class has a
picture to offer (:meth:`Display._picture`).  Bare SVG, not HTML with SVG inside: untrusted
notebooks (from CI, from a docs build) strip SVG embedded in HTML but keep ``image/svg+xml``.
"""

from __future__ import annotations

from html import escape
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


def html_table(rows: list[dict[str, Any]], *, caption: str) -> str:
    """Rows of flat dicts as a plain HTML table (the columns in order of first appearance).

    >>> print(html_table([{"a": 1}, {"a": 2, "b": "<x>"}], caption="t"))
    <table><caption>t</caption><thead><tr><th>a</th><th>b</th></tr></thead><tbody>
    <tr><td>1</td><td></td></tr>
    <tr><td>2</td><td>&lt;x&gt;</td></tr>
    </tbody></table>
    """
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = [
        "<tr>" + "".join(f"<td>{escape(_cell(row.get(c, '')))}</td>" for c in columns) + "</tr>"
        for row in rows
    ]
    return "\n".join(
        [
            f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>",
            *body,
            "</tbody></table>",
        ]
    )


def _cell(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
