"""Scenario files: what a run simulates, validated before anything runs.

A scenario is a TOML file with these tables (every field has a unit and a range,
see ``docs/scenarios.md``):

* top level: name, description, currency, start year, years, seed;
* ``[population]``: how many real farms, how many are simulated, regions,
  villages, farm types and their land, livestock and machinery;
* ``[network]``: ties within and between villages;
* ``[market]``: prices, volatility, bargaining premium, contractor prices,
  off-farm wage (``[[market.changes]]`` changes them from a given year);
* ``[costs]``: cooperative cost structure (rule R4) and machinery economics;
* ``[behaviour]``: how farms decide (calibrated once, shared by all countries);
* ``[federation]``: regional unions and a central tier;
* ``[policy]``: every subsidy lever; ``[[policy.changes]]`` changes them from
  a given year, so a policy is a schedule, not a constant.

Every number is finite and bounded: a field without an upper bound of its own gets the
plausible maximum of its unit's kind (:mod:`coopsim.units`), so a field added later is
bounded by its unit alone. Text holds no control characters
(:class:`coopsim.inputs.Strict`). A scenario file must say how many farms it stands
for (``population.farms``); everything else has a default.

Errors are raised as :class:`ScenarioError`, whose message is one line naming
the file, the key and what was expected.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator
from pydantic.fields import FieldInfo

from coopsim import units
from coopsim.inputs import ScenarioError, Strict, one_line_error, read_toml

ASSETS = ("tractor", "truck", "combine", "barn")
"""The four kinds of machinery and buildings a farm can own and a coop can pool."""

PRODUCTS = ("crop", "livestock")
"""Products marketed: crops in tonnes of grain equivalent, livestock products in tonnes."""

FARM_TYPES = ("household_plot", "peasant_farm", "commercial_farm")


MAX_CHANGES = 200
"""Most changes by year a section may list: one a year over the longest run."""


def _field(default: Any, unit: str, help: str, **bounds: Any) -> Any:
    """A scenario field with its unit and a one-line help text (shown by the dashboard).

    A number without an upper bound of its own (``le``/``lt``) gets the plausible
    maximum of its unit's kind (:func:`coopsim.units.kind_of`), and one without a lower
    bound the kind's least value (0, or the maximum's negative for money and
    multipliers); an integer without a unit may hold any 64-bit integer.
    """
    extra: dict[str, Any] = {"unit": unit}
    number = default is None or (isinstance(default, int | float) and not isinstance(default, bool))
    kind = units.kind_of(unit)
    if kind is None and unit == "" and isinstance(default, int) and not isinstance(default, bool):
        kind = units.INTEGER
    if kind is not None and number:
        if not bounds.keys() & {"le", "lt"}:
            bounds["le"] = kind.maximum
            extra["plausible"] = kind.name
        if not bounds.keys() & {"ge", "gt"}:
            bounds["ge"] = kind.minimum
    return Field(default, description=help, json_schema_extra=extra, **bounds)


Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(Strict):
    model_config = ConfigDict(validate_default=True)


# --- population -------------------------------------------------------------------------------


class FarmType(_Section):
    """How one type of farm is drawn: its share, size and machinery."""

    share: float = _field(
        0.0, "share of farms", "Share of all farms that are of this type.", ge=0, le=1
    )
    land_ha_median: float = _field(5.0, "ha", "Median farmland.", gt=0, le=100_000)
    land_sigma: float = _field(
        0.6, "log-sd", "Spread of farmland (sd of its logarithm).", ge=0, le=3
    )
    livestock_median: float = _field(2.0, "head", "Median herd size.", ge=0, le=100_000)
    livestock_sigma: float = _field(0.6, "log-sd", "Spread of herd size.", ge=0, le=3)
    owns_tractor: Share = _field(0.1, "probability", "Chance that such a farm owns a tractor.")
    owns_truck: Share = _field(0.1, "probability", "Chance that it owns a truck.")
    owns_combine: Share = _field(0.02, "probability", "Chance that it owns a combine harvester.")
    owns_barn: Share = _field(
        0.3, "probability", "Chance that it owns a barn fit for a larger herd."
    )
    labour_units: float = _field(
        0.3,
        "full-time jobs",
        "Labour the farm needs at the start; it grows with the land taken over and falls "
        "with labour-saving technology (market.labour_index).",
        ge=0,
        le=100,
    )
    household_labour: float = _field(
        1.0,
        "full-time jobs",
        "Labour the household can work, on its farm or off it: what the farm does not need "
        "works off-farm (part-time farming).",
        ge=0,
        le=100,
    )
    cash: float = _field(0.0, "currency", "Cash at the start.", ge=0)


Translated = Literal["kk", "ru"]
"""The languages a scenario's own words may be given in besides English."""


