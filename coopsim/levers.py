"""The policy and market levers a user can set, read from the scenario schema.

Every lever's unit, range and one-line help come from the scenario's field definitions
(``coopsim.scenario``: ``description``, ``json_schema_extra["unit"]`` and the ``ge``/``le``
bounds), so the controls built on them can never disagree with what a scenario file
accepts. This module groups the levers, reads values typed as text and edits the
schedule of policy changes; the dashboard's controls and the policy arms of
:mod:`coopsim.experiments.arms` use it.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt

from coopsim.scenario import MarketLevers, PolicyLevers, Scenario, validate_scenario

Kind = Literal["number", "integer", "switch", "shares"]

SWITCH_WORDS = {"1": True, "on": True, "true": True, "yes": True, "0": False, "off": False}
SWITCH_WORDS |= {"false": False, "no": False}
"""What a switch accepts when typed (e.g. in a change by year)."""

POLICY_GROUPS: dict[str, tuple[str, ...]] = {
    "grants": ("start_up_grant", "member_grant", "member_grant_needs_operation", "member_credit"),
    "investment": ("investment_subsidy", "credit_rate", "credit_grace_years", "credit_leverage"),
    "output": (
        "output_subsidy_crop",
        "output_subsidy_livestock",
        "start_up_aid",
        "start_up_aid_cap",
    ),
    "tax": (
        "tax_relief",
        "audit_subsidy",
        "merger_subsidy",
        "merger_plan_coops_per_region",
        "merger_plan_pressure",
        "min_coop_members",
    ),
    "targets": (
        "kpi_coops_per_region",
        "kpi_pressure",
        "audit_probability",
        "clawback_share",
        "campaign",
        "budget",
    ),
}
"""Policy levers by group, in the order shown."""

MARKET_GROUPS: dict[str, tuple[str, ...]] = {
    "prices": (
        "price_crop",
        "price_livestock",
        "price_volatility",
        "buyers_margin",
        "bargaining_premium",
        "yardstick",
        "assured_market_value",
    ),
    "services": ("hire_tractor", "hire_combine", "hire_truck", "hire_barn"),
    "technology": ("crop_yield_index", "livestock_yield_index", "input_cost_index", "labour_index"),
    "outside": ("off_farm_wage", "land_rent", "interest_rate", "credit_per_ha", "coop_leverage"),
}
"""Market levers by group, in the order shown."""


@dataclass(frozen=True)
class Lever:
    """One lever: where it lives in a scenario and what it accepts.

    Attributes:
        section: ``"policy"`` or ``"market"``.
        name: the field name, e.g. ``"member_grant"``.
        kind: how it is entered: a number, an integer, a switch, a list of shares.
        unit: the unit as the schema states it (``"currency"`` stands for the scenario's).
        help: the schema's one-line description (English).
        low, high: the accepted range (None where unbounded); ``low_open``/``high_open``
            when the bound itself is excluded.
        optional: an empty value is accepted (it means "none", e.g. no budget cap).
    """

    section: str
    name: str
    kind: Kind
    unit: str
    help: str
    low: float | None
    high: float | None
    low_open: bool
    high_open: bool
    optional: bool

    @property
    def key(self) -> str:
        """The dotted scenario key, e.g. ``policy.member_grant``."""
        return f"{self.section}.{self.name}"

    def value_in(self, scenario: Scenario) -> Any:
        """The lever's value at the scenario's start."""
        return getattr(getattr(scenario, self.section), self.name)

    @property
    def percent(self) -> bool:
        """A share or rate from 0 to 1: people enter and read it in percent (25 for 0.25)."""
        return self.kind in ("number", "shares") and (self.low, self.high) == (0.0, 1.0)

    @property
    def slider(self) -> bool:
        """Bounded on both sides within a range a slider can cover (at most 0–100)."""
        return (
            self.kind in ("number", "integer")
            and self.low is not None
            and self.high is not None
            and self.high <= 100
        )


def _lever(section: str, name: str, info: Any) -> Lever:
    annotation, optional = info.annotation, False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional, annotation = True, args[0]
    metadata = list(info.metadata)
    if get_origin(annotation) is list:
        kind: Kind = "shares"
    elif annotation is bool:
        kind = "switch"
    elif annotation is int:
        kind = "integer"
    else:
        kind = "number"
    # bounds: on the field, or on the Annotated type (Share = 0..1)
    for arg in get_args(annotation):
        metadata.extend(getattr(arg, "metadata", []))
    low = high = None
    low_open = high_open = False
    for m in metadata:
        if isinstance(m, Ge):
            low = float(m.ge)
        elif isinstance(m, Gt):
            low, low_open = float(m.gt), True
        elif isinstance(m, Le):
            high = float(m.le)
        elif isinstance(m, Lt):
            high, high_open = float(m.lt), True
    if kind == "shares":
        low, high = 0.0, 1.0
    extra = info.json_schema_extra or {}
    return Lever(
        section=section,
        name=name,
        kind=kind,
        unit=str(extra.get("unit", "")),
        help=info.description or "",
        low=low,
        high=high,
        low_open=low_open,
        high_open=high_open,
        optional=optional,
    )


def levers(section: Literal["policy", "market"]) -> dict[str, Lever]:
    """Every lever of a section, by name, in the schema's order."""
    model = PolicyLevers if section == "policy" else MarketLevers
    return {name: _lever(section, name, info) for name, info in model.model_fields.items()}


def grouped(section: Literal["policy", "market"]) -> dict[str, list[Lever]]:
    """The section's levers by group; every lever of the schema is in exactly one group."""
    table = levers(section)
    groups = POLICY_GROUPS if section == "policy" else MARKET_GROUPS
    out = {group: [table[name] for name in names] for group, names in groups.items()}
    placed = {name for names in groups.values() for name in names}
    rest = [lever for name, lever in table.items() if name not in placed]
    if rest:  # a lever added to the schema later still gets a control
        out["other"] = rest
    return out


def parse(lever: Lever, text: str, in_percent: bool = False) -> Any:
    """A value typed by the user, in the lever's type (the range is checked by the scenario).

    Numbers may carry thousands separators (``500,000`` or ``500 000``); a list of shares
    is separated by semicolons or spaces (``0.10; 0.08; 0.06``). With ``in_percent``, a
    share or rate (:attr:`Lever.percent`) is typed in percent: ``25`` or ``25 %`` is 0.25.

    Raises:
        ValueError: the text is not a value of the lever's kind.
    """
    if in_percent and lever.percent:
        value = parse(lever, text.replace("%", ""))
        if isinstance(value, list):
            return [v / 100 for v in value]
        return None if value is None else value / 100
    if lever.kind == "shares":
        return [float(x) for x in text.replace(";", " ").split()]
    if lever.kind == "switch":
        word = text.strip().lower()
        if word in SWITCH_WORDS:
            return SWITCH_WORDS[word]
        raise ValueError("not on or off")
    for space in ("\u00a0", "\u202f", " "):  # thousands, grouped as the language groups them
        text = text.replace(space, "")
    text = text.strip().replace(",", "")
    if text == "":
        if lever.optional:
            return None
        raise ValueError("empty")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not finite")
    if lever.kind == "integer":
        if value != int(value):
            raise ValueError("not whole")
        return int(value)
    return value


# --- the schedule of policy changes -----------------------------------------------------------


def change_rows(scenario: Scenario, section: str = "policy") -> list[tuple[int, str, Any]]:
    """A section's scheduled changes as (year, lever, value) rows, by year then lever."""
    rows = []
    for change in getattr(scenario, section).changes:
        for name, value in change.model_dump(exclude_none=True).items():
            if name != "year":
                rows.append((change.year, name, value))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def changes_with(
    scenario: Scenario, year: int, lever: str, value: Any | None
) -> list[dict[str, Any]]:
    """The scenario's policy changes with one lever set (or, with None, removed) in one year.

    Returns the full list of changes, as dictionaries for ``policy.changes``; a year left
    with no lever is dropped.
    """
    changes = [c.model_dump(exclude_none=True) for c in scenario.policy.changes]
    entry = next((c for c in changes if c["year"] == year), None)
    if entry is None:
        if value is None:
            return changes
        entry = {"year": year}
        changes.append(entry)
    if value is None:
        entry.pop(lever, None)
    else:
        entry[lever] = value
    return sorted((c for c in changes if len(c) > 1), key=lambda c: c["year"])


def path(scenario: Scenario, lever: str, section: str = "policy") -> list[tuple[int, Any]]:
    """A lever's values over the years: (start year, start value), then each scheduled change."""
    start = [(scenario.start_year, getattr(getattr(scenario, section), lever))]
    return start + [(y, v) for y, name, v in change_rows(scenario, section) if name == lever]


def value_at(scenario: Scenario, lever: str, year: int, section: str = "policy") -> Any:
    """A lever's value in force in ``year`` (its start value before the start)."""
    in_force = [v for y, v in path(scenario, lever, section) if y <= year]
    return in_force[-1] if in_force else getattr(getattr(scenario, section), lever)


def held_values(
    scenario: Scenario, lever: str, value: Any, year: int | None, section: str = "policy"
) -> dict[str, Any]:
    """The settings that hold a lever at ``value`` from ``year`` (None: every year).

    Returns the dotted keys to set on top of the scenario (``<section>.<lever>`` and
    ``<section>.changes``), as :func:`with_lever_from` leaves them: every scheduled
    change of the lever from that year on is dropped, so the value holds to the horizon.

    Raises:
        ScenarioError: the value is out of the lever's range.
    """
    first = scenario.start_year if year is None else year
    held = getattr(with_lever_from(scenario, lever, value, first, section), section)
    changes = [c.model_dump(exclude_none=True) for c in held.changes]
    return {f"{section}.{lever}": getattr(held, lever), f"{section}.changes": changes}


def overridden(
    scenario: Scenario, lever: str, year: int, section: str = "policy"
) -> list[tuple[int, Any]]:
    """What holding a lever from ``year`` replaces: the lever's path from that year.

    The start value when ``year`` is the start year or before, and every scheduled change
    of the lever from ``year`` on, as (year, value).
    """
    return [(y, v) for y, v in path(scenario, lever, section) if y >= year]


def with_lever_from(
    scenario: Scenario, lever: str, value: Any, year: int, section: str = "policy"
) -> Scenario:
    """The scenario with a policy (or market) lever held at ``value`` from ``year`` on.

    Later scheduled changes of that lever are dropped, so the value holds to the horizon;
    earlier years keep the scenario's schedule. From the start year, the lever's start
    value is set.

    Raises:
        ScenarioError: the value is out of the lever's range.
    """
    data = scenario.model_dump(mode="python")
    changes = []
    for change in data[section]["changes"]:
        if change["year"] >= year:
            change[lever] = None
        if any(v is not None for k, v in change.items() if k != "year"):
            changes.append(change)
    if year <= scenario.start_year:
        data[section][lever] = value
    else:
        entry = next((c for c in changes if c["year"] == year), None)
        if entry is None:
            entry = {"year": year}
            changes.append(entry)
        entry[lever] = value
    data[section]["changes"] = sorted(changes, key=lambda c: c["year"])
    return validate_scenario(data, source=f"{section}.{lever}")
