"""The processes of a simulated year, one module per submodel of ``docs/odd.md`` §7.

Each module holds a process's decision, its application to the state and what it
records; the rules themselves are pure functions in :mod:`coopsim.economics`. In the
order of the yearly schedule (:mod:`coopsim.model`):

* :mod:`~coopsim.processes.production`: what each farm grows and needs (step 2);
* :mod:`~coopsim.processes.markets`: prices, coops' costs and payoffs (steps 2, R4, R5);
* :mod:`~coopsim.processes.cost_sharing`: members' cost shares (step 3, R3) and voice
  on the sharing rule (R6);
* :mod:`~coopsim.processes.subsidies`: every payment of every instrument (step 4, and
  the grants, investment and merger subsidies of step 5);
* :mod:`~coopsim.processes.farm_exit`: farms quit and their land passes on;
* :mod:`~coopsim.processes.leaving`: members judge their year, leave (R6) or secede (R2);
* :mod:`~coopsim.processes.joining`: farms join and found coops (R1);
* :mod:`~coopsim.processes.life_cycle`: KPI registrations, nominal coops, phases (R8);
* :mod:`~coopsim.processes.investment`: coops buy machines (R4);
* :mod:`~coopsim.processes.mergers`: coops merge (R7);
* :mod:`~coopsim.processes.federation`: regional unions and the central tier;
* :mod:`~coopsim.processes.learning`: awareness and trust spread (step 6).

What they share: :mod:`~coopsim.processes.year` (the year every process is given) and
:mod:`~coopsim.processes.register` (coops registered, members entered and struck off,
coops wound up).
"""