class ScenarioText(_Section):
    """A scenario's title and description in one more language."""

    name: str = _field("", "", "Short title.")
    description: str = _field("", "", "What the scenario tells.")


class NamedFarm(_Section):
    """One farm given by hand, for small cases a class can follow farm by farm."""

    name: str = _field("", "", "How the farm is called in the narration.")
    names: dict[Translated, str] = _field(
        {}, "", "The farm's name in Kazakh (kk) and Russian (ru); empty: as in ``name``."
    )

    def name_in(self, lang: str) -> str:
        """The farm's name in a language (``en``, ``kk``, ``ru``), English when not given."""
        return self.names.get(lang) or self.name  # type: ignore[call-overload]

    kind: Literal["household_plot", "peasant_farm", "commercial_farm"] = _field(
        "peasant_farm", "", "Farm type."
    )
    village: int = _field(0, "index", "Village (farms of one village can pool).", ge=0)
    region: int = _field(0, "index", "Region.", ge=0)
    land_ha: float = _field(20, "ha", "Farmland.", ge=0, le=100_000)
    livestock_head: float = _field(5, "head", "Herd.", ge=0, le=100_000)
    assets: list[Literal["tractor", "truck", "combine", "barn"]] = _field(
        [], "", "Machinery and buildings it owns."
    )
    productivity: float = _field(
        1.0, "multiplier", "Output per ha and head against average.", gt=0, le=10
    )
    autonomy_premium: float | None = _field(
        None,
        "share of revenue",
        "Its autonomy premium; empty = drawn like any farm's.",
        ge=0,
        le=5,
    )
    awareness: Share | None = _field(None, "0–1", "Its awareness; empty = drawn like any farm's.")
    trust: Share | None = _field(None, "0–1", "Its trust; empty = drawn like any farm's.")
    labour_units: float | None = _field(
        None, "full-time jobs", "Labour it takes; empty = its type's value.", ge=0, le=100
    )


MAX_SIMULATED_FARMS = 10_000_000
"""Most farms a run may simulate: Japan's 6.06 million households of 1960 at full scale
fit, with room; a run of this size needs about 2 kB of memory a farm."""


class Population(_Section):
    """The farms: how many, where, of which types."""

    farms: int = _field(
        500_000, "farms", "Real number of farms the scenario stands for.", ge=2, le=20_000_000
    )
    simulated_farms: int | None = _field(
        None,
        "farms",
        "Farms actually simulated; each stands for farms/simulated_farms real ones. Empty = all.",
        ge=2,
        le=MAX_SIMULATED_FARMS,
    )
    regions: int = _field(
        14, "regions", "Number of regions (markets and KPI targets).", ge=1, le=500
    )
    village_size: int = _field(80, "farms", "Mean number of farms in a village.", ge=2, le=5_000)
    productivity_sigma: float = _field(
        0.2, "log-sd", "Spread of farm productivity around 1.", ge=0, le=2
    )
    awareness: Share = _field(0.05, "share", "Mean awareness of the programme at the start.")
    trust: Share = _field(0.4, "0–1", "Mean trust in cooperation at the start.")
    initial_membership_rate: Share = _field(
        0.0, "share of farms", "Share of farms already in a cooperative at the start."
    )
    initial_coop_size: int = _field(
        20, "members", "Mean members per cooperative existing at the start.", ge=2, le=10_000
    )
    initial_coops_by_farm_type: bool = _field(
        True,
        "on/off",
        "Coops existing at the start hold one farm type each (off: a village's members "
        "form mixed coops, as in old village cooperatives).",
    )
    named_farms: list[NamedFarm] = _field(
        [], "", "Farms given one by one (then farms must equal their number)."
    )
    household_plot: FarmType = FarmType(
        share=0.8,
        land_ha_median=3,
        livestock_median=3,
        owns_tractor=0.05,
        owns_truck=0.05,
        owns_combine=0.01,
        owns_barn=0.15,
        labour_units=0.05,
    )
    peasant_farm: FarmType = FarmType(
        share=0.19,
        land_ha_median=60,
        livestock_median=15,
        owns_tractor=0.5,
        owns_truck=0.3,
        owns_combine=0.1,
        owns_barn=0.5,
        labour_units=0.5,
    )
    commercial_farm: FarmType = FarmType(
        share=0.01,
        land_ha_median=1500,
        livestock_median=150,
        owns_tractor=1.0,
        owns_truck=1.0,
        owns_combine=0.9,
        owns_barn=0.9,
        labour_units=5.0,
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Population:
        total = sum(getattr(self, t).share for t in FARM_TYPES)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"farm type shares must add up to 1 (household_plot + peasant_farm + "
                f"commercial_farm), got {total:g}"
            )
        if self.simulated_farms is not None and self.simulated_farms > self.farms:
            raise ValueError("simulated_farms cannot exceed farms")
        if self.named_farms:
            if self.farms != len(self.named_farms):
                raise ValueError(
                    f"farms is {self.farms} but {len(self.named_farms)} named_farms are given"
                )
            if self.simulated_farms not in (None, self.farms):
                raise ValueError("named farms cannot be run as a scaled sample")
            if max(f.region for f in self.named_farms) >= self.regions:
                raise ValueError("a named farm's region is not below regions")
        return self

    @property
    def scale(self) -> float:
        """Real farms per simulated farm."""
        return self.farms / (self.simulated_farms or self.farms)


