"""The economics of the model as pure functions over numpy arrays.

Nothing here knows about Mesa, the schedule or random numbers: each function takes
quantities in named units and returns quantities, so each rule of the model brief
(R1–R8, farm exit) can be tested on hand-computed cases.

* :mod:`~coopsim.economics.machinery`: work needed, machinery cost, investment (R4).
* :mod:`~coopsim.economics.coop_costs`: a cooperative's cost from its members (R4).
* :mod:`~coopsim.economics.allocation`: patronage and Shapley cost sharing (R3).
* :mod:`~coopsim.economics.prices`: bargaining premium and yardstick effect (R5).
* :mod:`~coopsim.economics.rules`: join (R1), secede (R2), leave (R6), merge (R7),
  life cycle (R8) and farm exit.
"""
