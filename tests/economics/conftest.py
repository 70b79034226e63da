"""Round-number machinery prices shared by the economics tests.

Every asset alike, so hand arithmetic stays short: one machine works 100 units a
year (ha, t or head), a contractor charges 1,000 per unit, running one's own
machine costs 300 per unit, holding a machine costs 20,000 a year and buying one
100,000.
"""

from collections.abc import Callable

import numpy as np
import pytest

from coopsim.economics.coop_costs import Group
from coopsim.economics.machinery import MachineryPrices

HIRE, OPERATING, FIXED, CAPACITY, PRICE = 1_000.0, 300.0, 20_000.0, 100.0, 100_000.0


@pytest.fixture(scope="session")
def prices() -> MachineryPrices:
    return MachineryPrices(
        hire=np.full(4, HIRE),
        operating=np.full(4, OPERATING),
        fixed=np.full(4, FIXED),
        capacity=np.full(4, CAPACITY),
        price=np.full(4, PRICE),
    )


@pytest.fixture(scope="session")
def farms(prices: MachineryPrices) -> Callable[..., Group]:
    """Build farms as groups of one; machines owned are held at the full fixed cost."""

    def make(value: list[float], need: list[list[float]], machines: list[list[float]]) -> Group:
        owned = np.array(machines, dtype=float)
        return Group.of_farms(
            np.array(value, dtype=float), np.array(need, dtype=float), owned, owned * prices.fixed
        )

    return make
