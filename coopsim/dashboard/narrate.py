"""Decisions and the classroom's village in words, in the page's language.

In English a decision is told by the library itself (:func:`coopsim.explain.explain`).
In Kazakh and Russian the same facts (the machinery saving, the price difference, the
grant, trust and the autonomy premium) fill the templates of the locale files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from coopsim.dashboard.i18n import Translator
from coopsim.dashboard.state import Run, View
from coopsim.entities import NO_COOP, NOMINAL
from coopsim.explain import differences, explain
from coopsim.scenario import ASSETS

ACTIONS = {
    "quit farming": "quit",
    "registered under pressure": "registered",
    "left": "left",
    "joined": "joined",
    "founded": "founded",
    "stayed alone": "stayed",
}


def _reasons(row: Mapping[str, Any], tr: Translator, currency: str) -> list[str]:
    parts = []
    saving, price = differences(row)
    if saving is not None:
        parts.append(
            tr(
                "decision.machinery_less" if saving < 0 else "decision.machinery_more",
                pct=tr.number(abs(saving)),
                option=tr.money(row["machinery_option"], currency),
                alone=tr.money(row["machinery_alone"], currency),
            )
        )
    if price is not None:
        key = "decision.price_higher" if price > 0 else "decision.price_lower"
        parts.append(tr(key, pct=tr.number(abs(price))))
    if row.get("grant", 0) > 0:
        parts.append(tr("decision.grant", grant=tr.money(row["grant"], currency)))
    return parts


def decision_text(row: Mapping[str, Any], tr: Translator, currency: str) -> str:
    """One decision-log row in words, in the translator's language."""
    if tr.lang == "en":
        return explain(row, currency)
    action = row["action"]
    coop = int(row.get("coop", -1))
    fields = {
        "year": int(row["year"]),
        "coop": coop,
        "premium": tr.money(row.get("autonomy_premium", float("nan")), currency),
    }
    if action == "seceded":
        return tr("decision.seceded_new" if coop >= 0 else "decision.seceded_alone", **fields)
    if action not in ACTIONS:
        return tr("decision.other", action=action, **fields)
    key = ACTIONS[action]
    if key == "quit":
        fields.update(
            outside=tr.money(row["outside_income"], currency),
            expected=tr.money(row["expected_income"], currency),
        )
    elif key == "left":
        fields.update(
            years=int(row.get("bad_years", 0)),
            member=tr.money(row["payoff_option"], currency),
            alone=tr.money(row["payoff_alone"], currency),
        )
    elif key in ("joined", "founded", "stayed"):
        reasons = _reasons(row, tr, currency)
        fields.update(
            reasons=(" — " + "; ".join(reasons)) if reasons else "",
            trust=tr.percent(row["trust"], 0),
        )
        if key == "stayed" and coop < 0:
            key = "stayed_new"
    return tr(f"decision.{key}", **fields)


def history(decisions, farm: int, tr: Translator, currency: str) -> list[str]:
    """Every logged decision of one farm in words, oldest first."""
    rows = decisions[decisions["farm"] == farm].sort_values("year", kind="stable")
    return [decision_text(r, tr, currency) for r in rows.to_dict("records")]


def _names(tr: Translator, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return tr("classroom.and", first=", ".join(names[:-1]), last=names[-1])


def short_name(run: Run, farm: int) -> str:
    """A farm's name without its description ("Aidar" of "Aidar, who has a tractor")."""
    return run.names[farm].split(",")[0] if run.names else f"#{farm}"


def pooled(run: Run, view: View, tr: Translator) -> list[str]:
    """For each coop of the village, a sentence on who pools which machines in it."""
    owns = run.model.farms.owns
    coops = sorted({int(k) for k in view.coop if k != NO_COOP})
    if not coops:
        return [tr("classroom.nobody")]
    lines = []
    for k in coops:
        members = np.flatnonzero(view.coop == k)
        what = []
        for a, asset in enumerate(ASSETS):
            owners = [short_name(run, int(f)) for f in members if owns[f, a]]
            if owners:
                what.append(
                    tr(f"classroom.asset_{asset}", owners=_names(tr, owners), n=len(owners))
                )
        status = "classroom.coop_nominal" if view.coop_status[k] == NOMINAL else "classroom.coop"
        lines.append(
            tr(
                status,
                k=k,
                n=len(members),
                members=_names(tr, [short_name(run, int(f)) for f in members]),
                what=_names(tr, what) if what else tr("classroom.no_machines"),
            )
        )
    return lines
