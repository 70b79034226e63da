"""Machinery and buildings: what work a farm needs, and what it costs (rule R4).

Four assets, in the order of :data:`coopsim.scenario.ASSETS`: tractor (tillage
and haymaking, ha), truck (haulage, t), combine (harvesting, ha), barn (housing,
head). A farm or a cooperative covers its need for each asset's work with the
machines it holds, each working up to its capacity, and hires a contractor for
the rest. Holding a machine costs its annual fixed cost (depreciation and
interest on its price) whether it is used or not; running it costs a share of
the contractor's price per unit of work.

This is why pooling pays (the article's village, and the machinery-ring and CUMA
studies in the model brief): alone, a farm's tractor works a few hectares a year;
in a cooperative it works for everybody up to its capacity, and the farms that
owned nothing stop paying contractor prices.

All functions are pure and work on numpy arrays whose last axis is the asset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.scenario import Costs, MarketLevers

TRACTOR, TRUCK, COMBINE, BARN = range(4)


def row_sum(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis (assets or products).

    Written as a matrix product: for a few columns and many rows it is about ten times
    faster than ``x.sum(axis=-1)``, which matters at half a million farms.
    """
    return x @ np.ones(x.shape[-1])


def take_rows(x: np.ndarray, index: np.ndarray | list[int] | slice) -> np.ndarray:
    """The rows of ``x`` at ``index``: what ``x[index]`` gives, copied faster.

    numpy's fancy indexing copies the rows of a 2-D array number by number; ``take``
    copies each row at once, three to ten times faster for the (N, 4) and (N, 2) arrays
    of work and output. One-dimensional arrays, slices, lists and boolean masks are
    indexed as usual (no faster that way, or not row indices).
    """
    if x.ndim > 1 and isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        return x.take(index, axis=0)
    return x[index]


@dataclass(frozen=True)
class MachineryPrices:
    """Per-asset economics for one year, each an array of shape (4,).

    Attributes:
        hire: contractor price per unit of work (currency/ha, /t or /head).
        operating: running cost of one's own machine per unit of work (same units).
        fixed: annual cost of holding one machine: depreciation plus interest
            (currency/year).
        capacity: work one machine does in a year (ha, t or head).
        price: purchase price of a new machine (currency).
    """

    hire: np.ndarray
    operating: np.ndarray
    fixed: np.ndarray
    capacity: np.ndarray
    price: np.ndarray

    @classmethod
    def from_scenario(cls, costs: Costs, market: MarketLevers) -> MachineryPrices:
        """Prices in force for a year, from the scenario's cost and market levers."""
        hire = np.array(
            [market.hire_tractor, market.hire_truck, market.hire_combine, market.hire_barn]
        )
        price = np.array(
            [costs.price_tractor, costs.price_truck, costs.price_combine, costs.price_barn]
        )
        capacity = np.array(
            [
                costs.capacity_tractor,
                costs.capacity_truck,
                costs.capacity_combine,
                costs.capacity_barn,
            ]
        )
        return cls(
            hire=hire,
            operating=costs.operating_share * hire,
            fixed=price * (costs.depreciation_rate + market.interest_rate),
            capacity=capacity,
            price=price,
        )


def work_needed(
    land_ha: np.ndarray,
    livestock_head: np.ndarray,
    output_t: np.ndarray,
    hay_ha_per_head: float,
) -> np.ndarray:
    """Work each farm needs from each asset in a year.

    Args:
        land_ha: farmland (ha), shape (N,).
        livestock_head: herd (head), shape (N,).
        output_t: all output to haul to market (t), shape (N,).
        hay_ha_per_head: haymaking area per animal (ha/head).

    Returns:
        Array (N, 4): tractor ha (tillage plus haymaking), truck t, combine ha, barn head.
    """
    return np.stack(
        [land_ha + hay_ha_per_head * livestock_head, output_t, land_ha, livestock_head], axis=-1
    )


def machinery_cost(
    need: np.ndarray,
    machines: np.ndarray,
    holding_cost: np.ndarray,
    prices: MachineryPrices,
) -> np.ndarray:
    """Yearly cost of covering ``need`` with ``machines`` plus contractors, per asset.

    Args:
        need: work needed (ha, t, head), shape (..., 4).
        machines: machines held, shape (..., 4).
        holding_cost: annual fixed cost of the machines held (currency/year), (..., 4);
            ``machines * prices.fixed`` for machines bought at the full commercial price.
        prices: the year's machinery prices.

    Returns:
        Cost in currency/year, shape (..., 4).
    """
    own_work = np.minimum(need, machines * prices.capacity)
    return holding_cost + prices.operating * own_work + prices.hire * (need - own_work)


def worth_buying(
    need: np.ndarray,
    machines: np.ndarray,
    prices: MachineryPrices,
    net_price: np.ndarray,
    interest_rate: float,
    horizon_years: float,
) -> np.ndarray:
    """Whether one more machine of each asset pays for itself within the members' horizon.

    A new machine saves the contractor's price less the running cost on the work it
    takes over from contractors (up to its capacity). Members whose claims on the coop
    cannot be sold weigh only what it saves within their planning horizon, against what
    it costs them: its price after subsidies plus the interest on it over that horizon
    (the horizon problem, Cook 1995). With a horizon shorter than the machine's life they
    turn down investments that would pay over it.

    Args:
        need: work needed (ha, t, head), shape (..., 4).
        machines: machines held, shape (..., 4).
        prices: the year's machinery prices.
        net_price: price of a new machine after subsidies (currency), shape (4,).
        interest_rate: yearly interest on the money it ties up.
        horizon_years: the members' planning horizon (years).

    Returns:
        Boolean array of the same shape as ``need``.
    """
    hired_work = np.maximum(need - machines * prices.capacity, 0.0)
    taken_over = np.minimum(hired_work, prices.capacity)
    saving = (prices.hire - prices.operating) * taken_over
    return saving * horizon_years > net_price * (1.0 + interest_rate * horizon_years)
