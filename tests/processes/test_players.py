"""Players' choices replacing the rules' decisions (the classroom game), on a hand-built village."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from handmade import State, state

from coopsim.classroom.game import Game
from coopsim.entities import ACTIVE, DISSOLVED, NO_COOP, NOMINAL, PRIMARY, REGIONAL_UNION
from coopsim.processes.players import Action, PlayerChoices, hold

# Village 0: farms 0–4, farms 0 and 1 in coop 0. Village 1: farms 5–7, farms 5 and 6 in
# coop 1. Coop 2 is registered but not operating, coop 3 dissolved, coop 4 a regional
# union: none of them can be joined. Coop 5 does not exist.
FARMS = [{"land_ha": 20, "livestock_head": 5, "village": 0 if i < 5 else 1} for i in range(8)]
NOT_OPERATING, DISSOLVED_COOP, UNION, NONEXISTENT = 2, 3, 4, 5
MIN_FOUNDERS = 3


def village() -> State:
    s = state(FARMS, coops=[[0, 1], [5, 6]])
    for status, tier in ((NOMINAL, PRIMARY), (DISSOLVED, PRIMARY), (ACTIVE, REGIONAL_UNION)):
        s.coops.add(1, status=status, tier=tier, region=0, village=0)
    return s


@dataclass
class Decisions:
    """The year's decisions, as the rules left them and as ``hold`` makes them."""

    quits: np.ndarray
    leaves: np.ndarray
    join: np.ndarray
    founds: np.ndarray
    considered: np.ndarray


def held(
    choices: dict[int, tuple[Action, int, int]],
    quits: list[int] = (),
    leaves: list[int] = (),
    join: dict[int, int] | None = None,
    founds: list[int] = (),
    gone: list[int] = (),
) -> Decisions:
    """The rules' decisions (farms listed quit, leave, join, found), then the players'.

    The farms ``gone`` quit farming in an earlier year.
    """
    s = village()
    s.farms.farming[list(gone)] = False
    n = len(s.farms)
    d = Decisions(
        quits=np.isin(np.arange(n), quits),
        leaves=np.isin(np.arange(n), leaves),
        join=np.full(n, NO_COOP, np.int64),
        founds=np.isin(np.arange(n), founds),
        considered=np.zeros(n, bool),
    )
    for farm, coop in (join or {}).items():
        d.join[farm] = coop
    hold(
        PlayerChoices.of(choices),
        s.farms,
        s.coops,
        MIN_FOUNDERS,
        d.quits,
        d.leaves,
        d.join,
        d.founds,
        d.considered,
    )
    return d


def test_a_member_choosing_to_leave_is_marked_leaving() -> None:
    d = held({0: (Action.LEAVE, NO_COOP, 0)})
    assert d.leaves.tolist() == [True] + [False] * 7
    assert d.join[0] == NO_COOP and not d.founds[0]


def test_joining_an_operating_coop_sets_the_join_and_a_member_of_another_coop_leaves_it() -> None:
    d = held({5: (Action.JOIN, 0, 0), 2: (Action.JOIN, 0, 0)})
    # farm 5 leaves coop 1 for coop 0; farm 2, outside any coop, simply joins
    assert d.join.tolist() == [-1, -1, 0, -1, -1, 0, -1, -1]
    assert d.leaves.tolist() == [False] * 5 + [True, False, False]
    assert d.considered[[2, 5]].all()


@pytest.mark.parametrize(
    "coop", [NOT_OPERATING, DISSOLVED_COOP, UNION, NONEXISTENT, 99, NO_COOP, -7]
)
def test_joining_a_coop_that_does_not_operate_or_does_not_exist_is_void(coop: int) -> None:
    # a member (farm 5) stays in its coop, a farm outside (farm 3) stays alone
    d = held({5: (Action.JOIN, coop, 0), 3: (Action.JOIN, coop, 0)})
    assert (d.join == NO_COOP).all()
    assert not d.leaves.any() and not d.founds.any()


def test_joining_the_coop_one_is_in_is_staying_in_it() -> None:
    d = held({0: (Action.JOIN, 0, 0)})
    assert d.join[0] == NO_COOP and not d.leaves[0]


def test_fewer_players_than_min_founders_in_a_village_found_nothing() -> None:
    # two of village 0's three farms outside coops found; three are needed
    d = held({2: (Action.FOUND, NO_COOP, 0), 3: (Action.FOUND, NO_COOP, 0)})
    assert not d.founds.any()


