"""The policy brief: one A4 page on a scenario's headline results, as PDF and as HTML.

The page holds the scenario (name, description), the date, the runs and their seeds;
the levers that differ from the scenario file and, for a comparison, what each arm
overrides; the headline sentence of each arm; a table of headline results with their
bands (one column per arm, differences of membership rates in percentage points); how
costs are counted; caveats (the runs behind the bands, what one simulated farm stands
for, a warning when few simulated coops carry a result, the model's limits) and the
scenario file's sources. Every word comes from the ``[report]`` and ``[headline]``
sections of the locale files; the scenario's own texts are shown as its file gives them.

:func:`make_brief` gathers the page's texts from :class:`coopsim.headline.Findings`;
:func:`write_brief` writes them as ``.pdf`` (drawn with matplotlib on the A4 page of
:mod:`coopsim.printed`) or ``.html`` (one self-contained file: inline CSS, nothing
loaded from elsewhere); :func:`brief_bytes` gives the file's bytes for a download.
"""

from __future__ import annotations

import html
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopsim import __version__
from coopsim.experiments.baseline import Findings
from coopsim.headline import rate_points
from coopsim.i18n import Translator
from coopsim.levers import Lever, change_rows, levers
from coopsim.printed import A4_INCHES, a4_page, char_width, save_page, wrapped
from coopsim.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ROWS = (
    "coops_active",
    "simulated_coops",
    "members",
    "membership_rate",
    "rate_difference",
    "spending",
    "cap",
    "per_member",
    "per_coop",
)
"""The rows of the table of results, in order (``rate_difference`` only for several arms)."""


@dataclass(frozen=True)
class Brief:
    """The texts of a brief, in one language, ready to be drawn or written as HTML.

    Attributes:
        lang: the language's code.
        title: the page's title (with the scenario's name).
        subtitle: date, runs, simulated farms, master seed and version.
        headings: the sections' headings by key (``scenario``, ``levers``, ``in_words``,
            ``results``, ``costs``, ``caveats``, ``sources``).
        description: the scenario's description.
        levers: one line per lever change, or per arm.
        sentences: the headline sentence of each arm.
        warnings: warnings that a result rests on few simulated coops.
        header: the table's column headings (the first one empty).
        rows: the table's rows: a label, then one cell per arm.
        costs: how costs are counted.
        caveats: the caveats, one a line.
        sources: the scenario file's sources.
        footer: the last line.
    """

    lang: str
    title: str
    subtitle: str
    headings: dict[str, str]
    description: str
    levers: list[str]
    sentences: list[str]
    warnings: list[str]
    header: list[str]
    rows: list[list[str]]
    costs: str
    caveats: list[str]
    sources: str
    footer: str = field(default="")

    def blocks(self) -> list[tuple[str, str]]:
        """The page from top to bottom as (kind, text) pairs.

        Kinds: ``title``, ``subtitle``, ``heading``, ``text``, ``item``, ``sentence``,
        ``warning``, ``table`` (its text empty: the table is :attr:`header` and
        :attr:`rows`), ``note``, ``small_item``, ``sources``. The PDF and the HTML file
        both draw these, so they hold the same in the same order.
        """
        h = self.headings
        return [
            ("title", self.title),
            ("subtitle", self.subtitle),
            ("heading", h["scenario"]),
            ("text", self.description),
            ("heading", h["levers"]),
            *(("item", line) for line in self.levers),
            ("heading", h["in_words"]),
            *(("sentence", s) for s in self.sentences),
            *(("warning", w) for w in self.warnings),
            ("heading", h["results"]),
            ("table", ""),
            ("heading", h["costs"]),
            ("note", self.costs),
            ("heading", h["caveats"]),
            *(("small_item", line) for line in self.caveats),
            ("heading", h["sources"]),
            ("sources", self.sources),
        ]


def _plain(text: str) -> str:
    """A text of a scenario file on one line (its line breaks are the file's, not sentences)."""
    return " ".join(text.split())


