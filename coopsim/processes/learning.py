"""Learning on the network: awareness of the programme and trust in cooperation (step 6).

Awareness spreads by word of mouth from aware neighbours and from information
campaigns; trust follows what neighbours experienced in coops this year (the share
of them satisfied, rule R6's test). The network itself is :mod:`coopsim.network`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from coopsim.entities import Farms
from coopsim.network import neighbour_mean
from coopsim.scenario import Behaviour


def spread_awareness(
    awareness: np.ndarray,
    neighbours_mean: np.ndarray,
    neighbours_count: np.ndarray,
    contagion: float,
    campaign: float,
) -> np.ndarray:
    """One year of awareness spreading (0–1): word of mouth plus an information campaign.

    Each farm closes ``contagion`` of the gap to the mean awareness of its neighbours
    still farming (when they are more aware), then the campaign reaches ``campaign`` of
    what is left. Awareness never falls.
    """
    heard = awareness + contagion * np.maximum(neighbours_mean - awareness, 0.0) * (
        neighbours_count > 0
    )
    return heard + campaign * (1.0 - heard)


def learn_trust(
    trust: np.ndarray,
    satisfied_share: np.ndarray,
    members_around: np.ndarray,
    rate: float,
) -> np.ndarray:
    """One year of trust learning (0–1) from what neighbours experience in coops.

    A farm with neighbours in operating coops (``members_around`` > 0) moves ``rate``
    of the way from its trust towards the share of them who were satisfied this year
    (rule R6's test); a farm with none keeps its trust.
    """
    return np.where(members_around > 0, trust + rate * (satisfied_share - trust), trust)


def spread(
    farms: Farms,
    adjacency: sparse.csr_array,
    members: np.ndarray,
    satisfied: np.ndarray,
    behaviour: Behaviour,
    campaign: float,
) -> None:
    """Step 6: awareness and trust spread along the network.

    Args:
        farms: the farms (awareness and trust are updated in place).
        adjacency: the social network.
        members: farms that sold through an operating coop this year.
        satisfied: members satisfied with this year (rule R6).
        behaviour: contagion and learning rates.
        campaign: the information campaign's reach this year (share of the unaware).
    """
    mean, count = neighbour_mean(adjacency, farms.awareness, farms.farming)
    farms.awareness[:] = spread_awareness(
        farms.awareness, mean, count, behaviour.awareness_contagion, campaign
    )
    mean, count = neighbour_mean(adjacency, satisfied.astype(float), members)
    farms.trust[:] = learn_trust(farms.trust, mean, count, behaviour.trust_learning)
