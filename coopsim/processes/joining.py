"""Joining and founding (rule R1): farms outside any coop weigh joining one or founding one.

Every farm decides on the same information, the state at the start of the decision
step (simultaneous revision, a documented design choice: see ``docs/odd.md``), so
the outcome does not depend on any order of farms and the seed fixes it.

1. **Join** (Sexton 1986; Fulton & Adamowicz 1993): a farm outside any coop that
   revises this year (chance ``revision_probability`` x its awareness) looks at the
   operating coops its network neighbours belong to, asks each what it would pay and
   earn there, and joins the best one if the gain beats its autonomy premium and the
   coop admits it (a coop admits a farm whose cost share covers the extra cost it
   brings).
2. **Found**: a revising farm with no coop worth joining sounds out its village: every
   farm there outside any coop that listens this year (chance: its awareness) is asked
   whether it would gain from a coop of all who listen; those who would are asked again
   with that smaller group, and so on until everyone left gains from a coop of exactly
   those left; they found it if they are at least ``min_founders``. A village not
   settled after ``FOUNDING_ROUNDS`` rounds founds nothing that year. At most one coop
   is founded per village and year.

:func:`decide` makes these decisions for all farms at once; :func:`apply` enters the
joiners, registers the new coops, has the grants paid and logs every decision.
:mod:`coopsim.reference` makes the same decisions farm by farm, in plain loops, and
the tests check that both agree. The gain itself is
:func:`coopsim.economics.rules.join_gain`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from coopsim.economics import rules
from coopsim.economics.coop_costs import coop_cost
from coopsim.entities import ACTIVE, NO_COOP, PRIMARY, Coops, Farms, sorted_groups
from coopsim.processes.markets import YearEconomy
from coopsim.processes.register import enter_members, register_coops
from coopsim.processes.subsidies import pay_founding_grants, pay_member_grants
from coopsim.processes.year import Year
from coopsim.scenario import Behaviour, PolicyLevers, Scenario

FOUNDING_ROUNDS = 10
"""Most rounds of sounding out a village before founders settle (rule R1, founding)."""


@dataclass(frozen=True)
class JoinTerms:
    """The year's terms every farm weighs joining or founding on.

    Attributes:
        behaviour: behavioural parameters.
        join_cost: one-off cost of joining: equity plus switching (currency).
        found_cost: one-off cost of founding a coop, shared by its founders (currency).
        member_grant: expected grant on joining (currency).
        start_up_grant: expected grant to a new coop, shared by its founders (currency).
    """

    behaviour: Behaviour
    join_cost: float
    found_cost: float
    member_grant: float
    start_up_grant: float

    @classmethod
    def of_year(cls, y: Year) -> JoinTerms:
        """Terms for a year; grants are expected at last year's payout ratio (budget)."""
        return cls.of(y.scenario, y.policy, y.overhead, y.payout_ratio)

    @classmethod
    def of(
        cls, scenario: Scenario, policy: PolicyLevers, overhead: float, payout_ratio: float
    ) -> JoinTerms:
        """Terms under ``policy``.

        Overheads cost ``overhead`` times the scenario's; grants are expected at
        ``payout_ratio`` of their amount.
        """
        costs = scenario.costs
        return cls(
            behaviour=scenario.behaviour,
            join_cost=costs.equity_per_member + costs.switching_cost,
            found_cost=costs.founding_cost * overhead,
            member_grant=policy.member_grant * payout_ratio,
            start_up_grant=policy.start_up_grant * payout_ratio,
        )

    def gain(
        self,
        economy: YearEconomy,
        farms: Farms,
        who: np.ndarray | int,
        payoff: np.ndarray | float,
        founders: np.ndarray | int | None = None,
    ) -> np.ndarray:
        """R1: the gain of farms ``who`` from an offer paying ``payoff`` (currency/year).

        Args:
            economy: the year's economy (payoff alone, autonomy premium).
            farms: farm state (trust).
            who: the farms judging the offer.
            payoff: what each expects as a member (currency/year).
            founders: for a new coop, how many found it: they share its founding cost
                and its start-up grant.
        """
        one_off, grant = self.join_cost, self.member_grant
        if founders is not None:
            one_off = one_off + self.found_cost / founders
            grant = grant + self.start_up_grant / founders
        return rules.join_gain(
            payoff,
            economy.payoff_alone[who],
            economy.autonomy_premium[who],
            farms.trust[who],
            one_off,
            grant,
            self.behaviour.planning_horizon_years,
        )


