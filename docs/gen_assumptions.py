"""Write the tables of docs/assumptions.md from the library's defaults and the scenario files.

Run ``.venv/bin/python docs/gen_assumptions.py`` (a second or two). It rewrites the three
tables of ``docs/assumptions.md`` between the ``assumptions:<table>:start`` / ``:end``
markers and leaves the page's prose alone:

* **behaviour**: one row per field of ``[behaviour]``, its value read from
  :class:`coopsim.scenario.Behaviour`'s defaults when the script runs;
* **market**: the market, cost and credit defaults that country files may change, with
  the countries that do;
* **countries**: what each country scenario assumes, read from its file.

What cannot be read from the code — each parameter's plausible range, whether its value
is calibrated, observed or assumed, and the basis for it — is kept here as data, one row
per field. Which parameters are calibrated, and the box the calibration searched, are
read from ``experiments/calibration.toml``; a row that claims otherwise stops the script.
``tests/test_assumptions_doc.py`` regenerates the tables and compares them with the
page, so the page cannot silently fall behind a new calibration, a changed default or a
scenario file.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from coopsim.posterior import shipped_posterior
from coopsim.scenario import FARM_TYPES, Behaviour, Scenario, load_scenario, read_toml

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "assumptions.md"
CALIBRATION = ROOT / "experiments" / "calibration.toml"
STATUSES = ("calibrated", "observed", "assumed")
"""How a shared value was set: fitted by the calibration, taken from a published
figure, or chosen by us within the plausible range."""


@dataclass(frozen=True)
class Country:
    """A country scenario whose assumptions the page lists."""

    key: str
    label: str
    file: str


COUNTRIES = (
    Country("germany", "Germany", "scenarios/germany_1950.toml"),
    Country("japan", "Japan", "scenarios/japan_1960.toml"),
    Country("kazakhstan", "Kazakhstan", "scenarios/kazakhstan_2016.toml"),
    Country("canada", "Canada", "scenarios/canada_federation.toml"),
)


@dataclass(frozen=True)
class Shared:
    """One shared parameter: where it lives and what the code cannot say about it.

    Attributes:
        key: dotted scenario key; ``population.*.x`` stands for field ``x`` of every
            farm type.
        plausible: the range we consider plausible; empty for a calibrated parameter,
            whose range is the box the calibration searched.
        status: calibrated, observed or assumed (:data:`STATUSES`).
        basis: why this value and range.
        symbol: the symbol the model description uses, if any.
    """

    key: str
    plausible: str
    status: str
    basis: str
    symbol: str = ""


BEHAVIOUR = (
    Shared(
        "behaviour.merger_search_probability",
        "",
        "calibrated",
        "Germany's and Japan's coop counts; US co-ops merge at 2–4 % a year (model brief)",
    ),
    Shared(
        "behaviour.review_years",
        "",
        "calibrated",
        "farm counts of Germany and Japan; a farm weighs going on at a succession (once a "
        "generation) and when its main machine or building is due for replacement; exit "
        "weighed then (AgriPoliS, Happe et al. 2006)",
    ),
    Shared(
        "behaviour.autonomy_premium_household_plot",
        "",
        "calibrated",
        'coop counts and Canada\'s market share; "everybody wants to be their own boss" '
        "(source article)",
    ),
    Shared(
        "behaviour.autonomy_premium_peasant_farm",
        "",
        "calibrated",
        "as for household plots, fitted separately",
    ),
    Shared(
        "behaviour.autonomy_premium_commercial_farm",
        "",
        "calibrated",
        "as for household plots, fitted separately",
    ),
    Shared(
        "behaviour.autonomy_premium_sd",
        "0–0.1",
        "assumed",
        "spread between farms of a type; not measured",
    ),
    Shared(
        "behaviour.revision_probability",
        "0.1–0.5 per year",
        "assumed",
        "a farm reconsiders every two to ten years",
    ),
    Shared(
        "behaviour.planning_horizon_years",
        "3–10 years",
        "assumed",
        "one-off costs spread over it without discounting; also the horizon over which "
        "members want a coop's machine to pay (the horizon problem, Cook 1995)",
        "h",
    ),
    Shared(
        "behaviour.loyalty_threshold",
        "0–0.15 of revenue",
        "assumed",
        "dissatisfaction a member bears before it counts a bad year (loyalty, Hirschman 1970)",
    ),
    Shared(
        "behaviour.exit_after_bad_years",
        "1–5 years",
        "assumed",
        "m consecutive bad years before a member leaves (R6)",
        "m",
    ),
    Shared(
        "behaviour.voice",
        "on or off",
        "assumed",
        "dissatisfied majorities can change the sharing rule (voice, Hirschman 1970)",
    ),
    Shared(
        "behaviour.min_founders",
        "2–7 farms",
        "assumed",
        "the legal minimum for a coop is small in most countries",
    ),
    Shared(
        "behaviour.awareness_contagion",
        "0.1–0.5 per year",
        "assumed",
        "diffusion on the village network; not measured",
    ),
    Shared(
        "behaviour.trust_learning",
        "0.1–0.5 per year",
        "assumed",
        "trust following neighbours' experience; not measured",
    ),
    Shared(
        "behaviour.income_memory",
        "0.3–1",
        "assumed",
        "weight of this year's income in the expected income",
        "w",
    ),
    Shared(
        "behaviour.savings_rate",
        "0.05–0.3 of a year's surplus",
        "assumed",
        "farm households save part of a good year and pay all of a bad one",
    ),
    Shared(
        "behaviour.side_selling_share",
        "0–0.3 of output",
        "assumed",
        "what a member sells outside when outside buyers pay more (free riding, Cook 1995)",
    ),
    Shared(
        "behaviour.paper_coop_trust_loss",
        "0–0.5 of trust",
        "assumed",
        "what a village's trust loses when an audit exposes a paper coop there",
    ),
    Shared(
        "behaviour.merger_success_probability",
        "0.4–0.6",
        "observed",
        "about half of mergers realise the expected savings (Cramer 1967)",
    ),
    Shared(
        "behaviour.nominal_dissolve_years",
        "1–5 years",
        "assumed",
        "a paper coop without pressure is struck off",
    ),
    Shared(
        "behaviour.secession_samples",
        "1–20 per coop",
        "assumed",
        "sub-groups tested a year (R2), a numerical setting: more samples, more secessions",
    ),
    Shared(
        "behaviour.shapley_exact_max",
        "8–14 members",
        "assumed",
        "a numerical setting: the exact Shapley value takes 2^n coalitions",
    ),
    Shared(
        "behaviour.shapley_permutations",
        "32–1,000",
        "assumed",
        "a numerical setting: sampled orders for the Shapley value of larger coops",
    ),
)
"""Every field of ``[behaviour]``, in the order the page lists them."""

MARKET = (
    Shared(
        "market.bargaining_premium",
        "0.05–0.3 per unit of share",
        "assumed",
        "a coop's price rises with its regional share (R5; Hanisch, Rommel & Müller 2013)",
        "β",
    ),
    Shared(
        "market.yardstick",
        "0–0.5 of β",
        "assumed",
        "non-members gain part of the coops' price effect (R5)",
    ),
    Shared(
        "market.buyers_margin",
        "0.1–0.3 of the price",
        "assumed",
        "what buyers keep from a farm selling alone",
    ),
    Shared(
        "market.assured_market_value",
        "0–0.1 of revenue",
        "assumed",
        "value members put on an assured outlet; weighed in decisions, never paid",
    ),
    Shared(
        "costs.operating_share",
        "0.25–0.5 of the contractor price",
        "assumed",
        "own machines run well below contractors' prices (CUMA charge about half, model brief)",
    ),
    Shared(
        "costs.owned_value_share",
        "0.1–0.3 of the new price",
        "assumed",
        "farms' old machines",
    ),
    Shared(
        "costs.depreciation_rate",
        "0.05–0.12 per year",
        "assumed",
        "machinery lasting 8–20 years",
    ),
    Shared(
        "costs.handling_cost",
        "0.005–0.05 of value",
        "assumed",
        "collection and handling by the coop",
        "c",
    ),
    Shared(
        "costs.governance_cost",
        "about 1–5 % of a member's revenue at H = 1",
        "assumed",
        "R4: γ·H·N (Cook 1995; Iliopoulos 2013)",
        "γ",
    ),
    Shared(
        "costs.distance_cost",
        "0–1 % of a member's revenue per village",
        "assumed",
        "R4: δ·N·(V − 1), what makes merging stop paying beyond some size",
        "δ",
    ),
    Shared(
        "costs.farm_fixed_labour",
        "0–0.5 jobs",
        "assumed",
        "labour any farm takes whatever its size: what makes very small farms costly to keep",
    ),
    Shared(
        "population.*.household_labour",
        "1–2 jobs",
        "assumed",
        "a household's labour, on or off its farm (part-time farming)",
    ),
    Shared(
        "market.coop_leverage",
        "1–4 times equity",
        "assumed",
        "commercial lenders want about a quarter of an investment paid from own funds",
    ),
    Shared(
        "policy.credit_leverage",
        "4–19 times equity",
        "assumed",
        "concessional leasing wants 5–20 % paid up front",
    ),
    Shared(
        "policy.clawback_share",
        "0.5–1 of the grants",
        "assumed",
        "what an exposed paper coop pays back",
    ),
    Shared(
        "federation.union_bargaining",
        "0.3–1",
        "assumed",
        "how much of its union's market share a member coop bargains with",
    ),
    Shared(
        "federation.central_premium",
        "0–0.05 of the price",
        "assumed",
        "price gain from a central federation",
    ),
)
"""Market, cost and credit defaults a country file may change, one row per field."""


# --- numbers --------------------------------------------------------------------------------


def number(x: Any) -> str:
    """A value as the page shows it: grouped thousands, no trailing zeros, on/off."""
    if isinstance(x, bool):
        return "on" if x else "off"
    if x is None:
        return "none"
    if isinstance(x, list):
        return "[" + ", ".join(number(v) for v in x) + "]"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.10g}"


def percent(x: float) -> str:
    """A share as a percentage: 0.3 → ``30 %``."""
    return f"{number(round(x * 100, 6))} %"


def rounded(x: float) -> str:
    """A derived count to three significant figures: 24,615 → ``24,600``."""
    if x < 1000:
        return number(round(x))
    digits = len(str(int(x))) - 3
    return number(round(x, -digits))


# --- the scenario's fields ------------------------------------------------------------------


def values_at(scenario: BaseModel, key: str) -> list[Any]:
    """The value of a dotted key (one per farm type for ``population.*.x``)."""
    parts = key.split(".")
    if parts[1] == "*":
        return [getattr(getattr(scenario.population, t), parts[2]) for t in FARM_TYPES]
    node: Any = scenario
    for part in parts:
        node = getattr(node, part)
    return [node]


def field_unit(key: str) -> str:
    """The unit :mod:`coopsim.scenario` declares for a dotted key."""
    parts = key.split(".")
    model: Any = Scenario
    for part in parts[:-1]:
        if part == "*":
            part = FARM_TYPES[0]  # every farm type has the same fields
        model = model.model_fields[part].annotation
    extra = model.model_fields[parts[-1]].json_schema_extra or {}
    return str(extra.get("unit", ""))


def shown(values: list[Any]) -> str:
    """One value, or one per farm type when they differ (household / peasant / commercial)."""
    if len(set(map(repr, values))) == 1:
        return number(values[0])
    return " / ".join(number(v) for v in values)


def posterior_interval(key: str) -> tuple[float, float]:
    """The shipped posterior's weighted 5 % and 95 % of a calibrated parameter."""
    from pyabc.weighted_statistics import weighted_quantile

    posterior = shipped_posterior()
    values, weights = posterior[key].to_numpy(), posterior["weight"].to_numpy()
    return tuple(round(float(weighted_quantile(values, weights, alpha=q)), 4) for q in (0.05, 0.95))