class Network(_Section):
    """Social ties: villages as dense clusters, weaker ties between villages of a region."""

    village_ties: int = _field(
        8, "ties per farm", "Ties each farm has inside its village (even number).", ge=2, le=200
    )
    outside_village_share: Share = _field(
        0.05,
        "share of ties",
        "Share of ties rewired to a random farm of the region (mostly in other villages).",
    )

    @model_validator(mode="after")
    def _even_ties(self) -> Network:
        if self.village_ties % 2:
            raise ValueError(
                f"village_ties must be even (half on each side), got {self.village_ties}"
            )
        return self


# --- market and costs -------------------------------------------------------------------------


class MarketLevers(_Section):
    """Prices and outside options; each can change by year."""

    price_crop: float = _field(50_000, "currency/t", "Reference (buyers') price of crops.", gt=0)
    price_livestock: float = _field(
        150_000, "currency/t", "Reference (buyers') price of livestock products.", gt=0
    )
    price_volatility: float = _field(
        0.10, "log-sd per year", "Year-to-year price shock (sd of its logarithm).", ge=0, le=1
    )
    buyers_margin: float = _field(
        0.20, "share of price", "What buyers keep from a farm selling alone.", ge=0, lt=1
    )
    bargaining_premium: float = _field(
        0.15,
        "per unit of share",
        "β: price rise per share of regional volume a coop markets (rule R5).",
        ge=0,
        le=5,
    )
    yardstick: Share = _field(
        0.3, "share of β", "How much of the coops' price effect non-members also get."
    )
    assured_market_value: float = _field(
        0.05, "share of revenue", "Value to a member of an assured outlet.", ge=0, le=1
    )
    hire_tractor: float = _field(
        8_000, "currency/ha", "Contractor price for tillage and haymaking.", ge=0
    )
    hire_combine: float = _field(7_000, "currency/ha", "Contractor price for harvesting.", ge=0)
    hire_truck: float = _field(2_500, "currency/t", "Haulage price to market.", ge=0)
    hire_barn: float = _field(
        15_000, "currency/head", "Renting stall space for one animal for a year.", ge=0
    )
    off_farm_wage: float = _field(
        900_000, "currency/year", "Income of one full-time job off the farm.", ge=0
    )
    land_rent: float = _field(
        2_000, "currency/ha/year", "Rent a farm gets for its land if it quits.", ge=0
    )
    interest_rate: float = _field(
        0.14, "per year", "Commercial interest rate on loans.", ge=0, le=1
    )
    crop_yield_index: float = _field(
        1.0,
        "multiplier",
        "Crop yields against costs.crop_yield_t_per_ha: technical progress (2 = twice the yield).",
        gt=0,
        le=20,
    )
    livestock_yield_index: float = _field(
        1.0,
        "multiplier",
        "Output per animal against costs.livestock_yield_t_per_head (e.g. milk per cow).",
        gt=0,
        le=20,
    )
    input_cost_index: float = _field(
        1.0,
        "multiplier",
        "Seed, fertiliser, feed and other costs per hectare and per animal against "
        "costs.crop_cost_per_ha and livestock_cost_per_head (real input prices by year).",
        gt=0,
        le=20,
    )
    labour_index: float = _field(
        1.0,
        "multiplier",
        "Labour a farm needs against what it needed at the start: labour-saving technology "
        "(0.5 = half the labour).",
        gt=0,
        le=10,
    )
    credit_per_ha: float = _field(
        0,
        "currency/ha",
        "Commercial credit a farm can raise per hectare it owns (its land as collateral).",
        ge=0,
    )
    coop_leverage: float = _field(
        3.0,
        "times equity",
        "Loans a cooperative can raise at the commercial rate, as a multiple of its members' "
        "equity (3: a quarter of an investment paid from its own funds).",
        ge=0,
        le=100,
    )


