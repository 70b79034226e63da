"""A cooperative's yearly cost from the farms in it (rule R4).

    C(S) = F + c·Q + γ·H·N + δ·N·(V − 1) + machinery(S)

F is the fixed cost of running a cooperative (administration, audit), c the
handling and turnover-tax rate on the value marketed Q, H the members'
heterogeneity (coefficient of variation of the value they market), N the member
count, V the villages the coop spans and δ the cost of collecting from and governing
one more village per member, and machinery(S) the cost of covering the members' work
with the machines they pool plus those the coop bought (Cook 1995; Iliopoulos 2013:
scale lowers unit cost, heterogeneity, size and distance raise governance cost, so
that merging stops paying beyond some size).

A group of farms is described only by sums over its members (:class:`Group`), so
the same function prices a whole coop, a sub-group thinking of seceding (R2), a
coop with one more member (R1) or two coops merged (R7), for thousands of groups
at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from coopsim.economics.machinery import MachineryPrices, machinery_cost, row_sum, take_rows


@dataclass(frozen=True)
class Group:
    """Sums over the members of one or more groups of farms (leading axis: group).

    Attributes:
        members: number of member farms.
        value: value they market, at reference prices (currency/year).
        value_sq: sum of squared member values, for heterogeneity (currency²).
        need: work they need from each asset (ha, t, head), shape (G, 4).
        machines: machines the group holds: pooled by members plus bought, (G, 4).
        holding_cost: annual fixed cost of those machines (currency/year), (G, 4).
        extra_fixed: fixed cost on top of F, e.g. from a merger whose savings did not
            materialise (currency/year).
        extra_villages: villages spanned beyond the first (V − 1): 0 for a group of one
            village; merging coops of different villages adds one.
    """

    members: np.ndarray
    value: np.ndarray
    value_sq: np.ndarray
    need: np.ndarray
    machines: np.ndarray
    holding_cost: np.ndarray
    extra_fixed: np.ndarray
    extra_villages: np.ndarray

    @classmethod
    def of_farms(
        cls, value: np.ndarray, need: np.ndarray, machines: np.ndarray, holding_cost: np.ndarray
    ) -> Group:
        """Each farm as a group of one: what it brings to a coop."""
        zeros = np.zeros(len(value))
        return cls(zeros + 1, value, value**2, need, machines, holding_cost, zeros, zeros)

    @classmethod
    def of_assets(
        cls,
        machines: np.ndarray,
        holding_cost: np.ndarray,
        extra_fixed: np.ndarray,
        extra_villages: np.ndarray | None = None,
    ) -> Group:
        """What coops are without members: their own machines, fixed costs and villages."""
        zeros = np.zeros(len(extra_fixed))
        villages = zeros if extra_villages is None else np.asarray(extra_villages, dtype=float)
        return cls(
            zeros,
            zeros,
            zeros,
            np.zeros_like(machines),
            machines,
            holding_cost,
            extra_fixed,
            villages,
        )

    @classmethod
    def concat(cls, groups: Sequence[Group]) -> Group:
        """The rows of several groups one after the other."""
        return cls(
            **{name: np.concatenate([getattr(g, name) for g in groups]) for name in _GROUP_FIELDS}
        )

    def sum_by(self, index: np.ndarray, size: int) -> Group:
        """Add rows into ``size`` groups by ``index`` (e.g. farms into their coops)."""

        def add(x: np.ndarray) -> np.ndarray:
            if x.ndim == 1:
                return np.bincount(index, weights=x, minlength=size).astype(float, copy=False)
            return np.stack(
                [np.bincount(index, weights=x[:, a], minlength=size) for a in range(x.shape[1])],
                axis=-1,
            ).astype(float, copy=False)

        return Group(**{name: add(getattr(self, name)) for name in _GROUP_FIELDS})

    def sum_runs(self, starts: np.ndarray, ends: np.ndarray) -> Group:
        """The sums of runs of consecutive rows (:func:`run_sums`).

        For rows sorted by group, what :meth:`sum_by` gives, without gathering them.
        """
        return Group(
            **{name: run_sums(getattr(self, name), starts, ends) for name in _GROUP_FIELDS}
        )

    def __add__(self, other: Group) -> Group:
        """The union of two disjoint groups (e.g. a coop and a joining farm, or a merger)."""
        return Group(**{name: getattr(self, name) + getattr(other, name) for name in _GROUP_FIELDS})

    def __sub__(self, other: Group) -> Group:
        """This group without the members of ``other`` (a sub-group of it)."""
        return Group(**{name: getattr(self, name) - getattr(other, name) for name in _GROUP_FIELDS})

    def take(self, index: np.ndarray) -> Group:
        """The groups at ``index`` (numpy fancy indexing on the leading axis)."""
        return Group(**{name: take_rows(getattr(self, name), index) for name in _GROUP_FIELDS})


def run_sums(x: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sums of ``x[starts[k]:ends[k]]`` for every k, along the first axis (empty runs: 0).

    Each run's rows are added in place, one after the other; nothing is gathered.
    """
    rows = len(x)
    starts, ends = np.asarray(starts), np.asarray(ends)
    if rows == 0:
        return np.zeros((len(starts), *x.shape[1:]))
    # numpy adds x[at[i]:at[i + 1]] at every even i; at must stay below the row count, so
    # a run ending at the last row leaves that row to be added after
    at = np.minimum(np.stack([starts, ends], axis=1).ravel(), rows - 1)
    summed = np.add.reduceat(x, at, axis=0)[::2].astype(float)
    summed[(ends == rows) & (starts < rows - 1)] += x[-1]
    summed[ends <= starts] = 0.0
    return summed