def calibrated_box(path: Path = CALIBRATION) -> dict[str, tuple[float, float]]:
    """The calibration's parameters and the box it searched: key → (min, max)."""
    spec = read_toml(path, "calibration")
    return {p["key"]: (p["min"], p["max"]) for p in spec.get("parameters", [])}


def load_countries() -> dict[str, Scenario]:
    """Every country scenario of :data:`COUNTRIES`, validated, by key."""
    return {c.key: load_scenario(ROOT / c.file) for c in COUNTRIES}


def check_rows(box: dict[str, tuple[float, float]]) -> None:
    """Stop when the rows miss a field of ``[behaviour]`` or contradict the calibration file."""
    rows = BEHAVIOUR + MARKET
    for row in rows:
        if row.status not in STATUSES:
            raise SystemExit(f"{row.key}: status {row.status!r} is not one of {STATUSES}")
        if (row.status == "calibrated") != (row.key in box):
            said = "calibrated" if row.key in box else "not calibrated"
            raise SystemExit(
                f"{row.key}: marked {row.status} here but {said} in {CALIBRATION.name}; "
                "update its row (status, basis) in docs/gen_assumptions.py"
            )
    missing = set(box) - {r.key for r in rows}
    if missing:
        raise SystemExit(f"calibrated but without a row here: {', '.join(sorted(missing))}")
    fields = {f"behaviour.{f}" for f in Behaviour.model_fields}
    listed = {r.key for r in BEHAVIOUR}
    if listed != fields:
        raise SystemExit(
            "behaviour fields without a row: "
            + (", ".join(sorted(fields - listed)) or "none")
            + "; rows without a field: "
            + (", ".join(sorted(listed - fields)) or "none")
        )


