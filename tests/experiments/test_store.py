"""The result store: content hashes, atomic writes, the lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from corridor import load_scenario
from corridor.experiments import ExperimentSpec, Serial, run_experiment
from corridor.experiments.store import (
    NetworkFile,
    read_run,
    read_run_metadata,
    scenario_hash,
    scenario_key,
    write_run,
)
from tests.experiments.conftest import DATA, MM1
from tests.inputs.features import node_feature


def _hash(folder: Path, name: str = "chain-mm1.yaml") -> str:
    scenario = load_scenario(folder / name)
    assert scenario.network_path is not None
    return scenario_hash(scenario, NetworkFile.read(scenario.network_path).sha256)


def test_the_hash_does_not_depend_on_where_the_files_are(tmp_path: Path) -> None:
    for name in ("chain.geojson", "chain-mm1.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    assert _hash(tmp_path) == _hash(DATA)


def test_the_hash_follows_the_network_content_and_ignores_the_seed(tmp_path: Path) -> None:
    for name in ("chain.geojson", "chain-mm1.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    text = (tmp_path / "chain-mm1.yaml").read_text()
    (tmp_path / "chain-mm1.yaml").write_text(text.replace("seed: 1", "seed: 99"))
    assert _hash(tmp_path) == _hash(DATA)
    net = (tmp_path / "chain.geojson").read_text()
    (tmp_path / "chain.geojson").write_text(net.replace('"length_km": 100', '"length_km": 101'))
    assert _hash(tmp_path) != _hash(DATA)


def test_scenario_keys_are_readable_file_names() -> None:
    assert scenario_key("mm1[servers=2, teu_per_day=12]", "ab" * 32) == (
        "mm1-servers=2-teu_per_day=12-abababababab"
    )
    assert scenario_key("///", "0" * 64) == "scenario-000000000000"


def test_run_files_keep_their_metadata(tmp_path: Path) -> None:
    table = pd.DataFrame({"created_h": [1.0, 2.5], "delivered_h": [3.0, float("nan")]})
    path = tmp_path / "runs" / "k" / "rep0000-seed1.parquet"
    write_run(path, table, {"seed": 1, "wall_s": 0.5})
    pd.testing.assert_frame_equal(read_run(path), table)
    assert read_run_metadata(path) == {"seed": 1, "wall_s": 0.5}
    assert MM1.is_file()


def test_a_finished_batch_writes_its_statistics_table(pair_spec: ExperimentSpec) -> None:
    results = run_experiment(pair_spec, executor=Serial())
    assert results is not None
    out = pair_spec.out
    stats = pd.read_parquet(out / "statistics.parquet")
    pd.testing.assert_frame_equal(pd.read_csv(out / "statistics.csv"), stats, check_dtype=False)
    # the mean transit of mm1 by hand: per run, the mean over the boxes created after the
    # 5-day warm-up and delivered; then the mean of the three runs
    per_run = []
    for path in results.run_files("mm1"):
        t = read_run(path)
        done = t[(t["created_h"] >= 5 * 24) & t["delivered_h"].notna()]
        per_run.append(((done["delivered_h"] - done["created_h"]) / 24.0).mean())
    row = stats[(stats["scenario"] == "mm1") & (stats["metric"] == "mean_days")].iloc[0]
    assert row["n"] == 3
    assert row["mean"] == pytest.approx(sum(per_run) / 3, rel=1e-12)
    assert row["ci_low"] < row["mean"] < row["ci_high"]
    assert set(stats["scenario"]) == {"mm1", "mm1-faster"}


def test_the_hash_follows_the_content_of_added_files(tmp_path: Path) -> None:
    for name in ("chain.geojson", "chain-mm1.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    text = (tmp_path / "chain-mm1.yaml").read_text()
    (tmp_path / "chain-mm1.yaml").write_text(text + "add: [extra.geojson]\n")
    extra = {"type": "FeatureCollection", "features": [node_feature("X", 50.0, 40.0)]}
    (tmp_path / "extra.geojson").write_text(json.dumps(extra))
    first = _hash(tmp_path)
    moved = tmp_path / "elsewhere"
    shutil.copytree(tmp_path, moved, ignore=shutil.ignore_patterns("elsewhere"))
    assert _hash(moved) == first  # where the files are does not matter
    extra["features"] = [node_feature("X", 50.5, 40.0)]
    (tmp_path / "extra.geojson").write_text(json.dumps(extra))
    assert _hash(tmp_path) != first  # what the added file holds does
