"""The classroom game's chart of incomes, as the browser gets it (an ECharts option)."""

from __future__ import annotations

from coopsim.classroom.game import Game
from coopsim.dashboard.widgets.game_views import incomes_chart
from coopsim.i18n import Translator


def test_the_incomes_chart_has_a_line_a_farm_in_thousands_and_the_students_in_bold():
    game = Game("machinery")
    for _ in range(2):
        game.play({})
    aidar = game.names.index("Aidar")
    option = incomes_chart(game, Translator("ru"), mine=aidar)
    lines = option["series"]
    assert len(lines) == len(game.names) == 10
    assert option["xAxis"]["data"] == ["1", "2"]
    # incomes in thousands, rounded to 100 ₸
    assert lines[aidar]["data"] == [round(r.income[aidar] / 1000, 1) for r in game.history]
    assert lines[aidar]["lineStyle"]["width"] > lines[aidar - 1]["lineStyle"]["width"]
    assert lines[aidar]["name"] == "Айдар (вы)"  # the story names its farms in Russian
    assert option["yAxis"]["name"] == "Доход, 1\u202f000 ₸"


def test_the_incomes_chart_before_the_first_round_is_empty_but_drawn():
    option = incomes_chart(Game("dairy"), Translator("en"))
    assert option["xAxis"]["data"] == []
    assert [line["data"] for line in option["series"]] == [[]] * 12
