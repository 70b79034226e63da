"""Rooms: a teacher opens one, students join it with its code and each plays a farm.

A :class:`Room` holds one :class:`~coopsim.classroom.game.Game` and the people in it. It
lives in the server's memory, shared by every browser session of the server; all its
changes go through its lock. Whoever shows a room subscribes to it
(:meth:`Room.subscribe`) and is called after every change with the room's version, so
a reveal reaches every screen as soon as it is made.

A student's seat is a random token: the student's page keeps it in its address, so a
student who reloads the page, or opens it again, gets their farm back. A teacher's key,
kept the same way, lets only the teacher's page run the room.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coopsim.classroom.game import Game, Reveal
from coopsim.entities import NO_COOP
from coopsim.processes.players import Action

CODE_LETTERS = "ACDEFHJKLMNPRTUVWXY3479"
"""Letters of a room code: none that read alike (0/O, 1/I, 5/S, 8/B, 2/Z)."""
CODE_LENGTH = 4

CHOOSING, REVEALED, OVER = "choosing", "revealed", "over"
"""A room's phases: students choose, the year is revealed, the game is over."""


class RoomError(ValueError):
    """A request a room cannot take: an unknown seat, a choice out of turn or not on offer."""


@dataclass(frozen=True)
class Choice:
    """A student's choice for the round: what to do, with which coop, and a merger vote."""

    action: Action
    coop: int = NO_COOP
    vote: int = 0