def lever_value(tr: Translator, lever: Lever, value: Any, currency: str) -> str:
    """A lever's value as text, with its unit in the reader's language."""
    if value is None:
        return tr("report.none")
    if isinstance(value, bool):
        return tr("report.on") if value else tr("report.off")
    unit = "" if lever.unit in ("", "0–1") else tr.unit(lever.unit, currency)
    if isinstance(value, list):
        text = "; ".join(tr.number(v, 2) for v in value) or tr("report.none")
    elif lever.kind == "integer" or abs(value) >= 100 or float(value).is_integer():
        text = tr.number(value)
    else:
        text = tr.number(value, 2)
    return f"{text} {unit}".strip()


def lever_changes(tr: Translator, original: Scenario, used: Scenario) -> list[str]:
    """The levers ``used`` sets otherwise than ``original`` (start values and changes)."""
    out = []
    for section in ("policy", "market"):
        for name, lever in levers(section).items():  # type: ignore[arg-type]
            value = lever.value_in(used)
            if value != lever.value_in(original):
                label = tr.lever(section, name, lever.help)[0]
                out.append(f"{label} {lever_value(tr, lever, value, used.currency)}")
    was = set(change_rows(original))
    policy = levers("policy")
    for year, name, value in change_rows(used):
        if (year, name, value) not in was:
            lever = policy[name]
            out.append(
                tr(
                    "report.edit_from",
                    lever=tr.lever("policy", name, lever.help)[0],
                    value=lever_value(tr, lever, value, used.currency),
                    year=year,
                )
            )
    return out


def make_brief(
    findings: Findings,
    lang: str,
    *,
    original: Scenario | None = None,
    today: date | None = None,
) -> Brief:
    """The texts of the brief on ``findings`` in ``lang``.

    Args:
        findings: the headlines of the arms (:func:`coopsim.headline.run_headlines`).
        lang: a key of :data:`coopsim.i18n.LANGUAGES`.
        original: the scenario as its file sets it, to list the levers changed from it;
            None when ``findings.scenario`` is the file's (sized: the farms simulated
            are not a lever).
        today: the date printed (default: today).
    """
    tr = Translator(lang)
    scenario = findings.scenario
    arms = findings.arms
    first = findings.headlines[arms[0].name]
    comparison = findings.comparison
    when = (today or date.today()).isoformat()
    changed = lever_changes(tr, original, scenario) if original is not None else []
    lever_lines = [tr("report.changed", changes="; ".join(changed))] if changed else []
    policy = levers("policy")
    if len(arms) > 1:
        for arm in arms:
            edits = [
                tr(
                    "report.edit_from",
                    lever=tr.lever("policy", e.lever, policy[e.lever].help)[0],
                    value=lever_value(tr, policy[e.lever], e.value, scenario.currency),
                    year=e.year,
                )
                for e in arm.edits
            ]
            lever_lines.append(
                tr("report.arm_edits", arm=arm.name, changes="; ".join(edits))
                if edits
                else tr("report.arm_as_set", arm=arm.name)
            )
    if not lever_lines:
        lever_lines = [tr("report.as_file")]
    several = len(arms) > 1
    sentences = [
        (f"{arm.name}: " if several else "") + findings.headlines[arm.name].sentence(tr)
        for arm in arms
    ]
    warnings = []
    for arm in arms:
        warning = findings.headlines[arm.name].warning(tr)
        if warning:
            warnings.append((f"{arm.name}: " if several else "") + warning)
    header = ["", *(arm.name for arm in arms)] if several else ["", tr("report.value_col")]
    cells = [findings.headlines[arm.name].cells(tr) for arm in arms]
    span = {"first": scenario.start_year, "year": findings.year}
    rows = []
    for key in ROWS:
        if key == "rate_difference":
            if several:
                label = tr("headline.row.rate_difference", arm=arms[0].name)
                diffs = [rate_points(tr, findings.rate_difference(arm.name)) for arm in arms[1:]]
                rows.append([label, "–", *diffs])
            continue
        if key not in cells[0]:
            continue
        rows.append([tr(f"headline.row.{key}", **span), *(c[key] for c in cells)])
    seeds = ", ".join(str(s) for s in comparison.seeds)
    caveats = [
        *([tr("headline.unclear")] if any(c.endswith(" *") for r in rows for c in r[1:]) else []),
        first.band_note(tr),
        tr("report.seeds", seed=comparison.seed, seeds=seeds),
        first.granularity(tr),
        tr("report.limits"),
    ]
    description = _plain(scenario.description_in(lang))
    if description and description == _plain(scenario.description) and tr("report.file_text"):
        description += " " + tr("report.file_text")  # not translated in the file
    sources = _plain(scenario.sources)
    if sources and tr("report.file_text"):
        sources += " " + tr("report.file_text")
    return Brief(
        lang=lang,
        title=tr("report.title", scenario=scenario.name_in(lang)),
        subtitle=tr(
            "report.subtitle",
            date=when,
            runs=first.runs,
            farms=tr.number(first.simulated_farms),
            seed=comparison.seed,
            version=__version__,
        ),
        headings={
            "scenario": tr("report.scenario"),
            "levers": tr("report.levers"),
            "in_words": tr("report.in_words"),
            "results": tr("report.results", year=findings.year),
            "costs": tr("report.costs"),
            "caveats": tr("report.caveats"),
            "sources": tr("report.sources"),
        },
        description=description,
        levers=lever_lines,
        sentences=sentences,
        warnings=warnings,
        header=header,
        rows=rows,
        costs=tr("report.costs_note"),
        caveats=caveats,
        sources=sources or tr("report.no_sources"),
        footer=tr("report.footer"),
    )


