"""A farm's decisions in words, from the decision log, in English, Kazakh or Russian.

Each row of the decision log (``decisions.parquet``, see ``docs/outputs.md``) holds
what the farm compared; :func:`decision_text` fills the template of its kind of
decision (``[decision]`` in ``locales/<lang>.toml``) with those figures, formatted in
the language's way, e.g.

    2018: joined coop 12 — machinery through the coop costs 31 % less than alone
    (84,000 ₸ against 122,000 ₸ a year), the coop's price is 4 % higher; grant
    100,000 ₸; what it expects as a member, weighed by its trust (62%), beat staying
    alone by more than its autonomy premium of 60,000 ₸.

The command line (``coopsim explain``) and the dashboard tell decisions through this
module alone, so a sentence is written once per language, in its locale file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from coopsim.i18n import Translator

KINDS = {
    "quit farming": "quit",
    "went out of business": "insolvent",
    "registered under pressure": "registered",
    "registered on paper": "registered_paper",
    "seceded": "seceded",
    "left": "left",
    "joined": "joined",
    "founded": "founded",
    "stayed alone": "stayed",
}
STOPPED = ("quit farming", "went out of business")
"""The decision-log actions of a farm that stopped farming (in production, step 2 of its
last year, it still farmed)."""
"""The template of each logged action (``decision.<kind>``); any other is ``other``.

A kind may have a second template, ``decision.<kind>_no_coop``, for a row without a
coop (a new coop looked at, a secession that founded none).
"""


def _change(new: float, old: float) -> float | None:
    """Change from ``old`` to ``new`` in %, or None when undefined or under half a percent."""
    if not (math.isfinite(new) and math.isfinite(old)) or old == 0:
        return None
    change = (new - old) / abs(old) * 100
    return change if abs(change) >= 0.5 else None


def _reasons(row: Mapping[str, Any], tr: Translator, currency: str) -> str:
    """What the offer changed for the farm: machinery cost, price and grant, or nothing."""
    parts = []
    saving = _change(row["machinery_option"], row["machinery_alone"])
    if saving is not None:
        parts.append(
            tr(
                "decision.machinery_less" if saving < 0 else "decision.machinery_more",
                pct=tr.number(abs(saving)),
                option=tr.money(row["machinery_option"], currency),
                alone=tr.money(row["machinery_alone"], currency),
            )
        )
    price = _change(row["price_option"], row["price_alone"])
    if price is not None:
        key = "decision.price_higher" if price > 0 else "decision.price_lower"
        parts.append(tr(key, pct=tr.number(abs(price))))
    if row.get("grant", 0) > 0:
        parts.append(tr("decision.grant", grant=tr.money(row["grant"], currency)))
    return (" — " + "; ".join(parts)) if parts else ""


def decision_text(row: Mapping[str, Any], lang: str = "en", currency: str = "KZT") -> str:
    """One decision-log row in words.

    Args:
        row: a row of the decision log (``CoopModel.decision_table()``), as a mapping.
        lang: a language of :data:`coopsim.i18n.LANGUAGES`.
        currency: the scenario's currency code; amounts carry its sign.

    Raises:
        KeyError: ``lang`` is not a known language.
    """
    tr = Translator(lang)
    kind = KINDS.get(row["action"], "other")
    coop = int(row.get("coop", -1))
    fields: dict[str, Any] = {
        "year": int(row["year"]),
        "coop": coop,
        "action": row["action"],
        "premium": tr.money(row.get("autonomy_premium", float("nan")), currency),
    }
    if kind == "quit":
        # the exit rule (rules.quits_farming): outside > expected + premium, said with its sum
        premium = row.get("autonomy_premium", float("nan"))
        fields["outside"] = tr.money(row["outside_income"], currency)
        fields["expected"] = tr.money(row["expected_income"], currency)
        fields["threshold"] = tr.money(row["expected_income"] + premium, currency)
    elif kind in ("joined", "founded", "stayed"):
        fields["reasons"] = _reasons(row, tr, currency)
        fields["trust"] = tr.number(100 * row["trust"])
        if kind == "stayed" and row["payoff_option"] < row["payoff_alone"]:
            kind = "stayed_worse"  # the option lost money before trust and premium
    if kind in ("left", "stayed_worse"):
        fields["years"] = int(row.get("bad_years", 0))
        fields["member"] = tr.money(row["payoff_option"], currency)
        fields["alone"] = tr.money(row["payoff_alone"], currency)
    key = f"decision.{kind}"
    if coop < 0 and tr.has(f"{key}_no_coop"):
        key += "_no_coop"
    return tr(key, **fields)


def after_farming(
    decisions: pd.DataFrame, farm: int, lang: str = "en", currency: str = "KZT"
) -> str | None:
    """For a farm that stopped farming: its last farming year and what it lives on now.

    What it earns now is what its work off the farm and the rent of its land were worth
    when it quit (currency/year, from the decision log); a farm that went out of
    business is said to have done so. None when the farm has not stopped farming.
    """
    rows = decisions[(decisions["farm"] == farm) & decisions["action"].isin(STOPPED)]
    if rows.empty:
        return None
    row = rows.sort_values("year", kind="stable").iloc[-1]
    tr = Translator(lang)
    if KINDS[row["action"]] == "insolvent":
        return tr("decision.after_insolvent", year=int(row["year"]))
    return tr(
        "decision.after_quit",
        year=int(row["year"]),
        outside=tr.money(row["outside_income"], currency),
    )


def farm_history(
    decisions: pd.DataFrame, farm: int, lang: str = "en", currency: str = "KZT"
) -> list[str]:
    """Every logged decision of one farm in words, oldest first.

    Args:
        decisions: the decision log.
        farm: the farm's number.
        lang: a language of :data:`coopsim.i18n.LANGUAGES`.
        currency: the scenario's currency code.
    """
    rows = decisions[decisions["farm"] == farm].sort_values("year", kind="stable")
    return [decision_text(row, lang, currency) for row in rows.to_dict("records")]