# --- the three tables -----------------------------------------------------------------------


def name_of(row: Shared) -> str:
    """The parameter as the page names it."""
    field = row.key.split(".")[-1]
    label = f"`{field}`" + (" (each farm type)" if ".*." in row.key else "")
    return f"{label} {row.symbol}".rstrip()


def behaviour_table(
    defaults: Scenario, countries: dict[str, Scenario], box: dict[str, tuple[float, float]]
) -> str:
    """The shared behaviour: value, unit, range, status and basis of every field."""
    lines = [
        "| parameter | value | unit | plausible range | status | basis |",
        "|---|---:|---|---|---|---|",
    ]
    for row in BEHAVIOUR:
        plausible = row.plausible
        value = shown(values_at(defaults, row.key))
        if row.key in box:
            low, high = box[row.key]
            plausible = f"{number(low)}–{number(high)} (uniform prior)"
            q05, q95 = posterior_interval(row.key)
            value = f"{value} ({number(q05)}–{number(q95)})"
        lines.append(
            f"| {name_of(row)} | {value} | "
            f"{field_unit(row.key)} | {plausible} | *{row.status}* | {row.basis} |"
        )
    setters = [
        f"{c.label} sets `{row.key.split('.')[-1]}` = {shown(values_at(countries[c.key], row.key))}"
        for c in COUNTRIES
        for row in BEHAVIOUR
        if values_at(countries[c.key], row.key) != values_at(defaults, row.key)
    ]
    lines.append("")
    lines.append(
        "Every country scenario uses these values."
        if not setters
        else "Country files that set their own (they should not): " + "; ".join(setters) + "."
    )
    return "\n".join(lines)


