"""The compute budget of a dashboard session: what one step of a scenario may cost.

Every browser session runs its simulations in the server's process, and a scenario can
make a yearly step far costlier than its number of farms says: exact Shapley values
over all 2^N coalitions of a coop, thousands of sampled orders, a hundred secession
samples a coop, two hundred ties a farm. Before a session makes a simulation it
estimates, from the scenario alone, an upper bound of what one step and the set-up
take (:func:`estimate`), and keeps within :data:`STEP_SECONDS` a step,
:data:`SETUP_SECONDS` the set-up and :data:`RUN_SECONDS` a run to the horizon
(:data:`COMPARE_SECONDS` for the runs of a comparison): by simulating fewer farms
when that is enough (:func:`farms_within`), else by refusing the scenario with one
line naming the settings that make it costly (:func:`check`).

The estimate is per simulated farm and year, for the worst way the coops of a run may
form:

* a base cost, and the ties of the network (``network.village_ties``; a village's size
  matters only through the ties it allows);
* the secession samples (``behaviour.secession_samples``), each a pass over the members;
* where coops may share their costs by the Shapley value (``cost_sharing = "shapley"``,
  or members' voice, ``behaviour.voice``, which can switch a coop to it): the largest of
  the cost of a small coop's bookkeeping, exact values for coops of up to
  ``behaviour.shapley_exact_max`` members (2^N coalitions each) and
  ``behaviour.shapley_permutations`` sampled orders for larger ones. Sampled orders also
  take memory in proportion to the largest coop, which mergers
  (``behaviour.merger_search_probability``) can make as large as a region:
  :data:`SHAPLEY_ROWS` bounds orders × members of a region.

The set-up builds the network and, where the scenario starts with coops
(``population.initial_membership_rate`` above 0), lets them settle for
:data:`coopsim.model.SETTLING_ROUNDS` rounds before the first year: members leave,
coops invest, secede, merge and switch their sharing rule as in a year, so a set-up of
a scenario with coops costs several steps (:data:`SETTLING`).

The coefficients are upper bounds of the times measured on this project's machine by
``benchmarks/step_cost.py``, which prints them against the estimate for each setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopsim.scenario import Scenario, ScenarioError

STEP_SECONDS = 2.0
"""The longest a step of a session's simulation may take, estimated."""

SETUP_SECONDS = 10.0
"""The longest the set-up of a session's simulation may take, estimated (once a run)."""

RUN_SECONDS = 120.0
"""The longest a run to the horizon may take, estimated (the set-up and years × one step)."""

COMPARE_SECONDS = 240.0
"""The longest the runs of a comparison may take together, estimated."""

SHAPLEY_ROWS = 4_000_000
"""Most coalition rows (sampled orders × members) one coop's Shapley values may take:
about 1 GB of working memory."""

# Seconds per simulated farm and year (per tie, per sample, …), measured upper bounds.
BASE = 4e-6
PER_TIE = 1e-8
PER_SECESSION_SAMPLE = 1e-7
SMALL_COOP = 7e-5
"""A coop of two sharing by the Shapley value: its bookkeeping, per member."""
EXACT = 6e-9
"""Per member, coalition and member of an exact Shapley value (× N · 2^N)."""
PER_ORDER = 3e-7
"""Per member and sampled order of an estimated Shapley value."""
SETUP_PER_TIE = 1.2e-7
"""Building the network, per farm and tie."""
SETTLING = 6.0
"""The settling rounds of a scenario that starts with coops, in steps' estimates (measured:
up to 4.6, with a hundred secession samples)."""


@dataclass(frozen=True)
class Estimate:
    """What a scenario's step may cost, per simulated farm.

    Attributes:
        step: seconds per simulated farm for one yearly step.
        setup: seconds per simulated farm to build the model.
        rows: Shapley coalition rows per simulated farm of a region (memory).
        costly: the settings that cost most, as ``key = value`` (for messages).
    """

    step: float
    setup: float
    rows: float
    costly: str

    def seconds(self, farms: int) -> float:
        """One step at ``farms`` simulated farms."""
        return farms * self.step

    def setup_seconds(self, farms: int) -> float:
        """The set-up at ``farms`` simulated farms."""
        return farms * self.setup


