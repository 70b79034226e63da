"""Farms' yearly decisions made one farm at a time: the reference implementation.

Slow and plain on purpose: each :class:`~coopsim.agents.Farm` agent looks at its own
situation with ordinary loops, exactly as :mod:`coopsim.processes.farm_exit`,
:mod:`~coopsim.processes.leaving` and :mod:`~coopsim.processes.joining` describe,
using the same economics. The vectorised processes must make the same decisions; the
tests check it, and ``benchmarks/step.py`` times both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from coopsim.economics import rules
from coopsim.economics.coop_costs import coop_cost
from coopsim.entities import ACTIVE, NO_COOP, PRIMARY
from coopsim.processes.joining import FOUNDING_ROUNDS, JoinChoices, JoinTerms
from coopsim.scenario import MarketLevers

if TYPE_CHECKING:
    from coopsim.model import CoopModel


def decide_per_farm(
    model: CoopModel,
    market: MarketLevers,
    terms: JoinTerms,
    draw: np.ndarray,
    funds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, JoinChoices]:
    """The farms' decisions of the year, farm by farm.

    Args:
        model: the model, with this year's economy.
        market: this year's market levers (off-farm wage, land rent, technology, credit).
        terms: this year's terms for joining and founding.
        draw: one uniform number per farm, (N,): whether it revises its membership.
        funds: what each farm could pay in: savings and credit (currency).

    Returns:
        Who quits farming, who leaves their coop, and the joining and founding choices:
        what :mod:`~coopsim.processes.farm_exit`, :mod:`~coopsim.processes.leaving` and
        :mod:`~coopsim.processes.joining` decide.
    """
    economy, farms, coops = model.economy, model.farms, model.coops
    years_done = model.year - model.parameters.start_year
    behaviour = terms.behaviour
    quits = np.zeros(len(farms), bool)
    leaves = np.zeros(len(farms), bool)
    choices = JoinChoices.empty(len(farms))
    proposing = set()
    agents = model.farm_agents()
    for farm in agents:
        i = farm.index
        if not farm.farming:
            continue
        own_land = max(farms.land_ha[i] - farms.rented_ha[i], 0.0)
        need = (
            model.parameters.costs.farm_fixed_labour + farms.labour_units[i] * market.labour_index
        )
        farm_labour = min(need, farms.household_labour[i])
        review = rules.review_due(farms.review_phase[i], years_done, behaviour.review_years)
        leaves_farming = rules.quits_farming(
            farms.expected_income[i],
            economy.autonomy_premium[i],
            market.off_farm_wage * farm_labour,
            market.land_rent * own_land,
        )
        if (review and leaves_farming) or rules.insolvent(
            farms.cash[i], market.credit_per_ha * own_land
        ):
            quits[i] = True
            continue
        if economy.member[i]:
            leaves[i] = farms.bad_years[i] >= behaviour.exit_after_bad_years
            continue
        revises = draw[i] < behaviour.revision_probability * farms.awareness[i]
        if farm.coop != NO_COOP or not revises or funds[i] < terms.join_cost:
            continue
        choices.considered[i] = True
        known = set()
        for j in farm.neighbours():
            k = farms.coop[j]
            if k != NO_COOP and coops.status[k] == ACTIVE and coops.tier[k] == PRIMARY:
                known.add(int(k))
        for k in sorted(known):
            one = np.array([i])
            after = economy.coop_group.take(np.array([k])) + economy.farm_group(one)
            offer = economy.payoff_in(one, after, economy.coop_price[[k]])
            extra = coop_cost(after, economy.params).total[0] - economy.coop_cost.total[k]
            gain = terms.gain(economy, farms, i, offer.benefit[0])
            if not rules.admits(extra, offer.cost_share[0]):
                gain = -np.inf
            if np.isnan(choices.gain[i]) or gain > choices.gain[i]:
                choices.gain[i] = gain
                choices.option[i] = k
                choices.option_payoff[i] = offer.benefit[0]
                choices.option_machinery[i] = offer.machinery_share[0]
        if choices.gain[i] > 0:
            choices.join[i] = choices.option[i]
        else:
            proposing.add(int(farms.village[i]))

    would_found = []
    for farm in agents:
        i = farm.index
        listens = farm.farming and farm.coop == NO_COOP and draw[i] < farms.awareness[i]
        if (
            listens
            and funds[i] >= terms.join_cost
            and not quits[i]
            and choices.join[i] == NO_COOP
            and int(farms.village[i]) in proposing
        ):
            would_found.append(i)
    by_village = defaultdict(list)
    for i in would_found:
        by_village[int(farms.village[i])].append(i)
    for village in sorted(by_village):
        members = by_village[village]
        for _ in range(FOUNDING_ROUNDS):
            gains = _founding_gains(model, terms, choices, members)
            gaining = [i for i, gain in zip(members, gains, strict=True) if gain > 0]
            if len(gaining) == len(members):  # everyone asked gains: the group is settled
                share = terms.found_cost / len(members)
                paying = [i for i in members if funds[i] >= terms.join_cost + share]
                if len(paying) >= behaviour.min_founders:
                    choices.founds[paying] = True
                break
            members = gaining
            if not members:
                break
    return quits, leaves, choices


def _founding_gains(
    model: CoopModel, terms: JoinTerms, choices: JoinChoices, members: list[int]
) -> list[float]:
    """Each member's gain from a coop of ``members`` (rule R1); keeps its best offer."""
    economy, farms = model.economy, model.farms
    group = economy.farm_group(np.array(members[:1]))
    for j in members[1:]:
        group = group + economy.farm_group(np.array([j]))
    price = economy.new_coop_price(group, np.array([farms.region[members[0]]], dtype=np.int64))
    gains = []
    for i in members:
        offer = economy.payoff_in(np.array([i]), group, price)
        gain = terms.gain(economy, farms, i, offer.benefit[0], len(members))
        if np.isnan(choices.gain[i]) or gain > choices.gain[i]:
            choices.gain[i] = gain
            choices.option[i] = NO_COOP
            choices.option_payoff[i] = offer.benefit[0]
            choices.option_machinery[i] = offer.machinery_share[0]
        gains.append(gain)
    return gains
