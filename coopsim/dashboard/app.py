"""The dashboard app: five pages under one header with the language switch, and the game.

``solara run coopsim.dashboard.app`` serves it (``coopsim dashboard`` does so with the
project's settings). The layout makes one :class:`SessionState` per browser session
and hands it to the pages; nothing is shared between sessions but the classroom game's
rooms: the teacher's page (``/room``) and the students' (``/play``) meet in them.
"""

from __future__ import annotations

from urllib.parse import urlencode

import solara

from coopsim.dashboard.pages import about, classroom, compare, explain, explore, play, room
from coopsim.dashboard.pages.room import query
from coopsim.dashboard.session import SessionState
from coopsim.dashboard.widgets.common import CSS, session_context
from coopsim.i18n import LANGUAGES, Translator

PAGES = ("explore", "compare", "explain", "classroom", "about")
"""The pages in the order of the header; the first is the start page."""


def with_language(router, lang: str, path: str | None = None) -> str:
    """The address of ``path`` (this page when None) with ``lang`` in its query.

    The language lives in the address: a reload, or the address sent to somebody else,
    opens the page in the same language. The query's other keys are kept on this page.
    """
    asked = query(router) if path is None else {}
    return f"{router.path if path is None else path}?{urlencode(asked | {'lang': lang})}"


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
                    with_language(router, state.lang.value, path)
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
