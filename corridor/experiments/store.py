"""The result store of an experiment: one Parquet file per run, and a manifest.

Layout of the output folder (plain files: pandas, pyarrow and DuckDB read them without
corridor)::

    OUT/
      manifest.json                      the experiment: scenarios (label, content hash,
                                         settings), root seed, replications, package
                                         versions, and one entry per run (seed, file, timing)
      runs/<scenario-key>/rep0003-seed<seed>.parquet
                                         one file per run: one row per container (see
                                         :data:`RUN_COLUMNS`)
      statistics.parquet, statistics.csv per scenario, flow, route and statistic: mean and
                                         confidence interval across replications, written
                                         when a batch finishes (:func:`write_statistics`)
      .lock                              held while a batch writes to the folder
                                         (:func:`corridor.results.store.folder_lock`)

``<scenario-key>`` is a readable slug of the scenario's label and the first 12 hex digits of
its content hash (the scenario as validated, with its network file's SHA-256 in place of the
network path, and without its ``seed`` and ``description``, which do not change a run).
A run is finished when its file exists: files are written to a hidden temporary name in the
same folder, flushed to disk, then renamed into place, so a file under its final name is
always whole and a batch killed at any moment leaves only temporary files, which readers
never look at and the next batch removes (:func:`corridor.results.store.write_atomic`).
Every write goes through :mod:`corridor.results.store`, so a full disk, a read-only folder or
a file in the way is an error naming the path (``error: OUT: cannot create the folder:
read-only file system (...)``), not a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import platform
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corridor import __version__
from corridor.errors import CorridorError
from corridor.inputs.scenario import Scenario
from corridor.results.files import sha256_of
from corridor.results.store import (
    FolderBusyError,
    check_output_folder,
    folder_lock,
    make_folder,
    output_error,
    write_atomic,
    write_table_atomic,
    write_text_atomic,
)

__all__ = [
    "MANIFEST_NAME",
    "RUN_COLUMNS",
    "RUN_METADATA_KEY",
    "NetworkFile",
    "StoreBusyError",
    "package_versions",
    "read_manifest",
    "read_run",
    "read_run_metadata",
    "remove_stale_temporaries",
    "run_path",
    "scenario_hash",
    "scenario_key",
    "store_lock",
    "write_manifest",
    "write_run",
    "write_statistics",
]

MANIFEST_NAME = "manifest.json"
RUNS_DIR = "runs"
RUN_METADATA_KEY = b"corridor.run"
STORE_FORMAT = 1

RUN_COLUMNS = {
    "scenario": "the scenario's label (its name, with the swept values)",
    "replication": "replication number, from 0",
    "seed": "the run seed (the same for replication r of every scenario)",
    "container": "container number within the run",
    "flow": "flow id",
    "route": "route name",
    "teu": "1 or 2",
    "created_h": "hours from the scenario start",
    "delivered_h": "hours from the scenario start; empty if still in transit at the end",
    "cost_usd": "route and node costs of the container",
    "co2e_kg": "emissions of the container (empty where a leg has no factor)",
    "queue_h ... closure_h": "hours the container spent in each kind of stage (empty when the "
    "scenario does not record stages)",
}

_VERSIONED = ("corridor", "numpy", "pandas", "pyarrow", "simpy", "pydantic", "dask", "distributed")


StoreBusyError = FolderBusyError
"""Another process is writing to the same output folder."""


@dataclass(frozen=True)
class NetworkFile:
    """A network GeoJSON file with its content, so that a worker without the file can run."""

    path: str
    sha256: str
    content: bytes

    @classmethod
    def read(cls, path: str | Path) -> NetworkFile:
        """Read the file at ``path``."""
        content = Path(path).read_bytes()
        return cls(str(path), hashlib.sha256(content).hexdigest(), content)


def _file_sha256(path: str) -> str:
    try:
        return "sha256:" + sha256_of(path)
    except OSError:  # the scenario's checks name a missing file; the path stands in here
        return path


def scenario_hash(scenario: Scenario, network_sha256: str) -> str:
    """The SHA-256 of what determines a run's results, other than its seed.

    The validated scenario as JSON, with the network's content hash in place of its path and
    without ``seed`` (each run sets its own) and ``description`` (free text), the files
    of ``add:`` by their content hash too; plus the corridor version.
    """

    data = scenario.model_dump(mode="json")
    data.pop("seed", None)
    data.pop("description", None)
    data["network"] = network_sha256
    # GeoJSON files that the scenario adds count by their content, like the network
    data["add"] = [
        _file_sha256(item) if isinstance(item, str) else item for item in data.get("add") or ()
    ]
    text = json.dumps(
        {"scenario": data, "corridor": __version__}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_key(label: str, content_hash: str) -> str:
    """The folder name of a scenario's runs: a slug of its label and 12 hex digits of its hash."""
    slug = re.sub(r"[^A-Za-z0-9._=-]+", "-", label).strip("-.")[:60] or "scenario"
    return f"{slug}-{content_hash[:12]}"


