"""How coops judge their year: voice (R6) and the life cycle (R8).

Also winds up coops left with fewer than two members.
"""

from __future__ import annotations

import numpy as np

from coopsim.coops.year import Year, dissolve
from coopsim.economics import rules
from coopsim.economics.rules import Choice, Phase
from coopsim.economy import members_by_coop
from coopsim.entities import (
    ACTIVE,
    NO_COOP,
    PATRONAGE,
    PRIMARY,
    SHAPLEY,
)


def member_verdicts(y: Year) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """This year's verdict of members who stayed: their coops, gain and dissatisfaction.

    Members judge the year's operating income (payoff and recurring subsidies), not the
    one-off costs and grants of the decisions.

    Returns:
        Member farms, their coops, their gain over staying alone net of the autonomy
        premium (currency/year, subsidies included) and whether they were dissatisfied
        (rule R6).
    """
    e = y.economy
    idx, c = e.still_members(y.farms.coop)
    income = y.income if y.operating_income is None else y.operating_income
    gain = income[idx] - e.payoff_alone[idx] - e.autonomy_premium[idx]
    tolerance = y.scenario.behaviour.loyalty_threshold * np.maximum(e.revenue_alone[idx], 0)
    return idx, c, gain, -gain > tolerance


def give_voice(y: Year) -> None:
    """R6 voice: where most members are dissatisfied, they vote on the sharing rule.

    The coop switches between patronage and the Shapley value (rule R3) when more than
    half of its members would pay less under the other rule this year.
    """
    coops, e = y.coops, y.economy
    if not y.scenario.behaviour.voice:
        return
    idx, c, _, unhappy = member_verdicts(y)
    k = len(coops)
    share = np.bincount(c, weights=unhappy, minlength=k) / np.maximum(
        np.bincount(c, minlength=k), 1
    )
    loud = np.flatnonzero(coops.active(PRIMARY) & (share > 0.5))
    for coop, mine in members_by_coop(idx, c, loud):
        if coops.rule[coop] == PATRONAGE:
            other = e.shapley_shares(coops, coop, mine, y.rng, y.scenario.behaviour)
        else:
            other = e.patronage_shares(coop, mine)
        if (other < e.cost_share[mine]).sum() > len(mine) / 2:
            coops.rule[coop] = SHAPLEY if coops.rule[coop] == PATRONAGE else PATRONAGE
            y.events.coop_event(
                coop,
                f"rule_changed_to_{'shapley' if coops.rule[coop] == SHAPLEY else 'patronage'}",
                NO_COOP,
                coops.members[coop],
                coops.region[coop],
                PRIMARY,
            )
            y.events.count("rule_changes")


def advance_life_cycle(y: Year) -> None:
    """R8: move every registered primary coop to its next phase; act on choices."""
    coops = y.coops
    registered = np.flatnonzero(coops.registered(PRIMARY))
    if len(registered) == 0:
        return
    k = len(coops)
    _, c, gain, unhappy_member = member_verdicts(y)
    count = np.maximum(np.bincount(c, minlength=k), 1)
    mean_gain = np.bincount(c, weights=gain, minlength=k) / count
    unhappy = np.bincount(c, weights=unhappy_member, minlength=k) / count
    age = y.year - coops.founded[registered]
    new_phase = rules.next_phase(
        coops.phase[registered],
        age,
        coops.members[registered],
        coops.members_before[registered],
        mean_gain[registered],
        coops.years_in_phase[registered],
    )
    choosing = registered[
        (coops.phase[registered] == Phase.CHOICE) & (coops.status[registered] == ACTIVE)
    ]
    decision = rules.choice(mean_gain[choosing], unhappy[choosing])
    changed = new_phase != coops.phase[registered]
    coops.years_in_phase[registered] = np.where(changed, 0, coops.years_in_phase[registered] + 1)
    coops.phase[registered] = new_phase
    coops.members_before[registered] = coops.members[registered]
    coops.seeking_merger[choosing] = decision == Choice.TRANSITION
    dissolve(y, choosing[decision == Choice.EXIT], "dissolved_exit")


def dissolve_empty(y: Year) -> None:
    """Registered primary coops with fewer than two member farms are dissolved."""
    coops = y.coops
    small = np.flatnonzero(coops.registered(PRIMARY) & (coops.members < 2))
    dissolve(y, small, "dissolved_empty")
