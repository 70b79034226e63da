"""The classroom game: offers, reveals, levers and events on the stories' villages."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.classroom.game import EVENTS, LEVERS, STORIES, Game
from coopsim.entities import NO_COOP
from coopsim.processes.players import Action


def everyone_stays(game: Game, vote: int = 0) -> dict[int, tuple[Action, int, int]]:
    return {f: (Action.STAY, game.coop_of(f), vote) for f in range(len(game.farms))}


def everyone_stays_from(game: Game, first: int) -> dict[int, tuple[Action, int, int]]:
    return {f: v for f, v in everyone_stays(game).items() if f >= first}


def some_choices(game: Game, rng: np.random.Generator) -> dict[int, tuple[Action, int, int]]:
    """Three farms still farming take one of their offers at random, with a random vote."""
    choices = {}
    for f in rng.choice(np.flatnonzero(game.farms.farming), 3, replace=False).tolist():
        offers = game.offers(f)
        pick = offers[rng.integers(len(offers))]
        choices[f] = (pick.action, pick.coop, int(rng.integers(-1, 2)))
    return choices


# --- offers --------------------------------------------------------------------------------


@pytest.mark.parametrize("story", list(STORIES))
def test_the_first_offer_is_staying_as_the_farm_is(story: str) -> None:
    game = Game(story)
    rng = np.random.default_rng(0)
    for _ in range(2):
        for f in np.flatnonzero(game.farms.farming).tolist():
            first = game.offers(f)[0]
            assert (first.action, first.coop) == (Action.STAY, game.coop_of(f))
        game.play(some_choices(game, rng))


def test_outside_coops_a_farm_may_found_with_every_farm_of_its_village_outside_coops() -> None:
    game = Game("machinery")  # one village of ten farms, no coop
    for f in range(10):
        assert [o.action for o in game.offers(f)] == [Action.STAY, Action.FOUND]
        assert game.offers(f)[-1].founders == 10
    game.play(dict.fromkeys((0, 1, 2), (Action.FOUND, NO_COOP, 0)) | everyone_stays_from(game, 3))
    (coop,) = game.operating_coops()
    for f in range(3):  # members may stay or leave
        assert [(o.action, o.coop) for o in game.offers(f)] == [
            (Action.STAY, coop),
            (Action.LEAVE, NO_COOP),
        ]
    for f in range(3, 10):  # the seven outside may join it or found with each other
        offers = game.offers(f)
        assert [(o.action, o.coop) for o in offers] == [
            (Action.STAY, NO_COOP),
            (Action.JOIN, coop),
            (Action.FOUND, NO_COOP),
        ]
        assert offers[-1].founders == 7


def test_below_min_founders_outside_coops_nobody_is_offered_to_found() -> None:
    game = Game("machinery")  # min_founders = 3
    game.play(dict.fromkeys(range(8), (Action.FOUND, NO_COOP, 0)) | everyone_stays_from(game, 8))
    assert [o.action for o in game.offers(9)] == [Action.STAY, Action.JOIN]


def test_a_farm_that_has_quit_is_offered_to_stay_as_it_is() -> None:
    game = Game("dairy")
    game.play({})
    assert not game.farms.farming[11]
    assert [o.action for o in game.offers(11)] == [Action.STAY]


@pytest.mark.parametrize(("story", "settling"), [("machinery", 0), ("dairy", 0), ("merger", 1)])
def test_when_nobody_moves_each_farm_earns_what_staying_was_offered(
    story: str, settling: int
) -> None:
    # the merger story's coops start with every member delivering all its produce; in
    # the first round's step they decide to sell a tenth outside (the coop's price less
    # its overheads is below the buyers'), which the first round's offers cannot know
    game = Game(story)
    for _ in range(settling):
        game.play(everyone_stays(game, vote=-1))
    n = len(game.farms)
    offers = [game.offers(f) for f in range(n)]
    reveal = game.play(everyone_stays(game, vote=-1))
    assert reveal.did == ["stayed"] * n
    assert reveal.income == [o[0].income for o in offers]
    # alone: staying outside a coop, or leaving it
    assert reveal.income_alone == [o[-1 if o[0].coop >= 0 else 0].income for o in offers]
    assert reveal.paid_once == [0.0] * n


def test_when_the_whole_village_founds_each_earns_and_pays_what_founding_was_offered() -> None:
    game = Game("machinery")
    offers = [game.offers(f)[-1] for f in range(10)]
    reveal = game.play(dict.fromkeys(range(10), (Action.FOUND, NO_COOP, 0)))
    assert reveal.did == ["founded"] * 10
    assert reveal.income == pytest.approx([o.income for o in offers], rel=1e-12)
    # equity 100,000 + switching 50,000 + a tenth of the founding cost 1,000,000; no grant
    assert reveal.paid_once == [o.one_off - o.grant for o in offers] == [250_000.0] * 10


# --- the model's next step ------------------------------------------------------------------


def model_earns_what_the_reveals_showed(story: str) -> None:
    """Over a whole game, each year's income in the model is the reveal's, less one-offs.

    The reveal of round r prices the year the model steps through in round r + 1, with
    the coops that came out of round r; the farms that join or found in round r + 1 pay
    their one-off costs less grants out of that year's income.
    """
    game = Game(story)
    rng = np.random.default_rng(1)
    before = game.play(some_choices(game, rng))
    while not game.done:
        reveal = game.play(some_choices(game, rng))
        np.testing.assert_allclose(
            game.model.income, np.array(before.income) - reveal.paid_once, rtol=1e-9
        )
        before = reveal


@pytest.mark.parametrize("story", ["dairy", "merger"])
def test_the_model_earns_in_its_next_step_what_the_reveal_showed(story: str) -> None:
    model_earns_what_the_reveals_showed(story)


def test_the_model_earns_in_the_machinery_story_what_the_reveal_showed() -> None:
    model_earns_what_the_reveals_showed("machinery")


# --- levers --------------------------------------------------------------------------------


def test_doubled_contractor_prices_double_what_a_farm_owning_nothing_pays_for_its_work() -> None:
    game = Game("machinery")
    saule = game.names.index("Saule")  # 4 ha, 4 head, no machine
    before = game.offers(saule)[0]
    # tractor 4 ha + 1 ha of hay per head × 4 = 8 ha at 8,000; her 10.8 t hauled at
    # 2,500; combine 4 ha at 7,000; barn 4 head at 15,000
    assert before.machinery == 8 * 8_000 + 10.8 * 2_500 + 4 * 7_000 + 4 * 15_000 == 179_000
    holding = game.economy.holding.sum(axis=1)  # what owning costs, whatever contractors ask
    hired = game.economy.machinery_alone - holding
    game.set_lever("contractor_prices", 2.0)
    after = game.offers(saule)[0]
    assert after.machinery == 358_000
    assert after.income == before.income - 179_000
    # an owner's own machine runs at a share of the contractor's price: that part doubles too
    np.testing.assert_allclose(game.economy.machinery_alone, holding + 2 * hired, rtol=1e-12)


def test_the_grant_lever_sets_what_joining_brings_and_a_grant_cut_takes_it_away() -> None:
    game = Game("machinery")
    game.set_lever("grant", 200_000)
    assert game.offers(0)[-1].grant == 200_000  # founding: the member grant, no start-up grant
    game.play(dict.fromkeys((0, 1, 2), (Action.FOUND, NO_COOP, 0)) | everyone_stays_from(game, 3))
    join = game.offers(5)[1]
    assert (join.action, join.grant, join.one_off) == (Action.JOIN, 200_000, 150_000)
    game.trigger("grant_cut")
    assert game.levers["grant"] == 0.0
    assert [o.grant for o in game.offers(5)] == [0.0, 0.0, 0.0]
    stay = dict.fromkeys((3, 4), (Action.STAY, NO_COOP, 0))
    reveal = game.play({5: (Action.JOIN, join.coop, 0)} | stay)
    assert reveal.did[5] == "joined" and reveal.paid_once[5] == 150_000
    assert reveal.events == ["grant_cut"]


def test_the_own_boss_and_trust_levers_set_every_farms_value() -> None:
    game = Game("dairy")
    game.set_lever("own_boss", 0.2)
    game.set_lever("trust", 0.35)
    assert (game.farms.trust == 0.35).all()
    for f in range(len(game.farms)):
        assert game.own_boss_value(f) == pytest.approx(0.2 * game.economy.revenue_alone[f])


def test_levers_are_kept_as_set() -> None:
    game = Game("merger")
    game.set_lever("grant", 0.4)
    game.set_lever("contractor_prices", 0.5)
    assert game.levers["grant"] == 0.4 and game.levers["contractor_prices"] == 0.5
    assert game.lever_range("grant") == (0.0, 1.0, 0.05)  # the merger story's grant is a share


# --- events --------------------------------------------------------------------------------


def test_a_drought_lowers_every_farms_income_of_its_round_only() -> None:
    calm, dry = Game("machinery"), Game("machinery")
    dry.trigger("drought")
    assert all(
        d[0].income < c[0].income
        for d, c in zip(map(dry.offers, range(10)), map(calm.offers, range(10)), strict=True)
    )
    calm_1, dry_1 = calm.play(everyone_stays(calm)), dry.play(everyone_stays(dry))
    assert all(d < c for d, c in zip(dry_1.income, calm_1.income, strict=True))
    assert dry_1.events == ["drought"]
    # the next year the fields give as much as ever
    calm_2, dry_2 = calm.play(everyone_stays(calm)), dry.play(everyone_stays(dry))
    assert dry_2.income == calm_2.income and dry_2.events == []


def test_a_price_fall_lowers_what_every_farm_sells_for_by_a_quarter_for_good() -> None:
    calm, fallen = Game("machinery"), Game("machinery")
    fallen.trigger("price_fall")
    for _ in range(2):
        np.testing.assert_allclose(
            fallen.economy.revenue_alone, 0.75 * calm.economy.revenue_alone, rtol=1e-12
        )
        calm.play(everyone_stays(calm))
        fallen.play(everyone_stays(fallen))


def test_a_broken_combine_leaves_the_village_without_combines() -> None:
    game = Game("machinery")
    dana = game.names.index("Dana")  # 80 ha
    assert game.machines(dana) == ["combine"]
    before = game.offers(dana)[0].machinery
    game.trigger("broken_combine")
    assert game.machines(dana) == []
    assert not any("combine" in game.machines(f) for f in range(10))
    # her combine cost her 25,000,000 × (7 % depreciation + 14 % interest) × 15 % of its
    # value held = 787,500 a year, and 35 % of the contractor's 7,000 a hectare to run on
    # 80 ha = 196,000; a contractor now does the 80 ha for 560,000
    assert game.offers(dana)[0].machinery == pytest.approx(before - 787_500 - 196_000 + 560_000)
    reveal = game.play({})
    assert reveal.events == ["broken_combine"]
    assert all(account.machines[2] == 0 for account in reveal.coops)  # combines: third asset


# --- mergers -------------------------------------------------------------------------------


def test_members_voting_against_keep_the_two_coops_whatever_the_grant() -> None:
    game = Game("merger")  # two coops of seven
    game.set_lever("grant", 1.0)
    while not game.done:
        reveal = game.play(everyone_stays(game, vote=-1))
        assert len(reveal.coops) == 2


def test_a_grant_above_the_break_even_share_carries_an_all_for_vote() -> None:
    game = Game("merger")
    terms = game.merger_terms(0)
    # merged, the coops save 898,419 a year; the 10,000,000 merger cost is spread over
    # five years: the state must pay more than 1 − 898,419 × 5 / 10,000,000 ≈ 55 % of it
    assert terms.saving == pytest.approx(898_419.35)
    assert terms.merger_cost == 10_000_000 and terms.state_share == 0.0
    assert len(game.play(everyone_stays(game, vote=1)).coops) == 2
    game.set_lever("grant", 0.55)
    assert len(game.play(everyone_stays(game, vote=1)).coops) == 2
    game.set_lever("grant", 0.8)
    assert game.merger_terms(0).state_share == 0.8
    # a coop looking for a partner draws it among the region's coops, itself included, so
    # a round may pass without a pair (a chance of 1/4 with two coops)
    while not game.done:
        reveal = game.play(everyone_stays(game, vote=1))
    (coop,) = reveal.coops
    assert coop.members == list(range(14))
    merged = next(r for r in game.history if len(r.coops) == 1)
    assert sorted(merged.did) == ["moved"] * 7 + ["stayed"] * 7


# --- the game as a whole -------------------------------------------------------------------


def test_the_same_seed_choices_levers_and_events_give_the_same_game() -> None:
    def played(seed: int) -> list:
        game = Game("machinery", seed)
        rng = np.random.default_rng(5)
        game.set_lever("contractor_prices", 1.5)
        game.play(some_choices(game, rng))
        game.trigger("drought")
        game.set_lever("trust", 0.3)
        while not game.done:
            game.play(some_choices(game, rng))
        return game.history

    assert played(3) == played(3)


def test_a_game_has_a_round_a_year_and_refuses_a_round_after_the_last() -> None:
    game = Game("dairy")
    assert game.rounds == 8 and game.round == 1 and not game.done
    for _ in range(8):
        game.play({})
    assert game.done and game.round == 9 and [r.round for r in game.history] == list(range(1, 9))
    with pytest.raises(RuntimeError):
        game.play({})


def test_unknown_stories_levers_and_events_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown story"):
        Game("fishing")
    game = Game("machinery")
    with pytest.raises(ValueError, match="unknown lever"):
        game.set_lever("rain", 1.0)
    with pytest.raises(ValueError, match="unknown event"):
        game.trigger("flood")
    assert set(LEVERS) == set(game.levers) and "flood" not in EVENTS


@pytest.mark.parametrize(
    ("story", "lever", "value"),
    [
        ("machinery", "contractor_prices", 2.01),
        ("machinery", "contractor_prices", 0.4),
        ("machinery", "grant", -50_000),
        ("machinery", "grant", 1_000_001),
        ("merger", "grant", 1.1),
        ("dairy", "own_boss", 0.31),
        ("dairy", "trust", -0.1),
    ],
)
def test_a_lever_outside_its_range_is_refused_and_left_as_it_was(
    story: str, lever: str, value: float
) -> None:
    game = Game(story)
    was = dict(game.levers)
    with pytest.raises(ValueError, match="outside"):
        game.set_lever(lever, value)
    assert game.levers == was