def market_table(
    defaults: Scenario, countries: dict[str, Scenario], box: dict[str, tuple[float, float]]
) -> str:
    """Market, cost and credit defaults, and the countries whose files change them."""
    lines = [
        "| parameter | default | unit | plausible range | status | basis | set otherwise in |",
        "|---|---:|---|---|---|---|---|",
    ]
    for row in MARKET:
        default = values_at(defaults, row.key)
        others = [
            f"{c.label} {shown(values_at(countries[c.key], row.key))}"
            for c in COUNTRIES
            if values_at(countries[c.key], row.key) != default
        ]
        lines.append(
            f"| {name_of(row)} | {shown(default)} | {field_unit(row.key)} | {row.plausible} | "
            f"*{row.status}* | {row.basis} | {', '.join(others) or '–'} |"
        )
    return "\n".join(lines)


def series(scenario: Scenario, key: str) -> list[tuple[int, Any]]:
    """A lever of ``policy`` or ``market`` through the run: (first year, value) per change."""
    section, field = key.split(".")
    levers = scenario.policy_in if section == "policy" else scenario.market_in
    points: list[tuple[int, Any]] = []
    for year in range(scenario.start_year, scenario.end_year + 1):
        value = getattr(levers(year), field)
        if not points or points[-1][1] != value:
            points.append((year, value))
    return points