# --- writing ----------------------------------------------------------------------------------


def write_brief(brief: Brief, path: Path) -> Path:
    """Write the brief to ``path``: a one-page ``.pdf``, a ``.png`` of it, or ``.html``.

    Raises:
        ValueError: ``path`` ends in none of ``.pdf``, ``.png``, ``.html``.
    """
    path = Path(path)
    if path.suffix.lower() == ".html":
        path.write_text(brief_html(brief), encoding="utf-8")
        return path
    with a4_page() as figure:
        _draw(figure, brief)
        save_page(figure, path, brief.title)
    return path


def brief_bytes(brief: Brief, fmt: str = "pdf") -> bytes:
    """The brief as the bytes of a ``"pdf"``, ``"png"`` or ``"html"`` file."""
    with tempfile.TemporaryDirectory() as folder:
        return write_brief(brief, Path(folder) / f"brief.{fmt}").read_bytes()


MARGIN = 0.06
"""The page's left and right margins, as a share of its width."""
WIDTH = 1 - 2 * MARGIN


def _draw(figure: Figure, brief: Brief) -> None:
    """Lay the brief out from the top; type shrinks until everything fits the page."""
    size = 1.0
    while True:
        figure.clear()
        bottom = _lay_out(figure, brief, size)
        if bottom >= 0.03 or size <= 0.55:
            break
        size -= 0.05


PDF_STYLE: dict[str, tuple[float, dict[str, Any]]] = {
    "title": (16, {"weight": "bold"}),
    "subtitle": (8, {"color": "0.35"}),
    "heading": (10.5, {"weight": "bold", "color": "0.15"}),
    "text": (7.5, {}),
    "item": (7.5, {}),
    "sentence": (9.5, {"weight": "bold", "color": "0.1"}),
    "warning": (8, {"color": "#a33a00"}),
    "note": (7, {}),
    "small_item": (7, {}),
    "sources": (6.5, {"color": "0.25"}),
}
"""Each kind of block's type size (pt, at full size) and style on the PDF page."""

BULLETS = {"item": "• ", "small_item": "• ", "warning": "⚠ "}
"""What starts a block of each kind, on the page and in the HTML file."""


def _lay_out(figure: Figure, brief: Brief, k: float) -> float:
    """Draw everything with type ``k`` times its full size; returns where the text ended."""
    height = A4_INCHES[1] * 72  # points
    y = 0.975

    def text(line: str, size: float, x: float = MARGIN, **style: Any) -> None:
        nonlocal y
        figure.text(x, y, line, size=size * k, va="top", **style)
        y -= size * k * 1.4 / height

    def paragraph(content: str, size: float, style: dict[str, Any]) -> None:
        width = WIDTH * (0.9 if style.get("weight") == "bold" else 1.0)  # bold is wider
        for line in wrapped(figure, content, size * k, width):
            text(line, size, **style)

    for kind, content in brief.blocks():
        if kind == "heading":
            y -= 4 * k / height  # room above a heading
        if kind == "table":
            y = _table(figure, brief, y, k)
        else:
            paragraph(BULLETS.get(kind, "") + content, *PDF_STYLE[kind])
    footer_y = y - 6 * k / height
    figure.text(0.5, 0.012, brief.footer, ha="center", size=7, color="0.4")
    return footer_y - 0.02


