"""One village's social network, coloured by cooperative (matplotlib, fixed-seed layout).

Only one village is ever laid out (``coopsim.network.village_graph``): laying out the
whole network would take minutes. The layout is seeded by the village's number, so a
village always looks the same.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import sparse

from coopsim.dashboard.session import Snapshot
from coopsim.dashboard.widgets.charts import canvas_png, literal
from coopsim.entities import ACTIVE, NO_COOP, NOMINAL
from coopsim.i18n import Translator
from coopsim.network import village_graph

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#7f7f7f",
]
ALONE = "#c9c9c9"


def villages(village: np.ndarray) -> int:
    """Number of villages."""
    return int(village.max()) + 1 if len(village) else 0


def farms_of(village: np.ndarray, v: int) -> np.ndarray:
    """Indices of the farms of village ``v``."""
    return np.flatnonzero(village == v)


def busiest(snapshot: Snapshot, village: np.ndarray, previous: int | None = None) -> int:
    """The village with the most coop members (the first village when there are none).

    A ``previous`` choice that still has members is kept, so the view does not jump
    from village to village while a run goes on.
    """
    member = snapshot.coop != NO_COOP
    if previous is not None and member[village == previous].any():
        return previous
    if not member.any():
        return 0
    return int(np.bincount(village[member], minlength=villages(village)).argmax())


class VillageDrawing:
    """The drawing of one village: its layout and its ties drawn once, its farms each year.

    Args:
        network: the model's adjacency matrix.
        village: each farm's village.
        v: the village to draw.
        size: width and height in inches.
    """

    def __init__(
        self, network: sparse.csr_array, village: np.ndarray, v: int, size: float = 4.6
    ) -> None:
        self.v = v
        self.farms = farms_of(village, v)
        self.graph = village_graph(network, self.farms)
        # from the village's ring (its ties are to the nearest farms on a ring), then relaxed
        ring = nx.circular_layout(self.graph)
        pos = nx.spring_layout(self.graph, pos=ring, seed=v, iterations=30)
        self.xy = np.array([pos[int(f)] for f in self.farms])
        self.fig = Figure(figsize=(size, size), dpi=80)
        self.font = 1.6 * size  # points: larger drawings are for the classroom
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_axes((0.0, 0.0, 1.0, 0.84))
        self.ax.set_axis_off()
        index = {int(f): i for i, f in enumerate(self.farms)}
        segments = [(self.xy[index[a]], self.xy[index[b]]) for a, b in self.graph.edges()]
        self.ax.add_collection(LineCollection(segments, colors="#999999", alpha=0.4, lw=1))
        self.ax.set_xlim(self.xy[:, 0].min() - 0.1, self.xy[:, 0].max() + 0.1)
        self.ax.set_ylim(self.xy[:, 1].min() - 0.1, self.xy[:, 1].max() + 0.12)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._last: tuple[bytes, bytes] | None = None

    def png(
        self,
        snapshot: Snapshot,
        tr: Translator,
        names: list[str] | None = None,
        highlight: int | None = None,
    ) -> bytes:
        """The village in the snapshot's year, each farm coloured by its coop.

        Most years most villages do not change: the last image is given again while the
        village's memberships, its coops' status and the options are the same.

        Args:
            snapshot: the simulation as it is now.
            tr: the page's language.
            names: the farms' names (scenarios of named farms), else farms are numbered.
            highlight: a farm to ring in black.
        """
        coop = snapshot.coop[self.farms]
        here = np.unique(coop[coop != NO_COOP])
        key = b"".join(
            (
                coop.tobytes(),
                snapshot.farming[self.farms].tobytes(),
                snapshot.coop_status[here].tobytes(),
                repr((tr.lang, names is None, highlight)).encode(),
            )
        )
        if self._last is None or self._last[0] != key:
            self._last = (key, self._draw(snapshot, tr, names, highlight))
        return self._last[1]

    def _draw(
        self, snapshot: Snapshot, tr: Translator, names: list[str] | None, highlight: int | None
    ) -> bytes:
        ax, xy = self.ax, self.xy
        coop = snapshot.coop[self.farms]
        farming = snapshot.farming[self.farms]
        artists = []
        handles = []

        def dots(mask: np.ndarray, **style: object) -> None:
            artists.append(ax.scatter(xy[mask, 0], xy[mask, 1], animated=True, zorder=3, **style))

        for i, k in enumerate(sorted({int(k) for k in coop if k != NO_COOP})):
            status = int(snapshot.coop_status[k])
            nominal = status == NOMINAL
            colour = to_rgba(PALETTE[i % len(PALETTE)], 0.45 if nominal else 1.0)
            marker = "s" if nominal else "o"
            mask = coop == k
            dots(mask, s=90, marker=marker, c=[colour], edgecolors="black", linewidths=0.5)
            word = {NOMINAL: "nominal", ACTIVE: "active"}.get(status, "dissolved")
            label = tr("village.coop", k=k, status=tr(f"village.{word}"), n=int(mask.sum()))
            handles.append(_handle(colour, marker, label))
        alone = (coop == NO_COOP) & farming
        dots(alone, s=55, c=ALONE, edgecolors="#777777", linewidths=0.5)
        handles.append(_handle(ALONE, "o", tr("village.alone", n=int(alone.sum()))))
        if not farming.all():
            dots(~farming, s=40, marker="x", c="#555555")
            handles.append(_handle("#555555", "x", tr("village.quit", n=int((~farming).sum()))))
        ring = self.farms == highlight
        if ring.any():
            dots(ring, s=260, facecolors="none", edgecolors="black", linewidths=2.5)
        if len(self.farms) <= 40:
            for i, f in enumerate(self.farms.tolist()):
                text = literal(names[f].split(",")[0]) if names else str(f)
                artists.append(
                    ax.annotate(
                        text,
                        xy[i],
                        xytext=(0, 8),
                        textcoords="offset points",
                        ha="center",
                        fontsize=1.2 * self.font,
                        animated=True,
                    )
                )
        legend = self.fig.legend(
            handles=handles, loc="upper left", ncols=2, fontsize=self.font, frameon=False
        )
        legend.set_animated(True)
        artists.append(legend)
        self.canvas.restore_region(self._background)
        for artist in artists:
            self.fig.draw_artist(artist)
        image = canvas_png(self.canvas)
        for artist in artists:
            artist.remove()
        return image


def _handle(colour: object, marker: str, label: str) -> Line2D:
    return Line2D(
        [],
        [],
        ls="",
        marker=marker,
        color=colour,
        markeredgecolor="black",
        markeredgewidth=0.5,
        label=label,
    )