@dataclass
class JoinChoices:
    """What each farm outside a coop decided this year (arrays of length N).

    Attributes:
        join: the coop it joins, or -1 (rule R1).
        founds: is among the founders of its village's new coop.
        considered: revised this year and weighed its options.
        gain: the best option's gain over staying alone, net of the autonomy
            premium (currency/year); NaN when not considered.
        option: the coop of that best option, or -1 (a new coop or none).
        option_payoff: what it expects in that option, the value of an assured outlet
            included (currency/year).
        option_machinery: machinery cost share expected in it (currency/year).
    """

    join: np.ndarray
    founds: np.ndarray
    considered: np.ndarray
    gain: np.ndarray
    option: np.ndarray
    option_payoff: np.ndarray
    option_machinery: np.ndarray

    @classmethod
    def empty(cls, n: int) -> JoinChoices:
        """No farm has decided anything yet."""
        return cls(
            join=np.full(n, NO_COOP, dtype=np.int64),
            founds=np.zeros(n, bool),
            considered=np.zeros(n, bool),
            gain=np.full(n, np.nan),
            option=np.full(n, NO_COOP, dtype=np.int64),
            option_payoff=np.full(n, np.nan),
            option_machinery=np.full(n, np.nan),
        )


def listening(farms: Farms, draw: np.ndarray) -> np.ndarray:
    """Farms outside any coop that would listen to an offer this year (chance: awareness).

    ``draw`` is uniform in [0, 1), one per farm; revising farms are a subset of
    listening ones.
    """
    return farms.farming & (farms.coop == NO_COOP) & (draw < farms.awareness)


def revising(farms: Farms, behaviour: Behaviour, draw: np.ndarray) -> np.ndarray:
    """Farms outside any coop that reconsider this year on their own."""
    return listening(farms, draw) & (draw < behaviour.revision_probability * farms.awareness)


