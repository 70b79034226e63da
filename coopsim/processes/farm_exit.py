"""Farm exit and land: farms leave farming, and their land goes to farms that bid for it.

* **Reviews** (AgriPoliS-style opportunity costs; Happe et al. 2006): a farm weighs
  going on once every ``review_years`` (a succession, or its main machine or building
  due for replacement), the farms' reviews spread evenly over the years; it leaves
  farming when what the farm's own labour would earn off the farm plus the rent its own
  land would fetch beats the income it expects from farming plus the value of being its
  own boss
  (:func:`coopsim.economics.rules.quits_farming`). Labour-saving technology
  (``market.labour_index``) lowers what a farm's labour is worth off it: a farm that
  needs little labour keeps farming part-time while its household works off the farm.
* **Insolvency**: a farm whose losses, beyond what its household earns off the farm,
  have used up its savings and credit gives up in any year
  (:func:`coopsim.economics.rules.insolvent`).
* **Land market**: the land of a farm that quits is rented by a farm of its village that
  bids for it: a farm bids when a hectare more would earn it more than the going rent,
  and one of the bidders gets the land with a chance in proportion to its surplus per
  hectare. It pays the rent from then on, and takes on the labour and the herd the land
  carries on its own farm. Land nobody bids for lies idle; the herds of farms that quit
  are sold off.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.entities import Farms
from coopsim.processes.markets import YearEconomy
from coopsim.processes.production import input_costs, labour_need, outside_options
from coopsim.processes.register import strike_off
from coopsim.processes.year import Year
from coopsim.scenario import Behaviour, Costs, MarketLevers


def credit_limit(farms: Farms, market: MarketLevers) -> np.ndarray:
    """Commercial credit each farm can raise on the land it owns (currency)."""
    return market.credit_per_ha * np.maximum(farms.land_ha - farms.rented_ha, 0.0)


def off_farm_income(farms: Farms, market: MarketLevers, costs: Costs) -> np.ndarray:
    """What each farming household earns off its farm with the labour the farm does not need."""
    spare = np.maximum(farms.household_labour - labour_need(farms, market, costs), 0.0)
    return market.off_farm_wage * spare * farms.farming


def update_expected_income(farms: Farms, memory: float) -> None:
    """Each farm's expected income: ``memory`` of this year's plus the rest of last year's.

    Farms that have quit expect nothing (currency/year).
    """
    farms.expected_income[:] = np.where(
        farms.farming, memory * farms.income + (1 - memory) * farms.expected_income, 0.0
    )


def save(farms: Farms, behaviour: Behaviour, household_income: np.ndarray) -> None:
    """The household's year goes to its savings: ``savings_rate`` of a surplus, all of a loss.

    ``household_income`` is the farm's income plus what the household earns off the farm
    (currency/year): a part-time farm's losses are paid from its wages.
    """
    farms.cash += np.where(
        household_income > 0, behaviour.savings_rate * household_income, household_income
    )


def decide(
    farms: Farms,
    economy: YearEconomy,
    market: MarketLevers,
    costs: Costs,
    behaviour: Behaviour,
    years_done: int,
) -> np.ndarray:
    """Which farms quit farming this year: at a review, or insolvent.

    Args:
        farms: the farms.
        economy: the year's economy (each farm's autonomy premium).
        market: this year's market levers (off-farm wage, land rent, labour index).
        costs: the farms' fixed labour.
        behaviour: the behavioural parameters (years between reviews).
        years_done: whole years simulated before this one.
    """
    wage, rent = outside_options(farms, market, costs)
    review = rules.review_due(farms.review_phase, years_done, behaviour.review_years)
    leaves = rules.quits_farming(farms.expected_income, economy.autonomy_premium, wage, rent)
    broke = rules.insolvent(farms.cash, credit_limit(farms, market))
    return farms.farming & ((review & leaves) | broke)


def apply(y: Year, quits: np.ndarray) -> None:
    """Farms that quit leave their coops and stop farming; their land is handed over."""
    farms, costs = y.farms, y.scenario.costs
    quitting = np.flatnonzero(quits)
    if y.events.log_decisions:  # what the log tells, as it stood before they quit
        coop_before, bad_before = farms.coop[quitting].copy(), farms.bad_years[quitting].copy()
        wage, rent = outside_options(farms, y.market, costs, quitting)
        outside = wage + rent
        broke = rules.insolvent(farms.cash, credit_limit(farms, y.market))[quitting]
    strike_off(y, quitting)
    farms.farming[quitting] = False
    _hand_over_land(y, quitting)
    y.events.count("farm_exits", len(quitting))
    if not y.events.log_decisions:
        return
    for i, coop, bad, away, insolvent in zip(
        quitting.tolist(),
        coop_before.tolist(),
        bad_before.tolist(),
        outside.tolist(),
        broke.tolist(),
        strict=True,
    ):
        y.log_decision(
            i,
            "went out of business" if insolvent else "quit farming",
            coop,
            one_off_cost=costs.equity_per_member + costs.switching_cost,
            bad_years=bad,
            outside_income=away,
        )


def land_bids(farms: Farms, economy: YearEconomy, costs: Costs, market: MarketLevers) -> np.ndarray:
    """What a hectare more would earn each farm over the going rent (currency/ha/year).

    A hectare of crops at the farm's yield and its price selling alone, less the seed and
    other costs per hectare and the contractor's price for tilling, harvesting and hauling
    it, less the rent. Farms that have quit bid nothing.
    """
    yield_t = costs.crop_yield_t_per_ha * market.crop_yield_index * farms.productivity
    price = economy.price_alone[farms.region, 0]
    margin = (
        yield_t * price
        - input_costs(costs, market)[0]
        - market.hire_tractor
        - market.hire_combine
        - market.hire_truck * yield_t
    )
    return np.where(farms.farming, margin - market.land_rent, 0.0)


def _hand_over_land(y: Year, quitting: np.ndarray) -> None:
    """The land of farms that quit goes to bidders of their villages (module docstring)."""
    farms = y.farms
    if len(quitting) == 0:
        return
    bid = land_bids(farms, y.economy, y.scenario.costs, y.market)
    bidders = np.flatnonzero(bid > 0)  # farms are sorted by village, so are the bidders
    draw = y.rng.random(len(quitting))
    if len(bidders):
        cumulative = np.cumsum(bid[bidders])
        village = farms.village[bidders]
        lo = np.searchsorted(village, farms.village[quitting], side="left")
        hi = np.searchsorted(village, farms.village[quitting], side="right")
        has = hi > lo
        lo, hi, draw = lo[has], hi[has], draw[has]
        before = np.where(lo > 0, cumulative[np.maximum(lo - 1, 0)], 0.0)
        target = before + draw * (cumulative[hi - 1] - before)
        pick = np.clip(np.searchsorted(cumulative, target, side="right"), lo, hi - 1)
        taker, given = bidders[pick], farms.land_ha[quitting[has]]
        # the taker keeps its own labour and stocking per hectare on the land it takes
        per_ha = np.maximum(farms.land_ha[taker], 1e-9)
        labour, herd = farms.labour_units[taker] / per_ha, farms.livestock_head[taker] / per_ha
        np.add.at(farms.land_ha, taker, given)
        np.add.at(farms.rented_ha, taker, given)
        np.add.at(farms.labour_units, taker, labour * given)
        np.add.at(farms.livestock_head, taker, herd * given)
        y.events.count("land_rented_ha", float(given.sum()))
    farms.land_ha[quitting] = 0.0
    farms.rented_ha[quitting] = 0.0
    farms.livestock_head[quitting] = 0.0
