"""The lever audit: does every lever move what it should, in a given scenario?

Each policy and market lever is held, for the whole run, at a low and at a high
plausible value (:func:`trials`), against the scenario as it is, over replicates on
common random numbers (replicate *r* has the same seed in every variant). For each
lever and value the audit reports the effect on the headline outcomes (coops active and
members at the horizon, farms at the horizon, public money spent over the run): the
mean difference from the scenario as it is, with its band over replicates. A lever
whose every difference is exactly zero at both values is inert in the scenario.

Some levers act only together with another (a cap on start-up aid needs start-up aid;
grace years need concessional credit): their trials set that one too, in the variant
and in its own reference, so that the difference is the lever's alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coopsim.experiments.executor import executor_for
from coopsim.experiments.plan import run_id, scenario_digest
from coopsim.experiments.runner import RunTask
from coopsim.experiments.seeds import replicate_seeds
from coopsim.levers import Lever, levers
from coopsim.scenario import Scenario, validate_scenario

OUTCOMES = {
    "coops_active": "coops active at the horizon",
    "members": "members at the horizon",
    "farms": "farms at the horizon",
    "subsidy_paid": "public money over the run",
}
"""The headline outcomes and what each is."""


@dataclass(frozen=True)
class Trial:
    """A lever held at a low and a high value, with the levers it needs to act.

    Attributes:
        lever: the dotted key, e.g. ``policy.member_grant``.
        low, high: the values tried.
        needs: other levers set in both variants and in their reference.
    """

    lever: str
    low: Any
    high: Any
    needs: dict[str, Any] = field(default_factory=dict)


def _scaled(low: float, high: float) -> Callable[[Scenario, Lever], tuple[Any, Any]]:
    """A lever's value in force at the start times ``low`` and ``high``."""

    def values(scenario: Scenario, lever: Lever) -> tuple[Any, Any]:
        base = lever.value_in(scenario)
        return base * low, base * high

    return values


RANGES: dict[str, Callable[[Scenario, Lever], tuple[Any, Any]]] = {
    # grants and credit, sized from the scenario's own costs
    "policy.start_up_grant": lambda s, _: (0.0, s.costs.founding_cost),
    "policy.member_grant": lambda s, _: (0.0, s.costs.equity_per_member + s.costs.switching_cost),
    "policy.member_credit": lambda s, _: (
        0.0,
        4 * (s.costs.equity_per_member + s.costs.switching_cost),
    ),
    "policy.investment_subsidy": lambda s, _: (0.0, 0.5),
    "policy.credit_rate": lambda s, _: (None, s.market.interest_rate / 3),
    "policy.output_subsidy_crop": lambda s, _: (0.0, 0.2 * s.market.price_crop),
    "policy.output_subsidy_livestock": lambda s, _: (0.0, 0.2 * s.market.price_livestock),
    "policy.tax_relief": lambda s, _: (0.0, 1.0),
    "policy.audit_subsidy": lambda s, _: (0.0, 1.0),
    "policy.start_up_aid": lambda s, _: ([], [0.10, 0.08, 0.06, 0.05, 0.04]),
    "policy.merger_subsidy": lambda s, _: (0.0, 0.8),
    "policy.kpi_coops_per_region": lambda s, _: (
        0.0,
        s.population.farms / s.population.regions / 100,
    ),
    "policy.campaign": lambda s, _: (0.0, 0.3),
    "policy.audit_probability": lambda s, _: (0.0, 0.5),
    "policy.merger_plan_coops_per_region": lambda s, _: (
        0.0,
        s.population.farms / s.population.regions / 500,
    ),
    "policy.min_coop_members": lambda s, _: (0, 50),
    "policy.budget": lambda s, _: (None, 0.0),
    # market levers: from a fifth lower to a fifth higher, and to their plausible ends
    "market.price_volatility": lambda s, _: (0.0, 0.3),
    "market.bargaining_premium": lambda s, _: (0.0, 0.5),
    "market.yardstick": lambda s, _: (0.0, 1.0),
    "market.assured_market_value": lambda s, _: (0.0, 0.2),
    "market.buyers_margin": lambda s, _: (0.05, 0.4),
    "market.land_rent": _scaled(0.5, 2.0),
    "market.interest_rate": _scaled(0.5, 2.0),
    "market.credit_per_ha": lambda s, lever: (
        0.0,
        max(2 * lever.value_in(s), s.market.land_rent * 10),
    ),
    "market.coop_leverage": lambda s, _: (1.0, 9.0),
}
"""Plausible low and high values of levers whose start value is not a good middle."""

NEEDS: dict[str, dict[str, Callable[[Scenario], Any]]] = {
    "policy.start_up_aid_cap": {"policy.start_up_aid": lambda s: [0.10, 0.08, 0.06, 0.05, 0.04]},
    "policy.credit_grace_years": {"policy.credit_rate": lambda s: s.market.interest_rate / 3},
    "policy.credit_leverage": {"policy.credit_rate": lambda s: s.market.interest_rate / 3},
    "policy.kpi_pressure": {
        "policy.kpi_coops_per_region": lambda s: s.population.farms / s.population.regions / 100,
        "policy.start_up_grant": lambda s: s.costs.founding_cost,
    },
    "policy.clawback_share": {
        "policy.audit_probability": lambda s: 0.3,
        "policy.start_up_grant": lambda s: s.costs.founding_cost,
        "policy.member_grant": lambda s: s.costs.equity_per_member + s.costs.switching_cost,
    },
    "policy.member_grant_needs_operation": {
        "policy.member_grant": lambda s: s.costs.equity_per_member + s.costs.switching_cost,
        "policy.start_up_grant": lambda s: s.costs.founding_cost,
    },
    "policy.merger_plan_pressure": {
        "policy.merger_plan_coops_per_region": lambda s: (
            s.population.farms / s.population.regions / 500
        ),
    },
}
"""Levers that act only with others: what each trial also sets."""

