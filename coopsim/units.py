"""The units of scenario fields and the plausible maximum of each kind of quantity.

Every scenario field states its unit (``"currency/t"``, ``"ha"``, ``"farms"``, …). The
unit says what kind of quantity the field holds, and each kind has a plausible
maximum: a value above it is a mistake (a slipped digit, a unit confused), never a
country. :func:`coopsim.scenario._field` gives every numeric field without an upper
bound of its own its kind's maximum, so a field added later is bounded by its unit
alone; ``docs/scenarios.md`` (section "Plausible ranges") lists the maxima.

The maxima also keep the model's arithmetic finite: the largest amount of money times
the largest number of farms, tonnes or hectares stays many orders of magnitude below
what a 64-bit float holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of quantity and the largest value a scenario may give one.

    Attributes:
        name: the kind in words, as error messages name it.
        maximum: the plausible maximum, in the field's own unit.
        reason: why that maximum, in one sentence (for the documentation).
        signed: whether the quantity may be negative (down to ``-maximum``), as an
            amount of money may; else its least value is 0.
    """

    name: str
    maximum: float
    reason: str
    signed: bool = False

    @property
    def minimum(self) -> float:
        """The least value a field of this kind may take."""
        return -self.maximum if self.signed else 0


MONEY = Kind(
    "an amount of money",
    1e15,
    "a thousand trillion in the scenario's currency: more than a year of any state's farm "
    'programme; a currency that needs more can be counted in thousands (currency = "kIRR")',
    signed=True,
)
MONEY_PER_QUANTITY = Kind(
    "money per tonne, hectare or head",
    1e12,
    "a trillion in the scenario's currency for one tonne, hectare or animal",
    signed=True,
)
TONNES = Kind("tonnes", 1e9, "a third of the world's yearly grain harvest")
HECTARES = Kind("hectares", 1e9, "about the world's cropland")
HEADS = Kind("head of livestock", 1e9, "about the world's cattle")
PEOPLE = Kind(
    "farms, members, coops or jobs",
    20_000_000,
    "the most farms a scenario may stand for (population.farms)",
)
YEARS = Kind("years", 200, "the longest run a scenario may ask for (years)")
CALENDAR_YEAR = Kind("a calendar year", 2400, "the last year of the latest possible run")
SHARE = Kind("a share, probability or rate", 1.0, "all of it")
MULTIPLIER = Kind("a multiplier or ratio", 100, "a hundredfold", signed=True)
COUNT = Kind(
    "a count of samples, ties or permutations",
    1_000_000,
    "far more than any run can use in a year",
)
INDEX = Kind("an index", 20_000_000, "one per farm of the largest scenario")
INTEGER = Kind("an integer", 2**63 - 1, "the largest 64-bit integer", signed=True)

KINDS = (
    MONEY,
    MONEY_PER_QUANTITY,
    TONNES,
    HECTARES,
    HEADS,
    PEOPLE,
    YEARS,
    CALENDAR_YEAR,
    SHARE,
    MULTIPLIER,
    COUNT,
    INDEX,
    INTEGER,
)
"""Every kind, in the order the documentation lists them."""

_BY_QUANTITY: dict[str, Kind] = {
    "t": TONNES,
    "ha": HECTARES,
    "head": HEADS,
    "farms": PEOPLE,
    "members": PEOPLE,
    "coops": PEOPLE,
    "full-time jobs": PEOPLE,
    "regions": PEOPLE,
    "years": YEARS,
    "year": CALENDAR_YEAR,
    "probability": SHARE,
    "0–1": SHARE,
    "per year": SHARE,
    "per coop and year": SHARE,
    "weight": SHARE,
    "multiplier": MULTIPLIER,
    "ratio": MULTIPLIER,
    "per unit of share": MULTIPLIER,
    "times equity": MULTIPLIER,
    "permutations": COUNT,
    "sub-groups per coop": COUNT,
    "ties per farm": COUNT,
    "index": INDEX,
}
"""Kinds by the quantity a unit measures (the part before its first ``/``)."""

PER_QUANTITY = ("t", "ha", "head")
"""Denominators that make money a price or a cost per unit of output, land or herd."""

NOT_NUMBERS = ("", "on/off")
"""Units of fields that hold no number (text, choices, switches)."""


def kind_of(unit: str) -> Kind | None:
    """The kind of quantity a unit measures; None for a field that holds no number.

    Raises:
        ValueError: a unit this module does not know: a new field's unit must be
            given a kind here (with its plausible maximum) before the field can exist.
    """
    if unit in NOT_NUMBERS:
        return None
    quantity, *per = (part.strip() for part in unit.split("/"))
    if quantity == "currency":
        return MONEY_PER_QUANTITY if any(p in PER_QUANTITY for p in per) else MONEY
    if quantity.startswith("share"):
        return SHARE
    if quantity.startswith("log-sd"):
        return MULTIPLIER
    if quantity in _BY_QUANTITY:
        return _BY_QUANTITY[quantity]
    raise ValueError(
        f"unit {unit!r} has no plausible maximum: give its quantity a kind in coopsim/units.py"
    )
