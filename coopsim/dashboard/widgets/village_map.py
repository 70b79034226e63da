"""One village's social network, coloured by cooperative, as an interactive chart.

Only one village is ever laid out (``coopsim.network.village_graph``): laying out the
whole network would take minutes. The layout is seeded by the village's number, so a
village always looks the same. The chart (ECharts, through Solara) shows a farm's name on
hover, and a click on a farm tells the page which farm it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from coopsim.dashboard.session import Snapshot
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
QUIT = "#555555"


@dataclass(frozen=True)
class FarmGroup:
    """Farms of a village drawn alike: one coop's members, the farms alone, those that quit."""

    mask: np.ndarray
    colour: str
    alpha: float
    marker: str
    label: str


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
    """One village laid out once (its farms keep their places while the run lasts).

    Args:
        network: the model's adjacency matrix.
        village: each farm's village.
        v: the village to draw.
    """

    def __init__(self, network: sparse.csr_array, village: np.ndarray, v: int) -> None:
        self.v = v
        self.farms = farms_of(village, v)
        self.graph = village_graph(network, self.farms)
        # from the village's ring (its ties are to the nearest farms on a ring), then relaxed
        ring = nx.circular_layout(self.graph)
        pos = nx.spring_layout(self.graph, pos=ring, seed=v, iterations=30)
        self.xy = np.array([pos[int(f)] for f in self.farms])

    def groups(self, snapshot: Snapshot, tr: Translator) -> list[FarmGroup]:
        """The village's farms as the legend groups them: by coop, alone, quit."""
        coop = snapshot.coop[self.farms]
        farming = snapshot.farming[self.farms]
        out = []
        for i, k in enumerate(sorted({int(k) for k in coop if k != NO_COOP})):
            status = int(snapshot.coop_status[k])
            nominal = status == NOMINAL
            mask = coop == k
            word = {NOMINAL: "nominal", ACTIVE: "active"}.get(status, "dissolved")
            label = tr("village.coop", k=k, status=tr(f"village.{word}"), n=int(mask.sum()))
            colour = PALETTE[i % len(PALETTE)]
            out.append(
                FarmGroup(mask, colour, 0.45 if nominal else 1.0, "s" if nominal else "o", label)
            )
        alone = (coop == NO_COOP) & farming
        out.append(FarmGroup(alone, ALONE, 1.0, "o", tr("village.alone", n=int(alone.sum()))))
        if not farming.all():
            quit_ = ~farming
            out.append(FarmGroup(quit_, QUIT, 1.0, "x", tr("village.quit", n=int(quit_.sum()))))
        return out

    def option(
        self,
        snapshot: Snapshot,
        tr: Translator,
        names: list[str] | None = None,
        highlight: int | None = None,
    ) -> dict:
        """The village as an interactive chart (ECharts): hover a farm for its name, click it.

        The nodes carry the farm's number as their ``value``, so a click handler knows
        which farm was clicked; the layout is the drawing's.
        """
        index = {int(f): i for i, f in enumerate(self.farms)}
        groups = self.groups(snapshot, tr)
        category = np.zeros(len(self.farms), dtype=int)
        for g, group in enumerate(groups):
            category[group.mask] = g
        nodes = []
        for i, f in enumerate(self.farms.tolist()):
            group = groups[category[i]]
            node = {
                "name": names[f] if names else tr("explain.farm", farm=f),
                "value": f,
                "x": round(float(self.xy[i, 0]), 4),
                "y": round(-float(self.xy[i, 1]), 4),
                "category": int(category[i]),
                "symbol": {"o": "circle", "s": "rect", "x": "triangle"}[group.marker],
                "symbolSize": 18 if f == highlight else 12,
            }
            if f == highlight:
                node["itemStyle"] = {"borderColor": "#000000", "borderWidth": 3}
            nodes.append(node)
        return {
            "animation": False,
            "tooltip": {"formatter": "{b}"},
            "legend": {
                "data": [g.label for g in groups],
                "top": 0,
                "left": 0,
                "textStyle": {"fontSize": 12},
            },
            "series": [
                {
                    "type": "graph",
                    "layout": "none",
                    "top": 70,
                    "roam": True,
                    "data": nodes,
                    "links": [
                        {"source": index[a], "target": index[b]} for a, b in self.graph.edges()
                    ],
                    "categories": [
                        {"name": g.label, "itemStyle": {"color": g.colour, "opacity": g.alpha}}
                        for g in groups
                    ],
                    "lineStyle": {"color": "#999999", "opacity": 0.4},
                    "label": {"show": bool(names) and len(self.farms) <= 40, "position": "top"},
                    "emphasis": {"focus": "adjacency"},
                }
            ],
        }
