"""Experiment files: which scenario, which factors, which design, how many replications.

An experiment is a TOML file (``docs/experiments.md``)::

    name = "Subsidy sweep"
    scenario = "../scenarios/kazakhstan_2016.toml"   # relative to this file
    farms = 5_000          # simulated farms per run (optional)
    years = 10             # years per run (optional)
    replications = 10
    seed = 2016            # master seed: every run's seed is spawned from it
    outputs = ["membership_rate", "coops_active"]   # model columns to keep (optional)

    [design]
    kind = "grid"          # grid, latin, sobol or morris

    [[factors]]
    key = "policy.investment_subsidy"              # any scenario field, dotted
    values = [0.0, 0.25, 0.5]                      # grid: a list of values
    # min = 0.0, max = 0.5                         # latin, sobol, morris: a range

Exploratory modelling for policy keeps apart what a ministry sets and what nobody
controls. Instead of ``factors``, an experiment may then declare named **policies**
(sets of ``policy.*`` levers) and **uncertainties** (ranges of any other field); the
design samples the uncertainties, and every policy is run on every draw with the
same seeds (common random numbers)::

    [[policies]]
    name = "no programme"
    levers = { "policy.investment_subsidy" = 0.0, "policy.changes.2017.member_grant" = 0 }

    [[uncertainties]]
    key = "behaviour.autonomy_premium_household_plot"
    min = 0.02
    max = 0.20

It is validated like a scenario: every mistake is a :class:`~coopsim.ScenarioError`
with one line naming the file, the key and what was expected. Each factor value (or
both ends of a range) is applied on its own to the base scenario with
:meth:`~coopsim.Scenario.with_values`, so a value the scenario rejects is caught here;
combinations of values are checked when their run starts, and a combination the
scenario rejects becomes a failed run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from coopsim.inputs import Strict, one_line_error, quoted, read_toml
from coopsim.model import CoopModel, sized
from coopsim.scenario import MAX_SIMULATED_FARMS, Scenario, ScenarioError, load_scenario

MAX_RUNS = 1_000_000
"""Largest number of runs (design points × replications) an experiment may ask for."""

SEED_MAX = 2**63 - 1
"""Largest master seed (a 64-bit integer)."""

RESERVED_KEYS = ("seed",)
"""Scenario keys that cannot be factors: each run's seed comes from the master seed."""

LEVER_PREFIX = "policy."
"""Policy levers are the scenario's ``policy`` fields: what a ministry sets."""

MAX_POLICIES = 100
"""Most policies an experiment may compare (each is run on every draw)."""

Value = bool | int | float | str


class Factor(Strict):
    """One scenario field varied by the experiment.

    Attributes:
        key: dotted scenario key, e.g. ``policy.investment_subsidy`` or
            ``policy.changes.2017.member_grant`` (a lever in the change of that year).
        values: the values a grid design takes, in order.
        min, max: the range a sampled design (latin, sobol, morris) draws from.
        integer: round sampled values to whole numbers; by default, when the
            scenario's value of the field is a whole number.
    """

    key: str = Field(min_length=1, description="Dotted scenario key.")
    values: list[Value] | None = Field(
        None, min_length=1, max_length=MAX_RUNS, description="Values of a grid."
    )
    min: float | None = Field(None, description="Lower end of a sampled range.")
    max: float | None = Field(None, description="Upper end of a sampled range.")
    integer: bool | None = Field(None, description="Round sampled values to whole numbers.")


class Policy(Strict):
    """A named set of policy levers, run on every draw of the uncertainties.

    Attributes:
        name: the policy's name, as tables and plots show it.
        description: what the policy stands for.
        levers: values by dotted ``policy.*`` key; a lever not named keeps the base
            scenario's value (resolved when the experiment is loaded).
    """

    name: str = Field(min_length=1, max_length=80, description="Name of the policy.")
    description: str = Field("", description="What the policy stands for.")
    levers: dict[str, Value] = Field({}, max_length=200, description="Lever values by key.")


class DesignSpec(Strict):
    """How design points are chosen.

    Attributes:
        kind: ``grid`` (every combination of the factors' values), ``latin`` (Latin
            hypercube, scipy.stats.qmc), ``sobol`` (Saltelli's scheme for Sobol indices,
            SALib) or ``morris`` (elementary-effect trajectories, SALib).
        samples: latin: design points; sobol: base samples N (a power of 2, giving
            N·(D+2) points, or N·(2D+2) with second-order indices); morris:
            trajectories (N·(D+1) points).
        levels: morris only: grid levels of each factor's range.
        second_order: sobol only: also estimate second-order indices.
    """

    kind: Literal["grid", "latin", "sobol", "morris"] = "grid"
    samples: int | None = Field(None, ge=1, le=MAX_RUNS, description="Sample size (not for grids).")
    levels: int = Field(4, ge=2, le=1000, description="Morris levels.")
    second_order: bool = Field(False, description="Sobol: second-order indices too.")


