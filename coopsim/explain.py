"""A farm's decisions in words, from the decision log.

Each row of the decision log (``decisions.parquet``, see ``docs/outputs.md``) holds
what the farm compared; :func:`explain` turns it into a sentence such as

    2018: joined coop 12 — machinery through the coop costs 31 % less than alone
    (84,000 against 122,000 KZT a year), the coop's price is 4 % higher; member grant
    100,000 KZT; the gain over staying alone beat its autonomy premium of 60,000 KZT.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd


def _money(x: float, currency: str) -> str:
    return f"{x:,.0f} {currency}"


def _pct_change(new: float, old: float) -> float | None:
    """Change from ``old`` to ``new`` in %, or None when undefined or under half a percent."""
    if not (math.isfinite(new) and math.isfinite(old)) or old == 0:
        return None
    change = (new - old) / abs(old) * 100
    return change if abs(change) >= 0.5 else None


def differences(row: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """What an offer changes for the farm, in %: machinery cost and price against alone.

    Each is None when it cannot be told or is under half a percent. Shared by every
    language the decisions are told in.
    """
    return (
        _pct_change(row["machinery_option"], row["machinery_alone"]),
        _pct_change(row["price_option"], row["price_alone"]),
    )


def _comparison(row: Mapping[str, Any], currency: str) -> list[str]:
    parts = []
    saving, price = differences(row)
    if saving is not None:
        word = "less" if saving < 0 else "more"
        parts.append(
            f"machinery through the coop costs {abs(saving):.0f} % {word} than alone "
            f"({_money(row['machinery_option'], currency)} against "
            f"{_money(row['machinery_alone'], currency)} a year)"
        )
    if price is not None:
        word = "higher" if price > 0 else "lower"
        parts.append(f"the coop's price is {abs(price):.0f} % {word}")
    return parts


def explain(row: Mapping[str, Any], currency: str = "KZT") -> str:
    """One decision-log row in words."""
    year, action, coop = int(row["year"]), row["action"], int(row.get("coop", -1))
    where = f"coop {coop}" if coop >= 0 else "a new coop"
    premium = _money(row.get("autonomy_premium", float("nan")), currency)
    if action == "quit farming":
        return (
            f"{year}: quit farming — off-farm work and renting out the land "
            f"({_money(row['outside_income'], currency)} a year) beat the "
            f"{_money(row['expected_income'], currency)} it expected from farming."
        )
    if action == "registered under pressure":
        return (
            f"{year}: signed up to coop {coop}, registered to meet the region's target; "
            "it exists on paper and does not operate yet."
        )
    if action == "seceded":
        return (
            f"{year}: left its coop with a group of members who paid more than a coop of "
            "their own would cost"
            + (f", and founded coop {coop}." if coop >= 0 else "; they went on alone.")
        )
    if action == "left":
        return (
            f"{year}: left coop {coop} after {int(row.get('bad_years', 0))} years in a row in "
            f"which farming alone plus its autonomy premium ({premium}) would have paid "
            f"more than membership ({_money(row['payoff_option'], currency)} against "
            f"{_money(row['payoff_alone'], currency)} alone)."
        )
    reasons = _comparison(row, currency)
    if row.get("grant", 0) > 0:
        reasons.append(f"grant {_money(row['grant'], currency)}")
    detail = (" — " + "; ".join(reasons)) if reasons else ""
    if action in ("joined", "founded"):
        verb = "joined" if action == "joined" else "founded"
        target = f"coop {coop}" if coop >= 0 else "a coop"
        return (
            f"{year}: {verb} {target}{detail}; what it expects as a member, weighed by its "
            f"trust ({row['trust']:.0%}), beat staying alone by more than its autonomy "
            f"premium of {premium}."
        )
    if action == "stayed alone":
        return (
            f"{year}: looked at {where} but stayed alone{detail}; the gain, weighed by its "
            f"trust ({row['trust']:.0%}), was less than its autonomy premium of {premium}."
        )
    return f"{year}: {action} {where}."


def farm_history(decisions: pd.DataFrame, farm: int, currency: str = "KZT") -> list[str]:
    """Every logged decision of one farm, in words, oldest first."""
    rows = decisions[decisions["farm"] == farm].sort_values("year", kind="stable")
    return [explain(row, currency) for row in rows.to_dict("records")]