class Costs(_Section):
    """Cost structure of farms and cooperatives (rule R4) and machinery economics."""

    crop_yield_t_per_ha: float = _field(1.2, "t/ha", "Crop yield at productivity 1.", gt=0, le=50)
    livestock_yield_t_per_head: float = _field(
        1.5, "t/head/year", "Livestock product per animal a year.", gt=0, le=50
    )
    crop_cost_per_ha: float = _field(
        18_000, "currency/ha", "Seed, fertiliser and other non-machinery cost.", ge=0
    )
    livestock_cost_per_head: float = _field(
        70_000, "currency/head/year", "Feed, veterinary and other non-machinery cost.", ge=0
    )
    yield_input_share: Share = _field(
        0.5,
        "share",
        "Share of a yield gain (market.crop_yield_index, livestock_yield_index) that takes "
        "inputs in proportion (fertiliser, plant protection, concentrate feed): at 0.5, twice "
        "the first year's yield costs 1.5 times its inputs per hectare or head (assumed).",
    )
    hay_ha_per_head: float = _field(
        1.0, "ha/head", "Haymaking area needed per animal (tractor work).", ge=0, le=100
    )
    price_tractor: float = _field(6_000_000, "currency", "Price of a new tractor.", ge=0)
    price_truck: float = _field(4_000_000, "currency", "Price of a new truck.", ge=0)
    price_combine: float = _field(25_000_000, "currency", "Price of a new combine.", ge=0)
    price_barn: float = _field(8_000_000, "currency", "Price of a new barn.", ge=0)
    owned_value_share: Share = _field(
        0.15,
        "share of new price",
        "What the machines and barns farms already own are worth, against new ones.",
    )
    capacity_tractor: float = _field(400, "ha/year", "Area a tractor can work in a year.", gt=0)
    capacity_truck: float = _field(1_500, "t/year", "Tonnes a truck can haul in a year.", gt=0)
    capacity_combine: float = _field(800, "ha/year", "Area a combine can harvest in a year.", gt=0)
    capacity_barn: float = _field(60, "head", "Animals a barn can house.", gt=0)
    operating_share: Share = _field(
        0.35,
        "share of hire price",
        "Running cost of one's own machine per unit of work, as a share of the contractor price.",
    )
    depreciation_rate: Share = _field(0.07, "per year", "Machinery depreciation.")
    farm_fixed_labour: float = _field(
        0.0,
        "full-time jobs",
        "Labour any farm needs whatever its size and technology (managing it, being there): "
        "what makes very small farms costly to keep.",
        ge=0,
        le=10,
    )
    coop_fixed_cost: float = _field(
        600_000, "currency/year", "F: a cooperative's administration cost.", ge=0
    )
    audit_cost: float = _field(300_000, "currency/year", "Compulsory audit of a cooperative.", ge=0)
    handling_cost: float = _field(
        0.03, "share of marketed value", "c: collection and handling per unit marketed.", ge=0, le=1
    )
    governance_cost: float = _field(
        40_000,
        "currency/member/year",
        "γ: governance cost per member per unit of member heterogeneity.",
        ge=0,
    )
    coop_tax_rate: Share = _field(0.03, "share of marketed value", "Tax on a coop's turnover.")
    equity_per_member: float = _field(
        100_000, "currency", "Share capital a member pays in when joining.", ge=0
    )
    switching_cost: float = _field(
        50_000, "currency", "One-off cost of joining (paperwork, changing buyers).", ge=0
    )
    founding_cost: float = _field(
        1_000_000, "currency", "One-off cost of registering a new cooperative.", ge=0
    )
    secession_setup_cost: float = _field(
        2_000_000,
        "currency",
        "Set-up cost a seceding group must cover (rule R2): registering a new coop.",
        ge=0,
    )
    merger_cost: float = _field(
        3_000_000, "currency", "One-off cost of merging two cooperatives.", ge=0
    )
    distance_cost: float = _field(
        0,
        "currency/member/year",
        "Cost of collecting from and governing one more village, per member a year: what makes "
        "a coop spanning many villages costlier (a diseconomy of size).",
        ge=0,
    )
    overhead_wage_share: Share = _field(
        0.5,
        "share",
        "Share of a cooperative's overheads (its administration, audit, founding and merger "
        "costs) that is wages: that share follows the off-farm wage from the scenario's first "
        "year, so that a coop's fixed costs rise with real wages (assumed).",
    )


