"""The Explore run's bands: its scenario over several seeds, and against no programme.

The run the page steps through is one run of a sample. What a policymaker may quote is
the spread over runs: :func:`findings_of` runs the session's scenario, as set, over
:data:`BAND_RUNS` seeds together with its no-programme baseline (the experiments'
engine, :func:`coopsim.experiments.baseline.run_headlines`), in a worker process of its
own, so the page's own steps are not slowed by it, and keeps the result with the
simulation it belongs to. One such computation runs at a time on the server; a session
asking while another computes waits for its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from coopsim.dashboard.session import Simulation
from coopsim.experiments.baseline import Findings, run_headlines
from coopsim.experiments.executor import ProcessPool

BAND_RUNS = 8
"""Seeds of the scenario (and as many of its no-programme baseline) behind each band."""

_ONE_AT_A_TIME = threading.Lock()


def findings_of(
    sim: Simulation,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Findings:
    """The headline of the simulation's scenario over :data:`BAND_RUNS` runs (kept once made).

    The runs simulate as many farms as the session's run, with the seeds spawned from its
    seed, so a link to the same settings gives the same bands.

    Raises:
        HeadlineError: a run failed, or ``cancel`` was set before all had finished.
    """
    if sim.findings is not None:
        return sim.findings
    with _ONE_AT_A_TIME:
        if sim.findings is None:
            sim.findings = run_headlines(
                sim.scenario,
                runs=BAND_RUNS,
                seed=sim.seed,
                executor=ProcessPool(1),
                progress=progress,
                cancel=cancel,
            )
    return sim.findings
