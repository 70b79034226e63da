"""docs/assumptions.md shows the library's defaults and what the scenario files assume.

The page's generator (docs/gen_assumptions.py) writes its tables from
coopsim.scenario's defaults, the calibration file and the country scenario files.
Regenerating them here and comparing catches a page that fell behind a new
calibration, a changed default or a scenario file.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from coopsim.scenario import Behaviour

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "assumptions.md"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location(
        "gen_assumptions", ROOT / "docs" / "gen_assumptions.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def countries(generator):
    return generator.load_countries()


def test_the_assumptions_page_shows_the_defaults_and_the_scenario_files(generator) -> None:
    page = PAGE.read_text(encoding="utf-8")
    fresh = generator.render(page, generator.blocks())
    assert generator.differences(page, fresh) == [], "run python docs/gen_assumptions.py"
    assert fresh == page


def test_every_behaviour_field_has_one_row_marked_calibrated_observed_or_assumed(
    generator,
) -> None:
    keys = [row.key for row in generator.BEHAVIOUR]
    assert sorted(keys) == sorted(f"behaviour.{f}" for f in Behaviour.model_fields)
    assert len(set(keys)) == len(keys)
    rows = generator.BEHAVIOUR + generator.MARKET
    assert {row.status for row in rows} <= {"calibrated", "observed", "assumed"}


def test_the_rows_marked_calibrated_are_the_parameters_the_calibration_fits(generator) -> None:
    box = generator.calibrated_box()
    marked = {
        row.key for row in generator.BEHAVIOUR + generator.MARKET if row.status == "calibrated"
    }
    assert marked == set(box)


def test_a_changed_default_shows_on_the_page_check(generator, countries) -> None:
    page = PAGE.read_text(encoding="utf-8")
    defaults = generator.Scenario().with_values({"behaviour.merger_search_probability": 0.4321})
    fresh = generator.render(page, generator.blocks(defaults=defaults, countries=countries))
    misses = generator.differences(page, fresh)
    assert misses and "`merger_search_probability` | 0.4321 (" in misses[0]


def test_a_changed_scenario_file_shows_on_the_page_check(generator, countries) -> None:
    page = PAGE.read_text(encoding="utf-8")
    changed = dict(countries)
    changed["germany"] = countries["germany"].with_values({"costs.distance_cost": 7})
    fresh = generator.render(page, generator.blocks(countries=changed))
    misses = generator.differences(page, fresh)
    assert misses and all("7 DM" in m or "Germany 7" in m for m in misses)


def test_a_lever_that_changes_by_year_is_told_by_its_course(generator, countries) -> None:
    kazakhstan, germany = countries["kazakhstan"], countries["germany"]
    # 0 in 2016, 0.3 from 2017, 0 again from 2022
    assert generator.schedule(kazakhstan, "policy.kpi_pressure") == "0.3 in 2017–2021"
    assert generator.schedule(kazakhstan, "policy.audit_probability") == "0.1 from 2018"
    assert generator.schedule(germany, "market.off_farm_wage").startswith("rising 3,000 → ")
    assert generator.schedule(germany, "policy.kpi_pressure") == "—"


def test_a_row_claiming_a_calibration_that_is_not_run_stops_the_generator(generator) -> None:
    box = dict(generator.calibrated_box())
    box.pop(next(iter(box)))
    with pytest.raises(SystemExit, match="calibrat"):
        generator.blocks(box=box)
