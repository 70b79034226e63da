"""The coopsim model: farms and cooperatives, one step a year.

Each year (``docs/odd.md``, "Process overview and scheduling"), one process after the
other, each in its own module of :mod:`coopsim.processes`:

1. the policy of the year takes effect: the treasury opens the year's budget;
2. farms produce and sell, alone or through their coop (``production``, ``markets``);
3. coops share their costs among members (``cost_sharing``, rule R3);
4. the state pays the recurring subsidies within the budget (``subsidies``);
5. decisions: members judge their year; farms quit (``farm_exit``), leave
   (``leaving``, R6), join and found (``joining``, R1); coops are registered under KPI
   pressure and start operating (``life_cycle``, R8), invest (``investment``, R4),
   split (``leaving``, R2), merge (``mergers``, R7), federate (``federation``), vote
   on their sharing rule (``cost_sharing``, R6 voice), move through their life cycle
   and are wound up (``life_cycle``, R8);
6. awareness and trust spread on the network (``learning``);
7. the year's row of the model table is recorded (:mod:`coopsim.records`).
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any, Literal

import mesa
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario as MesaScenario

from coopsim.agents import Cooperative, Farm
from coopsim.entities import DISSOLVED, Coops, Farms
from coopsim.network import build_network
from coopsim.population import initial_coops, make_farms, named_order
from coopsim.processes import (
    cost_sharing,
    farm_exit,
    federation,
    investment,
    joining,
    learning,
    leaving,
    life_cycle,
    markets,
    mergers,
    players,
    subsidies,
)
from coopsim.processes.markets import YearEconomy
from coopsim.processes.production import FarmBook
from coopsim.processes.register import strike_off
from coopsim.processes.year import Year
from coopsim.records import DECISION_COLUMNS, LINEAGE_COLUMNS, TABLE_COLUMNS, YearEvents, year_row
from coopsim.reference import decide_per_farm
from coopsim.scenario import Scenario, ScenarioError, load_scenario

SETTLING_ROUNDS = 15
"""Years of coop adjustments before the start (``CoopModel._settle_initial_coops``)."""


def sized(scenario: Scenario, farms: int | None = None, scale: float | None = None) -> Scenario:
    """The scenario with its number of simulated farms set from ``farms`` or ``scale``.

    Args:
        scenario: the scenario.
        farms: farms to simulate (each then stands for ``population.farms / farms``).
        scale: real farms per simulated farm.

    Raises:
        ScenarioError: the farms are given by name (they are always simulated one by
            one), or the number is out of range.
    """
    if farms is None and scale is None:
        return scenario
    if farms is None:
        if not math.isfinite(scale) or scale <= 0:
            raise ScenarioError(f"scale: {scale:g} is not a positive number of farms")
        farms = max(2, round(scenario.population.farms / scale))
    named = len(scenario.population.named_farms)
    if named and farms != named:
        raise ScenarioError(
            f"the scenario gives its {named} farms by name (population.named_farms), and named "
            "farms are always simulated one by one: leave out the number of simulated farms"
        )
    return scenario.with_values({"population.simulated_farms": int(farms)})


class CoopModel(mesa.Model):
    """Agricultural cooperative consolidation under subsidy and market rules.

    A Mesa model whose farms and cooperatives live in arrays (:mod:`coopsim.entities`):
    each process of the year treats all farms at once with numpy, which is what lets
    half a million farms step in well under a second. :class:`~coopsim.agents.Farm` and
    :class:`~coopsim.agents.Cooperative` are Mesa agents that read and show one entry of
    those arrays; they are made on demand (:meth:`farm`, :meth:`cooperative`), or for
    every farm and coop with ``agents=True`` when Mesa's agent tools (``AgentSet``, a
    ``DataCollector``'s ``agenttype_reporters``) are to see them all. Mesa's own tools
    work on the model: ``running`` turns False after the scenario's last year,
    :attr:`datacollector` holds every column of the model table, ``mesa.batch_run`` and
    ``SolaraViz`` drive it (README, "Use it from Python and with Mesa's tools").

    Results depend only on the scenario and the seed, not on the caller's process
    settings (:mod:`coopsim.tuning` only makes runs faster).

    Args:
        scenario_file: a scenario TOML file.
        spec: a validated scenario, instead of a file.
        rng: seed of every random draw (Mesa's keyword); the scenario's own seed when None.
        log_decisions: keep a log of every farm's decision with the payoffs compared.
        decisions: ``"fast"`` (vectorised, the default) or ``"reference"`` (farm by
            farm, slow; for checking).
        agents: make a Mesa agent for every farm and coop now, and keep the coops'
            agents up to date each year.
        **values: scenario fields by dotted key with ``__`` for the dot, e.g.
            ``policy__member_grant=200_000``, ``population__simulated_farms=2_000`` or
            ``policy__changes__2017__member_grant=0`` (the change of 2017).

    Raises:
        ScenarioError: a missing or bad scenario file, an unknown key or a bad value
            (one line naming the file, the key and what was expected).

    Attributes:
        parameters: the scenario being simulated (Mesa's own ``scenario`` attribute
            holds only the seed).
        seed: the seed of this run.
        farms, coops: the state arrays.
        network: the social network as a sparse adjacency matrix.
        year: the next year to simulate.
        economy: the last simulated year's prices and payoffs.
        treasury: what the state paid, year by year.
        running: False once the scenario's last year is simulated; a step after that
            simulates nothing, so the tables always end in the scenario's last year.
        datacollector: a Mesa ``DataCollector`` whose model reporters give each column
            of the model table, one collection a year.
    """

    def __init__(
        self,
        scenario_file: str | Path | None = None,
        *,
        spec: Scenario | None = None,
        rng: int | None = None,
        log_decisions: bool = False,
        decisions: Literal["fast", "reference"] = "fast",
        agents: bool = False,
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
        self.parameters = scenario
        self.seed = seed
        self.scale = scenario.population.scale
        self.log_decisions = log_decisions
        self.decision_path = decisions
        self.farms: Farms = make_farms(scenario.population, scenario.behaviour, self.rng)
        self.network = build_network(
            self.farms.village,
            self.farms.region,
            scenario.network.village_ties,
            scenario.network.outside_village_share,
            self.rng,
        )
        self.coops: Coops
        self.coops, self.lineage = initial_coops(self.farms, scenario, self.rng)
        self.year = scenario.start_year
        self.treasury = subsidies.Treasury(budget=None)
        self.tax_relief = 0.0
        self.economy: YearEconomy | None = None
        self.book = FarmBook()
        self.rows: list[dict[str, float]] = []
        self.decision_log: list[dict] = []
        self.players: players.PlayerChoices | None = None
        self._farm_agents: dict[int, Farm] = {}
        self._coop_agents: dict[int, Cooperative] = {}
        self._all_agents_made = False
        self.datacollector = mesa.DataCollector(
            model_reporters={c: partial(table_value, column=c) for c in TABLE_COLUMNS}
        )
        self._settle_initial_coops()
        if agents:
            self.make_agents()

    def _settle_initial_coops(self) -> None:
        """Coops a scenario starts with take the shape they would have had before it began.

        A consistent start (``docs/odd.md``, Initialization): before the first year, the
        initial coops lose the members who have been unhappy for ``exit_after_bad_years``
        rounds in a row, buy the machines that pay, lose the sub-groups that would split
        off, make the mergers that pay, form their regional unions and switch to the
        sharing rule their members prefer, as they would have in the years before the
        start (each stands at a random point of its life cycle, R8); the members still
        unhappy keep their count of bad rounds, and every farm expects the income a year
        at expected prices brings it. Only the lineage of the coops keeps it (dated the
        year before the start); nothing is paid or counted, and no farm joins or quits.
        Without it the first years would show these adjustments as a shock.
        """
        shock = np.ones((int(self.farms.region.max()) + 1, 2))
        for _ in range(SETTLING_ROUNDS if len(self.coops) else 0):
            self._settling_round(shock)
        self.coops.loan[:] = 0.0  # what they bought before the start is paid for
        # the farms have come to expect what a year at expected prices brings
        self._settled_income(shock)
        self.farms.expected_income[:] = self.farms.income
        self.farms.income[:] = 0.0

    def _settling_round(self, shock: np.ndarray) -> None:
        """One round of :meth:`_settle_initial_coops`, dated the year before the start.

        A method of its own so that the round's economy is freed when it ends, before
        the next round prices its own.
        """
        scenario, year = self.parameters, self.year
        behaviour = scenario.behaviour
        economy = self._settled_income(shock)
        before = Year(
            scenario=scenario,
            year=year - 1,
            policy=scenario.policy_in(year),
            market=scenario.market_in(year),
            farms=self.farms,
            coops=self.coops,
            economy=economy,
            treasury=subsidies.Treasury(budget=None),
            events=YearEvents(year=year - 1),
            rng=self.rng,
            scale=self.scale,
            payout_ratio=1.0,
            overhead=scenario.overhead_index(year),
        )
        before.treasury.open_year(year - 1, None)
        # members unhappy for exit_after_bad_years rounds in a row have left (R6)
        leaving.judge_members(self.farms, economy, behaviour)
        stay = np.zeros(len(self.farms), bool)
        strike_off(before, np.flatnonzero(leaving.decide(economy, self.farms, behaviour, stay)))
        investment.invest(before)
        leaving.secede(before)
        mergers.merge(before)
        federation.federate(before)
        members, member_coop, _, unhappy = leaving.member_verdicts(before, self.farms.income)
        cost_sharing.give_voice(before, members, member_coop, unhappy)
        life_cycle.dissolve_empty(before)
        self.lineage.extend(before.events.lineage)  # dated the year before the start

    def _settled_income(self, shock: np.ndarray) -> markets.YearEconomy:
        """Price the start year without shocks; each farm's income is its payoff in it."""
        scenario = self.parameters
        economy = markets.price_year(
            scenario, self.year, self.farms, self.coops, shock, self.book, self.scale
        )
        cost_sharing.share_costs(economy, self.coops, self.rng, scenario.behaviour)
        self.farms.income[:] = np.where(economy.member, economy.payoff_member, economy.payoff_alone)
        return economy

    # --- the year ---------------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one year; after the scenario's last year, nothing."""
        if self.year > self.parameters.end_year:
            return
        self._simulate_year()
        self.running = self.year <= self.parameters.end_year
        self.datacollector.collect(self)

    def _simulate_year(self) -> None:
        """The yearly schedule of the module docstring, steps 1 to 7."""
        scenario, year, farms = self.parameters, self.year, self.farms
        behaviour = scenario.behaviour
        # 1. the policy of the year takes effect
        policy, market = scenario.policy_in(year), scenario.market_in(year)
        budget = None if policy.budget is None else policy.budget / self.scale
        payout_ratio = self.treasury.open_year(year, budget)

        # 2. production, marketing and prices; 3. cost sharing
        n_regions = int(farms.region.max()) + 1
        sigma = market.price_volatility
        shock = np.exp(sigma * self.rng.standard_normal((n_regions, 2)) - sigma**2 / 2)
        # last year's economy (and the figures of last year's farm book it holds) goes
        # before this year's is priced, so that the two are never in memory together
        self.economy = None
        economy = markets.price_year(
            scenario, year, farms, self.coops, shock, self.book, self.scale
        )
        cost_sharing.share_costs(economy, self.coops, self.rng, behaviour)
        self.economy = economy
        farms.income[:] = np.where(economy.member, economy.payoff_member, economy.payoff_alone)
        self.tax_relief = subsidies.tax_relief(scenario.costs, policy, economy)
        y = Year(
            scenario=scenario,
            year=year,
            policy=policy,
            market=market,
            farms=farms,
            coops=self.coops,
            economy=economy,
            treasury=self.treasury,
            events=YearEvents(year=year, log_decisions=self.log_decisions),
            rng=self.rng,
            scale=self.scale,
            payout_ratio=payout_ratio,
            overhead=scenario.overhead_index(year),
            votes=None if self.players is None else self.players.votes(len(farms)),
        )
        # 4. recurring subsidies, within the budget
        subsidies.pay_recurring(y)
        operating_income = farms.income.copy()

        # 5. members judge the year; farms decide, then coops
        satisfied = leaving.judge_members(farms, economy, behaviour)
        farm_exit.update_expected_income(farms, behaviour.income_memory)
        terms = joining.JoinTerms.of_year(y)
        draw = self.rng.random(len(farms))
        # savings (a debt lowers what is left of the credit line), credit, member credit
        funds = farms.cash + farm_exit.credit_limit(farms, market) + policy.member_credit
        if self.decision_path == "reference":
            quits, leaves, choices = decide_per_farm(self, market, terms, draw, funds)
        else:
            quits = farm_exit.decide(
                farms, economy, market, scenario.costs, behaviour, year - scenario.start_year
            )
            leaves = leaving.decide(economy, farms, behaviour, quits)
            choices = joining.decide(
                economy, farms, self.coops, self.network, terms, draw, quits, funds
            )
        if self.players is not None:  # the classroom game: people play some farms
            players.hold(
                self.players,
                farms,
                self.coops,
                behaviour.min_founders,
                quits,
                leaves,
                choices.join,
                choices.founds,
                choices.considered,
            )
        farm_exit.apply(y, quits)
        leaving.apply(y, leaves)
        joining.apply(y, choices)
        life_cycle.register_paper_coops(y)
        life_cycle.activate_or_drop_nominal(y)
        life_cycle.audit(y)
        investment.invest(y)
        leaving.secede(y)
        mergers.merge(y)
        federation.federate(y)
        members, member_coop, gain, dissatisfied = leaving.member_verdicts(y, operating_income)
        cost_sharing.give_voice(y, members, member_coop, dissatisfied)
        cost_sharing.decide_deliveries(y)
        investment.default_on_loans(y, members, member_coop, operating_income)
        life_cycle.advance_life_cycle(y, member_coop, gain, dissatisfied)
        life_cycle.dissolve_empty(y)
        farms.member_years[farms.coop >= 0] += 1
        off_farm = farm_exit.off_farm_income(farms, market, scenario.costs)
        farm_exit.save(farms, behaviour, farms.income * economy.farming + off_farm)

        # 6. awareness and trust spread; 7. the year is recorded
        learning.spread(farms, self.network, economy.member, satisfied, behaviour, policy.campaign)
        self.rows.append(
            year_row(
                year,
                farms,
                self.coops,
                economy,
                self.treasury,
                self.tax_relief,
                y.events,
                self.scale,
                off_farm,
            )
        )
        self.lineage.extend(y.events.lineage)
        self.decision_log.extend(y.events.decisions)
        if self._all_agents_made:
            self._sync_coop_agents()
        self.year += 1

    @property
    def income(self) -> np.ndarray:
        """Each farm's income in the last simulated year (currency/year)."""
        return self.farms.income

    def run(self) -> pd.DataFrame:
        """Simulate to the scenario's last year; returns the table."""
        while self.running:
            self.step()
        return self.table()

    # --- Mesa agents ------------------------------------------------------------------------

    def farm(self, index: int) -> Farm:
        """The Mesa agent of farm ``index`` (made and registered the first time it is asked)."""
        agent = self._farm_agents.get(index)
        if agent is None:
            if not 0 <= index < len(self.farms):
                raise IndexError(f"no farm {index}: farms are 0 to {len(self.farms) - 1}")
            agent = self._farm_agents[index] = Farm(self, index)
        return agent

    def farm_agents(self) -> list[Farm]:
        """Every farm's agent, in the order of the farm arrays (made where missing)."""
        return [self.farm(i) for i in range(len(self.farms))]

    def cooperative(self, index: int) -> Cooperative:
        """The Mesa agent of coop ``index`` (made and registered the first time it is asked)."""
        agent = self._coop_agents.get(index)
        if agent is None:
            if not 0 <= index < len(self.coops):
                raise IndexError(f"no coop {index}: coops are 0 to {len(self.coops) - 1}")
            agent = self._coop_agents[index] = Cooperative(self, index)
        return agent

    def make_agents(self) -> None:
        """Make a Mesa agent for every farm and every coop not dissolved, and keep them.

        From then on, each year's new coops get their agents and dissolved coops lose
        theirs, so ``agents_by_type[Cooperative]`` holds the coops that exist.
        """
        self.farm_agents()
        self._all_agents_made = True
        self._sync_coop_agents()

    def _sync_coop_agents(self) -> None:
        """An agent for each coop not dissolved; agents of dissolved coops are removed."""
        alive = np.flatnonzero(self.coops.status != DISSOLVED)
        for k in alive.tolist():
            self.cooperative(k)
        for k in [k for k in self._coop_agents if self.coops.status[k] == DISSOLVED]:
            self._coop_agents.pop(k).remove()

    # --- tables -----------------------------------------------------------------------------

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


def table_value(model: CoopModel, column: str) -> float:
    """One column of the model table in its last row: what the model reporters give."""
    return model.rows[-1][column]


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
