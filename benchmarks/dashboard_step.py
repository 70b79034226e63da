"""Time one step of the dashboard: a simulated year plus the redraw of the Explore page.

    python -m benchmarks.dashboard_step [--farms 10000] [--runs 2] [--bands]

Renders the Explore page (without a browser, as ``solara.render`` does in the tests) on
the default dashboard scenario (Kazakhstan 2016 at 10,000 simulated farms), then
presses its Step button year after year up to the horizon, ``--runs`` times (Reset in
between). Each press is timed from the click until the page's widgets hold the new
charts, key numbers, regions and village: the model's step, the copies the page reads,
the re-render and the charts' ECharts options. What the browser then takes to draw is
not included. Without ``--bands`` the page is rendered without its result sentence and
its bands (target 150 ms); with it, the whole page is rendered, its bands are worked out
first (the runs behind the sentence, in a worker process), and the steps are timed with
every chart drawing the sample's band under the run stepped (target 400 ms).
For comparison the model's step alone is timed on a second run, and so is the building
of the eleven charts' options from each year's table (the server's part of a redraw).

The last line printed is one JSON object:

    {"farms": ..., "steps": ..., "step_redraw_ms_median": ..., "step_redraw_ms_p90": ...,
     "step_redraw_ms_max": ..., "model_step_ms_median": ..., "charts_ms_median": ...,
     "bands": ..., "target_ms": 150 or 400, ...}
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import ipyvuetify as v
import solara

from coopsim.dashboard.pages import explore
from coopsim.dashboard.session import DEFAULT_FARMS, SessionState, Settings, Simulation
from coopsim.dashboard.widgets.chart_references import fixed_lines
from coopsim.dashboard.widgets.charts import explore_charts
from coopsim.dashboard.widgets.echart import number_format, option
from coopsim.i18n import Translator


@solara.component
def SteppedPanel(state: SessionState):  # noqa: N802 (a Solara component)
    """The part of the Explore page a step redraws, with its buttons (no result sentence)."""
    tr = Translator(state.lang.value)
    explore.Controls(state, tr)
    explore.SimulationPanel(state, tr, None)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--farms", type=int, default=DEFAULT_FARMS, help="simulated farms")
    parser.add_argument("--runs", type=int, default=2, help="runs to the horizon timed")
    parser.add_argument(
        "--bands", action="store_true", help="the whole page, with the sample's bands drawn"
    )
    args = parser.parse_args(argv)

    state = SessionState()
    state.apply(Settings(source=state.settings.value.source, farms=args.farms))
    page = explore.Page(state) if args.bands else SteppedPanel(state)
    _box, rc = solara.render(page, handle_error=False)
    if args.bands:  # the runs behind the sentence first: then every redraw draws the bands
        deadline = time.monotonic() + 600
        while state.simulation.findings is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert state.simulation.findings is not None, "the bands were not made in 10 minutes"
        time.sleep(1.0)  # the page's redraw with them
    step = rc.find(v.Btn, class_="coopsim-step")
    reset = rc.find(v.Btn, class_="coopsim-reset")
    years = state.simulation.scenario.years
    times = []
    for _ in range(args.runs):
        reset.widget.click()
        for _ in range(years):
            started = time.perf_counter()
            step.widget.click()
            times.append(time.perf_counter() - started)
        assert len(state.snapshot.value.table) == years
    rc.close()

    sim = Simulation(state.simulation.scenario, seed=state.simulation.seed)
    tr = Translator("en")
    fixed = fixed_lines(sim.scenario, tr, state.settings.value.source)
    model_times, chart_times = [], []
    for _ in range(years):
        started = time.perf_counter()
        sim.step()
        model_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        table = sim.model.table()
        options = [option(c, tr) for c in explore_charts(table, sim.scenario, tr, fixed)]
        number_format(tr)
        chart_times.append(time.perf_counter() - started)
        assert len(options) == 11

    ms = sorted(1000 * t for t in times)
    result = {
        "scenario": state.simulation.scenario.name,
        "farms": len(state.simulation.model.farms),
        "steps": len(ms),
        "step_redraw_ms_median": round(statistics.median(ms), 1),
        "step_redraw_ms_p90": round(ms[int(0.9 * (len(ms) - 1))], 1),
        "step_redraw_ms_max": round(ms[-1], 1),
        "model_step_ms_median": round(1000 * statistics.median(model_times), 1),
        "charts_ms_median": round(1000 * statistics.median(chart_times), 1),
        "bands": args.bands,
        "target_ms": 400 if args.bands else 150,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
