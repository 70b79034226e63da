"""The unit of every column of a run's tables, and whether it is scaled to real units.

:mod:`coopsim.records` names the columns of the model table and the decision log;
this module says what each holds: its unit in the wording of ``docs/outputs.md``
(``"currency/year"``, ``"farms"``, ``"share (0–1)"``, …, where ``currency`` stands for
the scenario's currency), whether it is **scaled** (multiplied by the scenario's scale,
so that a sampled run reports real-unit totals) and a short description. The tables
of ``docs/outputs.md`` give the same units and scaling; a test holds the two together.
(:mod:`coopsim.units` is about the units of scenario fields, not of outputs.)

:func:`arrow_table` turns a table into a pyarrow table whose fields carry this in
their metadata, with the scenario's currency filled in, and :func:`write_parquet`
writes it: every Parquet file of a run says what its columns mean.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Column:
    """What one column of an output table holds.

    Attributes:
        unit: the unit as ``docs/outputs.md`` words it; ``currency`` stands for the
            scenario's currency; ``"–"`` or ``"text"`` for a column that holds no
            quantity (a name, an instrument).
        scaled: True when the values are multiplied by the scenario's scale (each
            simulated farm stands for ``scale`` real ones), False when they are not,
            None (``–`` in the documentation) for a column where scaling has no
            meaning: a year, an index, a text.
        description: what the column holds, in a line.
    """

    unit: str
    scaled: bool | None
    description: str

    @property
    def has_unit(self) -> bool:
        """False for a column that holds no quantity (unit ``–`` or ``text``)."""
        return self.unit not in NO_UNIT

    @property
    def is_money(self) -> bool:
        """True when the column is an amount of money (its unit starts with ``currency``)."""
        return self.unit.startswith(CURRENCY)

    def unit_in(self, currency: str) -> str:
        """The unit with the scenario's currency in place of ``currency``, e.g. ``KZT/year``."""
        return currency + self.unit.removeprefix(CURRENCY) if self.is_money else self.unit

    @property
    def bounds(self) -> tuple[float, float]:
        """The least and greatest value the column can hold.

        (0, 1) for a share, (0, ∞) for a count, an area or a size; unbounded for money
        (incomes can be negative), indices and years.
        """
        if self.unit in SHARE_UNITS:
            return 0.0, 1.0
        if self.is_money or not self.has_unit or self.unit in ("index", "calendar year"):
            return -math.inf, math.inf
        return 0.0, math.inf

    def metadata(self, currency: str) -> dict[str, str]:
        """The column's field metadata in a file of a run in ``currency``.

        ``unit`` (left out for a column without one), ``currency`` (money columns
        only), ``scaled`` (``"true"`` or ``"false"``; a column where scaling has no
        meaning is not scaled) and ``description``.
        """
        meta = {"unit": self.unit_in(currency)} if self.has_unit else {}
        if self.is_money:
            meta["currency"] = currency
        meta["scaled"] = "true" if self.scaled else "false"
        meta["description"] = self.description
        return meta


CURRENCY = "currency"
SHARE_UNITS = ("share (0–1)", "0–1")
"""The word units use for the scenario's currency."""

NO_UNIT = ("–", "text")
"""Units of columns that hold no quantity."""

_SUBSIDY = "currency/year"

