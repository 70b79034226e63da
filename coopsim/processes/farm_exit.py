"""Farm exit and land: farms quit farming, and their land passes to farms that stay.

As in AgriPoliS (Happe et al. 2006), a farm quits when off-farm work plus renting out
its land beats ``farm_exit_threshold`` times the farm income it expects; since exits
wait for a generation change or a buyer, such a farm quits with chance
``farm_exit_rate`` a year (:func:`decide`). The income it expects is smoothed over
the years (:func:`update_expected_income`). A farm that quits leaves its coop, and
its land is rented by a random farm still farming in the village (:func:`apply`).

The rule itself is :func:`coopsim.economics.rules.quits_farming`.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.entities import Farms
from coopsim.processes.register import strike_off
from coopsim.processes.year import Year
from coopsim.scenario import Behaviour, MarketLevers


def update_expected_income(farms: Farms, memory: float) -> None:
    """Each farm's expected income: ``memory`` of this year's plus the rest of last year's.

    Farms that have quit expect nothing (currency/year).
    """
    farms.expected_income[:] = np.where(
        farms.farming, memory * farms.income + (1 - memory) * farms.expected_income, 0.0
    )


def decide(
    farms: Farms, market: MarketLevers, behaviour: Behaviour, draw: np.ndarray
) -> np.ndarray:
    """Which farms quit farming this year.

    Args:
        farms: the farms.
        market: this year's market levers (off-farm wage, land rent).
        behaviour: the behavioural parameters (exit threshold and rate).
        draw: one uniform number per farm in [0, 1), (N,).
    """
    outside = market.off_farm_wage * farms.labour_units
    rent = market.land_rent * farms.land_ha
    return (
        farms.farming
        & rules.quits_farming(farms.expected_income, outside, rent, behaviour.farm_exit_threshold)
        & (draw < behaviour.farm_exit_rate)
    )


def apply(y: Year, quits: np.ndarray) -> None:
    """Farms that quit leave their coops and stop farming; their land is handed over."""
    farms = y.farms
    quitting = np.flatnonzero(quits)
    coop_before, bad_before = farms.coop[quitting].copy(), farms.bad_years[quitting].copy()
    strike_off(y, quitting)
    farms.farming[quitting] = False
    _hand_over_land(y, quitting)
    y.events.count("farm_exits", len(quitting))
    costs = y.scenario.costs
    for i, coop, bad in zip(
        quitting.tolist(), coop_before.tolist(), bad_before.tolist(), strict=True
    ):
        y.log_decision(
            i,
            "quit farming",
            coop,
            one_off_cost=costs.equity_per_member + costs.switching_cost,
            bad_years=bad,
        )


def _hand_over_land(y: Year, quitting: np.ndarray) -> None:
    """Land of farms that quit is rented by a random farm still farming in the village.

    Their herds go with them: a farm that quits keeps no livestock.
    """
    farms = y.farms
    if len(quitting) == 0:
        return
    staying = np.flatnonzero(farms.farming)
    village = farms.village[staying]
    first = np.searchsorted(village, farms.village[quitting], side="left")
    last = np.searchsorted(village, farms.village[quitting], side="right")
    has = last > first
    pick = first[has] + (y.rng.random(has.sum()) * (last[has] - first[has])).astype(np.int64)
    np.add.at(farms.land_ha, staying[pick], farms.land_ha[quitting[has]])
    farms.land_ha[quitting] = 0.0
    farms.livestock_head[quitting] = 0.0