class ExperimentSpec(Strict):
    """An experiment file as written, before it is checked against its scenario."""

    name: str = Field("unnamed experiment", description="Short title.")
    description: str = Field("", description="What the experiment asks.")
    scenario: str = Field(min_length=1, description="Base scenario file, relative to this file.")
    farms: int | None = Field(
        None, ge=2, le=MAX_SIMULATED_FARMS, description="Simulated farms per run."
    )
    years: int | None = Field(None, ge=1, le=200, description="Years per run.")
    replications: int = Field(1, ge=1, le=100_000, description="Runs per design point.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description="Master seed.")
    outputs: list[str] = Field(
        [], max_length=200, description="Model columns to keep; empty = all."
    )
    design: DesignSpec = DesignSpec()
    factors: list[Factor] = Field([], max_length=200, description="Scenario fields to vary.")
    policies: list[Policy] = Field(
        [], max_length=MAX_POLICIES, description="Named lever sets, each run on every draw."
    )
    uncertainties: list[Factor] = Field(
        [], max_length=200, description="Fields nobody controls, sampled by the design."
    )

    @property
    def sampled(self) -> list[Factor]:
        """What the design samples: the factors, or the uncertainties."""
        return self.uncertainties or self.factors


@dataclass(frozen=True)
class Experiment:
    """A checked experiment: its spec, resolved factors and the base scenario.

    Attributes:
        spec: the file's content, with each factor's ``integer`` resolved.
        scenario: the base scenario with the experiment's ``farms`` and ``years``.
        source: the experiment file.
    """

    spec: ExperimentSpec
    scenario: Scenario
    source: Path

    @property
    def factors(self) -> list[Factor]:
        """What the design samples (the factors, or the uncertainties), in the file's order."""
        return self.spec.sampled

    @property
    def policies(self) -> list[Policy]:
        """The policies, each with a value for every lever any policy sets; [] without."""
        return self.spec.policies

    @property
    def lever_keys(self) -> list[str]:
        """The levers the policies set, in the order they first appear."""
        return list(self.policies[0].levers) if self.policies else []

    @property
    def keys(self) -> list[str]:
        """Every varied scenario key: the levers, then the sampled fields."""
        return [*self.lever_keys, *(f.key for f in self.factors)]

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the experiment and of the full base scenario (not of file paths)."""
        payload = {
            "experiment": self.spec.model_dump(mode="json", exclude={"scenario"}),
            "scenario": self.scenario.model_dump(mode="json"),
        }
        return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


NAME_SEPARATOR = "__"
"""What stands for a dot in :func:`plain_name` (no scenario field has two underscores)."""


def plain_name(key: str) -> str:
    """A dotted scenario key as a Python identifier, ``__`` for each dot.

    ``policy.member_grant`` becomes ``policy__member_grant``: a name for tools that
    take identifiers only (the EMA Workbench's parameters, pandas' ``DataFrame.query``
    without backticks, R's formulas). :func:`dotted_key` reverses it.
    """
    return key.replace(".", NAME_SEPARATOR)


def dotted_key(name: str) -> str:
    """The scenario key of a :func:`plain_name`: ``policy__member_grant`` → dotted again."""
    return name.replace(NAME_SEPARATOR, ".")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def design_size(spec: ExperimentSpec) -> int:
    """Design rows the spec asks for (before identical points are merged), policies included."""
    sampled = spec.sampled
    d, n = len(sampled), spec.design.samples or 0
    match spec.design.kind:
        case "grid":
            size = 1
            for factor in sampled:
                size *= len(factor.values or ())
        case "latin":
            size = n
        case "sobol":
            size = n * (2 * d + 2 if spec.design.second_order else d + 2)
        case _:
            size = n * (d + 1)
    return size * max(1, len(spec.policies))


def load_experiment(path: str | Path) -> Experiment:
    """Read an experiment file and check it against its base scenario.

    Raises:
        ScenarioError: one line naming the file, the key and what was expected.
    """
    path = Path(path)
    try:
        spec = ExperimentSpec.model_validate(read_toml(path, "experiment"))
    except ValidationError as exc:
        raise one_line_error(exc, str(path)) from None
    _check_design(path, spec)
    scenario = _base_scenario(path, spec)
    field = "uncertainties" if spec.uncertainties else "factors"
    checked = [
        _checked_factor(path, f"{field}.{i}", f, scenario) for i, f in enumerate(spec.sampled)
    ]
    spec = spec.model_copy(update={field: checked, "policies": _policies(path, spec, scenario)})
    if spec.outputs:
        _check_outputs(path, spec.outputs, scenario)
    return Experiment(spec=spec, scenario=scenario, source=path)


def _check_split(path: Path, spec: ExperimentSpec) -> None:
    """Factors, or policies and uncertainties: each key where it belongs."""
    if spec.factors and (spec.policies or spec.uncertainties):
        raise ScenarioError(
            f"{path}: factors: give either factors, or policies and uncertainties, not both"
        )
    if not spec.factors and not spec.uncertainties:
        raise ScenarioError(
            f"{path}: factors: required (or uncertainties, with policies to compare)"
        )
    if not spec.uncertainties:
        return
    if spec.design.kind not in ("grid", "latin"):
        raise ScenarioError(
            f"{path}: design.kind: policies × uncertainties take a grid or latin design "
            f"(got {spec.design.kind}; a sensitivity design takes factors)"
        )
    for i, factor in enumerate(spec.uncertainties):
        if factor.key.startswith(LEVER_PREFIX):
            raise ScenarioError(
                f"{path}: uncertainties.{i}.key: {factor.key} is a policy lever; "
                "set it in the policies' levers"
            )
    names = [p.name for p in spec.policies]
    for i, policy in enumerate(spec.policies):
        if policy.name in names[:i]:
            raise ScenarioError(f"{path}: policies.{i}.name: {policy.name!r} is named twice")
        for key in policy.levers:
            if not key.startswith(LEVER_PREFIX):
                raise ScenarioError(
                    f"{path}: policies.{i}.levers.{key}: not a policy lever (a key under "
                    f"{LEVER_PREFIX}…); what nobody controls is an uncertainty"
                )


def _policies(path: Path, spec: ExperimentSpec, scenario: Scenario) -> list[Policy]:
    """The policies with a value for every lever any of them sets (the scenario's if unset).

    Raises:
        ScenarioError: a key that is no lever, a value the scenario rejects, or two
            policies with the same levers.
    """
    keys = list(dict.fromkeys(k for p in spec.policies for k in p.levers))
    base = {}
    for key in keys:
        exists, current = scenario_value(scenario, key)
        parts = key.split(".")
        if exists and len(parts) == 4:  # a lever in a change: its value in force that year
            current = getattr(scenario.policy_in(int(parts[2])), parts[3])
        if not exists:
            where = next(i for i, p in enumerate(spec.policies) if key in p.levers)
            raise ScenarioError(
                f"{path}: policies.{where}.levers.{key}: not a scenario field that takes one "
                "value (see docs/levers.md)"
            )
        base[key] = current
    resolved, seen = [], {}
    for i, policy in enumerate(spec.policies):
        levers = {k: policy.levers.get(k, base[k]) for k in keys}
        for key in policy.levers:
            refuse_rejected(f"{path}: policies.{i}.levers", scenario, key, [levers[key]])
        try:
            resolved_scenario = scenario.with_values(levers)
        except ScenarioError as exc:
            why = str(exc).removeprefix("scenario values: ")
            raise ScenarioError(f"{path}: policies.{i}.levers: rejected together ({why})") from None
        same = seen.setdefault(canonical_json(resolved_scenario.model_dump(mode="json")), i)
        if same != i:
            raise ScenarioError(
                f"{path}: policies.{i}.levers: the same levers as policies.{same} "
                f"({spec.policies[same].name!r})"
            )
        resolved.append(policy.model_copy(update={"levers": levers}))
    return resolved


def _check_design(path: Path, spec: ExperimentSpec) -> None:
    _check_split(path, spec)
    field = "uncertainties" if spec.uncertainties else "factors"
    design = spec.design
    if design.kind == "grid" and design.samples is not None:
        raise ScenarioError(f"{path}: design.samples: not used by a grid (remove it)")
    if design.kind != "grid" and design.samples is None:
        raise ScenarioError(f"{path}: design.samples: required for a {design.kind} design")
    n = design.samples or 0
    if design.kind == "sobol" and n & (n - 1):
        raise ScenarioError(
            f"{path}: design.samples: Saltelli's scheme needs a power of 2 (got {n})"
        )
    if design.kind == "morris" and len(spec.factors) < 2:
        raise ScenarioError(f"{path}: factors: a Morris design needs at least 2 factors")
    keys = [f.key for f in spec.sampled]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise ScenarioError(f"{path}: {field}.{i}.key: {key} is listed twice")
        if key in RESERVED_KEYS:
            raise ScenarioError(
                f"{path}: {field}.{i}.key: {key} cannot be varied "
                "(each run's seed is spawned from the master seed)"
            )
    for i, factor in enumerate(spec.sampled):
        where = f"{path}: {field}.{i}"
        if design.kind == "grid":
            if factor.values is None:
                raise ScenarioError(f"{where}.values: required for a grid design")
            if factor.min is not None or factor.max is not None:
                raise ScenarioError(f"{where}: a grid takes values, not min and max")
            if factor.integer is not None:
                raise ScenarioError(
                    f"{where}.integer: a grid runs its values as written (give "
                    "whole numbers there); integer rounds the points of a sampled range"
                )
            seen = [canonical_json(v) for v in factor.values]
            if len(set(seen)) < len(seen):
                raise ScenarioError(f"{where}.values: values must be distinct")
        else:
            if factor.values is not None:
                raise ScenarioError(
                    f"{where}.values: a {design.kind} design samples a range; "
                    "give min and max instead"
                )
            if factor.min is None or factor.max is None:
                raise ScenarioError(f"{where}: min and max are required for a {design.kind} design")
            if not factor.min < factor.max:
                raise ScenarioError(
                    f"{where}.max: must be greater than min "
                    f"(got min {factor.min:g}, max {factor.max:g})"
                )
    size = design_size(spec) * spec.replications
    if size > MAX_RUNS:
        raise ScenarioError(
            f"{path}: design: {size:,} runs (points × replications); at most {MAX_RUNS:,}"
        )


def _base_scenario(path: Path, spec: ExperimentSpec) -> Scenario:
    scenario_path = path.parent / spec.scenario
    try:
        scenario = load_scenario(scenario_path)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: scenario: {exc}") from None
    for key, change in (("farms", spec.farms), ("years", spec.years)):
        if change is None:
            continue
        try:
            if key == "farms":
                scenario = sized(scenario, farms=change)
            else:
                scenario = scenario.with_values({"years": change})
        except ScenarioError as exc:
            detail = str(exc).removeprefix("scenario values: ")
            raise ScenarioError(
                f"{path}: {key}: {change} is rejected by the scenario {spec.scenario} ({detail})"
            ) from None
    return scenario


def scenario_value(scenario: Scenario, key: str) -> tuple[bool, Any]:
    """Whether ``key`` names a scenario field, and the field's current value.

    A lever in a change (``policy.changes.<year>.<lever>``) resolves to the lever's
    value at the start.
    """
    parts = key.split(".")
    if len(parts) == 4 and parts[1] == "changes" and parts[0] in ("policy", "market"):
        if not parts[2].isdigit():
            return False, None
        parts = [parts[0], parts[3]]
    node: Any = scenario.model_dump()
    for part in parts:
        if not isinstance(node, dict) or part not in node or part == "changes":
            return False, None
        node = node[part]
    return not isinstance(node, dict | list), node


def _checked_factor(path: Path, where: str, factor: Factor, scenario: Scenario) -> Factor:
    """The factor with ``integer`` resolved, once each of its values passed the scenario."""
    exists, current = scenario_value(scenario, factor.key)
    if not exists:
        raise ScenarioError(
            f"{path}: {where}.key: {factor.key} is not a scenario field that takes one "
            "value (see docs/scenarios.md; a change by year is policy.changes.<year>.<lever>)"
        )
    integer = factor.integer
    if integer is None:
        integer = isinstance(current, int) and not isinstance(current, bool)
    factor = factor.model_copy(update={"integer": integer})
    if factor.values is not None:
        trials, which = list(factor.values), "values"
    else:
        trials, which = [as_value(factor, factor.min), as_value(factor, factor.max)], "min/max"
    refuse_rejected(f"{path}: {where}.{which}", scenario, factor.key, trials)
    return factor


def refuse_rejected(
    where: str, scenario: Scenario, key: str, values: list[Any], whose: str = "the scenario"
) -> None:
    """Refuse the first of ``values`` that ``scenario`` does not take for ``key``.

    Raises:
        ScenarioError: ``where: key = value is rejected by the scenario (why)``.
    """
    for value in values:
        try:
            scenario.with_values({key: value})
        except ScenarioError as exc:
            why = str(exc).removeprefix("scenario values: ")
            raise ScenarioError(
                f"{where}: {key} = {quoted(value)} is rejected by {whose} ({why})"
            ) from None


def as_value(factor: Factor, x: Any) -> Value:
    """A sampled number as the factor's value: a whole number for an integer factor."""
    return round(float(x)) if factor.integer else float(x)


def model_columns(scenario: Scenario) -> list[str]:
    """The columns of the scenario's model table, from a one-year run of a small sample."""
    probe = scenario.with_values({"years": 1})
    if not probe.population.named_farms:
        probe = sized(probe, farms=min(200, probe.population.farms))
    return list(CoopModel(spec=probe, rng=0).run().columns)


def _check_outputs(path: Path, outputs: list[str], scenario: Scenario) -> None:
    columns = model_columns(scenario)
    for i, name in enumerate(outputs):
        if name not in columns:
            raise ScenarioError(
                f"{path}: outputs.{i}: {name!r} is not a column of the model table "
                f"(one of {', '.join(columns)})"
            )
        if name in outputs[:i]:
            raise ScenarioError(f"{path}: outputs.{i}: {name!r} is listed twice")
