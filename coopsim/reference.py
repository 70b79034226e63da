"""Farms' yearly decisions made one farm at a time: the reference implementation.

Slow and plain on purpose: each :class:`~coopsim.agents.Farm` agent looks at its own
situation with ordinary loops, exactly as :mod:`coopsim.decisions` describes, using
the same economics. The vectorised fast path must make the same decisions; the tests
check it, and ``benchmarks/step.py`` times both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from coopsim.agents import Farm
from coopsim.decisions import FOUNDING_ROUNDS, DecisionTerms, FarmChoices
from coopsim.economics import rules
from coopsim.economics.coop_costs import coop_cost
from coopsim.entities import ACTIVE, NO_COOP, PRIMARY

if TYPE_CHECKING:
    from coopsim.model import CoopModel


def decide_per_farm(model: CoopModel, terms: DecisionTerms, draw: np.ndarray) -> FarmChoices:
    """The same decisions as :func:`coopsim.decisions.decide`, farm by farm."""
    economy, farms, coops = model.economy, model.farms, model.coops
    behaviour = terms.behaviour
    choices = FarmChoices.empty(len(farms))
    proposing = set()
    for farm in sorted(model.agents_by_type[Farm], key=lambda f: f.index):
        i = farm.index
        if not farm.farming:
            continue
        outside = terms.outside_wage * farms.labour_units[i]
        rent = terms.land_rent * farms.land_ha[i]
        if (
            rules.quits_farming(
                farms.expected_income[i], outside, rent, behaviour.farm_exit_threshold
            )
            and draw[i, 1] < behaviour.farm_exit_rate
        ):
            choices.quits[i] = True
            continue
        if economy.member[i]:
            choices.leaves[i] = farms.bad_years[i] >= behaviour.exit_after_bad_years
            continue
        revises = draw[i, 0] < behaviour.revision_probability * farms.awareness[i]
        if farm.coop != NO_COOP or not revises:
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
            gain = terms.gain(economy, farms, i, offer.payoff[0])
            if not rules.admits(extra, offer.cost_share[0]):
                gain = -np.inf
            if np.isnan(choices.gain[i]) or gain > choices.gain[i]:
                choices.gain[i] = gain
                choices.option[i] = k
                choices.option_payoff[i] = offer.payoff[0]
                choices.option_machinery[i] = offer.machinery_share[0]
        if choices.gain[i] > 0:
            choices.join[i] = choices.option[i]
        else:
            proposing.add(int(farms.village[i]))

    would_found = []
    for farm in sorted(model.agents_by_type[Farm], key=lambda f: f.index):
        i = farm.index
        listens = farm.farming and farm.coop == NO_COOP and draw[i, 0] < farms.awareness[i]
        if (
            listens
            and not choices.quits[i]
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
                if len(members) >= behaviour.min_founders:
                    choices.founds[members] = True
                break
            members = gaining
            if not members:
                break
    return choices


def _founding_gains(
    model: CoopModel, terms: DecisionTerms, choices: FarmChoices, members: list[int]
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
        gain = terms.gain(economy, farms, i, offer.payoff[0], len(members))
        if np.isnan(choices.gain[i]) or gain > choices.gain[i]:
            choices.gain[i] = gain
            choices.option[i] = NO_COOP
            choices.option_payoff[i] = offer.payoff[0]
            choices.option_machinery[i] = offer.machinery_share[0]
        gains.append(gain)
    return gains
