"""pyabc's sampling, done on coopsim's executors and reproducible on every one of them.

pyabc's own multicore and Dask samplers reseed their workers at random and keep the
particles that finish first, so two runs of the same calibration differ. This sampler
gives particle ``i`` of generation ``t`` its own random state (numpy's
``SeedSequence(seed, t, i)``) for both the proposal and the model's seed, runs the
particles' countries in batches on any :class:`~coopsim.experiments.executor.Executor`
(this process, a process pool, a Dask cluster), and keeps the first ``n`` accepted
particles in the order they were proposed. The posterior therefore depends only on
the calibration file, never on the executor, the batch size or timing.

A particle is handled in two passes of pyabc's ``simulate_one`` with the same random
state: the first pass only records the parameters pyabc proposes (the model stops it
there), the runs are carried out on the executor, and the second pass hands pyabc the
particle's simulated figures to weigh and accept.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyabc
from pyabc.sampler import Sampler

from coopsim.experiments.calibration import UNDEFINED, Calibration
from coopsim.experiments.runner import RunResult

if TYPE_CHECKING:
    from coopsim.experiments.executor import Executor


def quiet_pyabc() -> None:
    """Keep pyabc's own INFO logging off the console; coopsim reports progress itself."""
    for name in ("ABC", "pyabc", "History", "Sampler", "Epsilon", "Distance", "Acceptor"):
        logging.getLogger(name).setLevel(logging.WARNING)


class _Proposed(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the model in the first pass, carrying the proposed parameters."""

    def __init__(self, values: dict[str, float]) -> None:
        super().__init__()
        self.values = values


class CoopsimModel(pyabc.Model):
    """The country scenarios as one pyabc model: parameters in, figures out.

    It never simulates itself: in the first pass it records what pyabc proposes; in
    the second it returns the figures the executor computed for that particle.
    """

    def __init__(self) -> None:
        super().__init__(name="coopsim")
        self.answer: dict[str, float] | None = None

    def sample(self, pars: Any) -> dict[str, float]:
        """The particle's figures (second pass), or stop the first pass with its values."""
        if self.answer is None:
            raise _Proposed({key: float(value) for key, value in pars.items()})
        return self.answer


def particle_state(seed: int, t: int, i: int) -> tuple[int, int]:
    """Particle ``i`` of generation ``t``: the seed of its proposal and its model seed."""
    state = np.random.SeedSequence([seed, t + 1, i]).generate_state(2, dtype=np.uint64)
    return int(state[0] % np.uint64(2**32)), int(state[1] >> np.uint64(1))


class ExecutorSampler(Sampler):
    """A pyabc sampler that runs particles in batches on a coopsim executor.

    Args:
        calibration: what each particle runs and how its figures are read.
        executor: where the runs are carried out (entered by the caller).
        progress: told about each finished generation in a line of words.
    """

    def __init__(
        self,
        calibration: Calibration,
        executor: Executor,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.calibration = calibration
        self.executor = executor
        self.progress = progress
        self.model = CoopsimModel()
        self.acceptance = 1.0

    def _pass(self, simulate_one: Callable, t: int, i: int, answer: Any) -> Any:
        proposal_seed, _ = particle_state(self.calibration.spec.seed, t, i)
        np.random.seed(proposal_seed)
        random.seed(proposal_seed)
        self.model.answer = answer
        try:
            return simulate_one()
        finally:
            self.model.answer = None

    def _propose(self, simulate_one: Callable, t: int, i: int) -> dict[str, float]:
        try:
            self._pass(simulate_one, t, i, None)
        except _Proposed as proposed:
            return proposed.values
        raise RuntimeError("pyabc did not ask the model for a simulation")

    def _simulate(self, t: int, proposals: dict[int, dict[str, float]]) -> dict[int, dict]:
        tasks = []
        for i, values in proposals.items():
            _, model_seed = particle_state(self.calibration.spec.seed, t, i)
            tasks += self.calibration.tasks(f"g{t}-p{i}", values, model_seed)
        results: dict[str, RunResult] = {r.run_id: r for r in self.executor.map(tasks)}
        countries = len(self.calibration.spec.countries)
        return {
            i: self.calibration.simulated_figures(
                [results[f"g{t}-p{i}-c{c}"] for c in range(countries)]
            )
            for i in proposals
        }

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable,
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        """Propose, simulate and accept particles in order until ``n`` are accepted."""
        sample = self._create_empty_sample()
        kept = []
        accepted = evaluated = 0
        rate = 1.0 if all_accepted else self.acceptance
        while accepted < n and evaluated < max_eval:
            # a batch a little larger than the acceptance rate suggests; its size changes
            # how much is simulated beyond the n-th accepted particle, never the result
            size = math.ceil((n - accepted) / max(rate, 0.02) * (1 if all_accepted else 1.2))
            size = int(min(max(size, 2), 8 * n, max_eval - evaluated))
            batch = range(evaluated, evaluated + size)
            proposals = {i: self._propose(simulate_one, t, i) for i in batch}
            figures = self._simulate(t, proposals)
            for i in batch:
                particle = self._pass(simulate_one, t, i, figures[i])
                sample.append(particle)
                evaluated += 1
                if particle.accepted:
                    kept.append(particle)
                accepted = len(kept)
                if accepted == n:
                    break
        self.nr_evaluations_ = evaluated
        self.acceptance = max(accepted, 1) / max(evaluated, 1)
        if t == 0 and kept and all(p.distance >= UNDEFINED for p in kept):
            raise RuntimeError(_unscorable(self.calibration, kept[0].sum_stat))
        if sample.n_accepted < n:
            sample.ok = False
        if self.progress is not None:
            threshold = max((p.distance for p in kept), default=math.nan)
            self.progress(
                f"generation {t}: {accepted} of {evaluated} particles kept "
                f"(acceptance {accepted / max(evaluated, 1):.0%}), largest distance kept "
                f"{threshold:.3g}"
            )
        return sample


def _unscorable(calibration: Calibration, figures: dict[str, float]) -> str:
    labels = calibration.figure_labels()
    missing = [labels[name] for name, value in figures.items() if value != value]
    what = f"{missing[0]} is undefined (0/0 in every year)" if missing else "no figure"
    return f"no particle could be scored ({what})"
