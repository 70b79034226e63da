"""Production: what each farm grows, needs and costs, and what it could earn off the farm.

Step 2 of the year: output, the work it needs and the machinery cost alone; also the
labour each farm needs and what that labour and its land would earn off the farm.

Output is land and herd times yields, which technical progress raises by year
(``market.crop_yield_index``, ``livestock_yield_index``); input costs follow real input
prices (``market.input_cost_index``) and the inputs higher yields take
(``costs.yield_input_share``), and include the rent of land taken over from farms that
quit. Each farm's figures change only when its land,
herd, machinery or farming status change, or when the cost and market levers do:
:class:`FarmBook` keeps these figures between years and recomputes only the farms that
changed.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.machinery import (
    MachineryPrices,
    machinery_cost,
    row_sum,
    take_rows,
    work_needed,
)
from coopsim.entities import Farms
from coopsim.scenario import Costs, MarketLevers


class FarmBook:
    """Each farm's production and machinery figures at the year's levers (step 2).

    They change only when a farm's land, herd, machinery or farming status changes, or
    when the cost and market levers do, so :meth:`refresh` recomputes only those farms
    (a few thousand a year instead of half a million).

    Attributes:
        output: crop and livestock output (t), (N, 2).
        value: output at reference prices (currency/year), (N,).
        need: work needed per asset (ha, t, head), (N, 4).
        holding: holding cost of the farm's own machines (currency/year), (N, 4).
        machinery_alone: machinery cost farming alone (currency/year), (N,).
        production_cost: non-machinery cost (currency/year), (N,).
        columns: what each farm brings to a coop, one row per farm (N, 14): value, value
            squared, need (4), machines owned (4), their holding cost (4). Held this
            way so that gathering the farms of many groups reads one contiguous row
            per farm.
    """

    _inputs = ("land_ha", "livestock_head", "owns", "farming", "productivity", "rented_ha")
    _figures = ("output", "value", "need", "holding", "machinery_alone", "production_cost")

    def __init__(self) -> None:
        self._levers: tuple | None = None
        self._seen: dict[str, np.ndarray] = {}

    def refresh(self, farms: Farms, costs: Costs, market: MarketLevers) -> None:
        """Bring the figures up to date with the farms and the levers."""
        machinery = MachineryPrices.from_scenario(costs, market)
        if self._levers != (costs, market):
            rows = slice(None)
            # the figures at the old levers go before the new ones are computed
            self.columns, self._seen = None, {}
            for name in self._figures:
                setattr(self, name, None)
        else:
            changed = np.zeros(len(farms), bool)
            for name in self._inputs:
                diff = getattr(farms, name) != self._seen[name]
                if diff.ndim > 1:
                    diff = _any_per_row(diff)
                changed |= diff
            rows = np.flatnonzero(changed)
            if len(rows) == 0:
                return
        figures = _farm_figures(farms, rows, costs, market, machinery)
        for name, values in zip(self._figures, figures, strict=True):
            if getattr(self, name, None) is None:
                setattr(self, name, values)
            else:
                getattr(self, name)[rows] = values
        _, value, need, holding, _, _ = figures
        block = np.empty((len(value), 14))
        block[:, 0] = value
        block[:, 1] = value**2
        block[:, 2:6] = need
        block[:, 6:10] = take_rows(farms.owns, rows)
        block[:, 10:14] = holding
        if isinstance(rows, slice):
            self.columns = block
        else:
            self.columns[rows] = block
        self._levers = (costs, market)
        if isinstance(rows, slice):
            # machines owned are 0 or 1: seen as flags, an eighth of the memory
            self._seen = {n: getattr(farms, n).copy() for n in self._inputs if n != "owns"}
            self._seen["owns"] = farms.owns.astype(bool)
        else:
            for name in self._inputs:
                self._seen[name][rows] = getattr(farms, name)[rows]
        self.machinery = machinery


def _any_per_row(flags: np.ndarray) -> np.ndarray:
    """Whether any flag of each row is set: ``flags.any(axis=1)``, faster.

    A farm's 4 asset flags are 4 bytes, read as one 32-bit word (about 100 times faster
    than ``any`` here).
    """
    words = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}.get(flags.shape[1])
    if words is None:
        return flags.any(axis=1)
    return np.ascontiguousarray(flags).view(words)[:, 0] != 0


def _farm_figures(
    farms: Farms,
    rows: np.ndarray | slice,
    costs: Costs,
    market: MarketLevers,
    machinery: MachineryPrices,
) -> tuple[np.ndarray, ...]:
    """Output, value, work needed, holding cost, machinery cost alone and production cost."""
    farming = farms.farming[rows]
    land, livestock = farms.land_ha[rows], farms.livestock_head[rows]
    owns = take_rows(farms.owns, rows)
    productivity = farms.productivity[rows] * farming
    output = np.stack(
        [
            land * (costs.crop_yield_t_per_ha * market.crop_yield_index) * productivity,
            livestock
            * (costs.livestock_yield_t_per_head * market.livestock_yield_index)
            * productivity,
        ],
        axis=-1,
    )
    value = output @ np.array([market.price_crop, market.price_livestock])
    need = work_needed(land, livestock, row_sum(output), costs.hay_ha_per_head)
    need *= farming[:, None]
    holding = owns * (machinery.fixed * costs.owned_value_share) * farming[:, None]
    machinery_alone = row_sum(machinery_cost(need, owns, holding, machinery))
    per_ha, per_head = input_costs(costs, market)
    production_cost = (
        per_ha * land + per_head * livestock + market.land_rent * farms.rented_ha[rows]
    ) * farming
    return output, value, need, holding, machinery_alone, production_cost


def input_costs(costs: Costs, market: MarketLevers) -> tuple[float, float]:
    """Non-machinery input cost per hectare of crops and per head of livestock this year.

    The first year's costs at this year's input prices (``market.input_cost_index``),
    with more inputs where yields have risen (``costs.yield_input_share`` of the gain).

    Returns:
        Cost per hectare (currency/ha/year) and per head (currency/head/year).
    """
    share = costs.yield_input_share
    per_ha = costs.crop_cost_per_ha * (1.0 + share * (market.crop_yield_index - 1.0))
    per_head = costs.livestock_cost_per_head * (1.0 + share * (market.livestock_yield_index - 1.0))
    return per_ha * market.input_cost_index, per_head * market.input_cost_index


def labour_need(
    farms: Farms, market: MarketLevers, costs: Costs, rows: np.ndarray | slice | int = slice(None)
) -> np.ndarray:
    """Full-time jobs each farm needs this year: a fixed part and its own, at this technology."""
    return costs.farm_fixed_labour + farms.labour_units[rows] * market.labour_index


def outside_options(
    farms: Farms, market: MarketLevers, costs: Costs, rows: np.ndarray | slice | int = slice(None)
) -> tuple[np.ndarray, np.ndarray]:
    """What leaving farming would bring each farm (currency/year), for ``rows`` of the farms.

    Returns:
        The wage its farm labour would earn off the farm (the household's other labour
        earns it either way) and the rent of the land it owns.
    """
    need = labour_need(farms, market, costs, rows)
    farm_labour = np.minimum(need, farms.household_labour[rows])
    own_land = np.maximum(farms.land_ha[rows] - farms.rented_ha[rows], 0.0)
    return market.off_farm_wage * farm_labour, market.land_rent * own_land
