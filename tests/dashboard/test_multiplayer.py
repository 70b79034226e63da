"""The classroom game in real browsers: a teacher and five students, each in their own
browser context (their own cookies and session), on one Solara server.

A choice made on a student's screen must reach the teacher's, a reveal must reach every
student's, and a student who reloads must get their farm back.
"""

from __future__ import annotations

import re

import pytest

from coopsim.classroom.room import ROOMS

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]

WAIT_MS = 60_000
STUDENTS = 5


@pytest.fixture
def classroom(solara_server, solara_app, page_session, browser):
    """The teacher's page with a room opened, and five students' pages that joined it."""
    with solara_app("coopsim.dashboard.app"):
        teacher = page_session
        teacher.goto(solara_server.base_url + "/room")
        teacher.locator(".coopsim-open-room").wait_for(timeout=WAIT_MS)
        teacher.locator(".coopsim-open-room").click()
        code_box = teacher.locator(".coopsim-room-code")
        code_box.wait_for(timeout=WAIT_MS)
        code = code_box.inner_text().strip()
        contexts, students = [], []
        for _ in range(STUDENTS):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{solara_server.base_url}/play?code={code}&lang=en")
            page.locator(".coopsim-take-farm").wait_for(timeout=WAIT_MS)
            page.locator(".coopsim-take-farm").click()
            page.locator(".coopsim-option-0").wait_for(timeout=WAIT_MS)
            contexts.append(context)
            students.append(page)
        try:
            yield teacher, students, ROOMS.get(code)
        finally:
            for context in contexts:
                context.close()
            teacher.goto("about:blank")


def farm_name(page) -> str:
    """The farm a student's page says they play ("You farm as Aidar")."""
    heading = page.locator("h1", has_text="You farm as").inner_text()
    return heading.replace("You farm as", "").strip()


def test_multiplayer_three_rounds_choices_reveals_and_reload(classroom):
    teacher, students, room = classroom
    names = [farm_name(page) for page in students]
    assert len(set(names)) == STUDENTS  # each student has a farm of their own
    farms_table = teacher.locator(".coopsim-farms")
    for name in names:  # the teacher sees who plays which farm
        row = farms_table.locator("tr", has_text=name)
        row.locator("text=a student").wait_for(timeout=WAIT_MS)

    for round_ in (1, 2, 3):
        # every student chooses; the last option differs from staying as they are
        for i, page in enumerate(students):
            options = page.locator("[class*='coopsim-option-']:not(.coopsim-offer)")
            last = page.locator(".coopsim-offer").count() - 1
            pick = 0 if i % 2 == 0 else last
            title = page.locator(f".coopsim-option-{pick}").inner_text().strip()
            page.locator(f".coopsim-option-{pick}").click()
            page.locator(".coopsim-my-choice").wait_for(timeout=WAIT_MS)
            assert options.count() >= 1
            # the choice reaches the teacher, in the row of the student's farm
            row = farms_table.locator("tr", has_text=names[i])
            row.locator(f"text={title}").wait_for(timeout=WAIT_MS)
            page.locator(".coopsim-predict-3").click()
        teacher.locator(".coopsim-chosen-count", has_text=f"{STUDENTS} of {STUDENTS}").wait_for(
            timeout=WAIT_MS
        )
        teacher.locator(".coopsim-reveal-year").click()
        summary = re.compile(rf"After year {round_}: \d+ of \d+ farms")
        teacher.locator("h2", has_text=summary).wait_for(timeout=WAIT_MS)
        teacher.locator(".coopsim-predictions", has_text="5 answers").wait_for(timeout=WAIT_MS)
        reveal = room.game.history[-1]
        for i, page in enumerate(students):  # the reveal reaches every student
            page.locator("h2", has_text=summary).wait_for(timeout=WAIT_MS)
            page.locator(".coopsim-you-did").wait_for(timeout=WAIT_MS)
            farm = room.player_of(dict(_query(page.url))["seat"])
            assert names[i] == room.game.names[farm]
            text = page.locator(".coopsim-reveal").inner_text()
            assert f"{reveal.members} of" in page.locator("h2", has_text=summary).inner_text()
            assert names[0] in text
        if round_ == 2:  # a student who reloads keeps their farm
            students[1].reload()
            students[1].locator("h1", has_text="You farm as").wait_for(timeout=WAIT_MS)
            assert farm_name(students[1]) == names[1]
        teacher.locator(".coopsim-next-year").click()
        for page in students:
            page.locator(".coopsim-round", has_text=f"Year {round_ + 1} of").wait_for(
                timeout=WAIT_MS
            )
    assert len(room.game.history) == 3
    # what each student chose is what their farm did: the even students stayed as they were
    first = room.game.history[0]
    for i, name in enumerate(names):
        farm = room.game.names.index(name)
        if i % 2 == 0:
            assert first.coop_after[farm] == first.coop_before[farm]


def _query(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlparse

    return parse_qsl(urlparse(url).query)
