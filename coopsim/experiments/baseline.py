"""Headlines of policy arms against a no-programme baseline, run on common random numbers.

:func:`run_headlines` runs each arm of a scenario (by default the scenario as set) and
the **no-programme baseline** through :func:`~coopsim.experiments.arms.run_arms`:
replicate *r* of every arm and of the baseline has the *r*-th seed spawned from the
master seed, so the same scenario and seed give the same numbers and the baseline is
paired with each arm run by run. The baseline is the scenario with every payment of the
programme (:data:`PAYMENT_LEVERS`: grants, subsidies, aid, tax relief, concessional
credit) at its no-programme value in all years, its schedule of changes included;
campaigns, KPIs and audits stay as the scenario sets them, so the baseline asks what the
money bought. Each arm's runs are then summarised by :func:`coopsim.headline.headline`.

From a page::

    from coopsim.experiments.baseline import run_headlines
    from coopsim.i18n import Translator

    found = run_headlines(scenario, runs=8)  # the scenario as set, and the baseline
    top = found.headlines[found.arms[0].name]
    text = top.sentence(Translator("kk"))  # "2030 жылға қарай: …"
    warning = top.warning(Translator("kk"))  # None, or: few simulated coops behind it
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coopsim.experiments.arms import Arm, Comparison, Edit, run_arms
from coopsim.experiments.executor import Executor
from coopsim.headline import Band, Headline, headline, paired_difference
from coopsim.scenario import Scenario

NO_PROGRAMME = "no programme"
"""The name of the baseline arm :func:`run_headlines` adds."""

PAYMENT_LEVERS: dict[str, Any] = {
    "start_up_grant": 0.0,
    "member_grant": 0.0,
    "investment_subsidy": 0.0,
    "output_subsidy_crop": 0.0,
    "output_subsidy_livestock": 0.0,
    "tax_relief": 0.0,
    "audit_subsidy": 0.0,
    "start_up_aid": [],
    "merger_subsidy": 0.0,
    "member_credit": 0.0,
    "credit_rate": None,
}
"""The programme's payments and concessions, at their no-programme values (``None``: the
commercial interest rate)."""

NO_PROGRAMME = "no programme"
"""The name of the baseline arm :func:`run_headlines` adds."""


def no_programme(scenario: Scenario) -> Arm:
    """The no-programme baseline arm of ``scenario``.

    Every lever of :data:`PAYMENT_LEVERS` is at its no-programme value from the first
    year, for all years: the schedule's changes of those levers are dropped.
    """
    edits = tuple(
        Edit(lever, value, scenario.start_year) for lever, value in PAYMENT_LEVERS.items()
    )
    return Arm(NO_PROGRAMME, edits)


class HeadlineError(RuntimeError):
    """Some runs failed, so no headline is given; the message names the first failure."""


@dataclass(frozen=True)
class Findings:
    """The headlines of one or more arms of a scenario, run against the baseline.

    Attributes:
        scenario: the base scenario (sized).
        arms: the arms, in order (the first is the reference for differences).
        comparison: every run, the baseline's included (arm :data:`NO_PROGRAMME`).
        headlines: each arm's headline, by arm name.
        year: the year summarised.
    """

    scenario: Scenario
    arms: list[Arm]
    comparison: Comparison
    headlines: dict[str, Headline]
    year: int

    def rate_difference(self, arm: str) -> Band:
        """The membership rate of ``arm`` less the first arm's, paired by replicate (share)."""
        results = self.comparison.results
        return paired_difference(
            results[results["arm"] == arm],
            results[results["arm"] == self.arms[0].name],
            "membership_rate",
            self.year,
        )


def run_headlines(
    scenario: Scenario,
    arms: list[Arm] | None = None,
    *,
    runs: int = 8,
    seed: int | None = None,
    year: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Findings:
    """Run the arms and the no-programme baseline, and summarise each arm.

    The runs go through :func:`coopsim.experiments.arms.run_arms`: replicate *r* of every
    arm and of the baseline has the *r*-th seed spawned from ``seed``.

    Args:
        scenario: the base scenario, already sized.
        arms: the arms; by default one, the scenario as set (named after it).
        runs: replicates per arm.
        seed: the master seed (default: the scenario's).
        year: the year to summarise (default: the scenario's last).
        executor: where the runs are carried out (default: in this process).
        progress: called with the share of runs done (0–1).
        cancel: stops between runs when set (then some runs are missing: an error).

    Raises:
        ScenarioError: an arm's edit is out of its lever's range (before any run).
        ValueError: an arm is named :data:`NO_PROGRAMME`, or two arms have one name.
        HeadlineError: a run failed or was cancelled.
    """
    arms = arms or [Arm(scenario.name)]
    names = [arm.name for arm in arms]
    if NO_PROGRAMME in names or len(set(names)) < len(names):
        raise ValueError(f"arms need different names, none of them {NO_PROGRAMME!r}")
    seed = scenario.seed if seed is None else seed
    comparison = run_arms(
        scenario,
        [*arms, no_programme(scenario)],
        runs,
        seed,
        executor=executor,
        progress=progress,
        cancel=cancel,
    )
    expected = (len(arms) + 1) * runs
    if comparison.errors or comparison.results.empty:
        first = comparison.errors[0] if comparison.errors else "cancelled"
        raise HeadlineError(f"{len(comparison.errors)} of {expected} runs failed; {first}")
    results = comparison.results
    if results.groupby(["arm", "replicate"]).ngroups < expected:
        raise HeadlineError("the runs were cancelled before all of them finished")
    baseline = results[results["arm"] == NO_PROGRAMME]
    year = scenario.end_year if year is None else year
    headlines = {
        arm.name: headline(
            results[results["arm"] == arm.name], arm.scenario(scenario), baseline, year
        )
        for arm in arms
    }
    return Findings(scenario, arms, comparison, headlines, year)