class Behaviour(_Section):
    """How farms and coops decide. Calibrated once, shared across countries."""

    revision_probability: Share = _field(
        0.3, "per year", "Chance that a farm reconsiders its membership in a year."
    )
    planning_horizon_years: float = _field(
        5, "years", "Over how many years one-off costs are spread when deciding.", ge=1, le=50
    )
    loyalty_threshold: float = _field(
        0.05, "share of revenue", "Dissatisfaction a member tolerates (rule R6).", ge=0, le=5
    )
    exit_after_bad_years: int = _field(
        3, "years", "m: consecutive bad years before a member leaves (rule R6).", ge=1, le=50
    )
    voice: bool = _field(
        True, "on/off", "Dissatisfied majorities can change their coop's cost-sharing rule."
    )
    min_founders: int = _field(
        3, "farms", "Smallest group that can register a cooperative.", ge=2, le=1000
    )
    awareness_contagion: Share = _field(
        0.3, "per year", "Rate at which awareness spreads from aware neighbours."
    )
    trust_learning: Share = _field(
        0.2, "per year", "How fast trust follows what neighbours experience in coops."
    )
    autonomy_premium_household_plot: float = _field(
        0.0751,
        "share of revenue",
        "Value of being one's own boss to a household plot, as a share of its revenue selling "
        "alone; calibrated (the posterior's MAP).",
        ge=0,
        le=1,
    )
    autonomy_premium_peasant_farm: float = _field(
        0.137,
        "share of revenue",
        "The same for a peasant (family) farm; calibrated.",
        ge=0,
        le=1,
    )
    autonomy_premium_commercial_farm: float = _field(
        0.1361,
        "share of revenue",
        "The same for a commercial farm; calibrated.",
        ge=0,
        le=1,
    )
    autonomy_premium_sd: float = _field(
        0.05, "share of revenue", "Spread of the autonomy premium between farms.", ge=0, le=1
    )
    review_years: float = _field(
        10.8009,
        "years",
        "Years between the times a farm weighs going on: a succession, or its main machine "
        "or building due for replacement; each farm once every review_years, the farms' reviews "
        "spread evenly over the years.",
        ge=5,
        le=100,
    )
    savings_rate: Share = _field(
        0.2,
        "share of income",
        "Share of a year's positive income a farm saves; losses are paid from savings.",
    )
    side_selling_share: Share = _field(
        0.1,
        "share of output",
        "Share of its output a member sells outside its coop when outside buyers pay more than "
        "the coop does after its charges (side-selling).",
    )
    paper_coop_trust_loss: Share = _field(
        0.3,
        "share of trust",
        "Share of their trust that farms of a village lose when an audit exposes a paper coop "
        "there.",
    )
    income_memory: Share = _field(
        0.5, "weight", "Weight of this year's income in the expected income."
    )
    secession_samples: int = _field(
        4,
        "sub-groups per coop",
        "Sub-groups tested for secession each year (rule R2).",
        ge=0,
        le=100,
    )
    merger_search_probability: Share = _field(
        0.5664, "per year", "Chance that a coop looks for a merger partner (rule R7); calibrated."
    )
    merger_success_probability: Share = _field(
        0.5, "probability", "Chance a merger realises its expected savings (Cramer 1967)."
    )
    nominal_dissolve_years: int = _field(
        3, "years", "A nominal coop without pressure dissolves after this many years.", ge=1, le=50
    )
    shapley_exact_max: int = _field(
        10, "members", "Largest coop whose Shapley value is computed exactly.", ge=2, le=16
    )
    shapley_permutations: int = _field(
        64, "permutations", "Sampled orders for the Shapley value of larger coops.", ge=8, le=5000
    )


