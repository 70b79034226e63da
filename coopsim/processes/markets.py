"""Markets: the year's prices, coops' costs and everybody's payoffs (schedule step 2).

:func:`price_year` gathers what the rules need from the state arrays into a
:class:`YearEconomy`: each farm's output, work needed and cost of farming alone
(from :mod:`~coopsim.processes.production`); each active coop's members, cost
(rule R4) and price (rule R5); and the payoffs a farm gets alone or would get as a
member of a given coop. How each coop shares its cost among its members (rule R3)
is step 3, :mod:`~coopsim.processes.cost_sharing`. Every later process of the year
reads the same numbers from the economy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse

from coopsim.economics.allocation import charge, patronage_rates
from coopsim.economics.coop_costs import CoopCost, CoopCostParams, Group, coop_cost, sum_farms
from coopsim.economics.machinery import row_sum, take_rows
from coopsim.economics.prices import coop_price, farm_gate_base, nonmember_price
from coopsim.entities import NO_COOP, PRIMARY, Coops, Farms
from coopsim.processes.federation import bargaining_share, in_central
from coopsim.processes.production import FarmBook
from coopsim.scenario import Scenario


class Offer(NamedTuple):
    """What a farm expects as a member of a given coop (each currency/year).

    ``payoff`` is money; ``benefit`` adds what the farm values without being paid it
    (an assured outlet for its produce): decisions weigh the benefit, incomes are
    only ever the money.
    """

    payoff: np.ndarray
    benefit: np.ndarray
    machinery_share: np.ndarray
    cost_share: np.ndarray


@dataclass
class YearEconomy:
    """Everything priced for one year. Farm arrays have length N, coop arrays K, regions R.

    Attributes:
        output_t: crop and livestock output (t), (N, 2).
        value: output at reference prices that a farm markets through its coop, or would
            (all of it for farms outside coops), the measure of patronage
            (currency/year), (N,).
        delivery: share of its output each farm delivers to its coop (side-selling), (N,).
        need: work needed per asset (ha, t, head), (N, 4).
        holding: holding cost of the farm's own machines (currency/year), (N, 4).
        production_cost: non-machinery cost (currency/year), (N,).
        machinery_alone: machinery cost farming alone (currency/year), (N,).
        price_alone: non-members' price per region and product (currency/t), (R, 2).
        revenue_alone, payoff_alone: selling alone (currency/year), (N,).
        autonomy_premium: a_i (currency/year), (N,).
        member: farms selling through an active primary coop, (N,).
        member_coop: each farm's coop when the year was priced (-1 for none), (N,).
        farming: farms still farming when the year was priced, (N,).
        scale: real farms (and coops) per simulated one.
        coop_group: sums over each coop's members (zero for coops not active).
        coop_cost: each coop's cost (rule R4).
        coop_price: each coop's price per product (currency/t), (K, 2).
        coop_share: each coop's share of its region's marketed value, (K,).
        region_value: value marketed in each region (currency/year), (R,).
        region_coop_share: share of each region's value marketed by coops, (R,).
        cost_share: each member's cost share (currency/year), 0 for others, (N,).
        machinery_share: the machinery part of it (currency/year), (N,).
        revenue_member, payoff_member: as a member, in money, before subsidies
            (currency/year); the alone values for non-members, (N,).
        revenue_coop: what a member sold through its coop (currency/year): its revenue
            as a member less what it sold outside, 0 for others, (N,).
        assured_value: what a member values its assured outlet at, on what it delivers
            (currency/year; not money, so never part of an income), 0 for others, (N,).
    """

    scenario_year: int
    params: CoopCostParams
    price_base: np.ndarray
    price_ceiling: np.ndarray
    bargaining_premium: float
    assured_market_value: float
    output_subsidy: np.ndarray
    output_t: np.ndarray
    value: np.ndarray
    delivery: np.ndarray
    need: np.ndarray
    holding: np.ndarray
    owns: np.ndarray
    production_cost: np.ndarray
    machinery_alone: np.ndarray
    price_alone: np.ndarray
    revenue_alone: np.ndarray
    payoff_alone: np.ndarray
    autonomy_premium: np.ndarray
    member: np.ndarray
    member_coop: np.ndarray
    farm_columns: np.ndarray
    farming: np.ndarray
    scale: float
    coop_group: Group
    coop_cost: CoopCost
    coop_price: np.ndarray
    coop_share: np.ndarray
    region_value: np.ndarray
    region_coop_share: np.ndarray
    cost_share: np.ndarray
    machinery_share: np.ndarray
    revenue_member: np.ndarray
    payoff_member: np.ndarray
    revenue_coop: np.ndarray
    assured_value: np.ndarray

    def groups_of_farms(self, farms: np.ndarray, group_of: np.ndarray, groups: int) -> Group:
        """Sums over groups of farms, e.g. would-be founders by village.

        The same sums as ``farm_group(farms).sum_by(group_of, groups)``, added farm by
        farm in the same order, for farms that deliver all they grow: a sparse matrix of
        ones (a row per group, holding its farms in their order) times
        :attr:`FarmBook.columns`, all fourteen columns in one pass that reads the farms'
        rows where they are.
        """
        n = len(farms)
        # the matrix's columns row by row, each row's in the farms' order
        if np.all(group_of[1:] >= group_of[:-1]):  # groups in runs (e.g. villages in order)
            order = np.arange(n)
        else:
            order = np.argsort(group_of, kind="stable")
        counts = np.bincount(group_of, minlength=groups)
        starts = np.concatenate([[0], np.cumsum(counts)])
        shape = (groups, len(self.farm_columns))
        pick = sparse.csr_array((np.ones(n), farms[order], starts), shape=shape)
        sums = pick @ self.farm_columns
        return Group(
            members=counts.astype(float),
            value=sums[:, 0],
            value_sq=sums[:, 1],
            need=sums[:, 2:6].copy(),
            machines=sums[:, 6:10].copy(),
            holding_cost=sums[:, 10:14].copy(),
            extra_fixed=np.zeros(groups),
            extra_villages=np.zeros(groups),
        )

    @property
    def coops_priced(self) -> int:
        """Number of coops that existed when the year was priced."""
        return len(self.coop_share)

    def still_members(self, coop_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Farms that sold through a coop this year and are still in it, and that coop.

        Processes after the farms' decisions use this year's accounts (the economy) for
        the members who stayed; ``coop_of`` is the farms' current coop array.
        """
        idx = np.flatnonzero(self.member & (coop_of == self.member_coop))
        return idx, coop_of[idx].astype(np.int64)

    def farm_group(self, farms: np.ndarray) -> Group:
        """Each farm in ``farms`` as a group of one (what it brings to a coop)."""
        return Group.of_farms(
            self.value[farms],
            take_rows(self.need, farms),
            take_rows(self.owns, farms),
            take_rows(self.holding, farms),
        )

    def payoff_in(
        self, farms: np.ndarray, group: Group, price: np.ndarray, which: np.ndarray | None = None
    ) -> Offer:
        """Expected yearly payoff of each farm as a member of a coop of ``group``.

        The group already includes the farm. The farm's share is estimated by patronage,
        the rule a farm uses to judge an offer whatever the coop's own rule; output
        subsidies on produce marketed through a coop are counted.

        Args:
            farms: farm indices.
            group: the coops, one row per farm, or one row per coop with ``which``.
            price: their price per product (currency/t), aligned with ``group``, (G, 2).
            which: for each farm, its row of ``group`` (when farms share coops).

        Returns:
            The farm's expected payoff in money, its valued benefit (the payoff plus the
            value of an assured outlet), machinery cost share and whole cost share.
        """
        per_work, per_value = patronage_rates(
            group.value, group.need, coop_cost(group, self.params)
        )
        if which is not None:
            per_work, per_value = take_rows(per_work, which), per_value[which]
            price = take_rows(price, which)
        need = take_rows(self.need, farms)
        machinery, overhead = charge(self.value[farms], need, per_work, per_value)
        output = take_rows(self.output_t, farms)
        revenue = row_sum(output * price)
        payoff = (
            revenue
            - self.production_cost[farms]
            - machinery
            - overhead
            + output @ self.output_subsidy
        )
        benefit = payoff + revenue * self.assured_market_value
        return Offer(payoff, benefit, machinery, machinery + overhead)

    def new_coop_price(self, group: Group, region: np.ndarray) -> np.ndarray:
        """Price per product a coop of ``group`` would get in ``region`` (currency/t), (G, 2)."""
        total = self.region_value[region] * self.scale
        share = np.divide(group.value, total, out=np.zeros_like(group.value), where=total > 0)
        return coop_price(
            self.price_base[region],
            share[:, None],
            self.bargaining_premium,
            self.price_ceiling[region],
        )