def _table(figure: Figure, brief: Brief, top: float, k: float) -> float:
    """The table of results below ``top``; returns the height left under it."""
    size = 8 * k if len(brief.header) <= 3 else 7 * k
    columns = len(brief.header)
    label_width = 0.36 if columns <= 2 else 0.3
    widths = [label_width] + [(1 - label_width) / (columns - 1)] * (columns - 1)
    points = [w * WIDTH * A4_INCHES[0] * 72 * 0.92 for w in widths]  # a column's width

    def fit(texts: list[str]) -> list[str]:
        out = []
        for c, content in enumerate(texts):
            chars = max(int(points[c] / (char_width(figure, [content or "x"]) * size)), 6)
            out.append("\n".join(_wrap(content, chars)))
        return out

    header = fit(brief.header)
    rows = [fit(row) for row in brief.rows]
    lines = [max(cell.count("\n") + 1 for cell in row) for row in [header, *rows]]
    line_height = size * 1.45 / (A4_INCHES[1] * 72)
    height = sum(n * line_height + 0.004 for n in lines)
    ax = figure.add_axes((MARGIN, top - height, WIDTH, height))
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, bbox=(0, 0, 1, 1))
    table.auto_set_font_size(False)
    total = sum(lines)
    for (row, col), cell in table.get_celld().items():
        cell.set_height(lines[row] / total)
        cell.get_text().set_fontsize(size)
        cell.set_edgecolor("0.8")
        cell.set_linewidth(0.5)
        cell.get_text().set_ha("left" if col == 0 else "right")
        cell.PAD = 0.03
        if row == 0:
            cell.set_facecolor("0.92")
            cell.get_text().set_weight("bold")
    return top - height - 0.005


def _wrap(content: str, chars: int) -> list[str]:
    import textwrap

    return textwrap.wrap(content, chars, break_on_hyphens=False) or [""]


# --- HTML -------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #222;
       max-width: 180mm; margin: 1.5em auto; line-height: 1.4; }
h1 { font-size: 17pt; margin: 0 0 .2em; }
h2 { font-size: 11pt; margin: 1.1em 0 .3em; }
.subtitle { color: #666; font-size: 8.5pt; margin: 0; }
.sentence { font-weight: bold; font-size: 11pt; }
.warning { color: #a33a00; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; vertical-align: top; }
th { background: #eee; }
td:first-child, th:first-child { text-align: left; }
.small { font-size: 8.5pt; }
.sources { font-size: 8pt; color: #444; }
footer { color: #777; font-size: 8pt; margin-top: 1.5em; text-align: center; }
"""


HTML_TAGS = {
    "title": ("h1", ""),
    "subtitle": ("p", "subtitle"),
    "heading": ("h2", ""),
    "text": ("p", ""),
    "item": ("li", ""),
    "sentence": ("p", "sentence"),
    "warning": ("p", "warning"),
    "note": ("p", "small"),
    "small_item": ("li", "small"),
    "sources": ("p", "sources"),
}
"""Each kind of block's HTML element and class."""


def brief_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (inline CSS; no scripts, fonts or images)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(brief.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(brief.title)}</title><style>{CSS}</style></head><body>",
    ]
    listing = False
    for kind, content in brief.blocks():
        tag, cls = HTML_TAGS.get(kind, ("", ""))
        if (tag == "li") != listing:  # a list starts or ends
            parts.append("<ul>" if tag == "li" else "</ul>")
            listing = tag == "li"
        if kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in brief.header)
            body = "".join(
                "<tr>{}</tr>".format("".join(f"<td>{e(c)}</td>" for c in row)) for row in brief.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            continue
        attr = f' class="{cls}"' if cls else ""
        text = e(BULLETS.get(kind, "") if kind == "warning" else "") + e(content)
        parts.append(f"<{tag}{attr}>{text}</{tag}>")
    if listing:
        parts.append("</ul>")
    parts += [f"<footer>{e(brief.footer)}</footer>", "</body></html>"]
    return "\n".join(parts) + "\n"
