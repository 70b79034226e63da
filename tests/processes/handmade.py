"""Tiny hand-built states for the processes: a few named farms, coops made by hand.

``state(...)`` makes farms from rows (name, land, herd, assets, village, region) in a
bare scenario whose prices do not move (no price shock, no bargaining premium unless
asked for), so that the year's figures can be computed by hand. ``year_of(...)``
prices that state for one year and gives the :class:`~coopsim.processes.year.Year`
every process works on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.economics.rules import Phase
from coopsim.entities import ACTIVE, PATRONAGE, PRIMARY, Coops, Farms
from coopsim.population import make_farms
from coopsim.processes import cost_sharing, markets
from coopsim.processes.subsidies import Treasury
from coopsim.processes.year import Year
from coopsim.records import YearEvents
from coopsim.scenario import Scenario

BARE = {
    "start_year": 2020,
    "market.price_volatility": 0.0,
    "market.bargaining_premium": 0.0,
    "market.buyers_margin": 0.2,
    "behaviour.autonomy_premium_household_plot": 0.0,
    "behaviour.autonomy_premium_peasant_farm": 0.0,
    "behaviour.autonomy_premium_commercial_farm": 0.0,
    "behaviour.autonomy_premium_sd": 0.0,
    "population.trust": 1.0,
    "population.awareness": 1.0,
    "population.productivity_sigma": 0.0,
}
"""A scenario whose year can be followed by hand: fixed prices, no premium, full trust."""


@dataclass
class State:
    """A scenario with its farms and coops."""

    scenario: Scenario
    farms: Farms
    coops: Coops


def scenario(rows: list[dict], regions: int = 1, **values: object) -> Scenario:
    """A bare scenario of the named farms ``rows`` (dicts of NamedFarm fields)."""
    named = [{"name": f"farm {i}", **row} for i, row in enumerate(rows)]
    data = {
        **BARE,
        "population.farms": len(rows),
        "population.regions": regions,
        "population.named_farms": named,
        **values,
    }
    return Scenario().with_values(data)


def state(rows: list[dict], coops: list[list[int]] = (), regions: int = 1, **values) -> State:
    """Farms from ``rows`` and active primary coops of the farms listed in ``coops``."""
    spec = scenario(rows, regions=regions, **values)
    farms = make_farms(spec.population, spec.behaviour, np.random.default_rng(0))
    register = Coops()
    for members in coops:
        first = members[0]
        k = register.add(
            1,
            status=ACTIVE,
            tier=PRIMARY,
            region=farms.region[first],
            village=farms.village[first],
            founded=spec.start_year - 10,
            phase=Phase.GROWTH,
            rule=PATRONAGE,
            members=len(members),
            members_before=len(members),
            villages=1,
            active_years=9,
        )
        farms.coop[members] = k[0]
    return State(spec, farms, register)


def year_of(s: State, seed: int = 0, log: bool = False, payout_ratio: float = 1.0) -> Year:
    """Price ``s`` for its start year and give the year every process works on."""
    spec, year = s.scenario, s.scenario.start_year
    regions = int(s.farms.region.max()) + 1
    economy = markets.price_year(spec, year, s.farms, s.coops, np.ones((regions, 2)))
    rng = np.random.default_rng(seed)
    cost_sharing.share_costs(economy, s.coops, rng, spec.behaviour)
    s.farms.income[:] = np.where(economy.member, economy.payoff_member, economy.payoff_alone)
    policy = spec.policy_in(year)
    treasury = Treasury(budget=None)
    treasury.open_year(year, None if policy.budget is None else policy.budget)
    return Year(
        scenario=spec,
        year=year,
        policy=policy,
        market=spec.market_in(year),
        farms=s.farms,
        coops=s.coops,
        economy=economy,
        treasury=treasury,
        events=YearEvents(year=year, log_decisions=log),
        rng=rng,
        scale=spec.population.scale,
        payout_ratio=payout_ratio,
    )


def lineage_events(y: Year) -> list[tuple[str, int, int]]:
    """The year's lineage as (event, coop, other coop)."""
    return [(event, coop, other) for _, coop, event, other, *_ in y.events.lineage]