MODEL: dict[str, Column] = {
    "year": Column("calendar year", None, "The year simulated."),
    "farms": Column("farms", True, "Farms still farming at the end of the year."),
    "members": Column(
        "farms", True, "Farms still farming that belong to a registered primary coop."
    ),
    "membership_rate": Column("share (0–1)", False, "members / farms."),
    "coops_registered": Column(
        "coops", True, "Primary coops registered (active or nominal) at the end of the year."
    ),
    "coops_active": Column("coops", True, "Primary coops operating at the end of the year."),
    "coops_nominal": Column(
        "coops", True, "Primary coops registered but not operating at the end of the year."
    ),
    "mean_coop_size": Column("farms per coop", False, "Mean members of the active primary coops."),
    "median_coop_size": Column(
        "farms per coop", False, "Median members of the active primary coops."
    ),
    "coop_market_share": Column(
        "share (0–1)", False, "Share of the farms' revenue sold through active coops as members."
    ),
    "joins": Column("farms", True, "Farms that joined an existing active coop this year."),
    "exits": Column("farms", True, "Members that left their coop this year, seceders included."),
    "foundings": Column("coops", True, "Primary coops registered this year, paper coops included."),
    "mergers": Column("mergers", True, "Pairs of primary coops merged this year."),
    "dissolutions": Column(
        "coops", True, "Primary coops wound up this year (not those absorbed in a merger)."
    ),
    "farm_exits": Column("farms", True, "Farms that stopped farming this year."),
    "farm_income_mean": Column(
        "currency/year per farm",
        False,
        "Mean income this year, subsidies in and one-off costs out, of the farms still farming.",
    ),
    "farm_income_gini": Column("0–1", False, "Gini coefficient of the same incomes."),
    "subsidy_paid": Column(
        _SUBSIDY, True, "State spending this year, net of clawbacks (tax relief not included)."
    ),
    "subsidy_per_active_member": Column(
        "currency/year per farm",
        False,
        "Net state spending this year per farm that sold through an active coop.",
    ),
    "price_member": Column(
        "currency/t", False, "Mean price per tonne of the farms that sold through a coop."
    ),
    "price_nonmember": Column(
        "currency/t", False, "Mean price per tonne of the farms that sold alone."
    ),
    "coops_unions": Column(
        "unions", False, "Regional unions active at the end of the year (a real count)."
    ),
    "secessions": Column("coops", True, "Coops from which a sub-group seceded this year."),
    "nominal_registrations": Column("coops", True, "Paper coops registered this year."),
    "activations": Column("coops", True, "Nominal coops that started operating this year."),
    "machines_bought": Column("machines", True, "Machines and buildings coops bought this year."),
    "rule_changes": Column(
        "coops", True, "Coops whose members switched the cost-sharing rule this year."
    ),
    "tax_relief": Column(
        "currency/year", True, "Turnover tax waived for active coops this year (not a payment)."
    ),
    "awareness_mean": Column(
        "0–1", False, "Mean awareness of the programme of the farms still farming."
    ),
    "trust_mean": Column("0–1", False, "Mean trust in cooperation of the farms still farming."),
    "land_per_farm_ha": Column(
        "ha per farm", False, "Mean farmland, own and rented, of the farms still farming."
    ),
    "land_rented_ha": Column(
        "ha", True, "Land of farms that quit this year taken over on the land market."
    ),
    "part_time_farms": Column(
        "farms", True, "Farms whose household earns more off the farm than on it."
    ),
    "side_selling_members": Column(
        "farms", True, "Members who will sell part of next year's output outside their coop."
    ),
    "audits": Column("coops", True, "Registered primary coops audited this year."),
    "paper_coops_exposed": Column(
        "coops", True, "Paper coops found by this year's audits and struck off."
    ),
    "loan_defaults": Column(
        "coops", True, "Active coops wound up this year for defaulting on their loans."
    ),
    "loans_written_off": Column(
        "currency", True, "What the defaulting coops still owed, written off this year."
    ),
    "cash_mean": Column(
        "currency per farm",
        False,
        "Mean savings of the farms still farming at the end of the year.",
    ),
    "subsidy_output": Column(_SUBSIDY, True, "Output subsidy paid, per tonne delivered to coops."),
    "subsidy_audit": Column(_SUBSIDY, True, "Share of the compulsory audit paid by the state."),
    "subsidy_credit": Column(_SUBSIDY, True, "Interest paid by the state on coop machinery loans."),
    "subsidy_start_up_aid": Column(
        _SUBSIDY, True, "Degressive start-up aid to young active coops."
    ),
    "subsidy_start_up_grant": Column(
        _SUBSIDY, True, "Start-up grants to new coops, paper coops included."
    ),
    "subsidy_member_grant": Column(_SUBSIDY, True, "Grants for new members."),
    "subsidy_investment": Column(_SUBSIDY, True, "Share of the price of machines bought by coops."),
    "subsidy_merger": Column(_SUBSIDY, True, "Share of the merger cost of this year's mergers."),
    "subsidy_clawback": Column(
        _SUBSIDY, True, "Grants clawed back from exposed paper coops this year (negative)."
    ),
}
"""Every column of the model table (:data:`coopsim.records.TABLE_COLUMNS`), in order."""

