"""Farm-gate prices with bargaining power (rule R5).

A farm selling alone gets the buyers' price less their margin. A cooperative's
price rises with its share of the regional volume (Hanisch, Rommel & Müller 2013):

    p_k = p_0 · (1 + β · share_k),   never above the buyers' price itself,

and non-members gain a smaller yardstick effect from the coops around them:

    p_alone = p_0 · (1 + yardstick · β · share of all coops in the region),

also never above the buyers' price.
"""

from __future__ import annotations

import numpy as np


def farm_gate_base(
    reference_price: np.ndarray, buyers_margin: float, shock: np.ndarray
) -> np.ndarray:
    """p_0: what a lone farm would get without any coop around (currency/t)."""
    return reference_price * shock * (1.0 - buyers_margin)


def coop_price(
    base: np.ndarray, share: np.ndarray, premium: float, ceiling: np.ndarray
) -> np.ndarray:
    """A coop's price given its (or its union's) share of regional volume (currency/t).

    Args:
        base: p_0 (currency/t).
        share: share of the region's marketed value the coop bargains with (0–1).
        premium: β, price rise per unit of share.
        ceiling: the buyers' own price, which no coop can exceed (currency/t).
    """
    return np.minimum(base * (1.0 + premium * share), ceiling)


def nonmember_price(
    base: np.ndarray,
    coop_share_of_region: np.ndarray,
    premium: float,
    yardstick: float,
    ceiling: np.ndarray,
) -> np.ndarray:
    """A non-member's price with the yardstick effect of the region's coops (currency/t).

    Like a coop's price, it never exceeds the buyers' own price ``ceiling``.
    """
    return np.minimum(base * (1.0 + yardstick * premium * coop_share_of_region), ceiling)
