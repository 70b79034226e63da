"""The regions as tiles: figures per region in real counts, colours, clicks to a village."""

from __future__ import annotations

import math

import ipyvuetify as v
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pagetools import click, page_text, render, widgets
from solara.components.echarts import EchartsWidget

from coopsim.dashboard.pages import explain, explore
from coopsim.dashboard.widgets.region_map import region_figures, tile_colour
from coopsim.entities import ACTIVE, DISSOLVED, NOMINAL, PRIMARY, REGIONAL_UNION


def test_region_figures_count_farms_members_and_primary_coops_in_real_numbers():
    # 6 farms in 2 regions; farm 5 quit; coops: 0 active (region 0), 1 nominal (region 1),
    # 2 dissolved (region 1), 3 an active regional union (region 0): not a primary coop
    table = region_figures(
        farm_region=np.array([0, 0, 0, 1, 1, 1]),
        farm_coop=np.array([0, 0, -1, 1, -1, 1]),
        farming=np.array([True, True, True, True, True, False]),
        coop_region=np.array([0, 1, 1, 0]),
        coop_status=np.array([ACTIVE, NOMINAL, DISSOLVED, ACTIVE]),
        coop_tier=np.array([PRIMARY, PRIMARY, PRIMARY, REGIONAL_UNION]),
        regions=3,
        scale=50.0,
        kpi_coops=100.0,
    )
    assert table["farms"].tolist() == [150.0, 100.0, 0.0]
    assert table["members"].tolist() == [100.0, 50.0, 0.0]
    assert table["membership_rate"].iloc[:2].tolist() == [2 / 3, 0.5]
    assert math.isnan(table["membership_rate"].iloc[2])  # no farm: no rate, not 0 %
    assert table["coops_active"].tolist() == [50.0, 0.0, 0.0]
    assert table["coops_registered"].tolist() == [50.0, 50.0, 0.0]
    assert table["coops_simulated"].tolist() == [1, 0, 0]
    assert table["kpi_reached"].tolist() == [0.5, 0.5, 0.0]


def test_without_a_kpi_nothing_is_reached_or_missed():
    table = region_figures(
        np.array([0]),
        np.array([-1]),
        np.array([True]),
        np.zeros(0, int),
        np.zeros(0, int),
        np.zeros(0, int),
        regions=1,
        scale=1.0,
        kpi_coops=0.0,
    )
    assert math.isnan(table["kpi_reached"].iloc[0])


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@given(st.floats(0, 10), st.floats(0, 10), st.floats(0.1, 10))
def test_a_larger_figure_is_a_deeper_green_and_stays_readable(low, high, top):
    low, high = sorted((low, high))
    assert luminance(tile_colour(low, top)[0]) >= luminance(tile_colour(high, top)[0])
    background, ink = tile_colour(high, top)
    assert abs(luminance(background) - luminance(ink)) > 60  # text contrasts with its tile


def test_clicking_a_region_lists_its_villages_and_a_village_shows_it(state):
    for _ in range(3):
        state.step()
    rc = render(explore.Page(state))
    text = page_text(rc)
    assert "Region 14 ·" in text and "Region 15" not in text  # Kazakhstan: 14 regions
    click(rc, "coopsim-region-2")
    text = page_text(rc)
    assert "Region 3: " in text and "operating coops" in text
    # the villages of region 3 (index 2) are those numbered so that village % 14 == 2
    listed = {
        int(c.removeprefix("coopsim-village-"))
        for w in widgets(rc)
        if isinstance(w, v.Btn)
        for c in str(w.class_ or "").split()
        if c.startswith("coopsim-village-")
    }
    assert listed == set(np.unique(state.simulation.village[state.simulation.region == 2]))
    assert 16 in listed and all(n % 14 == 2 for n in listed)
    click(rc, "coopsim-village-16")
    assert state.village.value == 16
    rc.close()


def test_the_village_chart_places_every_farm_and_a_click_picks_it(state):
    for _ in range(4):
        state.step()
    rc = render(explain.Page(state))
    chart = rc.find(v.Html, class_="coopsim-village-chart").find(EchartsWidget).widget
    series = chart.option["series"][0]
    village = state.simulation.village
    farms = [node["value"] for node in series["data"]]
    assert sorted(farms) == np.flatnonzero(village == village[farms[0]]).tolist()
    assert len(series["links"]) > 0
    # every farm is in exactly one legend group, and the groups count their farms
    labels = [c["name"] for c in series["categories"]]
    counts = np.bincount([node["category"] for node in series["data"]], minlength=len(labels))
    for label, n in zip(labels, counts, strict=True):
        assert label.endswith(f"{n})"), label  # "coop 12 (active, 5)", "alone (30)"
    farm = farms[3]
    before = state.farm.value
    chart.vue_on_click({"dataType": "edge", "value": None})  # a tie: nothing happens
    assert state.farm.value == before
    chart.vue_on_click({"dataType": "node", "value": farm})  # as the browser sends it
    assert state.farm.value == farm
    highlighted = rc.find(v.Html, class_="coopsim-village-chart").find(EchartsWidget).widget
    ringed = [n for n in highlighted.option["series"][0]["data"] if "itemStyle" in n]
    assert [n["value"] for n in ringed] == [farm]  # the farm explained is ringed
    rc.close()
