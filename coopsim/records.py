"""What a run records: the yearly model table, the decision log and coop lineage.

The model table has one row per simulated year with the columns documented in
``docs/outputs.md`` (names fixed by the model brief). Counts and money totals are in
real units: multiplied by the scenario's scale when each simulated farm stands for
several real ones. Means, shares and prices are not scaled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from coopsim.entities import ACTIVE, NOMINAL, PRIMARY, REGIONAL_UNION, Coops, Farms
from coopsim.processes.subsidies import INSTRUMENTS
from coopsim.tuning import blas

if TYPE_CHECKING:
    from coopsim.processes.markets import YearEconomy
    from coopsim.processes.subsidies import Treasury

EVENTS = ("joins", "exits", "foundings", "mergers", "dissolutions", "farm_exits")

MODEL_COLUMNS = (
    "year",
    "farms",
    "members",
    "membership_rate",
    "coops_registered",
    "coops_active",
    "coops_nominal",
    "mean_coop_size",
    "median_coop_size",
    "coop_market_share",
    *EVENTS,
    "farm_income_mean",
    "farm_income_gini",
    "subsidy_paid",
    "subsidy_per_active_member",
    "price_member",
    "price_nonmember",
)
"""Columns the model brief fixes, first in every model table."""

MORE_COLUMNS = (
    "coops_unions",
    "secessions",
    "nominal_registrations",
    "activations",
    "machines_bought",
    "rule_changes",
    "tax_relief",
    "awareness_mean",
    "trust_mean",
    "land_per_farm_ha",
    "land_rented_ha",
    "part_time_farms",
    "side_selling_members",
    "audits",
    "paper_coops_exposed",
    "loan_defaults",
    "loans_written_off",
    "cash_mean",
    *(f"subsidy_{instrument}" for instrument in INSTRUMENTS),
)
"""The columns that follow them (``docs/outputs.md``)."""

TABLE_COLUMNS = (*MODEL_COLUMNS, *MORE_COLUMNS)
"""Every column of the model table, in order."""

DECISION_COLUMNS = (
    "year",
    "farm",
    "action",
    "coop",
    "payoff_alone",
    "payoff_option",
    "autonomy_premium",
    "trust",
    "machinery_alone",
    "machinery_option",
    "price_alone",
    "price_option",
    "grant",
    "one_off_cost",
    "gain",
    "bad_years",
    "expected_income",
    "outside_income",
)
"""Columns of the decision log (``--decisions``); see ``docs/outputs.md``."""

LINEAGE_COLUMNS = ("year", "coop", "event", "other", "members", "region", "tier")


def gini(x: np.ndarray) -> float:
    """Gini coefficient of incomes (negative incomes count as zero); 0 for no one."""
    x = np.sort(np.maximum(np.asarray(x, dtype=float), 0.0))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2.0 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


@dataclass
class YearEvents:
    """Events of one year, collected as they happen.

    Attributes:
        year: calendar year.
        counts: number of each event (simulated units).
        lineage: rows of (year, coop, event, other coop, members, region, tier).
        decisions: decision-log rows, kept only when ``log_decisions`` is on.
    """

    year: int
    log_decisions: bool = False
    counts: Counter = field(default_factory=Counter)
    lineage: list[tuple] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def count(self, event: str, n: float = 1) -> None:
        """Add ``n`` events of a kind (one of :data:`EVENTS`, or any other name).

        Most are counts; a few are amounts (hectares rented, loans written off).
        """
        self.counts[event] += n

    def coop_event(
        self, coop: int, event: str, other: int, members: int, region: int, tier: int
    ) -> None:
        """Record a line of coop lineage (founded, activated, merged_into, …)."""
        self.lineage.append(
            (self.year, int(coop), event, int(other), int(members), int(region), int(tier))
        )

    def decision(self, **row: Any) -> None:
        """Record a farm's decision (only when the decision log is on)."""
        if self.log_decisions:
            self.decisions.append({"year": self.year, **row})