def schedule(scenario: Scenario, key: str, fmt: Callable[[Any], str] = number) -> str:
    """A lever's course through the run in words: ``rising 3,000 → 14,600``, ``0.3 in 2017–2021``.

    A lever that is 0 or empty all along is ``—``.
    """
    points = series(scenario, key)
    values = [v for _, v in points]
    off = (None, 0, 0.0, [])
    if len(points) == 1:
        return "—" if values[0] in off else fmt(values[0])
    numeric = all(isinstance(v, int | float) for v in values)
    if numeric and len(points) >= 3:
        steps = [b - a for a, b in itertools.pairwise(values)]
        if all(s > 0 for s in steps) or all(s < 0 for s in steps):
            way = "rising" if steps[0] > 0 else "falling"
            return f"{way} {fmt(values[0])} → {fmt(values[-1])}"
        if len(points) >= 4:
            return (
                f"{fmt(values[0])} → {fmt(values[-1])}, between {fmt(min(values))} "
                f"and {fmt(max(values))}"
            )
    parts = []
    for i, (year, value) in enumerate(points):
        if value in off:
            continue
        last = points[i + 1][0] - 1 if i + 1 < len(points) else scenario.end_year
        if last == scenario.end_year:
            parts.append(fmt(value) if year == scenario.start_year else f"{fmt(value)} from {year}")
        else:
            parts.append(
                f"{fmt(value)} in {year}–{last}" if last > year else f"{fmt(value)} in {year}"
            )
    return "; ".join(parts) or "—"


def money(scenario: Scenario, x: float) -> str:
    """An amount in the scenario's currency; ``—`` for nothing."""
    return f"{number(x)} {scenario.currency}" if x else "—"


def initial_coops(s: Scenario) -> str:
    """The coops a scenario starts with, as its structure implies them."""
    pop = s.population
    if pop.initial_membership_rate <= 0:
        return "—"
    per_village = pop.village_size * pop.initial_membership_rate
    if per_village <= pop.initial_coop_size:
        count = pop.farms / pop.village_size
        return f"one per village: ~{rounded(count)} of ~{rounded(per_village)} members"
    count = pop.farms * pop.initial_membership_rate / pop.initial_coop_size
    return f"~{rounded(count)} of up to {number(pop.initial_coop_size)} members"


def by_type(s: Scenario, field: str, fmt: Callable[[float], str] = number) -> str:
    """A farm type's field for household plots / peasant farms / commercial farms."""
    return " / ".join(fmt(getattr(getattr(s.population, t), field)) for t in FARM_TYPES)


def credit(s: Scenario) -> str:
    """The concessional rate for coop loans, with its grace years."""
    rate = schedule(s, "policy.credit_rate", percent)
    grace = schedule(s, "policy.credit_grace_years")
    return rate if grace == "—" else f"{rate}, {grace} years' grace"


def merger_plan(s: Scenario) -> str:
    """The national merger plan: coops per region aimed at, and the share of costs borne."""
    plan = schedule(s, "policy.merger_plan_coops_per_region")
    if plan == "—":
        return "—"
    pressure = schedule(s, "policy.merger_plan_pressure", percent)
    return f"{plan} (coops a region); {pressure} (share of merger costs borne)"


def grants(s: Scenario) -> str:
    """Member grant and start-up grant through the run."""
    member = schedule(s, "policy.member_grant", lambda x: money(s, x))
    start_up = schedule(s, "policy.start_up_grant", lambda x: money(s, x))
    return "—" if member == start_up == "—" else f"{member}; {start_up}"


