"""The coopsim model: farms and cooperatives, one step a year.

Each year (``docs/odd.md``, "Process overview and scheduling"):

1. the policy of the year takes effect (the treasury opens the year's budget);
2. farms produce and sell, alone or through their coop (:mod:`coopsim.economy`);
3. coops share costs among members (rule R3);
4. the state pays recurring subsidies within the budget (:mod:`coopsim.policy`);
5. farms quit, leave, join and found (:mod:`coopsim.decisions`); coops are registered
   under KPI pressure, start operating, invest, split, merge, federate, move through
   their life cycle and dissolve (:mod:`coopsim.coops`);
6. awareness and trust spread on the network (:mod:`coopsim.network`);
7. the year's row of the model table is recorded (:mod:`coopsim.records`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import mesa
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario as MesaScenario

from coopsim import coops as coop_processes
from coopsim.agents import Cooperative, Farm
from coopsim.decisions import DecisionTerms, decide
from coopsim.economics import rules
from coopsim.economics.rules import Phase
from coopsim.economy import YearEconomy, price_year
from coopsim.entities import ACTIVE, DISSOLVED, NO_COOP, PATRONAGE, PRIMARY, SHAPLEY, Coops
from coopsim.network import build_network, learn_trust, neighbour_mean, spread_awareness
from coopsim.policy import Treasury
from coopsim.population import initial_memberships, make_farms, named_order
from coopsim.production import FarmBook
from coopsim.records import (
    DECISION_COLUMNS,
    LINEAGE_COLUMNS,
    YearEvents,
    model_row,
)
from coopsim.reference import decide_per_farm
from coopsim.scenario import Scenario, ScenarioError, load_scenario


def sized(scenario: Scenario, farms: int | None = None, scale: float | None = None) -> Scenario:
    """The scenario with its number of simulated farms set from ``farms`` or ``scale``.

    Args:
        scenario: the scenario.
        farms: farms to simulate (each then stands for ``population.farms / farms``).
        scale: real farms per simulated farm.
    """
    if farms is None and scale is None:
        return scenario
    if farms is None:
        farms = max(2, round(scenario.population.farms / scale))
    return scenario.with_values({"population.simulated_farms": int(farms)})


class CoopModel(mesa.Model):
    """Agricultural cooperative consolidation under subsidy and market rules.

    Args:
        scenario_file: a scenario TOML file.
        spec: a validated scenario, instead of a file.
        rng: seed of every random draw (Mesa's keyword); the scenario's own seed when None.
        log_decisions: keep a log of every farm's decision with the payoffs compared.
        decisions: ``"fast"`` (vectorised, the default) or ``"reference"`` (farm by
            farm, slow; for checking).
        **values: scenario fields by dotted key with ``__`` for the dot, e.g.
            ``policy__member_grant=200_000`` or ``policy__changes__2017__member_grant=0``.

    Raises:
        ScenarioError: a missing or bad scenario file, an unknown key or a bad value
            (one line naming the file, the key and what was expected).

    Attributes:
        parameters: the scenario being simulated (Mesa's own ``scenario`` attribute
            holds only the seed).
        farms, coops: the state arrays (:mod:`coopsim.entities`).
        network: the social network as a sparse adjacency matrix.
        year: the next year to simulate.
        economy: the last simulated year's prices and payoffs.
        running: False once the scenario's last year is simulated; a step after that
            simulates nothing.
    """

    def __init__(
        self,
        scenario_file: str | Path | None = None,
        *,
        spec: Scenario | None = None,
        rng: int | None = None,
        log_decisions: bool = False,
        decisions: Literal["fast", "reference"] = "fast",
        **values: Any,
    ) -> None:
        # Mesa's visualisation passes its own scenario object, which carries only a seed
        mesa_scenario = values.pop("scenario", None)
        if mesa_scenario is not None and not isinstance(mesa_scenario, MesaScenario):
            raise ScenarioError(
                "CoopModel: scenario= is Mesa's own keyword; give a coopsim Scenario as spec="
            )
        scenario = _resolve(scenario_file, spec, values)
        if rng is None and mesa_scenario is not None:
            rng = mesa_scenario.rng
        seed = scenario.seed if rng is None else rng
        if mesa_scenario is not None:
            mesa_scenario.rng = seed
        super().__init__(rng=seed, scenario=mesa_scenario)
        self.seed = seed
        self.parameters = scenario
        self.scale = scenario.population.scale
        self.log_decisions = log_decisions
        self.decision_path = decisions
        pop = scenario.population
        self.farms = make_farms(pop, self.rng)
        self.network = build_network(
            self.farms.village,
            self.farms.region,
            scenario.network.village_ties,
            scenario.network.outside_village_share,
            self.rng,
        )
        self.coops = Coops()
        self.year = scenario.start_year
        self.treasury = Treasury(budget=None)
        self.tax_relief = 0.0
        self.economy: YearEconomy | None = None
        self.book = FarmBook()
        self.rows: list[dict[str, float]] = []
        self.lineage: list[tuple] = []
        self.decision_log: list[dict] = []
        for i in range(len(self.farms)):
            Farm(self, i)
        self.coop_agents: dict[int, Cooperative] = {}
        self._coop_agents_made = 0
        self._initial_coops()

    def _initial_coops(self) -> None:
        """Coops that exist at the start (e.g. Germany 1950), operating and growing."""
        pop = self.parameters.population
        label = initial_memberships(
            self.farms,
            pop.initial_membership_rate,
            pop.initial_coop_size,
            self.rng,
            by_farm_type=pop.initial_coops_by_farm_type,
        )
        members = np.flatnonzero(label >= 0)
        if len(members) == 0:
            return
        count = np.bincount(label[members])
        first = members[np.unique(label[members], return_index=True)[1]]
        age = self.rng.integers(3, 30, size=len(count))
        new = self.coops.add(
            len(count),
            status=ACTIVE,
            tier=PRIMARY,
            region=self.farms.region[first],
            village=self.farms.village[first],
            founded=self.year - age,
            phase=Phase.GROWTH,
            rule=SHAPLEY if self.parameters.cost_sharing == "shapley" else PATRONAGE,
            members=count,
            members_before=count,
            active_years=age - 1,  # selling since the year after founding
            capital=count * self.parameters.costs.equity_per_member,
        )
        self.farms.coop[members] = new[label[members]]
        self.farms.awareness[members] = 1.0
        for k in new:
            self.lineage.append(
                (
                    self.year - 1,
                    int(k),
                    "existing",
                    NO_COOP,
                    int(count[k]),
                    int(self.coops.region[k]),
                    PRIMARY,
                )
            )
        self._sync_coop_agents()

    def _sync_coop_agents(self) -> None:
        """Create a Cooperative agent for each new coop; remove those dissolved."""
        for k in range(self._coop_agents_made, len(self.coops)):
            self.coop_agents[k] = Cooperative(self, k)
        self._coop_agents_made = len(self.coops)
        alive = np.fromiter(self.coop_agents, dtype=np.int64, count=len(self.coop_agents))
        for k in alive[self.coops.status[alive] == DISSOLVED].tolist():
            self.coop_agents.pop(k).remove()

    def step(self) -> None:
        """Simulate one year; after the scenario's last year, nothing."""
        if self.year > self.parameters.end_year:
            return
        self._simulate_year()
        self.running = self.year <= self.parameters.end_year

    def _simulate_year(self) -> None:
        """The yearly schedule of the module docstring, steps 1 to 7."""
        scenario, year = self.parameters, self.year
        # 1. the policy of the year takes effect
        policy, market = scenario.policy_in(year), scenario.market_in(year)
        budget = None if policy.budget is None else policy.budget / self.scale
        payout_ratio = self.treasury.open_year(year, budget)

        # 2–3. production, marketing and cost sharing
        n_regions = int(self.farms.region.max()) + 1
        sigma = market.price_volatility
        shock = np.exp(sigma * self.rng.standard_normal((n_regions, 2)) - sigma**2 / 2)
        economy = price_year(
            scenario, year, self.farms, self.coops, shock, self.rng, self.book, self.scale
        )
        self.economy = economy
        self.farms.income[:] = np.where(economy.member, economy.payoff_member, economy.payoff_alone)
        self.tax_relief = float(
            scenario.costs.coop_tax_rate * policy.tax_relief * economy.coop_group.value.sum()
        )
        events = YearEvents(year=year, log_decisions=self.log_decisions)
        y = coop_processes.Year(
            scenario,
            year,
            self.farms,
            self.coops,
            economy,
            self.treasury,
            events,
            self.rng,
            self.scale,
            payout_ratio,
        )
        # 4. recurring subsidies, within the budget
        coop_processes.pay_recurring_subsidies(y)
        y.operating_income = self.farms.income.copy()
        self._judge_membership(economy)

        # 5. decisions of farms, then of coops
        terms = DecisionTerms.of_year(
            scenario.behaviour, scenario.costs, market, policy, payout_ratio
        )
        draw = self.rng.random((len(self.farms), 2))
        if self.decision_path == "reference":
            choices = decide_per_farm(self, terms, draw)
        else:
            choices = decide(economy, self.farms, self.coops, self.network, terms, draw)
        coop_processes.apply_farm_choices(y, choices)
        coop_processes.register_under_pressure(y)
        coop_processes.activate_or_drop_nominal(y)
        coop_processes.invest(y)
        coop_processes.secede(y)
        coop_processes.merge(y)
        coop_processes.federate(y)
        coop_processes.give_voice(y)
        coop_processes.advance_life_cycle(y)
        coop_processes.dissolve_empty(y)
        self.farms.member_years[self.farms.coop != NO_COOP] += 1
        self.farms.cash += self.farms.income * economy.farming

        # 6. awareness and trust spread; 7. the year is recorded
        self._spread(economy, policy.campaign)
        self.rows.append(model_row(self, events))
        self.lineage.extend(events.lineage)
        self.decision_log.extend(events.decisions)
        self._sync_coop_agents()
        self.year += 1

    def _judge_membership(self, economy: YearEconomy) -> None:
        """R6 bookkeeping and expected income, from this year's realised incomes."""
        farms, b = self.farms, self.parameters.behaviour
        tolerance = b.loyalty_threshold * np.maximum(economy.revenue_alone, 0.0)
        unhappy = rules.dissatisfied(
            farms.income, economy.payoff_alone, economy.autonomy_premium, tolerance
        )
        farms.bad_years[:] = np.where(
            economy.member, rules.bad_years_after(farms.bad_years, unhappy), 0
        )
        first = self.year == self.parameters.start_year
        memory = 1.0 if first else b.income_memory
        farms.expected_income[:] = np.where(
            farms.farming, memory * farms.income + (1 - memory) * farms.expected_income, 0.0
        )
        self._satisfied = economy.member & ~unhappy

    def _spread(self, economy: YearEconomy, campaign: float) -> None:
        """Step 6: awareness and trust spread along the network."""
        farms, b = self.farms, self.parameters.behaviour
        mean, count = neighbour_mean(self.network, farms.awareness, farms.farming)
        farms.awareness[:] = spread_awareness(
            farms.awareness, mean, count, b.awareness_contagion, campaign
        )
        mean, count = neighbour_mean(self.network, self._satisfied.astype(float), economy.member)
        farms.trust[:] = learn_trust(farms.trust, mean, count, b.trust_learning)

    @property
    def income(self) -> np.ndarray:
        """Each farm's income in the last simulated year (currency/year)."""
        return self.farms.income

    def run(self) -> pd.DataFrame:
        """Simulate to the scenario's last year; returns the table."""
        while self.running:
            self.step()
        return self.table()

    def table(self) -> pd.DataFrame:
        """The model table so far: one row per simulated year (``docs/outputs.md``)."""
        return pd.DataFrame(self.rows)

    def lineage_table(self) -> pd.DataFrame:
        """Coop lineage so far: founded, activated, merged into, dissolved, …."""
        return pd.DataFrame(self.lineage, columns=list(LINEAGE_COLUMNS))

    def decision_table(self) -> pd.DataFrame:
        """The decision log so far (empty unless ``log_decisions``).

        Named farms (classroom scenarios) get their name in a ``name`` column.
        """
        table = pd.DataFrame(self.decision_log)
        if not len(table):
            return pd.DataFrame(columns=list(DECISION_COLUMNS))
        names = named_order(self.parameters.population)
        if names:
            table.insert(2, "name", [names[i] for i in table["farm"]])
        return table

    def payments_table(self) -> pd.DataFrame:
        """Every subsidy payment: year, instrument, coop, claimed and paid (real units)."""
        table = pd.DataFrame(
            self.treasury.ledger, columns=["year", "instrument", "coop", "claimed", "paid"]
        ).astype({"year": "int64", "coop": "int64", "claimed": float, "paid": float})
        table[["claimed", "paid"]] *= self.scale
        return table


def _resolve(scenario_file: str | Path | None, spec: Scenario | None, values: dict) -> Scenario:
    """The scenario of a model: a file or a scenario, with keyword values applied."""
    if (scenario_file is None) == (spec is None):
        raise ScenarioError("CoopModel: give either scenario_file (a path) or spec (a Scenario)")
    scenario = load_scenario(scenario_file) if spec is None else spec
    if not values:
        return scenario
    source = f"{scenario_file or scenario.name} with {', '.join(values)}"
    try:
        return scenario.with_values({k.replace("__", "."): v for k, v in values.items()})
    except ScenarioError as exc:
        raise ScenarioError(f"{source}: {str(exc).removeprefix('scenario values: ')}") from None
