"""The handout: one A4 page on a class's game, for the teacher to print or share.

It shows the story, the room and the day; every farm's income round by round (a filled
marker where the farm was in a coop that year, a hollow one where it farmed alone); what
each farm did each round, its income in the last round and over the game; and what
happened: the coops after each round, the teacher's events and, for a room, how the
class's predictions of the farms in coops compared with what came. Every word comes from
the ``[handout]`` section of the locale files, so a class gets it in its own language;
the page embeds DejaVu Sans, which has the Cyrillic letters of Kazakh and Russian.
"""

from __future__ import annotations

import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from coopsim.classroom.game import Game, Reveal
from coopsim.classroom.room import Room
from coopsim.i18n import Translator, sign
from coopsim.printed import A4_INCHES, a4_page, char_width, page_format, save_page

if TYPE_CHECKING:  # matplotlib is imported only when a handout is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class _Snapshot:
    """What the page shows of a game, read at once (a room may change while it is drawn)."""

    game: Game
    history: list[Reveal]
    code: str | None
    played: set[int]
    predictions: list[dict[int, int]]


def handout(room_or_game: Room | Game, lang: str, path: Path) -> Path:
    """Draw the one-page handout of a class's game.

    Args:
        room_or_game: a room (its code, its students and their predictions are shown) or
            a game on its own.
        lang: the language, a key of :data:`coopsim.i18n.LANGUAGES`.
        path: where to write it: a ``.pdf`` or a ``.png`` file.

    Returns:
        ``path``.

    Raises:
        ValueError: ``path`` ends neither in ``.pdf`` nor in ``.png``.
    """
    page_format(path, "handout")
    tr = Translator(lang)
    if isinstance(room_or_game, Room):
        with room_or_game.lock:
            seen = _Snapshot(
                game=room_or_game.game,
                history=list(room_or_game.game.history),
                code=room_or_game.code,
                played=set(room_or_game.played),
                predictions=list(room_or_game.history_predictions),
            )
    else:
        seen = _Snapshot(room_or_game, list(room_or_game.history), None, set(), [])

    with a4_page() as figure:
        _draw(figure, seen, tr)
        save_page(figure, path, tr(f"handout.story.{seen.game.story}"))
    return Path(path)


def handout_bytes(room_or_game: Room | Game, lang: str, fmt: str = "pdf") -> bytes:
    """The handout (:func:`handout`) as the bytes of a ``"pdf"`` or ``"png"`` file."""
    with tempfile.TemporaryDirectory() as folder:
        return handout(room_or_game, lang, Path(folder) / f"handout.{fmt}").read_bytes()


def _draw(figure: Figure, seen: _Snapshot, tr: Translator) -> None:
    game = seen.game
    figure.text(0.5, 0.965, tr(f"handout.story.{game.story}"), ha="center", size=18, weight="bold")
    values = {
        "date": date.today().isoformat(),
        "played": len(seen.history),
        "rounds": game.rounds,
    }
    subtitle = (
        tr("handout.subtitle", code=seen.code, **values)
        if seen.code
        else tr("handout.subtitle_game", **values)
    )
    figure.text(0.5, 0.943, subtitle, ha="center", size=10, color="0.3")
    _chart(figure.add_axes((0.09, 0.635, 0.74, 0.27)), seen, tr)
    _table(figure, seen, tr)
    _story(figure, seen, tr)