@dataclass(frozen=True)
class CountryRow:
    """One assumption of the country table: how to read it from a scenario, and its range."""

    label: str
    value: Callable[[Scenario], str]
    plausible: str


COUNTRY_ROWS = (
    CountryRow(
        "farms in coops at the start",
        lambda s: percent(s.population.initial_membership_rate),
        "Germany 50–90 %, Japan 90–100 %, Canada 40–70 %",
    ),
    CountryRow(
        "coops at the start",
        initial_coops,
        "follows from the reported counts (Germany ~26,000, Japan >12,000, Canada ~360)",
    ),
    CountryRow(
        "regions (markets where coops merge)",
        lambda s: number(s.population.regions),
        "the floor of a scaled run's coop count is regions × scale",
    ),
    CountryRow(
        "coop fixed + audit cost per year",
        lambda s: money(s, s.costs.coop_fixed_cost + s.costs.audit_cost),
        "0.5–5 % of the coop's turnover",
    ),
    CountryRow(
        "merger cost",
        lambda s: money(s, s.costs.merger_cost),
        "1–8 years of a coop's fixed and audit cost",
    ),
    CountryRow(
        "merger cost borne by the state or the unions (`merger_subsidy`)",
        lambda s: schedule(s, "policy.merger_subsidy", percent),
        "0–50 %",
    ),
    CountryRow("national merger plan", merger_plan, "no measured counterpart"),
    CountryRow(
        "mergers across regions",
        lambda s: "yes" if s.federation.merge_across_regions else "no",
        "yes where a sample's regions are not real markets",
    ),
    CountryRow(
        "distance cost per member and village beyond the first",
        lambda s: money(s, s.costs.distance_cost),
        "0–1 % of a member's revenue",
    ),
    CountryRow(
        "secession set-up cost",
        lambda s: money(s, s.costs.secession_setup_cost),
        "2–15 years of a coop's fixed cost",
    ),
    CountryRow(
        "labour a farm needs at the start (household / peasant / commercial)",
        lambda s: by_type(s, "labour_units"),
        "full-time jobs; about one for a family farm",
    ),
    CountryRow(
        "labour any farm needs (`farm_fixed_labour`)",
        lambda s: number(s.costs.farm_fixed_labour),
        "0–0.5 jobs",
    ),
    CountryRow(
        "household labour (household / peasant / commercial)",
        lambda s: by_type(s, "household_labour"),
        "1–2 jobs",
    ),
    CountryRow(
        "savings at the start (household / peasant / commercial)",
        lambda s: by_type(s, "cash", lambda x: money(s, x)),
        "a few months to a few years of the type's income",
    ),
    CountryRow(
        "commercial credit per ha of own land",
        lambda s: schedule(s, "market.credit_per_ha", lambda x: money(s, x)),
        "0 to the land's value",
    ),
    CountryRow(
        "commercial interest rate",
        lambda s: schedule(s, "market.interest_rate", percent),
        "rates of the time, rounded",
    ),
    CountryRow("concessional credit to coops", credit, "Kazakhstan: 4–6 % (model brief)"),
    CountryRow(
        "concessional credit per member",
        lambda s: schedule(s, "policy.member_credit", lambda x: money(s, x)),
        "Kazakhstan: ~2.9 M KZT per member lent by Aug 2017 (kazagro.kz)",
    ),
    CountryRow(
        "off-farm wage",
        lambda s: schedule(s, "market.off_farm_wage", lambda x: money(s, x)),
        "reported real earnings, rounded (Canada: assumed)",
    ),
    CountryRow(
        "land rent",
        lambda s: schedule(s, "market.land_rent", lambda x: money(s, x)),
        "assumed; rising slowly in real terms",
    ),
    CountryRow(
        "crop yield index",
        lambda s: schedule(s, "market.crop_yield_index"),
        "reported yields (each file's comments)",
    ),
    CountryRow(
        "livestock yield index",
        lambda s: schedule(s, "market.livestock_yield_index"),
        "reported milk per cow (Germany)",
    ),
    CountryRow(
        "labour index",
        lambda s: schedule(s, "market.labour_index"),
        "about −3.5 to −4 % a year with mechanisation",
    ),
    CountryRow(
        "input cost index",
        lambda s: schedule(s, "market.input_cost_index"),
        "assumed: real input costs falling about 1 % a year",
    ),
    CountryRow(
        "crop price",
        lambda s: schedule(s, "market.price_crop", lambda x: money(s, x)),
        "real producer prices (each file's comments)",
    ),
    CountryRow(
        "KPI target per region",
        lambda s: schedule(s, "policy.kpi_coops_per_region"),
        "Kazakhstan: ~1,500 coops over 14 regions",
    ),
    CountryRow(
        "KPI pressure",
        lambda s: schedule(s, "policy.kpi_pressure"),
        "0–1; no measured counterpart",
    ),
    CountryRow(
        "member grant; start-up grant",
        grants,
        "0–400,000 KZT per member",
    ),
    CountryRow(
        "audit chance per coop and year",
        lambda s: schedule(s, "policy.audit_probability"),
        "0–0.3; Kazakhstan's register kept most coops (energyprom.kz)",
    ),
)
"""The country table's rows, each read from the scenario files."""


