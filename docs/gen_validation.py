"""Run every country scenario many times and compare it with what was reported.

Run ``.venv/bin/python docs/gen_validation.py`` (about ten minutes on two cores). It

* runs each country scenario ``REPLICATES`` times at its file's own sample size
  (Kazakhstan at 20,000 farms, as in ``experiments/calibration.toml``), with seeds
  from one master seed as a sweep's replicates, on a process pool;
* draws one PNG per country in ``docs/img/``: the replicates' median with the band
  between their 5th and 95th percentiles, the calibration targets as filled markers
  and the out-of-sample figures below as open markers;
* writes the generated tables into ``docs/validation.md`` between the
  ``validation:<country>:start`` / ``:end`` markers, and the first replicate's
  figures, to six significant digits, between ``validation:check:start`` / ``:end``.
  ``tests/test_validation_doc.py`` reruns that first replicate of every country and
  compares: the document cannot silently fall behind the scenarios, the calibration
  or the model.

The calibration targets are read from the calibration file; the figures kept out of
the calibration are listed here (``OUT_OF_SAMPLE``), each with its source.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from coopsim.experiments.calibration import Target, load_calibration
from coopsim.experiments.executor import ProcessPool
from coopsim.experiments.runner import RunTask
from coopsim.experiments.seeds import replicate_seeds
from coopsim.model import sized
from coopsim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
IMG = ROOT / "docs" / "img"
CALIBRATION = ROOT / "experiments" / "calibration.toml"
REPLICATES = 20
SEED = 20_261_126
WORKERS = 2


@dataclass(frozen=True)
class Country:
    """A country scenario of the validation: its file, run size and what to plot.

    ``farms`` None runs the file's own sample size.
    """

    key: str
    scenario: str
    farms: int | None
    columns: tuple[str, ...]


COUNTRIES = (
    Country(
        "germany",
        "scenarios/germany_1950.toml",
        None,
        ("coops_registered", "farms", "mean_coop_size", "mergers"),
    ),
    Country(
        "japan",
        "scenarios/japan_1960.toml",
        None,
        ("coops_registered", "farms", "part_time_farms", "mergers"),
    ),
    Country(
        "kazakhstan",
        "scenarios/kazakhstan_2016.toml",
        20_000,
        ("coops_registered", "coops_active", "coops_nominal", "mean_coop_size"),
    ),
    Country(
        "canada",
        "scenarios/canada_federation.toml",
        None,
        ("coop_market_share", "coops_registered", "farms", "membership_rate"),
    ),
)


@dataclass(frozen=True)
class Figure:
    """A reported figure of one country: a calibration target or an out-of-sample check."""

    country: str
    target: Target
    calibrated: bool = False


def reported(country: str, column: str, year: int, value: float, source: str) -> Figure:
    """An out-of-sample figure: a column's value in a year."""
    return Figure(country, Target(column=column, year=year, value=value, source=source))


JA_COUNTS = (
    "MAFF statistics of multi-purpose agricultural cooperatives (end of March), reproduced "
    "by Yoshida (JC Research Institute, about 2012)"
)

OUT_OF_SAMPLE = (
    reported("japan", "coops_registered", 1965, 9_135, JA_COUNTS),
    reported("japan", "coops_registered", 1970, 6_185, JA_COUNTS),
    reported("japan", "coops_registered", 1990, 3_688, JA_COUNTS),
    reported("japan", "coops_registered", 2000, 1_618, JA_COUNTS),
    reported("japan", "farms", 1980, 4_661_384, "Farm households, agricultural census 1980"),
    reported("japan", "farms", 1990, 3_834_732, "Farm households, agricultural census 1990"),
    reported(
        "germany",
        "farms",
        1991,
        657_000,
        "Destatis via stern.de: 2001 had 32 % fewer farms than 1991 (~447,000)",
    ),
    reported("germany", "farms", 2001, 447_000, "Destatis via stern.de, 2001"),
    reported(
        "kazakhstan",
        "coops_registered",
        2016,
        157,
        "Vice-minister Aituganov (Sputnik, March 2017): 157 coops created in 2016",
    ),
    reported(
        "kazakhstan",
        "coops_registered",
        2017,
        1_066,
        "Government release (primeminister.kz via wexport.com, 26 Dec 2017): 1,066 coops "
        "registered under the coop law from 2016 to 1 December 2017",
    ),
    reported(
        "kazakhstan",
        "coops_registered",
        2022,
        3_284,
        "Statistics office via bizmedia.kz (9 Aug 2023): 3,284 agricultural cooperatives in "
        "the business register in 2022",
    ),
    reported(
        "kazakhstan",
        "mean_coop_size",
        2019,
        18.3,
        "Exclusive.kz (about 2020), citing statistics: 2,840 coops created in 2017-2019 with "
        "51,967 member households, farms and firms",
    ),
    reported(
        "canada",
        "coop_market_share",
        1985,
        0.60,
        "Encyclopedia of Saskatchewan: the Wheat Pool handled over 60 % of the "
        "province's grain from the early 1970s to 1992",
    ),
)