def _chart(ax: Axes, seen: _Snapshot, tr: Translator) -> None:
    """Every farm's income, one line a farm; filled markers in a coop, hollow alone."""
    import matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    game, history = seen.game, seen.history
    names = game.names_in(tr.lang)
    rounds = np.arange(1, len(history) + 1)
    income = np.array([r.income for r in history]).reshape(len(history), len(names))
    in_coop = np.array([r.coop_after for r in history]).reshape(len(history), len(names)) >= 0
    # tab20's strong colours first, then its light ones
    palette = matplotlib.colormaps["tab20"]
    colours = [palette((2 * i) % 20 + (i // 10) % 2) for i in range(len(names))]
    for f, colour in enumerate(colours):
        ax.plot(rounds, income[:, f], color=colour, lw=1.4)
        for filled in (True, False):
            at = in_coop[:, f] == filled
            ax.plot(
                rounds[at],
                income[at, f],
                ls="none",
                marker="o",
                ms=4.5,
                color=colour,
                markerfacecolor=colour if filled else "white",
            )
    ax.set_xlim(0.7, max(game.rounds, 1) + 0.3)
    ax.set_xticks(range(1, game.rounds + 1))
    ax.set_xlabel(tr("handout.round_axis"), size=8)
    ax.set_ylabel(tr("handout.income_axis", currency=sign(game.scenario.currency)), size=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: tr.number(v / 1000)))
    ax.tick_params(labelsize=7)
    ax.set_title(tr("handout.chart_title"), size=11, loc="left")
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    marker = {"ls": "none", "marker": "o", "ms": 5, "color": "0.3"}
    ax.figure.legend(
        [Line2D([], [], **marker), Line2D([], [], markerfacecolor="white", **marker)],
        [tr("handout.in_coop"), tr("handout.alone_marker")],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(0.03, 0.598),
        ncols=2,
        frameon=False,
    )
    if not len(history):
        ax.set_yticks([])
        return
    # each farm's name at the end of its line, spread so that no two overlap
    low, high = ax.get_ylim()
    ends = (income[-1] - low) / (high - low)
    for f, y in zip(range(len(names)), _spread(ends, gap=0.045), strict=True):
        ax.text(1.01, y, names[f], transform=ax.transAxes, size=7, color=colours[f], va="center")


def _spread(y: np.ndarray, gap: float) -> np.ndarray:
    """Positions near ``y`` (axes fractions), at least ``gap`` apart, in the same order."""
    order = np.argsort(y, kind="stable")
    placed = y[order].astype(float)
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    # what went over the top comes back down, keeping the gaps
    overflow = placed[-1] - max(1.0, y.max()) if len(placed) else 0.0
    if overflow > 0:
        placed -= overflow
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def _did(reveal: Reveal, farm: int, tr: Translator) -> str:
    """What the farm did in the round, in a word or two; coops numbered from 1."""
    did, after = reveal.did[farm], reveal.coop_after[farm] + 1
    if did == "stayed":
        return tr("handout.did.in", k=after) if after else tr("handout.did.alone")
    if did == "left":
        return tr("handout.did.left", k=reveal.coop_before[farm] + 1)
    if did == "quit":
        return tr("handout.did.quit")
    return tr(f"handout.did.{did}", k=after)


def _table(figure: Figure, seen: _Snapshot, tr: Translator) -> None:
    """Per farm: its name, what it did each round, its last round's and total income."""
    game, history = seen.game, seen.history
    currency = sign(game.scenario.currency)
    figure.text(0.03, 0.565, tr("handout.table_title"), size=11)
    header = [
        tr("handout.farm"),
        *(tr("handout.round_col", n=r.round) for r in history),
        tr("handout.last", currency=currency),
        tr("handout.total", currency=currency),
    ]
    rows = []
    for f, name in enumerate(game.names_in(tr.lang)):
        gone = False
        cells = []
        for reveal in history:
            cells.append("–" if gone else _did(reveal, f, tr))
            gone = gone or reveal.did[f] == "quit"
        last = tr.number(history[-1].income[f]) if history else "–"
        total = tr.number(sum(r.income[f] for r in history)) if history else "–"
        mark = " *" if f in seen.played else ""
        rows.append([name + mark, *cells, last, total])
    ax = figure.add_axes((0.03, 0.285, 0.94, 0.27))
    ax.axis("off")
    n = len(history)
    widths = [0.13, *([0.61 / n] * n), 0.13, 0.13] if n else [0.4, 0.3, 0.3]
    # each column's type as large as its longest text lets it, up to 6.5 pt, a text on
    # two lines where it needs them; the headers at 6 pt
    points = [0.9 * w * 0.94 * A4_INCHES[0] * 72 for w in widths]  # a column's width
    columns = list(zip(*rows, strict=True)) if rows else [[""]] * len(header)
    sizes = []
    for c, (pt, texts) in enumerate(zip(points, columns, strict=True)):
        per_point = char_width(figure, texts)  # a character's width per point of type
        for size in (6.5, 6.0, 5.5, 5.0, 4.5, 4.0):
            wrapped = [textwrap.wrap(t, max(int(pt / (per_point * size)), 2)) for t in texts]
            if all(len(lines) <= 2 for lines in wrapped):
                break
        sizes.append(size)
        for row, lines in zip(rows, wrapped, strict=False):
            row[c] = "\n".join(lines)
        chars = max(int(pt / (char_width(figure, [header[c]]) * 6)), 4)
        header[c] = "\n".join(textwrap.wrap(header[c], chars))
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, bbox=(0, 0, 1, 1))
    table.auto_set_font_size(False)
    for (row, col), cell in table.get_celld().items():
        cell.get_text().set_fontsize(6 if row == 0 else sizes[col])
        cell.set_edgecolor("0.8")
        cell.set_linewidth(0.5)
        if row == 0:
            cell.set_facecolor("0.92")
        cell.get_text().set_ha("left" if col == 0 else "center")
        if row > 0 and col >= len(header) - 2:
            cell.get_text().set_ha("right")
    notes = [tr("handout.did_note")]
    if seen.played:
        notes.append(tr("handout.played_mark"))
    note = "  ".join(notes)
    note = "\n".join(
        textwrap.wrap(note, int(0.94 * A4_INCHES[0] * 72 / (char_width(figure, [note]) * 6.5)))
    )
    figure.text(0.03, 0.278, note, size=6.5, color="0.3", va="top", linespacing=1.3)


def _story(figure: Figure, seen: _Snapshot, tr: Translator) -> None:
    """A few sentences: coops after each round, events, predictions against the truth."""
    game, history = seen.game, seen.history
    names = game.names_in(tr.lang)
    farms = len(names)
    start = np.array(history[0].coop_before if history else game.farms.coop)
    in_coop = start[start >= 0]
    lines = [
        tr("handout.start", members=len(in_coop), farms=farms, coops=len(set(in_coop.tolist())))
    ]
    for i, reveal in enumerate(history):
        line = tr(
            "handout.round_line",
            n=reveal.round,
            members=reveal.members,
            farms=farms,
            coops=len(reveal.coops),
        )
        if reveal.events:
            events = ", ".join(tr(f"handout.event.{e}") for e in reveal.events)
            line += " " + tr("handout.events", events=events)
        guesses = seen.predictions[i] if i < len(seen.predictions) else {}
        if guesses:
            right = [names[f] for f, guess in sorted(guesses.items()) if guess == reveal.members]
            line += " " + tr(
                "handout.predictions",
                guesses=len(guesses),
                low=min(guesses.values()),
                high=max(guesses.values()),
                truth=reveal.members,
                right=", ".join(right) if right else tr("handout.nobody"),
            )
        lines.append(line)
    if not history:
        lines.append(tr("handout.no_rounds"))
    figure.text(0.03, 0.245, tr("handout.story_heading"), size=11)
    # the lines share what is left of the page: smaller type when there are many
    size, per_point = 7.5, char_width(figure, lines)
    while True:
        width = int(0.94 * A4_INCHES[0] * 72 / (per_point * size))  # characters a line holds
        wrapped = [part for line in lines for part in textwrap.wrap(line, width)]
        step = size * 1.45 / 72 / A4_INCHES[1]  # a line's height, as a share of the page
        if len(wrapped) * step <= 0.21 or size <= 5:
            break
        size -= 0.25
    for i, text in enumerate(wrapped):
        figure.text(0.03, 0.228 - i * step, text, size=size, va="top")
    figure.text(0.5, 0.012, tr("handout.footer"), ha="center", size=7, color="0.4")