PAYMENTS: dict[str, Column] = {
    "year": Column("calendar year", None, "Year of the payment."),
    "instrument": Column("–", None, "The subsidy instrument, or clawback."),
    "coop": Column("index", None, "The coop paid, or the paper coop a clawback came from."),
    "claimed": Column(
        "currency", True, "What was due under the policy in force (negative for a clawback)."
    ),
    "paid": Column("currency", True, "What was paid within the budget (negative for a clawback)."),
}
"""Every column of the payments table (:meth:`coopsim.model.CoopModel.payments_table`)."""

DECISIONS: dict[str, Column] = {
    "year": Column("calendar year", None, "Year of the decision."),
    "farm": Column("index", None, "The simulated farm."),
    "name": Column("text", None, "The farm's name (scenarios with named farms only)."),
    "action": Column("text", None, "What the farm did."),
    "coop": Column("index", None, "The coop concerned, or -1."),
    "payoff_alone": Column("currency/year", False, "The farm's payoff this year selling alone."),
    "payoff_option": Column(
        "currency/year", False, "Its payoff as a member, or what it expected in its best option."
    ),
    "autonomy_premium": Column(
        "currency/year", False, "The farm's autonomy share × its revenue selling alone."
    ),
    "trust": Column("0–1", False, "The farm's trust when it decided."),
    "machinery_alone": Column("currency/year", False, "Machinery cost farming alone."),
    "machinery_option": Column(
        "currency/year", False, "Machinery cost share in its coop or best option."
    ),
    "price_alone": Column(
        "currency/t", False, "The non-member price, weighted by the farm's tonnes."
    ),
    "price_option": Column("currency/t", False, "The same at the coop's price."),
    "grant": Column("currency", False, "Grants received on joining or founding this year."),
    "one_off_cost": Column("currency", False, "Equity, switching and founding costs."),
    "gain": Column("currency/year", False, "The best option's gain over staying alone."),
    "bad_years": Column("years", False, "Consecutive dissatisfied years as a member."),
    "expected_income": Column("currency/year", False, "The farm's smoothed income expectation."),
    "outside_income": Column("currency/year", False, "What leaving farming would bring."),
}
"""Every column of the decision log (:data:`coopsim.records.DECISION_COLUMNS` and ``name``)."""

TABLES: dict[str, Mapping[str, Column]] = {
    "model": MODEL,
    "payments": PAYMENTS,
    "decisions": DECISIONS,
}
"""The registries by table name, as the files of a run are named (``model.parquet``, …).

The lineage table is not here: ``docs/outputs.md`` gives its columns no units.
"""


def arrow_table(
    frame: pd.DataFrame, currency: str, columns: Mapping[str, Column] = MODEL
) -> pa.Table:
    """The table as a pyarrow table whose fields say their unit, currency and scaling.

    Each field named in ``columns`` gets the metadata of :meth:`Column.metadata`;
    others (a sweep's run id and factor values, say) are left as they are. The
    table's own metadata (pandas') is kept, so ``pandas.read_parquet`` reads back the
    same frame.

    Args:
        frame: a model table (or payments table, decision log, or a table that holds
            such columns among others); its index is not kept.
        currency: the scenario's currency code (``Scenario.currency``), e.g. ``"KZT"``.
        columns: the registry of the table: :data:`MODEL` (the default),
            :data:`PAYMENTS` or :data:`DECISIONS`.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [
        field.with_metadata(columns[field.name].metadata(currency))
        if field.name in columns
        else field
        for field in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def write_parquet(
    frame: pd.DataFrame, path: str | Path, currency: str, columns: Mapping[str, Column] = MODEL
) -> None:
    """Write the table to a Parquet file whose fields carry their units (:func:`arrow_table`)."""
    pq.write_table(arrow_table(frame, currency, columns), path)
