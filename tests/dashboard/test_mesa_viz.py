"""Mesa's own SolaraViz renders the model, and its Step and Reset work (a render test)."""

from __future__ import annotations

from pathlib import Path

import ipyvuetify
import ipywidgets
import solara
from mesa.visualization import SolaraViz, make_plot_component

from coopsim import CoopModel

KAZAKHSTAN = str(Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml")
PARAMS = {"scenario_file": KAZAKHSTAN, "population__simulated_farms": 2000}


def test_solaraviz_renders_the_model_and_steps_and_resets_it() -> None:
    model = solara.reactive(CoopModel(**PARAMS))
    first = model.value

    @solara.component
    def Page():  # noqa: N802 (Solara components are named like classes)
        # SolaraViz puts its controls in a sidebar, which exists inside an app layout
        with solara.AppLayout():
            SolaraViz(
                model,
                components=[make_plot_component("membership_rate")],
                model_params=PARAMS,
                name="coopsim",
            )

    _, rc = solara.render(Page(), handle_error=False)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert first.year == 2018 and len(first.table()) == 2
    chart = rc.find(ipywidgets.Image).widget.value
    assert len(chart) > 1000  # the membership rate, drawn by matplotlib

    rc.find(ipyvuetify.Btn, children=["Reset"]).widget.click()
    again = model.value
    assert again is not first
    assert again.year == 2016 and again.parameters.population.simulated_farms == 2000
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert again.table()["year"].tolist() == [2016]
    # the same seed: the reset model's first year is the first model's first year
    assert again.table().iloc[0].equals(first.table().iloc[0])


def test_the_readmes_solaraviz_example_renders_and_steps(monkeypatch) -> None:
    import re

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    code = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "SolaraViz(" in b)
    monkeypatch.chdir(root)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)

    # `solara run app.py` puts a page in its app layout, where SolaraViz has its sidebar
    _, rc = solara.render(solara.AppLayout(children=[namespace["page"]]), handle_error=False)
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
    assert len(rc.find(ipywidgets.Image).widgets) == 2  # both charts
