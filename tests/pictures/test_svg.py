"""The SVG writer and the Picture value: deterministic text, files, notebooks."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from streamsim import Picture
from streamsim._pictures._axis import TimeScale, elapsed
from streamsim._pictures._svg import Svg, num


def test_numbers_are_written_with_at_most_one_decimal() -> None:
    """Coordinates print the same in every process: one decimal at most, no -0, no exponent."""
    assert [num(v) for v in (0, -0.0, 0.04, 1.25, 3.0, 1e-12, 123456.789)] == [
        "0",
        "0",
        "0",
        "1.2",
        "3",
        "0",
        "123456.8",
    ]


def test_text_and_attributes_are_escaped() -> None:
    """Labels and tooltips with markup characters stay text."""
    svg = Svg(10, 10, title="a <b> & 'c'")
    svg.rect(0, 0, 1, 1, tip="<x>", fill="#000000")
    svg.label(0, 0, 'say "hi" & <bye>')
    text = svg.text()
    assert "<title>a &lt;b&gt; &amp; 'c'</title>" in text
    assert "<title>&lt;x&gt;</title>" in text
    assert 'say "hi" &amp; &lt;bye&gt;' in text


def test_documents_carry_no_ids() -> None:
    """No element has an id attribute (ids from memory addresses would break golden files)."""
    svg = Svg(10, 10, title="t")
    svg.circle(1, 1, 1, fill="#000000")
    assert " id=" not in svg.text()


def test_ticks_are_round_multiples_from_the_origin() -> None:
    """The time axis ticks at round steps counted from the origin, at most eight of them."""
    scale = TimeScale(0, 24 * 3_600_000, 0, 100, origin_ms=0)
    ticks = scale.ticks()
    assert [elapsed(t) for t in ticks] == ["0", "4h", "8h", "12h", "16h", "20h", "24h"]


def _picture() -> Picture:
    return Picture(kind="demo", title="t", summary="s", svg="<svg/>\n", mermaid="flowchart LR\n")


def test_picture_saves_svg_and_mermaid(tmp_path: Path) -> None:
    """save() writes .svg as the SVG text and .mmd as the Mermaid text, and returns the path."""
    pic = _picture()
    assert pic.save(tmp_path / "a.svg").read_text() == "<svg/>\n"
    assert pic.save(tmp_path / "a.mmd").read_text() == "flowchart LR\n"


def test_picture_refuses_unknown_extensions(tmp_path: Path) -> None:
    """save() names the extensions it knows when given another one."""
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.mmd"):
        _picture().save(tmp_path / "a.jpg")


def test_png_without_the_extra_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """to_png() without cairosvg raises ImportError naming the 'png' extra."""
    real = importlib.import_module

    def missing(name: str, *args: Any) -> Any:
        if name == "cairosvg":
            raise ImportError("no cairosvg")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(ImportError, match=r"streamsim\[png\]"):
        _picture().to_png()


def test_png_with_the_extra_is_a_png(tmp_path: Path) -> None:
    """With cairosvg installed, save('x.png') writes a PNG file."""
    pytest.importorskip("cairosvg")
    svg = Svg(20, 10, title="t")
    svg.rect(0, 0, 5, 5, fill="#000000")
    pic = Picture(kind="demo", title="t", summary="s", svg=svg.text(), mermaid="")
    assert pic.save(tmp_path / "x.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_picture_shows_itself_in_notebooks() -> None:
    """A picture offers bare SVG (kept by untrusted notebooks) and a one-line text."""
    pic = _picture()
    bundle = pic._repr_mimebundle_()
    assert bundle == {"text/plain": "<Picture demo: s>", "image/svg+xml": "<svg/>\n"}
    assert pic._repr_svg_() == "<svg/>\n"
