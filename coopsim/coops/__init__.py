"""What happens to cooperatives in a year (schedule steps 4–5).

Each function works on the state arrays and the year's economy (through
:class:`~coopsim.coops.year.Year`), records its events, and pays what the state owes
through the treasury. By module: ``payments`` (step 4), ``membership`` (farms in and
out), ``structure`` (investment, secession, merger, federation), ``life_cycle``
(voice, life cycle, winding up) and ``year`` (what they share).

* :func:`pay_recurring_subsidies`: output, audit, credit and start-up aid (step 4);
* :func:`apply_farm_choices`: farms quit, leave, join and found (step 5, rules R1, R6);
* :func:`register_under_pressure`: nominal coops registered to meet regional KPIs (R8);
* :func:`activate_or_drop_nominal`: nominal coops start operating or are wound up (R8);
* :func:`invest`: coops buy machines when hiring costs more (R4);
* :func:`secede`: sub-groups that pay more than their own coop would cost leave (R2);
* :func:`merge`: pairs of coops merge when it saves cost and majorities gain (R7);
* :func:`federate`: primary coops form and leave regional unions; unions join the
  central tier;
* :func:`give_voice`: dissatisfied majorities change their coop's sharing rule (R6);
* :func:`advance_life_cycle`: phases, and the exit/continue/transition choice (R8);
* :func:`dissolve_empty`: coops left with fewer than two members are dissolved.
"""

from coopsim.coops.life_cycle import advance_life_cycle, dissolve_empty, give_voice
from coopsim.coops.membership import (
    activate_or_drop_nominal,
    apply_farm_choices,
    register_under_pressure,
)
from coopsim.coops.payments import pay_recurring_subsidies
from coopsim.coops.structure import federate, invest, merge, secede
from coopsim.coops.year import Year

__all__ = [
    "Year",
    "activate_or_drop_nominal",
    "advance_life_cycle",
    "apply_farm_choices",
    "dissolve_empty",
    "federate",
    "give_voice",
    "invest",
    "merge",
    "pay_recurring_subsidies",
    "register_under_pressure",
    "secede",
]
