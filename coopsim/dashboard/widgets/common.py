"""Widgets several pages share: the session context, prose, big numbers, the village view."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

import markdown
import solara

from coopsim.dashboard.session import SessionState, Simulation, Snapshot
from coopsim.dashboard.widgets.village_map import VillageDrawing, busiest, farms_of, villages
from coopsim.i18n import Translator
from coopsim.text import escaped

session_context = solara.create_context(None)
"""The browser session's :class:`SessionState`, provided by the app's layout."""

CSS = """
.coopsim-big { font-size: 1.9em; font-weight: 600; line-height: 1.1; }
.coopsim-small { font-size: 0.85em; color: #555; }
.coopsim-help { font-size: 0.8em; color: #666; margin: -10px 0 6px 0; }
.coopsim-classroom { font-size: 1.35em; line-height: 1.5; }
.coopsim-classroom h1 { font-size: 2.1em; }
.coopsim-classroom table td, .coopsim-classroom table th { padding: 4px 12px; }
.coopsim-chart img { max-width: 100%; }
.coopsim-table { border-collapse: collapse; margin: 6px 0 12px 0; }
.coopsim-table th, .coopsim-table td {
    padding: 4px 14px; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top;
}
.coopsim-table th:first-child, .coopsim-table td:first-child { text-align: left; }
"""


INERT = (
    "link",
    "image_link",
    "image_reference",
    "reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
)
"""Markdown's inline patterns that make links and images: left out, the text shows as typed."""


@functools.lru_cache(maxsize=4096)
def prose_html(text: str) -> str:
    """Light Markdown (bold, italics, code, lists, headings) as HTML that is safe to show.

    Some text comes from uploaded scenario files, so: any HTML in the text is escaped,
    and Markdown makes no links and no images. ``[x](javascript:…)`` cannot become a
    link that runs script, and ``![](http://host/t.png)`` cannot make the browser fetch
    from outside the machine; both show as the characters typed. Control characters
    (which scenario files cannot hold anyway) are shown as escapes. Kept for texts seen
    again: a reveal shows the same sentences on every student's page at once.
    """
    md = markdown.Markdown()
    for name in INERT:
        md.inlinePatterns.deregister(name)
    md.parser.blockprocessors.deregister("reference")  # [x]: url lines stay text
    return md.convert(html.escape(escaped(text, line_breaks=True), quote=False))


@solara.component
def Prose(text: str, classes: list[str] | None = None):
    """Text with light Markdown, rendered here by :func:`prose_html`.

    Rendered on the server: Solara's own Markdown component would also fetch maths and
    diagram libraries into the browser, which the pages do not need.
    """
    solara.HTML(
        tag="div", unsafe_innerHTML=prose_html(text), classes=["coopsim-prose", *(classes or [])]
    )


def use_session(state: SessionState | None) -> SessionState:
    """The session state: the one given (tests), else the one the layout provides."""
    provided = solara.use_context(session_context)
    chosen = state if state is not None else provided
    if chosen is None:
        raise RuntimeError("no session state: render pages inside the app's Layout")
    return chosen


@solara.component
def BigNumber(label: str, value: str, note: str = ""):
    """A key number shown large, with its label above and a note below."""
    with solara.Card(style={"min-width": "150px", "margin": "4px"}, margin=0):
        solara.Text(label, classes=["coopsim-small"])
        solara.Div(children=[value], classes=["coopsim-big"])
        if note:
            solara.Text(note, classes=["coopsim-small"])


@solara.component
def VillagePicker(
    sim: Simulation, snapshot: Snapshot, tr: Translator, village: solara.Reactive[int]
):
    """Choose the village shown: by number, or the one with the most coop members."""
    count = villages(sim.village)
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt(
            tr("village.number", count=count - 1),
            value=shown_village(sim, snapshot, village.value),
            on_value=lambda v: village.set(max(0, min(count - 1, v))),
            continuous_update=False,
        )
        solara.Button(
            tr("village.busiest"),
            text=True,
            on_click=lambda: village.set(busiest(snapshot, sim.village)),
        )


def shown_village(sim: Simulation, snapshot: Snapshot, village: int) -> int:
    """The village to draw: the chosen one, else the busiest (kept while it has members)."""
    if 0 <= village < villages(sim.village):
        return village
    sim.auto_village = busiest(snapshot, sim.village, sim.auto_village)
    return sim.auto_village


@solara.component
def VillageChart(
    sim: Simulation,
    snapshot: Snapshot,
    tr: Translator,
    v: int,
    on_farm: Callable[[int], None],
    highlight: int | None = None,
):
    """The village's network as an interactive chart: hover a farm for its name, click it.

    Args:
        sim: the simulation.
        snapshot: the run as of the year shown.
        tr: the page's language.
        v: the village.
        on_farm: called with the farm clicked.
        highlight: a farm to ring in black.
    """
    drawing = solara.use_memo(
        lambda: VillageDrawing(sim.model.network, sim.village, v),
        dependencies=[sim, v],
    )
    names = sim.names_in(tr.lang)

    def clicked(event: dict) -> None:
        if event.get("dataType") == "node":
            on_farm(int(event["value"]))

    with solara.Div(classes=["coopsim-village-chart"]):
        solara.FigureEcharts(
            drawing.option(snapshot, tr, names=names or None, highlight=highlight),
            on_click=clicked,
            attributes={"style": "height: 420px; width: 100%;"},
        )


@solara.component
def FarmPicker(sim: Simulation, tr: Translator, v: int, farm: int, on_farm: Callable[[int], None]):
    """Choose a farm of the village by its number (or name, for named farms)."""
    farms = farms_of(sim.village, v).tolist()
    names = sim.names_in(tr.lang)
    labels = {f: (f"{f} · {names[f]}" if names else str(f)) for f in farms}
    solara.Select(
        tr("village.farm"),
        values=list(labels.values()),
        value=labels.get(farm),
        on_value=lambda text: on_farm(int(str(text).split(" ")[0])),
    )
