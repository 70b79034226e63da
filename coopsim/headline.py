"""Headline results of a scenario: what its runs found by a year, with bands and costs.

A policymaker asks three things of a programme: how many coops operate and how many
farms are members by a year; what it cost in total, against the budget cap; and what
each extra member and each extra operating coop cost, against no programme at all. This
module answers them from the model tables of several runs (replicates) of a scenario,
each number as the **median over the runs with a band from the lowest to the highest
run**, and says them in one sentence in the reader's language. Its functions work on
tables; they run nothing.

Costs are taken against a no-programme baseline run with the same seeds
(:mod:`coopsim.experiments.baseline`, which runs the arms and the baseline and calls
:func:`headline` on each arm), paired replicate by replicate: a cost is worked out run
by run and its band is over those paired runs.

From a page, with runs still to be made::

    from coopsim.experiments.baseline import run_headlines
    from coopsim.i18n import Translator

    found = run_headlines(scenario, runs=8)  # the scenario as set, and the baseline
    top = found.headlines[found.arms[0].name]  # a Headline
    text = top.sentence(Translator("kk"))  # "2030 жылға қарай: …"
    warning = top.warning(Translator("kk"))  # None, or: few simulated coops behind it

With runs already made (e.g. one arm of a :class:`~coopsim.experiments.arms.Comparison`
and its baseline arm), call :func:`headline` on their tables. The printed brief is
:func:`coopsim.brief.write_brief`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coopsim.i18n import Translator, sign
from coopsim.scenario import Scenario

FEW_COOPS = 10
"""A headline resting on fewer simulated operating coops than this (median) is flagged."""


@dataclass(frozen=True)
class Band:
    """A number over several runs: the median, and the lowest and highest run.

    Attributes:
        median: the median over the runs.
        low: the lowest run.
        high: the highest run.
        runs: how many runs.
    """

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Band:
        """The band of ``values`` (missing values are left out).

        Raises:
            ValueError: no value.
        """
        array = np.asarray([v for v in values if not pd.isna(v)], dtype=float)
        if not len(array):
            raise ValueError("a band needs at least one run")
        return cls(float(np.median(array)), float(array.min()), float(array.max()), len(array))

    @property
    def values(self) -> tuple[float, float, float]:
        """The median, the lowest and the highest."""
        return self.median, self.low, self.high

    def scaled(self, factor: float) -> Band:
        """Every value multiplied by ``factor`` (> 0), e.g. a cost as a share of a cap."""
        return Band(self.median * factor, self.low * factor, self.high * factor, self.runs)

    @property
    def straddles_zero(self) -> bool:
        """True when some runs are below zero and some above."""
        return self.low < 0 < self.high


@dataclass(frozen=True)
class Cost:
    """What each extra unit (a member-year, a coop-year) cost, run by run.

    Attributes:
        per_unit: the band of the cost per extra unit (currency) over the runs in which
            the programme added at least one; None when it added none in most runs.
        runs: paired runs compared.
        without_gain: runs in which the programme added less than one unit.
    """

    per_unit: Band | None
    runs: int
    without_gain: int


def at_year(runs: pd.DataFrame, column: str, year: int) -> pd.Series:
    """Each run's value of ``column`` in ``year``, by replicate.

    Args:
        runs: model tables of several runs, with columns ``replicate`` and ``year``.
        column: a column of the model table.
        year: a calendar year the runs reached.
    """
    rows = runs[runs["year"] == year]
    return rows.set_index("replicate")[column].sort_index()


def up_to(runs: pd.DataFrame, column: str, year: int) -> pd.Series:
    """Each run's ``column`` added up over the years to ``year`` (included), by replicate.

    For ``subsidy_paid`` (currency/year) it is the cumulative spending (currency); for
    ``members`` (farms) the member-years.
    """
    return runs[runs["year"] <= year].groupby("replicate")[column].sum().sort_index()


def cumulative_cap(scenario: Scenario, year: int) -> float | None:
    """The budget caps (``policy.budget``, currency/year) added up to ``year``, changes included.

    Returns:
        The cumulative cap (currency), or None when some year has no cap.
    """
    total = 0.0
    for y in range(scenario.start_year, year + 1):
        budget = scenario.policy_in(y).budget
        if budget is None:
            return None
        total += budget
    return total


def cost_per_extra(extra_spending: Iterable[float], extra_units: Iterable[float]) -> Cost:
    """The cost of each extra unit, run by run: extra spending ÷ extra units.

    Args:
        extra_spending: per paired run, the programme's spending less the baseline's
            (currency).
        extra_units: per paired run, the programme's units less the baseline's (member-
            years or coop-years, in real units).

    Returns:
        The band over the runs that gained at least one unit; runs that gained less
        are counted, not divided by. With gains in fewer than half of the runs, there
        is no band (the programme adds none, as a rule).
    """
    spending = np.asarray(list(extra_spending), dtype=float)
    units = np.asarray(list(extra_units), dtype=float)
    gained = units >= 1.0
    lost = int((~gained).sum())
    if 2 * lost >= len(units) and lost:
        return Cost(None, len(units), lost)
    return Cost(Band.of(spending[gained] / units[gained]), len(units), lost)


def paired_difference(runs: pd.DataFrame, reference: pd.DataFrame, column: str, year: int) -> Band:
    """``column`` in ``year`` of each run less that of the reference run of the same replicate."""
    difference = (at_year(runs, column, year) - at_year(reference, column, year)).dropna()
    return Band.of(difference)


@dataclass(frozen=True)
class Headline:
    """What the runs of one scenario (or arm) found by a year.

    Attributes:
        year: the calendar year the numbers are for (spending and costs: up to it).
        start_year: the scenario's first year.
        currency: the scenario's currency code.
        scale: real farms per simulated farm (one simulated coop stands for as many).
        simulated_farms: farms simulated in a run.
        coops_active: operating coops in ``year`` (real count).
        members: member farms in ``year`` (real count).
        membership_rate: members / farms in ``year`` (share, 0–1).
        spending: subsidies paid from the first year to ``year``, net of clawbacks
            (currency, real).
        cap: the budget caps of those years added up (currency), or None without a cap.
        per_member_year: cost of an extra member for a year against no programme; None
            without a baseline.
        per_coop_year: cost of an extra operating coop for a year against no programme;
            None without a baseline.
    """

    year: int
    start_year: int
    currency: str
    scale: float
    simulated_farms: int
    coops_active: Band
    members: Band
    membership_rate: Band
    spending: Band
    cap: float | None
    per_member_year: Cost | None = None
    per_coop_year: Cost | None = None

    @property
    def runs(self) -> int:
        """How many runs the numbers are over."""
        return self.coops_active.runs

    @property
    def simulated_coops(self) -> float:
        """The median of simulated operating coops in ``year`` (each stands for ``scale``)."""
        return self.coops_active.median / self.scale

    @property
    def few_coops(self) -> bool:
        """True when the headline rests on fewer than :data:`FEW_COOPS` simulated coops."""
        return self.simulated_coops < FEW_COOPS

    # --- in words ---------------------------------------------------------------------------

    def sentence(self, tr: Translator) -> str:
        """The headline in one sentence, every number with its band (``headline.*`` texts).

        E.g. "By 2030: 3,800 operating coops (2,900–5,100 over 8 runs); …".
        """
        coops, coops_band = self._count(tr, self.coops_active, first=True)
        members, members_band = self._count(tr, self.members)
        rate, rate_band = self._rate(tr, self.membership_rate)
        parts = [
            tr("headline.coops", value=coops, band=coops_band),
            tr(
                "headline.members",
                value=members,
                band=members_band,
                rate=rate,
                rate_band=rate_band,
            ),
            self.spending_text(tr),
        ]
        if self.per_member_year is not None:
            parts.append(self.cost_text(tr, "member"))
        return tr("headline.sentence", year=self.year, parts="; ".join(parts))

    def spending_text(self, tr: Translator) -> str:
        """Cumulative spending with its band, against the cumulative cap where there is one."""
        value, band = self._money(tr, self.spending)
        if self.cap is None or self.cap <= 0:
            return tr("headline.spent", value=value, band=band)
        share, share_band = self._rate(tr, self.spending.scaled(1 / self.cap))
        return tr(
            "headline.spent_cap",
            value=value,
            band=band,
            share=share,
            share_band=share_band,
            cap=money(tr, self.cap, self.currency),
            first=self.start_year,
            year=self.year,
        )

    def cost_text(self, tr: Translator, per: str) -> str:
        """The cost per extra ``"member"`` or ``"coop"`` a year, or why there is none.

        Raises:
            ValueError: no baseline was given.
        """
        cost = self.per_member_year if per == "member" else self.per_coop_year
        if cost is None:
            raise ValueError("a cost needs the no-programme baseline")
        if cost.per_unit is None:
            return tr(f"headline.no_gain_{per}", k=cost.without_gain, n=cost.runs)
        value, band = self._money(tr, cost.per_unit)
        text = tr(f"headline.per_{per}", value=value, band=band)
        if cost.without_gain:
            text += " " + tr(f"headline.some_without_{per}", k=cost.without_gain, n=cost.runs)
        return text

    def granularity(self, tr: Translator) -> str:
        """What one simulated farm or coop stands for."""
        return tr(
            "headline.granularity",
            farms=tr.number(self.simulated_farms),
            scale=tr.number(self.scale, 0 if self.scale >= 10 else 1),
        )

    def warning(self, tr: Translator) -> str | None:
        """A warning when the numbers rest on a handful of simulated coops, else None."""
        if not self.few_coops:
            return None
        return tr(
            "headline.few_coops",
            n=tr.number(self.simulated_coops, 1 if self.simulated_coops < 1 else 0),
            scale=tr.number(self.scale),
        )

    def band_note(self, tr: Translator) -> str:
        """How to read the brackets: lowest to highest of how many runs."""
        if self.runs == 1:
            return tr("headline.one_run_note")
        return tr("headline.band_note", runs=self.runs)

    def cells(self, tr: Translator) -> dict[str, str]:
        """The numbers of a table column, by row key (``headline.row.<key>`` labels them)."""

        def cell(pair: tuple[str, str]) -> str:
            return tr("headline.cell", value=pair[0], band=pair[1])

        cells = {
            "coops_active": cell(self._count(tr, self.coops_active)),
            "simulated_coops": tr.number(self.simulated_coops, 0),
            "members": cell(self._count(tr, self.members)),
            "membership_rate": cell(self._rate(tr, self.membership_rate)),
            "spending": cell(self._money(tr, self.spending)),
            "cap": "–" if self.cap is None else money(tr, self.cap, self.currency),
        }
        for per, cost in (("member", self.per_member_year), ("coop", self.per_coop_year)):
            if cost is not None:
                cells[f"per_{per}"] = (
                    cell(self._money(tr, cost.per_unit))
                    if cost.per_unit is not None
                    else tr("headline.no_gain_short")
                )
        return cells

    # --- numbers as text: (the median, its band) --------------------------------------------

    def _band(self, tr: Translator, low: str, high: str, first: bool) -> str:
        if self.runs == 1:
            return tr("headline.one_run")
        key = "headline.band_runs" if first else "headline.band"
        return tr(key, low=low, high=high, runs=self.runs)

    def _count(self, tr: Translator, band: Band, first: bool = False) -> tuple[str, str]:
        median, low, high = (tr.number(v) for v in band.values)
        return median, self._band(tr, low, high, first)

    def _rate(self, tr: Translator, band: Band) -> tuple[str, str]:
        median, low, high = (tr.number(100 * v, 1) for v in band.values)
        percent = "headline.percent"
        return tr(percent, value=median), self._band(tr, low, tr(percent, value=high), False)

    def _money(self, tr: Translator, band: Band) -> tuple[str, str]:
        largest = max(abs(v) for v in band.values)
        low = money(tr, band.low, self.currency, largest, bare=True)
        high = money(tr, band.high, self.currency, largest)
        return money(tr, band.median, self.currency, largest), self._band(tr, low, high, False)


def money(
    tr: Translator, value: float, currency: str, largest: float | None = None, bare: bool = False
) -> str:
    """An amount in words' units: ``164 bn ₸``, ``5.8 mn ₸``, ``487,000 ₸``.

    Args:
        tr: the language.
        value: the amount (currency).
        currency: its code.
        largest: the amount whose size sets the unit (default: ``value``), so that the
            ends of a band share one unit.
        bare: the number alone, without unit or sign.

    Amounts are rounded to three significant digits (a model's cost is no more precise).
    """
    largest = abs(value if largest is None else largest)
    unit, divisor = _money_unit(largest)
    scaled = _significant(value, 3, largest) / divisor
    digits = 1 if divisor > 1 and largest / divisor < 100 else 0
    number = tr.number(scaled, digits)
    return number if bare else tr(f"headline.money_{unit}", value=number, sign=sign(currency))


def _money_unit(largest: float) -> tuple[str, float]:
    """The unit for amounts up to ``largest``: billions, millions (from ten) or plain."""
    if largest >= 1e9:
        return "bn", 1e9
    if largest >= 1e7:
        return "mn", 1e6
    return "plain", 1.0


def _significant(value: float, digits: int, largest: float) -> float:
    """``value`` rounded to the place of ``largest``'s ``digits``-th significant digit."""
    if largest <= 0 or not math.isfinite(largest):
        return value
    place = math.floor(math.log10(largest)) - digits + 1
    return round(value, -place) if place > 0 else value


def headline(
    runs: pd.DataFrame,
    scenario: Scenario,
    baseline_runs: pd.DataFrame | None = None,
    year: int | None = None,
) -> Headline:
    """Summarise the runs of a scenario by ``year``.

    Args:
        runs: the model tables of the runs, stacked, with a ``replicate`` column (as one
            arm of :attr:`Comparison.results <coopsim.experiments.arms.Comparison.results>`).
        scenario: the scenario the runs ran (its budget, currency, scale and years).
        baseline_runs: the same for the no-programme baseline
            (:func:`~coopsim.experiments.baseline.no_programme`), replicate *r* with the
            seed of ``runs``' replicate *r*; without it there are no costs per extra
            member or coop.
        year: the year to summarise (default: the scenario's last).

    Raises:
        ValueError: no run reached ``year``.
    """
    year = scenario.end_year if year is None else year
    if not (runs["year"] == year).any():
        raise ValueError(f"no run reached {year}")
    costs: dict[str, Cost] = {}
    if baseline_runs is not None:
        extra_spending = up_to(runs, "subsidy_paid", year) - up_to(
            baseline_runs, "subsidy_paid", year
        )
        for per, column in (("member", "members"), ("coop", "coops_active")):
            extra = (up_to(runs, column, year) - up_to(baseline_runs, column, year)).dropna()
            costs[per] = cost_per_extra(extra_spending[extra.index], extra)
    return Headline(
        year=year,
        start_year=scenario.start_year,
        currency=scenario.currency,
        scale=scenario.population.scale,
        simulated_farms=round(scenario.population.farms / scenario.population.scale),
        coops_active=Band.of(at_year(runs, "coops_active", year)),
        members=Band.of(at_year(runs, "members", year)),
        membership_rate=Band.of(at_year(runs, "membership_rate", year)),
        spending=Band.of(up_to(runs, "subsidy_paid", year)),
        cap=cumulative_cap(scenario, year),
        per_member_year=costs.get("member"),
        per_coop_year=costs.get("coop"),
    )


def rate_points(tr: Translator, band: Band) -> str:
    """A difference of rates (shares) in percentage points with its band.

    E.g. ``+2.5 pp (0.8–4.1 pp)``; with a ``*`` when the band holds zero (the arms do not
    differ clearly), and a minus sign, not a hyphen, below zero.
    """

    def signed(v: float, plus: bool) -> str:
        text = tr.number(100 * v, 1)  # never "-0.0"
        if text.startswith("-"):
            return "\u2212" + text[1:]
        return "+" + text if plus and text.strip("0.,\u202f") else text

    value = tr("headline.points", value=signed(band.median, True))
    if band.runs == 1:
        return tr("headline.cell", value=value, band=tr("headline.one_run"))
    high = tr("headline.points", value=signed(band.high, False))
    text = tr(
        "headline.cell",
        value=value,
        band=tr("headline.band", low=signed(band.low, False), high=high),
    )
    return text + " *" if band.straddles_zero else text
