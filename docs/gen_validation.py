"""Run every country scenario many times and compare it with what was reported.

Run ``.venv/bin/python docs/gen_validation.py`` (about ten minutes on two cores). It

* runs each country scenario at its file's own sample size (Kazakhstan at 20,000
  farms) in two ensembles, on a process pool:

  - **seeds only**: ``REPLICATES`` runs at the calibrated defaults (the posterior's
    medians), with seeds from one master seed as a sweep's replicates;
  - **posterior predictive**: ``PREDICTIVE`` runs, run ``r`` with parameter set ``r``
    drawn from the shipped posterior (:func:`coopsim.posterior.draw_parameters`) and
    seed ``r``: the uncertainty of the parameters and the model's randomness together;

* draws one PNG per country in ``docs/img/``: both ensembles' 5–95 % bands and the
  predictive median, the calibration targets as filled markers and the out-of-sample
  figures below as open markers;
* counts how many out-of-sample figures fall inside each ensemble's 90 % band (the
  ``validation:coverage`` block);
* writes the generated tables into ``docs/validation.md`` between the
  ``validation:<country>:start`` / ``:end`` markers, and the first replicate's
  figures, to six significant digits, between ``validation:check:start`` / ``:end``.
  ``tests/test_validation_doc.py`` reruns that first replicate of every country and
  compares: the document cannot silently fall behind the scenarios, the calibration
  or the model.

With ``--full-scale`` it first runs every country once at full scale (one simulated
farm per real farm: Japan's 6.06 million households, about 15 minutes and 8 GB; the
others take a few minutes together), each in a process of its own, with the first
replicate's seed, and keeps each run's model table in ``docs/full_scale/``. Whenever
those tables are there, the page draws the full-scale run over the bands and states, in
the ``validation:full_scale`` block, how many of its figures every ten years fall inside
the seeds-only band of the sampled runs: whether sampling, as the files run it, changes
what a user sees. ``tests/test_validation_doc.py`` reruns Kazakhstan's full-scale run
(500,000 farms, seconds) and compares it with its stored table.

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
from coopsim.posterior import draw_parameters
from coopsim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
IMG = ROOT / "docs" / "img"
FULL_SCALE = ROOT / "docs" / "full_scale"
CALIBRATION = ROOT / "experiments" / "calibration.toml"
REPLICATES = 20
PREDICTIVE = 40
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
    """An out-of-sample figure: a column's value in a year.

    It is judged against the simulated bands only; the uncertainty a calibration target
    needs is not used here.
    """
    target = Target(column=column, year=year, value=value, uncertainty=0.1, source=source)
    return Figure(country, target)


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


ENSEMBLES = ("seeds", "predictive")
"""Seeds only, at the calibrated defaults; parameters from the posterior and seeds."""


def run_all() -> dict[str, dict[str, pd.DataFrame]]:
    """Both ensembles of every country: one long table (replicate, year, …) each.

    Returns:
        By ensemble, then by country.
    """
    seeds = replicate_seeds(SEED, max(REPLICATES, PREDICTIVE))
    draws = draw_parameters(PREDICTIVE, SEED)
    tasks = []
    for country in COUNTRIES:
        data = sized_scenario(country).model_dump(mode="python")
        tasks += [
            RunTask(f"seeds-{country.key}-{r}", data, {}, seeds[r]) for r in range(REPLICATES)
        ]
        tasks += [
            RunTask(f"predictive-{country.key}-{r}", data, draws[r], seeds[r])
            for r in range(PREDICTIVE)
        ]
    tables: dict[tuple[str, str], list[pd.DataFrame]] = {}
    with ProcessPool(WORKERS) as pool:
        for result in pool.map(tasks):
            if not result.ok or result.table is None:
                sys.exit(f"run {result.run_id} failed: {result.error}")
            ensemble, key, replicate = result.run_id.split("-")
            table = result.table.assign(replicate=int(replicate))
            tables.setdefault((ensemble, key), []).append(table)
            print(f"{result.run_id}: {result.info.get('run_s', 0):.1f} s", flush=True)
    return {
        e: {
            c.key: pd.concat(tables[(e, c.key)]).sort_values(["replicate", "year"])
            for c in COUNTRIES
        }
        for e in ENSEMBLES
    }


def full_scale_run(country: Country) -> pd.DataFrame:
    """The country's first replicate at one simulated farm per real farm, in a process of its own.

    A process of its own, so that the memory of a national run is returned to the machine
    before the next country's; the same seed as the first replicate of the sampled runs.
    """
    scenario = sized(load_scenario(ROOT / country.scenario), scale=1.0)
    task = RunTask(country.key, scenario.model_dump(mode="python"), {}, first_seed())
    with ProcessPool(1) as pool:
        [result] = list(pool.map([task]))
    if not result.ok or result.table is None:
        sys.exit(f"{country.key} at full scale failed: {result.error}")
    print(
        f"{country.key} at full scale: {scenario.population.simulated_farms:,} farms, "
        f"{result.info.get('setup_s', 0) + result.info.get('run_s', 0):.0f} s",
        flush=True,
    )
    return result.table


def full_scale_tables() -> dict[str, pd.DataFrame]:
    """The stored full-scale runs, by country (those that were run)."""
    return {
        c.key: pd.read_csv(FULL_SCALE / f"{c.key}.csv")
        for c in COUNTRIES
        if (FULL_SCALE / f"{c.key}.csv").exists()
    }


def first_seed() -> int:
    """The seed of every country's first replicate."""
    return replicate_seeds(SEED, REPLICATES)[0]


def bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 5th/95th percentiles of a column over replicates, by year."""
    g = runs.groupby("year")[column]
    return pd.DataFrame({"p05": g.quantile(0.05), "median": g.median(), "p95": g.quantile(0.95)})


def plot(
    country: Country,
    runs: pd.DataFrame,
    predictive: pd.DataFrame,
    full: pd.DataFrame | None,
) -> Path:
    """Four panels: each column's bands over the years, with the reported figures.

    The full-scale run, when there is one, is drawn over them.
    """
    from matplotlib.figure import Figure as Canvas

    canvas = Canvas(figsize=(10, 7), dpi=100, layout="constrained")
    axes = canvas.subplots(2, 2).ravel()
    for ax, column in zip(axes, country.columns, strict=True):
        p = bands(predictive, column)
        ax.fill_between(
            p.index, p.p05, p.p95, color="C0", alpha=0.2, label="parameters and seeds, 5–95 %"
        )
        b = bands(runs, column)
        ax.fill_between(b.index, b.p05, b.p95, color="C1", alpha=0.35, label="seeds only, 5–95 %")
        ax.plot(p.index, p["median"], color="C0", label="posterior predictive median")
        if full is not None:
            ax.plot(full.year, full[column], "k--", lw=1, label="one run at full scale")
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
        f"{scenario.name}: {PREDICTIVE} runs with parameters drawn from the posterior, "
        f"{REPLICATES} at the calibrated values;\neach simulated farm stands for "
        f"{scenario.population.scale:g} real ones"
    )
    path = IMG / f"validation_{country.key}.png"
    canvas.savefig(path, format="png")
    return path


def number(x: float) -> str:
    """A figure for a table: grouped thousands, or three significant digits."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def band_of(figure: Figure, runs: pd.DataFrame) -> tuple[float, float, float]:
    """A figure's 5 %, median and 95 % over the runs of an ensemble."""
    values = runs.set_index("year").groupby("replicate").apply(figure.target.simulated)
    low, mid, high = values.quantile([0.05, 0.5, 0.95])
    return float(low), float(mid), float(high)


def table(country: Country, runs: pd.DataFrame, predictive: pd.DataFrame) -> str:
    """Markdown: every reported figure of the country against both simulated bands."""
    lines = [
        "| figure | reported | simulated median | 5–95 %, parameters and seeds | within "
        "| 5–95 %, seeds only | within | used for |",
        "|---|---:|---:|---:|---|---:|---|---|",
    ]
    for figure in figures_of(country):
        t = figure.target
        low, mid, high = band_of(figure, predictive)
        seeds_low, _, seeds_high = band_of(figure, runs)
        inside = "yes" if low <= t.value <= high else "no"
        seeds_inside = "yes" if seeds_low <= t.value <= seeds_high else "no"
        use = "calibration" if figure.calibrated else "out-of-sample check"
        lines.append(
            f"| `{t.label}` | {number(t.value)} | {number(mid)} | {number(low)} – "
            f"{number(high)} | {inside} | {number(seeds_low)} – {number(seeds_high)} | "
            f"{seeds_inside} | {use}: {t.source} |"
        )
    lines.append("")
    lines.append(path_table(country, predictive))
    return "\n".join(lines)


