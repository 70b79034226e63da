"""Reading and driving a page rendered without a browser (``solara.render``)."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable

import ipyvuetify as v
import ipywidgets
import solara


def render(element):
    """Render a component; returns the render context (closed by the caller or at exit)."""
    _box, rc = solara.render(element, handle_error=False)
    return rc


def widgets(rc) -> list[ipywidgets.Widget]:
    """Every widget of the rendered page, parents before children."""
    out, seen = [], set()
    queue = list(rc.find(ipywidgets.Widget).widgets)
    while queue:
        widget = queue.pop(0)
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        out.append(widget)
        for name in widget.keys:
            value = getattr(widget, name, None)
            items = value if isinstance(value, list | tuple) else [value]
            queue.extend(x for x in items if isinstance(x, ipywidgets.Widget))
    return out


def page_text(rc) -> str:
    """Every string the rendered widgets show, joined by newlines (HTML as its text)."""
    texts = []
    for widget in widgets(rc):
        for name in ("children", "label", "value", "v_model", "filename"):
            value = getattr(widget, name, None)
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list | tuple):
                texts.extend(x for x in value if isinstance(x, str))
        for name in ("unsafe_innerHTML", "template"):  # HTML and rendered Markdown
            value = getattr(widget, name, None)
            if isinstance(value, str):
                texts.append(html.unescape(re.sub(r"<[^>]+>", "", value)))
    return "\n".join(texts)


def button(rc, css_class: str):
    """The one button with this CSS class."""
    return rc.find(v.Btn, class_=css_class).single.widget


def click(rc, css_class: str) -> None:
    """Click the button with this CSS class."""
    button(rc, css_class).click()


def type_into(rc, label_start: str, text: str) -> None:
    """Type into the text field whose label starts so, and leave it (as a user would)."""
    fields = [w for w in widgets(rc) if isinstance(w, v.TextField)]
    fields = [w for w in fields if str(w.label).startswith(label_start)]
    assert len(fields) == 1, label_start
    fields[0].v_model = text
    fields[0].fire_event("focusout", None)


def choose(rc, label: str, value: str) -> None:
    """Choose ``value`` in the select box labelled ``label``."""
    boxes = [w for w in widgets(rc) if isinstance(w, v.Select) and w.label == label]
    assert len(boxes) == 1, [w.label for w in widgets(rc) if isinstance(w, v.Select)]
    boxes[0].v_model = value


def images(rc) -> list[bytes]:
    """The PNG images the page shows, in order."""
    return [w.value for w in widgets(rc) if isinstance(w, ipywidgets.Image)]


def echarts(rc) -> list[dict]:
    """The options of the ECharts charts the page shows, in order."""
    from coopsim.dashboard.widgets.echart import EChart

    return [w.option for w in widgets(rc) if isinstance(w, EChart)]


def wait_until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    """Wait for work done in a background thread (fails after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the page"
        time.sleep(0.02)
