"""Production figures: the farm book kept between years equals a full recomputation."""

from __future__ import annotations

import copy

import numpy as np
from handmade import state
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim import CoopModel, load_scenario, sized
from coopsim.processes.production import FarmBook, input_costs

FIGURES = ("output", "value", "need", "holding", "machinery_alone", "production_cost", "columns")


def _same_figures(kept: FarmBook, fresh: FarmBook) -> None:
    # equal up to the last bit of a sum over assets, which BLAS may add in another order
    # for a few rows than for many
    for name in FIGURES:
        np.testing.assert_allclose(
            getattr(kept, name), getattr(fresh, name), rtol=1e-14, atol=0, err_msg=name
        )


@settings(max_examples=50, deadline=None)
@given(
    changes=st.lists(
        st.tuples(
            st.integers(0, 7),
            st.sampled_from(["land_ha", "livestock_head", "owns", "farming", "productivity"]),
            st.floats(0.0, 500.0),
        ),
        max_size=12,
    )
)
def test_the_kept_figures_equal_a_full_recomputation_after_any_changes(changes) -> None:
    s = state([{"land_ha": 10.0 + i, "livestock_head": i, "assets": ["tractor"]} for i in range(8)])
    costs, market = s.scenario.costs, s.scenario.market
    kept = FarmBook()
    kept.refresh(s.farms, costs, market)
    for farm, field, value in changes:
        if field == "owns":
            s.farms.owns[farm, int(value) % 4] = 1 - s.farms.owns[farm, int(value) % 4]
        elif field == "farming":
            s.farms.farming[farm] = value > 250
        else:
            getattr(s.farms, field)[farm] = value
        kept.refresh(s.farms, costs, market)
    fresh = FarmBook()
    fresh.refresh(s.farms, costs, market)
    _same_figures(kept, fresh)


def test_the_kept_figures_follow_a_whole_run_and_its_changes_of_levers() -> None:
    scenario = sized(load_scenario("scenarios/germany_1950.toml"), farms=2_000)
    model = CoopModel(spec=scenario.with_values({"years": 12}), rng=3)
    for _ in range(12):  # farms quit and hand over their land; wages change by year
        model.step()
        fresh = FarmBook()
        market = model.parameters.market_in(model.year - 1)
        fresh.refresh(model.farms, model.parameters.costs, market)
        # the model's book was refreshed at the start of the year; bring a copy up to date
        kept = copy.deepcopy(model.book)
        kept.refresh(model.farms, model.parameters.costs, market)
        _same_figures(kept, fresh)


def test_higher_yields_take_more_inputs_at_this_years_input_prices() -> None:
    # crops: 18,000 a hectare; yields up 60 %, half of the gain takes inputs in proportion:
    # 18,000 × (1 + 0.5 × 0.6) = 23,400, at input prices down 10 %: 21,060.
    # livestock: 70,000 a head, yields doubled: 70,000 × 1.5 × 0.9 = 94,500
    s = state(
        [{"land_ha": 10, "livestock_head": 2}] * 2,
        **{
            "market.crop_yield_index": 1.6,
            "market.livestock_yield_index": 2.0,
            "market.input_cost_index": 0.9,
            "market.land_rent": 0.0,
        },
    )
    per_ha, per_head = input_costs(s.scenario.costs, s.scenario.market)
    assert (per_ha, per_head) == (21_060.0, 94_500.0)
    book = FarmBook()
    book.refresh(s.farms, s.scenario.costs, s.scenario.market)
    np.testing.assert_allclose(book.production_cost, 10 * 21_060.0 + 2 * 94_500.0)
    # with yields at their first-year level, the costs are the first year's, at input prices
    flat = s.scenario.with_values({"market.crop_yield_index": 1.0, "costs.yield_input_share": 1})
    assert input_costs(flat.costs, flat.market)[0] == 18_000.0 * 0.9