def coverage(runs: dict[str, dict[str, pd.DataFrame]]) -> str:
    """Markdown: how many out-of-sample figures each ensemble's 90 % band holds."""
    counts = dict.fromkeys(ENSEMBLES, 0)
    figures = list(OUT_OF_SAMPLE)
    for figure in figures:
        for e in ENSEMBLES:
            low, _, high = band_of(figure, runs[e][figure.country])
            counts[e] += low <= figure.target.value <= high
    n = len(figures)
    return (
        f"Out-of-sample figures inside the 90 % band (5–95 %): **{counts['predictive']} of "
        f"{n}** with parameters drawn from the posterior and seeds ({PREDICTIVE} runs per "
        f"country); {counts['seeds']} of {n} with seeds only at the calibrated values "
        f"({REPLICATES} runs per country). A well-calibrated 90 % band holds about "
        f"{0.9 * n:.0f} of {n}."
    )


def full_scale_agreement(runs: dict[str, pd.DataFrame], full: dict[str, pd.DataFrame]) -> str:
    """Markdown: how many of each full-scale run's figures fall in the sampled runs' band.

    The plotted columns every ten years, against the seeds-only 5–95 % band of the
    sampled runs (the band of a run's randomness at the file's sample size).
    """
    if not full:
        return "No full-scale runs are stored: run `docs/gen_validation.py --full-scale`."
    lines = [
        "| country | farms simulated | figures inside the band | outside the band: full scale "
        "(sampled 5–95 %) |",
        "|---|---:|---:|---|",
    ]
    for country in COUNTRIES:
        if country.key not in full:
            continue
        table, sampled = full[country.key].set_index("year"), runs[country.key]
        years = table.index[(table.index - table.index.min()) % 10 == 0]
        inside, outside = 0, []
        for column in country.columns:
            band = bands(sampled, column)
            for year in years:
                value, low, high = table.loc[year, column], band.p05[year], band.p95[year]
                if low <= value <= high:
                    inside += 1
                else:
                    outside.append(
                        f"`{column}` {year}: {number(value)} ({number(low)} – {number(high)})"
                    )
        farms = load_scenario(ROOT / country.scenario).population.farms
        lines.append(
            f"| {country.key} | {farms:,} | {inside} of {inside + len(outside)} | "
            f"{'; '.join(outside) or '–'} |"
        )
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
    return "Posterior predictive medians:\n\n" + "\n".join(lines)


def first_replicates() -> dict[str, pd.DataFrame]:
    """The first replicate of every country, run in this process."""
    from coopsim.experiments.runner import run_one

    seed = first_seed()
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


def main(argv: list[str]) -> None:
    """Run, plot and write the tables into the document (``--full-scale``: run those first)."""
    if "--full-scale" in argv:
        FULL_SCALE.mkdir(exist_ok=True)
        for country in COUNTRIES:
            full_scale_run(country).to_csv(FULL_SCALE / f"{country.key}.csv", index=False)
    full = full_scale_tables()
    runs = run_all()
    seeds, predictive = runs["seeds"], runs["predictive"]
    text = DOC.read_text(encoding="utf-8")
    for country in COUNTRIES:
        plot(country, seeds[country.key], predictive[country.key], full.get(country.key))
        body = table(country, seeds[country.key], predictive[country.key])
        text = replace_block(text, country.key, body)
    text = replace_block(text, "coverage", coverage(runs))
    text = replace_block(text, "full_scale", full_scale_agreement(seeds, full))
    first = {key: table[table.replicate == 0] for key, table in seeds.items()}
    text = replace_block(text, "check", check_text(first))
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} and {len(COUNTRIES)} figures in {IMG}")


if __name__ == "__main__":
    main(sys.argv[1:])
