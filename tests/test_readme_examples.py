"""The README's examples of "Use it from Python and with Mesa's tools" run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Use it from Python and with Mesa's tools"


def readme_examples() -> list[str]:
    """The Python blocks of the README's section on Python and Mesa's tools."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def run_example(code: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(ROOT)  # the examples name files relative to the repository
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_the_section_has_its_four_examples() -> None:
    examples = readme_examples()
    assert len(examples) == 4
    assert "mesa.batch_run" in examples[1] and "SolaraViz" in examples[2]


def test_a_model_from_a_file_with_keywords_runs_to_the_last_year(monkeypatch) -> None:
    done = run_example(readme_examples()[0], monkeypatch)
    assert done["table"]["year"].iloc[-1] == 2030
    assert done["model"].parameters.policy_in(2019).member_grant == 200_000


def test_the_batch_run_example_gives_four_rows(monkeypatch) -> None:
    done = run_example(readme_examples()[1], monkeypatch)
    assert len(done["results"]) == 4


def test_the_agent_reporter_example_collects_every_farm_each_year(monkeypatch) -> None:
    done = run_example(readme_examples()[3], monkeypatch)
    farms = done["farms"]
    assert len(farms) == 30 and set(farms["land_ha"]) >= {60.0, 4.0}