def founding_gain(
    economy: YearEconomy,
    founders: np.ndarray,
    farms: Farms,
    terms: JoinTerms,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gain of each would-be founder from a coop of all would-be founders of its village.

    Args:
        economy: the year's economy.
        founders: farm indices, in increasing order (so villages come in runs).
        farms: farm state (village, region, trust).
        terms: the year's terms.

    Returns:
        Gain (currency/year), expected payoff and machinery share of each founder.
    """
    _, group_of, first = sorted_groups(farms.village[founders])
    region = farms.region[founders[first]].astype(np.int64)
    group = economy.groups_of_farms(founders, group_of, len(first))
    price = economy.new_coop_price(group, region)
    offer = economy.payoff_in(founders, group, price, which=group_of)
    gain = terms.gain(economy, farms, founders, offer.benefit, group.members[group_of])
    return gain, offer.benefit, offer.machinery_share


def decide(
    economy: YearEconomy,
    farms: Farms,
    coops: Coops,
    adjacency: sparse.csr_array,
    terms: JoinTerms,
    draw: np.ndarray,
    quits: np.ndarray,
    funds: np.ndarray,
) -> JoinChoices:
    """All farms' joining and founding decisions this year, vectorised.

    Args:
        economy: the year's economy.
        farms: the farms' state at the start of the decision step.
        coops: the coops' state at the start of the decision step.
        adjacency: the social network.
        terms: the year's terms.
        draw: one uniform number per farm in [0, 1): who revises and who listens, (N,).
        quits: farms that quit farming this year (they weigh nothing).
        funds: what each farm could pay in: savings, credit and concessional member
            credit (currency). A farm that cannot pay its equity and joining costs, or
            its part of a new coop's founding cost, cannot join or found.
    """
    choices = JoinChoices.empty(len(farms))
    can_join = funds >= terms.join_cost
    eligible = revising(farms, terms.behaviour, draw) & ~quits & can_join
    choices.considered[:] = eligible
    _join(economy, farms, coops, adjacency, terms, eligible, choices)
    _found(economy, farms, terms, draw, eligible, quits | ~can_join, choices)
    # a founder must also pay its part of the founding cost; a group left smaller than
    # min_founders founds nothing
    founders = np.flatnonzero(choices.founds)
    size = np.bincount(farms.village[founders])[farms.village[founders]]
    choices.founds[founders[funds[founders] < terms.join_cost + terms.found_cost / size]] = False
    founders = np.flatnonzero(choices.founds)
    size = np.bincount(farms.village[founders])[farms.village[founders]]
    choices.founds[founders[size < terms.behaviour.min_founders]] = False
    return choices


def _join(
    economy: YearEconomy,
    farms: Farms,
    coops: Coops,
    adjacency: sparse.csr_array,
    terms: JoinTerms,
    eligible: np.ndarray,
    choices: JoinChoices,
) -> None:
    """Each eligible farm joins the best operating coop of its neighbours (R1)."""
    rows = np.flatnonzero(eligible)
    sub = adjacency[rows]
    farm = rows[np.repeat(np.arange(len(rows)), np.diff(sub.indptr))]
    coop = farms.coop[sub.indices].astype(np.int64)
    ok = coop != NO_COOP
    ok[ok] = coops.active(PRIMARY)[coop[ok]]
    k = max(len(coops), 1)
    pairs = np.unique(farm[ok] * k + coop[ok])
    farm, coop = pairs // k, pairs % k

    after = economy.coop_group.take(coop) + economy.farm_group(farm)
    offer = economy.payoff_in(farm, after, economy.coop_price[coop])
    extra_cost = coop_cost(after, economy.params).total - economy.coop_cost.total[coop]
    admitted = rules.admits(extra_cost, offer.cost_share)
    gain = np.where(admitted, terms.gain(economy, farms, farm, offer.benefit), -np.inf)

    # the best offer per farm: highest gain, then lowest coop index
    order = np.lexsort((coop, -gain, farm))
    first = order[np.r_[True, farm[order][1:] != farm[order][:-1]]] if len(order) else order
    best_farm = farm[first]
    choices.gain[best_farm] = gain[first]
    choices.option[best_farm] = coop[first]
    choices.option_payoff[best_farm] = offer.benefit[first]
    choices.option_machinery[best_farm] = offer.machinery_share[first]
    joins = gain[first] > 0
    choices.join[best_farm[joins]] = coop[first[joins]]


def _found(
    economy: YearEconomy,
    farms: Farms,
    terms: JoinTerms,
    draw: np.ndarray,
    eligible: np.ndarray,
    left_out: np.ndarray,
    choices: JoinChoices,
) -> None:
    """Founding, village by village, in rounds of sounding out.

    ``left_out`` are farms that cannot take part: they quit farming, or cannot pay
    their equity.
    """
    villages = farms.village.max() + 1 if len(farms) else 0
    proposing = np.zeros(villages, bool)
    proposing[farms.village[eligible & (choices.join == NO_COOP)]] = True
    asked = listening(farms, draw) & ~left_out & (choices.join == NO_COOP)
    founders = np.flatnonzero(asked & proposing[farms.village])
    # villages where nobody dropped out are settled and need not be asked again
    settled = []
    for _ in range(FOUNDING_ROUNDS):
        gain, payoff, machinery = founding_gain(economy, founders, farms, terms)
        better = np.isnan(choices.gain[founders]) | (gain > choices.gain[founders])
        upd = founders[better]
        choices.gain[upd] = gain[better]
        choices.option[upd] = NO_COOP
        choices.option_payoff[upd] = payoff[better]
        choices.option_machinery[upd] = machinery[better]
        keep = gain > 0
        dropped = np.zeros(villages, bool)
        dropped[farms.village[founders[~keep]]] = True
        still = dropped[farms.village[founders]]
        settled.append(founders[keep & ~still])
        founders = founders[keep & still]
        if len(founders) == 0:
            break
    founders = np.sort(np.concatenate(settled))  # villages still unsettled found nothing
    size = np.bincount(farms.village[founders], minlength=villages)
    choices.founds[founders[size[farms.village[founders]] >= terms.behaviour.min_founders]] = True


def apply(y: Year, choices: JoinChoices) -> None:
    """Carry out the decisions: joiners enter their coops, founders register theirs.

    Joiners and founders pay their equity and switching costs, founders share the
    founding cost; the grants they are due are paid (:mod:`~coopsim.processes.subsidies`).
    Every farm that weighed its options is logged with what it compared.
    """
    farms, costs = y.farms, y.scenario.costs
    join_cost = costs.equity_per_member + costs.switching_cost

    joining = np.flatnonzero(choices.join != NO_COOP)
    enter_members(y, joining, choices.join[joining])
    y.events.count("joins", len(joining))
    join_grants = pay_member_grants(y, joining, operating=True)
    y.income[joining] -= join_cost

    founders = np.flatnonzero(choices.founds)
    _, group_of, _ = sorted_groups(farms.village[founders])
    new = register_coops(y, founders, group_of, ACTIVE, "founded", equity=True)
    founder_grants = pay_founding_grants(y, new, founders, operating=True)
    y.events.count("foundings", len(new))
    founding_share = costs.founding_cost * y.overhead / np.bincount(group_of)[group_of]
    y.income[founders] -= join_cost + founding_share

    if not y.events.log_decisions:  # the log is asked for (``--decisions``) or not kept
        return
    stayed = np.flatnonzero(choices.considered & (choices.join == NO_COOP) & ~choices.founds)
    for action, who, grants, shares in (
        ("joined", joining, join_grants, np.zeros(len(joining))),
        ("founded", founders, founder_grants, founding_share),
        ("stayed alone", stayed, np.zeros(len(stayed)), np.zeros(len(stayed))),
    ):
        for i, grant, share in zip(who.tolist(), grants, shares, strict=True):
            coop = choices.option[i] if action == "stayed alone" else farms.coop[i]
            y.log_decision(
                i,
                action,
                int(coop),
                payoff_option=choices.option_payoff[i],
                machinery_option=choices.option_machinery[i],
                gain=choices.gain[i],
                grant=grant,
                one_off_cost=join_cost + share,
            )