@cache
def calibration_targets() -> list[Figure]:
    """The calibration targets, as the calibration file gives them."""
    calibration = load_calibration(CALIBRATION)
    out = []
    for country in calibration.spec.countries:
        key = next(c.key for c in COUNTRIES if c.scenario.endswith(Path(country.scenario).name))
        out += [Figure(key, t, calibrated=True) for t in country.targets]
    return out


def figures_of(country: Country) -> list[Figure]:
    """Every reported figure of a country: calibration targets first."""
    every = calibration_targets() + list(OUT_OF_SAMPLE)
    return [f for f in every if f.country == country.key]


def sized_scenario(country: Country) -> Scenario:
    """The country's scenario at the size the validation runs it."""
    return sized(load_scenario(ROOT / country.scenario), farms=country.farms)


def run_all() -> dict[str, pd.DataFrame]:
    """Every replicate of every country: one long table per country (replicate, year, …)."""
    seeds = replicate_seeds(SEED, REPLICATES)
    tasks = []
    for country in COUNTRIES:
        data = sized_scenario(country).model_dump(mode="python")
        tasks += [RunTask(f"{country.key}-{r}", data, {}, s) for r, s in enumerate(seeds)]
    tables: dict[str, list[pd.DataFrame]] = {c.key: [] for c in COUNTRIES}
    with ProcessPool(WORKERS) as pool:
        for result in pool.map(tasks):
            if not result.ok or result.table is None:
                sys.exit(f"run {result.run_id} failed: {result.error}")
            key, replicate = result.run_id.rsplit("-", 1)
            tables[key].append(result.table.assign(replicate=int(replicate)))
            print(f"{result.run_id}: {result.info.get('run_s', 0):.1f} s", flush=True)
    return {k: pd.concat(v).sort_values(["replicate", "year"]) for k, v in tables.items()}


def bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 5th/95th percentiles of a column over replicates, by year."""
    g = runs.groupby("year")[column]
    return pd.DataFrame({"p05": g.quantile(0.05), "median": g.median(), "p95": g.quantile(0.95)})


def plot(country: Country, runs: pd.DataFrame) -> Path:
    """Four panels: each column's band over the years, with the reported figures."""
    from matplotlib.figure import Figure as Canvas

    canvas = Canvas(figsize=(10, 6.5), dpi=100, layout="constrained")
    axes = canvas.subplots(2, 2).ravel()
    for ax, column in zip(axes, country.columns, strict=True):
        b = bands(runs, column)
        ax.fill_between(b.index, b.p05, b.p95, alpha=0.3, label="5–95 % of replicates")
        ax.plot(b.index, b["median"], label="median")
        for figure in figures_of(country):
            t = figure.target
            if t.column == column and t.per is None and t.first_year is None:
                ax.plot(
                    t.year,
                    t.value,
                    "o",
                    markersize=8,
                    markerfacecolor="C3" if figure.calibrated else "none",
                    markeredgecolor="C3",
                    label="calibration target" if figure.calibrated else "out-of-sample figure",
                )
        ax.set_title(column)
        ax.set_xlabel("year")
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), fontsize="small", loc="best")
    scenario = sized_scenario(country)
    canvas.suptitle(
        f"{scenario.name}: {REPLICATES} replicates, each simulated farm standing for "
        f"{scenario.population.scale:g} real ones"
    )
    path = IMG / f"validation_{country.key}.png"
    canvas.savefig(path, format="png")
    return path


