"""Initialisation: a synthetic population of farms in villages and regions.

Villages keep their real size when a scenario is run as a scaled sample: each
simulated village stands for ``scale`` real villages, so what happens inside a
village (who can pool with whom) is the same at any scale, and reported totals are
multiplied back up (see :mod:`coopsim.records`).
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.rules import Phase
from coopsim.entities import (
    ACTIVE,
    NO_COOP,
    PATRONAGE,
    PRIMARY,
    SHAPLEY,
    Coops,
    Farms,
    sorted_groups,
)
from coopsim.scenario import ASSETS, FARM_TYPES, Behaviour, FarmType, Population, Scenario


def village_sizes(farms: int, mean_size: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes of the villages that hold ``farms`` farms, each about ``mean_size``."""
    villages = max(1, round(farms / mean_size))
    sizes = np.ones(villages, dtype=np.int64)
    sizes += rng.multinomial(farms - villages, np.full(villages, 1.0 / villages))
    return sizes


def _around(
    mean: float, n: int, rng: np.random.Generator, concentration: float = 10.0
) -> np.ndarray:
    """N values in [0, 1] with the given mean (beta-distributed)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, mean)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=n)


def _lognormal(median: float, sigma: float, n: int, rng: np.random.Generator) -> np.ndarray:
    if median <= 0:
        return np.zeros(n)
    return median * np.exp(sigma * rng.standard_normal(n))


def make_farms(pop: Population, behaviour: Behaviour, rng: np.random.Generator) -> Farms:
    """Draw every simulated farm, sorted by village (farms of a village are contiguous).

    With ``named_farms`` the farms are exactly those (in village order), and only the
    values they leave empty are drawn. Each farm's autonomy premium is drawn around its
    type's mean (shared behaviour).
    """
    farms = _draw_farms(pop, behaviour, rng)
    if pop.named_farms:
        _set_named(farms, pop)
    return farms


def _set_named(farms: Farms, pop: Population) -> None:
    named = pop.named_farms
    order = sorted(range(len(named)), key=lambda i: named[i].village)
    for i, j in enumerate(order):
        f = named[j]
        farms.village[i] = f.village
        farms.region[i] = f.region
        farms.kind[i] = FARM_TYPES.index(f.kind)
        farms.land_ha[i] = f.land_ha
        farms.livestock_head[i] = f.livestock_head
        farms.owns[i] = [a in f.assets for a in ASSETS]
        farms.productivity[i] = f.productivity
        farms.labour_units[i] = (
            getattr(pop, f.kind).labour_units if f.labour_units is None else f.labour_units
        )
        farms.household_labour[i] = getattr(pop, f.kind).household_labour
        farms.cash[i] = getattr(pop, f.kind).cash
        if f.autonomy_premium is not None:
            farms.autonomy_share[i] = f.autonomy_premium
        if f.awareness is not None:
            farms.awareness[i] = f.awareness
        if f.trust is not None:
            farms.trust[i] = f.trust


def named_order(pop: Population, lang: str = "en") -> list[str]:
    """Names of the named farms in the order the model holds them (by village), in ``lang``."""
    return [f.name_in(lang) for f in sorted(pop.named_farms, key=lambda f: f.village)]


def _draw_farms(pop: Population, behaviour: Behaviour, rng: np.random.Generator) -> Farms:
    n = pop.simulated_farms or pop.farms
    sizes = village_sizes(n, pop.village_size, rng)
    village = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    region = (village % pop.regions).astype(np.int16)
    types: list[FarmType] = [getattr(pop, t) for t in FARM_TYPES]
    kind = rng.choice(len(types), size=n, p=[t.share for t in types]).astype(np.int8)

    land = np.empty(n)
    livestock = np.empty(n)
    owns = np.empty((n, len(ASSETS)))
    labour = np.empty(n)
    household_labour = np.empty(n)
    cash = np.empty(n)
    premium = np.empty(n)
    for k, t in enumerate(types):
        idx = np.flatnonzero(kind == k)
        land[idx] = _lognormal(t.land_ha_median, t.land_sigma, len(idx), rng)
        livestock[idx] = _lognormal(t.livestock_median, t.livestock_sigma, len(idx), rng)
        chance = np.array([getattr(t, f"owns_{a}") for a in ASSETS])
        owns[idx] = rng.random((len(idx), len(ASSETS))) < chance
        labour[idx] = t.labour_units
        household_labour[idx] = t.household_labour
        cash[idx] = t.cash
        premium[idx] = getattr(behaviour, f"autonomy_premium_{FARM_TYPES[k]}")

    sigma = pop.productivity_sigma
    return Farms(
        region=region,
        village=village,
        kind=kind,
        land_ha=land,
        livestock_head=livestock,
        owns=owns,
        productivity=np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2),
        labour_units=labour,
        household_labour=household_labour,
        cash=cash,
        rented_ha=np.zeros(n),
        delivery=np.ones(n),
        autonomy_share=np.maximum(
            premium + behaviour.autonomy_premium_sd * rng.standard_normal(n), 0.0
        ),
        awareness=_around(pop.awareness, n, rng),
        trust=_around(pop.trust, n, rng),
        coop=np.full(n, NO_COOP, dtype=np.int32),
        member_years=np.zeros(n, dtype=np.int16),
        bad_years=np.zeros(n, dtype=np.int16),
        expected_income=np.zeros(n),
        income=np.zeros(n),
        farming=np.ones(n, dtype=bool),
        review_phase=rng.random(n),
    )


def initial_memberships(
    farms: Farms,
    membership_rate: float,
    coop_size: int,
    rng: np.random.Generator,
    by_farm_type: bool = True,
) -> np.ndarray:
    """Group farms into the coops that exist at the start.

    In each village, farms join with probability ``membership_rate``; those of one farm
    type are split, in a random order, into coops of about ``coop_size`` members. The
    coops a scenario starts with grew among similar farms: coops mixing household plots
    with commercial farms are the unstable ones (rule R2), and would split at once.
    With ``by_farm_type`` False the members of a village are split regardless of type,
    as in the old village cooperatives of Germany or Japan. A farm left alone in its
    chunk joins no coop.

    Returns:
        For each farm, the number of its initial coop (0, 1, …) or -1.
    """
    n = len(farms)
    label = np.full(n, NO_COOP, dtype=np.int64)
    if membership_rate <= 0:
        return label
    joins = np.flatnonzero(rng.random(n) < membership_rate)
    kind = farms.kind[joins] if by_farm_type else np.zeros(len(joins), dtype=np.int64)
    joins = joins[np.lexsort((rng.random(len(joins)), kind, farms.village[joins]))]
    kind = farms.kind[joins] if by_farm_type else kind
    _, same_kind, first = sorted_groups(farms.village[joins].astype(np.int64) * 3 + kind)
    chunk = (np.arange(len(joins)) - first[same_kind]) // coop_size
    _, group, _ = sorted_groups(same_kind.astype(np.int64) * (n + 1) + chunk)
    kept = np.bincount(group)[group] >= 2
    label[joins[kept]] = sorted_groups(group[kept])[1]
    return label


def initial_coops(
    farms: Farms, scenario: Scenario, rng: np.random.Generator
) -> tuple[Coops, list[tuple]]:
    """The coops a scenario starts with (e.g. Germany 1950), operating and growing.

    Farms are grouped by :func:`initial_memberships`; each coop was founded 3 to 29
    years before the start, has sold since the year after, holds its members' share
    capital and stands at a random point of its life cycle. The members know the
    programme (awareness 1).

    Returns:
        The coops and their lineage rows (``existing``, dated the year before the start).
    """
    pop, coops = scenario.population, Coops()
    label = initial_memberships(
        farms,
        pop.initial_membership_rate,
        pop.initial_coop_size,
        rng,
        by_farm_type=pop.initial_coops_by_farm_type,
    )
    members = np.flatnonzero(label >= 0)
    if len(members) == 0:
        return coops, []
    count = np.bincount(label[members])
    first = members[np.unique(label[members], return_index=True)[1]]
    age = rng.integers(3, 30, size=len(count))
    # where each stands in the life cycle a stalling coop goes round (rule R8): growth,
    # first and second year of introspection, choice; drawn so that the coops do not
    # all come to their choice in the same year
    cycle = rng.integers(0, 4, size=len(count))
    phase = np.array([Phase.GROWTH, Phase.INTROSPECTION, Phase.INTROSPECTION, Phase.CHOICE])
    new = coops.add(
        len(count),
        status=ACTIVE,
        tier=PRIMARY,
        region=farms.region[first],
        village=farms.village[first],
        founded=scenario.start_year - age,
        phase=phase[cycle],
        years_in_phase=(cycle == 2).astype(np.int16),
        rule=SHAPLEY if scenario.cost_sharing == "shapley" else PATRONAGE,
        members=count,
        members_before=count,
        villages=1,
        active_years=age - 1,  # selling since the year after founding
        capital=count * scenario.costs.equity_per_member,
    )
    farms.coop[members] = new[label[members]]
    farms.awareness[members] = 1.0
    before = scenario.start_year - 1
    lineage = [
        (before, int(k), "existing", NO_COOP, int(count[k]), int(coops.region[k]), PRIMARY)
        for k in new
    ]
    return coops, lineage
