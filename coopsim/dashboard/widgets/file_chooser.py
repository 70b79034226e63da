"""A file chooser: a click opens the system's file dialog; the file's bytes reach the server.

Solara's :func:`solara.FileDrop` takes a file dragged onto it only. This chooser is
ipyvuetify's file input (which reads the chosen file in chunks over the page's
connection) with a label of our own; the scenario picker shows both, so a scenario can be
uploaded by click or by drop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import solara
import traitlets
from ipyvuetify.extra.file_input import FileInput, load_template


class LabelledFileInput(FileInput):
    """ipyvuetify's file input, showing ``label`` in its field."""

    label = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(
        load_template("file_input.vue").replace("<v-file-input", '<v-file-input :label="label"', 1)
    ).tag(sync=True)


@solara.component
def FileChooser(label: str, on_file: Callable[[dict[str, Any]], None], accept: str = ""):
    """A field that opens the file dialog on click; ``on_file`` gets the chosen file.

    Args:
        label: the field's text.
        on_file: called, in a thread of its own, with the file's ``name``, ``size`` and
            ``file_obj`` (read its bytes with ``file_obj.read(n)``: they come from the
            browser as they are read).
        accept: the file types offered in the dialog, e.g. ``".toml"``.
    """
    chosen, set_chosen = solara.use_state(None)
    files, set_files = solara.use_state(None)
    element = LabelledFileInput.element(
        label=label, accept=accept, multiple=False, on_file_info=set_chosen
    )

    def take_files() -> None:
        if not chosen:
            return
        widget = solara.get_widget(element)
        widget.version += 1  # a new read of the new choice
        widget.reset_stats()
        set_files(widget.get_files())

    def deliver(cancel: threading.Event) -> None:
        if files:
            on_file(files[0])

    solara.use_effect(take_files, [chosen])
    result = solara.use_thread(deliver, [files])
    if result.error:
        raise result.error
    return element
