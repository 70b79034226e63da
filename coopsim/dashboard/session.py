"""Per-session state: the scenario being edited, its simulation, and what the pages show of it.

Each browser session gets its own :class:`SessionState` (made once by the app's layout),
and with it its own model: nothing here is shared between sessions except the scenario
files read from disk. Inputs are bounded by :data:`LIMITS`, and what a step may cost by
the compute budget of :mod:`coopsim.dashboard.budget`, so that one session cannot
exhaust the server; uploaded scenarios are read by the library's one input reader
(size, encoding and nesting checked before parsing) and validated, never executed or
unpickled.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import solara

from coopsim import CoopModel, Scenario, ScenarioError, load_scenario, sized
from coopsim.classroom.game import Game
from coopsim.dashboard import budget
from coopsim.experiments.arms import Arm, Comparison
from coopsim.i18n import Translator
from coopsim.inputs import parse_toml
from coopsim.population import named_order
from coopsim.scenario import validate_scenario

if TYPE_CHECKING:
    from coopsim.experiments.baseline import Findings

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
"""The scenario files offered in the picker (the repository's ``scenarios/``)."""

DEFAULT_SCENARIO = "kazakhstan_2016.toml"
DEFAULT_FARMS = 10_000
"""Simulated farms of the default run: one step and its redraw take well under 150 ms."""
UPLOADED = "⇧ "
"""How an uploaded scenario's name starts in the catalogue."""
SEED_MAX = 2**63 - 1
"""The largest seed (a scenario's seed is a 64-bit integer)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one session may ask for."""

    farms: tuple[int, int] = (100, 50_000)
    compare_farms: tuple[int, int] = (100, 20_000)
    years: tuple[int, int] = (1, 80)
    replicates: tuple[int, int] = (1, 8)
    arms: tuple[int, int] = (2, 3)
    upload_bytes: int = 200_000
    uploads: int = 10
    changes: int = 60
    """Policy change entries (year and lever) a scenario may have in the editor."""


LIMITS = Limits()


def clamp(value: int, bounds: tuple[int, int]) -> int:
    """``value`` held within ``bounds`` (inclusive)."""
    return max(bounds[0], min(bounds[1], int(value)))


def scenario_files(directory: Path = SCENARIO_DIR) -> dict[str, Path]:
    """The scenario files of a folder by file name, sorted."""
    return {p.name: p for p in sorted(directory.glob("*.toml"))}


@dataclass(frozen=True)
class Settings:
    """What the user chose on top of a scenario file: the run is built from these.

    Attributes:
        source: the scenario in the catalogue (a file name, or ``⇧`` and an uploaded one's).
        values: levers set by the user, by dotted scenario key (``policy.member_grant``;
            ``policy.changes`` and ``market.changes`` hold whole edited schedules).
        farms: simulated farms (ignored for scenarios of named farms).
        years: simulated years; None keeps the scenario's.
        seed: seed of the run; None keeps the scenario's.
    """

    source: str = DEFAULT_SCENARIO
    values: dict[str, Any] = field(default_factory=dict)
    farms: int = DEFAULT_FARMS
    years: int | None = None
    seed: int | None = None


LEVER_SECTIONS = ("policy.", "market.")
"""A query key starting so is a lever setting (``policy.member_grant=300000``)."""


def is_settings_key(key: str) -> bool:
    """Whether a key of a page address's query is one of the run's settings."""
    return key in ("scenario", "farms", "years", "seed") or key.startswith(LEVER_SECTIONS)


def settings_query(settings: Settings) -> dict[str, str]:
    """The settings as a page address's query: what differs from the scenario file's run.

    The scenario (a file of the catalogue; an uploaded one stays in its session), the
    farms, years and seed when set, and every lever set, its value in JSON
    (``policy.member_grant=300000``, ``policy.changes=[{"year":2020,...}]``). Opened in
    another browser, :func:`settings_from_query` gives the same settings back, so the
    same run.
    """
    query: dict[str, str] = {}
    if settings.source != DEFAULT_SCENARIO and not settings.source.startswith(UPLOADED):
        query["scenario"] = settings.source
    if settings.farms != DEFAULT_FARMS:
        query["farms"] = str(settings.farms)
    for name in ("years", "seed"):
        if getattr(settings, name) is not None:
            query[name] = str(getattr(settings, name))
    for key, value in sorted(settings.values.items()):
        query[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return query


def settings_from_query(query: dict[str, str]) -> Settings | None:
    """The settings an address's query names (None when it names none).

    Raises:
        ScenarioError: a value is not what its key takes (one line naming the key).
    """
    keys = [k for k in query if is_settings_key(k)]
    if not keys:
        return None
    values: dict[str, Any] = {}
    whole: dict[str, int | None] = {"farms": DEFAULT_FARMS, "years": None, "seed": None}
    for key in keys:
        text = query[key]
        try:
            if key in whole:
                whole[key] = int(text)
            elif key.startswith(LEVER_SECTIONS):
                values[key] = json.loads(text)
        except ValueError:
            raise ScenarioError(f"the address's {key}: “{text}” is not a value it takes") from None
    return Settings(
        source=query.get("scenario", DEFAULT_SCENARIO),
        values=values,
        farms=int(whole["farms"]),  # type: ignore[arg-type]
        years=whole["years"],
        seed=whole["seed"],
    )


def build_scenario(base: Scenario, settings: Settings) -> Scenario:
    """The scenario to run: ``base`` with the settings applied and the sizes bounded.

    The farms are the settings' within :data:`LIMITS`, and no more than the compute
    budget allows for this scenario (:func:`farms_allowed`).

    Raises:
        ScenarioError: a value is out of its range (one line naming the key), or the
            scenario is too costly for the dashboard even at its fewest farms.
    """
    spec = base.with_values(settings.values) if settings.values else base
    if settings.years is not None:
        spec = spec.with_values({"years": clamp(settings.years, LIMITS.years)})
    elif spec.years > LIMITS.years[1]:
        spec = spec.with_values({"years": LIMITS.years[1]})
    named = bool(spec.population.named_farms)
    fewest = spec.population.farms if named else min(LIMITS.farms[0], spec.population.farms)
    budget.check(spec, fewest, settings.source)
    if named:
        return spec
    farms = min(clamp(settings.farms, LIMITS.farms), farms_allowed(spec))
    return sized(spec, farms=max(fewest, farms))


def farms_allowed(scenario: Scenario) -> int:
    """The most simulated farms a session may run ``scenario`` with.

    The scenario's own farms, :data:`LIMITS`, and the compute budget for its settings
    and years (:func:`coopsim.dashboard.budget.farms_within`).
    """
    wanted = min(LIMITS.farms[1], scenario.population.farms)
    return budget.farms_within(scenario, wanted)


@dataclass(eq=False)
class Snapshot:
    """A simulation as the pages show it after a step: copies, safe to read while it steps on.

    Attributes:
        year: the last simulated year (the start year − 1 before the first step).
        table: the model table so far.
        coop: each farm's coop (−1 for none).
        farming: whether each farm still farms.
        coop_status: each coop's status (see ``coopsim.entities``).
        coop_tier, coop_region: each coop's tier and region.
        income, payoff_alone, machinery_alone, machinery_share: the last year's figures
            per farm (currency/year), empty before the first step.
    """

    year: int
    table: pd.DataFrame
    coop: np.ndarray
    farming: np.ndarray
    coop_status: np.ndarray
    coop_tier: np.ndarray
    coop_region: np.ndarray
    income: np.ndarray
    payoff_alone: np.ndarray
    machinery_alone: np.ndarray
    machinery_share: np.ndarray


class Simulation:
    """One run of a scenario: the scenario as run, its seed and its model, stepped under a lock.

    Args:
        scenario: the validated scenario (already sized).
        seed: the seed; the scenario's own when None.
        log_decisions: keep the decision log (for the classroom's small village).
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, log_decisions: bool = False):
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else int(seed)
        self.log_decisions = log_decisions
        self.lock = threading.RLock()
        self.model = CoopModel(spec=scenario, rng=self.seed, log_decisions=log_decisions)
        self.auto_village: int | None = None
        """The village shown when the user has chosen none (see ``widgets.common``)."""
        self._explained: tuple[int, pd.DataFrame] | None = None
        self.findings: Findings | None = None
        """Its scenario over several seeds and against no programme (``dashboard.bands``)."""

    def names_in(self, lang: str) -> list[str]:
        """The named farms' names in a language, in the model's order (empty: none named)."""
        return named_order(self.scenario.population, lang)

    @property
    def done(self) -> bool:
        """Whether the run has reached its horizon."""
        return self.model.year > self.scenario.end_year

    @property
    def village(self) -> np.ndarray:
        """Each farm's village."""
        return self.model.farms.village

    @property
    def region(self) -> np.ndarray:
        """Each farm's region."""
        return self.model.farms.region

    def step(self) -> Snapshot:
        """Simulate one more year (nothing at the horizon) and return the new snapshot."""
        with self.lock:
            if not self.done:
                self.model.step()
            return self.snapshot()

    def snapshot(self) -> Snapshot:
        """The simulation as it is now."""
        with self.lock:
            model, economy = self.model, self.model.economy
            empty = np.zeros(0)
            return Snapshot(
                year=model.year - 1,
                table=model.table(),
                coop=model.farms.coop.copy(),
                farming=model.farms.farming.copy(),
                coop_status=model.coops.status.copy(),
                coop_tier=model.coops.tier.copy(),
                coop_region=model.coops.region.copy(),
                income=model.income.copy() if economy is not None else empty,
                payoff_alone=economy.payoff_alone.copy() if economy is not None else empty,
                machinery_alone=economy.machinery_alone.copy() if economy is not None else empty,
                machinery_share=economy.machinery_share.copy() if economy is not None else empty,
            )

    def decisions(self) -> pd.DataFrame:
        """The decision log up to the current year.

        A simulation made without the log is run again with it, with the same scenario and
        seed, to the same year: the log does not change any draw, so the decisions are
        those of this simulation. The result is kept until it steps on.
        """
        with self.lock:
            if self.log_decisions:
                return self.model.decision_table()
            year, explained = self.model.year, self._explained
        if explained is not None and explained[0] == year:
            return explained[1]
        # the replay needs only the scenario and seed: the simulation may step on meanwhile
        replay = CoopModel(spec=self.scenario, rng=self.seed, log_decisions=True)
        for _ in range(year - self.scenario.start_year):
            replay.step()
        self._explained = (year, replay.decision_table())
        return self._explained[1]


def parse_upload(name: str, data: bytes) -> Scenario:
    """A scenario from an uploaded file's bytes: read like any input file, and validated.

    Raises:
        ScenarioError: one line saying what is wrong with the file.
    """
    return validate_scenario(parse_toml(data, name, LIMITS.upload_bytes), source=name)


class SessionState:
    """Everything one browser session works on. Reactive values re-render what reads them.

    Args:
        scenario_dir: where the scenario files are.
    """

    def __init__(self, scenario_dir: Path = SCENARIO_DIR) -> None:
        self.lang = solara.reactive("en")
        catalogue = {
            stem: load_scenario(path) for stem, path in scenario_files(scenario_dir).items()
        }
        if not catalogue:
            raise ScenarioError(f"{scenario_dir}: no scenario files")
        self.catalogue = solara.reactive(catalogue)
        source = DEFAULT_SCENARIO if DEFAULT_SCENARIO in catalogue else next(iter(catalogue))
        self.settings = solara.reactive(Settings(source=source))
        self.error = solara.reactive("")
        self.upload_error = solara.reactive("")
        self.simulation = Simulation(build_scenario(catalogue[source], self.settings.value))
        self.snapshot = solara.reactive(self.simulation.snapshot())
        self.playing = solara.reactive(False)
        self.done = solara.reactive(self.simulation.done)
        self.delay = solara.reactive(0.2)
        self.village = solara.reactive(-1)
        self.farm = solara.reactive(-1)
        self.classroom = Game("machinery")
        self.classroom_changes = solara.reactive(0)  # the Classroom page redraws on it
        # the Compare page's arms (None until the page makes its defaults) and result
        self.arms: solara.Reactive[list[Arm] | None] = solara.reactive(None)
        self.comparison: solara.Reactive[Comparison | None] = solara.reactive(None)

    # --- the scenario -----------------------------------------------------------------------

    def problem(self, error: Exception) -> str:
        """What is wrong with an input, in the session's language, for the page to show."""
        return Translator(self.lang.value).problem(error).removeprefix("scenario values: ")

    @property
    def base(self) -> Scenario:
        """The chosen scenario as read from its file, before the user's settings."""
        return self.catalogue.value[self.settings.value.source]

    def apply(self, settings: Settings) -> bool:
        """Use new settings and start the run again; on a bad value keep the old ones.

        Returns:
            Whether the settings were valid (else :attr:`error` says why).
        """
        base = self.catalogue.value.get(settings.source)
        if base is None:
            self.error.set(f"{settings.source}: not a scenario of the list")
            return False
        if settings.seed is not None and not 0 <= settings.seed <= SEED_MAX:
            # the exported scenario carries the seed: one a scenario file can hold
            self.error.set(f"seed: a whole number from 0 to {SEED_MAX:,} (got {settings.seed})")
            return False
        try:
            scenario = build_scenario(base, settings)
        except ScenarioError as exc:
            self.error.set(self.problem(exc))
            return False
        # the new simulation first: setting a reactive value re-renders what reads it at once
        self.simulation = Simulation(scenario, seed=settings.seed)
        self.error.set("")
        self.settings.set(settings)
        self._show_new_simulation()
        return True

    def choose(self, source: str) -> bool:
        """Switch to another scenario of the catalogue, dropping the lever settings."""
        old = self.settings.value
        return self.apply(Settings(source=source, farms=old.farms))

    def set_values(self, changed: dict[str, Any]) -> bool:
        """Set levers by dotted key at once, in one restart.

        None is "none", for a lever that may be empty (e.g. no budget cap).
        """
        schedules = [changed.get(f"{section}.changes") or [] for section in ("policy", "market")]
        if any(sum(len(c) - 1 for c in changes) > LIMITS.changes for changes in schedules):
            self.error.set(
                Translator(self.lang.value)("explore.too_many_changes", n=LIMITS.changes)
            )
            return False
        values = self.settings.value.values | changed
        return self.apply(replace(self.settings.value, values=values))

    def set_changes(self, changes: list[dict[str, Any]]) -> bool:
        """Replace the schedule of policy changes."""
        return self.set_values({"policy.changes": changes})

    def upload(self, name: str, data: bytes) -> bool:
        """Add an uploaded scenario file to the catalogue and switch to it.

        Returns:
            Whether the file was a valid scenario (else :attr:`upload_error` says why).
        """
        name = Path(name).name or "upload.toml"
        try:
            scenario = parse_upload(name, data)
            # refused now if too costly for a session, before it joins the list
            build_scenario(scenario, Settings(source=name, farms=self.settings.value.farms))
        except ScenarioError as exc:
            self.upload_error.set(self.problem(exc))
            return False
        catalogue = dict(self.catalogue.value)
        uploads = [k for k in catalogue if k.startswith(UPLOADED)]
        if len(uploads) >= LIMITS.uploads:
            catalogue.pop(uploads[0])
        key = f"{UPLOADED}{name}"
        catalogue[key] = scenario
        self.upload_error.set("")
        self.catalogue.set(catalogue)
        return self.choose(key)

    # --- the simulation ---------------------------------------------------------------------

    def _show_new_simulation(self) -> None:
        self.playing.set(False)
        self.done.set(self.simulation.done)
        self.village.set(-1)
        self.farm.set(-1)
        self.snapshot.set(self.simulation.snapshot())

    def reset(self) -> None:
        """Start the current scenario again from its first year (its bands stay: same runs)."""
        old = self.simulation
        self.simulation = Simulation(old.scenario, seed=old.seed)
        self.simulation.findings = old.findings
        self._show_new_simulation()

    def step(self) -> None:
        """Simulate one year and show it."""
        self.snapshot.set(self.simulation.step())
        if self.simulation.done:
            self.playing.set(False)
            self.done.set(True)

    def run_to_end(self) -> None:
        """Simulate every year left to the horizon."""
        while not self.simulation.done:
            self.simulation.step()
        self.playing.set(False)
        self.done.set(True)
        self.snapshot.set(self.simulation.snapshot())

    # --- the classroom ----------------------------------------------------------------------

    def _classroom_changed(self) -> None:
        self.classroom_changes.set(self.classroom_changes.value + 1)

    def classroom_step(self) -> None:
        """One more year of the classroom's village, every farm played by the model."""
        if not self.classroom.done:
            self.classroom.play({})
        self._classroom_changed()

    def classroom_reset(self, story: str | None = None) -> None:
        """The classroom's village (or another story) from its first year again."""
        self.classroom = Game(story or self.classroom.story)
        self._classroom_changed()

    def classroom_lever(self, name: str, value: float) -> None:
        """Move one of the classroom's levers (from the coming year)."""
        self.classroom.set_lever(name, value)
        self._classroom_changed()

    def classroom_event(self, event: str) -> None:
        """Make an event happen in the classroom's coming year."""
        self.classroom.trigger(event)
        self._classroom_changed()