def country_table(countries: dict[str, Scenario]) -> str:
    """What each country scenario assumes, read from its file."""
    heads = [f"{c.label} {countries[c.key].start_year}" for c in COUNTRIES]
    lines = [
        f"| assumption | {' | '.join(heads)} | plausible range |",
        "|---|" + "---|" * len(COUNTRIES) + "---|",
    ]
    for row in COUNTRY_ROWS:
        cells = [row.value(countries[c.key]) for c in COUNTRIES]
        lines.append(f"| {row.label} | {' | '.join(cells)} | {row.plausible} |")
    return "\n".join(lines)


# --- the page -------------------------------------------------------------------------------


def blocks(
    defaults: Scenario | None = None,
    countries: dict[str, Scenario] | None = None,
    box: dict[str, tuple[float, float]] | None = None,
) -> dict[str, str]:
    """The page's generated tables by marker name.

    Args:
        defaults: the scenario whose values are the library's defaults (``Scenario()``).
        countries: the country scenarios by key (read from their files).
        box: the calibration's parameters and search box (read from its file).
    """
    defaults = Scenario() if defaults is None else defaults
    countries = load_countries() if countries is None else countries
    box = calibrated_box() if box is None else box
    check_rows(box)
    return {
        "behaviour": behaviour_table(defaults, countries, box),
        "market": market_table(defaults, countries, box),
        "countries": country_table(countries),
    }


def marker(name: str) -> re.Pattern[str]:
    """The block of the page between ``assumptions:<name>:start`` and ``:end``."""
    return re.compile(
        rf"(<!-- assumptions:{name}:start -->\n)(.*?)(<!-- assumptions:{name}:end -->)", re.S
    )


def render(page: str, tables: dict[str, str]) -> str:
    """The page with each generated table put between its markers."""
    for name, text in tables.items():
        pattern = marker(name)
        if not pattern.search(page):
            raise SystemExit(f"{DOC.name} has no assumptions:{name} markers")
        page = pattern.sub(lambda m, text=text: m.group(1) + text + "\n" + m.group(3), page)
    return page


def differences(page: str, fresh: str) -> list[str]:
    """Lines of the page's tables that a fresh generation would change (page, then fresh)."""
    out = []
    for name in ("behaviour", "market", "countries"):
        old, new = marker(name).search(page), marker(name).search(fresh)
        old_lines = old.group(2).splitlines() if old else ["(no block)"]
        new_lines = new.group(2).splitlines() if new else ["(no block)"]
        for a, b in zip(old_lines, new_lines, strict=False):
            if a != b:
                out.append(f"{name}: page {a!r} / now {b!r}")
        if len(old_lines) != len(new_lines):
            out.append(f"{name}: page has {len(old_lines)} lines, now {len(new_lines)}")
    return out


def main() -> None:
    """Rewrite the page's tables."""
    page = DOC.read_text(encoding="utf-8")
    DOC.write_text(render(page, blocks()), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
