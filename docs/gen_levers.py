"""Write docs/levers.md: the lever audit of every shipped country scenario.

    python docs/gen_levers.py [--replicates 3] [--workers 2]

For each country scenario, at a sample size that runs in seconds, every policy and
market lever is held low and high against the scenario as it is
(:mod:`coopsim.experiments.lever_audit`). The page says, lever by lever, where it acts
and by how much. About twenty minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coopsim.experiments.lever_audit import OUTCOMES, audit, inert  # noqa: E402
from coopsim.model import sized  # noqa: E402
from coopsim.scenario import load_scenario  # noqa: E402

DOC = ROOT / "docs" / "levers.md"
COUNTRIES = {
    "germany_1950.toml": 4_000,
    "japan_1960.toml": 6_060,
    "kazakhstan_2016.toml": 5_000,
    "canada_federation.toml": 4_620,
}
"""Scenario files and the simulated farms each is audited at."""


def number(x: float) -> str:
    """A difference as the page shows it."""
    if abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x else "0"


def effect(table: pd.DataFrame, lever: str, level: str, outcome: str) -> str:
    """``mean [smallest, largest]`` of a lever's effect on an outcome."""
    row = table[(table.lever == lever) & (table.level == level) & (table.outcome == outcome)]
    r = row.iloc[0]
    if not r.acts:
        return "0"
    return f"{number(r.difference)} [{number(r.band_low)}, {number(r.band_high)}]"


def country_section(name: str, table: pd.DataFrame, farms: int, replicates: int) -> str:
    """One country's table: every lever, its two values and their effects."""
    lines = [
        f"## {name}",
        "",
        f"{farms:,} simulated farms, {replicates} replicates on common seeds; effects at "
        "the horizon (money: over the whole run), in real units.",
        "",
        "| lever | value | " + " | ".join(OUTCOMES.values()) + " |",
        "|---|---:|" + "---:|" * len(OUTCOMES),
    ]
    for lever in dict.fromkeys(table.lever):
        for level in ("low", "high"):
            value = table[(table.lever == lever) & (table.level == level)].value.iloc[0]
            cells = [effect(table, lever, level, o) for o in OUTCOMES]
            lines.append(f"| `{lever}` | {value} | " + " | ".join(cells) + " |")
    still = inert(table)
    lines += ["", "Inert in this scenario: " + (", ".join(f"`{x}`" for x in still) or "none") + "."]
    return "\n".join(lines)


def main() -> None:
    """Audit every country and write the page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tables, names = {}, {}
    for file, farms in COUNTRIES.items():
        scenario = sized(load_scenario(ROOT / "scenarios" / file), farms=farms)
        names[file] = scenario.name
        tables[file] = audit(scenario, replicates=args.replicates, workers=args.workers)
        print(f"{scenario.name}: audited", flush=True)
    levers = list(dict.fromkeys(next(iter(tables.values())).lever))
    acts = {
        lever: [file for file, t in tables.items() if lever not in inert(t)] for lever in levers
    }
    nowhere = [lever for lever, where in acts.items() if not where]
    summary = [
        "| lever | " + " | ".join(names[f] for f in COUNTRIES) + " |",
        "|---|" + "---|" * len(COUNTRIES),
    ]
    for lever in levers:
        marks = ["acts" if f in acts[lever] else "–" for f in COUNTRIES]
        summary.append(f"| `{lever}` | " + " | ".join(marks) + " |")
    page = [
        "# Levers: what each one moves",
        "",
        "Written by `python docs/gen_levers.py` (the lever audit, "
        "`coopsim levers SCENARIO`, for every country scenario). Every policy and market "
        "lever is held for the whole run at a low and a high plausible value against the "
        "scenario as it is, over replicates on common seeds; the tables give the mean "
        "difference from the scenario as it is and, in brackets, the smallest and largest "
        "difference over the replicates. Levers that act only with another one (a cap on "
        "start-up aid, grace years of concessional credit, the pressure of a merger plan, "
        "the clawback of an audit, KPI pressure) are tried with that one set, against a "
        "reference that sets it too.",
        "",
        "A lever that acts in no scenario would mislead whoever moves it; "
        + (
            "**none does**: every lever acts in at least one scenario."
            if not nowhere
            else "these act nowhere: " + ", ".join(f"`{x}`" for x in nowhere) + "."
        ),
        "",
        "## Where each lever acts",
        "",
        *summary,
        "",
        *[
            country_section(names[f], tables[f], COUNTRIES[f], args.replicates) + "\n"
            for f in COUNTRIES
        ],
    ]
    DOC.write_text("\n".join(page), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
