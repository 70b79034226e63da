"""docs/validation.md matches a fresh run of its scenarios.

The page's generator (docs/gen_validation.py) writes the first replicate's final
figures of every country into the page (six significant digits). Rerunning that replicate here and
comparing catches a page that fell behind the scenario files, the calibrated
defaults or the model.
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
    assert generator.check_text(generator.first_replicates()) == block.group(1)


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