COMPILED_FROM = 100_000
"""Farms from which :func:`sum_farms` adds them up in a compiled loop."""


def sum_farms(
    rows: np.ndarray,
    group_of: np.ndarray,
    groups: int,
    value: np.ndarray,
    need: np.ndarray,
    machines: np.ndarray,
    holding_cost: np.ndarray,
) -> Group:
    """Farms ``rows`` added into ``groups`` groups by ``group_of`` (e.g. members into coops).

    What ``Group.of_farms(value[rows], need[rows], …).sum_by(group_of, groups)`` gives,
    to the last bit. From :data:`COMPILED_FROM` farms a compiled loop adds each farm's
    figures where they lie, in one pass, instead of gathering them and adding each of
    the 17 columns apart (at Japan's full scale, six million members priced in every
    year and settling round).
    """
    if len(rows) < COMPILED_FROM:
        return Group.of_farms(
            value[rows],
            take_rows(need, rows),
            take_rows(machines, rows),
            take_rows(holding_cost, rows),
        ).sum_by(group_of, groups)
    from coopsim.economics.group_kernel import sum_farm_rows

    members, value_sum, value_sq, need_sum, machines_sum, holding_sum = sum_farm_rows(
        rows,
        group_of,
        groups,
        np.ascontiguousarray(value, dtype=float),
        np.ascontiguousarray(need),
        np.ascontiguousarray(machines),
        np.ascontiguousarray(holding_cost),
    )
    extra_fixed, extra_villages = np.zeros(groups), np.zeros(groups)  # farms bring neither
    return Group(
        members,
        value_sum,
        value_sq,
        need_sum,
        machines_sum,
        holding_sum,
        extra_fixed,
        extra_villages,
    )


_GROUP_FIELDS = tuple(f.name for f in fields(Group))
"""Names of a group's sums (looked up once: ``dataclasses.fields`` is slow to call often)."""


@dataclass(frozen=True)
class CoopCostParams:
    """The year's parameters of the coop cost function.

    Attributes:
        fixed: F, administration plus audit (currency/year per coop).
        handling_rate: c, handling plus turnover tax (share of value marketed).
        governance: γ (currency per member per unit of heterogeneity, per year).
        machinery: the year's machinery prices.
        distance: δ (currency per member per village beyond the first, per year).
    """

    fixed: float
    handling_rate: float
    governance: float
    machinery: MachineryPrices
    distance: float = 0.0


def heterogeneity(members: np.ndarray, value: np.ndarray, value_sq: np.ndarray) -> np.ndarray:
    """H: coefficient of variation of the value members market (0 for a single member)."""
    n = np.maximum(members, 1)
    mean = value / n
    var = np.maximum(value_sq / n - mean**2, 0.0)
    return np.divide(np.sqrt(var), mean, out=np.zeros_like(mean, dtype=float), where=mean > 0)


@dataclass(frozen=True)
class CoopCost:
    """A coop's yearly cost split into what is shared by use and what by volume.

    Attributes:
        machinery: per asset, shared by each member's use of that asset (currency/year), (G, 4).
        overhead: F + c·Q + γ·H·N, shared by value marketed (currency/year), (G,).
    """

    machinery: np.ndarray
    overhead: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """C(S), currency/year."""
        return row_sum(self.machinery) + self.overhead

    def take(self, index: np.ndarray) -> CoopCost:
        """The costs of the groups at ``index``."""
        return CoopCost(machinery=take_rows(self.machinery, index), overhead=self.overhead[index])


def coop_cost(group: Group, params: CoopCostParams) -> CoopCost:
    """C(S) for each group (rule R4); an empty group costs nothing."""
    exists = group.members > 0
    h = heterogeneity(group.members, group.value, group.value_sq)
    overhead = (
        np.where(exists, params.fixed, 0.0)
        + group.extra_fixed
        + params.handling_rate * group.value
        + params.governance * h * group.members
        + params.distance * group.members * group.extra_villages
    )
    machinery = machinery_cost(group.need, group.machines, group.holding_cost, params.machinery)
    return CoopCost(machinery=machinery, overhead=overhead)