class Federation(_Section):
    """Regional unions of primary coops and a central tier."""

    union_min_coops: int = _field(
        3, "coops", "Primary coops needed to form a regional union.", ge=2, le=10_000
    )
    union_cost_per_coop: float = _field(
        1_000_000, "currency/year", "What a primary coop pays its union.", ge=0
    )
    union_bargaining: Share = _field(
        0.5, "share", "How much of its union's market share a member coop bargains with."
    )
    central_tier: bool = _field(False, "on/off", "Unions may join one central federation.")
    central_premium: float = _field(
        0.02, "share of price", "Price gain from a central federation.", ge=0, le=1
    )
    merge_across_regions: bool = _field(
        False, "on/off", "Coops may merge with coops of other regions, not only their own."
    )


class PolicyLevers(_Section):
    """What the state pays for. Each lever can change by year."""

    start_up_grant: float = _field(
        0, "currency/coop", "Grant to each newly registered cooperative.", ge=0
    )
    member_grant: float = _field(
        0, "currency/new member", "Grant for each farm that joins a cooperative.", ge=0
    )
    member_grant_needs_operation: bool = _field(
        False, "on/off", "Pay member grants only to members of operating (active) coops."
    )
    investment_subsidy: Share = _field(
        0, "share of price", "Share of a coop's machinery and building purchase the state repays."
    )
    credit_rate: float | None = _field(
        None,
        "per year",
        "Concessional interest rate for coop loans; empty = commercial rate.",
        ge=0,
        le=1,
    )
    credit_grace_years: int = _field(
        0, "years", "Years without interest on a concessional loan.", ge=0, le=30
    )
    output_subsidy_crop: float = _field(
        0, "currency/t", "Paid per tonne of crops marketed through an active coop.", ge=0
    )
    output_subsidy_livestock: float = _field(
        0, "currency/t", "Paid per tonne of livestock products marketed through a coop.", ge=0
    )
    tax_relief: Share = _field(0, "share of tax", "Share of the coop turnover tax waived.")
    audit_subsidy: Share = _field(0, "share of audit cost", "Share of the audit the state pays.")
    start_up_aid: list[Share] = _field(
        [],
        "share of marketed value by coop year",
        "Degressive aid, e.g. [0.10, 0.08, 0.06, 0.05, 0.04].",
    )
    start_up_aid_cap: float | None = _field(
        None, "currency/coop/year", "Cap on the degressive aid; empty = none.", ge=0
    )
    merger_subsidy: Share = _field(
        0, "share of merger cost", "Share of a merger's cost the state pays."
    )
    kpi_coops_per_region: float = _field(
        0, "coops", "Registered coops each region is told to reach (real count).", ge=0
    )
    kpi_pressure: Share = _field(
        0,
        "0–1",
        "How hard administrations push to meet the KPI: the chance a village of a region short "
        "of its target is approached in a year, and the share of the registration cost the "
        "administration takes on.",
    )
    audit_probability: Share = _field(
        0,
        "per coop and year",
        "Chance that a registered coop is audited in a year; an audit exposes a coop that "
        "exists only on paper.",
    )
    clawback_share: Share = _field(
        1.0, "share of grants", "Share of its grants an exposed paper coop must pay back."
    )
    member_credit: float = _field(
        0,
        "currency/member",
        "Concessional credit each farm can get to pay its equity and joining costs.",
        ge=0,
    )
    credit_leverage: float = _field(
        9.0,
        "times equity",
        "Loans a coop can raise under concessional credit, as a multiple of its members' equity "
        "(with a credit_rate set; 9: leasing with a tenth paid up front).",
        ge=0,
        le=100,
    )
    merger_plan_coops_per_region: float = _field(
        0,
        "coops",
        "Coops per region a national merger plan aims at (real count; 0 = no plan).",
        ge=0,
    )
    merger_plan_pressure: Share = _field(
        0,
        "0–1",
        "How hard the plan is pushed where a region has more coops than it aims at: the share "
        "of merger costs its organisers bear; such coops look for a partner every year.",
    )
    min_coop_members: int = _field(
        0,
        "members",
        "Legal minimum size of a coop (0 = none): smaller coops look for a partner every year "
        "and merge whenever it saves cost, without a vote.",
        ge=0,
        le=100_000,
    )
    campaign: Share = _field(
        0, "share per year", "Information campaign: share of unaware farms it reaches each year."
    )
    budget: float | None = _field(
        None, "currency/year", "Cap on what the state pays in a year; empty = no cap.", ge=0
    )


