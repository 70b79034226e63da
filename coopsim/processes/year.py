"""The year being simulated, as every process of the year is given it.

:class:`Year` bundles the state (farms, coops), the year's levers (read once, when
the year opens), its economy (prices, costs and payoffs of schedule steps 2–3), the
treasury, the events recorded so far and the random generator. Processes change the
state and record what they did; anything one process hands to a later one (this
year's operating income, which members were satisfied) is passed as an argument by
the model's schedule, never left on the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coopsim.entities import Coops, Farms
from coopsim.processes.production import outside_options
from coopsim.records import YearEvents
from coopsim.scenario import MarketLevers, PolicyLevers, Scenario

if TYPE_CHECKING:
    from coopsim.processes.markets import YearEconomy
    from coopsim.processes.subsidies import Treasury


@dataclass(frozen=True)
class Year:
    """What every process of one year works on.

    Attributes:
        scenario: the scenario being simulated.
        year: calendar year.
        policy, market: the levers in force this year.
        farms, coops: the state, changed in place by the processes.
        economy: this year's prices, costs and payoffs (steps 2–3).
        treasury: pays every subsidy within the year's budget.
        events: the year's events, lineage and decision log.
        rng: the model's random generator.
        scale: real farms (and coops) per simulated one.
        payout_ratio: the share of claims the treasury paid last year (0–1): what
            farms and coops expect of grants this year.
        overhead: what a coop's overheads cost this year relative to the scenario's
            ``costs`` (:meth:`~coopsim.scenario.Scenario.overhead_index`).
        votes: players' votes on a merger of their coop, by farm: 1 for, -1 against,
            0 where the rule weighs it; None when nobody plays
            (:mod:`~coopsim.processes.players`).
    """

    scenario: Scenario
    year: int
    policy: PolicyLevers
    market: MarketLevers
    farms: Farms
    coops: Coops
    economy: YearEconomy
    treasury: Treasury
    events: YearEvents
    rng: np.random.Generator
    scale: float
    payout_ratio: float
    overhead: float = 1.0
    votes: np.ndarray | None = None

    def _outside(self, i: int) -> float:
        """What leaving farming would bring farm ``i`` (:mod:`~coopsim.processes.farm_exit`)."""
        wage, rent = outside_options(self.farms, self.market, self.scenario.costs, i)
        return float(wage + rent)

    @property
    def income(self) -> np.ndarray:
        """Each farm's income this year so far (currency/year): the farms' own array."""
        return self.farms.income

    def log_decision(
        self,
        farm: int,
        action: str,
        coop: int,
        *,
        payoff_option: float = float("nan"),
        machinery_option: float = float("nan"),
        gain: float = float("nan"),
        grant: float = 0.0,
        one_off_cost: float = 0.0,
        bad_years: int = 0,
        outside_income: float | None = None,
    ) -> None:
        """Record a farm's decision with what it compared (``docs/outputs.md``).

        Args:
            farm: the farm.
            action: what it did ("joined", "left", "quit farming", …).
            coop: the coop concerned, or -1 (a new coop, or none).
            payoff_option: what it expected in the option (currency/year).
            machinery_option: its machinery cost share there (currency/year).
            gain: the option's gain over staying alone, net of its autonomy premium.
            grant: grants it received on joining or founding (currency).
            one_off_cost: equity, switching and founding costs (currency).
            bad_years: consecutive dissatisfied years before the decision (rule R6).
            outside_income: what leaving farming would bring it (currency/year); by
                default its labour at the off-farm wage and its land at the going rent.
        """
        if not self.events.log_decisions:
            return
        e, farms, i = self.economy, self.farms, farm
        region = farms.region[i]
        tonnes = max(e.output_t[i].sum(), 1e-12)
        price_option = (
            (e.output_t[i] * e.coop_price[coop]).sum() / tonnes
            if 0 <= coop < len(e.coop_price)
            else float("nan")
        )
        self.events.decision(
            farm=i,
            action=action,
            coop=coop,
            payoff_alone=float(e.payoff_alone[i]),
            payoff_option=float(payoff_option),
            autonomy_premium=float(e.autonomy_premium[i]),
            trust=float(farms.trust[i]),
            machinery_alone=float(e.machinery_alone[i]),
            machinery_option=float(machinery_option),
            price_alone=float((e.output_t[i] * e.price_alone[region]).sum() / tonnes),
            price_option=float(price_option),
            grant=float(grant),
            one_off_cost=float(one_off_cost),
            gain=float(gain),
            bad_years=int(bad_years),
            expected_income=float(farms.expected_income[i]),
            outside_income=float(self._outside(i) if outside_income is None else outside_income),
        )
