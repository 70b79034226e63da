"""docs/validation.md matches a fresh run of its scenarios.

The page's generator (docs/gen_validation.py) writes the first replicate's final
figures of every country into the page. Rerunning that replicate here and comparing,
within the tolerance the page states (1 %, and one simulated unit for counts), catches
a page that fell behind the scenario files, the calibrated defaults or the model.
"""

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_validation", ROOT / "docs" / "gen_validation.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_validation_page_shows_what_a_fresh_run_gives() -> None:
    generator = _generator()
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- validation:check:start -->\n(.*?)\n<!-- validation:check:end -->", page, re.S
    )
    assert block is not None, "docs/validation.md has no check block"
    fresh = generator.check_text(generator.first_replicates())
    assert generator.read_check(fresh).keys() == generator.read_check(block.group(1)).keys()
    assert generator.check_misses(block.group(1), fresh) == []


def test_the_check_catches_a_figure_off_by_more_than_its_tolerance() -> None:
    generator = _generator()
    page = "- germany, 2010: coops_registered 8400.0, mean_coop_size 51.0"
    assert generator.check_misses(page, page) == []
    near = "- germany, 2010: coops_registered 8480.0, mean_coop_size 51.5"  # 1 %, one coop
    assert generator.check_misses(page, near) == []
    far = "- germany, 2010: coops_registered 8400.0, mean_coop_size 52.0"  # 2 %
    assert generator.check_misses(page, far) == ["germany mean_coop_size: page 51, rerun 52"]


def test_the_validation_page_has_a_table_and_a_figure_for_every_country() -> None:
    generator = _generator()
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for country in generator.COUNTRIES:
        marker = f"<!-- validation:{country.key}"
        body = re.search(rf"{marker}:start -->\n(.*?)\n{marker}:end -->", page, re.S)
        assert body is not None and "| figure | reported | simulated median |" in body.group(1)
        figure = f"img/validation_{country.key}.png"
        assert figure in page
        assert (ROOT / "docs" / figure).stat().st_size > 10_000


def test_the_stored_full_scale_run_of_kazakhstan_is_what_a_fresh_run_gives() -> None:
    # the page's full-scale figures come from tables the generator stored; Kazakhstan's
    # 500,000 farms rerun in seconds, so a stored table that fell behind the model shows
    import pandas as pd

    generator = _generator()
    country = next(c for c in generator.COUNTRIES if c.key == "kazakhstan")
    stored = pd.read_csv(generator.FULL_SCALE / "kazakhstan.csv")
    fresh = generator.full_scale_run(country)
    assert fresh.farms.iloc[0] > 400_000  # one simulated farm per real farm
    columns = ["year", *country.columns]
    pd.testing.assert_frame_equal(
        fresh[columns].reset_index(drop=True), stored[columns], check_dtype=False, rtol=1e-9
    )
