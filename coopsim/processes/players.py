"""Players: farms whose decisions a person makes instead of the rules (the classroom game).

In the classroom game (:mod:`coopsim.classroom`) each student plays one farm of the
village. The model decides every other farm by its rules, as always; for a player's
farm the student's choice of the year replaces the rule's:

* **stay** — a member stays in its coop; a farm outside any coop stays alone;
* **join** coop *k* — enter an operating coop (a member of another coop leaves it first);
* **found** — take part in founding a coop in the village: every farm founding there
  this year, player or not, founds one coop together, if they are at least
  ``behaviour.min_founders``; otherwise nobody founds and the farm stays as it was;
* **leave** — a member leaves its coop.

A player's farm never quits farming, whatever its review says: the student plays on.
A player's vote on a merger of its coop (``vote``) replaces what the rule would weigh
for it (:mod:`coopsim.processes.mergers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from coopsim.entities import NO_COOP, PRIMARY, Coops, Farms


class Action(IntEnum):
    """What a player chose for the year."""

    STAY = 0
    JOIN = 1
    FOUND = 2
    LEAVE = 3


@dataclass(frozen=True)
class PlayerChoices:
    """The players' choices for one year, one entry per player's farm.

    Attributes:
        farm: the farms the players play (indices), (P,).
        action: each player's :class:`Action`, (P,).
        coop: the coop a player joins (index), ``NO_COOP`` for other actions, (P,).
        vote: on a merger of the player's coop: 1 for, -1 against, 0 let the rule weigh
            it, (P,).
    """

    farm: np.ndarray
    action: np.ndarray
    coop: np.ndarray
    vote: np.ndarray

    @classmethod
    def of(cls, choices: dict[int, tuple[Action, int, int]]) -> PlayerChoices:
        """From ``{farm: (action, coop, vote)}``."""
        farms = sorted(choices)
        rows = [choices[f] for f in farms]
        return cls(
            farm=np.array(farms, np.int64),
            action=np.array([int(r[0]) for r in rows], np.int64),
            coop=np.array([r[1] for r in rows], np.int64),
            vote=np.array([r[2] for r in rows], np.int64),
        )

    def votes(self, n_farms: int) -> np.ndarray:
        """Each farm's merger vote (1, -1, or 0 for farms the rules decide), (N,)."""
        vote = np.zeros(n_farms, np.int64)
        vote[self.farm] = self.vote
        return vote


def hold(
    players: PlayerChoices,
    farms: Farms,
    coops: Coops,
    min_founders: int,
    quits: np.ndarray,
    leaves: np.ndarray,
    join: np.ndarray,
    founds: np.ndarray,
    considered: np.ndarray,
) -> None:
    """Replace the rules' decisions of the players' farms by the players' choices, in place.

    Args:
        players: the players' choices.
        farms: the farms at the start of the decision step.
        coops: the coops at the start of the decision step.
        min_founders: fewest farms that found a coop (``behaviour.min_founders``).
        quits: farms quitting farming (N,).
        leaves: members leaving their coop (N,).
        join: the coop each farm joins, ``NO_COOP`` for none (N,).
        founds: farms founding a coop in their village (N,).
        considered: farms that weighed joining or founding (logged) (N,).

    A join of a coop that does not operate is void (the farm stays as it was), and so is
    a member's choice to found or to join the coop it is in, and any choice for a farm
    that has stopped farming.
    """
    farming = farms.farming[players.farm]  # a farm that has quit is out of the game
    f, action, target = players.farm[farming], players.action[farming], players.coop[farming]
    member = farms.coop[f] != NO_COOP
    operating = np.zeros(len(f), bool)
    valid = (target >= 0) & (target < len(coops))
    operating[valid] = coops.active(PRIMARY)[target[valid]]
    joins = (action == Action.JOIN) & operating & (target != farms.coop[f])
    quits[f] = False
    leaves[f] = member & ((action == Action.LEAVE) | joins)
    join[f] = np.where(joins, target, NO_COOP)
    founds[f] = (action == Action.FOUND) & ~member
    considered[f] = ~member | (action == Action.JOIN)
    # a village's founders found together, or not at all
    village = farms.village
    founders = np.flatnonzero(founds)
    size = np.bincount(village[founders], minlength=int(village.max()) + 1)
    founds[founders[size[village[founders]] < min_founders]] = False