def run_path(out: Path, key: str, replication: int, seed: int) -> Path:
    """Where the run of replication ``replication`` (with ``seed``) of scenario ``key`` goes."""
    return out / RUNS_DIR / key / f"rep{replication:04d}-seed{seed}.parquet"


def write_run(path: Path, table: pd.DataFrame, metadata: dict[str, Any]) -> None:
    """Write one run's table atomically, with ``metadata`` (JSON) in the Parquet schema."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[RUN_METADATA_KEY] = json.dumps(metadata, sort_keys=True, default=str).encode("utf-8")
    arrow = arrow.replace_schema_metadata(meta)
    make_folder(path.parent)
    write_atomic(path, lambda tmp: pq.write_table(arrow, tmp, compression="zstd"))


def read_run(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One run's table."""
    table: pd.DataFrame = pq.read_table(path, columns=columns).to_pandas()
    return table


def read_run_metadata(path: Path) -> dict[str, Any]:
    """The metadata a run's file was written with (see :func:`write_run`)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(RUN_METADATA_KEY)
    return dict(json.loads(raw)) if raw else {}


def remove_stale_temporaries(out: Path) -> int:
    """Remove temporary files left by a batch that was killed; return how many."""
    runs = out / RUNS_DIR
    removed = 0
    if runs.is_dir():
        for tmp in runs.glob("*/.*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that make a run's numbers."""
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out[name] = importlib.metadata.version(name)
    return out


def write_manifest(out: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` atomically; return its path."""
    body = {"format": STORE_FORMAT, **manifest}
    body["written_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    text = json.dumps(body, indent=2, default=str) + "\n"
    return write_text_atomic(out / MANIFEST_NAME, text)


def write_statistics(out: Path, statistics: pd.DataFrame) -> list[Path]:
    """Write the experiment's statistics table as ``statistics.parquet`` and
    ``statistics.csv`` (atomically); return their paths.

    The columns are those of :func:`corridor.experiments.analysis.summary_statistics`
    (docs/results-reference.md, "Experiments"). A batch writes them when it finishes, with
    the experiment's own warm-up; :func:`corridor.load_experiment` recomputes them from the
    runs, so they never go stale for a reader in Python.
    """
    return [
        write_table_atomic(out / f"{STATISTICS_NAME}.{kind}", statistics)
        for kind in ("parquet", "csv")
    ]


STATISTICS_NAME = "statistics"


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of the experiment in ``out``.

    Raises
    ------
    CorridorError
        If ``out`` holds no experiment (no ``manifest.json``) or the file is not readable.
    """
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise _NotAStore(
            f"{out}: no experiment here ({MANIFEST_NAME} not found); give the folder that "
            "'corridor batch' wrote"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _NotAStore(f"{path}: cannot read the manifest: {exc}") from None
    if not isinstance(data, dict):
        raise _NotAStore(f"{path}: the manifest is not a JSON object")
    return data


class _NotAStore(CorridorError, ValueError):
    """A folder that holds no experiment."""


@contextlib.contextmanager
def store_lock(out: Path) -> Iterator[None]:
    """Check the output folder, create it, and hold its lock while a batch writes to it.

    The lock (:func:`corridor.results.store.folder_lock`, the one lock of the store) is an
    advisory ``flock`` on ``OUT/.lock``: the operating system releases it when the process
    ends, however it ends, so a killed batch never leaves the folder locked.

    Raises
    ------
    StoreBusyError
        If another process holds the lock.
    OutputError
        If ``out`` is a file, or cannot be created or written.
    """
    check_output_folder(out, whole=False)
    make_folder(out)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(folder_lock(out, wait=False, who="corridor batch"))
        except OSError as exc:  # the lock file could not be made
            raise output_error(out / ".lock", exc) from None
        yield
