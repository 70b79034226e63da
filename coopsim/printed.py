"""One printed A4 page drawn with matplotlib: the page, its font and the width of its text.

The classroom's handout (:mod:`coopsim.classroom.handout`) and the policy brief
(:mod:`coopsim.brief`) are each one A4 page in the reader's language. Both draw on a
matplotlib figure of A4 size in DejaVu Sans, which has the Cyrillic letters of Kazakh and
Russian, embedded in the PDF as a TrueType font (so the PDF's text can be read back and
searched). Matplotlib's settings are global, so pages are drawn one at a time.
"""

from __future__ import annotations

import contextlib
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported only when a page is drawn
    from matplotlib.figure import Figure

A4_INCHES = (8.27, 11.69)
"""An A4 page, portrait (width, height in inches)."""
PNG_DPI = 150
FONT = "DejaVu Sans"

_DRAWING = threading.Lock()
"""Matplotlib's settings are global: a server drawing two pages at once draws them in turn."""


@contextlib.contextmanager
def a4_page() -> Iterator[Figure]:
    """An empty A4 figure in the pages' font, drawn while no other page is.

    Save it with :func:`save_page` inside the block.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings = {"font.family": FONT, "pdf.fonttype": 42, "axes.unicode_minus": False}
    with _DRAWING, matplotlib.rc_context(settings):
        figure = Figure(figsize=A4_INCHES)
        FigureCanvasAgg(figure)
        yield figure


def page_format(path: Path, what: str) -> str:
    """``"pdf"`` or ``"png"``, from the file's suffix.

    Raises:
        ValueError: ``path`` ends neither in ``.pdf`` nor in ``.png`` (``what`` names the page).
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png"):
        raise ValueError(f"a {what} is a .pdf or a .png file, not {path}")
    return fmt


def save_page(figure: Figure, path: Path, title: str) -> None:
    """Write the page to ``path`` (``.pdf`` or ``.png``), with ``title`` in its metadata."""
    fmt = page_format(path, "page")
    metadata = {"Title": title, "Creator": "coopsim"} if fmt == "pdf" else {"Title": title}
    figure.savefig(path, format=fmt, dpi=PNG_DPI, metadata=metadata)


def char_width(figure: Figure, texts: list[str]) -> float:
    """The mean width of a character of ``texts`` in the pages' font, per point of type (pt).

    Measured, not guessed: Kazakh and Russian letters are wider than Latin ones.
    """
    from matplotlib.font_manager import FontProperties

    sample = "".join(texts).replace("\n", "") or "x"
    renderer = figure.canvas.get_renderer()
    width, _, _ = renderer.get_text_width_height_descent(
        sample, FontProperties(family=FONT, size=10), ismath=False
    )
    return width * 72 / figure.dpi / len(sample) / 10


def wrapped(figure: Figure, text: str, size: float, width: float) -> list[str]:
    """``text`` in lines that fit ``width`` (a share of the page's width) at ``size`` pt."""
    # a little room to spare: a line of wide letters is wider than the text's mean
    chars = int(0.95 * width * A4_INCHES[0] * 72 / (char_width(figure, [text]) * size))
    return textwrap.wrap(text, max(chars, 8))