class Room:
    """One class's game.

    Args:
        code: the room's code.
        story: a key of :data:`~coopsim.classroom.game.STORIES`.
        seconds: time for choosing in each round (0: no limit).
        seed: the game's seed (the story's own when None).
    """

    def __init__(self, code: str, story: str, seconds: int = 90, seed: int | None = None):
        self.code = code
        self.story = story
        self.seconds = seconds
        self.game = Game(story, seed)
        self.teacher_key = secrets.token_urlsafe(12)
        self.phase = CHOOSING
        self.deadline = self._deadline()
        self.seats: dict[str, int] = {}
        self.choices: dict[int, Choice] = {}
        self.predictions: dict[int, int] = {}
        self.history_predictions: list[dict[int, int]] = []
        self.version = 0
        self.last_change = time.time()  # seconds since the epoch
        self.lock = threading.RLock()
        self._listeners: dict[int, tuple[Callable[[int], None], int | None]] = {}
        self._next_listener = 0

    def _deadline(self) -> float | None:
        return time.time() + self.seconds if self.seconds else None

    # --- who is in the room ----------------------------------------------------------------

    def player_of(self, seat: str | None) -> int | None:
        """The farm a seat plays, or None for an unknown seat."""
        with self.lock:
            return self.seats.get(seat or "")

    @property
    def played(self) -> set[int]:
        """Farms played by students."""
        with self.lock:
            return set(self.seats.values())

    def join(self, seat: str | None = None) -> tuple[str, int]:
        """Seat a student: the farm of a known seat again, else the farming farm fewest play.

        A class larger than the village plays in teams: once every farm has a student, the
        next ones join farms in turn (ties go to the first farm). Teammates share one
        choice: the last one made counts.

        Returns:
            The seat's token and its farm.
        """
        with self.lock:
            if seat in self.seats:
                return seat, self.seats[seat]
            players = np.bincount(
                np.array(list(self.seats.values()), np.int64), minlength=len(self.game.farms)
            )
            # nobody joins a farm that stopped farming
            players[~self.game.farms.farming] = len(self.seats) + 1
            seat = secrets.token_urlsafe(9)
            self.seats[seat] = int(np.argmin(players))
        self._changed(self.seats[seat])
        return seat, self.seats[seat]

    # --- the round -------------------------------------------------------------------------

    @property
    def year(self) -> int:
        """The year on the screens: the one being chosen, or the one just revealed (from 1)."""
        return self.game.round if self.phase == CHOOSING else len(self.game.history)

    def seconds_left(self) -> float | None:
        """Seconds left for choosing, or None when there is no limit or nothing to choose."""
        if self.phase != CHOOSING or self.deadline is None:
            return None
        return max(0.0, self.deadline - time.time())

    def choose(self, seat: str, choice: Choice) -> None:
        """A student's choice for the round; a later one replaces it.

        Raises:
            RoomError: an unknown seat, no round open for choosing, time is up, or an
                option the farm does not have this round.
        """
        with self.lock:
            farm = self._farm(seat)
            self._check_open()
            offered = {(o.action, o.coop) for o in self.game.offers(farm)}
            if (choice.action, choice.coop) not in offered:
                raise RoomError("not an option")
            self.choices[farm] = choice
        self._changed(farm)

    def predict(self, seat: str, members: int) -> None:
        """A student's prediction: how many farms will be in a coop after the round.

        Raises:
            RoomError: an unknown seat, no round open for choosing, time is up, or a
                number outside 0 to the number of farms.
        """
        with self.lock:
            farm = self._farm(seat)
            self._check_open()
            if not 0 <= members <= len(self.game.farms):
                raise RoomError("out of range")
            self.predictions[farm] = int(members)
        self._changed(farm)

    def _check_open(self) -> None:
        """Raise RoomError unless a round is open for choosing and its time not up."""
        if self.phase != CHOOSING:
            raise RoomError("not choosing")
        left = self.seconds_left()
        if left is not None and left <= 0:
            raise RoomError("time is up")

    def _farm(self, seat: str) -> int:
        if seat not in self.seats:
            raise RoomError("unknown seat")
        return self.seats[seat]

    def reveal(self) -> Reveal:
        """Play the round with the students' choices and show it to everybody."""
        with self.lock:
            if self.phase != CHOOSING:
                raise RoomError("not choosing")
            choices = {
                f: (c.action, c.coop, c.vote) for f, c in self.choices.items() if f in self.played
            }
            reveal = self.game.play(choices)
            self.history_predictions.append(dict(self.predictions))
            self.phase = OVER if self.game.done else REVEALED
        self._changed()
        return reveal

    def next_round(self) -> None:
        """Open the next round for choosing."""
        with self.lock:
            if self.phase != REVEALED:
                raise RoomError("not revealed")
            self.choices, self.predictions = {}, {}
            self.phase = CHOOSING
            self.deadline = self._deadline()
        self._changed()

    def set_lever(self, name: str, value: float) -> None:
        """Move one of the class's levers (see :meth:`Game.set_lever`)."""
        with self.lock:
            self.game.set_lever(name, value)
            self._drop_void_choices()
        self._changed()

    def trigger(self, event: str) -> None:
        """Make an event happen this round (see :meth:`Game.trigger`)."""
        with self.lock:
            if self.phase != CHOOSING:
                raise RoomError("not choosing")
            self.game.trigger(event)
            self._drop_void_choices()
        self._changed()

    def _drop_void_choices(self) -> None:
        """Choices no longer on offer (a lever or event changed the options) are dropped."""
        for farm, choice in list(self.choices.items()):
            if (choice.action, choice.coop) not in {
                (o.action, o.coop) for o in self.game.offers(farm)
            }:
                del self.choices[farm]

    # --- who is told -----------------------------------------------------------------------

    def subscribe(
        self, listener: Callable[[int], None], farm: int | None = None
    ) -> Callable[[], None]:
        """Call ``listener(version)`` after every change; returns the unsubscribe call.

        A listener for one farm (a student's page) is not told of other farms' choices,
        predictions and seats: in a class of 30, a choice redraws two pages, not 31.
        """
        with self.lock:
            key = self._next_listener
            self._next_listener += 1
            self._listeners[key] = (listener, farm)
        return lambda: self._listeners.pop(key, None)

    def _changed(self, farm: int | None = None) -> None:
        """Tell the listeners; ``farm`` when only that farm's seat or choice changed."""
        with self.lock:
            self.version += 1
            self.last_change = time.time()
            version, listeners = self.version, list(self._listeners.values())
        for listener, of in listeners:
            if farm is None or of is None or of == farm:
                listener(version)


ROOM_IDLE_SECONDS = 24 * 3600
"""A room nothing happened in for this long is closed when another one opens."""


class Rooms:
    """The rooms open on this server, by code."""

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def open(self, story: str, seconds: int = 90, seed: int | None = None) -> Room:
        """Open a room with a fresh code; rooms left alone for a day are closed first."""
        with self._lock:
            stale = time.time() - ROOM_IDLE_SECONDS
            for code in [c for c, room in self._rooms.items() if room.last_change < stale]:
                del self._rooms[code]
            while True:
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
                if code not in self._rooms:
                    break
            room = Room(code, story, seconds, seed)
            self._rooms[code] = room
        return room

    def get(self, code: str | None) -> Room | None:
        """The room of a code (case and spaces ignored), or None."""
        key = (code or "").strip().upper()
        with self._lock:
            return self._rooms.get(key)


ROOMS = Rooms()
"""This server's rooms."""
