"""Buttons of which one may be picked, drawn in the browser as one widget.

Pages that redraw often (a student's page at every change of the room, the Explore
page's region tiles at every simulated year) would otherwise send the browser a message
a button each time.
"""

from __future__ import annotations

import ipyvue
import traitlets


class TapButtons(ipyvue.VueTemplate):
    """Buttons of which one may be picked, drawn in the browser as one widget.

    A student's page redraws whenever the room changes; a widget a button would cost
    the server a message a button each time, this costs one. Traits:

    * ``buttons``: each ``{"label": …, "cls": CSS classes, "html": shown under it,
      "style": its own CSS style (optional)}``;
    * ``head``, ``foot``: HTML shown above and below the buttons;
    * ``picked``: the button shown as chosen (-1 for none);
    * ``row``: small buttons in a row (numbers), else large ones one under another;
    * ``tap``: ``{"index": i, "n": taps so far}``, set on every tap: pass ``on_tap``.
    """

    template = traitlets.Unicode(
        """
<template>
  <div>
    <div v-if="head" v-html="head"></div>
    <div :style="row ? 'display: flex; flex-wrap: wrap; gap: 4px' : ''">
      <div v-for="(b, i) in buttons" :key="i"
           :class="row ? '' : ['coopsim-offer', picked === i ? 'coopsim-offer-chosen' : '']">
        <v-btn :class="b.cls" :color="picked === i ? 'primary' : undefined"
               :outlined="picked !== i && !b.style" :large="!row"
               :style="b.style || (row ? 'min-width: 48px' : '')"
               @click="tap_button(i)">{{ b.label }}</v-btn>
        <div v-if="b.html" v-html="b.html"></div>
      </div>
    </div>
    <div v-if="foot" v-html="foot"></div>
  </div>
</template>
"""
    ).tag(sync=True)
    buttons = traitlets.List(traitlets.Dict()).tag(sync=True)
    head = traitlets.Unicode("").tag(sync=True)
    foot = traitlets.Unicode("").tag(sync=True)
    picked = traitlets.Int(-1).tag(sync=True)
    row = traitlets.Bool(False).tag(sync=True)
    tap = traitlets.Dict().tag(sync=True)

    def vue_tap_button(self, index: int) -> None:
        """The browser's call on a tap of button ``index``."""
        self.tap = {"index": int(index), "n": self.tap.get("n", 0) + 1}
