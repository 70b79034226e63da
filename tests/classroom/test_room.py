"""Rooms: seats, choices in turn, reveals, listeners and codes, under random sequences."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.classroom.game import EVENTS, Game
from coopsim.classroom.room import (
    CHOOSING,
    CODE_LENGTH,
    CODE_LETTERS,
    OVER,
    REVEALED,
    ROOM_IDLE_SECONDS,
    Choice,
    Room,
    RoomError,
    Rooms,
)
from coopsim.entities import NO_COOP
from coopsim.processes.players import Action

STORY = "machinery"  # ten farms, ten rounds
FARMS = 10

# a join: a new student, a seat the room never gave (a stale or made-up token), or a
# student coming back with the seat they were given (by its order among the seats)
NEW = st.just(("new", None))
UNKNOWN = st.text(min_size=1, max_size=16).map(lambda token: ("unknown", token))
KNOWN = st.integers(0, 40).map(lambda i: ("known", i))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(NEW, UNKNOWN, KNOWN), max_size=30))
def test_every_seat_plays_one_farm_and_gets_it_back_and_farms_fill_in_turn(joins: list) -> None:
    room = Room("TEST", STORY, seconds=0)
    farm_of: dict[str, int] = {}
    for kind, value in joins:
        if kind == "known" and farm_of:
            seat = list(farm_of)[value % len(farm_of)]
            assert room.join(seat) == (seat, farm_of[seat])
            continue
        given_seat = value if kind == "unknown" else None
        seat, farm = room.join(given_seat)
        # an unknown seat is not taken over: the student gets a fresh seat
        assert seat not in farm_of and seat != given_seat
        # the farm fewest students play, the first of them on a tie
        counts = [list(farm_of.values()).count(f) for f in range(FARMS)]
        assert farm == counts.index(min(counts))
        farm_of[seat] = farm
    assert room.seats == farm_of
    assert room.played == set(farm_of.values())
    assert all(room.player_of(seat) == farm for seat, farm in farm_of.items())
    # up to one student a farm, each plays a farm of their own; beyond, teams differ by
    # one student at most
    students = [list(farm_of.values()).count(f) for f in range(FARMS)]
    assert max(students) - min(students) <= 1
    if len(farm_of) <= FARMS:
        assert sorted(farm_of.values()) == list(range(len(farm_of)))


def test_an_unknown_seat_plays_no_farm_and_cannot_choose_or_predict() -> None:
    room = Room("TEST", STORY, seconds=0)
    assert room.player_of("nobody") is None and room.player_of(None) is None
    with pytest.raises(RoomError, match="unknown seat"):
        room.choose("nobody", Choice(Action.STAY))
    with pytest.raises(RoomError, match="unknown seat"):
        room.predict("nobody", 3)


def played(room: Room, rounds: int) -> None:
    """Play rounds with nobody choosing: the model plays every farm."""
    for _ in range(rounds):
        room.reveal()
        room.next_round()


@settings(max_examples=120, deadline=None)
@given(
    rounds=st.integers(0, 2),
    farm=st.integers(0, FARMS - 1),
    action=st.sampled_from(Action),
    coop=st.integers(-3, 4),
    vote=st.integers(-1, 1),
)
def test_a_choice_is_taken_only_when_it_is_on_offer(
    rounds: int, farm: int, action: Action, coop: int, vote: int
) -> None:
    room = Room("TEST", STORY, seconds=0)
    played(room, rounds)
    seats = [room.join()[0] for _ in range(farm + 1)]
    seat = seats[farm]
    choice = Choice(action, coop, vote)
    if (action, coop) in {(o.action, o.coop) for o in room.game.offers(farm)}:
        room.choose(seat, choice)
        assert room.choices == {farm: choice}
    else:
        with pytest.raises(RoomError, match="not an option"):
            room.choose(seat, choice)
        assert room.choices == {}


def test_choices_and_predictions_are_taken_only_while_choosing() -> None:
    room = Room("TEST", "merger", seconds=0)  # eight rounds
    seat, farm = room.join()
    stay = Choice(Action.STAY, room.game.coop_of(farm))
    room.choose(seat, stay)
    room.predict(seat, 7)
    room.reveal()
    assert room.phase == REVEALED
    for out_of_turn in (
        lambda: room.choose(seat, stay),
        lambda: room.predict(seat, 7),
        room.reveal,
        lambda: room.trigger("drought"),
    ):
        with pytest.raises(RoomError, match="not choosing"):
            out_of_turn()
    room.next_round()
    assert room.phase == CHOOSING and room.choices == {} and room.predictions == {}
    with pytest.raises(RoomError, match="not revealed"):
        room.next_round()
    for _ in range(7):
        room.reveal()
        if room.phase != OVER:
            room.next_round()
    assert room.phase == OVER and room.game.done
    with pytest.raises(RoomError):
        room.next_round()
    with pytest.raises(RoomError):
        room.choose(seat, stay)


def test_a_prediction_outside_zero_to_the_number_of_farms_is_refused() -> None:
    room = Room("TEST", STORY, seconds=0)
    seat, _ = room.join()
    for members in (-1, FARMS + 1):
        with pytest.raises(RoomError, match="out of range"):
            room.predict(seat, members)
    room.predict(seat, FARMS)
    room.reveal()
    assert room.history_predictions == [{0: FARMS}]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 3),
    students=st.integers(0, FARMS),
    picks=st.lists(st.integers(0, 5), min_size=FARMS, max_size=FARMS),
)
def test_the_reveal_plays_the_seated_students_choices_and_the_model_the_rest(
    seed: int, students: int, picks: list[int]
) -> None:
    room = Room("TEST", STORY, seconds=0, seed=seed)
    chosen = {}
    for pick in picks[:students]:
        seat, farm = room.join()
        offers = room.game.offers(farm)
        offer = offers[pick % len(offers)]
        room.choose(seat, Choice(offer.action, offer.coop))
        chosen[farm] = (offer.action, offer.coop, 0)
    if students < FARMS:
        # a choice kept for a farm nobody plays (Timur, a household plot the rules keep
        # alone in the first round) is not played
        room.choices[FARMS - 1] = Choice(Action.FOUND, NO_COOP)
    assert room.reveal() == Game(STORY, seed).play(chosen)


REQUESTS = ["join", "choose", "predict", "reveal", "next", "lever", "event"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_listeners_hear_every_change_once_with_increasing_versions(data: st.DataObject) -> None:
    room = Room("TEST", STORY, seconds=0)
    heard: list[int] = []
    left: list[int] = []
    room.subscribe(heard.append)
    leave = room.subscribe(left.append)
    seats: list[str] = []
    changes = 0
    leave_at = data.draw(st.integers(0, 25))  # the request before which one unsubscribes
    heard_before_leaving = None
    for step in range(data.draw(st.integers(0, 25))):
        if step == leave_at:
            leave()
            heard_before_leaving = changes
        op = data.draw(st.sampled_from(REQUESTS))
        version = room.version
        try:
            if op == "join":
                seats.append(room.join()[0])
            elif op == "choose" and seats:
                seat = data.draw(st.sampled_from(seats))
                offer = data.draw(st.sampled_from(room.game.offers(room.player_of(seat))))
                room.choose(seat, Choice(offer.action, offer.coop))
            elif op == "predict" and seats:
                room.predict(data.draw(st.sampled_from(seats)), data.draw(st.integers(-2, 14)))
            elif op == "reveal":
                room.reveal()
            elif op == "next":
                room.next_round()
            elif op == "lever":
                room.set_lever("trust", data.draw(st.sampled_from([0.0, 0.5, 1.0])))
            elif op == "event":
                room.trigger(data.draw(st.sampled_from(EVENTS)))
            else:
                continue
        except RoomError:
            assert room.version == version  # a refused request changes nothing
            continue
        changes += 1
        assert room.version == version + 1
    assert heard == list(range(1, changes + 1))
    # the listener that unsubscribed heard every change until then, and none after
    assert left == heard[:heard_before_leaving]


def test_a_students_page_hears_its_own_farm_and_the_whole_room_but_not_other_farms() -> None:
    room = Room("TEST", STORY, seconds=0)
    (mine, farm), (other, _) = room.join(), room.join()
    heard: list[int] = []
    room.subscribe(heard.append, farm)
    room.join()  # a third student, on farm 2: not this page's news
    assert heard == []
    for seat in (other, mine):
        offer = room.game.offers(room.player_of(seat))[0]
        room.choose(seat, Choice(offer.action, offer.coop))
        room.predict(seat, 4)
    assert heard == [room.version - 1, room.version]  # its own choice and prediction
    room.set_lever("trust", 0.5)
    room.reveal()
    room.next_round()
    assert heard[-3:] == [room.version - 2, room.version - 1, room.version]


def test_the_year_on_the_screens_is_the_one_chosen_then_the_one_revealed() -> None:
    room = Room("TEST", STORY, seconds=0)
    assert room.year == 1
    room.reveal()
    assert room.year == 1  # year 1 revealed, not yet year 2
    room.next_round()
    assert room.year == 2
    for _ in range(room.game.rounds - 2):
        room.reveal()
        room.next_round()
    room.reveal()
    assert room.phase == OVER and room.year == room.game.rounds == 10


def test_a_round_whose_time_is_up_refuses_choices_and_predictions() -> None:
    room = Room("TEST", STORY, seconds=1)
    seat, farm = room.join()
    stay = Choice(Action.STAY, room.game.coop_of(farm))
    assert 0 < room.seconds_left() <= 1
    room.choose(seat, stay)
    room.predict(seat, 3)
    room.deadline = time.time() - 1
    assert room.seconds_left() == 0.0
    with pytest.raises(RoomError, match="time is up"):
        room.choose(seat, stay)
    with pytest.raises(RoomError, match="time is up"):
        room.predict(seat, 7)
    # what was chosen and predicted in time stands
    assert room.choices == {farm: stay} and room.predictions == {farm: 3}
    room.reveal()
    assert room.seconds_left() is None  # nothing to choose
    room.next_round()
    assert 0 < room.seconds_left() <= 1  # a new round, a new clock
    room.choose(seat, stay)


def test_a_room_without_a_time_limit_never_runs_out() -> None:
    room = Room("TEST", STORY, seconds=0)
    assert room.deadline is None and room.seconds_left() is None


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.text(max_size=6))
def test_rooms_have_codes_of_unread_alike_letters_found_whatever_their_case(
    opened: int, other: str
) -> None:
    rooms = Rooms()
    codes = [rooms.open(STORY, seconds=0).code for _ in range(opened)]
    assert len(set(codes)) == opened
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_LETTERS)
        room = rooms.get(code)
        assert room is not None and room.code == code
        assert rooms.get(code.lower()) is room and rooms.get(f"  {code.lower()} ") is room
    if other.strip().upper() not in codes:
        assert rooms.get(other) is None
    assert rooms.get(None) is None


def test_a_room_left_alone_for_a_day_is_closed_when_another_opens() -> None:
    rooms = Rooms()
    old, recent = rooms.open(STORY), rooms.open(STORY)
    old.last_change -= ROOM_IDLE_SECONDS + 1
    recent.last_change -= ROOM_IDLE_SECONDS - 60
    assert rooms.get(old.code) is old  # nothing is closed until a room opens
    new = rooms.open(STORY)
    assert rooms.get(old.code) is None
    assert rooms.get(recent.code) is recent and rooms.get(new.code) is new
