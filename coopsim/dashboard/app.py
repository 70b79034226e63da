"""The dashboard app: five pages under one header with the language switch, and the game.

``solara run coopsim.dashboard.app`` serves it (``coopsim dashboard`` does so with the
project's settings). The layout makes one :class:`SessionState` per browser session
and hands it to the pages; nothing is shared between sessions but the classroom game's
rooms: the teacher's page (``/room``) and the students' (``/play``) meet in them.
"""

from __future__ import annotations

from urllib.parse import urlencode

import solara
import solara.server.settings

from coopsim import ScenarioError
from coopsim.dashboard.pages import about, classroom, compare, explain, explore, play, room
from coopsim.dashboard.pages.room import query
from coopsim.dashboard.session import (
    SessionState,
    is_settings_key,
    settings_from_query,
    settings_query,
)
from coopsim.dashboard.widgets.common import CSS, session_context
from coopsim.i18n import LANGUAGES, Translator

# Solara's own English line under every page ("This website runs on Solara") is left out:
# each page is in the language chosen, and the About page credits Solara in it.
solara.server.settings.theme.show_banner = False

PAGES = ("explore", "compare", "explain", "classroom", "about")
"""The pages in the order of the header; the first is the start page."""


def with_language(
    router, lang: str, path: str | None = None, keep: dict[str, str] | None = None
) -> str:
    """The address of ``path`` (this page when None) with ``lang`` in its query.

    The language lives in the address: a reload, or the address sent to somebody else,
    opens the page in the same language. The query's other keys are kept on this page;
    on another, only ``keep`` (the run's settings) is.
    """
    asked = query(router) if path is None else dict(keep or {})
    return f"{router.path if path is None else path}?{urlencode(asked | {'lang': lang})}"


def use_settings_in_address(state: SessionState) -> None:
    """Keep the run's settings in the page's address, and open an address's settings.

    An address that names a scenario, a seed or levers (:func:`settings_query`) sets the
    session to them when it is opened, so a link gives another browser the same run and
    the same numbers; every change of the settings afterwards is written back into the
    address (a new history entry: the browser's Back undoes it). A bad value in an
    address is reported on the Explore page, and the session keeps its settings.
    """
    router = solara.use_router()
    asked = query(router)
    written = solara.use_ref(None)  # the settings' part of the address, as last read or written

    def follow_address() -> None:
        wanted = {k: v for k, v in asked.items() if is_settings_key(k)}
        if wanted == written.current:
            return
        written.current = wanted
        try:
            settings = settings_from_query(asked)
        except ScenarioError as exc:
            state.error.set(state.problem(exc))
            return
        if settings is not None and settings != state.settings.value:
            state.apply(settings)

    def write_address() -> None:
        mine = settings_query(state.settings.value)
        if written.current is None or mine == written.current:
            return
        written.current = mine
        others = {k: v for k, v in asked.items() if not is_settings_key(k)}
        router.push(f"{router.path}?{urlencode(others | mine)}")

    solara.use_effect(follow_address, [router.search])
    solara.use_effect(write_address, [state.settings.value])


@solara.component
def Header(state: SessionState, tr: Translator):
    """The title, a button per page, and the language switch."""
    router = solara.use_router()
    location = router.path.strip("/").split("/")[0] or PAGES[0]

    def switch(name: str) -> None:
        lang = next(k for k, v in LANGUAGES.items() if v == name)
        state.lang.set(lang)
        router.push(with_language(router, lang))

    with solara.Row(
        style={
            "align-items": "center",
            "flex-wrap": "wrap",
            "gap": "4px",
            "padding": "6px 12px",
            "background": "#1e5631",
        }
    ):
        solara.Text(
            tr("app.title"),
            style={
                "color": "white",
                "font-size": "1.3em",
                "font-weight": "600",
                "margin-right": "16px",
            },
        )
        # a student's screen shows the game only
        for page in PAGES if location != "play" else ():
            path = "/" if page == PAGES[0] else f"/{page}"
            solara.Button(
                tr(f"page.{page}"),
                text=location != page,
                color="white" if location == page else None,
                style={"color": "#1e5631" if location == page else "white"},
                on_click=lambda path=path: router.push(
                    with_language(
                        router, state.lang.value, path, settings_query(state.settings.value)
                    )
                ),
                classes=[f"coopsim-tab-{page}"],
            )
        solara.v.Spacer()
        names = list(LANGUAGES.values())
        solara.ToggleButtonsSingle(
            value=LANGUAGES[state.lang.value],
            values=names,
            on_value=switch,
            style={"background": "white"},
        )


@solara.component
def Layout(children: list | None = None):
    """Every page's frame: one session state per browser session, the header, the page."""
    state = solara.use_memo(SessionState, dependencies=[])
    session_context.provide(state)
    use_settings_in_address(state)
    asked = query(solara.use_router()).get("lang")

    def adopt_language() -> None:  # the address's language, when it names one
        if asked in LANGUAGES:
            state.lang.set(asked)

    solara.use_effect(adopt_language, [asked])
    tr = Translator(state.lang.value)
    solara.Title(tr("app.title"))
    solara.Style(CSS)
    with solara.Column(style={"padding": "0", "gap": "0"}):
        Header(state, tr)
        with solara.Column(style={"padding": "12px"}):
            solara.Column(children=children or [])


routes = [
    solara.Route(path="/", component=explore.Page, label="Explore", layout=Layout),
    solara.Route(path="compare", component=compare.Page, label="Compare"),
    solara.Route(path="explain", component=explain.Page, label="Explain"),
    solara.Route(path="classroom", component=classroom.Page, label="Classroom"),
    solara.Route(path="about", component=about.Page, label="About"),
    solara.Route(path="room", component=room.Page, label="Room"),
    solara.Route(path="play", component=play.Page, label="Play"),
]