def _partial(levers: type[_Section], name: str) -> Any:
    """A model with every lever optional and a required year: one entry of ``changes``."""
    year = Field(
        description="Calendar year the change starts.",
        ge=1800,
        le=units.CALENDAR_YEAR.maximum,
        json_schema_extra={"unit": "year"},
    )
    fields: dict[str, Any] = {"year": (int, year)}
    for key, info in levers.model_fields.items():
        bounded = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        fields[key] = (
            bounded | None,
            Field(None, description=info.description, json_schema_extra=info.json_schema_extra),
        )
    return create_model(name, __base__=_Section, **fields)


PolicyChange = _partial(PolicyLevers, "PolicyChange")
MarketChange = _partial(MarketLevers, "MarketChange")


class Policy(PolicyLevers):
    """Policy levers in force at the start, and changes from given years."""

    changes: list[PolicyChange] = Field(
        default_factory=list, max_length=MAX_CHANGES, description="Changes by year."
    )


class Market(MarketLevers):
    """Market levers in force at the start, and changes from given years."""

    changes: list[MarketChange] = Field(
        default_factory=list, max_length=MAX_CHANGES, description="Changes by year."
    )


class Scenario(_Section):
    """A whole scenario, as validated from its TOML file."""

    name: str = _field("unnamed", "", "Short title.")
    description: str = _field("", "", "What the scenario tells, for a teacher or a policymaker.")
    sources: str = _field("", "", "Where the values come from; which are measured, which assumed.")
    translations: dict[Translated, ScenarioText] = _field(
        {}, "", "The title and description in Kazakh (kk) and Russian (ru)."
    )
    currency: str = _field("KZT", "", "Currency of every money value.")
    start_year: int = _field(2016, "year", "First simulated year.", ge=1800, le=2200)
    years: int = _field(15, "years", "Number of simulated years.", ge=1, le=200)
    seed: int = _field(0, "", "Seed of every random draw.", ge=0)
    cost_sharing: Literal["patronage", "shapley"] = _field(
        "patronage", "", "How coops share costs among members (rule R3)."
    )
    population: Population = Population()
    network: Network = Network()
    market: Market = Market()
    costs: Costs = Costs()
    behaviour: Behaviour = Behaviour()
    federation: Federation = Federation()
    policy: Policy = Policy()

    @model_validator(mode="after")
    def _changes_within_run(self) -> Scenario:
        for section in ("policy", "market"):
            first: dict[int, int] = {}
            for i, change in enumerate(getattr(self, section).changes):
                if change.year < self.start_year:
                    raise ValueError(
                        f"{section}.changes.{i}.year: {change.year} is before start_year "
                        f"{self.start_year}"
                    )
                if change.year in first:
                    raise ValueError(
                        f"{section}.changes.{i}.year: {change.year} is already the year of "
                        f"{section}.changes.{first[change.year]} (one change a year: put "
                        "all the levers that change that year in one entry)"
                    )
                first[change.year] = i
        return self

    @property
    def end_year(self) -> int:
        """Last simulated year."""
        return self.start_year + self.years - 1

    def policy_in(self, year: int) -> PolicyLevers:
        """The policy levers in force in ``year``."""
        return _in_force(PolicyLevers, self.policy, year)

    def market_in(self, year: int) -> MarketLevers:
        """The market levers in force in ``year``."""
        return _in_force(MarketLevers, self.market, year)

    def overhead_index(self, year: int) -> float:
        """A coop's overheads in ``year`` relative to the first year (1 = as in ``costs``).

        The wage share of the overheads (``costs.overhead_wage_share``) moves with the
        off-farm wage; the rest stays at its first-year price.
        """
        start = self.market_in(self.start_year).off_farm_wage
        if start <= 0:
            return 1.0
        ratio = self.market_in(year).off_farm_wage / start
        return 1.0 + self.costs.overhead_wage_share * (ratio - 1.0)

    def name_in(self, lang: str) -> str:
        """The title in a language (``en``, ``kk``, ``ru``), English when not translated."""
        text = self.translations.get(lang)  # type: ignore[call-overload]
        return text.name if text is not None and text.name else self.name

    def description_in(self, lang: str) -> str:
        """The description in a language, English when not translated."""
        text = self.translations.get(lang)  # type: ignore[call-overload]
        return text.description if text is not None and text.description else self.description

    def with_values(self, values: dict[str, Any]) -> Scenario:
        """A copy with fields replaced by dotted keys, e.g. ``{"policy.member_grant": 1e5}``.

        A key ``policy.changes.2019.member_grant`` sets the lever in the change that
        starts in 2019 (creating it if needed). The copy is validated again.
        """
        data = self.model_dump(mode="python")
        for key, value in values.items():
            _set_dotted(data, key, value)
        return validate_scenario(data, source="scenario values")