def estimate(scenario: Scenario) -> Estimate:
    """An upper bound of what a step of ``scenario`` costs, per simulated farm."""
    b, ties = scenario.behaviour, scenario.network.village_ties
    terms = {
        f"network.village_ties = {ties}": PER_TIE * ties,
        f"behaviour.secession_samples = {b.secession_samples}": (
            PER_SECESSION_SAMPLE * b.secession_samples
        ),
    }
    rows = 0.0
    if scenario.cost_sharing == "shapley" or b.voice:
        how = 'cost_sharing = "shapley"' if scenario.cost_sharing == "shapley" else "voice"
        exact = EXACT * b.shapley_exact_max * 2**b.shapley_exact_max
        sampled = PER_ORDER * b.shapley_permutations
        terms[
            f"{how}, behaviour.shapley_exact_max = {b.shapley_exact_max}, "
            f"behaviour.shapley_permutations = {b.shapley_permutations}"
        ] = max(SMALL_COOP, exact, sampled)
        rows = b.shapley_permutations / scenario.population.regions
    costly = max(terms, key=terms.__getitem__)
    step = BASE + sum(terms.values())
    settling = SETTLING * step if scenario.population.initial_membership_rate > 0 else 0.0
    return Estimate(step, SETUP_PER_TIE * ties + settling, rows, costly)


def _limits(scenario: Scenario, runs: int, seconds: float) -> dict[str, float]:
    """The most farms each bound allows: a step, the set-up, the runs to the horizon, memory."""
    cost = estimate(scenario)
    return {
        "step": STEP_SECONDS / cost.step,
        "setup": SETUP_SECONDS / cost.setup if cost.setup else float("inf"),
        "run": seconds / (runs * (scenario.years * cost.step + cost.setup)),
        "memory": SHAPLEY_ROWS / cost.rows if cost.rows else float("inf"),
    }


def farms_within(
    scenario: Scenario, wanted: int, *, runs: int = 1, seconds: float = RUN_SECONDS
) -> int:
    """The most simulated farms, up to ``wanted``, whose steps keep within the budget.

    Args:
        scenario: the scenario (its own number of farms is not looked at).
        wanted: the farms asked for.
        runs: runs made together (a comparison's arms × replicates).
        seconds: the budget of all the runs to the horizon.
    """
    return max(0, min(wanted, int(min(_limits(scenario, runs, seconds).values()))))


def check(
    scenario: Scenario,
    farms: int,
    source: str = "scenario",
    *,
    runs: int = 1,
    seconds: float = RUN_SECONDS,
) -> None:
    """Refuse a scenario whose steps exceed the budget even at ``farms`` simulated farms.

    Raises:
        ScenarioError: one line naming ``source``, the bound passed and the settings
            that cost most.
    """
    limits = _limits(scenario, runs, seconds)
    bound = min(limits, key=limits.__getitem__)
    if limits[bound] >= farms:
        return
    cost = estimate(scenario)
    what = {
        "step": f"a step could take {cost.seconds(farms):.1f} s (at most {STEP_SECONDS:g} s)",
        "setup": (
            f"its set-up, with its coops settling, could take {cost.setup_seconds(farms):.1f} s "
            f"(at most {SETUP_SECONDS:g} s)"
        ),
        "run": (
            f"{runs} run(s) of {scenario.years} years could take "
            f"{farms * runs * (scenario.years * cost.step + cost.setup):.0f} s "
            f"(at most {seconds:g} s)"
        ),
        "memory": (
            f"its Shapley values could take {farms * cost.rows:,.0f} rows of one coop "
            f"(at most {SHAPLEY_ROWS:,})"
        ),
    }[bound]
    raise ScenarioError(
        f"{source}: too costly for the dashboard even at {farms:,} simulated farms: {what}, "
        f"mostly for {cost.costly}; lower them, or run it with coopsim run"
    )