def price_year(
    scenario: Scenario,
    year: int,
    farms: Farms,
    coops: Coops,
    shock: np.ndarray,
    book: FarmBook | None = None,
    scale: float = 1.0,
) -> YearEconomy:
    """Compute the year's economy from the state (schedule step 2).

    Members' cost shares and payoffs are left at zero and at the payoffs alone; step 3
    (:func:`~coopsim.processes.cost_sharing.share_costs`) fills them in.

    Args:
        scenario: the scenario; its levers in force in ``year`` are used.
        year: calendar year.
        farms: the farms' state.
        coops: the coops' state.
        shock: price shock per region and product (multiplier, mean 1), (R, 2).
        book: the farms' production figures kept from earlier years, if any.
        scale: real farms per simulated farm. Each simulated coop stands for ``scale``
            real coops of its size, so its share of the real regional volume is its
            share of the simulated volume divided by ``scale`` (rule R5).
    """
    costs, market, policy = scenario.costs, scenario.market_in(year), scenario.policy_in(year)
    n_regions, k = shock.shape[0], len(coops)
    if book is None:
        book = FarmBook()
    book.refresh(farms, costs, market)
    output, need, holding = book.output, book.need, book.holding
    value = book.value * farms.delivery  # what members market through their coops
    machinery_alone, production_cost = book.machinery_alone, book.production_cost
    machinery = book.machinery
    reference = np.array([market.price_crop, market.price_livestock])

    # coops: sums over the members of active primary coops (rule R4)
    coop_active = coops.active(PRIMARY)
    member = (farms.coop != NO_COOP) & farms.farming
    member[member] = coop_active[farms.coop[member]]
    idx = np.flatnonzero(member)
    c = farms.coop[idx]
    group = sum_farms(idx, c, k, value, need, farms.owns, holding)
    union_charge = scenario.federation.union_cost_per_coop * (coops.union >= 0)
    group = group + Group.of_assets(
        coops.bought * coop_active[:, None],
        coops.bought_holding * coop_active[:, None],
        (coops.extra_fixed + union_charge) * coop_active,
        np.maximum(coops.villages - 1, 0) * coop_active,
    )
    params = CoopCostParams(
        fixed=(costs.coop_fixed_cost + costs.audit_cost) * scenario.overhead_index(year),
        handling_rate=costs.handling_cost + costs.coop_tax_rate * (1.0 - policy.tax_relief),
        governance=costs.governance_cost,
        machinery=machinery,
        distance=costs.distance_cost,
    )
    cost = coop_cost(group, params)

    # prices (rule R5)
    region_value = np.bincount(farms.region, weights=book.value, minlength=n_regions)
    coop_region = coops.region.astype(np.int64)
    total = region_value[coop_region]
    coop_share = np.divide(group.value, total * scale, out=np.zeros(k), where=total > 0)
    region_coop_share = np.divide(
        np.bincount(coop_region, weights=group.value, minlength=n_regions),
        region_value,
        out=np.zeros(n_regions),
        where=region_value > 0,
    )
    base = farm_gate_base(reference, market.buyers_margin, shock)
    ceiling = reference * shock
    bargaining = bargaining_share(coops, coop_share, scenario.federation.union_bargaining, scale)
    price = coop_price(
        base[coop_region], bargaining[:, None], market.bargaining_premium, ceiling[coop_region]
    )
    price = np.where(
        in_central(coops)[:, None],
        np.minimum(price * (1.0 + scenario.federation.central_premium), ceiling[coop_region]),
        price,
    )
    price_alone = nonmember_price(
        base, region_coop_share[:, None], market.bargaining_premium, market.yardstick, ceiling
    )
    # by product, from the region's price: cheaper than gathering an (N, 2) price table
    revenue_alone = (
        output[:, 0] * price_alone[:, 0][farms.region]
        + output[:, 1] * price_alone[:, 1][farms.region]
    )
    payoff_alone = revenue_alone - production_cost - machinery_alone

    economy = YearEconomy(
        scenario_year=year,
        params=params,
        price_base=base,
        price_ceiling=ceiling,
        bargaining_premium=market.bargaining_premium,
        assured_market_value=market.assured_market_value,
        output_subsidy=np.array([policy.output_subsidy_crop, policy.output_subsidy_livestock]),
        output_t=output,
        value=value,
        delivery=farms.delivery.copy(),
        need=need,
        holding=holding,
        owns=farms.owns,
        production_cost=production_cost,
        machinery_alone=machinery_alone,
        price_alone=price_alone,
        revenue_alone=revenue_alone,
        payoff_alone=payoff_alone,
        autonomy_premium=farms.autonomy_share * np.maximum(revenue_alone, 0.0),
        member=member,
        member_coop=farms.coop.copy(),
        farm_columns=book.columns,
        farming=farms.farming.copy(),
        scale=scale,
        coop_group=group,
        coop_cost=cost,
        coop_price=price,
        coop_share=coop_share,
        region_value=region_value,
        region_coop_share=region_coop_share,
        cost_share=np.zeros(len(farms)),
        machinery_share=np.zeros(len(farms)),
        revenue_member=revenue_alone.copy(),
        payoff_member=payoff_alone.copy(),
        revenue_coop=np.zeros(len(farms)),
        assured_value=np.zeros(len(farms)),
    )
    return economy
