"""The model's Mesa agents: farms and cooperatives.

Both are thin handles over the state arrays of :mod:`coopsim.entities`: a :class:`Farm`
knows its index and reads its land, herd, machinery, coop, awareness and trust from
the model's arrays, so that the yearly step can treat all farms at once while each
farm stays an agent one can inspect, explain and (in :mod:`coopsim.reference`) let
decide on its own. The model makes them on demand (``model.farm(i)``,
``model.cooperative(k)``), or all at once (``CoopModel(..., agents=True)``): making
half a million Mesa agents takes seconds, and most runs never look at one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from coopsim.entities import NO_COOP, PRIMARY, RULE_NAMES, STATUS_NAMES, TIER_NAMES
from coopsim.scenario import ASSETS, FARM_TYPES

if TYPE_CHECKING:
    from coopsim.model import CoopModel


class Farm(mesa.Agent):
    """A farm household: a household plot, a peasant farm or a commercial farm."""

    model: CoopModel

    def __init__(self, model: CoopModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        """Farm type."""
        return FARM_TYPES[self.model.farms.kind[self.index]]

    @property
    def land_ha(self) -> float:
        """Farmland (ha)."""
        return float(self.model.farms.land_ha[self.index])

    @property
    def livestock_head(self) -> float:
        """Herd (head)."""
        return float(self.model.farms.livestock_head[self.index])

    @property
    def assets(self) -> list[str]:
        """Machinery and buildings the farm owns."""
        return [
            a for a, owned in zip(ASSETS, self.model.farms.owns[self.index], strict=True) if owned
        ]

    @property
    def coop(self) -> int:
        """Index of the primary coop the farm belongs to, or -1."""
        return int(self.model.farms.coop[self.index])

    @property
    def farming(self) -> bool:
        """False once the farm has quit."""
        return bool(self.model.farms.farming[self.index])

    def neighbours(self) -> np.ndarray:
        """Indices of the farms it has social ties with."""
        a = self.model.network
        return a.indices[a.indptr[self.index] : a.indptr[self.index + 1]]

    def __repr__(self) -> str:
        return f"Farm({self.index}, {self.kind}, {self.land_ha:.0f} ha, coop {self.coop})"


class Cooperative(mesa.Agent):
    """A cooperative: a primary coop of farms, a regional union of coops, or the central one."""

    model: CoopModel

    def __init__(self, model: CoopModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def status(self) -> str:
        """active, nominal or dissolved."""
        return STATUS_NAMES[int(self.model.coops.status[self.index])]

    @property
    def tier(self) -> str:
        """primary, regional union or central."""
        return TIER_NAMES[int(self.model.coops.tier[self.index])]

    @property
    def rule(self) -> str:
        """Cost-sharing rule (patronage or shapley)."""
        return RULE_NAMES[int(self.model.coops.rule[self.index])]

    @property
    def members(self) -> np.ndarray:
        """Member farms (primary coop) or member coops (union), as indices."""
        if self.model.coops.tier[self.index] == PRIMARY:
            return np.flatnonzero(self.model.farms.coop == self.index)
        return np.flatnonzero(self.model.coops.union == self.index)

    @property
    def union(self) -> int:
        """The union (or central federation) this coop belongs to, or -1."""
        return int(self.model.coops.union[self.index])

    def __repr__(self) -> str:
        members = self.model.coops.members[self.index]
        return f"Cooperative({self.index}, {self.tier}, {self.status}, {members} members)"


__all__ = ["NO_COOP", "Cooperative", "Farm"]
