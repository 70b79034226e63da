"""The handout: one A4 page, as PDF or PNG, of a room's or a game's rounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coopsim.classroom.game import Game
from coopsim.classroom.handout import handout
from coopsim.classroom.room import Choice, Room
from coopsim.i18n import Translator
from coopsim.printed import A4_INCHES, PNG_DPI

words = pytest.mark.skipif(
    not Translator("en").has("handout.footer"),
    reason="the handout's words ([handout] of coopsim/locales/en.toml) are not merged yet",
)

A4_POINTS = (595.44, 841.68)  # 8.27 × 11.69 inches at 72 points an inch


@pytest.fixture(scope="module")
def room() -> Room:
    """A machinery village in its third round: three students, choices and predictions."""
    room = Room("K3X7", "machinery", seconds=0)
    seats = [room.join() for _ in range(3)]
    for _ in range(2):
        for seat, farm in seats:
            offer = room.game.offers(farm)[-1]
            room.choose(seat, Choice(offer.action, offer.coop))
            room.predict(seat, 5)
        room.trigger("drought")
        room.reveal()
        room.next_round()
    return room


def pages(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size (points), from the PDF's page objects."""
    boxes = re.findall(rb"/Type /Page\b.*?/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf, re.S)
    (count,) = re.findall(rb"/Type /Pages .*?/Count (\d+)", pdf, re.S)
    assert int(count) == len(boxes)
    return [(float(w), float(h)) for w, h in boxes]


@words
@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_a_rooms_handout_is_one_a4_page_of_pdf(room: Room, lang: str, tmp_path: Path) -> None:
    path = handout(room, lang, tmp_path / "class.pdf")
    assert path == tmp_path / "class.pdf"
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == [A4_POINTS]


@words
def test_a_handout_as_png_has_the_proportions_of_an_a4_page(room: Room, tmp_path: Path) -> None:
    from matplotlib.image import imread

    image = imread(handout(room, "en", tmp_path / "class.png"))
    height, width = image.shape[:2]
    assert width == round(A4_INCHES[0] * PNG_DPI)
    assert height / width == pytest.approx(A4_INCHES[1] / A4_INCHES[0], rel=2e-3)


@words
def test_a_games_handout_before_its_first_round_is_one_page_too(tmp_path: Path) -> None:
    pdf = handout(Game("dairy"), "en", tmp_path / "before.pdf").read_bytes()
    assert pages(pdf) == [A4_POINTS]


@words
def test_the_handout_names_every_farm(room: Room, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    text = pypdf.PdfReader(handout(room, "ru", tmp_path / "class.pdf")).pages[0].extract_text()
    assert all(name in text for name in room.game.names_in("ru"))  # "Айдар", not "Aidar"


def test_a_handout_is_a_pdf_or_a_png(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.pdf or a \.png"):
        handout(Game("merger"), "en", tmp_path / "class.svg")