NEEDED_RANGES: dict[str, tuple[Any, Any]] = {
    "policy.start_up_aid_cap": (None, 1.0),
    "policy.credit_grace_years": (0, 5),
    "policy.credit_leverage": (1.0, 20.0),
    "policy.kpi_pressure": (0.0, 0.8),
    "policy.clawback_share": (0.0, 1.0),
    "policy.member_grant_needs_operation": (False, True),
    "policy.merger_plan_pressure": (0.0, 1.0),
}
"""Low and high values of the levers that act only with others."""


def trials(scenario: Scenario) -> list[Trial]:
    """One trial per policy and market lever of ``scenario`` (module docstring)."""
    out = []
    for section in ("policy", "market"):
        for name, lever in levers(section).items():
            key = f"{section}.{name}"
            if key in NEEDS:
                low, high = NEEDED_RANGES[key]
                needs = {k: f(scenario) for k, f in NEEDS[key].items()}
            else:
                low, high = RANGES.get(key, _scaled(0.8, 1.2))(scenario, lever)
                needs = {}
            if lever.kind == "integer":
                low, high = round(low), round(high)
            out.append(Trial(key, low, high, needs))
    return out


def held(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """``scenario`` with each lever of ``values`` held at its value in every year.

    The lever's start value is set and every scheduled change of it is dropped.
    """
    data = scenario.model_dump(mode="python")
    for key, value in values.items():
        section, name = key.split(".")
        block = data[section]
        block[name] = value
        changes = []
        for change in block["changes"]:
            change.pop(name, None)
            if any(v is not None for k, v in change.items() if k != "year"):
                changes.append(change)
        block["changes"] = changes
    return validate_scenario(data, source="lever audit")


def _outcomes(table: pd.DataFrame) -> dict[str, float]:
    last = table.iloc[-1]
    return {
        "coops_active": float(last["coops_active"]),
        "members": float(last["members"]),
        "farms": float(last["farms"]),
        "subsidy_paid": float(table["subsidy_paid"].sum()),
    }


def audit(
    scenario: Scenario,
    *,
    replicates: int = 3,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every lever's trial and say what it changes (module docstring).

    Args:
        scenario: the scenario, already sized.
        replicates: runs per variant, on common random numbers.
        seed: the master seed the replicates' seeds are spawned from.
        workers: local processes (1 = in this process).
        progress: called with the runs done and the runs planned.

    Returns:
        One row per lever, value (``low``, ``high``) and outcome: ``lever``, ``level``,
        ``value``, ``outcome``, ``reference`` (mean), ``difference`` (mean, paired),
        ``band_low``, ``band_high`` (smallest and largest paired difference) and ``acts``
        (any replicate differs).
    """
    seeds = replicate_seeds(seed, replicates)
    variants: dict[str, Scenario] = {"reference": scenario}
    plan: list[tuple[Trial, str, Any, str, str]] = []
    for trial in trials(scenario):
        reference = "reference"
        if trial.needs:
            reference = f"{trial.lever}:needs"
            variants[reference] = held(scenario, trial.needs)
        for level, value in (("low", trial.low), ("high", trial.high)):
            name = f"{trial.lever}:{level}"
            variants[name] = held(scenario, {**trial.needs, trial.lever: value})
            plan.append((trial, level, value, name, reference))
    tasks, names = {}, {}
    for name, variant in variants.items():
        digest, data = scenario_digest(variant), variant.model_dump()
        for r, s in enumerate(seeds):
            task = RunTask(run_id(digest, {}, r, s), data, {}, s)
            tasks[task.run_id] = task
            names[(name, r)] = task.run_id
    outcomes: dict[str, dict[str, float]] = {}
    with executor_for(workers=workers) as executor:
        for result in executor.map(list(tasks.values())):
            if result.table is None:
                raise RuntimeError(f"a run of the lever audit failed: {result.error}")
            outcomes[result.run_id] = _outcomes(result.table)
            if progress is not None:
                progress(len(outcomes), len(tasks))
    rows = []
    for trial, level, value, name, reference in plan:
        for outcome in OUTCOMES:
            ref = np.array([outcomes[names[(reference, r)]][outcome] for r in range(replicates)])
            new = np.array([outcomes[names[(name, r)]][outcome] for r in range(replicates)])
            diff = new - ref
            rows.append(
                {
                    "lever": trial.lever,
                    "level": level,
                    "value": value,
                    "outcome": outcome,
                    "reference": float(ref.mean()),
                    "difference": float(diff.mean()),
                    "band_low": float(diff.min()),
                    "band_high": float(diff.max()),
                    "acts": bool(np.any(diff != 0)),
                }
            )
    return pd.DataFrame(rows)


def inert(table: pd.DataFrame) -> list[str]:
    """Levers of an audit table that changed no outcome at either value."""
    acting = table.groupby("lever", sort=False)["acts"].any()
    return acting.index[~acting].tolist()
