"""Where a sweep keeps its results: one folder, one file per run, written as runs finish.

Layout of a sweep's folder ``DIR`` (``docs/experiments.md``):

* ``runs/<run_id>.parquet``: the model table of a finished run, with the run's
  record (replicate, seed, values, timings, host) in the Parquet metadata;
* ``runs/<run_id>.lineage.parquet``, ``runs/<run_id>.payments.parquet``: the run's
  lineage and payments tables, when the sweep was asked to keep them;
* ``runs/<run_id>.failed.json``: the error of a failed run (tried again on rerun);
* ``manifest.json``: the spec, its hash, every planned run and its status, package
  versions, the git revision, timings;
* ``runs.parquet``: all finished runs merged, one row per run and year (and
  ``runs.csv``, the same table as CSV, when asked for).

Every file is written under a temporary name and moved into place, so a sweep
killed at any moment leaves either a whole file or none. A run is finished exactly
when its ``.parquet`` file exists; that is all a rerun needs to resume. One sweep at
a time may write to a folder (a POSIX file lock enforces it).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from coopsim.columns import TABLES, arrow_table, write_parquet
from coopsim.experiments.runner import RunResult
from coopsim.results import PARTIAL, ResultError, atomic_write, cannot_write, exclusive

RUNS = "runs"
MANIFEST = "manifest.json"
MERGED = "runs.parquet"
MERGED_CSV = "runs.csv"
LOCK = ".lock"
METADATA_KEY = b"coopsim.run"

RUN_COLUMNS = ("run_id", "point", "replicate", "seed")
"""Columns :func:`merge_runs` puts first, before the factor values and model columns."""

POLICY_COLUMNS = ("policy", "draw")
"""In an experiment of policies: the policy's name and the draw of the uncertainties."""

KEPT_TABLES = ("lineage", "payments")
"""Tables besides the model table that a sweep can keep for each run."""


class StoreError(RuntimeError):
    """A sweep folder that cannot be used (locked by another sweep, no manifest, …)."""


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


class RunStore:
    """The files of one sweep folder.

    Args:
        root: the sweep's folder (created when first written to).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.runs = self.root / RUNS

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for one sweep; another sweep writing there raises StoreError.

        Raises:
            StoreError: the folder is locked by another sweep, or cannot be written.
        """
        with contextlib.ExitStack() as stack:
            try:
                self.runs.mkdir(parents=True, exist_ok=True)
                stack.enter_context(
                    exclusive(
                        self.root / LOCK, f"{self.root}: another sweep is writing to this folder"
                    )
                )
                for stale in self.runs.glob(f".*{PARTIAL}"):  # left by a sweep that was killed
                    stale.unlink()
            except ResultError as exc:
                raise StoreError(str(exc)) from None
            except OSError as exc:
                raise StoreError(cannot_write(self.root, exc)) from None
            yield

    def run_path(self, run_id: str) -> Path:
        """The table file of a run."""
        return self.runs / f"{run_id}.parquet"

    def failure_path(self, run_id: str) -> Path:
        """The error file of a failed run."""
        return self.runs / f"{run_id}.failed.json"

    def kept_path(self, run_id: str, name: str) -> Path:
        """The file of a run's kept table ``name`` (lineage or payments)."""
        return self.runs / f"{run_id}.{name}.parquet"

    def finished(self) -> set[str]:
        """Ids of the runs whose model table is on disk."""
        if not self.runs.is_dir():
            return set()
        names = (p.name.removesuffix(".parquet") for p in self.runs.glob("[!.]*.parquet"))
        return {name for name in names if "." not in name}

    def save(self, result: RunResult, record: dict[str, Any]) -> None:
        """Write a run's tables (or its error) with its record: replicate, seed, values, ….

        Kept tables are written before the model table, whose file marks the run done.
        """
        record = {**record, **result.info}
        if result.ok:
            currency = str(record.get("currency", ""))
            for name, frame in result.kept.items():  # with their units, as coopsim run has them
                atomic_write(
                    self.kept_path(result.run_id, name),
                    lambda tmp, f=frame, n=name: write_parquet(f, tmp, currency, TABLES.get(n, {})),
                )
            table = arrow_table(result.table, currency)
            metadata = {**(table.schema.metadata or {}), METADATA_KEY: json.dumps(record)}
            table = table.replace_schema_metadata(metadata)
            atomic_write(self.run_path(result.run_id), lambda tmp: pq.write_table(table, tmp))
            self.failure_path(result.run_id).unlink(missing_ok=True)
        else:
            failure = {**record, "error": result.error, "traceback": result.detail}
            write_json(self.failure_path(result.run_id), failure)

    def record(self, run_id: str) -> dict[str, Any]:
        """What is on disk about a run: ``status`` (done, failed, pending) and its record."""
        path = self.run_path(run_id)
        if path.exists():
            metadata = pq.read_schema(path).metadata or {}
            return {**json.loads(metadata.get(METADATA_KEY, b"{}")), "status": "done"}
        failure = self.failure_path(run_id)
        if failure.exists():
            data = json.loads(failure.read_text(encoding="utf-8"))
            data.pop("traceback", None)
            return {**data, "status": "failed"}
        return {"status": "pending"}

    def read_run(self, run_id: str) -> pd.DataFrame:
        """The model table of a finished run."""
        return pd.read_parquet(self.run_path(run_id))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write ``manifest.json``."""
        write_json(self.root / MANIFEST, manifest)

    def read_manifest(self) -> dict[str, Any]:
        """Read ``manifest.json``.

        Raises:
            StoreError: when the folder holds no manifest, or one that cannot be read.
        """
        path = self.root / MANIFEST
        if not path.exists():
            raise StoreError(f"{self.root}: no {MANIFEST} here; is this a sweep's --out folder?")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
        if not isinstance(manifest, dict) or not {"factors", "runs"} <= manifest.keys():
            raise StoreError(f"{path}: not the manifest of a sweep")
        return manifest


def front_columns(manifest: dict[str, Any]) -> list[str]:
    """The columns before the model's in the merged table: run, policy, varied keys."""
    policies = POLICY_COLUMNS if manifest.get("policies") else ()
    return [*RUN_COLUMNS, *policies, *manifest["factors"]]


def merge_runs(root: Path, *, csv: bool = False) -> pd.DataFrame:
    """Merge the finished runs of a sweep folder into ``runs.parquet`` and return the table.

    One row per run and year: ``run_id``, ``point``, ``replicate``, ``seed``, in an
    experiment of policies ``policy`` and ``draw``, the varied values (one column per
    scenario key: every lever any policy sets, then the factors or uncertainties), then
    the model columns. Runs come in the manifest's order (design point, then
    replicate), whatever order they finished in. With ``csv``, also ``runs.csv``.
    """
    store = RunStore(root)
    manifest = store.read_manifest()
    keys: list[str] = manifest["factors"]
    columns = front_columns(manifest)
    done = store.finished()
    tables = []
    for run in manifest["runs"]:
        if run["run_id"] not in done:
            continue
        table = store.read_run(run["run_id"])
        front = {c: run[c] for c in columns if c not in keys} | {k: run["values"][k] for k in keys}
        tables.append(pd.concat([pd.DataFrame(front, index=table.index), table], axis=1))
    merged = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    currency = str(manifest.get("scenario", {}).get("currency", ""))
    atomic_write(store.root / MERGED, lambda tmp: write_parquet(merged, tmp, currency))
    if csv:
        atomic_write(store.root / MERGED_CSV, lambda tmp: merged.to_csv(tmp, index=False))
    return merged
