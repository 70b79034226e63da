"""The classroom game: students play the farms of a village, one round a year.

A story is a small scenario file (:data:`STORIES`). The village runs on the model itself
(:class:`coopsim.model.CoopModel`): farms nobody plays decide by the model's rules, and a
student's choice replaces the rule for the farm they play
(:mod:`coopsim.processes.players`).

Round *r* is the village's year *r*. Before it, every farm sees what each of its options
would bring it that year, in money (:meth:`Game.offers`): the year priced with the coops
as they stand, by the same code the model prices a year with. The reveal
(:meth:`Game.play`) runs the model's decision step with the players' choices and prices
the year with the coops that came out of it: who did what, what each farm earns, each
coop's accounts. The game turns random price shocks off and the stories share costs by
patronage, so the model's next step earns exactly what the reveal showed.

The class's levers (:data:`LEVERS`) and the teacher's events (:data:`EVENTS`) take effect
from the round being played.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coopsim.economics.machinery import COMBINE
from coopsim.entities import NO_COOP, PRIMARY
from coopsim.model import CoopModel
from coopsim.processes import cost_sharing, joining, markets, mergers
from coopsim.processes.markets import YearEconomy
from coopsim.processes.players import Action, PlayerChoices
from coopsim.scenario import ASSETS, Scenario, load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"

STORIES: dict[str, Path] = {
    "machinery": SCENARIO_DIR / "village_machinery.toml",
    "dairy": SCENARIO_DIR / "classroom" / "dairy_village.toml",
    "merger": SCENARIO_DIR / "classroom" / "two_coops_merger.toml",
}
"""The stories a class can play: the article's machinery village; a dairy village around
a milk collection point; two village coops weighing a merger."""

HIRE_LEVERS = ("hire_tractor", "hire_truck", "hire_combine", "hire_barn")

LEVERS = ("contractor_prices", "grant", "own_boss", "trust")
"""The levers a class sees: contractor prices (times the story's), the grant (what a farm
gets on joining, in currency; in the merger story, the state's share of the merger cost),
how much farmers value being their own boss (share of their revenue) and trust in
cooperation (0–1)."""

LEVER_RANGES: dict[str, tuple[float, float, float]] = {
    "contractor_prices": (0.5, 2.0, 0.1),
    "member_grant": (0.0, 1_000_000.0, 50_000.0),
    "merger_subsidy": (0.0, 1.0, 0.05),
    "own_boss": (0.0, 0.3, 0.01),
    "trust": (0.0, 1.0, 0.05),
}
"""Lowest, highest and step of each lever (the grant's by the policy lever it moves)."""

EVENTS = ("drought", "price_fall", "grant_cut", "broken_combine")
"""What a teacher can make happen in a round."""

DROUGHT_YIELD = 0.6
"""A drought's crop yield against a normal year (one year)."""
PRICE_FALL = 0.75
"""Prices after a price fall against before (lasting)."""


@dataclass(frozen=True)
class Offer:
    """What one option would bring a farm in the round's year (currency/year unless said).

    Attributes:
        action: what the farm would do.
        coop: the coop concerned (index), ``NO_COOP`` for none or a new one.
        income: farming income in the year with that option.
        machinery: what its machinery work costs it in that option.
        one_off: equity, switching and founding costs, paid once (currency).
        grant: grants received once on joining or founding (currency).
        founders: for founding, how many farms the new coop would have.
    """

    action: Action
    coop: int
    income: float
    machinery: float
    one_off: float = 0.0
    grant: float = 0.0
    founders: int = 0


@dataclass(frozen=True)
class MergerTerms:
    """A merger a member can vote on.

    Attributes:
        partner: the other coop (index).
        saving: what the two coops would save a year merged (currency/year); negative
            when merged they would cost more.
        merger_cost: what merging costs, once (currency).
        state_share: the share of it the state pays (the merger grant).
    """

    partner: int
    saving: float
    merger_cost: float
    state_share: float


@dataclass(frozen=True)
class CoopAccount:
    """One coop's year, as the reveal shows it.

    Attributes:
        coop: its index (shown as ``coop + 1``).
        members: its members (farm indices).
        machines: machines pooled, by asset (count), in the order of ``ASSETS``.
        cost: what running it costs a year: machines, contractors, overheads.
        machinery_alone: what its members' machinery work would cost them alone.
        machinery_shared: what they pay for it through the coop.
    """

    coop: int
    members: list[int]
    machines: list[int]
    cost: float
    machinery_alone: float
    machinery_shared: float


@dataclass(frozen=True)
class Reveal:
    """One round, revealed.

    Attributes:
        round: the round (1 for the first year).
        did: what each farm did: "stayed", "joined", "founded", "left", "moved",
            "quit" (indices of farms as keys).
        coop_before, coop_after: each farm's coop before and after the round (-1 none).
        income: each farm's farming income in the round's year.
        income_alone: what each would have earned alone.
        paid_once: each farm's one-off costs less grants this round (currency).
        coops: the accounts of the operating coops.
        events: the events of the round.
    """

    round: int
    did: list[str]
    coop_before: list[int]
    coop_after: list[int]
    income: list[float]
    income_alone: list[float]
    paid_once: list[float]
    coops: list[CoopAccount]
    events: list[str] = field(default_factory=list)

    @property
    def members(self) -> int:
        """Farms in a coop after the round."""
        return sum(c >= 0 for c in self.coop_after)


class Game:
    """One class's village, from before its first round to its last.

    Args:
        story: a key of :data:`STORIES`.
        seed: the seed; the story's own when None. The same story, seed, choices,
            levers and events give the same game.
    """

    def __init__(self, story: str = "machinery", seed: int | None = None) -> None:
        if story not in STORIES:
            raise ValueError(f"unknown story {story!r}: one of {', '.join(STORIES)}")
        self.story = story
        # no random price shocks: the reveal shows what the model's step earns
        self.scenario: Scenario = load_scenario(STORIES[story]).with_values(
            {"market.price_volatility": 0.0}
        )
        self.model = CoopModel(spec=self.scenario, rng=seed, log_decisions=True)
        self.farms = self.model.farms
        self.history: list[Reveal] = []
        self.events: list[str] = []  # of the round being played
        self.grant_lever = "merger_subsidy" if story == "merger" else "member_grant"
        self.levers: dict[str, float] = {
            "contractor_prices": 1.0,
            "grant": getattr(self.scenario.policy, self.grant_lever),
            "own_boss": float(np.mean(self.farms.autonomy_share)),
            "trust": float(np.mean(self.farms.trust)),
        }
        self._base_hire = {k: getattr(self.scenario.market, k) for k in HIRE_LEVERS}
        self._offers: dict[int, tuple[YearEconomy, list[Offer]]] = {}
        self.economy = self._price(self.model.year + 1)

    # --- the state -----------------------------------------------------------------------

    @property
    def round(self) -> int:
        """The round being played (1 for the first); ``rounds + 1`` after the last."""
        return len(self.history) + 1

    @property
    def rounds(self) -> int:
        """How many rounds the story has: one per year of its scenario."""
        return self.scenario.years

    @property
    def done(self) -> bool:
        """Whether every round has been played."""
        return self.round > self.rounds

    @property
    def names(self) -> list[str]:
        """Each farm's short name as the story gives it ("Aidar")."""
        return self.names_in("en")

    def names_in(self, lang: str) -> list[str]:
        """Each farm's short name in a language ("Айдар" in Kazakh), English when not given."""
        return [f.name_in(lang).split(",")[0] for f in self.scenario.population.named_farms]

    def machines(self, farm: int) -> list[str]:
        """The machines and buildings a farm owns (asset names)."""
        return [a for i, a in enumerate(ASSETS) if self.farms.owns[farm, i]]

    def operating_coops(self) -> list[int]:
        """The coops operating now, by index."""
        return np.flatnonzero(self.model.coops.active(PRIMARY)).tolist()

    def coop_of(self, farm: int) -> int:
        """The farm's coop now (index), or -1."""
        return int(self.farms.coop[farm])

    def own_boss_value(self, farm: int) -> float:
        """What being its own boss is worth to the farm this year (currency/year)."""
        return float(self.economy.autonomy_premium[farm])

    # --- the year's numbers --------------------------------------------------------------

    def _price(self, year: int) -> YearEconomy:
        """Price ``year`` with the coops as they stand, as the model's step would."""
        model = self.model
        regions = int(self.farms.region.max()) + 1
        economy = markets.price_year(
            model.parameters, year, self.farms, model.coops, np.ones((regions, 2)), None
        )
        # the stories share costs by patronage: no random draw is made
        cost_sharing.share_costs(
            economy, model.coops, np.random.default_rng(0), model.parameters.behaviour
        )
        return economy

    def _terms(self) -> joining.JoinTerms:
        """The terms of joining and founding in the decision step about to run."""
        scenario, year = self.model.parameters, self.model.year
        return joining.JoinTerms.of(
            scenario, scenario.policy_in(year), scenario.overhead_index(year), 1.0
        )

    def offers(self, farm: int) -> list[Offer]:
        """What each of the farm's options would bring it in the round's year.

        A member may stay in its coop or leave it; a farm outside any coop may stay
        alone, join an operating coop of its region or found a coop with the farms of its
        village outside any coop. The first offer is always staying as it is; it is the only
        one of a farm that has stopped farming, which earns nothing from farming.
        """
        # kept with the pricing they come from: pages ask from several threads, and one
        # may finish pricing after a reveal priced the next year
        e = self.economy
        priced, offers = self._offers.get(farm, (None, []))
        if priced is not e:
            offers = self._price_offers(farm, e)
            self._offers[farm] = (e, offers)
        return list(offers)

    def _price_offers(self, farm: int, e: YearEconomy) -> list[Offer]:
        if not self.farms.farming[farm]:  # it stopped farming: nothing left to choose
            return [Offer(Action.STAY, NO_COOP, 0.0, 0.0)]
        terms = self._terms()
        coop = self.coop_of(farm)
        alone = Offer(
            Action.STAY, NO_COOP, float(e.payoff_alone[farm]), float(e.machinery_alone[farm])
        )
        if coop >= 0:
            member = bool(e.member[farm])  # a coop that does not operate pools nothing
            stay = Offer(
                Action.STAY,
                coop,
                float(e.payoff_member[farm] if member else e.payoff_alone[farm]),
                float(e.machinery_share[farm] if member else e.machinery_alone[farm]),
            )
            return [stay, Offer(Action.LEAVE, NO_COOP, alone.income, alone.machinery)]
        offers = [alone]
        f = np.array([farm])
        region = self.farms.region[farm]
        for k in self.operating_coops():
            if self.model.coops.region[k] != region:
                continue
            group = e.coop_group.take(np.array([k])) + e.farm_group(f)
            offer = e.payoff_in(f, group, e.coop_price[[k]])
            offers.append(
                Offer(
                    Action.JOIN,
                    k,
                    float(offer.payoff[0]),
                    float(offer.machinery_share[0]),
                    one_off=terms.join_cost,
                    grant=terms.member_grant,
                )
            )
        village = self.farms.village
        outside = np.flatnonzero(
            (village == village[farm]) & (self.farms.coop == NO_COOP) & self.farms.farming
        )
        n = len(outside)
        if n >= self.scenario.behaviour.min_founders:
            one = np.zeros(n, np.int64)
            group = e.groups_of_farms(outside, one, 1)
            price = e.new_coop_price(group, self.farms.region[outside[:1]].astype(np.int64))
            offer = e.payoff_in(outside, group, price, which=one)
            mine = int(np.searchsorted(outside, farm))
            offers.append(
                Offer(
                    Action.FOUND,
                    NO_COOP,
                    float(offer.payoff[mine]),
                    float(offer.machinery_share[mine]),
                    one_off=terms.join_cost + terms.found_cost / n,
                    grant=terms.member_grant + terms.start_up_grant / n,
                    founders=n,
                )
            )
        return offers

    def merger_terms(self, farm: int) -> MergerTerms | None:
        """The merger the farm's coop could vote on this round, or None.

        A coop can merge with another operating coop of its region (the stories have
        one region); the numbers are the model's (:func:`coopsim.processes.mergers.merged`).
        """
        coop = self.coop_of(farm)
        others = [k for k in self.operating_coops() if k != coop]
        if coop < 0 or not others or not self.economy.member[farm]:
            return None
        e, scenario = self.economy, self.model.parameters
        partner = others[0]
        a, b = np.array([coop]), np.array([partner])
        _, cost = mergers.merged(e, self.model.coops, a, b, scenario.federation.union_cost_per_coop)
        policy = scenario.policy_in(self.model.year)
        return MergerTerms(
            partner=partner,
            saving=float(e.coop_cost.total[coop] + e.coop_cost.total[partner] - cost.total[0]),
            merger_cost=scenario.costs.merger_cost * scenario.overhead_index(self.model.year),
            state_share=policy.merger_subsidy,
        )

    # --- levers and events ---------------------------------------------------------------

    def _set(self, values: dict[str, object]) -> None:
        """Set market or policy levers from the decision step about to run."""
        year = self.model.year
        keyed = {
            f"{k.split('.')[0]}.changes.{year}.{k.split('.')[1]}": v for k, v in values.items()
        }
        self.model.parameters = self.model.parameters.with_values(keyed)

    def lever_range(self, name: str) -> tuple[float, float, float]:
        """A lever's lowest and highest value and its step."""
        return LEVER_RANGES[self.grant_lever if name == "grant" else name]

    def set_lever(self, name: str, value: float) -> None:
        """Move one of the class's levers (:data:`LEVERS`); it acts from this round on.

        Raises:
            ValueError: an unknown lever, or a value outside its range.
        """
        if name not in LEVERS:
            raise ValueError(f"unknown lever {name!r}: one of {', '.join(LEVERS)}")
        low, high, _ = self.lever_range(name)
        if not low <= value <= high:
            raise ValueError(f"{name}: {value} is outside {low}–{high}")
        self.levers[name] = float(value)
        if name == "contractor_prices":
            self._set({f"market.{k}": v * value for k, v in self._base_hire.items()})
        elif name == "grant":
            self._set({f"policy.{self.grant_lever}": float(value)})
        elif name == "own_boss":
            self.farms.autonomy_share[:] = value
        else:
            self.farms.trust[:] = value
        self.economy = self._price(self.model.year + 1)

    def trigger(self, event: str) -> None:
        """Make an event of :data:`EVENTS` happen in the round being played.

        * drought: crop yields of the round's year fall to :data:`DROUGHT_YIELD` of normal;
        * price_fall: prices fall to :data:`PRICE_FALL` of what they were, for good;
        * grant_cut: no more grants for joining or founding;
        * broken_combine: the village's combines break down and are not replaced.

        Raises:
            ValueError: an unknown event.
        """
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}: one of {', '.join(EVENTS)}")
        scenario, year = self.model.parameters, self.model.year + 1
        market = scenario.market_in(year)
        if event == "drought":
            dry = {
                f"market.changes.{year}.crop_yield_index": market.crop_yield_index * DROUGHT_YIELD
            }
            dry[f"market.changes.{year + 1}.crop_yield_index"] = market.crop_yield_index
            self.model.parameters = scenario.with_values(dry)
        elif event == "price_fall":
            fall = {
                f"market.changes.{year}.price_crop": market.price_crop * PRICE_FALL,
                f"market.changes.{year}.price_livestock": market.price_livestock * PRICE_FALL,
            }
            self.model.parameters = scenario.with_values(fall)
        elif event == "grant_cut":
            cut = {"policy.member_grant": 0.0, "policy.start_up_grant": 0.0}
            self._set(cut | {"policy.merger_subsidy": 0.0})
            self.levers["grant"] = 0.0
        else:
            self.farms.owns[:, COMBINE] = False
        self.events.append(event)
        self.economy = self._price(self.model.year + 1)

    # --- a round ---------------------------------------------------------------------------

    def play(self, choices: dict[int, tuple[Action, int, int]]) -> Reveal:
        """Play the round: the players' choices, the model for everybody else.

        Args:
            choices: ``{farm: (action, coop, vote)}`` for the farms students play (see
                :class:`~coopsim.processes.players.PlayerChoices`); farms left out are
                played by the model.

        Raises:
            RuntimeError: every round has been played.
        """
        if self.done:
            raise RuntimeError("the game is over: every round has been played")
        model, farms = self.model, self.farms
        before = farms.coop.copy()
        was_farming = farms.farming.copy()
        coops_before = len(model.coops)
        model.players = PlayerChoices.of(choices) if choices else None
        logged = len(model.decision_log)
        try:
            model.step()
        finally:
            model.players = None
        after = farms.coop.copy()
        paid = np.zeros(len(farms))
        for row in model.decision_log[logged:]:
            if row["action"] in ("joined", "founded"):
                paid[row["farm"]] += row["one_off_cost"] - row["grant"]
        did = []
        for f in range(len(farms)):
            if was_farming[f] and not farms.farming[f]:
                did.append("quit")
            elif before[f] == after[f]:
                did.append("stayed")
            elif after[f] < 0:
                did.append("left")
            elif before[f] >= 0:
                did.append("moved")
            else:
                did.append("founded" if after[f] >= coops_before else "joined")
        self.economy = self._price(model.year)
        e = self.economy
        reveal = Reveal(
            round=self.round,
            did=did,
            coop_before=before.tolist(),
            coop_after=after.tolist(),
            income=np.where(e.member, e.payoff_member, e.payoff_alone).tolist(),
            income_alone=e.payoff_alone.tolist(),
            paid_once=paid.tolist(),
            coops=self._accounts(e),
            events=list(self.events),
        )
        self.history.append(reveal)
        self.events = []
        self.economy = self._price(model.year + 1)
        return reveal

    def _accounts(self, e: YearEconomy) -> list[CoopAccount]:
        coops, farms = self.model.coops, self.farms
        accounts = []
        for k in self.operating_coops():
            members = np.flatnonzero((farms.coop == k) & e.member)
            if not len(members):
                continue
            pooled = farms.owns[members].sum(axis=0) + coops.bought[k]
            accounts.append(
                CoopAccount(
                    coop=k,
                    members=members.tolist(),
                    machines=[int(m) for m in pooled],
                    cost=float(e.coop_cost.total[k]),
                    machinery_alone=float(e.machinery_alone[members].sum()),
                    machinery_shared=float(e.machinery_share[members].sum()),
                )
            )
        return accounts