def number(x: float) -> str:
    """A figure for a table: grouped thousands, or three significant digits."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def table(country: Country, runs: pd.DataFrame) -> str:
    """Markdown: every reported figure of the country against the simulated band."""
    lines = [
        "| figure | reported | simulated median | 5–95 % of replicates | within band | used for |",
        "|---|---:|---:|---:|---|---|",
    ]
    by_replicate = runs.set_index("year").groupby("replicate")
    for figure in figures_of(country):
        t = figure.target
        values = by_replicate.apply(t.simulated)
        low, mid, high = values.quantile([0.05, 0.5, 0.95])
        inside = "yes" if low <= t.value <= high else "no"
        use = "calibration" if figure.calibrated else "out-of-sample check"
        lines.append(
            f"| `{t.label}` | {number(t.value)} | {number(mid)} | {number(low)} – "
            f"{number(high)} | {inside} | {use}: {t.source} |"
        )
    lines.append("")
    lines.append(path_table(country, runs))
    return "\n".join(lines)


def path_table(country: Country, runs: pd.DataFrame) -> str:
    """Markdown: the medians of the plotted columns every ten years."""
    years = runs.year.unique()
    step = 10 if len(years) > 30 else 2
    shown = [y for y in years if (y - years.min()) % step == 0] + [int(years.max())]
    header = "| year | " + " | ".join(f"`{c}`" for c in country.columns) + " |"
    lines = [header, "|---:|" + "---:|" * len(country.columns)]
    for year in sorted(set(shown)):
        cells = [number(float(bands(runs, c).loc[year, "median"])) for c in country.columns]
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "Medians of the replicates:\n\n" + "\n".join(lines)


def first_replicates() -> dict[str, pd.DataFrame]:
    """The first replicate of every country, run in this process."""
    from coopsim.experiments.runner import run_one

    seed = replicate_seeds(SEED, REPLICATES)[0]
    out = {}
    for country in COUNTRIES:
        data = sized_scenario(country).model_dump(mode="python")
        result = run_one(RunTask(country.key, data, {}, seed))
        if not result.ok or result.table is None:
            raise RuntimeError(f"{country.key}: {result.error}")
        out[country.key] = result.table
    return out


CHECK_TOLERANCE = 0.01
"""How far a rerun of the first replicate may be from the page: 1 % of each figure, and
for counts at least one simulated unit (the scale), so that another machine's BLAS
rounding a last bit differently, and a decision it tips, do not fail the check."""

COUNTS = ("coops_registered", "coops_active", "coops_nominal", "farms", "members", "mergers")


def check_text(first: dict[str, pd.DataFrame]) -> str:
    """The first replicate's value of every plotted column in the last year."""
    lines = []
    for country in COUNTRIES:
        last = first[country.key].set_index("year").iloc[-1]
        cells = ", ".join(f"{c} {float(f'{last[c]:.6g}')!r}" for c in country.columns)
        lines.append(f"- {country.key}, {int(last.name)}: {cells}")
    return "\n".join(lines)


def read_check(text: str) -> dict[tuple[str, str], float]:
    """The figures of a check block by (country, column)."""
    figures = {}
    for line in text.splitlines():
        key, _, cells = line.removeprefix("- ").partition(": ")
        country = key.split(",")[0]
        for cell in cells.split(", "):
            column, value = cell.rsplit(" ", 1)
            figures[(country, column)] = float(value)
    return figures


def check_misses(page: str, fresh: str) -> list[str]:
    """Figures of a fresh check block further from the page's than :data:`CHECK_TOLERANCE`."""
    scale = {c.key: sized_scenario(c).population.scale for c in COUNTRIES}
    now = read_check(fresh)
    misses = []
    for (country, column), shown in read_check(page).items():
        allowed = CHECK_TOLERANCE * abs(shown)
        if column in COUNTS:
            allowed = max(allowed, scale[country])
        if abs(now[(country, column)] - shown) > allowed:
            misses.append(f"{country} {column}: page {shown:g}, rerun {now[(country, column)]:g}")
    return misses


def replace_block(text: str, name: str, body: str) -> str:
    """Put ``body`` between the ``<!-- validation:name:start/end -->`` markers."""
    pattern = re.compile(
        rf"(<!-- validation:{name}:start -->\n).*?(\n<!-- validation:{name}:end -->)", re.S
    )
    if not pattern.search(text):
        sys.exit(f"{DOC}: the markers of {name} are missing")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> None:
    """Run, plot and write the tables into the document."""
    runs = run_all()
    text = DOC.read_text(encoding="utf-8")
    for country in COUNTRIES:
        plot(country, runs[country.key])
        text = replace_block(text, country.key, table(country, runs[country.key]))
    first = {key: table[table.replicate == 0] for key, table in runs.items()}
    text = replace_block(text, "check", check_text(first))
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} and {len(COUNTRIES)} figures in {IMG}")


if __name__ == "__main__":
    main()
