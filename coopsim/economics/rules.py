"""The decision rules of the model brief, each a small pure function.

* R1 join or stay (Sexton 1986; Fulton & Adamowicz 1993; Krejci & Beamon 2015)
* R2 stability of a coop against seceding sub-groups (Sexton 1986; Aurbacher et al. 2007)
* R6 exit after repeated dissatisfaction (Hirschman 1970)
* R7 merger (Cramer 1967)
* R8 life cycle (Cook 1995, 2018)
* farm exit (as in AgriPoliS, Happe et al. 2006)

Payoffs are in currency per year; one-off costs and grants are spread over the
farm's planning horizon so they compare with yearly payoffs.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


def join_gain(
    payoff_member: np.ndarray,
    payoff_alone: np.ndarray,
    autonomy_premium: np.ndarray,
    trust: np.ndarray,
    one_off_cost: np.ndarray | float,
    one_off_grant: np.ndarray | float,
    horizon_years: float,
) -> np.ndarray:
    """R1: how much better than staying alone joining a coop looks (currency/year).

    The farm joins when this is positive: the yearly payoff it expects as a member,
    less what it expects alone, plus one-off grants less one-off costs (equity,
    switching, founding) spread over its horizon, must exceed its autonomy premium.
    Trust weighs what cooperation promises: a farm believes ``trust`` of a promised
    gain, but a loss it can see counts in full (distrust never makes a bad offer look
    better).

    Args:
        payoff_member: expected yearly payoff as a member (currency/year).
        payoff_alone: yearly payoff alone (currency/year).
        autonomy_premium: a_i, the value of being one's own boss (currency/year).
        trust: 0–1, how much of a promised gain the farm believes.
        one_off_cost: equity contribution, switching and founding costs (currency).
        one_off_grant: member and start-up grants expected (currency).
        horizon_years: years over which one-off amounts are spread.
    """
    difference = payoff_member - payoff_alone
    return (
        np.where(difference > 0, trust * difference, difference)
        + (np.asarray(one_off_grant) - one_off_cost) / horizon_years
        - autonomy_premium
    )


def paper_coop_gain(
    grants: np.ndarray | float,
    registration_cost: np.ndarray | float,
    audit_probability: float,
    clawback_share: float,
    horizon_years: float,
) -> np.ndarray:
    """R8 capture: what registering a coop that will exist only on paper brings a founder.

    The grants it captures (currency), less its part of the registration cost, less the
    grants it expects to pay back: the chance that an audit finds the coop within its
    planning horizon, 1 − (1 − a)^H, times the share clawed back. Founders register when
    this is positive. Without grants it never is; enforcement and clawback shrink it.
    """
    exposed = 1.0 - (1.0 - audit_probability) ** horizon_years
    return np.asarray(grants) * (1.0 - clawback_share * exposed) - registration_cost


def admits(extra_cost: np.ndarray, cost_share: np.ndarray) -> np.ndarray:
    """R1: a coop admits a farm whose cost share covers the extra cost it brings.

    So no incumbent pays more on its account (all currency/year).
    """
    return extra_cost <= cost_share + 1e-6


def secedes(
    share_of_subgroup: np.ndarray,
    cost_alone: np.ndarray,
    setup_cost: float,
    horizon_years: float = 1.0,
) -> np.ndarray:
    """R2: a sub-group secedes when what it pays inside exceeds its own coop's cost.

    Args:
        share_of_subgroup: the sub-group's cost shares added up (currency/year).
        cost_alone: C(sub-group) as a coop of its own (currency/year).
        setup_cost: set-up cost of the new coop (currency).
        horizon_years: years over which the set-up cost is spread, as farms spread
            one-off costs when they decide to join (rule R1).
    """
    return share_of_subgroup > cost_alone + setup_cost / horizon_years


def dissatisfied(
    payoff_member: np.ndarray,
    payoff_alone: np.ndarray,
    autonomy_premium: np.ndarray,
    tolerance: np.ndarray,
) -> np.ndarray:
    """R6: whether a member is dissatisfied this year.

    It is when staying alone plus its autonomy premium would have beaten membership by
    more than its tolerance (all currency/year).
    """
    return payoff_alone + autonomy_premium - payoff_member > tolerance


def bad_years_after(bad_years: np.ndarray, dissatisfied_now: np.ndarray) -> np.ndarray:
    """R6: consecutive dissatisfied years, reset by a good year."""
    return np.where(dissatisfied_now, bad_years + 1, 0)


def leaves(bad_years: np.ndarray, years_to_leave: int) -> np.ndarray:
    """R6: a member leaves after ``years_to_leave`` consecutive bad years."""
    return bad_years >= years_to_leave


def merger_saving(
    cost_a: np.ndarray,
    cost_b: np.ndarray,
    cost_merged: np.ndarray,
    merger_cost: float,
    borne_by_others: np.ndarray | float,
    horizon_years: float = 1.0,
) -> np.ndarray:
    """R7: C_A + C_B − C_AB less the merger cost the coops bear (currency/year).

    Others may bear ``borne_by_others`` (0–1) of the merger cost: the state's merger
    subsidy, a merger plan's organisers. What is left is spread over ``horizon_years``,
    as farms spread one-off costs (rule R1).
    """
    borne = merger_cost * (1.0 - np.asarray(borne_by_others))
    return cost_a + cost_b - cost_merged - borne / horizon_years


def majority_gains(
    share_before: np.ndarray, share_after: np.ndarray, coop: np.ndarray, n_coops: int
) -> np.ndarray:
    """R7: for each coop, whether more than half of its members would pay less.

    Args:
        share_before: each member's cost share now (currency/year).
        share_after: its cost share in the merged coop (currency/year).
        coop: each member's coop index (0 … n_coops−1).
        n_coops: number of coops.
    """
    gains = np.bincount(coop, weights=share_after < share_before, minlength=n_coops)
    counts = np.bincount(coop, minlength=n_coops)
    return gains > counts / 2


def quits_farming(
    expected_farm_income: np.ndarray,
    autonomy_premium: np.ndarray,
    wage_for_farm_labour: np.ndarray,
    rent_for_own_land: np.ndarray,
) -> np.ndarray:
    """Farm exit at a review (AgriPoliS-style opportunity costs; Happe et al. 2006).

    The farm (its successor, at a succession) leaves farming when what the farm's own
    labour would earn off the farm plus the rent its own land would fetch beats the
    income it expects from farming plus the value of being its own boss (all
    currency/year). A farm expecting a loss
    leaves even with nothing outside, unless being its own boss is worth the loss.
    """
    return wage_for_farm_labour + rent_for_own_land > expected_farm_income + autonomy_premium


def review_due(phase: np.ndarray, years_done: int, review_years: float) -> np.ndarray:
    """Whether each farm weighs going on this year: once every ``review_years``.

    A farm's reviews (a succession, its main machine or building due for replacement)
    come at a steady rhythm; ``phase`` (0–1) is where in its cycle it stood at the start,
    so that the farms' reviews are spread evenly over the years, not bunched.

    Args:
        phase: each farm's position in its cycle at the start (0–1).
        years_done: whole years simulated before this one (0 in the first year).
        review_years: years between two reviews of a farm.
    """
    before = np.floor(years_done / review_years + phase)
    return np.floor((years_done + 1) / review_years + phase) > before


def insolvent(cash: np.ndarray, credit_limit: np.ndarray) -> np.ndarray:
    """A farm whose losses have used up its savings and its credit must give up (currency)."""
    return cash < -credit_limit


class Phase(IntEnum):
    """R8: life-cycle phases of a cooperative (Cook 1995, 2018)."""

    JUSTIFICATION = 0
    DESIGN = 1
    GROWTH = 2
    INTROSPECTION = 3
    CHOICE = 4


def next_phase(
    phase: np.ndarray,
    age_years: np.ndarray,
    members_now: np.ndarray,
    members_before: np.ndarray,
    mean_member_gain: np.ndarray,
    years_in_phase: np.ndarray,
) -> np.ndarray:
    """R8: the phase each coop moves to at the end of a year.

    Justification (founding year) → design (first operating year) → growth while the
    membership grows and members gain; a year without growth, or with members losing,
    starts introspection; a second stalled year in introspection (``years_in_phase``
    counts the years already completed in it) forces a choice (exit, continue or
    transition, see :func:`choice`); a coop that continues goes back to growth.
    """
    out = phase.copy()
    out[(phase == Phase.JUSTIFICATION) & (age_years >= 1)] = Phase.DESIGN
    out[(phase == Phase.DESIGN) & (age_years >= 2)] = Phase.GROWTH
    stalled = (members_now <= members_before) | (mean_member_gain < 0)
    out[(phase == Phase.GROWTH) & stalled] = Phase.INTROSPECTION
    out[(phase == Phase.INTROSPECTION) & ~stalled] = Phase.GROWTH
    out[(phase == Phase.INTROSPECTION) & stalled & (years_in_phase >= 1)] = Phase.CHOICE
    out[phase == Phase.CHOICE] = Phase.GROWTH
    return out


class Choice(IntEnum):
    """R8: what a coop in the choice phase does."""

    CONTINUE = 0
    EXIT = 1
    TRANSITION = 2


def choice(mean_member_gain: np.ndarray, dissatisfied_share: np.ndarray) -> np.ndarray:
    """R8: what a coop in the choice phase does.

    Exit when members lose on average; seek a merger (transition) when most members
    are dissatisfied; otherwise continue.
    """
    return np.where(
        mean_member_gain < 0,
        Choice.EXIT,
        np.where(dissatisfied_share > 0.5, Choice.TRANSITION, Choice.CONTINUE),
    )
