"""A tiny SVG writer whose bytes depend only on what is drawn.

Every number goes through :func:`num` (at most one decimal, no ``-0``, no exponent), every
text through XML escaping, attributes are written in the order given, and no element gets an
id: the same drawing gives the same bytes in any process, under any ``PYTHONHASHSEED``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

#: what every picture uses for text (generic families: no font file is needed)
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


def num(value: float) -> str:
    """A coordinate as text: rounded to one decimal, without a trailing ``.0`` or ``-0``.

    >>> num(1.0), num(2.25), num(-0.01), num(1e-9), num(120)
    ('1', '2.2', '0', '0', '120')
    """
    text = f"{round(float(value), 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


class Svg:
    """An SVG document built element by element, then written out by :meth:`text`.

    >>> svg = Svg(100, 50, title="demo")
    >>> svg.rect(0, 0, 10, 5, fill="#000000")
    >>> print(svg.text().splitlines()[2])
    <title>demo</title>
    """

    __slots__ = ("_parts", "height", "title", "width")

    def __init__(self, width: float, height: float, *, title: str) -> None:
        self.width = width
        self.height = height
        self.title = title
        self._parts: list[str] = []

    def _element(self, tag: str, attrs: dict[str, str | float], body: str | None = None) -> None:
        shown = []
        for name, value in attrs.items():
            text = num(value) if isinstance(value, (int, float)) else value
            shown.append(f"{name.rstrip('_').replace('_', '-')}={quoteattr(text)}")
        start = f"<{tag} {' '.join(shown)}"
        self._parts.append(f"{start}/>" if body is None else f"{start}>{body}</{tag}>")

    def rect(
        self, x: float, y: float, w: float, h: float, *, tip: str | None = None, **style: str
    ) -> None:
        """A rectangle; ``tip`` becomes its tooltip (an SVG ``<title>``)."""
        attrs: dict[str, str | float] = {"x": x, "y": y, "width": max(w, 0.0), "height": h}
        attrs.update(style)
        self._element("rect", attrs, None if tip is None else f"<title>{escape(tip)}</title>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **style: str) -> None:
        """A straight line."""
        attrs: dict[str, str | float] = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
        attrs.update(style)
        self._element("line", attrs)

    def polyline(self, points: list[tuple[float, float]], **style: str) -> None:
        """A line through ``points`` (nothing if fewer than two)."""
        if len(points) < 2:
            return
        attrs: dict[str, str | float] = {
            "points": " ".join(f"{num(x)},{num(y)}" for x, y in points)
        }
        attrs.update(style)
        self._element("polyline", attrs)

    def path(self, d: str, **style: str) -> None:
        """A path (``d`` built with :func:`num` by the caller)."""
        attrs: dict[str, str | float] = {"d": d}
        attrs.update(style)
        self._element("path", attrs)

    def circle(
        self, cx: float, cy: float, r: float, *, tip: str | None = None, **style: str
    ) -> None:
        """A circle; ``tip`` becomes its tooltip."""
        attrs: dict[str, str | float] = {"cx": cx, "cy": cy, "r": r}
        attrs.update(style)
        self._element("circle", attrs, None if tip is None else f"<title>{escape(tip)}</title>")

    def label(self, x: float, y: float, text: str, *, size: float = 11, **style: str) -> None:
        """Text at ``(x, y)`` (baseline), in the picture's font."""
        attrs: dict[str, str | float] = {"x": x, "y": y, "font_size": size}
        attrs.update(style)
        self._element("text", attrs, escape(text))

    def text(self) -> str:
        """The whole document, one element a line, ending with a newline."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}" '
            f'height="{num(self.height)}" viewBox="0 0 {num(self.width)} {num(self.height)}" '
            f'font-family="{FONT}" role="img">'
        )
        return "\n".join(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                head,
                f"<title>{escape(self.title)}</title>",
                f'<rect x="0" y="0" width="{num(self.width)}" height="{num(self.height)}" '
                'fill="#ffffff"/>',
                *self._parts,
                "</svg>",
                "",
            ]
        )