def year_row(
    year: int,
    farms: Farms,
    coops: Coops,
    economy: YearEconomy,
    treasury: Treasury,
    tax_relief: float,
    events: YearEvents,
    scale: float,
    off_farm_income: np.ndarray,
) -> dict[str, float]:
    """One row of the model table for the year just simulated, in real units.

    Args:
        year: the calendar year simulated.
        farms: the farms at the end of the year.
        coops: the coops at the end of the year.
        economy: the year's prices and payoffs.
        treasury: what was paid this year, by instrument.
        tax_relief: turnover tax waived for coops this year (simulated currency).
        events: the year's events.
        scale: real farms (and coops) per simulated one.
        off_farm_income: what each farming household earns off its farm (currency/year).
    """
    income = farms.income
    farming = farms.farming
    net_paid = treasury.paid + treasury.by_instrument.get("clawback", 0.0)
    registered = coops.registered(PRIMARY)
    in_coop = farming & (farms.coop >= 0)
    in_coop[in_coop] = registered[farms.coop[in_coop]]
    active = (coops.status == ACTIVE) & (coops.tier == PRIMARY)
    sizes = coops.members[active]
    n_farms = int(farming.sum())
    members_active = economy.member & farming
    farming_income = income[farming]
    # Sums over farms as BLAS dot products on one thread: a threaded dot product adds
    # in another order, and the table would depend on the caller's thread settings.
    with blas().limit(limits=1, user_api="blas"):
        revenue_coops = float(economy.revenue_coop @ economy.member)
        revenue_total = float(economy.revenue_member @ economy.farming)
        output = economy.output_t @ np.ones(2)
        output_members = float((output * economy.delivery) @ economy.member)
        output_others = float(output @ (economy.farming & ~economy.member))
        revenue_others = float(economy.revenue_alone @ (economy.farming & ~economy.member))
        income_gini = gini(farming_income)
    row = {
        "year": year,
        "farms": n_farms * scale,
        "members": int(in_coop.sum()) * scale,
        "membership_rate": in_coop.sum() / n_farms if n_farms else 0.0,
        "coops_registered": int(registered.sum()) * scale,
        "coops_active": int(active.sum()) * scale,
        "coops_nominal": int(((coops.status == NOMINAL) & (coops.tier == PRIMARY)).sum()) * scale,
        "mean_coop_size": float(sizes.mean()) if len(sizes) else 0.0,
        "median_coop_size": float(np.median(sizes)) if len(sizes) else 0.0,
        "coop_market_share": revenue_coops / revenue_total if revenue_total > 0 else 0.0,
        **{e: events.counts[e] * scale for e in EVENTS},
        "farm_income_mean": float(farming_income.mean()) if n_farms else 0.0,
        "farm_income_gini": income_gini,
        "subsidy_paid": net_paid * scale,
        "subsidy_per_active_member": (
            net_paid / members_active.sum() if members_active.any() else 0.0
        ),
        "price_member": revenue_coops / output_members if output_members > 0 else float("nan"),
        "price_nonmember": (revenue_others / output_others if output_others > 0 else float("nan")),
        # at most one union per region, and regions are not sampled: not scaled
        "coops_unions": int(coops.active(REGIONAL_UNION).sum()),
        "secessions": events.counts["secessions"] * scale,
        "nominal_registrations": events.counts["nominal_registrations"] * scale,
        "activations": events.counts["activations"] * scale,
        "machines_bought": events.counts["machines_bought"] * scale,
        "rule_changes": events.counts["rule_changes"] * scale,
        "tax_relief": tax_relief * scale,
        "awareness_mean": float(farms.awareness[farming].mean()) if n_farms else 0.0,
        "trust_mean": float(farms.trust[farming].mean()) if n_farms else 0.0,
        "land_per_farm_ha": float(farms.land_ha[farming].mean()) if n_farms else 0.0,
        "land_rented_ha": events.counts["land_rented_ha"] * scale,
        # part-time: the household earns more off its farm than on it
        "part_time_farms": int((farming & (off_farm_income > 0) & (off_farm_income > income)).sum())
        * scale,
        "side_selling_members": int((in_coop & (farms.delivery < 1)).sum()) * scale,
        "audits": events.counts["audits"] * scale,
        "paper_coops_exposed": events.counts["paper_coops_exposed"] * scale,
        "loan_defaults": events.counts["loan_defaults"] * scale,
        "loans_written_off": events.counts["loans_written_off"] * scale,
        "cash_mean": float(farms.cash[farming].mean()) if n_farms else 0.0,
    }
    for instrument, paid in treasury.by_instrument.items():
        row[f"subsidy_{instrument}"] = paid * scale
    return row
