"""The model's state as arrays: one entry per farm, one per cooperative.

Mesa agents (:mod:`coopsim.agents`) are thin handles over these arrays, so the
yearly step can work on all farms at once with numpy (see ``docs/odd.md``,
"Scales"). Farm ``i`` is the ``i``-th entry of every farm array; coop ``k`` the
``k``-th entry of every coop array. Coop indices are never reused: a dissolved
coop keeps its row, with status :data:`DISSOLVED`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

NO_COOP = -1

# Cooperative status
DISSOLVED, ACTIVE, NOMINAL = 0, 1, 2
STATUS_NAMES = {DISSOLVED: "dissolved", ACTIVE: "active", NOMINAL: "nominal"}

# Cooperative tier
PRIMARY, REGIONAL_UNION, CENTRAL = 1, 2, 3
TIER_NAMES = {PRIMARY: "primary", REGIONAL_UNION: "regional union", CENTRAL: "central"}

# Cost-sharing rule
PATRONAGE, SHAPLEY = 0, 1
RULE_NAMES = {PATRONAGE: "patronage", SHAPLEY: "shapley"}


@dataclass
class Farms:
    """State variables of every simulated farm (arrays of length N).

    Attributes:
        region, village: where the farm is (indices).
        kind: farm type (0 household plot, 1 peasant farm, 2 commercial farm).
        land_ha, livestock_head: land (ha) and herd (head).
        owns: machinery and buildings owned, (N, 4) of 0/1: tractor, truck, combine, barn.
        productivity: output multiplier around 1.
        labour_units: full-time jobs the farm needs at the start technology (it grows
            with the land the farm takes over; market.labour_index scales it by year).
        household_labour: full-time jobs the household can work, on or off the farm.
        cash: savings (currency): the start value, plus each year's saved income, less
            losses; with its credit it limits what the farm can pay in (equity, joining).
        rented_ha: land rented from farms that quit (ha), part of ``land_ha``; the farm
            pays rent on it.
        delivery: share of its output a member delivers to its coop (1, or less when it
            sells some outside: side-selling).
        autonomy_share: autonomy premium as a share of revenue selling alone.
        awareness: 0–1, awareness of the cooperative programme.
        trust: 0–1, trust in cooperation.
        coop: primary coop the farm belongs to, or -1.
        member_years: years in its current coop.
        bad_years: consecutive dissatisfied years as a member (rule R6).
        expected_income: smoothed farm income (currency/year), for farm exit.
        income: this year's income: payoff alone or as a member, plus subsidies
            received, less one-off costs of joining, founding or merging (currency/year).
        farming: False once the farm has quit.
        review_phase: where the farm stood in its cycle of reviews at the start (0–1):
            it weighs going on once every ``behaviour.review_years``.
    """

    region: np.ndarray
    village: np.ndarray
    kind: np.ndarray
    land_ha: np.ndarray
    livestock_head: np.ndarray
    owns: np.ndarray
    productivity: np.ndarray
    labour_units: np.ndarray
    household_labour: np.ndarray
    cash: np.ndarray
    rented_ha: np.ndarray
    delivery: np.ndarray
    autonomy_share: np.ndarray
    awareness: np.ndarray
    trust: np.ndarray
    coop: np.ndarray
    member_years: np.ndarray
    bad_years: np.ndarray
    expected_income: np.ndarray
    income: np.ndarray
    farming: np.ndarray
    review_phase: np.ndarray

    def __len__(self) -> int:
        return len(self.region)


def sorted_groups(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of equal keys in an array sorted by key (e.g. farms by village).

    Returns:
        The distinct keys, each element's group number (0, 1, …) and each group's first
        position. Like ``np.unique(..., return_inverse=True, return_index=True)``
        without sorting again.
    """
    if len(sorted_keys) == 0:
        empty = np.zeros(0, np.int64)
        return sorted_keys[:0], empty, empty
    new = np.empty(len(sorted_keys), bool)
    new[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new[1:])
    first = np.flatnonzero(new)
    return sorted_keys[first], np.cumsum(new) - 1, first


def _grow(array: np.ndarray, size: int, fill: float) -> np.ndarray:
    out = np.full((size, *array.shape[1:]), fill, dtype=array.dtype)
    out[: len(array)] = array
    return out


@dataclass
class Coops:
    """State variables of every cooperative ever registered (arrays of length K).

    Attributes:
        status: dissolved, active or nominal.
        tier: primary coop, regional union or central federation.
        region, village: where it was founded (village -1 for unions).
        founded: calendar year of registration.
        phase, years_in_phase: life-cycle phase (rule R8) and years spent in it.
        rule: cost-sharing rule (patronage or Shapley, rule R3).
        members: member farms (primary) or member coops (unions), kept up to date
            by every event (tests check it against the farms' memberships).
        members_before: members a year ago.
        bought: machines bought by the coop itself, (K, 4).
        bought_holding: their annual holding cost at the commercial rate (currency/year), (K, 4).
        loan: outstanding concessional loan for bought machines (currency).
        capital: members' equity paid in (currency).
        extra_fixed: fixed cost a failed merger left behind (currency/year).
        villages: villages the coop spans (1 when founded; a merger adds the partner's).
        grants: start-up and member grants received (currency), what an audit claws back.
        union: regional union a primary coop belongs to, or -1.
        active_years: years operating, for degressive start-up aid.
        nominal_years: consecutive years registered but not operating.
        seeking_merger: chose transition in its life cycle and looks for a partner (R7, R8).
    """

    status: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    tier: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    region: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    village: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    founded: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    phase: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    years_in_phase: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    rule: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    members: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    members_before: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    bought: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    bought_holding: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    loan: np.ndarray = field(default_factory=lambda: np.zeros(0))
    capital: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extra_fixed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    villages: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    grants: np.ndarray = field(default_factory=lambda: np.zeros(0))
    union: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    active_years: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    nominal_years: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    seeking_merger: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def __len__(self) -> int:
        return len(self.status)

    def add(self, count: int, **values: np.ndarray | float) -> np.ndarray:
        """Append ``count`` new coops with the given values; returns their indices.

        Fields not given start at zero, except ``union`` which starts at -1.
        """
        start = len(self)
        for f in fields(self):
            old = getattr(self, f.name)
            fill = NO_COOP if f.name == "union" else 0
            new = _grow(old, start + count, fill)
            if f.name in values:
                new[start:] = values[f.name]
            setattr(self, f.name, new)
        return np.arange(start, start + count)

    def registered(self, tier: int = PRIMARY) -> np.ndarray:
        """Mask of coops of ``tier`` that exist on paper (active or nominal)."""
        return (self.status != DISSOLVED) & (self.tier == tier)

    def active(self, tier: int = PRIMARY) -> np.ndarray:
        """Mask of operating coops of ``tier``."""
        return (self.status == ACTIVE) & (self.tier == tier)
