"""Experiments: sweeps, replications and sensitivity analysis, on one machine or a cluster.

The pipeline, one module a step (``docs/experiments.md``):

* :mod:`~coopsim.experiments.spec`: the experiment file, validated like a scenario;
* :mod:`~coopsim.experiments.design`: design points (grid, Latin hypercube, Saltelli,
  Morris) and :mod:`~coopsim.experiments.seeds`: one seed per replicate;
* :mod:`~coopsim.experiments.plan`: the runs, each with an id and a seed;
* :mod:`~coopsim.experiments.runner` and :mod:`~coopsim.experiments.executor`: one run,
  and where runs are carried out (in process, a process pool, a Dask cluster);
* :mod:`~coopsim.experiments.store` and :mod:`~coopsim.experiments.sweep`: each run on
  disk as it finishes, resumable, merged into one table;
* :mod:`~coopsim.experiments.analysis` and :mod:`~coopsim.experiments.plots`: summaries
  over replicates, Sobol and Morris indices, plots;
* :mod:`~coopsim.experiments.arms`: a few policy arms compared side by side (the
  dashboard's Compare page), with the same seeds, run ids, runner and executors.

From Python::

    from coopsim.experiments import analyze, load_experiment, run_sweep

    run_sweep(load_experiment("experiments/smoke.toml"), "out/smoke", workers=2)
    result = analyze("out/smoke", outcome="membership_rate")
    result.factors          # pandas DataFrame: mean and 95 % interval per factor level
"""

from coopsim.experiments.analysis import (
    Analysis,
    AnalysisError,
    analyze,
    factor_summary,
    load_runs,
    morris_indices,
    outcome_values,
    point_summary,
    sobol_indices,
)
from coopsim.experiments.plan import Plan, PlannedRun, make_plan
from coopsim.experiments.spec import Experiment, dotted_key, load_experiment, plain_name
from coopsim.experiments.store import merge_runs
from coopsim.experiments.sweep import SweepReport, run_sweep

__all__ = [
    "Analysis",
    "AnalysisError",
    "Experiment",
    "Plan",
    "PlannedRun",
    "SweepReport",
    "analyze",
    "dotted_key",
    "factor_summary",
    "load_experiment",
    "load_runs",
    "make_plan",
    "merge_runs",
    "morris_indices",
    "outcome_values",
    "plain_name",
    "point_summary",
    "run_sweep",
    "sobol_indices",
]