def _in_force(levers: type[_Section], block: _Section, year: int) -> Any:
    values = {k: getattr(block, k) for k in levers.model_fields}
    for change in sorted(block.changes, key=lambda c: c.year):
        if change.year <= year:
            values.update(change.model_dump(exclude_none=True, exclude={"year"}))
    return levers.model_construct(**values)


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node: Any = data
    if hasattr(value, "item") and not isinstance(value, str | list | dict):
        value = value.item()  # a numpy number, e.g. from a sampled design
    for i, part in enumerate(parts[:-1]):
        if part == "changes" and isinstance(node.get("changes"), list):
            if len(parts) != i + 3:
                raise ScenarioError(f"{key}: a change is set as <section>.changes.<year>.<lever>")
            try:
                year = int(parts[i + 1])
            except ValueError:
                raise ScenarioError(f"{key}: {parts[i + 1]!r} is not a year") from None
            changes = node["changes"]
            match = next((c for c in changes if c["year"] == year), None)
            if match is None:
                match = {"year": year}
                changes.append(match)
            match[parts[-1]] = value
            return
        if not isinstance(node, dict) or part not in node:
            raise ScenarioError(f"{key}: no such scenario field")
        node = node[part]
    if not isinstance(node, dict) or parts[-1] not in node:
        raise ScenarioError(f"{key}: no such scenario field")
    node[parts[-1]] = value


def validate_scenario(data: dict[str, Any], source: str = "scenario") -> Scenario:
    """Validate a scenario given as a dictionary (as read from TOML).

    Besides the schema, a scenario must say how many farms it stands for: a file
    without ``population.farms`` is refused rather than run as the defaults' 500,000
    farms.

    Raises:
        ScenarioError: one line naming ``source``, the key and what was expected.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise one_line_error(exc, source, plausible_range) from None
    if "farms" not in scenario.population.model_fields_set:
        what = (
            "the file holds no settings; a scenario needs at least [population] farms = N"
            if not data
            else "how many real farms the scenario stands for"
        )
        raise ScenarioError(f"{source}: population.farms: required key is missing ({what})")
    return scenario


def plausible_range(error: dict[str, Any]) -> str | None:
    """For a value beyond the plausible maximum of its unit, which maximum, in words."""
    side = {"less_than_equal": ("le", "at most"), "greater_than_equal": ("ge", "at least")}
    if error["type"] not in side:
        return None
    key, words = side[error["type"]]
    bound = float((error.get("ctx") or {}).get(key, "nan"))
    info = _field_at(Scenario, error["loc"])
    extra = info.json_schema_extra if info is not None else None
    if not isinstance(extra, dict) or "plausible" not in extra:
        return None
    kind = units.kind_of(extra["unit"]) or units.INTEGER
    if kind is units.SHARE or bound not in (float(kind.maximum), float(kind.minimum)):
        return None  # the field's own bound, or a share's (pydantic's words say it)
    unit = extra["unit"] or "no unit"
    return (
        f"{words} {bound:g}, the plausible range of {kind.name} ({unit}; "
        "docs/scenarios.md, Plausible ranges)"
    )


def _field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The field a pydantic error location points to, through tables, arrays and options."""
    info, annotation = None, model
    for part in loc:
        if isinstance(part, int):
            continue  # an item of an array: its type is the array's
        inner = _model_in(annotation)
        if inner is None or part not in inner.model_fields:
            return None
        info = inner.model_fields[part]
        annotation = info.annotation
    return info


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (directly, in a list or as an option)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Raises:
        ScenarioError: when the file is missing, is not TOML, or does not validate.
    """
    path = Path(path)
    return validate_scenario(read_toml(path, "scenario"), source=str(path))
