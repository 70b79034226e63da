"""About: what the model is, under the headings of a NetLogo model's Info tab.

The text is a short version of the model's ODD description (``docs/odd.md``), written
for a teacher or a policymaker, in the locale files; the sources are those the model
brief and the ODD cite.
"""

from __future__ import annotations

import solara

from coopsim import __version__
from coopsim.dashboard.session import SessionState
from coopsim.dashboard.widgets.common import Prose, use_session
from coopsim.i18n import Translator

SECTIONS = ("what", "how", "use", "notice", "try", "extend", "credits")
"""The Info tab's headings, in order."""

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "Grimm, V. et al. (2020). The ODD protocol for describing agent-based and other "
        "simulation models: a second update. JASSS 23(2):7",
        "odd",
    ),
    ("Kemelbekova", "article"),
    ("Sexton (1986)", "R1, R2"),
    ("Fulton & Adamowicz (1993)", "R1"),
    ("Krejci & Beamon (2015)", "R1"),
    ("Aurbacher, Dabbert & Lippert (2007)", "R2"),
    ("Helmberger & Hoos (1962)", "R3"),
    ("Cook (1995, 2018)", "R4, R8"),
    ("Iliopoulos (2013)", "R4"),
    ("Hanisch, Rommel & Müller (2013)", "R5"),
    ("Hirschman, A. O. (1970). Exit, Voice, and Loyalty", "R6"),
    ("Cramer (1967)", "R7"),
    ("Grashuis (2020)", "R8"),
    ("Happe, Kellermann & Balmann (2006), AgriPoliS", "exit"),
    ("Watts & Strogatz (1998), Nature 393", "network"),
)
"""Sources as the model brief and ``docs/odd.md`` cite them, with what each supports: rules
R1–R8, or a note translated under ``about.note``."""


@solara.component
def Page(state: SessionState | None = None):
    """The About page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    with solara.Column(style={"max-width": "900px"}):
        for section in SECTIONS:
            Prose(f"## {tr(f'about.{section}.title')}")
            for paragraph in tr.items(f"about.{section}.text"):
                Prose(paragraph)
        Prose(f"## {tr('about.sources')}")
        notes = [n if n.startswith("R") else tr(f"about.note.{n}") for _, n in SOURCES]
        # a reference is cited as published, in its own language
        Prose(
            "\n".join(f"* {c} — {n}" for (c, _), n in zip(SOURCES, notes, strict=True)),
            classes=["coopsim-references"],
        )
        Prose(tr("about.version", version=__version__))
