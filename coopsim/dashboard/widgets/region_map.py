"""The country at a glance: one tile per region, coloured by what the user picks.

A scenario's regions are the model's markets and KPI units, numbered, of equal size (a
village belongs to region ``village % regions``); they are not drawn from the country's
map, so they are shown as tiles in a grid, not as a map of borders. A tile is coloured
by the share of its farms in coops, by its operating coops or by how far its registered
coops reach the region's KPI, as of the year shown; clicking it lists its villages, and
clicking a village shows it in the village view, from which a farm opens in Explain.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import matplotlib as mpl
import numpy as np
import pandas as pd
import solara

from coopsim.dashboard.session import Snapshot
from coopsim.entities import ACTIVE, DISSOLVED, NO_COOP, PRIMARY
from coopsim.i18n import Translator

MEASURES = ("membership_rate", "coops_active", "kpi_reached")
"""What a tile can be coloured by (keys of :func:`region_figures`' columns)."""

RAMP = mpl.colormaps["Greens"]


def region_figures(
    farm_region: np.ndarray,
    farm_coop: np.ndarray,
    farming: np.ndarray,
    coop_region: np.ndarray,
    coop_status: np.ndarray,
    coop_tier: np.ndarray,
    regions: int,
    scale: float,
    kpi_coops: float,
) -> pd.DataFrame:
    """Each region's farms, members and primary coops, in real counts.

    Args:
        farm_region: each simulated farm's region.
        farm_coop: each farm's coop (−1 for none).
        farming: whether each farm still farms.
        coop_region: each coop's region.
        coop_status: each coop's status (dissolved, active, nominal).
        coop_tier: each coop's tier (only primary coops are counted).
        regions: the scenario's number of regions.
        scale: real farms per simulated farm (a simulated coop stands for ``scale`` real ones).
        kpi_coops: registered coops each region is told to reach (real count; 0: no KPI).

    Returns:
        One row per region: ``farms`` (farming), ``members``, ``membership_rate``
        (members per farming farm), ``coops_active`` and ``coops_registered`` (primary
        coops, real counts), ``coops_simulated`` (operating, in the sample) and
        ``kpi_reached`` (registered coops per KPI coop; NaN without a KPI).
    """
    farms = np.bincount(farm_region[farming], minlength=regions)
    members = np.bincount(farm_region[farming & (farm_coop != NO_COOP)], minlength=regions)
    primary = coop_tier == PRIMARY
    active = np.bincount(coop_region[primary & (coop_status == ACTIVE)], minlength=regions)
    registered = np.bincount(coop_region[primary & (coop_status != DISSOLVED)], minlength=regions)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(farms > 0, members / np.maximum(farms, 1), np.nan)
    return pd.DataFrame(
        {
            "farms": farms * scale,
            "members": members * scale,
            "membership_rate": rate,
            "coops_active": active * scale,
            "coops_registered": registered * scale,
            "coops_simulated": active,
            "kpi_reached": registered * scale / kpi_coops if kpi_coops > 0 else np.nan,
        },
        index=pd.RangeIndex(regions, name="region"),
    )


def tile_colour(value: float, top: float) -> tuple[str, str]:
    """A tile's background (a green as deep as ``value`` is of ``top``) and its text colour."""
    if not math.isfinite(value):
        return "#eeeeee", "#333333"
    depth = 0.12 + 0.83 * min(max(value / top, 0.0), 1.0) if top > 0 else 0.12
    red, green, blue, _ = RAMP(depth)
    text = "#ffffff" if depth > 0.55 else "#1b1b1b"
    return f"#{int(red * 255):02x}{int(green * 255):02x}{int(blue * 255):02x}", text


def measure_text(measure: str, value: float, tr: Translator) -> str:
    """A tile's figure: a share in %, a count of coops, or the KPI reached in %."""
    if not math.isfinite(value):
        return "–"
    if measure == "coops_active":
        return tr.number(value)
    return tr.percent(value, 1 if measure == "membership_rate" else 0)


def scale_top(measure: str, values: pd.Series) -> float:
    """The value the deepest green stands for: the KPI itself, else the largest region's."""
    if measure == "kpi_reached":
        return 1.0
    top = float(values.max()) if values.notna().any() else 0.0
    return top if top > 0 else 1.0


@solara.component
def RegionMap(
    farm_region: np.ndarray,
    village: np.ndarray,
    snapshot: Snapshot,
    regions: int,
    scale: float,
    kpi_coops: float,
    tr: Translator,
    on_village: Callable[[int], None],
):
    """The regions as tiles, and the villages of the region clicked.

    Args:
        farm_region: each simulated farm's region.
        village: each simulated farm's village.
        snapshot: the run as of the year shown.
        regions: the scenario's number of regions.
        scale: real farms per simulated farm.
        kpi_coops: registered coops each region is told to reach this year (0: none).
        tr: the page's language.
        on_village: called with the village clicked.
    """
    measure = solara.use_reactive(MEASURES[0])
    chosen = solara.use_reactive(-1)
    table = region_figures(
        farm_region,
        snapshot.coop,
        snapshot.farming,
        snapshot.coop_region,
        snapshot.coop_status,
        snapshot.coop_tier,
        regions,
        scale,
        kpi_coops,
    )
    offered = [m for m in MEASURES if m != "kpi_reached" or kpi_coops > 0]
    labels = {m: tr(f"regions.{m}") for m in offered}
    if measure.value not in offered:
        measure.set(offered[0])
    solara.Text(tr("regions.title"), style={"font-weight": "600"})
    solara.Select(
        tr("regions.colour_by"),
        values=list(labels.values()),
        value=labels[measure.value],
        on_value=lambda label: measure.set(next(k for k, v in labels.items() if v == label)),
    )
    values = table[measure.value]
    top = scale_top(measure.value, values)
    columns = math.ceil(math.sqrt(regions))
    with solara.Div(
        style={
            "display": "grid",
            "grid-template-columns": f"repeat({columns}, minmax(86px, 1fr))",
            "gap": "4px",
            "max-width": f"{columns * 120}px",
        },
        classes=["coopsim-regions"],
    ):
        for r in range(regions):
            value = float(values.iloc[r])
            background, ink = tile_colour(value, top)
            solara.Button(
                f"{tr('regions.region', n=r + 1)} · {measure_text(measure.value, value, tr)}",
                on_click=lambda r=r: chosen.set(r),
                style={
                    "background": background,
                    "color": ink,
                    "text-transform": "none",
                    "height": "44px",
                    "outline": "3px solid #1e5631" if r == chosen.value else "none",
                },
                classes=[f"coopsim-region-{r}"],
            )
    solara.Text(
        tr(
            "regions.note",
            top=measure_text(measure.value, top, tr),
            scale=tr.number(scale, 1),
        ),
        classes=["coopsim-help"],
    )
    if 0 <= chosen.value < regions:
        RegionVillages(chosen.value, farm_region, village, snapshot, table, tr, on_village)


@solara.component
def RegionVillages(
    region: int,
    farm_region: np.ndarray,
    village: np.ndarray,
    snapshot: Snapshot,
    table: pd.DataFrame,
    tr: Translator,
    on_village: Callable[[int], None],
):
    """A region's figures and its villages, each coloured by its share of farms in coops."""
    row = table.loc[region]
    solara.Text(
        tr(
            "regions.summary",
            n=region + 1,
            farms=tr.number(row["farms"]),
            rate=measure_text("membership_rate", row["membership_rate"], tr),
            coops=tr.number(row["coops_active"]),
            simulated=int(row["coops_simulated"]),
        )
    )
    here = np.unique(village[farm_region == region])
    member = (snapshot.coop != NO_COOP) & snapshot.farming
    count = int(village.max()) + 1
    farming = np.bincount(village[snapshot.farming], minlength=count)
    members = np.bincount(village[member], minlength=count)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "3px"}, classes=["coopsim-region-villages"]):
        for v in here.tolist():
            rate = members[v] / farming[v] if farming[v] else float("nan")
            background, ink = tile_colour(rate, 1.0)
            solara.Button(
                str(v),
                on_click=lambda v=v: on_village(v),
                small=True,
                style={"background": background, "color": ink, "min-width": "44px"},
                classes=[f"coopsim-village-{v}"],
            )
    solara.Text(tr("regions.villages_note"), classes=["coopsim-help"])