def test_players_and_the_rules_founders_of_a_village_found_together_when_enough() -> None:
    # players 2 and 3 with farm 4, which the rules make found: three founders in village 0
    d = held({2: (Action.FOUND, NO_COOP, 0), 3: (Action.FOUND, NO_COOP, 0)}, founds=[4])
    assert np.flatnonzero(d.founds).tolist() == [2, 3, 4]


def test_founders_count_by_village() -> None:
    # three founders in village 0, but farm 7 alone in village 1 (its other farms are in
    # coop 1): village 0 founds, farm 7 does not
    choices = dict.fromkeys((2, 3, 4, 7), (Action.FOUND, NO_COOP, 0))
    assert np.flatnonzero(held(choices).founds).tolist() == [2, 3, 4]


def test_a_player_who_stays_withdraws_and_the_rules_founders_left_are_too_few() -> None:
    # the rules would have farms 2, 3 and 4 found; farm 4's player stays alone
    d = held({4: (Action.STAY, NO_COOP, 0)}, founds=[2, 3, 4])
    assert not d.founds.any()


def test_staying_overrides_whatever_the_rules_decided_for_the_players_farm() -> None:
    d = held(
        {0: (Action.STAY, 0, 0), 2: (Action.STAY, NO_COOP, 0)},
        leaves=[0],
        join={2: 1},
    )
    assert not d.leaves.any() and (d.join == NO_COOP).all()


def test_players_never_quit_but_farms_nobody_plays_still_do() -> None:
    d = held({0: (Action.STAY, 0, 0), 2: (Action.STAY, NO_COOP, 0)}, quits=[0, 2, 3])
    assert np.flatnonzero(d.quits).tolist() == [3]


def test_a_members_choice_to_found_is_void_and_it_stays_in_its_coop() -> None:
    # farms 2, 3 and 4 found with member 0: the three found, farm 0 stays in coop 0
    choices = dict.fromkeys((0, 2, 3, 4), (Action.FOUND, NO_COOP, 0))
    d = held(choices)
    assert np.flatnonzero(d.founds).tolist() == [2, 3, 4]
    assert not d.leaves[0] and d.join[0] == NO_COOP


def test_a_player_whose_farm_has_quit_neither_founds_nor_joins() -> None:
    # farm 4 quit farming last year; with it, 2 and 3 would be three founders
    choices = dict.fromkeys((2, 3, 4), (Action.FOUND, NO_COOP, 0)) | {7: (Action.JOIN, 1, 0)}
    d = held(choices, gone=[4, 7])
    assert not d.founds.any() and (d.join == NO_COOP).all()


def test_the_rules_decide_for_the_farms_nobody_plays() -> None:
    d = held({0: (Action.LEAVE, NO_COOP, 0)}, quits=[7], leaves=[6], join={3: 0})
    assert d.quits.tolist() == [False] * 7 + [True]
    assert np.flatnonzero(d.leaves).tolist() == [0, 6]
    assert d.join.tolist() == [-1, -1, -1, 0, -1, -1, -1, -1]


def test_a_players_merger_vote_is_kept_by_farm_and_zero_for_the_others() -> None:
    players = PlayerChoices.of({3: (Action.STAY, 0, -1), 1: (Action.STAY, 0, 1)})
    assert players.farm.tolist() == [1, 3]
    assert players.votes(5).tolist() == [0, 1, 0, -1, 0]


def test_three_players_found_in_the_model_and_are_in_one_new_coop_after_the_round() -> None:
    # the machinery village starts with no coop. Saule and Timur, the household plots,
    # stay alone under the rules; with Ermek they found, and the model decides the rest
    game = Game("machinery")
    names = game.names
    founders = [names.index(n) for n in ("Ermek", "Saule", "Timur")]
    assert game.operating_coops() == []
    reveal = game.play(dict.fromkeys(founders, (Action.FOUND, NO_COOP, 0)))
    coops = {game.coop_of(f) for f in founders}
    assert len(coops) == 1 and coops.pop() in game.operating_coops()
    assert [reveal.did[f] for f in founders] == ["founded"] * 3


def test_a_farm_the_rules_would_make_quit_farms_on_when_played() -> None:
    # in the dairy story's own seed the rules make its last farm quit in the first round
    assert Game("dairy").play({}).did[11] == "quit"
    game = Game("dairy")
    assert game.play({11: (Action.STAY, NO_COOP, 0)}).did[11] == "stayed"
    assert game.farms.farming[11]
