"""Rank the Kazakhstan parameters by their Sobol indices, with intervals.

Run the sweep, then this script::

    .venv/bin/coopsim sweep experiments/sensitivity_kazakhstan.toml --out out/sensitivity
    .venv/bin/python docs/gen_sensitivity.py out/sensitivity

For each outcome of :data:`OUTCOMES` it computes first-order and total Sobol indices
with their 95 % bootstrap intervals (SALib, through :func:`coopsim.experiments.analyze`),
keeps them in ``experiments/sensitivity/<outcome>-<year>.csv``, draws
``docs/img/sensitivity_kazakhstan.png`` and writes the ranked tables and the sweep's
runtime into ``docs/sensitivity.md`` between the ``sensitivity:<name>:start`` / ``:end``
markers. ``tests/test_sensitivity_doc.py`` checks the page against the kept indices
and that every interval is at most ±0.1.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pandas as pd

from coopsim.experiments import analyze

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "sensitivity.md"
KEPT = ROOT / "experiments" / "sensitivity"
IMG = ROOT / "docs" / "img" / "sensitivity_kazakhstan.png"
OUTCOMES = (("membership_rate", 2021), ("coops_active", 2025))
"""The outcomes ranked: membership at the end of the programme, operating coops four years on."""

WIDEST = 0.1
"""The widest interval (half-width) the page accepts for any index."""


def indices(sweep: Path) -> dict[str, pd.DataFrame]:
    """Sobol indices of each outcome, largest total index first, by ``<outcome>-<year>``."""
    out = {}
    for outcome, year in OUTCOMES:
        started = time.perf_counter()
        result = analyze(sweep, outcome, year, write=False)
        table = result.indices.sort_values("ST", ascending=False).reset_index(drop=True)
        print(f"{outcome} {year}: indices in {time.perf_counter() - started:.1f} s")
        out[f"{outcome}-{year}"] = table
    return out


def ranked(table: pd.DataFrame) -> str:
    """Markdown: the factors ranked by total index, with their intervals."""
    lines = [
        "| rank | parameter | total index ST | first-order S1 |",
        "|---:|---|---:|---:|",
    ]
    for i, row in table.iterrows():
        lines.append(
            f"| {i + 1} | `{row.factor}` | {row.ST:.3f} ± {row.ST_conf:.3f} | "
            f"{row.S1:.3f} ± {row.S1_conf:.3f} |"
        )
    return "\n".join(lines)


def runtime(sweep: Path) -> str:
    """The sweep's size and runtime, from its manifest."""
    import json

    manifest = json.loads((sweep / "manifest.json").read_text(encoding="utf-8"))
    runs = manifest["counts"]["done"]
    minutes = manifest["wall_s"] / 60
    return (
        f"{runs:,} runs in {minutes:.0f} minutes ({manifest['executor']}; "
        f"{manifest['wall_s'] / runs:.2f} s a run), coopsim {manifest['versions']['coopsim']}."
    )


def plot(tables: dict[str, pd.DataFrame]) -> None:
    """Both outcomes' indices as horizontal bars with their intervals."""
    from matplotlib.figure import Figure

    canvas = Figure(figsize=(11, 6.5), dpi=100, layout="constrained")
    axes = canvas.subplots(1, len(tables), sharey=False)
    for ax, (name, table) in zip(axes, tables.items(), strict=True):
        t = table.iloc[::-1]
        y = range(len(t))
        ax.barh([v + 0.2 for v in y], t.ST, 0.4, xerr=t.ST_conf, label="total ST")
        ax.barh([v - 0.2 for v in y], t.S1, 0.4, xerr=t.S1_conf, label="first-order S1")
        ax.set_yticks(list(y), [f.split(".")[-1] for f in t.factor], fontsize="small")
        ax.set_title(name.replace("-", ", "))
        ax.set_xlabel("Sobol index (95 % interval)")
        ax.axvline(0, color="grey", linewidth=0.5)
        ax.legend(fontsize="small", loc="lower right")
    canvas.suptitle("Kazakhstan 2016: what decides the outcome (17 parameters, N = 1,024)")
    canvas.savefig(IMG, format="png")


def replace_block(text: str, name: str, body: str) -> str:
    """Put ``body`` between the ``<!-- sensitivity:name:start/end -->`` markers."""
    pattern = re.compile(
        rf"(<!-- sensitivity:{name}:start -->\n).*?(\n<!-- sensitivity:{name}:end -->)", re.S
    )
    if not pattern.search(text):
        sys.exit(f"{DOC}: the markers of {name} are missing")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main(sweep: Path) -> None:
    """Compute, keep, plot and write."""
    tables = indices(sweep)
    KEPT.mkdir(exist_ok=True)
    text = DOC.read_text(encoding="utf-8")
    for name, table in tables.items():
        table.to_csv(KEPT / f"{name}.csv", index=False)
        text = replace_block(text, name, ranked(table))
        widest = table[["S1_conf", "ST_conf"]].to_numpy().max()
        if widest > WIDEST:
            print(f"warning: {name}: an interval is ±{widest:.3f}, wider than ±{WIDEST}")
    text = replace_block(text, "runtime", runtime(sweep))
    DOC.write_text(text, encoding="utf-8")
    plot(tables)
    print(f"wrote {DOC}, {IMG} and {len(tables)} tables in {KEPT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/gen_sensitivity.py SWEEP_FOLDER")
    main(Path(sys.argv[1]))
