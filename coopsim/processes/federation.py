"""Federation: regional unions of primary coops and a central tier (ODD 7.15).

Each year primary coops join or leave their region's union; a union is founded where
enough coops would gain, wound up when fewer than two real coops are left in it,
and unions join the central federation where the scenario has one. What federating
brings is bargaining power (rule R5): a coop in a union bargains with part of its
union's share of the regional volume (:func:`bargaining_share`), and coops of the
central federation get its price premium (:func:`in_central`); the markets use both
when they price the year.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.machinery import row_sum
from coopsim.economics.rules import Phase
from coopsim.entities import ACTIVE, CENTRAL, NO_COOP, PRIMARY, REGIONAL_UNION, Coops
from coopsim.processes.register import wind_up
from coopsim.processes.year import Year


def bargaining_share(
    coops: Coops, coop_share: np.ndarray, union_bargaining: float, scale: float
) -> np.ndarray:
    """Share of regional volume each coop bargains with: its own or its union's (R5).

    A union holds every coop its simulated members stand for, so its share is the sum
    of its members' real-unit shares times ``scale``.
    """
    in_union = coops.union >= 0
    union_share = scale * np.bincount(
        coops.union[in_union], weights=coop_share[in_union], minlength=len(coops)
    )
    out = coop_share.copy()
    out[in_union] = np.maximum(out[in_union], union_bargaining * union_share[coops.union[in_union]])
    return out


def in_central(coops: Coops) -> np.ndarray:
    """Primary coops whose union belongs to the central federation."""
    out = np.zeros(len(coops), bool)
    in_union = coops.union >= 0
    out[in_union] = coops.union[coops.union[in_union]] >= 0
    return out


def federate(y: Year) -> None:
    """Primary coops join or leave their region's union; unions join the central tier.

    A coop is in its union when bargaining with ``union_bargaining`` of the union's
    share of regional volume (rule R5) raises its revenue by more than the union's
    yearly charge. A region's union is founded when at least ``union_min_coops`` coops
    would gain from it.
    """
    coops, e, fed, market = y.coops, y.economy, y.scenario.federation, y.market
    n_regions = len(e.region_value)
    unions = np.flatnonzero(coops.active(REGIONAL_UNION))
    union_of_region = np.full(n_regions, NO_COOP)
    union_of_region[coops.region[unions]] = unions
    primary = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    region = coops.region[primary].astype(np.int64)
    share = e.coop_share[primary]
    idx, c = e.still_members(y.farms.coop)
    revenue_at_base = row_sum(e.output_t[idx] * e.price_base[y.farms.region[idx]])
    revenue = np.bincount(c, weights=revenue_at_base, minlength=len(coops))[primary]
    inside = np.ones(len(primary), bool)
    for _ in range(2):
        # a union holds every coop its simulated members stand for (see _bargaining_share)
        union_share = y.scale * np.bincount(
            region[inside], weights=share[inside], minlength=n_regions
        )
        lift = np.maximum(fed.union_bargaining * union_share[region] - share, 0.0)
        inside = revenue * market.bargaining_premium * lift > fed.union_cost_per_coop
    count = np.bincount(region[inside], minlength=n_regions)
    # counted in real coops: a simulated coop stands for `scale` of them
    real = count * y.scale
    new_regions = np.flatnonzero(
        (real >= fed.union_min_coops) & (real >= 2) & (union_of_region == NO_COOP)
    )
    if len(new_regions):
        new = coops.add(
            len(new_regions),
            status=ACTIVE,
            tier=REGIONAL_UNION,
            region=new_regions,
            village=-1,
            founded=y.year,
            phase=Phase.GROWTH,
        )
        union_of_region[new_regions] = new
        for u, r in zip(new.tolist(), new_regions.tolist(), strict=True):
            y.events.coop_event(u, "union_founded", NO_COOP, count[r], r, REGIONAL_UNION)
    coops.union[coops.tier == PRIMARY] = NO_COOP
    joined = inside & (union_of_region[region] != NO_COOP)
    coops.union[primary[joined]] = union_of_region[region[joined]]
    unions = np.flatnonzero(coops.active(REGIONAL_UNION))
    coops.members[unions] = np.bincount(coops.union[primary[joined]], minlength=len(coops))[unions]
    # a union is wound up when fewer than two real coops are left in it
    wind_up(y, unions[coops.members[unions] * y.scale < 2], "union_dissolved")
    if fed.central_tier:
        unions = np.flatnonzero(coops.active(REGIONAL_UNION))
        central = np.flatnonzero(coops.active(CENTRAL))
        if len(central) == 0 and len(unions) >= 2:
            central = coops.add(
                1,
                status=ACTIVE,
                tier=CENTRAL,
                region=0,
                village=-1,
                founded=y.year,
                phase=Phase.GROWTH,
            )
            y.events.coop_event(central[0], "central_founded", NO_COOP, len(unions), 0, CENTRAL)
        if len(central):
            coops.union[unions] = central[0]
            coops.members[central[0]] = len(unions)
